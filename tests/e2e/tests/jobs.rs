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
    let report = host.quality_report(ADMIN);
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

#[test]
fn a_layout_that_does_not_fit_is_refused_and_a_correction_keeps_the_untouched_times() {
    let host = app();
    let ada = host.new_user(ADMIN, "Ada");
    let c = voice(&host, &ada, 3);
    let job = claim(&host, "w1", 60).json();
    let segment = |start: i64, end: i64, text: &str| json!({ "start_ms": start, "end_ms": end, "text": text, "probability": 0.9, "no_speech": 0.02 });
    let completion = |segments: Value, language: &str, audio_ms: i64| {
        json!({
            "lease_token": job["lease_token"], "text": "Thank you for your order. It ships on Munday.",
            "engine": "whisper.cpp", "model": "tiny.en", "language": language, "audio_ms": audio_ms,
            "segments": segments,
            "words": [{ "start_ms": 0, "end_ms": 300, "text": "Thank", "probability": 0.8 }],
        })
    };
    let good = json!([
        segment(0, 1500, "Thank you for your order."),
        segment(1500, 2900, "It ships on Munday.")
    ]);
    for (body, why) in [
        (
            completion(
                json!([segment(1500, 2900, "b"), segment(0, 1500, "a")]),
                "en",
                3000,
            ),
            "segments[1]",
        ),
        (
            completion(
                json!([segment(0, 1600, "a"), segment(1500, 2900, "b")]),
                "en",
                3000,
            ),
            "segments[1]",
        ),
        (completion(good.clone(), "en", 2000), "past the audio"),
        (completion(good.clone(), "not a language!", 3000), "BCP 47"),
        (
            completion(
                json!([{ "start_ms": 0, "end_ms": 10, "text": "a", "probability": 2.0 }]),
                "en",
                3000,
            ),
            "probability",
        ),
    ] {
        let r = post(&host, &job["id"], "complete", body);
        assert_eq!(r.status, 422, "{why}: {:?}", r.json());
        assert!(
            r.json()["detail"].as_str().unwrap().contains(why),
            "{:?}",
            r.json()
        );
        assert_eq!(
            host.row(ADMIN, c)["status"],
            "processing",
            "the job stays leased; nothing written"
        );
    }
    // A number JSON can write but no finite double holds: 422, the job still leased.
    let infinite = format!(
        r#"{{"lease_token": {}, "text": "x", "engine": "whisper.cpp", "audio_ms": 3000, "segments": [{{"start_ms": 0, "end_ms": 10, "text": "x", "probability": 1e999}}]}}"#,
        job["lease_token"]
    );
    let r = host.call(
        "POST",
        &format!("/api/jobs/{}/complete", job["id"]),
        Some(WORKER),
        Body::Raw("application/json", infinite.into_bytes()),
    );
    assert_eq!(r.status, 422, "{:?}", r.json());
    assert!(r.json()["detail"].as_str().unwrap().contains("not finite"));
    assert_eq!(host.row(ADMIN, c)["status"], "processing");
    let done = post(&host, &job["id"], "complete", completion(good, "en", 3000));
    assert_eq!(done.status, 200, "{:?}", done.json());
    let row = host.row(&ada, c);
    assert_eq!(row["layout"]["segments"][1]["start_ms"], 1500);
    assert_eq!(
        (
            row["layout"]["language"].as_str(),
            row["layout"]["audio_ms"].as_i64()
        ),
        (Some("en"), Some(3000))
    );

    // The owner fixes one word: the untouched segment keeps its time, the edited one
    // has none, and the machine version keeps everything in the history.
    let fixed = host.call(
        "PATCH",
        &format!("/api/training-data/{c}"),
        Some(&ada),
        Body::Json(json!({ "text": "Thank you for your order. It ships on Monday." })),
    );
    assert_eq!(fixed.status, 200, "{:?}", fixed.json());
    let segments = host.row(&ada, c)["layout"]["segments"].clone();
    assert_eq!(
        segments,
        json!([
            { "start_ms": 0, "end_ms": 1500, "text": "Thank you for your order.", "probability": 0.9, "no_speech": 0.02 },
            { "start_ms": null, "end_ms": null, "text": "It ships on Monday." },
        ])
    );
    let versions = host
        .call(
            "GET",
            &format!("/api/training-data/{c}/versions"),
            Some(&ada),
            Body::None,
        )
        .json();
    let history = versions["versions"]
        .as_array()
        .or_else(|| versions.as_array())
        .unwrap()
        .clone();
    assert_eq!(history[0]["layout"]["words"][0]["text"], "Thank");
    assert!(
        history[1]["layout"].get("words").is_none(),
        "word timings belong to the machine's words"
    );
}

#[test]
fn word_boxes_must_lie_inside_the_image() {
    let host = app();
    let ada = host.new_user(ADMIN, "Ada");
    let mut png = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut png, 40, 20);
        encoder.set_color(png::ColorType::Grayscale);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&[255u8; 40 * 20]).unwrap();
    }
    let shot = host.call(
        "POST",
        "/api/unified-input",
        Some(&ada),
        Body::Json(json!({ "modality": "screenshot", "data": B64.encode(&png) })),
    );
    assert_eq!(shot.status, 201, "{:?}", shot.json());
    let job = host
        .call(
            "POST",
            "/api/jobs/claim",
            Some(WORKER),
            Body::Json(json!({ "worker_id": "w", "kinds": ["ocr"], "lease_seconds": 60 })),
        )
        .json();
    let with_box = |x: i64, w: i64| {
        json!({
            "lease_token": job["lease_token"], "text": "Hi", "engine": "tesseract", "model": "tesseract-eng",
            "boxes": [{ "x": x, "y": 2, "w": w, "h": 10, "text": "Hi", "confidence": 0.9, "line": 0 }],
            "lines": [{ "x": 0, "y": 2, "w": 40, "h": 10, "text": "Hi" }],
        })
    };
    let outside = post(&host, &job["id"], "complete", with_box(30, 20));
    assert_eq!(outside.status, 422, "{:?}", outside.json());
    assert!(outside.json()["detail"]
        .as_str()
        .unwrap()
        .contains("40×20 image"));
    let inside = post(&host, &job["id"], "complete", with_box(5, 20));
    assert_eq!(inside.status, 200, "{:?}", inside.json());
    let id = shot.json()["id"].as_i64().unwrap();
    assert_eq!(host.row(&ada, id)["layout"]["boxes"][0]["w"], 20);
}

#[test]
fn the_engines_signals_flag_a_row_for_the_scan_and_put_it_first_in_review() {
    let host = TestHost::app(&[
        ("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN),
        ("SPIN_VARIABLE_WORKER_TOKEN", WORKER),
        ("SPIN_VARIABLE_REVIEW_VOTES_REQUIRED", "1"),
    ])
    .unwrap();
    let ada = host.new_user(ADMIN, "Ada");
    let rows: Vec<i64> = (10..13).map(|n| voice(&host, &ada, n)).collect();
    // The middle memo's transcript comes back with a very low probability.
    for (i, _) in rows.iter().enumerate() {
        let job = claim(&host, "w", 60).json();
        let confidence = if job["contribution_id"] == rows[1] {
            0.2
        } else {
            0.9
        };
        let done = post(
            &host,
            &job["id"],
            "complete",
            json!({ "lease_token": job["lease_token"], "text": format!("memo number {i} says hello there"),
                    "engine": "whisper.cpp", "model": "tiny.en", "confidence": confidence }),
        );
        assert_eq!(done.status, 200, "{:?}", done.json());
    }
    let flagged = host.row(ADMIN, rows[1]);
    assert_eq!(
        flagged["extraction"]["flag"],
        "very low mean probability (0.20)"
    );
    assert!(host.row(ADMIN, rows[0])["extraction"]["flag"].is_null());

    // The scan reports it, with the reason.
    let report = host.quality_report(ADMIN);
    assert_eq!(report["summary"]["overall"]["suspect"], 1);
    assert_eq!(report["details"]["suspect"][0]["id"], rows[1]);
    assert!(report["details"]["suspect"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("very low mean probability"));

    // Review offers it first; a skip moves on to the others, oldest first.
    let rita = host.new_user_as(ADMIN, "Rita", "reviewer");
    let next = |after: Option<i64>| {
        let path = after.map_or("/api/review/next".to_string(), |a| {
            format!("/api/review/next?after={a}")
        });
        let r = host.call("GET", &path, Some(&rita), Body::None).json();
        (
            r["row"]["id"].as_i64().unwrap(),
            r["row"]["extraction"]["flag"].clone(),
        )
    };
    let (first, why) = next(None);
    assert_eq!(first, rows[1]);
    assert!(why.as_str().unwrap().contains("probability"));
    assert_eq!(
        next(Some(rows[1])).0,
        rows[0],
        "after the flagged rows, the oldest of the rest"
    );
    assert_eq!(next(Some(rows[0])).0, rows[2]);
    assert_eq!(
        next(Some(rows[2])).0,
        rows[1],
        "round again: the flagged row first"
    );
}
