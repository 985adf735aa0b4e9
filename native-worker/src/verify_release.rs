//! `native-worker verify-release`: checks a downloaded dataset release against the
//! public log alone, as a downstream user would. The release's statement must be a
//! note signed under the log's key; the manifest must hash to the statement's
//! `manifest`; the log (its checkpoint, tiles and every entry, and the cosignatures of
//! the witnesses named) must check out, hold the release leaf naming that manifest,
//! and hold every manifest row's leaf with its commitment, inside the checkpoint the
//! release was cut at. Then each row of a jsonl file must hash to its manifest line,
//! in order, every row either present or withdrawn in the signed deletions list (a
//! copy made before the erasure may still hold it: reported, to be dropped); a
//! file in another format must be the file the release recorded (while nothing is
//! withdrawn). Any failure is an error naming what does not match.

use crate::api::Client;
use crate::publish::{mirror, Mirror};
use anyhow::{bail, Context, Result};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use tlog::checkpoint::verify_note;
use tlog::cosignature::WitnessKey;
use tlog::merkle::{leaf_hash, node_hash, Hash};

/// What to check.
pub struct Check<'a> {
    /// The log's verifier key.
    pub vkey: &'a str,
    /// The release's number.
    pub release: i64,
    /// The manifest file.
    pub manifest: &'a Path,
    /// Downloaded files of the release.
    pub files: &'a [PathBuf],
    /// Witnesses' verifier keys whose cosignature the checkpoint must carry.
    pub witnesses: &'a [String],
}

/// One manifest line.
struct Line {
    leaf: u64,
    commitment: String,
    row_sha256: String,
}

/// Runs every check; the report's lines (printed by the caller).
pub fn run(api: &Client, check: &Check) -> Result<Vec<String>> {
    let mut report = Vec::new();
    let n = check.release;
    let release = api.get_json(&format!("/api/releases/{n}"))?;
    let statement = release["statement"]
        .as_str()
        .context("the release is not published yet (no statement)")?;
    let body = verify_note(statement, check.vkey).map_err(|e| {
        anyhow::anyhow!("the release statement is not signed by the log's key: {e}")
    })?;
    let signed = Statement::parse(&body, n)?;
    report.push(format!(
        "statement: release {n} {} signed by {} (checkpoint {}, {} rows, manifest {})",
        signed.name, signed.origin, signed.size, signed.rows, signed.manifest
    ));

    let manifest = std::fs::read(check.manifest)
        .with_context(|| format!("reading {}", check.manifest.display()))?;
    let sha = hex::encode(Sha256::digest(&manifest));
    if sha != signed.manifest {
        bail!("the manifest hashes to {sha}, but the signed statement names {}: it is not the release's manifest", signed.manifest);
    }
    let lines = parse_manifest(&manifest)?;
    if lines.len() as u64 != signed.rows {
        bail!(
            "the manifest has {} lines, the statement {} rows",
            lines.len(),
            signed.rows
        );
    }

    let log = mirror(api, check.vkey)?;
    witnessed(&log.note, check.witnesses)?;
    report.push(format!(
        "log: checkpoint of {} leaves verified (signature, tiles, every entry){}",
        log.checkpoint.size,
        if check.witnesses.is_empty() {
            String::new()
        } else {
            format!(", cosigned by {} witness(es)", check.witnesses.len())
        }
    ));
    let leaf = release["leaf_index"]
        .as_u64()
        .context("the release has no leaf index")?;
    let release_leaf = entry(&log, leaf)?;
    let expected = format!(
        "tds-release/v1\n{leaf}\nrelease {n}\nmanifest {}\n",
        signed.manifest
    );
    if !release_leaf.starts_with(&expected) {
        bail!(
            "leaf {leaf} is not release {n}'s leaf naming manifest {}",
            signed.manifest
        );
    }
    let hashes: Vec<Hash> = log.entries.iter().map(|e| leaf_hash(e)).collect();
    let cut_root = hashes
        .get(..signed.size as usize)
        .map(tree_hash)
        .context("the log is smaller than the release's checkpoint")?;
    if B64.encode(cut_root) != signed.root {
        bail!(
            "the log's first {} leaves do not hash to the root the statement names",
            signed.size
        );
    }
    for line in &lines {
        if line.leaf >= signed.size {
            bail!(
                "manifest row with leaf {} is beyond the release's checkpoint",
                line.leaf
            );
        }
        let data = entry(&log, line.leaf)?;
        let mut parts = data.lines();
        let (version, index, commitment) = (parts.next(), parts.next(), parts.next());
        if version != Some("tds-leaf/v1")
            || index != Some(&line.leaf.to_string())
            || commitment != Some(&line.commitment)
        {
            bail!(
                "leaf {} does not carry the manifest's commitment {}",
                line.leaf,
                line.commitment
            );
        }
    }
    report.push(format!(
        "leaves: release leaf {leaf} and all {} row leaves are in the log with their commitments",
        lines.len()
    ));

    let deletions = String::from_utf8(api.get_bytes("/releases/deletions")?)?;
    let listed = verify_note(&deletions, check.vkey)
        .map_err(|e| anyhow::anyhow!("the deletions list is not signed by the log's key: {e}"))?;
    let withdrawn: HashSet<u64> = listed
        .lines()
        .skip(3)
        .filter_map(|l| {
            let mut p = l.split(' ');
            (p.next()? == n.to_string()).then_some(())?;
            p.next()?.parse().ok()
        })
        .collect();
    for leaf in lines
        .iter()
        .map(|l| l.leaf)
        .filter(|l| withdrawn.contains(l))
    {
        report.push(format!("withdrawn: the row with leaf {leaf} was erased after the release; drop it from your copy"));
    }
    for file in check.files {
        report.push(check_file(file, &release, &lines, &withdrawn)?);
    }
    Ok(report)
}

/// The signed statement's fields.
struct Statement {
    origin: String,
    name: String,
    size: u64,
    root: String,
    rows: u64,
    manifest: String,
}

impl Statement {
    fn parse(body: &str, n: i64) -> Result<Self> {
        let lines: Vec<&str> = body.lines().collect();
        let field = |i: usize, prefix: &str| -> Result<&str> {
            lines
                .get(i)
                .and_then(|l| l.strip_prefix(prefix))
                .with_context(|| format!("the statement's line {} is not `{prefix}…`", i + 1))
        };
        if lines.get(1) != Some(&"tds-release/v1") {
            bail!("the statement is not a tds-release/v1 statement");
        }
        let (number, name) = field(2, "release ")?
            .split_once(' ')
            .context("the statement's release line")?;
        if number != n.to_string() {
            bail!("the statement is release {number}'s, not release {n}'s");
        }
        let (size, root) = field(3, "checkpoint ")?
            .split_once(' ')
            .context("the statement's checkpoint line")?;
        Ok(Self {
            origin: lines[0].to_string(),
            name: name.to_string(),
            size: size.parse().context("the statement's checkpoint size")?,
            root: root.to_string(),
            rows: field(4, "rows ")?.parse().context("the statement's rows")?,
            manifest: field(5, "manifest ")?.to_string(),
        })
    }
}

fn parse_manifest(bytes: &[u8]) -> Result<Vec<Line>> {
    let text = std::str::from_utf8(bytes).context("the manifest is not UTF-8")?;
    text.lines()
        .enumerate()
        .map(|(i, l)| {
            let p: Vec<&str> = l.split(' ').collect();
            let [leaf, commitment, row, _media] = p.as_slice() else {
                bail!("manifest line {} has {} fields, not 4", i + 1, p.len());
            };
            Ok(Line {
                leaf: leaf
                    .parse()
                    .with_context(|| format!("manifest line {}: leaf", i + 1))?,
                commitment: commitment.to_string(),
                row_sha256: row.to_string(),
            })
        })
        .collect()
}

/// Entry `leaf` of the mirrored log, as text.
fn entry(log: &Mirror, leaf: u64) -> Result<String> {
    let data = log.entries.get(leaf as usize).with_context(|| {
        format!(
            "leaf {leaf} is not in the log's checkpoint of {} leaves",
            log.checkpoint.size
        )
    })?;
    Ok(String::from_utf8_lossy(data).into_owned())
}

/// RFC 6962's tree hash of leaf hashes.
fn tree_hash(hashes: &[Hash]) -> Hash {
    match hashes.len() {
        0 => tlog::merkle::empty_root(),
        1 => hashes[0],
        n => {
            let split = n.next_power_of_two() / 2;
            node_hash(&tree_hash(&hashes[..split]), &tree_hash(&hashes[split..]))
        }
    }
}

/// Every witness named must have a cosignature on the checkpoint that verifies.
fn witnessed(note: &str, witnesses: &[String]) -> Result<()> {
    let signatures: Vec<&str> = note
        .split_once("\n\n")
        .map(|(_, s)| s.lines().collect())
        .unwrap_or_default();
    for vkey in witnesses {
        let key = WitnessKey::parse(vkey).map_err(|e| anyhow::anyhow!("{e}"))?;
        if !signatures.iter().any(|line| key.verify(note, line).is_ok()) {
            bail!("the checkpoint carries no valid cosignature of witness {vkey}");
        }
    }
    Ok(())
}

/// Checks one downloaded file; a line for the report.
fn check_file(
    path: &Path,
    release: &Value,
    lines: &[Line],
    withdrawn: &HashSet<u64>,
) -> Result<String> {
    let name = path.display().to_string();
    let open = || std::fs::File::open(path).with_context(|| format!("reading {name}"));
    let format = if name.ends_with(".chat.jsonl") {
        "chat"
    } else if name.ends_with(".jsonl") {
        "jsonl"
    } else if name.ends_with(".tar") {
        "hf"
    } else if name.ends_with(".csv") {
        "csv"
    } else if name.ends_with(".txt") {
        "txt"
    } else {
        bail!("{name}: the format is told by the name (.jsonl, .chat.jsonl, .csv, .txt, .tar)");
    };
    if format == "jsonl" {
        // Line by line: a release's file may be far larger than memory should hold.
        let mut rows = BufReader::new(open()?).lines().enumerate();
        let mut read_next = || -> Result<Option<(usize, String)>> {
            rows.next()
                .map(|(i, row)| row.map(|row| (i, row)))
                .transpose()
                .with_context(|| format!("{name} is not UTF-8 text"))
        };
        // The file's next line, read and not matched yet.
        let mut pending = read_next()?;
        let (mut matched, mut stale) = (0, Vec::new());
        for line in lines {
            let gone = withdrawn.contains(&line.leaf);
            let next = pending.as_ref().map(|(i, row)| {
                (
                    *i,
                    hex::encode(Sha256::digest(row.as_bytes())) == line.row_sha256,
                )
            });
            match next {
                Some((_, true)) => {
                    pending = read_next()?;
                    matched += 1;
                    if gone {
                        stale.push(line.leaf.to_string());
                    }
                }
                // A download made after the erasure leaves the row out.
                _ if gone => {}
                None => bail!(
                    "{name}: the row with leaf {} is missing (and was not withdrawn)",
                    line.leaf
                ),
                Some((i, false)) => bail!("{name}: line {} does not match the manifest's row with leaf {} (altered, or a row is missing before it)", i + 1, line.leaf),
            }
        }
        if let Some((i, _)) = pending {
            bail!("{name}: line {} is not in the manifest", i + 1);
        }
        // A copy downloaded before an erasure still holds the row: it is genuine, and
        // its owner withdrew it.
        if !stale.is_empty() {
            return Ok(format!(
                "{name}: all {matched} rows match the manifest; it still holds the withdrawn rows with leaves {}: drop them",
                stale.join(", ")
            ));
        }
        return Ok(format!("{name}: all {matched} rows match the manifest"));
    }
    let recorded = release["files"][format]["sha256"]
        .as_str()
        .with_context(|| format!("{name}: the release has no {format} file"))?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut open()?, &mut hasher).with_context(|| format!("reading {name}"))?;
    let sha = hex::encode(hasher.finalize());
    if sha == recorded {
        return Ok(format!(
            "{name}: the {format} file as the release recorded it ({sha})"
        ));
    }
    if !withdrawn.is_empty() {
        bail!("{name}: not the release's {format} file as recorded; rows were withdrawn since, so a new download differs: check its rows in the jsonl format");
    }
    bail!("{name}: SHA-256 {sha}, but the release recorded {recorded} for its {format} file")
}
