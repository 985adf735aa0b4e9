//! Running the real `native-worker run` daemon beside a test host.

use crate::{worker_binary, TestHost};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The Whisper model `scripts/prepare-model` prepared (`scripts/test` exports its path
/// as `TDS_WHISPER_MODEL`; otherwise the default cache location).
pub fn whisper_model() -> PathBuf {
    let path = std::env::var_os("TDS_WHISPER_MODEL")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var("HOME").unwrap_or_default())
                .join(".cache/training-data-service/models/ggml-tiny.en.bin")
        });
    assert!(
        path.is_file(),
        "no Whisper model at {}: run scripts/prepare-model",
        path.display()
    );
    path
}

/// A running worker; its JSON log lines are collected; killed (SIGKILL) on drop.
pub struct Worker {
    child: Child,
    lines: Arc<Mutex<Vec<Value>>>,
}

impl Worker {
    /// `native-worker run` against `host` with `token`, fast idle polling and `extra`
    /// flags. Scaled out, each new worker talks to the next instance, so two workers
    /// lease jobs through different instances of one database.
    pub fn start(host: &TestHost, token: &str, id: &str, extra: &[&str]) -> Self {
        Self::start_with_model(host, token, id, &whisper_model(), extra)
    }

    /// As [`Worker::start`], with the Whisper model at `model`.
    pub fn start_with_model(
        host: &TestHost,
        token: &str,
        id: &str,
        model: &std::path::Path,
        extra: &[&str],
    ) -> Self {
        let api = host.next_base();
        let mut child = Command::new(worker_binary())
            .args([
                "run",
                "--api",
                &api,
                "--token",
                token,
                "--worker-id",
                id,
                "--idle-max-ms",
                "200",
            ])
            .arg("--whisper-model")
            .arg(model)
            .args(extra)
            .stdout(Stdio::piped())
            .spawn()
            .expect("start native-worker");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&lines);
        let stdout = child.stdout.take().expect("piped stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                sink.lock()
                    .unwrap()
                    .push(serde_json::from_str(&line).unwrap_or(Value::String(line)));
            }
        });
        Self { child, lines }
    }

    /// The log lines of finished jobs.
    pub fn jobs(&self) -> Vec<Value> {
        self.events("job")
    }

    /// Every log line so far.
    pub fn lines(&self) -> Vec<Value> {
        self.lines.lock().unwrap().clone()
    }

    /// The log lines of one event (`job`, `release_step`, …).
    pub fn events(&self, event: &str) -> Vec<Value> {
        self.lines
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l["event"] == event)
            .cloned()
            .collect()
    }

    /// The job log lines once there are at least `n`: a job's line is written just
    /// after its report, so a test that saw the row finish may be a moment ahead.
    pub fn jobs_when(&self, n: usize) -> Vec<Value> {
        crate::wait_for(
            &format!("{n} job lines from the worker"),
            Duration::from_secs(60),
            || Some(self.jobs()).filter(|jobs| jobs.len() >= n),
        )
    }

    /// SIGTERM, then the exit status.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        crate::wait_for(
            "the worker to exit on SIGTERM",
            Duration::from_secs(60),
            || self.child.try_wait().expect("wait for the worker"),
        )
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls a contribution (as `admin`) until it is `complete` or `failed`.
pub fn settled(host: &TestHost, admin: &str, id: i64) -> Value {
    crate::wait_for(
        &format!("contribution {id} to complete or fail"),
        Duration::from_secs(180),
        || {
            let r = host.row(admin, id);
            (r["status"] == "complete" || r["status"] == "failed").then_some(r)
        },
    )
}
