//! End-to-end: the `format=hf` export of all four modalities, unpacked and loaded with
//! the real Hugging Face `datasets` library from PyPI (`scripts/prepare-datasets`):
//! 3.6.0 with soundfile reads the voice config, 5.2.0 the image and text configs; both
//! read the default config. Every row is read, every media file decoded, and texts and
//! media bytes compared with the API's (`tests/hf/check_export.py`).

use e2e::hf::{interpreters, unpack};
use e2e::media::{invoice_layout, rendered, speech};
use e2e::{Body, TestHost};
use serde_json::{json, Value};
use std::path::Path;

const ADMIN: &str = "hf-admin";
const WORKER: &str = "hf-worker";

fn check(python: &Path, dir: &Path, expected: &Path, configs: &[&str]) -> String {
    let mut args = vec![dir.as_os_str(), expected.as_os_str()];
    args.extend(configs.iter().map(std::ffi::OsStr::new));
    e2e::python::check(python, "tests/hf/check_export.py", &args)
}

#[test]
fn every_modality_loads_with_the_real_datasets_library() {
    let (py36, py52) = interpreters();
    let host = TestHost::app(&[
        ("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN),
        ("SPIN_VARIABLE_WORKER_TOKEN", WORKER),
    ])
    .unwrap();
    let media_dir = tempfile::tempdir().unwrap();
    let ada = host.new_user(ADMIN, "Ada");
    let b64 =
        |bytes: &[u8]| base64::Engine::encode(&base64::engine::general_purpose::STANDARD, bytes);
    for text in ["plain words", "ünïcödé, \"quotes\", a\nnew line"] {
        host.contribute(&ada, json!({ "modality": "text", "text": text }));
    }
    let voices = [
        ("one.wav", "The meeting moved to Tuesday."),
        ("two.wav", "Bring the blue folder."),
    ];
    for (name, said) in voices {
        let wav = speech(media_dir.path(), name, said);
        host.contribute(&ada, json!({ "modality": "voice", "data": b64(&wav) }));
        // Two segments, the second edited later (untimed) for one memo.
        let words: Vec<&str> = said.split(' ').collect();
        let (first, second) = words.split_at(2);
        let layout = json!({
            "language": "en", "audio_ms": 3000,
            "segments": [
                { "start_ms": 0, "end_ms": 1000, "text": first.join(" ") },
                { "start_ms": 1000, "end_ms": 2500, "text": second.join(" ") },
            ],
        });
        host.complete_next_job_located(WORKER, "transcribe", said, layout);
    }
    let shot = rendered(
        media_dir.path(),
        "shot.png",
        (600, 120),
        &["Invoice 4521"],
        &[],
    );
    host.contribute(
        &ada,
        json!({ "modality": "screenshot", "data": b64(&shot) }),
    );
    host.complete_next_job_located(WORKER, "ocr", "Invoice 4521", invoice_layout());
    let drawing = rendered(
        media_dir.path(),
        "draw.png",
        (200, 200),
        &[],
        &[
            "-stroke",
            "black",
            "-fill",
            "none",
            "-draw",
            "circle 100,100 100,40",
        ],
    );
    host.contribute(
        &ada,
        json!({ "modality": "drawing", "data": b64(&drawing) }),
    );
    host.complete_next_job(WORKER, "ocr", "a circle");
    // One row opted out: it must not be in the export.
    let out = host.contribute(
        &ada,
        json!({ "modality": "text", "text": "not for training" }),
    );
    let patch = host.call(
        "PATCH",
        &format!("/api/training-data/{}", out["id"]),
        Some(&ada),
        Body::Json(json!({ "included_in_training": false })),
    );
    assert_eq!(patch.status, 200);

    let listed = host
        .call(
            "GET",
            "/api/training-data?limit=500",
            Some(ADMIN),
            Body::None,
        )
        .json();
    let rows: Vec<Value> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["included_in_training"] == true)
        .map(|r| {
            // What the engine located, as the hf columns carry it.
            let layout = host.row(ADMIN, r["id"].as_i64().unwrap())["layout"].clone();
            let segments: Vec<Value> = layout["segments"].as_array().into_iter().flatten()
                .map(|s| json!({ "start": s["start_ms"], "end": s["end_ms"], "text": s["text"] }))
                .collect();
            let words: Vec<Value> = layout["boxes"].as_array().into_iter().flatten()
                .map(|b| json!({ "x": b["x"], "y": b["y"], "w": b["w"], "h": b["h"], "text": b["text"], "confidence": b["confidence"] }))
                .collect();
            json!({
                "id": r["id"], "modality": r["modality"], "text": r["extracted_text"], "content_hash": r["content_hash"],
                "language": layout["language"], "segments": segments, "words": words,
            })
        })
        .collect();
    assert_eq!(rows.len(), 6);

    let export = host.call(
        "GET",
        "/api/training-data/export?format=hf&license=cc-by-4.0",
        Some(ADMIN),
        Body::None,
    );
    assert_eq!(export.status, 200);
    let dir = tempfile::tempdir().unwrap();
    let dataset = dir.path().join("dataset");
    let names = unpack(&export.body, &dataset);
    assert_eq!(
        names.last().map(String::as_str),
        Some("README.md"),
        "the card comes last, with every count"
    );
    let expected = dir.path().join("expected.json");
    std::fs::write(&expected, json!({ "rows": rows }).to_string()).unwrap();

    let audio = check(&py36, &dataset, &expected, &["all", "voice", "text"]);
    assert!(
        audio.contains("datasets 3.6.0: voice, 2 rows read, 2 media decoded"),
        "{audio}"
    );
    assert!(
        audio.contains("datasets 3.6.0: default config, 6 rows"),
        "{audio}"
    );
    let images = check(
        &py52,
        &dataset,
        &expected,
        &["all", "screenshot", "drawing", "text"],
    );
    assert!(
        images.contains("datasets 5.2.0: screenshot, 1 rows read, 1 media decoded"),
        "{images}"
    );
    assert!(
        images.contains("datasets 5.2.0: drawing, 1 rows read, 1 media decoded"),
        "{images}"
    );
    assert!(
        images.contains("datasets 5.2.0: text, 2 rows read, 0 media decoded"),
        "{images}"
    );
    assert!(
        images.contains("a wrong row count in the card fails all_checks"),
        "{images}"
    );
    println!("{audio}{images}");

    // An export that matches nothing cannot be a dataset (datasets refuses an empty
    // split): a clear 422, not a bundle nobody can load.
    let none = host.call(
        "GET",
        "/api/training-data/export?format=hf&since=2999-01-01T00:00:00Z",
        Some(ADMIN),
        Body::None,
    );
    assert_eq!(none.status, 422);
    assert!(none.json()["detail"]
        .as_str()
        .unwrap()
        .contains("cannot be empty"));
    let jsonl = host.call(
        "GET",
        "/api/training-data/export?format=jsonl&since=2999-01-01T00:00:00Z",
        Some(ADMIN),
        Body::None,
    );
    assert_eq!((jsonl.status, jsonl.body.len()), (200, 0));
}
