//! `native-worker publish`: mirrors the app's public log (`/checkpoint`, every tile
//! and entry bundle of its tree, byte for byte) into a static site, refusing to
//! publish unless the tiles hash to the signed root and every entry hashes to its
//! level-0 tile. Only new or changed files are written, so a git diff of the site
//! stays small (full tiles never change; the right edge grows as new partial tiles).

use crate::api::Client;
use anyhow::{bail, Context, Result};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use tlog::checkpoint::{verify_checkpoint, Checkpoint};
use tlog::merkle::{leaf_hash, root};
use tlog::tiles::{self, TileNodes, TilePath};

/// What a publish changed on disk.
#[derive(Default, Debug)]
struct Changes {
    added: usize,
    changed: usize,
    unchanged: usize,
}

impl Changes {
    fn write(&mut self, out: &Path, rel: &str, bytes: &[u8]) -> Result<()> {
        let path = out.join(rel);
        match std::fs::read(&path) {
            Ok(existing) if existing == bytes => {
                self.unchanged += 1;
                return Ok(());
            }
            Ok(_) => self.changed += 1,
            Err(_) => self.added += 1,
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))
    }
}

/// The app's log as an outsider reads it: the signed checkpoint, every tile and entry
/// bundle of its tree (by path), and the entries in order, checked against each other.
pub struct Mirror {
    /// The checkpoint note as served (with any cosignatures).
    pub note: String,
    /// What it signs.
    pub checkpoint: Checkpoint,
    /// Tile and entry-bundle paths and their bytes.
    pub files: HashMap<String, Vec<u8>>,
    /// Every entry (leaf data) of the tree, by index.
    pub entries: Vec<Vec<u8>>,
}

/// Reads the log at `api` and checks it: the checkpoint verifies under `key`, the
/// tiles hash to its root, and every entry hashes to its level-0 tile.
pub fn mirror(api: &Client, key: &str) -> Result<Mirror> {
    let note = String::from_utf8(api.get_bytes("/checkpoint")?)?;
    let checkpoint = verify_checkpoint(&note, key)
        .map_err(|e| anyhow::anyhow!("the app's checkpoint does not verify: {e}"))?;
    let size = checkpoint.size;
    let mut files: HashMap<String, Vec<u8>> = HashMap::new();
    for (level, index, width) in tiles::tiles_of(size) {
        let path = TilePath::Hashes {
            level,
            index,
            width,
        }
        .path();
        let bytes = api.get_bytes(&format!("/{path}"))?;
        if bytes.len() as u64 != width * 32 {
            bail!("{path} has {} bytes, not {}", bytes.len(), width * 32);
        }
        files.insert(path, bytes);
    }
    let mut reader = TileNodes::new(size, |p: &str| files.get(p).cloned());
    if root(&mut reader, size) != checkpoint.root {
        bail!("the app's tiles do not hash to the signed root");
    }
    let mut all = Vec::with_capacity(size as usize);
    for (_, index, width) in tiles::tiles_of(size).into_iter().filter(|t| t.0 == 0) {
        let path = TilePath::Entries { index, width }.path();
        let bundle = api.get_bytes(&format!("/{path}"))?;
        let entries = tiles::parse_bundle(&bundle)
            .filter(|e| e.len() as u64 == width)
            .with_context(|| format!("{path} is not a bundle of {width} entries"))?;
        let level0 = &files[&tiles::tile_path(0, index, width)];
        for (i, entry) in entries.iter().enumerate() {
            if leaf_hash(entry)[..] != level0[i * 32..(i + 1) * 32] {
                bail!("entry {} does not hash to its tile", index * 256 + i as u64);
            }
        }
        all.extend(entries);
        files.insert(path, bundle);
    }
    Ok(Mirror {
        note,
        checkpoint,
        files,
        entries: all,
    })
}

/// Publishes the site into `out`; with `git_branch`, commits it there.
pub fn run(api: &Client, out: &Path, git_branch: Option<&str>) -> Result<()> {
    if let Some(branch) = git_branch {
        git_switch(out, branch)?;
    }
    let summary = api.get_json("/api/publish/summary")?;
    let key = summary["verifier_key"]
        .as_str()
        .context("summary without verifier key")?;
    let Mirror {
        note,
        checkpoint,
        files,
        ..
    } = mirror(api, key).context("refusing to publish")?;
    let size = checkpoint.size;

    let mut changes = Changes::default();
    let mut paths: Vec<&String> = files.keys().collect();
    paths.sort();
    for path in paths {
        changes.write(out, path, &files[path])?;
    }
    changes.write(out, "checkpoint", note.as_bytes())?;
    changes.write(out, "key.txt", format!("{key}\n").as_bytes())?;
    let witnesses: String = summary["witnesses"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|k| format!("{k}\n"))
        .collect();
    changes.write(out, "witnesses.txt", witnesses.as_bytes())?;
    let deleted: String = summary["deleted"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| format!("{i}\n"))
        .collect();
    changes.write(out, "deleted.txt", deleted.as_bytes())?;
    let releases = api.get_json("/api/releases")?;
    changes.write(
        out,
        "releases/deletions",
        &api.get_bytes("/releases/deletions")?,
    )?;
    for pair in summary["codes"].as_array().into_iter().flatten() {
        if let (Some(hash), Some(leaf)) = (pair[0].as_str(), pair[1].as_i64()) {
            changes.write(out, &format!("v/{hash}"), format!("{leaf}\n").as_bytes())?;
        }
    }
    changes.write(
        out,
        "index.html",
        crate::site::index_html(&summary, &note, size, &releases).as_bytes(),
    )?;
    changes.write(out, ".nojekyll", b"")?;
    println!(
        "published tree size {size}: {} files added, {} changed, {} unchanged",
        changes.added, changes.changed, changes.unchanged
    );
    if let Some(branch) = git_branch {
        git_commit(out, branch, size, &hex::encode(checkpoint.root))?;
    }
    let marked = api.post_json(
        "/api/publish/mark",
        &json!({ "tree_size": size, "root_hash": B64.encode(checkpoint.root) }),
    )?;
    println!("marked {} contributions as published", marked["marked"]);
    Ok(())
}

fn git(dir: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .context("running git")?;
    if !out.status.success() {
        bail!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Switches the checkout to `branch`, creating it as an orphan branch if needed.
fn git_switch(dir: &Path, branch: &str) -> Result<()> {
    git(dir, &["rev-parse", "--git-dir"]).context("--git needs --out to be a git checkout")?;
    if git(dir, &["rev-parse", "--abbrev-ref", "HEAD"])
        .map(|b| b.trim() == branch)
        .unwrap_or(false)
    {
        return Ok(());
    }
    if git(dir, &["switch", branch]).is_err() {
        git(dir, &["switch", "--orphan", branch])?;
    }
    Ok(())
}

fn git_commit(dir: &Path, branch: &str, size: u64, root_hex: &str) -> Result<()> {
    git(dir, &["add", "-A"])?;
    if git(dir, &["status", "--porcelain"])?.trim().is_empty() {
        println!("git: nothing changed on {branch}");
        return Ok(());
    }
    let message = format!("Publish checkpoint: tree size {size}, root {root_hex}");
    git(
        dir,
        &[
            "-c",
            "user.name=native-worker",
            "-c",
            "user.email=native-worker@localhost",
            "commit",
            "-q",
            "-m",
            &message,
        ],
    )?;
    println!("git: committed on {branch}: {message}");
    Ok(())
}
