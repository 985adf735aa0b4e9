//! End-to-end: archives and this service's own exports as imports, on the real
//! components. One instance's hf export (a tar of Parquet shards) imports into a fresh
//! instance and its rows, exported again, are the original rows: text, media bytes
//! (their SHA-256), time and metadata; Go's tlog auditor verifies the new log and every
//! row has its verify page. The jsonl export brings the text rows and names why its
//! media rows cannot come (no media in it). A zip with a manifest and a tar with
//! sidecar texts import their files, and what cannot be taken (a path leaving the
//! archive, a file that is not what it claims, an unnamed file) is reported line by
//! line.

use base64::Engine as _;
use e2e::media::{rendered, speech};
use e2e::{Body, Resp, TestHost};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::Write;

const ADMIN: &str = "archive-admin";
const KEY: &str = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
const ORIGIN: &str = "import.test/log";

fn app() -> TestHost {
    TestHost::app(&[
        ("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN),
        ("SPIN_VARIABLE_LOG_SIGNING_KEY", KEY),
        ("SPIN_VARIABLE_LOG_ORIGIN", ORIGIN),
    ])
    .unwrap()
}

fn import(host: &TestHost, token: &str, content_type: &'static str, body: Vec<u8>) -> Value {
    let r = host.call(
        "POST",
        "/api/import",
        Some(token),
        Body::Raw(content_type, body),
    );
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    r.json()
}

fn export(host: &TestHost, token: &str, format: &str) -> Resp {
    let r = host.call(
        "GET",
        &format!("/api/training-data/export?format={format}"),
        Some(token),
        Body::None,
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r
}

/// The jsonl export's rows by content hash (the SHA-256 of the text or media bytes).
fn exported_rows(host: &TestHost, token: &str) -> BTreeMap<String, Value> {
    String::from_utf8(export(host, token, "jsonl").body)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .map(|row| (row["content_hash"].as_str().unwrap().to_string(), row))
        .collect()
}

/// What an imported row must keep of the original: modality, text, who wrote it,
/// when it was made, and the original metadata (the import adds its provenance).
fn kept(row: &Value) -> Value {
    let mut metadata = row["metadata"].clone();
    if let Some(m) = metadata.as_object_mut() {
        for key in ["source", "import_id", "source_id"] {
            m.remove(key);
        }
    }
    json!({
        "modality": row["modality"],
        "text": row["text"],
        "text_source": row["text_source"],
        "created_at": row["created_at"],
        "metadata": metadata,
    })
}

fn outcomes(answer: &Value) -> Vec<(String, String, Option<u64>)> {
    answer["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["source_id"].as_str().unwrap_or_default().to_string(),
                l["outcome"].as_str().unwrap().to_string(),
                l["status"].as_u64(),
            )
        })
        .collect()
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[test]
fn own_hf_and_jsonl_exports_round_trip_into_fresh_instances() {
    let media = tempfile::tempdir().unwrap();
    let wav = speech(media.path(), "memo.wav", "The parcel arrives on Monday.");
    let png = rendered(media.path(), "note.png", (400, 100), &["Receipt 88"], &[]);

    // The original: texts with metadata, and media rows whose text is known.
    let first = app();
    let ada = first.new_user(ADMIN, "Ada");
    for (i, text) in ["the kettle is on", "meet at the gate", "two sugars please"]
        .iter()
        .enumerate()
    {
        first.contribute(
            &ada,
            json!({ "modality": "text", "text": text, "metadata": { "n": i, "lang": "en" } }),
        );
    }
    let lines = [
        json!({ "modality": "voice", "data": b64(&wav), "text": "The parcel arrives on Monday.", "metadata": { "device": "phone" }, "created_at": "2025-03-01T10:00:00Z" }),
        json!({ "modality": "screenshot", "data": b64(&png), "text": "Receipt 88", "text_source": "human" }),
    ];
    let body: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let answer = import(&first, &ada, "application/x-ndjson", body.into_bytes());
    assert_eq!(answer["import"]["created"], 2, "{answer}");
    let original = exported_rows(&first, &ada);
    assert_eq!(original.len(), 5);
    let hf = export(&first, &ada, "hf").body;
    let jsonl = export(&first, &ada, "jsonl").body;

    // The hf export into a fresh instance: every row comes back as it was.
    let second = app();
    let bea = second.new_user(ADMIN, "Bea");
    let answer = import(&second, &bea, "application/x-tar", hf.clone());
    assert_eq!(answer["import"]["created"], 5, "{answer}");
    let again = exported_rows(&second, &bea);
    assert_eq!(
        again.keys().collect::<Vec<_>>(),
        original.keys().collect::<Vec<_>>(),
        "the same contents, media bytes included (content_hash is their SHA-256)"
    );
    for (hash, row) in &original {
        assert_eq!(kept(&again[hash]), kept(row), "{hash}");
        assert_eq!(again[hash]["metadata"]["source"], "import");
        assert_eq!(
            again[hash]["metadata"]["source_id"],
            row["id"].to_string(),
            "the exported id is the source id"
        );
    }
    // The media bytes themselves, served by the new instance.
    for line in answer["lines"].as_array().unwrap() {
        let id = line["id"].as_i64().unwrap();
        let row = second.row(&bea, id);
        if row["modality"] != "text" {
            let path = format!("/api/training-data/{id}/media");
            let served = second.call("GET", &path, Some(&bea), Body::None).body;
            let expected: &[u8] = if row["modality"] == "voice" {
                &wav
            } else {
                &png
            };
            assert_eq!(served, expected, "{path}");
        }
    }
    // Imported rows are in the log like any: the Go auditor checks the whole log, and
    // each row has its verify page.
    let audit = std::process::Command::new(e2e::tlog_audit::binary())
        .args(["-log", &second.base, "-vkey"])
        .arg(
            tlog::checkpoint::LogKey::parse(KEY, ORIGIN)
                .unwrap()
                .verifier_key(),
        )
        .output()
        .unwrap();
    assert!(
        audit.status.success(),
        "{}{}",
        String::from_utf8_lossy(&audit.stdout),
        String::from_utf8_lossy(&audit.stderr)
    );
    for line in answer["lines"].as_array().unwrap() {
        let row = second.row(&bea, line["id"].as_i64().unwrap());
        let page = e2e::call(row["verify_url"].as_str().unwrap(), "GET", None, Body::None);
        assert_eq!(page.status, 200);
    }
    // Running it again (as after an interruption) creates nothing.
    let rerun = import(&second, &bea, "application/x-tar", hf);
    assert_eq!(
        (&rerun["import"]["created"], &rerun["import"]["duplicates"]),
        (&json!(0), &json!(5))
    );

    // The jsonl export: its text rows come back; its media rows carry no media and
    // say where to get them.
    let third = app();
    let cy = third.new_user(ADMIN, "Cy");
    let answer = import(&third, &cy, "application/x-ndjson", jsonl);
    assert_eq!(
        (&answer["import"]["created"], &answer["import"]["rejected"]),
        (&json!(3), &json!(2)),
        "{answer}"
    );
    for line in answer["lines"].as_array().unwrap() {
        if line["outcome"] == "rejected" {
            assert_eq!(line["status"], 422);
            assert!(
                line["detail"]
                    .as_str()
                    .unwrap()
                    .contains("import the hf export"),
                "{line}"
            );
        }
    }
    let texts = exported_rows(&third, &cy);
    for (hash, row) in texts {
        assert_eq!(kept(&row), kept(&original[&hash]));
    }
}

fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (name, bytes) in files {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn tar_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, bytes) in files {
        let mut header = tar::Header::new_gnu();
        // Written by hand: `set_path` refuses the `..` an attacker's archive holds.
        header.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        header.set_cksum();
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(bytes);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.resize(out.len() + 1024, 0);
    out
}

#[test]
fn a_zip_with_a_manifest_and_a_tar_with_sidecars_import_their_files() {
    let host = app();
    let ada = host.new_user(ADMIN, "Ada");
    let media = tempfile::tempdir().unwrap();
    let wav = speech(media.path(), "memo.wav", "Lunch is at noon.");
    let call_wav = speech(media.path(), "call.wav", "Lunch is at noon, again.");
    let png = rendered(media.path(), "note.png", (400, 100), &["Ticket 5"], &[]);
    let gif: &[u8] = b"GIF89a, not a WAV";

    // A zip whose manifest names its files.
    let manifest = [
        json!({ "path": "audio/memo.wav", "modality": "voice", "text": "Lunch is at noon.", "metadata": { "room": 4 } }),
        json!({ "path": "shots/note.png", "modality": "screenshot", "source_id": "note-1" }),
        json!({ "path": "audio/fake.wav", "modality": "voice" }),
        json!({ "path": "audio/missing.wav", "modality": "voice" }),
        json!({ "modality": "text", "text": "a line without a file" }),
    ];
    let manifest: String = manifest.iter().map(|l| format!("{l}\n")).collect();
    let zip = zip_of(&[
        ("manifest.jsonl", manifest.as_bytes()),
        ("audio/memo.wav", &wav),
        ("shots/note.png", &png),
        ("audio/fake.wav", gif),
        ("extra.png", &png),
        ("../escape.wav", &wav),
        ("__MACOSX/._memo.wav", b"resource fork"),
    ]);
    let answer = import(&host, &ada, "application/zip", zip);
    assert_eq!(
        outcomes(&answer),
        [
            ("audio/memo.wav".into(), "created".into(), None),
            ("note-1".into(), "created".into(), None),
            ("audio/fake.wav".into(), "rejected".into(), Some(415)),
            ("audio/missing.wav".into(), "rejected".into(), Some(422)),
            ("".into(), "created".into(), None),
            ("../escape.wav".into(), "rejected".into(), Some(422)),
            ("extra.png".into(), "rejected".into(), Some(422)),
        ],
        "{answer}"
    );
    let voice = host.row(&ada, answer["lines"][0]["id"].as_i64().unwrap());
    assert_eq!(
        (
            &voice["status"],
            &voice["extracted_text"],
            &voice["text_source"]
        ),
        (
            &json!("complete"),
            &json!("Lunch is at noon."),
            &json!("machine")
        ),
        "a known text needs no extraction"
    );
    assert_eq!(voice["metadata"]["room"], 4);
    let shot = host.row(&ada, answer["lines"][1]["id"].as_i64().unwrap());
    assert_eq!(shot["status"], "pending", "no known text: OCR is queued");

    // A tar of a folder: sidecar texts, a text file, and what cannot be taken.
    let tar = tar_of(&[
        ("memos/call.wav", &call_wav),
        ("memos/call.txt", b"Lunch is at noon, again."),
        ("notes/hello.txt", b"hello from a text file"),
        ("notes/latin1.txt", b"caf\xe9"),
        ("shots/note.png", &png),
        ("misc/data.bin", b"\x00\x01\x02"),
        ("../../etc/passwd", b"root"),
    ]);
    let answer = import(&host, &ada, "application/x-tar", tar);
    let mut got = outcomes(&answer);
    got.sort();
    assert_eq!(
        got,
        [
            ("../../etc/passwd".into(), "rejected".into(), Some(422)),
            ("memos/call.wav".into(), "created".into(), None),
            ("misc/data.bin".into(), "rejected".into(), Some(415)),
            ("notes/hello.txt".into(), "created".into(), None),
            ("notes/latin1.txt".into(), "rejected".into(), Some(422)),
            // The same PNG as the zip's: the same owner's content is a duplicate.
            ("shots/note.png".into(), "duplicate".into(), None),
        ],
        "{answer}"
    );
    let call = answer["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["source_id"] == "memos/call.wav")
        .unwrap();
    let row = host.row(&ada, call["id"].as_i64().unwrap());
    assert_eq!(row["extracted_text"], "Lunch is at noon, again.");

    // Not an archive at all, or too many files: refused before anything is written.
    let not_zip = host.call(
        "POST",
        "/api/import",
        Some(&ada),
        Body::Raw("application/zip", b"PK but not really".to_vec()),
    );
    assert_eq!(not_zip.status, 400);
    let names: Vec<String> = (0..10_001).map(|i| format!("t/{i}.txt")).collect();
    let files: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
    let many = host.call(
        "POST",
        "/api/import",
        Some(&ada),
        Body::Raw("application/zip", zip_of(&files)),
    );
    assert_eq!(many.status, 413, "{}", String::from_utf8_lossy(&many.body));
}
