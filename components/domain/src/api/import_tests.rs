//! Imports over an in-memory database: a mixed JSONL body whose good lines become rows
//! exactly like single contributions (leaf, commitment, text version, provenance) and
//! whose bad lines are reported, not fatal; a re-run that creates nothing twice; what
//! only the admin may do; and bodies refused before anything is written.

use super::tests::{call, ctx, new_user, ADMIN};
use super::*;
use crate::db::Db as _;
use crate::routes::{LISTING, UNIFIED_INPUT};
use base64::Engine as _;
use serde_json::{json, Value};

/// Posts `body` to `/api/import` as `content_type` (with `token`, if any): status and
/// answer.
fn import_as(
    c: &Context,
    token: Option<&str>,
    content_type: &str,
    body: impl AsRef<[u8]>,
) -> (u16, Value) {
    let mut req = http::Request::builder()
        .method("POST")
        .uri("/api/import")
        .header("content-type", content_type);
    if let Some(token) = token {
        req = req.header("authorization", format!("Bearer {token}"));
    }
    let req = req.body(body.as_ref().to_vec()).unwrap();
    let resp = crate::router::resolve(UNIFIED_INPUT, req.method(), req.uri().path())
        .and_then(|(handler, params)| c.run(&req, || handler(c, &req, &params)))
        .unwrap_or_else(|e| e.into_response());
    (
        resp.status().as_u16(),
        serde_json::from_slice(resp.body()).unwrap_or(Value::Null),
    )
}

fn import(c: &Context, token: &str, content_type: &str, body: &str) -> (u16, Value) {
    import_as(c, Some(token), content_type, body)
}

/// The status of `GET /api/imports/{id}` as `token`.
fn show(c: &Context, id: i64, token: &str) -> u16 {
    let path = format!("/api/imports/{id}");
    call(UNIFIED_INPUT, c, "GET", &path, Some(token), None).0
}

fn count(db: &dyn crate::db::Db, sql: &str) -> i64 {
    db.execute(sql, &[]).unwrap().first().unwrap().int("n")
}

/// A screenshot's bytes as base64 (a PNG signature and a few bytes: what the media
/// check reads).
fn png() -> String {
    base64::engine::general_purpose::STANDARD.encode(b"\x89PNG\r\n\x1a\nimage")
}

#[test]
fn good_lines_become_rows_bad_ones_are_reported_and_a_rerun_creates_nothing_twice() {
    let db = crate::native_sqlite::SqliteDb::migrated();
    let c = ctx(&db);
    let (_, ada) = new_user(&c, "Ada");
    let (grace_id, _) = new_user(&c, "Grace");
    let lines = [
        json!({ "modality": "text", "text": "an old memo", "source_id": "a-1", "created_at": "2025-03-01T09:00:00Z", "metadata": { "lang": "en" } }).to_string(),
        json!({ "modality": "screenshot", "data": png(), "source_id": "a-2" }).to_string(),
        "{not json".to_string(),
        json!({ "modality": "text", "text": "   " }).to_string(),
        json!({ "modality": "voice", "data": "not base64!" }).to_string(),
        json!({ "modality": "text", "text": "kept out", "included_in_training": false, "source_id": "a-1" }).to_string(),
        String::new(),
        json!({ "modality": "text", "text": "for someone else", "user_id": grace_id }).to_string(),
        json!({ "modality": "text", "text": "in a campaign", "campaign": "spring" }).to_string(),
        json!({ "modality": "text", "text": "from the future", "created_at": "2999-01-01T00:00:00Z" }).to_string(),
    ];
    let body = lines.join("\n") + "\n";
    let leaves = count(&db, "SELECT COUNT(*) AS n FROM log_leaves");
    let (status, answer) = import(&c, &ada, "application/x-ndjson", &body);
    assert_eq!(status, 201, "{answer}");
    let report: Vec<(i64, String, Option<u64>)> = answer["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["line"].as_i64().unwrap(),
                l["outcome"].as_str().unwrap().to_string(),
                l["status"].as_u64(),
            )
        })
        .collect();
    assert_eq!(
        report,
        [
            (1, "created".into(), None),
            (2, "created".into(), None),
            (3, "rejected".into(), Some(400)),
            (4, "rejected".into(), Some(422)),
            (5, "rejected".into(), Some(422)),
            (6, "rejected".into(), Some(422)),
            (8, "rejected".into(), Some(403)),
            (9, "rejected".into(), Some(422)),
            (10, "rejected".into(), Some(422)),
        ],
        "{answer}"
    );
    assert!(
        answer["lines"][5]["detail"]
            .as_str()
            .unwrap()
            .contains("\"a-1\" is line 1's"),
        "{answer}"
    );
    let record = &answer["import"];
    assert_eq!(
        (
            &record["lines"],
            &record["created"],
            &record["duplicates"],
            &record["rejected"],
            &record["state"]
        ),
        (
            &json!(9),
            &json!(2),
            &json!(0),
            &json!(7),
            &json!("finished")
        )
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) AS n FROM log_leaves"),
        leaves + 2
    );

    // The text row is a contribution like any other: its version, leaf, commitment,
    // original time and provenance; the screenshot waits for OCR.
    let text_id = answer["lines"][0]["id"].as_i64().unwrap();
    let (_, row) = call(
        LISTING,
        &c,
        "GET",
        &format!("/api/training-data/{text_id}"),
        Some(&ada),
        None,
    );
    assert_eq!(
        (&row["status"], &row["text_version"], &row["text_source"]),
        (&json!("complete"), &json!(1), &json!("contributor"))
    );
    assert_eq!(row["created_at"], "2025-03-01T09:00:00.000Z");
    assert!(row["leaf_index"].is_i64() && row["commitment"].is_string());
    assert_eq!(
        row["metadata"],
        json!({ "lang": "en", "source": "import", "import_id": record["id"], "source_id": "a-1" })
    );
    let shot = answer["lines"][1]["id"].as_i64().unwrap();
    assert_eq!(
        count(
            &db,
            &format!("SELECT COUNT(*) AS n FROM jobs WHERE contribution_id = {shot}")
        ),
        1
    );
    // One activity entry for the batch, none per row.
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) AS n FROM activity_log WHERE log_type = 'import_batch'"
        ),
        1
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) AS n FROM activity_log WHERE log_type = 'contribution_created'"
        ),
        0
    );

    // Run again: the rows are there, so nothing is created twice.
    let (status, again) = import(&c, &ada, "application/x-ndjson", &body);
    assert_eq!(status, 201);
    assert_eq!(
        (&again["import"]["created"], &again["import"]["duplicates"]),
        (&json!(0), &json!(2))
    );
    assert_eq!(again["lines"][0]["id"], text_id);
    assert_eq!(
        count(&db, "SELECT COUNT(*) AS n FROM log_leaves"),
        leaves + 2
    );

    // The report is kept: its importer and the admin read it, nobody else.
    let id = record["id"].as_i64().unwrap();
    let (status, shown) = call(
        UNIFIED_INPUT,
        &c,
        "GET",
        &format!("/api/imports/{id}"),
        Some(&ada),
        None,
    );
    assert_eq!((status, &shown["lines"]), (200, &answer["lines"]));
    assert_eq!(show(&c, id, ADMIN), 200);
    let (_, grace) = new_user(&c, "Grace II");
    assert_eq!(show(&c, id, &grace), 404);
}

#[test]
fn the_admin_names_owners_or_imports_ownerless_rows_from_a_json_array() {
    let db = crate::native_sqlite::SqliteDb::migrated();
    let c = ctx(&db);
    let (grace_id, _) = new_user(&c, "Grace");
    let body = json!([
        { "modality": "text", "text": "Grace's memo", "user_id": grace_id },
        { "modality": "text", "text": "nobody's memo" },
        { "modality": "text", "text": "a ghost's memo", "user_id": 999 },
        "not an object",
    ]);
    let (status, answer) = import(&c, ADMIN, "application/json", &body.to_string());
    assert_eq!(status, 201, "{answer}");
    let outcomes: Vec<&str> = answer["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["created", "created", "rejected", "rejected"]);
    assert_eq!(answer["lines"][2]["detail"], "user_id: no user 999");
    let owners: Vec<Option<i64>> = db
        .execute(
            "SELECT user_id FROM training_contributions ORDER BY id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.opt_int("user_id"))
        .collect();
    assert_eq!(owners, [Some(grace_id), None]);
}

#[test]
fn a_body_that_is_not_the_declared_format_writes_nothing() {
    let db = crate::native_sqlite::SqliteDb::migrated();
    let c = ctx(&db);
    let (_, ada) = new_user(&c, "Ada");
    for (content_type, body, status) in [
        (
            "application/x-ndjson",
            "this is not JSONL\n{\"modality\":\"text\",\"text\":\"x\"}",
            400,
        ),
        ("application/x-ndjson", "\n\n", 400),
        ("application/x-ndjson", "[1, 2]", 400),
        ("application/json", "{\"modality\":\"text\"}", 400),
        ("application/json", "[]", 400),
        ("application/json", "[{", 400),
        ("text/csv", "a,b\n", 415),
    ] {
        let (got, answer) = import(&c, &ada, content_type, body);
        assert_eq!(got, status, "{content_type} {body:?}: {answer}");
    }
    let many = "{\"modality\":\"text\",\"text\":\"x\"}\n".repeat(imports::MAX_LINES + 1);
    assert_eq!(import(&c, &ada, "application/x-ndjson", &many).0, 413);
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM imports"), 0);
    assert_eq!(
        count(&db, "SELECT COUNT(*) AS n FROM training_contributions"),
        0
    );
    assert_eq!(import_as(&c, None, "application/x-ndjson", "{}").0, 401);
}

#[test]
fn a_line_that_is_not_utf8_is_rejected_alone() {
    let db = crate::native_sqlite::SqliteDb::migrated();
    let c = ctx(&db);
    let (_, ada) = new_user(&c, "Ada");
    let mut body = b"{\"modality\": \"text\", \"text\": \"fine\"}\n".to_vec();
    body.extend_from_slice(b"{\"modality\": \"text\", \"text\": \"caf\xe9\"}\n");
    body.extend_from_slice(b"{\"modality\": \"text\", \"text\": \"also fine\"}\n");
    let (status, answer) = import_as(&c, Some(&ada), "application/x-ndjson", &body);
    assert_eq!(status, 201, "{answer}");
    let outcomes: Vec<(&str, Option<u64>)> = answer["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["outcome"].as_str().unwrap(), l["status"].as_u64()))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("created", None),
            ("rejected", Some(400)),
            ("created", None)
        ]
    );
    assert_eq!(
        answer["lines"][1]["detail"],
        "the line is not UTF-8 (invalid byte at offset 33)"
    );
}
