//! `tests/tlog-audit`, the outside auditor written with Go's golang.org/x/mod `note`
//! and `tlog` packages, built once per test process against Debian's
//! golang-golang-x-mod-dev.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// The built auditor.
pub fn binary() -> &'static PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let root = crate::workspace_root();
        let out = crate::target_dir().join("tlog-audit");
        let gopath = crate::target_dir().join("gopath");
        let status = Command::new("go")
            .args(["build", "-o"])
            .arg(&out)
            .arg(root.join("tests/tlog-audit/main.go"))
            .env("GO111MODULE", "off")
            .env("GOPATH", format!("{}:/usr/share/gocode", gopath.display()))
            .env("GOCACHE", crate::target_dir().join("gocache"))
            .status()
            .expect("go runs (apt-get install golang-go golang-golang-x-mod-dev; .ci/run does)");
        assert!(status.success(), "building tests/tlog-audit failed");
        out
    })
}
