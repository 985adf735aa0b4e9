//! Handler flows over an in-memory database: the same code the components run.

use super::*;
use crate::config::Settings;
use crate::context::Outbound;
use crate::db::Db;
use crate::native_sqlite::SqliteDb;
use crate::router::{resolve, Route};
use crate::routes::{JOBS, LISTING, UNIFIED_INPUT, USERS};
use serde_json::{json, Value};

pub(super) const ADMIN: &str = "admin-secret";

/// No outbound HTTP in these tests.
struct Offline;

impl Outbound for Offline {
    fn post_json(&self, _: &str, _: &[u8], _: u64) -> Result<Vec<u8>, String> {
        Err("offline".into())
    }
}

pub(super) fn ctx(db: &SqliteDb) -> Context<'_> {
    Context::new(
        db,
        Settings {
            admin_token: Some(ADMIN.into()),
            ..Settings::default()
        },
        &Offline,
    )
}

/// A request as a client sends it: the token as a bearer, a JSON body.
pub(super) fn request(
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Request {
    let mut b = http::Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        b = b.header("authorization", format!("Bearer {t}"));
    }
    if body.is_some() {
        b = b.header("content-type", "application/json");
    }
    b.body(body.map(|v| v.to_string().into_bytes()).unwrap_or_default())
        .unwrap()
}

/// Answers one request from a component's table, as the adapter does.
pub(super) fn call(
    table: &[Route<Handler>],
    ctx: &Context,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let req = request(method, uri, token, body);
    let resp = resolve(table, req.method(), req.uri().path())
        .and_then(|(handler, params)| ctx.run(&req, || handler(ctx, &req, &params)))
        .unwrap_or_else(|e| e.into_response());
    (
        resp.status().as_u16(),
        serde_json::from_slice(resp.body()).unwrap_or(Value::Null),
    )
}

pub(super) fn new_user(ctx: &Context, name: &str) -> (i64, String) {
    let (status, body) = call(
        USERS,
        ctx,
        "POST",
        "/api/users",
        Some(ADMIN),
        Some(json!({ "name": name })),
    );
    assert_eq!(status, 201, "{body}");
    (
        body["id"].as_i64().unwrap(),
        body["token"].as_str().unwrap().to_string(),
    )
}

#[test]
fn user_creation_needs_admin_and_stores_only_a_hash() {
    let db = SqliteDb::migrated();
    let c = ctx(&db);
    let (_, token) = new_user(&c, "Ada");
    assert!(token.starts_with("tdk_"));
    let stored = db.execute("SELECT token_hash FROM users", &[]).unwrap();
    assert_ne!(stored.first().unwrap().text("token_hash"), token);
    assert_eq!(
        call(
            USERS,
            &c,
            "POST",
            "/api/users",
            Some(&token),
            Some(json!({"name":"x"}))
        )
        .0,
        403
    );
    assert_eq!(
        call(
            USERS,
            &c,
            "POST",
            "/api/users",
            None,
            Some(json!({"name":"x"}))
        )
        .0,
        401
    );
    assert_eq!(
        call(
            USERS,
            &c,
            "POST",
            "/api/users",
            Some(ADMIN),
            Some(json!({"name":" "}))
        )
        .0,
        422
    );
    assert_eq!(
        call(USERS, &c, "PUT", "/api/users", Some(ADMIN), None).0,
        405
    );
    let unconfigured = Context::new(&db, Settings::default(), &Offline);
    assert_eq!(
        call(
            USERS,
            &unconfigured,
            "POST",
            "/api/users",
            Some(ADMIN),
            Some(json!({"name":"x"}))
        )
        .0,
        503
    );
}

#[test]
fn contribute_list_and_isolate_users() {
    let db = SqliteDb::migrated();
    let c = ctx(&db);
    let (ada_id, ada) = new_user(&c, "Ada");
    let (_, bob) = new_user(&c, "Bob");
    let (status, row) = call(
        UNIFIED_INPUT,
        &c,
        "POST",
        "/api/unified-input",
        Some(&ada),
        Some(json!({"modality":"text","text":"hello world"})),
    );
    assert_eq!(status, 201);
    assert_eq!(row["status"], "complete");
    assert_eq!(row["user_id"], ada_id);
    assert_eq!(row["duplicate"], false);
    let (status, again) = call(
        UNIFIED_INPUT,
        &c,
        "POST",
        "/api/unified-input",
        Some(&ada),
        Some(json!({"modality":"text","text":"hello world"})),
    );
    assert_eq!(
        (status, again["id"].clone(), again["duplicate"].clone()),
        (200, row["id"].clone(), json!(true))
    );
    // Bob sending the same text gets his own row.
    let (status, _) = call(
        UNIFIED_INPUT,
        &c,
        "POST",
        "/api/unified-input",
        Some(&bob),
        Some(json!({"modality":"text","text":"hello world"})),
    );
    assert_eq!(status, 201);
    let id = row["id"].as_i64().unwrap();
    assert_eq!(
        call(
            LISTING,
            &c,
            "GET",
            &format!("/api/training-data/{id}"),
            Some(&bob),
            None
        )
        .0,
        404
    );
    assert_eq!(
        call(
            LISTING,
            &c,
            "GET",
            &format!("/api/training-data/{id}"),
            Some(&ada),
            None
        )
        .0,
        200
    );
    let (_, page) = call(LISTING, &c, "GET", "/api/training-data", Some(&bob), None);
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let (_, all) = call(LISTING, &c, "GET", "/api/training-data", Some(ADMIN), None);
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        call(
            LISTING,
            &c,
            "GET",
            &format!("/api/training-data?user_id={ada_id}"),
            Some(&bob),
            None
        )
        .0,
        403
    );
}

/// A screenshot contribution by `token` (a PNG signature and a few bytes): its row.
fn screenshot(ctx: &Context, token: &str) -> Value {
    let png = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        b"\x89PNG\r\n\x1a\nimage",
    );
    let (status, row) = call(
        UNIFIED_INPUT,
        ctx,
        "POST",
        "/api/unified-input",
        Some(token),
        Some(json!({"modality":"screenshot","data":png})),
    );
    assert_eq!(status, 201, "{row}");
    row
}

#[test]
fn media_gets_blob_and_job_in_one_transaction() {
    let db = SqliteDb::migrated();
    let c = ctx(&db);
    let (_, ada) = new_user(&c, "Ada");
    let row = screenshot(&c, &ada);
    assert_eq!(row["status"], "pending");
    let job = db.execute("SELECT kind, state FROM jobs", &[]).unwrap();
    assert_eq!(job.first().unwrap().text("kind"), "ocr");
    assert_eq!(
        db.execute("SELECT * FROM blobs", &[]).unwrap().rows.len(),
        1
    );
}

#[test]
fn pagination_walks_every_row_once() {
    let db = SqliteDb::migrated();
    let c = ctx(&db);
    let (_, ada) = new_user(&c, "Ada");
    for i in 0..7 {
        call(
            UNIFIED_INPUT,
            &c,
            "POST",
            "/api/unified-input",
            Some(&ada),
            Some(json!({"modality":"text","text":format!("note {i}")})),
        );
    }
    let mut seen = Vec::new();
    let mut uri = "/api/training-data?limit=3".to_string();
    loop {
        let (status, page) = call(LISTING, &c, "GET", &uri, Some(&ada), None);
        assert_eq!(status, 200);
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_i64().unwrap()),
        );
        match page["next_cursor"].as_str() {
            Some(cur) => uri = format!("/api/training-data?limit=3&cursor={cur}"),
            None => break,
        }
    }
    assert_eq!(seen, vec![7, 6, 5, 4, 3, 2, 1]);
    for bad in [
        "limit=0",
        "limit=501",
        "cursor=zzz",
        "modality=smell",
        "status=odd",
        "since=yesterday",
        "colour=red",
    ] {
        assert_eq!(
            call(
                LISTING,
                &c,
                "GET",
                &format!("/api/training-data?{bad}"),
                Some(&ada),
                None
            )
            .0,
            422,
            "{bad}"
        );
    }
    let (_, found) = call(
        LISTING,
        &c,
        "GET",
        "/api/training-data?q=NOTE%203",
        Some(&ada),
        None,
    );
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
}

/// A database that records every statement it is asked to run.
struct Recording {
    inner: SqliteDb,
    seen: std::cell::RefCell<Vec<String>>,
}

impl Db for Recording {
    fn execute(
        &self,
        sql: &str,
        params: &[crate::db::Value],
    ) -> Result<crate::db::Rows, crate::db::DbError> {
        self.seen.borrow_mut().push(sql.to_string());
        self.inner.execute(sql, params)
    }
}

#[test]
fn an_idle_worker_poll_only_reads() {
    let db = Recording {
        inner: SqliteDb::migrated(),
        seen: Default::default(),
    };
    let ctx = Context::new(
        &db,
        Settings {
            worker_token: Some("worker-secret".into()),
            ..Settings::default()
        },
        &Offline,
    );
    let (status, _) = call(
        JOBS,
        &ctx,
        "POST",
        "/api/jobs/claim",
        Some("worker-secret"),
        Some(json!({ "worker_id": "w1" })),
    );
    assert_eq!(status, 204, "nothing is due");
    let seen = db.seen.borrow();
    let writes: Vec<&String> = seen
        .iter()
        .filter(|s| !s.trim_start().to_ascii_uppercase().starts_with("SELECT"))
        .collect();
    assert!(
        writes.is_empty(),
        "an idle poll must not write or lock: {writes:?}"
    );
}

#[test]
fn a_new_extraction_never_replaces_a_correction() {
    use crate::usecase::text::record_machine;
    use wire::jobs::Extraction;
    let db = SqliteDb::migrated();
    let c = ctx(&db);
    let (_, ada) = new_user(&c, "Ada");
    let id = screenshot(&c, &ada)["id"].as_i64().unwrap();
    let extract = |text: &str| {
        let row = crate::store::contributions::get(&db, id).unwrap().unwrap();
        let found = Extraction {
            text: text.into(),
            engine: "tesseract".into(),
            model: "eng".into(),
            confidence: Some(0.5),
            ..Extraction::default()
        };
        record_machine(&db, &row, &found, &crate::clock::now()).unwrap()
    };
    assert_eq!(extract("first reading"), 1);
    let path = format!("/api/training-data/{id}");
    let (status, body) = call(
        LISTING,
        &c,
        "PATCH",
        &path,
        Some(&ada),
        Some(json!({"text":"fixed"})),
    );
    assert_eq!(status, 200, "{body}");
    // A later run (a requeue) joins the history but the person's text stays current.
    assert_eq!(extract("second reading"), 3);
    let (_, row) = call(LISTING, &c, "GET", &path, Some(&ada), None);
    assert_eq!(row["extracted_text"], "fixed");
    assert_eq!(row["text_source"], "human");
    assert_eq!(row["text_version"], 2);
    let (_, history) = call(
        LISTING,
        &c,
        "GET",
        &format!("{path}/versions"),
        Some(&ada),
        None,
    );
    let texts: Vec<&str> = history["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["first reading", "fixed", "second reading"]);
}

/// The admin's `format=hf` export, chunk by chunk as it streams.
fn hf_export(c: &Context) -> Vec<Vec<u8>> {
    let req = http::Request::builder()
        .uri("/api/training-data/export?format=hf")
        .header("authorization", format!("Bearer {ADMIN}"))
        .body(Vec::new())
        .unwrap();
    let Ok(Reply::Stream(mut stream)) = export::training_export(c, &req, &Params::default()) else {
        panic!("a streamed export");
    };
    std::iter::from_fn(|| stream.next_chunk(c).unwrap()).collect()
}

/// The files of a tar chunk: (path, bytes).
pub(super) fn tar_files(chunk: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = tar::Archive::new(chunk);
    let entries = archive.entries().unwrap();
    entries
        .map(|entry| {
            let mut entry = entry.unwrap();
            let name = entry.path().unwrap().display().to_string();
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
            (name, bytes)
        })
        .collect()
}

#[test]
fn hf_media_shards_close_at_their_size_limit_one_chunk_each() {
    let db = SqliteDb::migrated();
    let c = ctx(&db);
    new_user(&c, "Ada");
    let mib = 1 << 20;
    db.execute(
        "INSERT INTO blobs (sha256, mime, byte_size, data, created_at) VALUES ('b', 'audio/wav', ?, ?, 'x')",
        &[(mib as i64).into(), vec![7u8; mib].into()],
    )
    .unwrap();
    for i in 0..20i64 {
        db.execute(
            "INSERT INTO training_contributions (user_id, modality, status, mime, byte_size, content_hash, blob_sha256, \
             extracted_text, created_at, updated_at) VALUES (1, 'voice', 'complete', 'audio/wav', ?, ?, 'b', 't', 'x', 'x')",
            &[(mib as i64).into(), format!("{i:064x}").into()],
        )
        .unwrap();
    }
    let chunks = hf_export(&c);
    let largest = chunks.iter().map(Vec::len).max().unwrap_or(0);
    let names: Vec<String> = chunks
        .iter()
        .flat_map(|c| tar_files(c))
        .map(|(n, _)| n)
        .collect();
    // 16 MiB of media close the first voice shard; the other 4 rows make the second.
    assert_eq!(
        names,
        [
            "all/train-00000.parquet",
            "voice/train-00000.parquet",
            "voice/train-00001.parquet",
            "README.md"
        ]
    );
    assert!(largest < 17 * mib, "the largest chunk was {largest} bytes");
}

/// The activity log's entry types, oldest first.
fn entry_types(db: &SqliteDb) -> Vec<String> {
    db.execute("SELECT log_type FROM activity_log ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|r| r.text("log_type"))
        .collect()
}

#[test]
fn the_days_login_joins_the_first_write_or_follows_a_read() {
    let db = SqliteDb::migrated();
    let c = ctx(&db);
    let (_, ada) = new_user(&c, "Ada");
    let (_, grace) = new_user(&c, "Grace");
    // Ada's first request writes: her login is recorded in the contribution's own
    // transaction, just before its entry.
    let text = json!({ "modality": "text", "text": "hello" });
    let (status, _) = call(
        UNIFIED_INPUT,
        &c,
        "POST",
        "/api/unified-input",
        Some(&ada),
        Some(text),
    );
    assert_eq!(status, 201);
    // Grace's first request only reads: her login follows it.
    let (status, _) = call(LISTING, &c, "GET", "/api/training-data", Some(&grace), None);
    assert_eq!(status, 200);
    // Later requests that day record nothing more.
    call(LISTING, &c, "GET", "/api/training-data", Some(&ada), None);
    call(LISTING, &c, "GET", "/api/training-data", Some(&grace), None);
    assert_eq!(
        entry_types(&db),
        [
            "user_created",
            "user_created",
            "user_login",
            "contribution_created",
            "user_login"
        ]
    );
}

#[test]
fn an_image_with_findings_that_cannot_be_redacted_stays_out_of_hf() {
    let db = SqliteDb::migrated();
    let c = ctx(&db);
    new_user(&c, "Ada");
    // Two screenshots whose OCR text holds an address: one with a word box for it but
    // bytes no decoder reads, one with no boxes at all (never scanned: the export
    // scans them itself).
    db.execute(
        "INSERT INTO blobs (sha256, mime, byte_size, data, created_at) VALUES ('b', 'image/png', 4, x'89504e47', 'x')",
        &[],
    )
    .unwrap();
    for (i, layout) in [
        Some(r#"{"boxes":[{"x":0,"y":0,"w":5,"h":5,"text":"ada@example.org","line":0}],"lines":[{"x":0,"y":0,"w":5,"h":5,"text":"ada@example.org"}]}"#),
        None,
    ]
    .into_iter()
    .enumerate()
    {
        let id = 1 + i as i64;
        db.execute(
            "INSERT INTO training_contributions (id, user_id, modality, status, mime, byte_size, content_hash, blob_sha256, \
             extracted_text, text_version, text_source, created_at, updated_at) \
             VALUES (?, 1, 'screenshot', 'complete', 'image/png', 4, ?, 'b', 'ada@example.org', 1, 'machine', 'x', 'x')",
            &[id.into(), format!("{id:064x}").into()],
        )
        .unwrap();
        db.execute(
            "INSERT INTO text_versions (contribution_id, version, text, source, created_at, layout) \
             VALUES (?, 1, 'ada@example.org', 'machine', 'x', ?)",
            &[id.into(), layout.into()],
        )
        .unwrap();
    }
    let files: Vec<(String, Vec<u8>)> = hf_export(&c).iter().flat_map(|c| tar_files(c)).collect();
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["all/train-00000.parquet", "README.md"],
        "no screenshot config"
    );
    let card = String::from_utf8(files[1].1.clone()).unwrap();
    assert!(
        card.contains("0 redacted") && card.contains("2 left out"),
        "{card}"
    );
    let all = &files[0].1;
    assert!(
        all.windows(7).any(|w| w == b"[EMAIL]"),
        "the text is masked"
    );
    assert!(
        !all.windows(15).any(|w| w == b"ada@example.org"),
        "the text is masked"
    );
}
