//! End-to-end: the log as a public C2SP tlog-tiles API, checked by code no one here
//! wrote: Go's golang.org/x/mod `note` and `tlog` packages (`tests/tlog-audit`)
//! verify the live checkpoint, tiles, entry bundles and consistency anonymously, and
//! a real C2SP witness (PyPI aics-witness) cosigns checkpoints through
//! `native-worker witness`, including its 409 path, while bad and absent witnesses
//! are clear errors that leave the log working.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use e2e::witness::AicsWitness;
use e2e::{Body, TestHost};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tlog::checkpoint::LogKey;
use tlog::cosignature::WitnessKey;
use tlog::tiles;

const ADMIN: &str = "tlog-admin";
const WORKER: &str = "tlog-worker";
const KEY: &str = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
const ORIGIN: &str = "audit.test/log";

fn log_vkey() -> String {
    LogKey::parse(KEY, ORIGIN).unwrap().verifier_key()
}

fn app(witnesses: &str) -> TestHost {
    TestHost::app(&[
        ("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN),
        ("SPIN_VARIABLE_WORKER_TOKEN", WORKER),
        ("SPIN_VARIABLE_LOG_SIGNING_KEY", KEY),
        ("SPIN_VARIABLE_LOG_ORIGIN", ORIGIN),
        ("SPIN_VARIABLE_LOG_WITNESSES", witnesses),
    ])
    .unwrap()
}

fn contribute(host: &TestHost, token: &str, from: usize, to: usize) {
    for i in from..to {
        host.contribute(
            token,
            json!({ "modality": "text", "text": format!("audited note {i}") }),
        );
    }
}

/// Runs the Go auditor anonymously against the live app.
fn audit(host: &TestHost, vkey: &str, extra: &[&str]) -> std::process::Output {
    Command::new(e2e::tlog_audit::binary())
        .args(["-log", &host.base, "-vkey", vkey])
        .args(extra)
        .output()
        .unwrap()
}

fn get(host: &TestHost, path: &str) -> e2e::Resp {
    host.call("GET", path, None, Body::None)
}

#[test]
fn an_anonymous_auditor_verifies_the_live_log_with_go() {
    let host = app("");
    let token = host.new_user(ADMIN, "Ada");
    assert_eq!(
        get(&host, "/checkpoint").status,
        404,
        "an empty log has no checkpoint"
    );
    contribute(&host, &token, 0, 100);
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old-checkpoint");
    let first = audit(&host, &log_vkey(), &["-save", old.to_str().unwrap()]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(String::from_utf8_lossy(&first.stdout).contains("size 100 "));
    // Past a full tile: level-0 tiles 000 and 001.p/44, level-1 tile 000.p/1.
    contribute(&host, &token, 100, 300);
    let second = audit(&host, &log_vkey(), &["-old", old.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&second.stdout);
    assert!(
        second.status.success(),
        "{}{}",
        stdout,
        String::from_utf8_lossy(&second.stderr)
    );
    assert!(stdout.contains("size 300 "), "{stdout}");
    assert!(
        stdout.contains("tiles and 300 entries verified"),
        "{stdout}"
    );
    assert!(
        stdout.contains("consistent with the checkpoint of size 100"),
        "{stdout}"
    );

    // The same auditor rejects a checkpoint under another key.
    let other = LogKey::parse(&B64.encode([5u8; 32]), ORIGIN)
        .unwrap()
        .verifier_key();
    let wrong = audit(&host, &other, &[]);
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("checkpoint signature"));

    // Public, cacheable as the spec says, readable from any origin.
    let cp = get(&host, "/checkpoint");
    assert_eq!(cp.content_type, "text/plain; charset=utf-8");
    assert_eq!(cp.header("access-control-allow-origin"), Some("*"));
    assert!(cp.header("cache-control").unwrap().contains("no-cache"));
    let full = get(&host, "/tile/0/000");
    assert_eq!((full.status, full.body.len()), (200, 8192));
    assert_eq!(full.content_type, "application/octet-stream");
    assert!(full.header("cache-control").unwrap().contains("immutable"));
    assert_eq!(get(&host, "/tile/0/001.p/44").body.len(), 44 * 32);
    assert_eq!(
        get(&host, "/tile/0/001.p/10").body,
        get(&host, "/tile/0/001.p/44").body[..320]
    );
    assert_eq!(get(&host, "/tile/1/000.p/1").body.len(), 32);
    for (path, why) in [
        ("/tile/0/001", "a full tile the log does not hold yet"),
        ("/tile/0/001.p/45", "wider than the log"),
        ("/tile/entries/002.p/1", "beyond the log"),
        ("/tile/0/1", "not a tile path"),
        ("/tile/0/001.p/0", "width 0"),
    ] {
        let r = get(&host, path);
        assert_eq!(
            (r.status, r.content_type.as_str()),
            (404, "application/problem+json"),
            "{why}"
        );
    }
    // The JSON proof endpoints are public too; per-row proofs stay the owner's.
    assert_eq!(get(&host, "/api/proofs/checkpoint").status, 200);
    assert_eq!(
        get(&host, "/api/proofs/consistency?first=100&second=300").status,
        200
    );
    assert_eq!(get(&host, "/api/proofs/1/inclusion").status, 401);
}

#[test]
fn publish_writes_exactly_the_bytes_the_app_serves() {
    let host = app("");
    let token = host.new_user(ADMIN, "Ada");
    contribute(&host, &token, 0, 260);
    let site = tempfile::tempdir().unwrap();
    let out = Command::new(e2e::worker_binary())
        .args(["publish", "--api", &host.base, "--token", WORKER, "--out"])
        .arg(site.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut paths: Vec<String> = tiles::tiles_of(260)
        .into_iter()
        .flat_map(|(level, index, width)| {
            let mut p = vec![tiles::tile_path(level, index, width)];
            if level == 0 {
                p.push(tiles::entries_path(index, width));
            }
            p
        })
        .collect();
    paths.push("checkpoint".into());
    for path in &paths {
        let served = get(&host, &format!("/{path}"));
        assert_eq!(served.status, 200, "{path}");
        assert_eq!(
            std::fs::read(site.path().join(path)).unwrap(),
            served.body,
            "{path}"
        );
    }
    assert_eq!(paths.len(), 6, "3 tiles, 2 bundles, the checkpoint");
}

/// Submits the checkpoint of `size` straight to the witness from `old` (as another
/// copy of the log's worker might), so the witness is ahead of what the app recorded;
/// returns the witness's status and answer (its cosignature line, on 200).
fn submit_directly(host: &TestHost, witness: &AicsWitness, old: u64, note: &str) -> (u16, String) {
    let size: u64 = note.lines().nth(1).unwrap().parse().unwrap();
    let proof = get(
        host,
        &format!("/api/proofs/consistency?first={old}&second={size}"),
    )
    .json();
    let mut body = format!("old {old}\n");
    for h in proof["proof"].as_array().unwrap() {
        body.push_str(h.as_str().unwrap());
        body.push('\n');
    }
    body.push('\n');
    body.push_str(note);
    match ureq::post(&format!("{}/add-checkpoint", witness.url)).send_string(&body) {
        Ok(r) => (r.status(), r.into_string().unwrap_or_default()),
        Err(e) => (e.into_response().map_or(0, |r| r.status()), String::new()),
    }
}

/// The checkpoint the app serves now, as a witness takes it: the signed body and the
/// log's own signature line.
fn log_signed_checkpoint(host: &TestHost) -> String {
    let served = String::from_utf8(get(host, "/checkpoint").body).unwrap();
    let body = served.split("\n\n").next().unwrap();
    let log_line = served
        .lines()
        .find(|l| l.starts_with(&format!("\u{2014} {ORIGIN} ")))
        .unwrap();
    format!("{body}\n\n{log_line}\n")
}

fn witness_round(host: &TestHost) -> std::process::Output {
    Command::new(e2e::worker_binary())
        .args(["witness", "--once", "--api", &host.base, "--token", WORKER])
        .output()
        .unwrap()
}

/// The signed note with the cosignature lines `/checkpoint` serves.
fn cosigned(host: &TestHost) -> String {
    String::from_utf8(get(host, "/checkpoint").body).unwrap()
}

#[test]
fn a_real_witness_cosigns_and_a_409_is_resent_from_its_size() {
    let mut witness = AicsWitness::start("witness.test/w1", ORIGIN, &log_vkey()).unwrap();
    let host = app(&format!("{} {}", witness.vkey, witness.url));
    let key = WitnessKey::parse(&witness.vkey).unwrap();
    let token = host.new_user(ADMIN, "Ada");
    contribute(&host, &token, 0, 3);

    let round = witness_round(&host);
    assert!(
        round.status.success(),
        "{}{}",
        String::from_utf8_lossy(&round.stderr),
        witness.log()
    );
    let note = cosigned(&host);
    let line = note
        .lines()
        .find(|l| l.starts_with("\u{2014} witness.test/w1 "))
        .unwrap_or_else(|| panic!("no cosignature served: {note}"));
    key.verify(&note, line)
        .expect("the witness's cosignature verifies");
    // Go's note package still opens the checkpoint (it skips keys it does not know).
    let audited = audit(&host, &log_vkey(), &[]);
    assert!(
        audited.status.success(),
        "{}",
        String::from_utf8_lossy(&audited.stderr)
    );
    let status = host
        .call("GET", "/api/witnesses", Some(WORKER), Body::None)
        .json();
    assert_eq!(status["witnesses"][0]["cosigned_size"], 3);
    assert_eq!(status["witnesses"][0]["url"], witness.url.as_str());

    // The witness sees size 5 from elsewhere; the app still records 3.
    contribute(&host, &token, 3, 5);
    let (status, _) = submit_directly(&host, &witness, 3, &log_signed_checkpoint(&host));
    assert_eq!(status, 200);
    contribute(&host, &token, 5, 7);
    let round = witness_round(&host);
    let out = String::from_utf8_lossy(&round.stdout);
    assert!(
        round.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&round.stderr)
    );
    assert!(
        out.contains("it last cosigned size 5, not 3: resending from there"),
        "{out}"
    );
    assert!(out.contains("cosigned size 7"), "{out}");
    let note = cosigned(&host);
    assert!(note.starts_with(&format!("{ORIGIN}\n7\n")));
    let line = note
        .lines()
        .find(|l| l.starts_with("\u{2014} witness.test/w1 "))
        .unwrap();
    key.verify(&note, line).unwrap();

    // Up to date: another round asks nothing and succeeds.
    let round = witness_round(&host);
    assert!(String::from_utf8_lossy(&round.stdout).contains("witness.test/w1: cosigned size 7"));

    // A cosignature of size 8 fetched by another copy of the worker, posted as the
    // witness loop posts its own: verified and kept.
    contribute(&host, &token, 7, 8);
    let (status, cosignature) = submit_directly(&host, &witness, 7, &log_signed_checkpoint(&host));
    assert_eq!(status, 200);
    let line = cosignature
        .lines()
        .find(|l| l.contains("witness.test/w1"))
        .unwrap();
    let kept = host.call(
        "POST",
        "/api/witnesses/cosignatures",
        Some(WORKER),
        Body::Json(
            serde_json::json!({ "witness": "witness.test/w1", "tree_size": 8, "line": line }),
        ),
    );
    assert_eq!(kept.status, 201, "{:?}", kept.json());
    assert!(cosigned(&host).contains(line));

    // The witness goes away: a clear error, and the log keeps working.
    witness.stop();
    contribute(&host, &token, 8, 9);
    let round = witness_round(&host);
    assert!(!round.status.success());
    let err = String::from_utf8_lossy(&round.stderr);
    assert!(
        err.contains("witness witness.test/w1: cannot reach"),
        "{err}"
    );
    let note = cosigned(&host);
    assert!(note.starts_with(&format!("{ORIGIN}\n9\n")), "{note}");
    assert!(
        !note.contains("witness.test/w1"),
        "no cosignature for size 9 yet"
    );
    assert_eq!(
        host.call("GET", "/api/witnesses", Some(WORKER), Body::None)
            .json()["witnesses"][0]["cosigned_size"],
        8
    );
}

/// A witness that answers every request with one canned response; counts requests.
fn canned(
    status: u16,
    content_type: &'static str,
    body: &'static str,
) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(AtomicUsize::new(0));
    let count = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut buf = vec![0u8; 65536];
            let mut got = Vec::new();
            while let Ok(n) = stream.read(&mut buf) {
                got.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&got);
                if let Some(head_end) = text.find("\r\n\r\n") {
                    let length = text[..head_end]
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                        })
                        .unwrap_or(0);
                    if got.len() >= head_end + 4 + length {
                        break;
                    }
                }
                if n == 0 {
                    break;
                }
            }
            count.fetch_add(1, Ordering::SeqCst);
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (url, seen)
}

/// A valid cosignature key for a fake witness called `name`.
fn fake_key(name: &str, seed: u8) -> String {
    let public = ed25519_dalek::SigningKey::from_bytes(&[seed; 32])
        .verifying_key()
        .to_bytes();
    WitnessKey::new(name, public).unwrap().verifier_key()
}

#[test]
fn bad_witness_answers_and_a_dead_witness_are_clear_errors_and_lose_nothing() {
    let cases: [(&str, u16, &str, &str, &str); 5] = [
        (
            "forbids.test/w",
            403,
            "text/plain",
            "forbidden\n",
            "403: it does not trust this log's key",
        ),
        (
            "unknown.test/w",
            404,
            "text/plain",
            "unknown log\n",
            "404: it does not know this log's origin",
        ),
        (
            "rejects.test/w",
            422,
            "text/plain",
            "bad proof\n",
            "422: it rejected the consistency proof",
        ),
        (
            "malformed.test/w",
            400,
            "text/plain",
            "bad body\n",
            "400: it found the request malformed",
        ),
        (
            "ahead.test/w",
            409,
            "text/x.tlog.size",
            "99\n",
            "it has cosigned a larger tree (99)",
        ),
    ];
    let mut entries = Vec::new();
    let mut counters = Vec::new();
    for (i, (name, status, ct, body, _)) in cases.iter().enumerate() {
        let (url, seen) = canned(*status, ct, body);
        entries.push(format!("{} {url}", fake_key(name, i as u8 + 1)));
        counters.push(seen);
    }
    let dead_port = e2e::sqld::free_port().unwrap();
    entries.push(format!(
        "{} http://127.0.0.1:{dead_port}",
        fake_key("down.test/w", 9)
    ));
    let host = app(&entries.join(", "));
    let token = host.new_user(ADMIN, "Ada");
    contribute(&host, &token, 0, 2);
    let round = witness_round(&host);
    assert!(
        !round.status.success(),
        "a round with failing witnesses fails"
    );
    let err = String::from_utf8_lossy(&round.stderr);
    for (name, _, _, _, why) in &cases {
        assert!(
            err.contains(&format!("witness {name}: {why}")),
            "{name}: {err}"
        );
    }
    assert!(err.contains("witness down.test/w: cannot reach"), "{err}");
    for (seen, (name, ..)) in counters.iter().zip(&cases) {
        assert_eq!(
            seen.load(Ordering::SeqCst),
            1,
            "{name} was asked once, not retried"
        );
    }
    // The log goes on: contributions land, the checkpoint is served, nothing is cosigned.
    contribute(&host, &token, 2, 3);
    let note = cosigned(&host);
    assert!(note.starts_with(&format!("{ORIGIN}\n3\n")));
    assert_eq!(
        note.matches('\u{2014}').count(),
        1,
        "only the log's own signature: {note}"
    );
    let status = host
        .call("GET", "/api/witnesses", Some(WORKER), Body::None)
        .json();
    assert!(status["witnesses"]
        .as_array()
        .unwrap()
        .iter()
        .all(|w| w["cosigned_size"] == 0));

    // The app checks what it is asked to keep.
    let post = |body: Value| {
        host.call(
            "POST",
            "/api/witnesses/cosignatures",
            Some(WORKER),
            Body::Json(body),
        )
    };
    let unknown = post(
        json!({ "witness": "nobody.test/w", "tree_size": 3, "line": "\u{2014} nobody.test/w AAAA" }),
    );
    assert_eq!(unknown.status, 422);
    let forged = post(
        json!({ "witness": "forbids.test/w", "tree_size": 3, "line": "\u{2014} forbids.test/w AAAA" }),
    );
    assert_eq!(forged.status, 422, "{}", forged.json());
    let no_checkpoint = post(json!({ "witness": "forbids.test/w", "tree_size": 77, "line": "x" }));
    assert_eq!(no_checkpoint.status, 422);
    assert_eq!(
        host.call(
            "POST",
            "/api/witnesses/cosignatures",
            None,
            Body::Json(json!({}))
        )
        .status,
        401
    );
}
