//! End-to-end: drawings — the shape recognised from strokes at ingest, kept when OCR
//! finds no words — and `POST /api/draw/verify` for shapes (at once) and words (after
//! the real worker's OCR, through the poll URL), with its bad cases.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use e2e::media::rendered;
use e2e::worker::{settled, Worker};
use e2e::{Body, TestHost};
use serde_json::{json, Value};
use std::time::Duration;

const ADMIN: &str = "draw-admin";
const WORKER: &str = "draw-worker";

fn app() -> TestHost {
    TestHost::app(&[
        ("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN),
        ("SPIN_VARIABLE_WORKER_TOKEN", WORKER),
    ])
    .unwrap()
}

/// One stroke around a circle of radius 80 centred at (200, 120), a little wobbly.
fn circle() -> Value {
    let points: Vec<Value> = (0..=48)
        .map(|i| {
            let a = i as f64 / 48.0 * std::f64::consts::TAU;
            let r = 80.0 + 3.0 * (a * 5.0).sin();
            json!([200.0 + r * a.cos(), 120.0 + r * a.sin(), i * 16])
        })
        .collect();
    json!([points])
}

fn verify(host: &TestHost, token: Option<&str>, body: Value) -> e2e::Resp {
    host.call("POST", "/api/draw/verify", token, Body::Json(body))
}

#[test]
fn shapes_are_recognised_at_ingest_and_checked_at_once() {
    let host = app();
    let user = host.new_user(ADMIN, "artist");
    let dir = tempfile::tempdir().unwrap();
    let png = rendered(
        dir.path(),
        "circle.png",
        (400, 240),
        &[],
        &[
            "-fill",
            "none",
            "-stroke",
            "black",
            "-strokewidth",
            "6",
            "-draw",
            "circle 200,120 280,120",
        ],
    );
    let row = host.contribute(
        &user,
        json!({"modality": "drawing", "data": B64.encode(&png), "strokes": circle()}),
    );
    let text = row["extracted_text"].as_str().unwrap();
    assert!(text.starts_with("shape: circle ("), "{text}");
    assert_eq!(row["status"], "pending", "OCR still to come");
    // The same image as a words check finds that contribution, which is no verification.
    let again = verify(
        &host,
        Some(&user),
        json!({"expected_text": "circle", "image": B64.encode(&png)}),
    );
    assert_eq!(again.status, 404, "{:?}", again.json());

    let r = verify(
        &host,
        Some(&user),
        json!({"expected_shape": "circle", "strokes": circle()}),
    );
    assert_eq!(r.status, 200, "{:?}", r.json());
    let r = r.json();
    assert_eq!(
        (r["match"].clone(), r["shape"].clone()),
        (json!(true), json!("circle")),
        "{r}"
    );
    assert!(r["score"].as_f64().unwrap() > 0.5, "{r}");
    let r = verify(
        &host,
        Some(&user),
        json!({"expected_shape": "star", "strokes": circle()}),
    )
    .json();
    assert_eq!(r["match"], false, "{r}");
    assert_eq!(r["shape"], "circle");

    // The worker's OCR finds no words in a bare circle: the shape stays the text.
    let worker = Worker::start(&host, WORKER, "w", &["--kinds", "ocr"]);
    let done = settled(&host, ADMIN, row["id"].as_i64().unwrap());
    assert_eq!(done["status"], "complete", "{done}");
    assert_eq!(done["extracted_text"], text, "{done}");
    assert_eq!(done["extraction"]["engine"], "tesseract");
    drop(worker);
}

#[test]
fn words_are_checked_after_ocr_through_the_poll_url() {
    let host = app();
    let user = host.new_user(ADMIN, "writer");
    let dir = tempfile::tempdir().unwrap();
    let png = rendered(dir.path(), "words.png", (600, 160), &["HELLO WORLD"], &[]);
    let r = verify(
        &host,
        Some(&user),
        json!({"expected_text": "hello world", "image": B64.encode(&png)}),
    );
    assert_eq!(r.status, 202, "{:?}", r.json());
    let poll = r.json()["poll"].as_str().unwrap().to_string();
    let pending = host.call("GET", &poll, Some(&user), Body::None).json();
    assert!(
        pending["match"].is_null(),
        "no verdict before OCR: {pending}"
    );

    let _worker = Worker::start(&host, WORKER, "w", &["--kinds", "ocr"]);
    let answer = e2e::wait_for("the verification's OCR", Duration::from_secs(60), || {
        let a = host.call("GET", &poll, Some(&user), Body::None).json();
        (a["status"] == "complete" || a["status"] == "failed").then_some(a)
    });
    assert_eq!(answer["match"], true, "{answer}");
    assert_eq!(answer["score"], 1.0, "{answer}");
    assert_eq!(answer["text"], "HELLO WORLD");

    // The same drawing against other words: answered from the stored OCR at once.
    let other = rendered(dir.path(), "other.png", (600, 160), &["GOODBYE MOON"], &[]);
    let r = verify(
        &host,
        Some(&user),
        json!({"expected_text": "hello world", "image": B64.encode(&other)}),
    );
    let poll = r.json()["poll"].as_str().unwrap().to_string();
    let answer = e2e::wait_for("the stored OCR's verdict", Duration::from_secs(60), || {
        let a = host.call("GET", &poll, Some(&user), Body::None).json();
        (a["status"] == "complete").then_some(a)
    });
    assert_eq!(answer["match"], false, "{answer}");

    // Someone else cannot read the verification.
    let stranger = host.new_user(ADMIN, "stranger");
    assert_eq!(
        host.call("GET", &poll, Some(&stranger), Body::None).status,
        404
    );
}

#[test]
fn bad_verification_requests_are_problems_and_store_nothing() {
    let host = app();
    let user = host.new_user(ADMIN, "u");
    let png = {
        let dir = tempfile::tempdir().unwrap();
        rendered(dir.path(), "x.png", (100, 100), &[], &[])
    };
    let cases = [
        (
            json!({"expected_shape": "blob", "strokes": circle()}),
            422,
            "one of circle",
        ),
        (json!({"expected_shape": "circle"}), 422, "strokes"),
        (
            json!({"expected_shape": "circle", "strokes": [[["a", 1]]]}),
            422,
            "strokes",
        ),
        (
            json!({"expected_shape": "circle", "expected_text": "x", "strokes": circle()}),
            422,
            "exactly one",
        ),
        (json!({"strokes": circle()}), 422, "exactly one"),
        (json!({"expected_text": "hello"}), 422, "image"),
        (
            json!({"expected_text": "", "image": B64.encode(&png)}),
            422,
            "1 to 200",
        ),
        (
            json!({"expected_text": "hi", "image": "%%%"}),
            422,
            "base64",
        ),
        (
            json!({"expected_text": "hi", "image": B64.encode(b"not an image")}),
            415,
            "",
        ),
        (
            json!({"expected_shape": "circle", "strokes": circle(), "surprise": 1}),
            422,
            "surprise",
        ),
    ];
    for (body, status, needle) in cases {
        let r = verify(&host, Some(&user), body.clone());
        assert_eq!(r.status, status, "{body}: {:?}", r.json());
        assert_eq!(r.content_type, "application/problem+json", "{body}");
        assert!(
            r.json()["detail"]
                .as_str()
                .unwrap_or_default()
                .contains(needle),
            "{body}: {:?}",
            r.json()
        );
    }
    assert_eq!(
        verify(
            &host,
            None,
            json!({"expected_shape": "circle", "strokes": circle()})
        )
        .status,
        401
    );
    assert_eq!(
        host.call("GET", "/api/draw/verify", Some(&user), Body::None)
            .status,
        405
    );
    let listed = host
        .call("GET", "/api/training-data", Some(&user), Body::None)
        .json();
    assert_eq!(
        listed["items"].as_array().unwrap().len(),
        0,
        "nothing stored: {listed}"
    );
    // A contribution that is not a verification has no verdict.
    let text = host.contribute(&user, json!({"modality": "text", "text": "hi"}));
    let r = host.call(
        "GET",
        &format!("/api/draw/verify/{}", text["id"]),
        Some(&user),
        Body::None,
    );
    assert_eq!(r.status, 404);
}
