//! Outside checkers and tools from PyPI (the `datasets` library, openai's types, the
//! witness), installed in virtual environments by the project's `scripts/prepare-*`:
//! where they are, and running a checker script.

use anyhow::{bail, Context, Result};
use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Stdio};

/// What `scripts/<script>` prints (paths of what it installed), or the environment
/// variable `env` when `scripts/test` already set it.
pub fn prepared(env: &str, script: &str) -> Result<String> {
    if let Ok(v) = std::env::var(env) {
        return Ok(v);
    }
    let out = Command::new(crate::workspace_root().join("scripts").join(script))
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("running scripts/{script}"))?;
    if !out.status.success() {
        bail!("scripts/{script} failed");
    }
    Ok(String::from_utf8(out.stdout)?.trim().to_string())
}

/// Runs the checker `script` (a path from the workspace root) with `python`, offline;
/// panics with its output unless it succeeds, else returns what it printed.
pub fn check<S: AsRef<OsStr>>(python: &Path, script: &str, args: &[S]) -> String {
    let home = tempfile::tempdir().expect("a temporary directory");
    let out = Command::new(python)
        .arg(crate::workspace_root().join(script))
        .args(args)
        .env("HF_DATASETS_OFFLINE", "1")
        .env("HF_HUB_OFFLINE", "1")
        .env("HF_HOME", home.path())
        .output()
        .unwrap_or_else(|e| panic!("{python:?} {script}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{python:?} {script}:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}
