//! A real third-party C2SP witness for the tests: PyPI `aics-witness` 0.1.0
//! (`scripts/prepare-witness` installs it; `TDS_AICS_WITNESS` names its command), with
//! its own config, key and database in a temporary directory, serving on loopback.

use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running witness; killed when dropped.
pub struct AicsWitness {
    child: Option<Child>,
    dir: tempfile::TempDir,
    /// Its submission prefix, `http://127.0.0.1:PORT`.
    pub url: String,
    /// Its cosignature verifier key (`name+id+base64(0x04 || key)`).
    pub vkey: String,
}

/// The `aics-witness` command: `TDS_AICS_WITNESS`, else what `scripts/prepare-witness`
/// installs.
fn command() -> Result<PathBuf> {
    crate::python::prepared("TDS_AICS_WITNESS", "prepare-witness")
        .map(PathBuf::from)
        .context("the witness tests need aics-witness (Python 3.12)")
}

impl AicsWitness {
    /// Creates a witness called `name` trusting the log `origin` under `log_vkey`
    /// (extension lines allowed: this log's checkpoints carry the activity head), and
    /// serves it.
    pub fn start(name: &str, origin: &str, log_vkey: &str) -> Result<Self> {
        let bin = command()?;
        let dir = tempfile::tempdir()?;
        let config = dir.path().join("witness.json");
        let run = |args: &[&str]| -> Result<String> {
            let out = Command::new(&bin)
                .args(args)
                .arg("--config")
                .arg(&config)
                .output()
                .with_context(|| format!("running {}", bin.display()))?;
            if !out.status.success() {
                bail!(
                    "aics-witness {args:?}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            Ok(String::from_utf8(out.stdout)?)
        };
        let vkey = run(&["init", "--name", name])?
            .lines()
            .last()
            .context("init printed no vkey")?
            .trim()
            .to_string();
        run(&["add-log", "--origin", origin, "--vkey", log_vkey])?;
        let mut json: serde_json::Value = serde_json::from_slice(&std::fs::read(&config)?)?;
        json["logs"][0]["extension_lines"] = true.into();
        std::fs::write(&config, serde_json::to_vec_pretty(&json)?)?;
        let port = crate::sqld::free_port()?;
        let url = format!("http://127.0.0.1:{port}");
        let child = Command::new(&bin)
            .args([
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--config",
            ])
            .arg(&config)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.path().join("serve.log"))?)
            .spawn()
            .context("starting aics-witness serve")?;
        let witness = Self {
            child: Some(child),
            dir,
            url,
            vkey,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while crate::try_call(
            &format!("{}/healthz", witness.url),
            "GET",
            None,
            crate::Body::None,
        )
        .map_or(true, |r| r.status != 200)
        {
            if Instant::now() > deadline {
                bail!("aics-witness did not come up: {}", witness.log());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(witness)
    }

    /// What it logged.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("serve.log")).unwrap_or_default()
    }

    /// Stops it (its state stays on disk until dropped).
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for AicsWitness {
    fn drop(&mut self) {
        self.stop();
    }
}
