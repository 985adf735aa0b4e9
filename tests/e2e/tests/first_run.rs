//! End-to-end: the first run, as a user makes it. `scripts/up` (with the project's
//! test host as `SPIN`) builds, starts the app and a worker, and prints the admin
//! token; a real voice memo gets its Whisper transcript and a signed inclusion proof
//! with no configuration at all (the app generates its signing key); Ctrl-C stops
//! everything; a second start finds the same data, the same tokens and the same key.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use e2e::{call, Backend, Body};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};
use tlog::checkpoint::verify_checkpoint;
use tlog::merkle::{leaf_hash, verify_inclusion};

/// A running `scripts/up`.
struct Up {
    child: Child,
    lines: Receiver<String>,
    base: String,
    admin: String,
}

fn start(state: &Path, port: u16, runtime_config: Option<&Path>) -> Up {
    start_with(state, port, runtime_config, &[])
}

/// `scripts/up` with extra environment variables; its stdout and stderr lines arrive
/// on one channel, which closes once nothing holds either pipe any more.
fn start_with(
    state: &Path,
    port: u16,
    runtime_config: Option<&Path>,
    env: &[(&str, &std::ffi::OsStr)],
) -> Up {
    let mut cmd = Command::new(e2e::workspace_root().join("scripts/up"));
    cmd.args(["--port", &port.to_string(), "--workers", "1", "--state-dir"])
        .arg(state)
        .env("SPIN", e2e::host_binary())
        .env_remove("SPIN_VARIABLE_LOG_SIGNING_KEY")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(config) = runtime_config {
        cmd.arg("--runtime-config-file").arg(config);
    }
    // Its own process group, so a failing test can stop everything it started.
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    // SIGINT at its default, as at a terminal: a runner that starts the tests in the
    // background (`cmd &` in a script) hands them SIGINT ignored, and bash cannot trap
    // a signal ignored on entry, so Ctrl-C would never reach the script's trap.
    // SAFETY: `signal` is async-signal-safe, as the code between fork and exec must be.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut cmd, || {
            if libc::signal(libc::SIGINT, libc::SIG_DFL) == libc::SIG_ERR {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().expect("scripts/up starts");
    let (tx, lines) = channel();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let err_tx = tx.clone();
    std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            let _ = err_tx.send(line);
        }
    });
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
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
/// Returns every line it printed after `ready.`.
fn interrupt(mut up: Up) -> Vec<String> {
    let pid = up.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap()
        .success());
    let status = e2e::poll_until(Duration::from_secs(60), || up.child.try_wait().unwrap());
    let Some(status) = status else {
        // What is still running, and what the script said since `ready.`.
        let ps = Command::new("ps")
            .args(["-e", "-o", "pgid=,pid=,stat=,wchan:24=,etime=,args="])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
        let tree: Vec<&str> = ps
            .lines()
            .filter(|l| l.split_whitespace().next() == Some(pid.as_str()))
            .collect();
        let said: Vec<String> = up.lines.try_iter().collect();
        panic!("scripts/up did not stop within 60 s of Ctrl-C; still running:\n{tree:#?}\nit printed: {said:#?}");
    };
    // Everything it printed, to the end of both pipes.
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut rest = Vec::new();
    while let Ok(line) = up
        .lines
        .recv_timeout(deadline.saturating_duration_since(Instant::now()))
    {
        println!("up: {line}");
        rest.push(line);
    }
    assert!(status.success(), "scripts/up exited with {status}");
    assert!(
        e2e::try_call(&format!("{}/", up.base), "GET", None, Body::None).is_err(),
        "the app was stopped too"
    );
    rest
}

/// What serves the app but ignores SIGTERM (as a process stuck in a call might): a
/// script that ignores the signal and then becomes the test host.
fn deaf_host(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("deaf-host");
    std::fs::write(
        &path,
        format!(
            "#!/bin/sh\ntrap '' TERM\nexec '{}' \"$@\"\n",
            e2e::host_binary().display()
        ),
    )
    .unwrap();
    let mut perms = std::fs::metadata(&path).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&path, perms).unwrap();
    path
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
    let row = e2e::wait_for("the memo's transcript", Duration::from_secs(180), || {
        let row = get(&up, &format!("/api/training-data/{id}"), Some(&token));
        assert_ne!(row["status"], "failed", "{row}");
        (row["status"] == "complete").then_some(row)
    });
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

#[test]
fn ctrl_c_kills_what_ignores_sigterm_after_the_grace_period_and_says_so() {
    let state = tempfile::tempdir().unwrap();
    let bin = tempfile::tempdir().unwrap();
    let port = e2e::sqld::free_port().unwrap();
    let host = deaf_host(bin.path());
    let up = start_with(
        state.path(),
        port,
        None,
        &[
            ("SPIN", host.as_os_str()),
            ("TDS_STOP_GRACE", std::ffi::OsStr::new("1")),
        ],
    );
    let printed = interrupt(up);
    let killed = format!("stop: app on port {port} (pid");
    assert!(
        printed
            .iter()
            .any(|l| l.starts_with(&killed)
                && l.ends_with("did not exit within 1 s of SIGTERM: killed")),
        "{printed:?}"
    );
    // Whether the worker is killed too depends on how fast it answers SIGTERM: a claim
    // in flight finishes first, and on a busy machine that round trip (or the worker's
    // start-up) can outlast a 1 s grace. So only the form of every kill line is
    // asserted, not which ones appear.
    for line in printed.iter().filter(|l| l.starts_with("stop: ")) {
        assert!(
            line.ends_with("did not exit within 1 s of SIGTERM: killed"),
            "{printed:?}"
        );
    }
}
