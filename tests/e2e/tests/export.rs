//! End-to-end: exports for fine-tuning and the contributor's data rights (opt-out,
//! delete, delete account, personal-data export) through the real components.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use e2e::{Body, Resp, TestHost};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::io::Read;

const ADMIN: &str = "export-admin";
/// Texts that break naive CSV/JSON writers.
const TRICKY: [&str; 5] = [
    "comma, separated",
    "quote \"inside\" here",
    "two\nlines\r\nand CRLF",
    "emoji 🎉🧪 ok",
    "עברית מימין לשמאל",
];

fn app() -> TestHost {
    TestHost::app(&[("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN)]).unwrap()
}

fn user(host: &TestHost, name: &str) -> String {
    host.new_user(ADMIN, name)
}

fn contribute(host: &TestHost, token: &str, body: Value) -> Value {
    host.contribute(token, body)
}

fn export(host: &TestHost, token: &str, query: &str) -> Resp {
    let r = host.call(
        "GET",
        &format!("/api/training-data/export?{query}"),
        Some(token),
        Body::None,
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r
}

fn sql(host: &TestHost, statement: &str) {
    rusqlite::Connection::open(host.database_path())
        .unwrap()
        .execute_batch(statement)
        .unwrap();
}

fn jsonl(r: &Resp) -> Vec<Value> {
    String::from_utf8(r.body.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn png(seed: u8) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, 4, 4);
    enc.set_color(png::ColorType::Grayscale);
    enc.write_header()
        .unwrap()
        .write_image_data(&[seed; 16])
        .unwrap();
    out
}

#[test]
fn every_format_round_trips_with_standard_parsers() {
    let host = app();
    let token = user(&host, "Ada");
    for t in TRICKY {
        contribute(
            &host,
            &token,
            json!({ "modality": "text", "text": t, "metadata": { "source": "test" } }),
        );
    }
    let shot = png(9);
    let media = contribute(
        &host,
        &token,
        json!({ "modality": "screenshot", "data": B64.encode(&shot) }),
    );
    // Stand in for the worker: the screenshot's text was extracted.
    sql(&host, &format!("UPDATE training_contributions SET status = 'complete', extracted_text = 'OCR text', extraction_engine = 'tesseract' WHERE id = {}", media["id"]));

    let r = export(&host, &token, "format=jsonl");
    assert_eq!(r.header("x-row-count"), Some("6"));
    assert!(r.header("content-disposition").unwrap().contains(&format!(
        "training-data-{}.jsonl",
        &media["created_at"].as_str().unwrap()[..10]
    )));
    let rows = jsonl(&r);
    let texts: Vec<&str> = rows.iter().map(|r| r["text"].as_str().unwrap()).collect();
    assert_eq!(&texts[..5], &TRICKY);
    assert_eq!(texts[5], "OCR text");
    assert!(
        rows[0]["user"].as_str().unwrap().starts_with("u_"),
        "pseudonymous user"
    );
    assert!(!r.body.windows(3).any(|w| w == b"Ada"));
    assert_eq!(rows[5]["extraction"]["engine"], "tesseract");

    let r = export(&host, &token, "format=csv");
    let mut reader = csv::Reader::from_reader(r.body.as_slice());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(headers.get(2), Some("text"));
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 6);
    for (record, t) in records.iter().zip(TRICKY) {
        assert_eq!(record.get(2), Some(t));
        assert_eq!(record.get(column("text_source")), Some("contributor"));
        assert_eq!(
            serde_json::from_str::<Value>(record.get(column("metadata")).unwrap()).unwrap()
                ["source"],
            "test"
        );
    }

    let r = export(&host, &token, "format=txt");
    let lines: Vec<String> = String::from_utf8(r.body)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(lines.len(), 6, "one line per row");
    assert_eq!(lines[2], "two\\nlines\\r\\nand CRLF");

    let r = export(
        &host,
        &token,
        "format=chat&system=Be%20terse.&prompt=What%20does%20this%20{modality}%20say%3F",
    );
    let chats = jsonl(&r);
    assert_eq!(
        chats[1]["messages"],
        json!([
            { "role": "system", "content": "Be terse." },
            { "role": "user", "content": "What does this text say?" },
            { "role": "assistant", "content": TRICKY[1] },
        ])
    );
    assert_eq!(
        chats[5]["messages"][1]["content"],
        "What does this screenshot say?"
    );
    let default_chat = jsonl(&export(&host, &token, "format=chat&system="));
    assert_eq!(
        default_chat[5]["messages"][0],
        json!({ "role": "user", "content": "Read the text in this screenshot." })
    );

    let r = export(&host, &token, "format=hf&license=cc-by-4.0");
    assert_eq!(r.content_type, "application/x-tar");
    let mut archive = tar::Archive::new(r.body.as_slice());
    let mut files = std::collections::BTreeMap::new();
    let mut order = Vec::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let path = entry.path().unwrap().display().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        order.push(path.clone());
        files.insert(path, bytes);
    }
    // One page of rows: a shard of `all` and one per modality present, then the card
    // (hf_datasets.rs loads them with the real `datasets` library).
    assert_eq!(
        order,
        [
            "all/train-00000.parquet",
            "screenshot/train-00000.parquet",
            "text/train-00000.parquet",
            "README.md"
        ]
    );
    for (name, bytes) in &files {
        if name.ends_with(".parquet") {
            assert!(
                bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"),
                "{name}"
            );
        }
    }
    let card = String::from_utf8(files["README.md"].clone()).unwrap();
    assert!(card.starts_with("---\nlicense: cc-by-4.0\nlanguage:\n- en\ntask_categories:\n"));
    assert!(
        card.contains("- image-to-text")
            && card.contains("- text-generation")
            && card.contains("- n<1K")
    );
    assert!(card.contains("## Personal and sensitive information"));
    assert!(
        card.contains("- config_name: all\n  default: true\n"),
        "{card}"
    );
    assert!(card.contains("    path: screenshot/*.parquet\n"), "{card}");
    assert!(card.contains("- name: image\n    dtype: image\n"), "{card}");
    assert!(card.contains("    num_examples: 6\n"), "{card}");
    let shard = &files["screenshot/train-00000.parquet"];
    assert!(
        shard.windows(shot.len()).any(|w| w == shot.as_slice()),
        "the screenshot's bytes themselves, uncompressed in its shard"
    );
}

#[test]
fn only_complete_opted_in_own_rows_are_exported() {
    let host = app();
    let ada = user(&host, "Ada");
    let bob = user(&host, "Bob");
    let keep = contribute(
        &host,
        &ada,
        json!({ "modality": "text", "text": "keep me" }),
    );
    let opt = contribute(
        &host,
        &ada,
        json!({ "modality": "text", "text": "opt me out" }),
    );
    let gone = contribute(
        &host,
        &ada,
        json!({ "modality": "text", "text": "delete me" }),
    );
    contribute(
        &host,
        &ada,
        json!({ "modality": "voice", "data": B64.encode(b"RIFF\x24\0\0\0WAVEfmt pending voice") }),
    );
    contribute(&host, &bob, json!({ "modality": "text", "text": "bob's" }));
    let texts = |token: &str, q: &str| -> Vec<String> {
        jsonl(&export(&host, token, q))
            .iter()
            .map(|r| r["text"].as_str().unwrap().to_string())
            .collect()
    };

    let r = host.call(
        "PATCH",
        &format!("/api/training-data/{}", opt["id"]),
        Some(&ada),
        Body::Json(json!({ "included_in_training": false })),
    );
    assert_eq!(
        (r.status, r.json()["included_in_training"].clone()),
        (200, json!(false))
    );
    assert_eq!(
        host.call(
            "DELETE",
            &format!("/api/training-data/{}", gone["id"]),
            Some(&ada),
            Body::None
        )
        .status,
        204
    );
    assert_eq!(texts(&ada, "format=jsonl"), ["keep me"]);
    assert_eq!(
        texts(&bob, "format=jsonl"),
        ["bob's"],
        "another user's rows never appear"
    );
    assert_eq!(texts(ADMIN, "format=jsonl"), ["keep me", "bob's"]);
    assert_eq!(texts(ADMIN, "format=jsonl&q=keep"), ["keep me"]);
    assert_eq!(
        texts(ADMIN, "format=jsonl&modality=voice").len(),
        0,
        "pending rows are not exported"
    );
    host.call(
        "PATCH",
        &format!("/api/training-data/{}", opt["id"]),
        Some(ADMIN),
        Body::Json(json!({ "included_in_training": true })),
    );
    assert_eq!(texts(&ada, "format=jsonl"), ["keep me", "opt me out"]);
    let _ = keep;

    let status = |token: &str, q: &str| {
        host.call(
            "GET",
            &format!("/api/training-data/export?{q}"),
            Some(token),
            Body::None,
        )
        .status
    };
    assert_eq!(status(&ada, "format=xml"), 422);
    assert_eq!(status(&ada, "format=jsonl&limit=5"), 422);
    assert_eq!(status(&ada, "format=jsonl&user_id=2"), 403);
    assert_eq!(status("nobody", "format=jsonl"), 401);
    let id = opt["id"].clone();
    let patch = |token: &str, body: Body| {
        host.call(
            "PATCH",
            &format!("/api/training-data/{id}"),
            Some(token),
            body,
        )
        .status
    };
    assert_eq!(patch(&ada, Body::Json(json!({}))), 422);
    assert_eq!(
        patch(&ada, Body::Json(json!({ "included_in_training": "no" }))),
        422
    );
    assert_eq!(
        patch(&ada, Body::Raw("application/json", b"{".to_vec())),
        400
    );
    assert_eq!(patch(&ada, Body::Raw("text/plain", b"x".to_vec())), 415);
    assert_eq!(
        patch(&bob, Body::Json(json!({ "included_in_training": false }))),
        404
    );
}

#[test]
fn each_export_is_logged_with_the_file_hash() {
    let host = app();
    let ada = user(&host, "Ada");
    contribute(&host, &ada, json!({ "modality": "text", "text": "logged" }));
    let r = export(&host, &ada, "format=csv");
    let expected = hex::encode(Sha256::digest(&r.body));
    let data: String = rusqlite::Connection::open(host.database_path())
        .unwrap()
        .query_row(
            "SELECT action_data FROM activity_log WHERE log_type = 'export'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let data: Value = serde_json::from_str(&data).unwrap();
    assert_eq!(
        (data["rows"].as_i64(), data["sha256"].as_str()),
        (Some(1), Some(expected.as_str()))
    );
    assert_eq!(data["export"]["format"], "csv");
}

/// Every text and blob value in every table of the database file.
fn every_stored_value(host: &TestHost) -> Vec<Vec<u8>> {
    let conn = rusqlite::Connection::open(host.database_path()).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut out = Vec::new();
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..n {
                match row.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                        out.push(t.to_vec())
                    }
                    _ => {}
                }
            }
        }
    }
    out
}

fn contains(haystack: &[Vec<u8>], needle: &[u8]) -> bool {
    haystack
        .iter()
        .any(|v| v.windows(needle.len()).any(|w| w == needle))
}

#[test]
fn delete_erases_content_and_keeps_proofs_verifiable() {
    let key = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
    let host = TestHost::app(&[
        ("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN),
        ("SPIN_VARIABLE_LOG_SIGNING_KEY", key),
    ])
    .unwrap();
    let ada = user(&host, "Ada");
    let bob = user(&host, "Bob");
    let secret = "my secret diary entry";
    let text_row = contribute(&host, &ada, json!({ "modality": "text", "text": secret }));
    let image = png(42);
    let media_row = contribute(
        &host,
        &ada,
        json!({ "modality": "drawing", "data": B64.encode(&image), "strokes": [[[1, 2], [3, 4]]] }),
    );
    let shared = contribute(
        &host,
        &bob,
        json!({ "modality": "drawing", "data": B64.encode(&image) }),
    );
    let other = contribute(&host, &ada, json!({ "modality": "text", "text": "stays" }));
    let before = host
        .call("GET", "/api/proofs/checkpoint", Some(&ada), Body::None)
        .json();

    for row in [&text_row, &media_row] {
        assert_eq!(
            host.call(
                "DELETE",
                &format!("/api/training-data/{}", row["id"]),
                Some(&bob),
                Body::None
            )
            .status,
            404
        );
        assert_eq!(
            host.call(
                "DELETE",
                &format!("/api/training-data/{}", row["id"]),
                Some(&ada),
                Body::None
            )
            .status,
            204
        );
        assert_eq!(
            host.call(
                "DELETE",
                &format!("/api/training-data/{}", row["id"]),
                Some(&ada),
                Body::None
            )
            .status,
            404
        );
        assert_eq!(
            host.call(
                "GET",
                &format!("/api/training-data/{}", row["id"]),
                Some(ADMIN),
                Body::None
            )
            .status,
            404
        );
    }
    let values = every_stored_value(&host);
    assert!(
        !contains(&values, secret.as_bytes()),
        "the text is gone from every table"
    );
    for field in ["content_hash", "commitment_salt"] {
        let v = text_row[field].as_str().unwrap();
        assert!(!contains(&values, v.as_bytes()), "{field} is gone");
        assert!(
            !contains(&values, &hex::decode(v).unwrap()),
            "{field} bytes are gone"
        );
    }
    assert!(!contains(
        &values,
        text_row["proof"]["bip39_hash"].as_str().unwrap().as_bytes()
    ));
    assert!(
        contains(&values, &image),
        "Bob's row still holds the same bytes"
    );
    let jobs: String = rusqlite::Connection::open(host.database_path())
        .unwrap()
        .query_row(
            &format!(
                "SELECT state FROM jobs WHERE contribution_id = {}",
                media_row["id"]
            ),
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(jobs, "cancelled");
    assert_eq!(
        host.call(
            "DELETE",
            &format!("/api/training-data/{}", shared["id"]),
            Some(&bob),
            Body::None
        )
        .status,
        204
    );
    assert!(
        !contains(&every_stored_value(&host), &image),
        "the last reference gone, the blob goes"
    );

    // The log is untouched: the same checkpoint, and the other rows still prove inclusion.
    let after = host
        .call("GET", "/api/proofs/checkpoint", Some(&ada), Body::None)
        .json();
    assert_eq!(after["root_hash"], before["root_hash"]);
    let inc = host
        .call(
            "GET",
            &format!("/api/proofs/{}/inclusion", other["id"]),
            Some(&ada),
            Body::None,
        )
        .json();
    let b = |v: &Value| B64.decode(v.as_str().unwrap()).unwrap();
    let proof: Vec<Vec<u8>> = inc["proof"].as_array().unwrap().iter().map(b).collect();
    tlog::merkle::verify_inclusion(3, 4, &b(&inc["leaf_hash"]), &proof, &b(&after["root_hash"]))
        .unwrap();
    let verify = host.call(
        "GET",
        text_row["verify_url"]
            .as_str()
            .unwrap()
            .trim_start_matches(&host.base),
        None,
        Body::None,
    );
    assert_eq!(verify.status, 404, "the deleted row's verify link is dead");
}

#[test]
fn owners_need_permission_to_delete() {
    let host = app();
    let ada = user(&host, "Ada");
    let row = contribute(&host, &ada, json!({ "modality": "text", "text": "locked" }));
    sql(
        &host,
        &format!(
            "UPDATE training_contributions SET user_can_delete = 0 WHERE id = {}",
            row["id"]
        ),
    );
    assert_eq!(
        host.call(
            "DELETE",
            &format!("/api/training-data/{}", row["id"]),
            Some(&ada),
            Body::None
        )
        .status,
        403
    );
    assert_eq!(
        host.call(
            "DELETE",
            &format!("/api/training-data/{}", row["id"]),
            Some(ADMIN),
            Body::None
        )
        .status,
        204
    );
}

#[test]
fn deleting_the_account_erases_everything_and_revokes_the_token() {
    let host = app();
    let ada = user(&host, "Ada");
    for i in 0..3 {
        contribute(
            &host,
            &ada,
            json!({ "modality": "text", "text": format!("ada private {i}") }),
        );
    }
    assert_eq!(
        host.call("GET", "/api/me", Some(&ada), Body::None).json()["contributions"],
        3
    );
    let r = host.call("DELETE", "/api/me", Some(&ada), Body::None);
    assert_eq!(
        (r.status, r.json()["erased_contributions"].clone()),
        (200, json!(3))
    );
    assert_eq!(
        host.call("GET", "/api/training-data", Some(&ada), Body::None)
            .status,
        401
    );
    assert!(!contains(&every_stored_value(&host), b"ada private"));
    assert_eq!(
        host.call("DELETE", "/api/me", Some(ADMIN), Body::None)
            .status,
        403
    );
}

#[test]
fn personal_data_export_is_a_zip_of_everything_owned() {
    let host = app();
    let ada = user(&host, "Ada");
    let bob = user(&host, "Bob");
    let text_row = contribute(&host, &ada, json!({ "modality": "text", "text": "mine" }));
    let image = png(3);
    let img_row = contribute(
        &host,
        &ada,
        json!({ "modality": "screenshot", "data": B64.encode(&image) }),
    );
    let hidden = contribute(
        &host,
        &ada,
        json!({ "modality": "text", "text": "not exportable" }),
    );
    contribute(
        &host,
        &bob,
        json!({ "modality": "text", "text": "bob only" }),
    );
    sql(
        &host,
        &format!(
            "UPDATE training_contributions SET user_can_export = 0 WHERE id = {}",
            hidden["id"]
        ),
    );
    let r = host.call("GET", "/api/me/export", Some(&ada), Body::None);
    assert_eq!(
        (r.status, r.content_type.as_str()),
        (200, "application/zip")
    );
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(r.body)).unwrap();
    let mut read = |name: &str| {
        let mut out = Vec::new();
        zip.by_name(name).unwrap().read_to_end(&mut out).unwrap();
        out
    };
    let rows: Vec<Value> = serde_json::from_slice(&read("contributions.json")).unwrap();
    let ids: Vec<&Value> = rows.iter().map(|r| &r["id"]).collect();
    assert_eq!(ids, [&text_row["id"], &img_row["id"]]);
    assert_eq!(
        rows[0]["commitment_salt"], text_row["commitment_salt"],
        "the owner gets the salt to prove authorship"
    );
    assert_eq!(read(&format!("media/{}.png", img_row["id"])), image);
    let excluded: Vec<Value> = serde_json::from_slice(&read("excluded.json")).unwrap();
    assert_eq!(excluded[0]["id"], hidden["id"]);
    let activity: Vec<Value> = serde_json::from_slice(&read("activity.json")).unwrap();
    assert_eq!(
        activity
            .iter()
            .filter(|a| a["log_type"] == "contribution_created")
            .count(),
        3
    );
    assert_eq!(
        serde_json::from_slice::<Value>(&read("account.json")).unwrap()["name"],
        "Ada"
    );
    assert_eq!(
        host.call("GET", "/api/me/export", Some(ADMIN), Body::None)
            .status,
        403
    );
    assert_eq!(
        host.call("GET", "/api/me/export", None, Body::None).status,
        401
    );
}
