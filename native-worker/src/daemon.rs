//! `native-worker run`: leases extraction jobs over HTTP, runs them, reports back.
//!
//! Each of `concurrency` threads loops claim → input → extract → complete/fail,
//! heart-beating the lease while it works. Idle threads poll with exponential
//! back-off; while the queue is empty, the first thread steps on dataset releases
//! still building. SIGINT/SIGTERM stop new claims; jobs in hand are finished first. A bad
//! job is a failed job, never a crash; an unreachable app is retried.

use crate::api::Client;
use crate::extract::{Engines, Failure};
use crate::ocr::OcrConfig;
use crate::transcribe::Transcriber;
use anyhow::Result;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};
use wire::jobs::{self as protocol, Extraction, JobKind, Lease};

/// How the daemon runs.
pub struct Options {
    pub worker_id: String,
    pub kinds: Vec<JobKind>,
    pub concurrency: usize,
    pub lease_seconds: u64,
    pub idle_max: Duration,
    pub transcriber: Option<Arc<Transcriber>>,
    pub ocr: Option<OcrConfig>,
}

/// Runs until SIGINT/SIGTERM.
pub fn run(client: Client, options: Options) -> Result<()> {
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop))?;
    }
    // Build one OCR engine now so missing language data or models fail at start-up.
    if let Some(config) = &options.ocr {
        config.build()?;
    }
    log(
        json!({"event": "started", "worker": options.worker_id, "kinds": options.kinds, "concurrency": options.concurrency}),
    );
    let (client, options) = (Arc::new(client), Arc::new(options));
    let threads: Vec<_> = (0..options.concurrency.max(1))
        .map(|slot| {
            let (client, options, stop) =
                (Arc::clone(&client), Arc::clone(&options), Arc::clone(&stop));
            std::thread::spawn(move || worker_loop(&client, &options, &stop, slot))
        })
        .collect();
    for t in threads {
        if t.join().is_err() {
            log(json!({"event": "thread_panicked", "worker": options.worker_id}));
        }
    }
    log(json!({"event": "stopped", "worker": options.worker_id}));
    Ok(())
}

fn worker_loop(client: &Client, options: &Options, stop: &AtomicBool, slot: usize) {
    let ocr = options.ocr.as_ref().and_then(|c| c.build().ok());
    let mut engines = Engines {
        transcriber: options.transcriber.clone(),
        ocr,
    };
    let worker = format!("{}/{slot}", options.worker_id);
    let mut idle = Duration::from_millis(100);
    while !stop.load(Ordering::SeqCst) {
        let claim = protocol::Claim {
            worker_id: worker.clone(),
            kinds: Some(options.kinds.clone()),
            lease_seconds: Some(options.lease_seconds as i64),
        };
        match client.post_status("/api/jobs/claim", &claim) {
            Ok((200, body)) => match serde_json::from_value::<Lease>(body.clone()) {
                Ok(job) => {
                    idle = Duration::from_millis(100);
                    process(client, options, &mut engines, &worker, &job);
                    continue;
                }
                Err(e) => log(
                    json!({"event": "bad_claim_answer", "worker": worker, "body": body, "error": e.to_string()}),
                ),
            },
            // Nothing to extract: one thread steps on releases still building and
            // imports still running.
            Ok((204, _))
                if slot == 0
                    && (crate::release_builder::step_building(client, &worker, log)
                        | crate::release_builder::step_imports(client, &worker, log)) =>
            {
                idle = Duration::from_millis(100);
                continue;
            }
            Ok((204, _)) => {}
            Ok((status, body)) => log(
                json!({"event": "claim_refused", "worker": worker, "status": status, "detail": body["detail"]}),
            ),
            Err(e) => log(
                json!({"event": "app_unreachable", "worker": worker, "error": format!("{e:#}")}),
            ),
        }
        sleep_unless_stopped(idle, stop);
        idle = (idle * 2).min(options.idle_max);
    }
}

fn sleep_unless_stopped(total: Duration, stop: &AtomicBool) {
    let until = Instant::now() + total;
    while Instant::now() < until && !stop.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(25).min(until - Instant::now()));
    }
}

/// Runs one job with a heartbeat beside it and reports the outcome; logs one line.
fn process(client: &Client, options: &Options, engines: &mut Engines, worker: &str, job: &Lease) {
    let started = Instant::now();
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let outcome = std::thread::scope(|scope| {
        scope.spawn(|| heartbeat(client, job, options.lease_seconds, done_rx));
        let result = client
            .get_bytes(&format!("/api/jobs/{}/input", job.id))
            .map_err(|e| Failure {
                error: format!("could not fetch the input: {e:#}"),
                retryable: true,
            })
            .and_then(|bytes| engines.extract(job.kind, job.modality, &job.mime, &bytes));
        drop(done_tx);
        result
    });
    let duration_ms = started.elapsed().as_millis() as u64;
    let reported = match &outcome {
        Ok(x) => client.post_status(
            &format!("/api/jobs/{}/complete", job.id),
            &completion(job, x, duration_ms),
        ),
        Err(f) => client.post_status(
            &format!("/api/jobs/{}/fail", job.id),
            &protocol::Failure {
                lease_token: job.lease_token.clone(),
                error: f.error.clone(),
                engine: None,
                retryable: f.retryable,
            },
        ),
    };
    let mut line = json!({
        "event": "job", "worker": worker, "job": job.id, "kind": job.kind, "contribution": job.contribution_id,
        "attempt": job.attempt, "ms": duration_ms,
    });
    match &outcome {
        Ok(x) => {
            line["outcome"] = "done".into();
            line["engine"] = x.engine.clone().into();
            line["chars"] = x.text.chars().count().into();
        }
        Err(f) => {
            line["outcome"] = "failed".into();
            line["error"] = f.error.clone().into();
            line["retryable"] = f.retryable.into();
        }
    }
    match reported {
        Ok((200, _)) => {}
        // The lease ran out and someone else holds (or finished) the job.
        Ok((409, _)) => line["outcome"] = "lease_lost".into(),
        Ok((status, answer)) => {
            line["report_status"] = status.into();
            line["report_detail"] = answer["detail"].clone();
        }
        Err(e) => line["report_error"] = format!("{e:#}").into(),
    }
    log(line);
}

fn completion(job: &Lease, found: &Extraction, duration_ms: u64) -> protocol::Completion {
    protocol::Completion {
        lease_token: job.lease_token.clone(),
        found: found.clone(),
        duration_ms: Some(duration_ms as i64),
    }
}

/// Extends the lease every third of its length until `done` closes.
fn heartbeat(client: &Client, job: &Lease, lease_seconds: u64, done: mpsc::Receiver<()>) {
    let every = Duration::from_millis(lease_seconds * 1000 / 3).max(Duration::from_millis(200));
    while let Err(mpsc::RecvTimeoutError::Timeout) = done.recv_timeout(every) {
        let body = protocol::Heartbeat {
            lease_token: job.lease_token.clone(),
            lease_seconds: Some(lease_seconds as i64),
        };
        if let Ok((409, _)) = client.post_status(&format!("/api/jobs/{}/heartbeat", job.id), &body)
        {
            return;
        }
    }
}

/// One JSON line on stdout per event.
fn log(mut line: Value) {
    line["ts"] = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
        .into();
    println!("{line}");
}
