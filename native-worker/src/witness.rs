//! `native-worker witness`: has the log's latest checkpoint cosigned by each witness
//! the app lists (C2SP `tlog-witness`): `add-checkpoint` with the size the witness
//! last cosigned and the consistency proof from it, the returned cosignature
//! verified (C2SP `tlog-cosignature`) and stored through the app, which checks it
//! again. A witness that disagrees about its size (409) gets one resend from the
//! size it names; every other refusal is a clear error, and a failing witness is
//! retried with growing pauses, never in a storm. The log itself never waits.

use crate::api::Client;
use anyhow::{bail, Context, Result};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tlog::cosignature::WitnessKey;
use wire::witness::{Cosignature, Target, Targets};

/// Longest pause before a failing witness is asked again.
const MAX_BACKOFF: Duration = Duration::from_secs(600);

/// When a witness that failed may be asked again.
struct Backoff {
    size: u64,
    until: Instant,
    delay: Duration,
}

/// Runs rounds every `interval` (or one with `once`, failing if a witness did).
pub fn run(api: &Client, once: bool, interval: Duration) -> Result<()> {
    let http = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()?;
    let mut waits: HashMap<String, Backoff> = HashMap::new();
    loop {
        let failed = match round(api, &http, &mut waits, interval) {
            Ok(failed) => failed,
            Err(e) if once => return Err(e),
            // The loop outlives an app that is restarting or a log that is still empty.
            Err(e) => {
                eprintln!(
                    "witness round: {e:#} (trying again in {} s)",
                    interval.as_secs()
                );
                0
            }
        };
        if once {
            if failed > 0 {
                bail!("{failed} witness(es) did not cosign");
            }
            return Ok(());
        }
        std::thread::sleep(interval);
    }
}

/// Asks every witness that is behind; the number that failed.
fn round(
    api: &Client,
    http: &reqwest::blocking::Client,
    waits: &mut HashMap<String, Backoff>,
    interval: Duration,
) -> Result<usize> {
    let targets: Targets = serde_json::from_value(api.get_json("/api/witnesses")?)
        .context("reading /api/witnesses")?;
    let mut failed = 0;
    for w in &targets.witnesses {
        if w.cosigned_size >= targets.tree_size {
            println!("witness {}: cosigned size {}", w.name, w.cosigned_size);
            continue;
        }
        if let Some(b) = waits.get(&w.name) {
            if b.size == targets.tree_size && Instant::now() < b.until {
                failed += 1;
                continue;
            }
        }
        match submit(api, http, &targets, w) {
            Ok(signed_at) => {
                waits.remove(&w.name);
                println!(
                    "witness {}: cosigned size {} at {signed_at}",
                    w.name, targets.tree_size
                );
            }
            Err(e) => {
                failed += 1;
                let delay = waits
                    .get(&w.name)
                    .map_or(interval, |b| (b.delay * 2).min(MAX_BACKOFF));
                eprintln!(
                    "witness {}: {e:#} (asking again in {} s)",
                    w.name,
                    delay.as_secs()
                );
                waits.insert(
                    w.name.clone(),
                    Backoff {
                        size: targets.tree_size,
                        until: Instant::now() + delay,
                        delay,
                    },
                );
            }
        }
    }
    Ok(failed)
}

/// One witness: submit, resend once from the size a 409 names, verify and store the
/// cosignature; its timestamp.
fn submit(
    api: &Client,
    http: &reqwest::blocking::Client,
    targets: &Targets,
    w: &Target,
) -> Result<u64> {
    let key = WitnessKey::parse(&w.verifier_key).map_err(|e| anyhow::anyhow!(e))?;
    let size = targets.tree_size;
    let mut old = w.cosigned_size;
    for _ in 0..2 {
        let body = request_body(api, old, size, &targets.checkpoint)?;
        let url = format!("{}/add-checkpoint", w.url);
        let resp = http
            .post(&url)
            .body(body)
            .send()
            .with_context(|| format!("cannot reach {url}"))?;
        let status = resp.status().as_u16();
        let content_type = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let text = resp.text().unwrap_or_default();
        match status {
            200 => return store(api, &key, targets, &text),
            409 if content_type.starts_with("text/x.tlog.size") => {
                let theirs: u64 = text
                    .trim()
                    .parse()
                    .with_context(|| format!("409 with a size that is not a number: {text:?}"))?;
                if theirs > size {
                    bail!(
                        "it has cosigned a larger tree ({theirs}) than this checkpoint ({size}): \
                         the checkpoint is stale, or the log showed it another tree"
                    );
                }
                if theirs == old {
                    bail!("409 at its own size {theirs}: it holds another root for that size");
                }
                println!(
                    "witness {}: it last cosigned size {theirs}, not {old}: resending from there",
                    w.name
                );
                old = theirs;
            }
            400 => bail!("400: it found the request malformed: {}", text.trim()),
            403 => bail!(
                "403: it does not trust this log's key (add the log's verifier key to the witness)"
            ),
            404 => bail!("404: it does not know this log's origin (add the log to the witness)"),
            422 => bail!(
                "422: it rejected the consistency proof from size {old}: {}",
                text.trim()
            ),
            other => bail!("it answered {other}: {}", text.trim()),
        }
    }
    bail!("it named another size again after the resend")
}

/// `old <size>`, the consistency proof from it, an empty line, the checkpoint.
fn request_body(api: &Client, old: u64, size: u64, checkpoint: &str) -> Result<String> {
    let mut body = format!("old {old}\n");
    if old > 0 && old < size {
        let proof = api.get_json(&format!(
            "/api/proofs/consistency?first={old}&second={size}"
        ))?;
        for hash in proof["proof"].as_array().into_iter().flatten() {
            body.push_str(hash.as_str().context("a proof hash that is not text")?);
            body.push('\n');
        }
    }
    body.push('\n');
    body.push_str(checkpoint);
    Ok(body)
}

/// Verifies the witness's lines and has the app keep them.
fn store(api: &Client, key: &WitnessKey, targets: &Targets, answer: &str) -> Result<u64> {
    let prefix = format!("\u{2014} {} ", key.name);
    let mut signed_at = None;
    for line in answer.lines().filter(|l| l.starts_with(&prefix)) {
        let ts = key
            .verify(&targets.checkpoint, line)
            .map_err(|e| anyhow::anyhow!("it returned a cosignature that does not verify: {e}"))?;
        api.post_json(
            "/api/witnesses/cosignatures",
            &Cosignature {
                witness: key.name.clone(),
                tree_size: targets.tree_size,
                line: line.to_string(),
            },
        )?;
        signed_at = Some(ts);
    }
    signed_at
        .with_context(|| format!("it answered 200 without a cosignature of its key: {answer:?}"))
}
