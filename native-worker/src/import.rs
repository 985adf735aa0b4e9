//! `native-worker import DIR`: brings a folder of existing data in through
//! `POST /api/import`. Each file becomes one JSONL line: `.txt`/`.md` a text
//! contribution, `.wav`/`.flac`/`.mp3`/`.ogg` a voice memo, `.png`/`.jpg`/`.jpeg`/`.webp`
//! a screenshot; its path inside the folder is its `source_id` and its modification
//! time its `created_at`. Lines go in batches (by count and by bytes), with a progress
//! line (files/s, ETA) on stderr and a summary at the end. Running it again after an
//! interruption finishes the import: the rows already there come back as duplicates.
//! `--dry-run` reads and classifies every file and writes nothing.

use crate::api::Client;
use anyhow::{bail, Context, Result};
use base64::Engine as _;
use serde_json::{json, Value};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;
use walkdir::WalkDir;

/// What the command was asked to do.
pub struct Options<'a> {
    /// The folder.
    pub dir: &'a Path,
    /// Most files per request.
    pub batch_files: usize,
    /// Most bytes of JSONL per request (a single larger file still goes alone).
    pub batch_bytes: usize,
    /// Classify and read only; write nothing.
    pub dry_run: bool,
}

/// The modality a file's extension stands for.
fn modality_of(path: &Path) -> Option<&'static str> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "txt" | "md" => "text",
        "wav" | "flac" | "mp3" | "ogg" => "voice",
        "png" | "jpg" | "jpeg" | "webp" => "screenshot",
        _ => return None,
    })
}

/// A file to import, classified.
struct Entry {
    path: PathBuf,
    source_id: String,
    modality: &'static str,
}

/// What the import did, for the summary.
#[derive(Default)]
struct Tally {
    created: u64,
    duplicates: u64,
    rejected: Vec<String>,
}

/// Walks `dir` (sorted, so a re-run sends the same lines in the same order): the files
/// to import and those skipped (no known extension).
fn walk(dir: &Path) -> Result<(Vec<Entry>, Vec<String>)> {
    let (mut entries, mut skipped) = (Vec::new(), Vec::new());
    for item in WalkDir::new(dir).sort_by_file_name() {
        let item = item.with_context(|| format!("reading {}", dir.display()))?;
        if !item.file_type().is_file() {
            continue;
        }
        let path = item.into_path();
        let source_id = path
            .strip_prefix(dir)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        match modality_of(&path) {
            Some(modality) => entries.push(Entry {
                path,
                source_id,
                modality,
            }),
            None => skipped.push(source_id),
        }
    }
    Ok((entries, skipped))
}

/// One file as an import line; `Err` is why it cannot be one (not UTF-8 text, unreadable).
fn line(entry: &Entry) -> Result<Value, String> {
    let bytes = std::fs::read(&entry.path).map_err(|e| format!("cannot be read: {e}"))?;
    let mut line = json!({ "modality": entry.modality, "source_id": entry.source_id });
    if entry.modality == "text" {
        let text = String::from_utf8(bytes).map_err(|_| "is not UTF-8 text".to_string())?;
        line["text"] = text.trim_end_matches(['\n', '\r']).into();
    } else {
        line["data"] = base64::engine::general_purpose::STANDARD
            .encode(bytes)
            .into();
    }
    if let Ok(modified) = std::fs::metadata(&entry.path).and_then(|m| m.modified()) {
        let at = time::OffsetDateTime::from(modified);
        if let Ok(text) = at.format(&time::format_description::well_known::Rfc3339) {
            line["created_at"] = text.into();
        }
    }
    Ok(line)
}

/// Runs the import; the summary is printed, and an error names what stopped it.
pub fn run(client: &Client, options: &Options) -> Result<()> {
    if !options.dir.is_dir() {
        bail!("{} is not a folder", options.dir.display());
    }
    let (entries, skipped) = walk(options.dir)?;
    let total = entries.len();
    let started = Instant::now();
    let mut tally = Tally::default();
    let mut batch: Vec<u8> = Vec::new();
    let mut in_batch = 0;
    let mut done = 0;
    for entry in &entries {
        match line(entry) {
            Ok(value) => {
                let mut bytes = value.to_string().into_bytes();
                bytes.push(b'\n');
                if in_batch > 0
                    && (in_batch >= options.batch_files
                        || batch.len() + bytes.len() > options.batch_bytes)
                {
                    done += send(client, options, &mut batch, &mut in_batch, &mut tally)?;
                    progress(done, total, started);
                }
                batch.extend(bytes);
                in_batch += 1;
            }
            Err(why) => {
                tally.rejected.push(format!("{}: {why}", entry.source_id));
                done += 1;
            }
        }
    }
    done += send(client, options, &mut batch, &mut in_batch, &mut tally)?;
    progress(done, total, started);
    eprintln!();
    summary(&tally, &skipped, total, options.dry_run);
    if !tally.rejected.is_empty() {
        bail!(
            "{} of {total} files were not imported",
            tally.rejected.len()
        );
    }
    Ok(())
}

/// Sends the batch (unless it is empty or this is a dry run); how many files it held.
fn send(
    client: &Client,
    options: &Options,
    batch: &mut Vec<u8>,
    in_batch: &mut usize,
    tally: &mut Tally,
) -> Result<usize> {
    let sent = std::mem::take(in_batch);
    let body = std::mem::take(batch);
    if sent == 0 || options.dry_run {
        return Ok(sent);
    }
    let answer = client.post_jsonl("/api/import", body)?;
    for line in answer["lines"].as_array().into_iter().flatten() {
        match line["outcome"].as_str() {
            Some("created") => tally.created += 1,
            Some("duplicate") => tally.duplicates += 1,
            _ => tally.rejected.push(format!(
                "{}: {} ({})",
                line["source_id"].as_str().unwrap_or("?"),
                line["detail"].as_str().unwrap_or("rejected"),
                line["status"]
            )),
        }
    }
    Ok(sent)
}

/// One progress line, rewritten in place: files done, rate and time left.
fn progress(done: usize, total: usize, started: Instant) {
    let secs = started.elapsed().as_secs_f64().max(1e-3);
    let rate = done as f64 / secs;
    let left = if rate > 0.0 {
        (total - done) as f64 / rate
    } else {
        0.0
    };
    eprint!("\rimport: {done}/{total} files, {rate:.0} files/s, ETA {left:.0} s   ");
    let _ = std::io::stderr().flush();
}

fn summary(tally: &Tally, skipped: &[String], total: usize, dry_run: bool) {
    if dry_run {
        println!(
            "dry run: {} of {total} files would be sent, {} cannot be, {} skipped (no known extension)",
            total - tally.rejected.len(),
            tally.rejected.len(),
            skipped.len()
        );
    } else {
        println!(
            "imported {total} files: {} created, {} already there, {} rejected, {} skipped (no known extension)",
            tally.created,
            tally.duplicates,
            tally.rejected.len(),
            skipped.len()
        );
    }
    for why in &tally.rejected {
        println!("  rejected {why}");
    }
    for name in skipped {
        println!("  skipped {name}");
    }
}
