//! End-to-end: personal data found in a text, in a transcript the real worker heard
//! (espeak-ng reading a phone number and an e-mail address to Whisper) and in a
//! screenshot it read (ImageMagick text through Tesseract), then masked in every export
//! format: jsonl, chat, csv and the hf bundle loaded by the real `datasets` library,
//! whose screenshot has the pixels of its findings filled. `pii=keep` is the admin's,
//! with a reason the activity log keeps; `pii=drop` leaves such rows out. Reviewers
//! meet rows with findings first, confirm, dismiss and add findings, and see images
//! only redacted.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use e2e::hf::{interpreters, unpack};
use e2e::media::{rendered, speech};
use e2e::worker::{settled, Worker};
use e2e::{Body, TestHost};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::Path;

const ADMIN: &str = "pii-admin";
const WORKER: &str = "pii-worker";

fn app() -> TestHost {
    TestHost::app(&[
        ("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN),
        ("SPIN_VARIABLE_WORKER_TOKEN", WORKER),
    ])
    .unwrap()
}

fn upload(host: &TestHost, token: &str, modality: &str, bytes: &[u8]) -> i64 {
    host.contribute(
        token,
        json!({ "modality": modality, "data": B64.encode(bytes) }),
    )["id"]
        .as_i64()
        .unwrap()
}

/// The findings of a row's current text, as its owner sees them.
fn findings(host: &TestHost, token: &str, id: i64) -> Vec<Value> {
    let r = host.call(
        "GET",
        &format!("/api/training-data/{id}/pii"),
        Some(token),
        Body::None,
    );
    assert_eq!(r.status, 200, "{:?}", r.json());
    r.json()["findings"].as_array().unwrap().clone()
}

fn kinds(found: &[Value]) -> BTreeSet<String> {
    found
        .iter()
        .map(|f| f["kind"].as_str().unwrap().to_string())
        .collect()
}

fn export(host: &TestHost, token: &str, query: &str) -> e2e::Resp {
    host.call(
        "GET",
        &format!("/api/training-data/export?{query}"),
        Some(token),
        Body::None,
    )
}

/// What the hf bundle's `config` holds once `datasets` loaded it: its rows (and image
/// files written to `out`).
fn dumped(python: &Path, dataset: &Path, config: &str, out: &Path) -> Vec<Value> {
    std::fs::create_dir_all(out).unwrap();
    let args = [
        dataset.as_os_str(),
        std::ffi::OsStr::new(config),
        out.as_os_str(),
    ];
    e2e::python::check(python, "tests/hf/dump_rows.py", &args);
    serde_json::from_slice(&std::fs::read(out.join("rows.json")).unwrap()).unwrap()
}

/// RGB pixels of a PNG.
fn pixels(png_bytes: &[u8]) -> (u32, Vec<[u8; 3]>) {
    let mut decoder = png::Decoder::new(png_bytes);
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let px = buf[..info.buffer_size()]
        .chunks(channels)
        .map(|c| {
            if channels >= 3 {
                [c[0], c[1], c[2]]
            } else {
                [c[0], c[0], c[0]]
            }
        })
        .collect();
    (info.width, px)
}

/// Whether every pixel of the box is black.
fn filled(width: u32, px: &[[u8; 3]], b: &Value) -> bool {
    let (x, y, w, h) = ["x", "y", "w", "h"]
        .map(|k| b[k].as_u64().unwrap() as u32)
        .into();
    (y..y + h).all(|yy| (x..x + w).all(|xx| px[(yy * width + xx) as usize] == [0, 0, 0]))
}

/// What an export lets a reader see, without the hex digests (content hash,
/// commitment, pseudonym) in which any run of digits may turn up by chance.
fn readable(format: &str, body: &[u8]) -> String {
    let digests = ["content_hash", "commitment", "user"];
    match format {
        "csv" => {
            let mut reader = csv::Reader::from_reader(body);
            let header = reader.headers().unwrap().clone();
            let keep: Vec<usize> = (0..header.len())
                .filter(|&i| !digests.contains(&&header[i]))
                .collect();
            reader
                .records()
                .map(|r| {
                    keep.iter()
                        .map(|&i| r.as_ref().unwrap()[i].to_string())
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .collect::<Vec<_>>()
                .join("\n")
        }
        _ => String::from_utf8(body.to_vec())
            .unwrap()
            .lines()
            .map(|l| {
                let mut v: Value = serde_json::from_str(l).unwrap();
                if let Some(o) = v.as_object_mut() {
                    digests.iter().for_each(|d| drop(o.remove(*d)));
                }
                v.to_string()
            })
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

#[test]
fn personal_data_leaves_no_export_unmasked() {
    let host = app();
    let dir = tempfile::tempdir().unwrap();
    let grace = host.new_user(ADMIN, "Grace Hopper");
    let text = host.contribute(
        &grace,
        json!({ "modality": "text", "text": "Ring Grace Hopper at +44 20 7946 0958 or mail grace@example.com; card 4111 1111 1111 1111." }),
    )["id"]
        .as_i64()
        .unwrap();
    let clean = host.contribute(
        &grace,
        json!({ "modality": "text", "text": "Nothing personal in this one." }),
    )["id"]
        .as_i64()
        .unwrap();
    let said = "My phone number is 0 2 0, 7 9 4 6, 0 9 5 8. My email is support@example.com.";
    let memo = upload(
        &host,
        &grace,
        "voice",
        &speech(dir.path(), "memo.wav", said),
    );
    let shot_png = rendered(
        dir.path(),
        "shot.png",
        (1000, 220),
        &["Contact: grace@example.com", "Card 4111 1111 1111 1111"],
        &[],
    );
    let shot = upload(&host, &grace, "screenshot", &shot_png);
    let worker = Worker::start(&host, WORKER, "pii-w", &[]);
    for id in [memo, shot] {
        assert_eq!(settled(&host, ADMIN, id)["status"], "complete");
    }
    drop(worker);

    // Found where they are: each kind, the transcript's segments, the image's boxes.
    let in_text = findings(&host, &grace, text);
    assert_eq!(
        kinds(&in_text),
        ["card", "email", "name", "phone"].map(String::from).into()
    );
    let in_memo = findings(&host, &grace, memo);
    let transcript = host.row(&grace, memo)["extracted_text"].clone();
    assert_eq!(
        kinds(&in_memo),
        ["email", "phone"].map(String::from).into(),
        "{transcript}"
    );
    assert!(
        in_memo
            .iter()
            .all(|f| !f["segments"].as_array().unwrap().is_empty()),
        "{in_memo:?}"
    );
    let in_shot = findings(&host, &grace, shot);
    assert_eq!(kinds(&in_shot), ["card", "email"].map(String::from).into());
    assert!(
        in_shot
            .iter()
            .all(|f| !f["boxes"].as_array().unwrap().is_empty()),
        "{in_shot:?}"
    );
    assert_eq!(host.row(&grace, clean)["pii_count"], 0);

    // Masked by default, in every format: no address, number or name survives, in the
    // text or in the segments and boxes beside it.
    let leaks = ["@", "4111", "7946", "Grace Hopper", "grace"];
    for format in ["jsonl", "chat", "csv"] {
        let r = export(&host, ADMIN, &format!("format={format}"));
        assert_eq!(r.status, 200);
        let body = readable(format, &r.body);
        for leak in leaks {
            assert!(!body.contains(leak), "{format} holds {leak:?}:\n{body}");
        }
        for placeholder in ["[EMAIL]", "[PHONE]", "[CARD]", "[NAME]"] {
            assert!(
                body.contains(placeholder),
                "{format} lacks {placeholder}:\n{body}"
            );
        }
        assert!(body.contains("Nothing personal in this one."), "{format}");
    }

    // hf: the masked texts, as `datasets` loads them; the screenshot redacted, its
    // findings' words filled; the voice recording left out (audio cannot be masked).
    let r = export(&host, ADMIN, "format=hf");
    assert_eq!(r.status, 200);
    let dataset = dir.path().join("dataset");
    let names = unpack(&r.body, &dataset);
    assert!(!names.iter().any(|n| n.starts_with("voice/")), "{names:?}");
    let card = std::fs::read_to_string(dataset.join("README.md")).unwrap();
    assert!(
        card.contains("Policy `pii=mask`") && card.contains("1 left out"),
        "{card}"
    );
    let (_, py52) = interpreters();
    let all = dumped(&py52, &dataset, "all", &dir.path().join("all"));
    assert_eq!(all.len(), 4);
    for row in &all {
        let t = row["text"].as_str().unwrap();
        assert!(leaks.iter().all(|l| !t.contains(l)), "{t}");
    }
    let shots_dir = dir.path().join("shots");
    let shots = dumped(&py52, &dataset, "screenshot", &shots_dir);
    let words = serde_json::to_string(&shots[0]["words"]).unwrap();
    assert!(!words.contains('@') && words.contains("[EMAIL]"), "{words}");
    let exported = std::fs::read(shots_dir.join(shots[0]["file"].as_str().unwrap())).unwrap();
    let (width, px) = pixels(&exported);
    let (_, original) = pixels(&shot_png);
    for f in &in_shot {
        for b in f["boxes"].as_array().unwrap() {
            assert!(filled(width, &px, b), "{b} not filled");
        }
    }
    let untouched = px.iter().zip(&original).filter(|(a, b)| a == b).count();
    assert!(
        untouched > px.len() * 3 / 4,
        "only the findings' words are filled"
    );

    // keep: the admin's only, with a reason the activity log keeps.
    assert_eq!(export(&host, &grace, "pii=keep&reason=mine").status, 403);
    assert_eq!(export(&host, ADMIN, "pii=keep").status, 422);
    assert_eq!(export(&host, ADMIN, "pii=mask&reason=why").status, 422);
    assert_eq!(export(&host, ADMIN, "pii=some").status, 422);
    let kept = export(&host, ADMIN, "pii=keep&reason=legal%20hold%20review");
    assert_eq!(kept.status, 200);
    assert!(String::from_utf8(kept.body)
        .unwrap()
        .contains("grace@example.com"));
    let log = host
        .call(
            "GET",
            "/api/activity?type=export&limit=50",
            Some(ADMIN),
            Body::None,
        )
        .json();
    let keeps: Vec<&Value> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action_data"]["pii"]["policy"] == "keep")
        .collect();
    assert_eq!(keeps.len(), 1, "{log}");
    assert_eq!(
        keeps[0]["action_data"]["pii"]["reason"],
        "legal hold review"
    );

    // drop: rows with findings are left out.
    let dropped = export(&host, ADMIN, "pii=drop");
    let lines: Vec<Value> = String::from_utf8(dropped.body)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines
            .iter()
            .map(|l| l["id"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        [clean]
    );
}

#[test]
fn reviewers_meet_findings_first_and_confirm_dismiss_or_add() {
    let host = app();
    let dir = tempfile::tempdir().unwrap();
    let ada = host.new_user(ADMIN, "Ada");
    let reviewer = host.new_user_as(ADMIN, "Rey", "reviewer");
    let other = host.new_user_as(ADMIN, "Otto", "reviewer");
    host.contribute(
        &ada,
        json!({ "modality": "text", "text": "An older row without anything personal." }),
    );
    let text = "Mail ada@example.org or call 415-555-2671 before the meeting with Bob.";
    let id = host.contribute(&ada, json!({ "modality": "text", "text": text }))["id"]
        .as_i64()
        .unwrap();
    // A screenshot whose OCR found an address (boxes as a worker reports them).
    let png = rendered(
        dir.path(),
        "s.png",
        (700, 120),
        &["Mail bob@example.net"],
        &[],
    );
    let shot = upload(&host, &ada, "screenshot", &png);
    host.complete_next_job_located(
        WORKER,
        "ocr",
        "Mail bob@example.net",
        json!({ "boxes": [
            { "x": 30, "y": 40, "w": 90, "h": 36, "text": "Mail", "line": 0 },
            { "x": 130, "y": 40, "w": 360, "h": 36, "text": "bob@example.net", "line": 0 },
        ], "lines": [{ "x": 30, "y": 40, "w": 460, "h": 36, "text": "Mail bob@example.net" }] }),
    );

    // The newer row with findings comes before the older one without.
    let lease = host
        .call("GET", "/api/review/next", Some(&reviewer), Body::None)
        .json();
    assert_eq!(lease["row"]["id"], id, "{lease}");
    let found = lease["row"]["pii_findings"].as_array().unwrap().clone();
    assert_eq!(kinds(&found), ["email", "phone"].map(String::from).into());
    let phone = found.iter().find(|f| f["kind"] == "phone").unwrap();
    assert_eq!(phone["text"], "415-555-2671");
    let email = found.iter().find(|f| f["kind"] == "email").unwrap();
    let path = |fid: &Value| format!("/api/training-data/{id}/pii/{fid}");

    // Only the reviewer holding the lease (or the admin) decides; contributors never.
    let dismiss = json!({ "decision": "dismissed" });
    let r = host.call(
        "PATCH",
        &path(&phone["id"]),
        Some(&other),
        Body::Json(dismiss.clone()),
    );
    assert_eq!(r.status, 409, "{:?}", r.json());
    assert_eq!(
        host.call(
            "PATCH",
            &path(&phone["id"]),
            Some(&ada),
            Body::Json(dismiss.clone())
        )
        .status,
        403
    );
    let r = host.call(
        "PATCH",
        &path(&json!(999_999)),
        Some(&reviewer),
        Body::Json(dismiss.clone()),
    );
    assert_eq!(r.status, 404);
    let r = host.call(
        "PATCH",
        &path(&phone["id"]),
        Some(&reviewer),
        Body::Json(json!({ "decision": "maybe" })),
    );
    assert_eq!(r.status, 422);
    let r = host.call(
        "PATCH",
        &path(&phone["id"]),
        Some(&reviewer),
        Body::Json(dismiss),
    );
    assert_eq!(r.status, 200, "{:?}", r.json());
    assert_eq!(r.json()["pii_count"], 1);
    let confirm = json!({ "decision": "confirmed" });
    assert_eq!(
        host.call(
            "PATCH",
            &path(&email["id"]),
            Some(&reviewer),
            Body::Json(confirm)
        )
        .status,
        200
    );

    // Adding what the detector missed: "Bob", characters 66..69.
    let add = |token: &str, body: Value| {
        host.call(
            "POST",
            &format!("/api/training-data/{id}/pii"),
            Some(token),
            Body::Json(body),
        )
    };
    assert_eq!(
        add(&reviewer, json!({ "kind": "name", "start": 66, "end": 99 })).status,
        422
    );
    assert_eq!(
        add(
            &reviewer,
            json!({ "kind": "passport", "start": 1, "end": 2 })
        )
        .status,
        422
    );
    assert_eq!(
        add(&other, json!({ "kind": "name", "start": 66, "end": 69 })).status,
        409
    );
    let r = host.call(
        "POST",
        "/api/training-data/999999/pii",
        Some(ADMIN),
        Body::Json(json!({ "kind": "name", "start": 0, "end": 1 })),
    );
    assert_eq!(r.status, 404);
    let r = add(&reviewer, json!({ "kind": "name", "start": 66, "end": 69 }));
    assert_eq!(r.status, 201, "{:?}", r.json());
    let added = r.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["origin"] == "reviewer")
        .cloned()
        .unwrap();
    assert_eq!(
        (added["text"].as_str(), added["decision"].as_str()),
        (Some("Bob"), Some("confirmed"))
    );
    assert_eq!(host.activity_count(ADMIN, "pii_reviewed"), 3);

    // The owner sees every decision; a masked export masks what the reviewer added and
    // not what they dismissed.
    let mine = host.row(&ada, id);
    assert_eq!(mine["pii_findings"].as_array().unwrap().len(), 3);
    let body = String::from_utf8(export(&host, &ada, "format=txt").body).unwrap();
    assert!(
        body.contains("Mail [EMAIL] or call 415-555-2671 before the meeting with [NAME]."),
        "{body}"
    );

    // Precision as reviewers judged it.
    let metrics = host
        .call("GET", "/api/admin/metrics?days=1", Some(ADMIN), Body::None)
        .json();
    assert_eq!(
        metrics["pii"]["by_kind"]["phone"]["precision"], 0.0,
        "{}",
        metrics["pii"]
    );
    assert_eq!(metrics["pii"]["by_kind"]["email"]["precision"], 1.0);
    assert_eq!(metrics["pii"]["rows_with_findings"], 2);

    // A correction keeping the dismissed number: it stays dismissed.
    let fixed = "Mail ada@example.org or call 415-555-2671 tomorrow.";
    let r = host.call(
        "PATCH",
        &format!("/api/training-data/{id}"),
        Some(&ada),
        Body::Json(json!({ "text": fixed })),
    );
    assert_eq!(r.status, 200);
    let now = findings(&host, &ada, id);
    let phone_now = now.iter().find(|f| f["kind"] == "phone").unwrap();
    assert_eq!(phone_now["decision"], "dismissed");
    assert_eq!(host.row(&ada, id)["pii_count"], 1);

    // Images: the owner has the original and may ask for the redacted copy; a reviewer
    // holding the lease gets only the redacted one.
    let media = format!("/api/training-data/{shot}/media");
    let original = host.call("GET", &media, Some(&ada), Body::None);
    assert_eq!(original.body, png);
    assert_eq!(
        host.call(
            "GET",
            &format!("{media}?redacted=maybe"),
            Some(&ada),
            Body::None
        )
        .status,
        422
    );
    let redacted = host.call(
        "GET",
        &format!("{media}?redacted=true"),
        Some(&ada),
        Body::None,
    );
    assert_eq!(redacted.content_type, "image/png");
    let email_box = json!({ "x": 130, "y": 40, "w": 360, "h": 36 });
    let (width, px) = pixels(&redacted.body);
    assert!(filled(width, &px, &email_box));
    // The correction ended the reviewer's lease: they lease the row again to vote.
    let lease = host
        .call("GET", "/api/review/next", Some(&reviewer), Body::None)
        .json();
    assert_eq!(lease["row"]["id"], id, "{lease}");
    let vote = json!({ "decision": "accept" });
    let r = host.call(
        "POST",
        &format!("/api/training-data/{id}/review"),
        Some(&reviewer),
        Body::Json(vote),
    );
    assert_eq!(r.status, 200, "{:?}", r.json());
    let lease = host
        .call("GET", "/api/review/next", Some(&reviewer), Body::None)
        .json();
    assert_eq!(lease["row"]["id"], shot, "{lease}");
    let seen = host.call("GET", &media, Some(&reviewer), Body::None);
    assert_eq!(seen.body, redacted.body);

    // An address typed into a correction is in no word box: the image cannot be
    // redacted, so the reviewer does not get it.
    let r = host.call(
        "PATCH",
        &format!("/api/training-data/{shot}"),
        Some(&ada),
        Body::Json(json!({ "text": "Mail bob@example.net and eve@example.com" })),
    );
    assert_eq!(r.status, 200);
    let lease = host
        .call("GET", "/api/review/next", Some(&reviewer), Body::None)
        .json();
    assert_eq!(lease["row"]["id"], shot, "{lease}");
    let refused = host.call("GET", &media, Some(&reviewer), Body::None);
    assert_eq!(refused.status, 409, "{:?}", refused.json());
}
