//! `native-worker import PATH`: brings a folder or a `.zip` of existing data in through
//! `POST /api/import`. Each file becomes one JSONL line: `.txt`/`.md` a text
//! contribution, `.wav`/`.flac`/`.mp3`/`.ogg` a voice memo, `.png`/`.jpg`/`.jpeg`/`.webp`
//! a screenshot, and a `.txt` beside a media file of the same name is that file's known
//! text (a sidecar, as the API reads archives); its path inside the folder or zip is its
//! `source_id` and a folder file's modification time its `created_at` (a zip's times
//! name no time zone, so its rows are made at import). Lines go in batches (by count
//! and by bytes), with a progress line (files/s, ETA) on stderr and a summary at the
//! end. Running it again after an interruption finishes the import: the rows already
//! there come back as duplicates. `--dry-run` reads and classifies every file and
//! writes nothing.

use crate::api::Client;
use anyhow::{bail, Context, Result};
use base64::Engine as _;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;
use walkdir::WalkDir;

/// What the command was asked to do.
pub struct Options<'a> {
    /// The folder or `.zip`.
    pub dir: &'a Path,
    /// Most files per request.
    pub batch_files: usize,
    /// Most bytes of JSONL per request (a single larger file still goes alone).
    pub batch_bytes: usize,
    /// Classify and read only; write nothing.
    pub dry_run: bool,
}

/// The modality a file's extension stands for.
fn modality_of(path: &str) -> Option<&'static str> {
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "txt" | "md" => "text",
        "wav" | "flac" | "mp3" | "ogg" => "voice",
        "png" | "jpg" | "jpeg" | "webp" => "screenshot",
        _ => return None,
    })
}

/// Where the files are read from.
enum Source {
    /// A folder on disk.
    Folder(PathBuf),
    /// A zip file, read entry by entry.
    Zip(Mutex<zip::ZipArchive<std::fs::File>>),
}

/// Where one file is inside its source.
#[derive(Clone)]
enum At {
    /// A file on disk.
    Path(PathBuf),
    /// A zip entry by index.
    Entry(usize),
}

/// A file's bytes and, when known, when it was last changed (RFC 3339).
type Read = (Vec<u8>, Option<String>);

impl Source {
    fn open(path: &Path) -> Result<Self> {
        if path.is_dir() {
            return Ok(Source::Folder(path.to_path_buf()));
        }
        let file = std::fs::File::open(path).with_context(|| {
            format!("{} is neither a folder nor a readable file", path.display())
        })?;
        let zip = zip::ZipArchive::new(file)
            .with_context(|| format!("{} is not a folder or a zip file", path.display()))?;
        Ok(Source::Zip(Mutex::new(zip)))
    }

    /// Every file, by its path inside the source (sorted, so a re-run sends the same
    /// lines in the same order); a zip entry whose path leaves the zip is an error.
    fn files(&self) -> Result<BTreeMap<String, Result<At, String>>> {
        let mut out = BTreeMap::new();
        match self {
            Source::Folder(dir) => {
                for item in WalkDir::new(dir) {
                    let item = item.with_context(|| format!("reading {}", dir.display()))?;
                    if item.file_type().is_file() {
                        let path = item.into_path();
                        let name = path
                            .strip_prefix(dir)
                            .unwrap_or(&path)
                            .to_string_lossy()
                            .replace('\\', "/");
                        out.insert(name, Ok(At::Path(path)));
                    }
                }
            }
            Source::Zip(zip) => {
                let mut zip = zip
                    .lock()
                    .map_err(|_| anyhow::anyhow!("zip reader poisoned"))?;
                for i in 0..zip.len() {
                    let entry = zip
                        .by_index(i)
                        .with_context(|| format!("zip entry {}", i + 1))?;
                    if entry.is_dir() {
                        continue;
                    }
                    let at = match entry.enclosed_name() {
                        Some(_) => Ok(At::Entry(i)),
                        None => {
                            Err("leaves the zip; files are taken from inside it only".to_string())
                        }
                    };
                    out.insert(entry.name().to_string(), at);
                }
            }
        }
        Ok(out)
    }

    fn read(&self, at: &At) -> Result<Read, String> {
        match (self, at) {
            (Source::Folder(_), At::Path(path)) => {
                let bytes = std::fs::read(path).map_err(|e| format!("cannot be read: {e}"))?;
                let modified = std::fs::metadata(path)
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|m| {
                        time::OffsetDateTime::from(m)
                            .format(&time::format_description::well_known::Rfc3339)
                            .ok()
                    });
                Ok((bytes, modified))
            }
            (Source::Zip(zip), At::Entry(i)) => {
                let mut zip = zip.lock().map_err(|_| "zip reader poisoned".to_string())?;
                let mut entry = zip
                    .by_index(*i)
                    .map_err(|e| format!("cannot be read: {e}"))?;
                let mut bytes = Vec::new();
                entry
                    .read_to_end(&mut bytes)
                    .map_err(|e| format!("cannot be read: {e}"))?;
                Ok((bytes, None))
            }
            _ => Err("cannot be read".into()),
        }
    }
}

/// A file to import, classified, with its sidecar text when it has one.
struct Entry {
    at: Result<At, String>,
    source_id: String,
    modality: &'static str,
    sidecar: Option<At>,
}

/// What the import did, for the summary.
#[derive(Default)]
struct Tally {
    created: u64,
    duplicates: u64,
    rejected: Vec<String>,
}

/// The files to import, in path order, and those skipped (no known extension). A
/// `.txt` named as a media file is that file's sidecar, not a line of its own.
fn walk(source: &Source) -> Result<(Vec<Entry>, Vec<String>)> {
    let mut files = source.files()?;
    let sidecar_of = |path: &str| path.rsplit_once('.').map(|(stem, _)| format!("{stem}.txt"));
    let media: Vec<String> = files
        .keys()
        .filter(|p| matches!(modality_of(p), Some("voice" | "screenshot")))
        .cloned()
        .collect();
    let mut sidecars = BTreeMap::new();
    for path in media {
        if let Some(Ok(side)) = sidecar_of(&path).and_then(|s| files.remove(&s)) {
            sidecars.insert(path, side);
        }
    }
    let (mut entries, mut skipped) = (Vec::new(), Vec::new());
    for (source_id, at) in files {
        match modality_of(&source_id) {
            Some(modality) => entries.push(Entry {
                sidecar: sidecars.remove(&source_id),
                at,
                source_id,
                modality,
            }),
            None => skipped.push(source_id),
        }
    }
    Ok((entries, skipped))
}

/// One file as an import line; `Err` is why it cannot be one (not UTF-8 text,
/// unreadable, outside the zip).
fn line(source: &Source, entry: &Entry) -> Result<Value, String> {
    let at = entry.at.as_ref().map_err(Clone::clone)?;
    let (bytes, modified) = source.read(at)?;
    let mut line = json!({ "modality": entry.modality, "source_id": entry.source_id });
    let utf8 = |bytes: Vec<u8>, why: &str| {
        String::from_utf8(bytes)
            .map(|t| t.trim_end_matches(['\n', '\r']).to_string())
            .map_err(|_| why.to_string())
    };
    if entry.modality == "text" {
        line["text"] = utf8(bytes, "is not UTF-8 text")?.into();
    } else {
        line["data"] = base64::engine::general_purpose::STANDARD
            .encode(bytes)
            .into();
        if let Some(side) = &entry.sidecar {
            line["text"] = utf8(source.read(side)?.0, "its sidecar is not UTF-8 text")?.into();
        }
    }
    if let Some(at) = modified {
        line["created_at"] = at.into();
    }
    Ok(line)
}

/// Runs the import; the summary is printed, and an error names what stopped it.
pub fn run(client: &Client, options: &Options) -> Result<()> {
    let source = Source::open(options.dir)?;
    let (entries, skipped) = walk(&source)?;
    let total = entries.len();
    let started = Instant::now();
    let mut tally = Tally::default();
    let mut batch: Vec<u8> = Vec::new();
    let mut in_batch = 0;
    let mut done = 0;
    for entry in &entries {
        match line(&source, entry) {
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
    let mut answer = client.post_jsonl("/api/import", body)?;
    // A large batch the app could not write in one request goes on where it stopped.
    while answer["import"]["state"] == "running" {
        let id = answer["import"]["id"].as_i64().unwrap_or_default();
        let (status, more) =
            client.post_status(&format!("/api/imports/{id}/continue"), &json!({}))?;
        if status != 200 {
            bail!("import {id} could not go on ({status}): {}", more["detail"]);
        }
        answer = more;
    }
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
