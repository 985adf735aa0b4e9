//! End-to-end regression tests for what a hostile or careless client found: a rejected
//! request writes nothing, the dataset card cannot be injected into, erased content
//! leaves the database file and its WAL, a deleted account leaves nothing public,
//! bodies that are not UTF-8 are refused wherever the bad bytes sit, and a NUL in a
//! search matches nothing.

use e2e::{Backend, Body, TestHost};
use serde_json::json;
use std::io::Read;

const ADMIN: &str = "hard-admin";
const KEY: &str = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";

fn app() -> TestHost {
    TestHost::app(&[
        ("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN),
        ("SPIN_VARIABLE_LOG_SIGNING_KEY", KEY),
    ])
    .unwrap()
}

#[test]
fn a_rejected_inclusion_request_records_nothing() {
    let host = app();
    let token = host.new_user(ADMIN, "Ada");
    let id = host.contribute(&token, json!({ "modality": "text", "text": "one" }))["id"]
        .as_i64()
        .unwrap();
    for size in ["abc", "-1", "0", "999999999", "18446744073709551616", "1.5"] {
        let r = host.call(
            "GET",
            &format!("/api/proofs/{id}/inclusion?size={size}"),
            Some(&token),
            Body::None,
        );
        assert_eq!(r.status, 422, "size={size}");
    }
    assert_eq!(
        host.activity_count(ADMIN, "proof_viewed"),
        0,
        "no proof_viewed for rejected requests"
    );
    let ok = host.call(
        "GET",
        &format!("/api/proofs/{id}/inclusion"),
        Some(&token),
        Body::None,
    );
    assert_eq!(ok.status, 200);
    assert_eq!(host.activity_count(ADMIN, "proof_viewed"), 1);
}

/// The dataset card (README.md) of an `hf` export.
fn card(host: &TestHost, query: &str) -> (u16, String) {
    let r = host.call(
        "GET",
        &format!("/api/training-data/export?format=hf{query}"),
        Some(ADMIN),
        Body::None,
    );
    if r.status != 200 {
        return (r.status, String::new());
    }
    let mut archive = tar::Archive::new(r.body.as_slice());
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        if entry.path().unwrap().ends_with("README.md") {
            let mut text = String::new();
            entry.read_to_string(&mut text).unwrap();
            return (200, text);
        }
    }
    panic!("no README.md in the export");
}

#[test]
fn the_dataset_card_cannot_be_injected_into() {
    let host = app();
    let token = host.new_user(ADMIN, "Ada");
    host.contribute(&token, json!({ "modality": "text", "text": "card me" }));
    for query in [
        "&license=mit%0Ainjected_key%3A%20pwned",
        "&language=en%0Apwned%3A%20true",
        "&license=mit%20or%20not",
        "&language=e",
    ] {
        assert_eq!(card(&host, query).0, 422, "{query}");
    }
    let (status, text) = card(&host, "&license=cc-by-4.0&language=pt-BR");
    assert_eq!(status, 200);
    let header = text.split("---\n").nth(1).unwrap();
    // The top-level keys (nested lines are indented or list items).
    let keys: Vec<&str> = header
        .lines()
        .filter(|l| !l.starts_with("- ") && !l.starts_with(' '))
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "license",
            "language",
            "task_categories",
            "size_categories",
            "pretty_name",
            "configs",
            "dataset_info"
        ]
    );
    assert!(
        header.starts_with("license: cc-by-4.0\nlanguage:\n- pt-BR\n"),
        "{header}"
    );
}

#[test]
fn erased_content_leaves_the_database_file_and_its_wal() {
    // Spin's built-in SQLite: the file is the host's. (libSQL: README, "Your data".)
    let host = TestHost::app_on(Backend::Sqlite, &[("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN)]).unwrap();
    let token = host.new_user(ADMIN, "Ada");
    let secret = "the erased sentence that must not stay in any page";
    let target = host.contribute_among_fillers(&token, secret);
    let id = target["id"].as_i64().unwrap();
    let hash = target["content_hash"].as_str().unwrap().to_string();
    let code = target["verify_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let r = host.call(
        "DELETE",
        &format!("/api/training-data/{id}"),
        Some(&token),
        Body::None,
    );
    assert_eq!(r.status, 204);
    let db = host.database_path();
    let wal = db.with_file_name("sqlite_db.db-wal");
    for (what, needle) in [
        ("text", secret),
        ("content hash", hash.as_str()),
        ("verification code", code.as_str()),
    ] {
        assert!(
            !e2e::file_contains(&db, needle),
            "the database file still holds the {what}"
        );
        assert!(
            !e2e::file_contains(&wal, needle),
            "the WAL still holds the {what}"
        );
    }
}

#[test]
fn a_deleted_account_leaves_nothing_public() {
    let host = app();
    let token = host.new_user(ADMIN, "Grace Hopper");
    host.contribute(
        &token,
        json!({ "modality": "text", "text": "a happy bright day" }),
    );
    let uid = host.call("GET", "/api/me", Some(&token), Body::None).json()["id"]
        .as_i64()
        .unwrap();
    let lore = host.call(
        "POST",
        "/api/lore",
        Some(&token),
        Body::Json(json!({ "color": "#ff2e93" })),
    );
    assert_eq!(lore.status, 201);
    let public = [
        format!("/u/{uid}"),
        format!("/u/{uid}/theme.css"),
        format!("/api/users/{uid}/lore"),
    ];
    for path in &public {
        assert_eq!(
            host.call("GET", path, None, Body::None).status,
            200,
            "{path}"
        );
    }
    assert_eq!(
        host.call("DELETE", "/api/me", Some(&token), Body::None)
            .status,
        200
    );
    for path in &public {
        assert_eq!(
            host.call("GET", path, None, Body::None).status,
            404,
            "{path}"
        );
    }
    let conn = rusqlite::Connection::open(host.database_path()).unwrap();
    let name: String = conn
        .query_row("SELECT name FROM users WHERE id = ?", [uid], |r| r.get(0))
        .unwrap();
    assert_eq!(name, "", "the name is erased");
    let lore_rows: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM user_lore WHERE user_id = ?",
            [uid],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(lore_rows, 0);
}

#[test]
fn a_body_that_is_not_utf8_is_a_400_wherever_the_bytes_sit() {
    let host = app();
    let token = host.new_user(ADMIN, "Ada");
    let id = host.contribute(&token, json!({ "modality": "text", "text": "one" }))["id"]
        .as_i64()
        .unwrap();
    let bad = |fields: &str| {
        let mut body = format!("{{{fields},\"zz_unknown\":\"").into_bytes();
        body.extend_from_slice(b"\xff\xfe\xc0\xaf\"}");
        Body::Raw("application/json", body)
    };
    let users_before = rusqlite::Connection::open(host.database_path())
        .unwrap()
        .query_row("SELECT COUNT(*) FROM users", [], |r| r.get::<_, i64>(0))
        .unwrap();
    for (method, path, token, body) in [
        (
            "POST",
            "/api/users".to_string(),
            ADMIN,
            bad("\"name\":\"x\""),
        ),
        (
            "POST",
            "/api/unified-input".to_string(),
            token.as_str(),
            bad("\"modality\":\"text\",\"text\":\"two\""),
        ),
        (
            "POST",
            "/api/cleanup-voice-data".to_string(),
            ADMIN,
            bad("\"stale_after_minutes\":5"),
        ),
        (
            "PATCH",
            format!("/api/training-data/{id}"),
            token.as_str(),
            bad("\"included_in_training\":false"),
        ),
        (
            "POST",
            "/api/admin/snapshots".to_string(),
            ADMIN,
            bad("\"file_name\":\"f\",\"sha256\":\"00\",\"tree_size\":0"),
        ),
    ] {
        let r = host.call(method, &path, Some(token), body);
        assert_eq!(
            r.status,
            400,
            "{method} {path}: {}",
            String::from_utf8_lossy(&r.body)
        );
        assert_eq!(r.content_type, "application/problem+json");
    }
    let conn = rusqlite::Connection::open(host.database_path()).unwrap();
    let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!(count("SELECT COUNT(*) FROM users"), users_before);
    assert_eq!(count("SELECT COUNT(*) FROM training_contributions"), 1);
    assert_eq!(count("SELECT COUNT(*) FROM quality_scans"), 0);
    assert_eq!(count("SELECT COUNT(*) FROM snapshots"), 0);
    assert_eq!(host.row(&token, id)["included_in_training"], true);
}

#[test]
fn a_control_character_in_a_search_is_refused() {
    let host = app();
    let token = host.new_user(ADMIN, "Ada");
    host.contribute(&token, json!({ "modality": "text", "text": "findable" }));
    for q in ["%00", "a%00b", "%07"] {
        let r = host.call(
            "GET",
            &format!("/api/training-data?q={q}"),
            Some(&token),
            Body::None,
        );
        assert_eq!(r.status, 422, "q={q}");
    }
    let found = host
        .call(
            "GET",
            "/api/training-data?q=findable",
            Some(&token),
            Body::None,
        )
        .json();
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
}
