//! Spin's runtime-config file (`spin up --runtime-config-file FILE`), the part this
//! app uses: `[sqlite_database.<label>]` with `type = "spin"` (+ `path`) or
//! `type = "libsql"` (+ `url`, `token`), as Spin 4's `spin-runtime-config` reads it.

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Where one database label lives.
#[derive(Clone, Debug, PartialEq)]
pub enum Backend {
    /// A SQLite file opened in-process (Spin's built-in SQLite).
    File(PathBuf),
    /// A libSQL server reached over Hrana/HTTP (sqld, Turso).
    LibSql {
        /// `http://` or `https://` base URL of the server.
        url: String,
        /// Bearer token (any value when the server has no auth).
        token: String,
    },
}

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    sqlite_database: HashMap<String, DatabaseEntry>,
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
enum DatabaseEntry {
    Spin { path: Option<PathBuf> },
    Libsql { url: String, token: String },
}

/// Reads the `[sqlite_database.*]` tables of a runtime-config file. Relative `path`s
/// are taken from the file's own directory, as Spin does; a `spin` entry without a
/// path uses the state directory's file for `default`.
pub fn sqlite_databases(file: &Path, state_dir: &Path) -> Result<HashMap<String, Backend>> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read runtime config {}", file.display()))?;
    let parsed: File = toml::from_str(&text)
        .with_context(|| format!("runtime config {} is not valid", file.display()))?;
    let base = file.parent().unwrap_or(Path::new("."));
    let mut out = HashMap::new();
    for (label, entry) in parsed.sqlite_database {
        let backend = match entry {
            DatabaseEntry::Spin { path: Some(path) } => Backend::File(base.join(path)),
            DatabaseEntry::Spin { path: None } if label == "default" => {
                Backend::File(state_dir.join("sqlite_db.db"))
            }
            DatabaseEntry::Spin { path: None } => {
                bail!("sqlite_database.{label}: type \"spin\" needs a path here")
            }
            DatabaseEntry::Libsql { url, token } => Backend::LibSql {
                url: http_url(&url).with_context(|| format!("sqlite_database.{label}"))?,
                token,
            },
        };
        out.insert(label, backend);
    }
    Ok(out)
}

/// Spin accepts `libsql://` URLs and speaks HTTPS to them; `http(s)://` stay as given.
fn http_url(url: &str) -> Result<String> {
    if let Some(rest) = url.strip_prefix("libsql://") {
        return Ok(format!("https://{rest}"));
    }
    if url.starts_with("http://") || url.starts_with("https://") {
        return Ok(url.to_string());
    }
    bail!("url {url:?} must start with libsql://, https:// or http://")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<HashMap<String, Backend>> {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("rc.toml");
        std::fs::write(&file, text).unwrap();
        sqlite_databases(&file, Path::new("/state")).map(|mut m| {
            for b in m.values_mut() {
                if let Backend::File(p) = b {
                    if let Ok(rest) = p.strip_prefix(dir.path()) {
                        *p = PathBuf::from("<dir>").join(rest);
                    }
                }
            }
            m
        })
    }

    #[test]
    fn reads_both_backends() {
        let m = parse(
            "[sqlite_database.default]\ntype = \"libsql\"\nurl = \"libsql://db.example\"\ntoken = \"t\"\n\
             [sqlite_database.other]\ntype = \"spin\"\npath = \"data/other.db\"\n",
        )
        .unwrap();
        assert_eq!(
            m["default"],
            Backend::LibSql {
                url: "https://db.example".into(),
                token: "t".into()
            }
        );
        assert_eq!(
            m["other"],
            Backend::File(PathBuf::from("<dir>/data/other.db"))
        );
    }

    #[test]
    fn spin_default_without_path_is_the_state_file() {
        let m = parse("[sqlite_database.default]\ntype = \"spin\"\n").unwrap();
        assert_eq!(
            m["default"],
            Backend::File(PathBuf::from("/state/sqlite_db.db"))
        );
    }

    #[test]
    fn bad_entries_are_clear_errors() {
        let e = parse(
            "[sqlite_database.default]\ntype = \"libsql\"\nurl = \"ftp://x\"\ntoken = \"\"\n",
        )
        .unwrap_err();
        assert!(format!("{e:#}").contains("must start with"), "{e:#}");
        assert!(parse("[sqlite_database.default]\ntype = \"redis\"\n").is_err());
        assert!(
            parse("[sqlite_database.default]\ntype = \"libsql\"\nurl = \"http://x\"\n").is_err()
        );
    }
}
