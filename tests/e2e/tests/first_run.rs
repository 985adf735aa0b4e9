//! End-to-end: the first run, as a user makes it. `scripts/up` (with the project's
//! test host as `SPIN`) builds, starts the app and a worker, and prints the admin
//! token; a real voice memo gets its Whisper transcript and a signed inclusion proof
//! with no configuration at all (the app generates its signing key); Ctrl-C stops
//! everything; a second start finds the same data, the same tokens and the same key.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use domain::proof::checkpoint::verify_checkpoint;
use domain::proof::merkle::{leaf_hash, verify_inclusion};
use e2e::{call, Backend, Body};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

/// A running `scripts/up`.
struct Up {
    child: Child,
    lines: Receiver<String>,
    base: String,
    admin: String,
}

fn start(state: &Path, port: u16, runtime_config: Option<&Path>) -> Up {
    let mut cmd = Command::new(e2e::workspace_root().join("scripts/up"));
    cmd.args(["--port", &port.to_string(), "--workers", "1", "--state-dir"])
        .arg(state)
        .env("SPIN", e2e::host_binary())
        .env_remove("SPIN_VARIABLE_LOG_SIGNING_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if let Some(config) = runtime_config {
        cmd.arg("--runtime-config-file").arg(config);
    }
    // Its own process group, so a failing test can stop everything it started.
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = cmd.spawn().expect("scripts/up starts");
    let (tx, lines) = channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut admin = None;
    let deadline = Instant::now() + Duration::from_secs(900);
    loop {
        let line = lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("scripts/up prints `ready.`");
        println!("up: {line}");
        if let Some(token) = line.strip_prefix("admin token:") {
            admin = Some(token.trim().to_string());
        }
        if line.starts_with("ready.") {
            break;
        }
    }
    Up {
        child,
        lines,
        base: format!("http://127.0.0.1:{port}"),
        admin: admin.expect("the admin token is printed"),
    }
}

impl Drop for Up {
    /// A test that failed midway leaves nothing running.
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let group = format!("-{}", self.child.id());
            let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
            let _ = self.child.wait();
        }
    }
}

/// Ctrl-C, as a user would; the script must stop everything and exit cleanly.
fn interrupt(mut up: Up) {
    let pid = up.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap()
        .success());
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(s) = up.child.try_wait().unwrap() {
            break s;
        }
        assert!(
            Instant::now() < deadline,
            "scripts/up did not stop on Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    while let Ok(line) = up.lines.try_recv() {
        println!("up: {line}");
    }
    assert!(status.success(), "scripts/up exited with {status}");
    assert!(
        e2e::try_call(&format!("{}/", up.base), "GET", None, Body::None).is_err(),
        "the app was stopped too"
    );
}

fn get(up: &Up, path: &str, token: Option<&str>) -> Value {
    let r = call(&format!("{}{path}", up.base), "GET", token, Body::None);
    assert_eq!(
        r.status,
        200,
        "GET {path}: {}",
        String::from_utf8_lossy(&r.body)
    );
    r.json()
}

#[test]
fn one_command_takes_a_fresh_clone_to_a_working_service_and_back() {
    let state = tempfile::tempdir().unwrap();
    let sqld = (Backend::from_env() == Backend::LibSql).then(|| e2e::sqld::Sqld::start().unwrap());
    let config = sqld.as_ref().map(|s| s.runtime_config().unwrap());
    let port = e2e::sqld::free_port().unwrap();
    let up = start(state.path(), port, config.as_deref());

    let user = call(
        &format!("{}/api/users", up.base),
        "POST",
        Some(&up.admin),
        Body::Json(json!({ "name": "Ada" })),
    );
    assert_eq!(user.status, 201);
    let token = user.json()["token"].as_str().unwrap().to_string();
    let clips = tempfile::tempdir().unwrap();
    let wav = e2e::media::speech(clips.path(), "memo.wav", "Thank you for your order");
    let posted = call(
        &format!("{}/api/unified-input", up.base),
        "POST",
        Some(&token),
        Body::Json(json!({ "modality": "voice", "data": B64.encode(&wav) })),
    );
    assert_eq!(
        posted.status,
        201,
        "{}",
        String::from_utf8_lossy(&posted.body)
    );
    let id = posted.json()["id"].as_i64().unwrap();
    let started = Instant::now();
    let row = loop {
        let row = get(&up, &format!("/api/training-data/{id}"), Some(&token));
        if row["status"] == "complete" {
            break row;
        }
        assert_ne!(row["status"], "failed", "{row}");
        assert!(
            started.elapsed() < Duration::from_secs(180),
            "still {}",
            row["status"]
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    let transcript = row["extracted_text"].as_str().unwrap().to_lowercase();
    assert!(
        transcript.contains("thank you") && transcript.contains("order"),
        "{transcript}"
    );

    // A signed checkpoint without any configuration, and an inclusion proof into it.
    let head = get(&up, "/api/proofs/checkpoint", None);
    let vkey = head["verifier_key"].as_str().unwrap().to_string();
    let note =
        String::from_utf8(call(&format!("{}/checkpoint", up.base), "GET", None, Body::None).body)
            .unwrap();
    let checkpoint = verify_checkpoint(&note, &vkey).expect("the checkpoint verifies");
    let proof = get(&up, &format!("/api/proofs/{id}/inclusion"), Some(&token));
    let path: Vec<Vec<u8>> = proof["proof"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| B64.decode(h.as_str().unwrap()).unwrap())
        .collect();
    let leaf = B64.decode(proof["leaf_data"].as_str().unwrap()).unwrap();
    let size = proof["tree_size"].as_u64().unwrap();
    assert_eq!(size, checkpoint.size);
    verify_inclusion(
        proof["leaf_index"].as_u64().unwrap(),
        size,
        &leaf_hash(&leaf),
        &path,
        &checkpoint.root,
    )
    .expect("the memo is in the signed log");
    let metrics = get(&up, "/api/admin/metrics", Some(&up.admin));
    assert!(metrics["warnings"][0]
        .as_str()
        .unwrap()
        .contains("log_signing_key"));
    let admin = up.admin.clone();
    interrupt(up);

    // Again: the same data, tokens and key.
    let up = start(state.path(), port, config.as_deref());
    assert_eq!(up.admin, admin, "the development tokens are reused");
    let again = get(&up, &format!("/api/training-data/{id}"), Some(&token));
    assert_eq!(again["extracted_text"], row["extracted_text"]);
    assert_eq!(
        get(&up, "/api/proofs/checkpoint", None)["verifier_key"],
        vkey.as_str()
    );
    interrupt(up);
}
