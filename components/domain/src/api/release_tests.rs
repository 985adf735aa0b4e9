//! Releases over an in-memory database: cut and published in one request, the same
//! bytes downloaded again after later corrections, a row erased and withdrawn, and
//! every bad input refused without a release or a leaf left behind.

use super::tests::{call, ctx, new_user, request, tar_files, ADMIN};
use super::*;
use crate::db::Db as _;
use crate::routes::{EXPORT, LISTING, UNIFIED_INPUT};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// Answers one request from the `export` component's table: status and the whole
/// body, streamed or not.
fn fetch(
    c: &Context,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Vec<u8>) {
    let req = request(method, uri, token, body);
    let reply = crate::router::resolve(EXPORT, req.method(), req.uri().path())
        .and_then(|(handler, params)| c.run(&req, || handler(c, &req, &params)));
    match reply {
        Ok(Reply::Full(resp)) => (resp.status().as_u16(), resp.into_body()),
        Ok(Reply::Stream(mut stream)) => {
            let status = stream.head().status().as_u16();
            let body = std::iter::from_fn(|| stream.next_chunk(c).unwrap())
                .flatten()
                .collect();
            (status, body)
        }
        Err(e) => {
            let resp = e.into_response();
            (resp.status().as_u16(), resp.into_body())
        }
    }
}

fn json_of(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap_or(Value::Null)
}

fn contribute(c: &Context, token: &str, text: &str) -> i64 {
    let (status, row) = call(
        UNIFIED_INPUT,
        c,
        "POST",
        "/api/unified-input",
        Some(token),
        Some(json!({ "modality": "text", "text": text })),
    );
    assert_eq!(status, 201, "{row}");
    row["id"].as_i64().unwrap()
}

fn cut(c: &Context, body: Value) -> (u16, Value) {
    let (status, bytes) = fetch(c, "POST", "/api/releases", Some(ADMIN), Some(body));
    (status, json_of(&bytes))
}

fn download(c: &Context, n: i64, format: &str) -> Vec<u8> {
    let (status, bytes) = fetch(
        c,
        "GET",
        &format!("/api/releases/{n}/download?format={format}"),
        Some(ADMIN),
        None,
    );
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    bytes
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn log_size(db: &dyn crate::db::Db) -> u64 {
    crate::store::merkle::size(db).unwrap()
}

#[test]
fn a_release_downloads_the_same_bytes_until_a_row_is_erased_and_then_withdraws_it() {
    let db = crate::native_sqlite::SqliteDb::migrated();
    let c = ctx(&db);
    let (_, ada) = new_user(&c, "Ada");
    let first = contribute(&c, &ada, "the first memo, written down");
    let second = contribute(&c, &ada, "write to ada.l@example.org about it");
    let third = contribute(&c, &ada, "the third memo");

    let (status, v1) = cut(
        &c,
        json!({ "notes": "the first cut", "formats": ["jsonl", "csv", "hf"] }),
    );
    assert_eq!(status, 201, "{v1}");
    assert_eq!(
        (
            &v1["number"],
            &v1["name"],
            &v1["state"],
            &v1["rows"],
            &v1["rows_hashed"]
        ),
        (
            &json!(1),
            &json!("v1"),
            &json!("published"),
            &json!(3),
            &json!(3)
        )
    );
    assert_eq!(v1["checkpoint"]["size"], 3);
    assert_eq!(
        v1["leaf_index"], 3,
        "the release leaf follows the rows' leaves"
    );

    // The statement is a note signed under the log's key, naming the manifest.
    let key = crate::signing::log_key(&db, &c.settings).unwrap();
    let statement = v1["statement"].as_str().unwrap();
    let body = tlog::checkpoint::verify_note(statement, &key.verifier_key()).unwrap();
    let manifest_sha = v1["manifest_sha256"].as_str().unwrap();
    assert!(body.contains("\nrelease 1 v1\n"), "{body}");
    assert!(
        body.ends_with(&format!("rows 3\nmanifest {manifest_sha}\n")),
        "{body}"
    );
    // The manifest hashes to it, one line per row; its leaf is in the log, and the
    // newest checkpoint holds it.
    let (status, manifest) = fetch(&c, "GET", "/api/releases/1/manifest", Some(ADMIN), None);
    assert_eq!(status, 200);
    assert_eq!(sha(&manifest), manifest_sha);
    assert_eq!(String::from_utf8_lossy(&manifest).lines().count(), 3);
    let leaf = crate::store::merkle::leaf(&db, 3).unwrap().unwrap();
    assert_eq!(
        String::from_utf8(leaf.data).unwrap(),
        format!(
            "tds-release/v1\n3\nrelease 1\nmanifest {manifest_sha}\n{}\n",
            v1["published_at"].as_str().unwrap()
        )
    );
    assert_eq!(
        crate::store::merkle::latest_checkpoint(&db)
            .unwrap()
            .unwrap()
            .size,
        4
    );

    // The owner's list names, on each row, the release and the row's manifest line.
    let (status, page) = call(LISTING, &c, "GET", "/api/training-data", Some(&ada), None);
    assert_eq!(status, 200);
    let lines: Vec<String> = String::from_utf8_lossy(&manifest)
        .lines()
        .map(String::from)
        .collect();
    for item in page["items"].as_array().unwrap() {
        let held = &item["releases"][0];
        assert_eq!(
            (&held["release"], &held["name"]),
            (&json!(1), &json!("v1")),
            "{item}"
        );
        assert_eq!(held["manifest_sha256"], manifest_sha);
        let line = format!(
            "{} {} {}",
            held["leaf_index"],
            item["commitment"].as_str().unwrap(),
            held["row_sha256"].as_str().unwrap()
        );
        assert!(
            lines.iter().any(|l| l.starts_with(&line)),
            "{line} in the manifest"
        );
    }

    // Downloads are the files as built, and personal data stays masked.
    let jsonl = download(&c, 1, "jsonl");
    assert_eq!(
        sha(&jsonl),
        v1["files"]["jsonl"]["sha256"].as_str().unwrap()
    );
    assert_eq!(
        jsonl.len() as u64,
        v1["files"]["jsonl"]["bytes"].as_u64().unwrap()
    );
    let text = String::from_utf8(jsonl.clone()).unwrap();
    assert!(
        text.contains("[EMAIL]") && !text.contains("ada.l@example.org"),
        "{text}"
    );
    // Each manifest line names the sha of that row's jsonl line.
    for (line, row) in String::from_utf8_lossy(&manifest).lines().zip(text.lines()) {
        assert_eq!(line.split(' ').nth(2).unwrap(), sha(row.as_bytes()));
    }
    let hf = download(&c, 1, "hf");
    assert_eq!(sha(&hf), v1["files"]["hf"]["sha256"].as_str().unwrap());
    let card = tar_files(&hf)
        .into_iter()
        .find(|(p, _)| p == "README.md")
        .unwrap()
        .1;
    assert!(
        String::from_utf8_lossy(&card).contains(manifest_sha),
        "the card names the manifest"
    );

    // A correction and a dismissed finding later change the rows, not the release.
    let (status, _) = call(
        LISTING,
        &c,
        "PATCH",
        &format!("/api/training-data/{first}"),
        Some(&ada),
        Some(json!({ "text": "the first memo, corrected" })),
    );
    assert_eq!(status, 200);
    db.execute("UPDATE pii_findings SET decision = 'dismissed'", &[])
        .unwrap();
    assert_eq!(download(&c, 1, "jsonl"), jsonl);
    assert_eq!(download(&c, 1, "hf"), hf);

    // Erasing a row withdraws it: later downloads leave exactly its line out, and the
    // signed deletions list names its leaf and commitment.
    let (status, _) = call(
        LISTING,
        &c,
        "DELETE",
        &format!("/api/training-data/{second}"),
        Some(&ada),
        None,
    );
    assert_eq!(status, 204);
    let without: String = text
        .lines()
        .filter(|l| json_of(l.as_bytes())["id"] != second)
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        String::from_utf8(download(&c, 1, "jsonl")).unwrap(),
        without
    );
    let withdrawn_line = String::from_utf8_lossy(&manifest)
        .lines()
        .nth(1)
        .unwrap()
        .to_string();
    let (status, note) = fetch(&c, "GET", "/releases/deletions", None, None);
    assert_eq!(status, 200);
    let note = String::from_utf8(note).unwrap();
    let listed = tlog::checkpoint::verify_note(&note, &key.verifier_key()).unwrap();
    let mut parts = withdrawn_line.split(' ');
    let (leaf, commitment) = (parts.next().unwrap(), parts.next().unwrap());
    assert!(
        listed.contains(&format!("\n1\n1 {leaf} {commitment} ")),
        "{listed}"
    );
    let (_, again) = fetch(&c, "GET", "/api/releases/1", None, None);
    assert_eq!(json_of(&again)["withdrawn"], 1);
    // The manifest itself never changes.
    assert_eq!(
        fetch(&c, "GET", "/api/releases/1/manifest", Some(ADMIN), None).1,
        manifest
    );

    // The next release holds the corrected text and not the erased row.
    let (status, v2) = cut(&c, json!({ "formats": ["txt"] }));
    assert_eq!(
        (status, &v2["name"], &v2["rows"]),
        (201, &json!("v2"), &json!(2)),
        "{v2}"
    );
    assert_eq!(
        String::from_utf8(download(&c, 2, "txt")).unwrap(),
        "the first memo, corrected\nthe third memo\n"
    );
    let _ = third;
}

#[test]
fn bad_cuts_leave_no_release_and_no_leaf() {
    let db = crate::native_sqlite::SqliteDb::migrated();
    let c = ctx(&db);
    let (_, ada) = new_user(&c, "Ada");
    let (status, body) = cut(&c, json!({}));
    assert_eq!(status, 422, "an empty log has nothing to release: {body}");
    contribute(&c, &ada, "a memo");
    let size = log_size(&db);
    for (body, status) in [
        (json!({ "filters": { "modality": "voice" } }), 422),
        (json!({ "filters": { "user": "1" } }), 422),
        (json!({ "pii": "keep" }), 422),
        (json!({ "formats": [] }), 422),
        (json!({ "formats": ["jsonl", "jsonl"] }), 422),
        (json!({ "formats": ["xml"] }), 422),
        (json!({ "name": "has space" }), 422),
        (json!({ "license": "not a licence" }), 422),
        (json!({ "surprise": 1 }), 422),
    ] {
        assert_eq!(cut(&c, body.clone()).0, status, "{body}");
    }
    let (status, _) = fetch(&c, "POST", "/api/releases", Some(&ada), Some(json!({})));
    assert_eq!(status, 403);
    assert_eq!(log_size(&db), size, "no leaf");
    assert_eq!(
        json_of(&fetch(&c, "GET", "/api/releases", None, None).1)["releases"],
        json!([])
    );

    assert_eq!(cut(&c, json!({ "name": "first" })).0, 201);
    let (status, body) = cut(&c, json!({ "name": "first" }));
    assert_eq!(status, 422, "the name is taken: {body}");
    // The default name v<n> may be taken too: the answer names it.
    assert_eq!(cut(&c, json!({ "name": "v3" })).0, 201);
    let (status, body) = cut(&c, json!({}));
    assert_eq!(status, 422, "{body}");
    assert!(
        body["detail"].as_str().unwrap().contains("\"v3\""),
        "{body}"
    );
    for (uri, token, status) in [
        ("/api/releases/9", None, 404),
        ("/api/releases/9/download?format=jsonl", Some(ADMIN), 404),
        ("/api/releases/1/download?format=csv", Some(ADMIN), 422),
        ("/api/releases/1/download", Some(ADMIN), 422),
        (
            "/api/releases/1/download?format=jsonl",
            Some(ada.as_str()),
            403,
        ),
        ("/api/releases/1/manifest", None, 401),
    ] {
        assert_eq!(fetch(&c, "GET", uri, token, None).0, status, "{uri}");
    }
    assert_eq!(
        json_of(&fetch(&c, "GET", "/api/releases", None, None).1)["releases"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn a_chat_file_leaves_out_empty_texts_and_counts_only_what_it_holds() {
    let db = crate::native_sqlite::SqliteDb::migrated();
    let c = ctx(&db);
    let (_, ada) = new_user(&c, "Ada");
    contribute(&c, &ada, "something was said");
    let silent = contribute(&c, &ada, "to be emptied");
    // A silent memo's transcript: a row whose text is empty.
    db.execute(
        "UPDATE text_versions SET text = '' WHERE contribution_id = ?",
        &[silent.into()],
    )
    .unwrap();
    let (status, v1) = cut(&c, json!({ "formats": ["chat", "jsonl"] }));
    assert_eq!((status, &v1["rows"]), (201, &json!(2)), "{v1}");
    let req = request(
        "GET",
        "/api/releases/1/download?format=chat",
        Some(ADMIN),
        None,
    );
    let Ok(Reply::Stream(mut stream)) =
        crate::router::resolve(EXPORT, req.method(), req.uri().path())
            .and_then(|(handler, params)| c.run(&req, || handler(&c, &req, &params)))
    else {
        panic!("a download streams");
    };
    assert_eq!(stream.head().headers()["x-row-count"], "1");
    let chat: Vec<u8> = std::iter::from_fn(|| stream.next_chunk(&c).unwrap())
        .flatten()
        .collect();
    let chat = String::from_utf8(chat).unwrap();
    assert_eq!(chat.lines().count(), 1, "{chat}");
    assert!(chat.contains("something was said"), "{chat}");
    assert_eq!(
        String::from_utf8(download(&c, 1, "jsonl"))
            .unwrap()
            .lines()
            .count(),
        2
    );
}
