//! End-to-end: the worker job protocol — atomic leases, expiry and reclaim, stale and
//! repeated completions, back-off, dead jobs — through the real `jobs` component.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use e2e::{Body, Resp, TestHost};
use serde_json::{json, Value};

const ADMIN: &str = "jobs-admin";
const WORKER: &str = "jobs-worker";

fn app() -> TestHost {
    TestHost::app(&[
        ("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN),
        ("SPIN_VARIABLE_WORKER_TOKEN", WORKER),
    ])
    .unwrap()
}

fn voice(host: &TestHost, token: &str, n: usize) -> i64 {
    let mut wav = b"RIFF\0\0\0\0WAVEfmt ".to_vec();
    wav.extend(n.to_string().into_bytes());
    let r = host.call(
        "POST",
        "/api/unified-input",
        Some(token),
        Body::Json(json!({ "modality": "voice", "data": B64.encode(&wav) })),
    );
    assert_eq!(r.status, 201);
    r.json()["id"].as_i64().unwrap()
}

fn claim(host: &TestHost, worker: &str, lease: i64) -> Resp {
    host.call(
        "POST",
        "/api/jobs/claim",
        Some(WORKER),
        Body::Json(json!({ "worker_id": worker, "kinds": ["transcribe"], "lease_seconds": lease })),
    )
}

fn post(host: &TestHost, id: &Value, action: &str, body: Value) -> Resp {
    host.call(
        "POST",
        &format!("/api/jobs/{id}/{action}"),
        Some(WORKER),
        Body::Json(body),
    )
}

#[test]
fn lease_complete_and_idempotence() {
    let host = app();
    let t = host
        .call(
            "POST",
            "/api/users",
            Some(ADMIN),
            Body::Json(json!({ "name": "Ada" })),
        )
        .json()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let c = voice(&host, &t, 1);
    let job = claim(&host, "w1", 60).json();
    assert_eq!(
        (
            job["contribution_id"].as_i64(),
            job["attempt"].as_i64(),
            job["mime"].as_str()
        ),
        (Some(c), Some(1), Some("audio/wav"))
    );
    assert_eq!(host.row(ADMIN, c)["status"], "processing");
    assert_eq!(claim(&host, "w2", 60).status, 204, "nothing else is due");
    let input = host.call(
        "GET",
        &format!("/api/jobs/{}/input", job["id"]),
        Some(WORKER),
        Body::None,
    );
    assert_eq!(
        (input.status, input.content_type.as_str(), &input.body[..4]),
        (200, "audio/wav", &b"RIFF"[..])
    );
    assert_eq!(
        post(
            &host,
            &job["id"],
            "heartbeat",
            json!({ "lease_token": job["lease_token"], "lease_seconds": 120 })
        )
        .status,
        200
    );
    assert_eq!(
        post(
            &host,
            &job["id"],
            "complete",
            json!({ "lease_token": "stale", "text": "x", "engine": "whisper" })
        )
        .status,
        409
    );
    let done = post(
        &host,
        &job["id"],
        "complete",
        json!({ "lease_token": job["lease_token"], "text": " hello world ", "engine": "whisper.cpp", "model": "tiny.en", "confidence": 0.9, "duration_ms": 420 }),
    );
    assert_eq!(done.status, 200, "{:?}", done.json());
    let r = host.row(ADMIN, c);
    assert_eq!(
        (
            r["status"].as_str(),
            r["extracted_text"].as_str(),
            r["extraction"]["engine"].as_str()
        ),
        (Some("complete"), Some("hello world"), Some("whisper.cpp"))
    );
    let again = post(
        &host,
        &job["id"],
        "complete",
        json!({ "lease_token": job["lease_token"], "text": "changed", "engine": "x" }),
    );
    assert_eq!(again.status, 409, "a second completion changes nothing");
    assert_eq!(host.row(ADMIN, c)["extracted_text"], "hello world");
    let m = host
        .call("GET", "/api/admin/metrics?days=1", Some(ADMIN), Body::None)
        .json();
    assert_eq!(m["extraction"]["whisper.cpp"]["completed"][0], 1.0);

    for (token, status) in [(None, 401), (Some("wrong"), 401), (Some(ADMIN), 401)] {
        let r = host.call(
            "POST",
            "/api/jobs/claim",
            token,
            Body::Json(json!({ "worker_id": "w" })),
        );
        assert_eq!(r.status, status);
    }
    let bad = |body: Value| {
        host.call("POST", "/api/jobs/claim", Some(WORKER), Body::Json(body))
            .status
    };
    assert_eq!(bad(json!({})), 422);
    assert_eq!(bad(json!({ "worker_id": "w", "kinds": ["paint"] })), 422);
    assert_eq!(bad(json!({ "worker_id": "w", "lease_seconds": 0 })), 422);
    assert_eq!(
        host.call("GET", "/api/jobs/999/input", Some(WORKER), Body::None)
            .status,
        404
    );
}

#[test]
fn expired_leases_are_reclaimed_and_attempts_run_out() {
    let host = app();
    let t = host
        .call(
            "POST",
            "/api/users",
            Some(ADMIN),
            Body::Json(json!({ "name": "Ada" })),
        )
        .json()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let c = voice(&host, &t, 2);
    let first = claim(&host, "crashed", 1).json();
    std::thread::sleep(std::time::Duration::from_millis(1300));
    let second = claim(&host, "healthy", 60).json();
    assert_eq!(
        (second["id"].clone(), second["attempt"].as_i64()),
        (first["id"].clone(), Some(2))
    );
    assert_eq!(
        post(
            &host,
            &first["id"],
            "complete",
            json!({ "lease_token": first["lease_token"], "text": "late", "engine": "e" })
        )
        .status,
        409,
        "the expired lease is stale"
    );
    // A retryable failure backs off: not claimable at once.
    let f = post(
        &host,
        &second["id"],
        "fail",
        json!({ "lease_token": second["lease_token"], "error": "GPU busy", "retryable": true }),
    )
    .json();
    assert_eq!(f["state"], "pending");
    assert!(f["not_before"].is_string(), "a retry time is set");
    assert_eq!(claim(&host, "healthy", 60).status, 204, "backing off");
    // Run out the attempts: a non-retryable failure kills the job.
    rusqlite::Connection::open(host.database_path())
        .unwrap()
        .execute_batch("UPDATE jobs SET not_before = NULL")
        .unwrap();
    let third = claim(&host, "healthy", 60).json();
    assert_eq!(third["attempt"], 3);
    let dead = post(&host, &third["id"], "fail", json!({ "lease_token": third["lease_token"], "error": "corrupt WAV: no data chunk", "retryable": false })).json();
    assert_eq!(dead["state"], "dead");
    let r = host.row(ADMIN, c);
    assert_eq!(
        (r["status"].as_str(), r["extraction"]["last_error"].as_str()),
        (Some("failed"), Some("corrupt WAV: no data chunk"))
    );
    host.call("POST", "/api/cleanup-voice-data", Some(ADMIN), Body::None);
    let report = host
        .call(
            "GET",
            "/api/cleanup-voice-data/report",
            Some(ADMIN),
            Body::None,
        )
        .json();
    assert_eq!(
        report["details"]["incomplete"][0]["id"], c,
        "the failure shows up in the cleanup report"
    );

    // Expiring on the last attempt makes the job dead too.
    let c2 = voice(&host, &t, 3);
    rusqlite::Connection::open(host.database_path())
        .unwrap()
        .execute_batch("UPDATE jobs SET max_attempts = 1 WHERE state = 'pending'")
        .unwrap();
    claim(&host, "crashed", 1);
    std::thread::sleep(std::time::Duration::from_millis(1300));
    assert_eq!(claim(&host, "healthy", 60).status, 204);
    assert_eq!(host.row(ADMIN, c2)["status"], "failed");
}

#[test]
fn two_workers_never_hold_the_same_job() {
    let host = app();
    let t = host
        .call(
            "POST",
            "/api/users",
            Some(ADMIN),
            Body::Json(json!({ "name": "Ada" })),
        )
        .json()["token"]
        .as_str()
        .unwrap()
        .to_string();
    for n in 0..200 {
        voice(&host, &t, 1000 + n);
    }
    let base = host.base.clone();
    let claimed: Vec<Vec<i64>> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|w| {
                let base = base.clone();
                s.spawn(move || {
                    let mut mine = Vec::new();
                    // As a real worker does: a 503 (busy, Retry-After) is asked again.
                    let call = |path: String, body: Value| loop {
                        let r = e2e::call(&format!("{base}{path}"), "POST", Some(WORKER), Body::Json(body.clone()));
                        if r.status != 503 {
                            return r;
                        }
                        std::thread::sleep(std::time::Duration::from_millis(100));
                    };
                    loop {
                        let r = call("/api/jobs/claim".into(), json!({ "worker_id": format!("w{w}"), "lease_seconds": 600 }));
                        if r.status == 204 {
                            break;
                        }
                        assert_eq!(r.status, 200, "claim: {}", String::from_utf8_lossy(&r.body));
                        let job = r.json();
                        let done = call(
                            format!("/api/jobs/{}/complete", job["id"]),
                            json!({ "lease_token": job["lease_token"], "text": format!("by w{w}"), "engine": "test" }),
                        );
                        assert_eq!(done.status, 200, "complete: {}", String::from_utf8_lossy(&done.body));
                        mine.push(job["id"].as_i64().unwrap());
                    }
                    mine
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let mut all: Vec<i64> = claimed.concat();
    all.sort();
    let total = all.len();
    all.dedup();
    assert_eq!((total, all.len()), (200, 200), "every job exactly once");
    assert!(
        claimed.iter().all(|c| !c.is_empty()),
        "both workers got work"
    );
}
