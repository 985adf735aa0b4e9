//! `native-worker publish`: fetches the signed checkpoint and every leaf from the app,
//! recomputes the tree from the leaves and refuses to publish unless it matches the
//! signed root, then writes the site. Only new or changed files are written, so a git
//! diff of the site stays small (full tiles never change; the right edge grows as new
//! partial tiles).

use crate::api::Client;
use anyhow::{bail, Context, Result};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use domain::proof::checkpoint::verify_checkpoint;
use domain::proof::merkle::{leaf_hash, root, Hash};
use domain::proof::tiles::{self, TileNodes};
use serde_json::json;
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

/// Leaves fetched per request.
const PAGE: u64 = 10_000;

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

/// Publishes the site into `out`; with `git_branch`, commits it there.
pub fn run(api: &Client, out: &Path, git_branch: Option<&str>) -> Result<()> {
    if let Some(branch) = git_branch {
        git_switch(out, branch)?;
    }
    let summary = api.get_json("/api/publish/summary")?;
    let note = summary["checkpoint"]
        .as_str()
        .context("summary without checkpoint")?;
    let key = summary["verifier_key"]
        .as_str()
        .context("summary without verifier key")?;
    let checkpoint = verify_checkpoint(note, key)
        .map_err(|e| anyhow::anyhow!("the app's checkpoint does not verify: {}", e.0))?;
    let size = checkpoint.size;

    let mut leaves: Vec<Vec<u8>> = Vec::with_capacity(size as usize);
    while (leaves.len() as u64) < size {
        let start = leaves.len() as u64;
        let page = api.get_json(&format!(
            "/api/publish/leaves?start={start}&limit={}",
            PAGE.min(size - start)
        ))?;
        let items = page["leaves"].as_array().context("leaves response")?;
        if items.is_empty() {
            bail!("the app returned no leaves from {start} although the checkpoint has {size}");
        }
        for item in items {
            if item["index"].as_u64() != Some(leaves.len() as u64) {
                bail!("leaf {} arrived out of order", leaves.len());
            }
            leaves.push(B64.decode(item["data"].as_str().unwrap_or(""))?);
        }
    }
    leaves.truncate(size as usize);
    let hashes: Vec<Hash> = leaves.iter().map(|l| leaf_hash(l)).collect();
    let tile_files = tiles::all_tiles(&hashes);
    let index: HashMap<&str, &Vec<u8>> = tile_files.iter().map(|(p, b)| (p.as_str(), b)).collect();
    let mut reader = TileNodes::new(size, |p: &str| index.get(p).map(|b| b.to_vec()));
    if root(&mut reader, size) != checkpoint.root {
        bail!("the leaves do not hash to the signed root: refusing to publish");
    }

    let mut changes = Changes::default();
    for (path, bytes) in &tile_files {
        changes.write(out, path, bytes)?;
    }
    for (i, chunk) in leaves.chunks(tiles::WIDTH as usize).enumerate() {
        changes.write(
            out,
            &tiles::entries_path(i as u64, chunk.len() as u64),
            &tiles::bundle(chunk),
        )?;
    }
    changes.write(out, "checkpoint", note.as_bytes())?;
    changes.write(out, "key.txt", format!("{key}\n").as_bytes())?;
    let deleted: String = summary["deleted"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| format!("{i}\n"))
        .collect();
    changes.write(out, "deleted.txt", deleted.as_bytes())?;
    for pair in summary["codes"].as_array().into_iter().flatten() {
        if let (Some(hash), Some(leaf)) = (pair[0].as_str(), pair[1].as_i64()) {
            changes.write(out, &format!("v/{hash}"), format!("{leaf}\n").as_bytes())?;
        }
    }
    changes.write(
        out,
        "index.html",
        crate::site::index_html(&summary, size).as_bytes(),
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
