//! End-to-end: the real components, built for wasm32-wasip2, served by the test host,
//! driven over HTTP exactly as a client (or curl) would.

use base64::Engine as _;
use e2e::{Body, Resp, TestHost};
use serde_json::{json, Value};

const ADMIN: &str = "e2e-admin-token";

fn app(extra_env: &[(&str, &str)]) -> TestHost {
    let mut env = vec![("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN)];
    env.extend_from_slice(extra_env);
    TestHost::app(&env).expect("app starts")
}

fn new_user(host: &TestHost, name: &str) -> (i64, String) {
    let r = host.call(
        "POST",
        "/api/users",
        Some(ADMIN),
        Body::Json(json!({ "name": name })),
    );
    assert_eq!(r.status, 201, "{:?}", r.json());
    let v = r.json();
    (
        v["id"].as_i64().unwrap(),
        v["token"].as_str().unwrap().to_string(),
    )
}

/// A real 16-bit PCM WAV: `seconds` of a 440 Hz tone.
fn wav(seconds: f32) -> Vec<u8> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 16000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut cursor = std::io::Cursor::new(Vec::new());
    let mut w = hound::WavWriter::new(&mut cursor, spec).unwrap();
    for i in 0..(16000.0 * seconds) as usize {
        let s = (i as f32 * 440.0 * std::f32::consts::TAU / 16000.0).sin();
        w.write_sample((s * 8000.0) as i16).unwrap();
    }
    w.finalize().unwrap();
    cursor.into_inner()
}

/// A real PNG, `size`×`size`, with a pattern seeded by `seed`.
fn png(size: u32, seed: u8) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, size, size);
    enc.set_color(png::ColorType::Grayscale);
    let mut w = enc.write_header().unwrap();
    let data: Vec<u8> = (0..size * size)
        .map(|i| (i as u8).wrapping_mul(seed))
        .collect();
    w.write_image_data(&data).unwrap();
    drop(w);
    out
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A multipart body with text fields and one file part.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> Body {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--BOUNDARY\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((mime, bytes)) = file {
        body.extend_from_slice(format!("--BOUNDARY\r\nContent-Disposition: form-data; name=\"file\"; filename=\"upload\"\r\nContent-Type: {mime}\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"--BOUNDARY--\r\n");
    Body::Raw("multipart/form-data; boundary=BOUNDARY", body)
}

fn contribute(host: &TestHost, token: &str, body: Value) -> Resp {
    host.call("POST", "/api/unified-input", Some(token), Body::Json(body))
}

fn count(host: &TestHost, table: &str) -> i64 {
    let conn = rusqlite::Connection::open(host.database_path()).unwrap();
    conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

fn assert_problem(r: &Resp, status: u16) {
    assert_eq!(r.status, status, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.content_type, "application/problem+json");
    let v = r.json();
    assert_eq!(v["status"], status);
    assert!(v["title"].is_string() && v["type"].is_string());
    assert!(!v["detail"].as_str().unwrap_or("").is_empty());
}

#[test]
fn a_rotated_token_works_at_once_and_the_old_one_is_dead_everywhere() {
    let host = app(&[]);
    let (id, old) = new_user(&host, "Ada");
    let text = host.contribute(&old, json!({ "modality": "text", "text": "mine" }));
    let rotated = host.call("POST", "/api/me/token", Some(&old), Body::None);
    assert_eq!(rotated.status, 200, "{:?}", rotated.json());
    let new = rotated.json()["token"].as_str().unwrap().to_string();
    assert!(new.starts_with("tdk_") && new != old);
    assert_eq!(rotated.json()["id"], id);
    // The old token is refused on every route at once; the new one sees the same rows.
    for (method, path) in [
        ("GET", "/api/me"),
        ("GET", "/api/training-data"),
        ("POST", "/api/me/token"),
    ] {
        assert_problem(&host.call(method, path, Some(&old), Body::None), 401);
    }
    assert_eq!(
        host.row(&new, text["id"].as_i64().unwrap())["extracted_text"],
        "mine"
    );
    assert_eq!(host.activity_count(ADMIN, "token_rotated"), 1);
    // The admin has no account row, so no token of its own to rotate.
    assert_problem(
        &host.call("POST", "/api/me/token", Some(ADMIN), Body::None),
        403,
    );
}

#[test]
fn accounts_need_the_admin_token() {
    let host = app(&[]);
    let (_, token) = new_user(&host, "Ada");
    assert!(token.starts_with("tdk_"));
    assert_problem(
        &host.call(
            "POST",
            "/api/users",
            None,
            Body::Json(json!({ "name": "x" })),
        ),
        401,
    );
    assert_problem(
        &host.call(
            "POST",
            "/api/users",
            Some("wrong"),
            Body::Json(json!({ "name": "x" })),
        ),
        401,
    );
    assert_problem(
        &host.call(
            "POST",
            "/api/users",
            Some(&token),
            Body::Json(json!({ "name": "x" })),
        ),
        403,
    );
    assert_problem(
        &host.call(
            "POST",
            "/api/users",
            Some(ADMIN),
            Body::Raw("application/json", b"{oops".to_vec()),
        ),
        400,
    );
    assert_problem(
        &host.call(
            "POST",
            "/api/users",
            Some(ADMIN),
            Body::Raw("text/plain", b"name".to_vec()),
        ),
        415,
    );
    assert_problem(
        &host.call("POST", "/api/users", Some(ADMIN), Body::Json(json!({}))),
        422,
    );
    assert_problem(
        &host.call(
            "POST",
            "/api/users",
            Some(ADMIN),
            Body::Json(json!({ "name": 5 })),
        ),
        422,
    );
    let r = host.call("PUT", "/api/users", Some(ADMIN), Body::None);
    assert_problem(&r, 405);
    assert_eq!(r.header("allow"), Some("POST, GET"));
    let stored: String = rusqlite::Connection::open(host.database_path())
        .unwrap()
        .query_row("SELECT token_hash FROM users", [], |r| r.get(0))
        .unwrap();
    assert!(
        !stored.contains(&token) && stored.len() == 64,
        "only a hash is stored"
    );
}

#[test]
fn without_an_admin_token_admin_calls_answer_503_and_the_rest_works() {
    let host = TestHost::app(&[]).unwrap();
    assert_problem(
        &host.call(
            "POST",
            "/api/users",
            Some("anything"),
            Body::Json(json!({ "name": "x" })),
        ),
        503,
    );
    assert_problem(
        &host.call("GET", "/api/training-data", Some("anything"), Body::None),
        401,
    );
}

#[test]
fn every_modality_as_json_and_multipart() {
    let host = app(&[]);
    let (uid, token) = new_user(&host, "Ada");
    let text = contribute(
        &host,
        &token,
        json!({ "modality": "text", "text": "The quick brown fox", "metadata": { "lang": "en" } }),
    );
    assert_eq!(text.status, 201);
    let t = text.json();
    assert_eq!(
        (
            t["status"].as_str(),
            t["extracted_text"].as_str(),
            t["user_id"].as_i64()
        ),
        (Some("complete"), Some("The quick brown fox"), Some(uid))
    );
    assert_eq!(
        t["content_hash"],
        "5cac4f980fedc3d3f1f99b4be3472c9b30d56523e632d151237ec9309048bda9"
    );
    assert_eq!(t["job_id"], Value::Null);
    assert_eq!(
        text.header("location"),
        Some(format!("/api/training-data/{}", t["id"]).as_str())
    );

    let voice = contribute(
        &host,
        &token,
        json!({ "modality": "voice", "data": b64(&wav(0.5)), "mime": "audio/wav" }),
    )
    .json();
    assert_eq!(
        (voice["status"].as_str(), voice["mime"].as_str()),
        (Some("pending"), Some("audio/wav"))
    );
    assert!(voice["job_id"].is_i64());
    let shot = host.call(
        "POST",
        "/api/unified-input",
        Some(&token),
        multipart(
            &[("modality", "screenshot")],
            Some(("image/png", &png(32, 3))),
        ),
    );
    assert_eq!(shot.status, 201, "{:?}", shot.json());
    let strokes = r#"[[[10,10],[20,20],[30,10]],[{"x":1,"y":2,"t":3}]]"#;
    let drawing = host.call(
        "POST",
        "/api/unified-input",
        Some(&token),
        multipart(
            &[("modality", "drawing"), ("strokes", strokes)],
            Some(("image/png", &png(16, 5))),
        ),
    );
    assert_eq!(drawing.status, 201);
    assert_eq!(drawing.json()["strokes"][1][0]["x"], 1);
    let voice_multipart = host.call(
        "POST",
        "/api/unified-input",
        Some(&token),
        multipart(&[("modality", "voice")], Some(("audio/wav", &wav(0.3)))),
    );
    assert_eq!(voice_multipart.status, 201);

    let conn = rusqlite::Connection::open(host.database_path()).unwrap();
    let kinds: Vec<(String, String)> = conn
        .prepare("SELECT c.modality, j.kind FROM jobs j JOIN training_contributions c ON c.id = j.contribution_id ORDER BY j.id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let kinds: Vec<(&str, &str)> = kinds
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("voice", "transcribe"),
            ("screenshot", "ocr"),
            ("drawing", "ocr"),
            ("voice", "transcribe")
        ]
    );
    assert_eq!(count(&host, "blobs"), 4);
    let stored: Vec<u8> = conn
        .query_row(
            "SELECT data FROM blobs WHERE mime = 'audio/wav' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(&stored[..4], b"RIFF");
}

#[test]
fn same_content_again_is_a_duplicate() {
    let host = app(&[]);
    let (_, ada) = new_user(&host, "Ada");
    let (_, bob) = new_user(&host, "Bob");
    let bytes = png(8, 7);
    let first = contribute(
        &host,
        &ada,
        json!({ "modality": "screenshot", "data": b64(&bytes) }),
    );
    let again = contribute(
        &host,
        &ada,
        json!({ "modality": "screenshot", "data": b64(&bytes) }),
    );
    assert_eq!((first.status, again.status), (201, 200));
    assert_eq!(first.json()["id"], again.json()["id"]);
    assert_eq!(
        (
            first.json()["duplicate"].clone(),
            again.json()["duplicate"].clone()
        ),
        (json!(false), json!(true))
    );
    assert_eq!(first.json()["job_id"], again.json()["job_id"]);
    let other = contribute(
        &host,
        &bob,
        json!({ "modality": "screenshot", "data": b64(&bytes) }),
    );
    assert_eq!(
        other.status, 201,
        "another user's identical content is their own row"
    );
    assert_eq!(count(&host, "blobs"), 1, "identical bytes are stored once");
    assert_eq!(count(&host, "training_contributions"), 2);
}

#[test]
fn bad_input_is_a_clear_error_and_writes_nothing() {
    let host = app(&[]);
    let (_, token) = new_user(&host, "Ada");
    let wav_b64 = b64(&wav(0.1));
    let png_b64 = b64(&png(8, 1));
    let raw = |ct: &'static str, body: &[u8]| {
        host.call(
            "POST",
            "/api/unified-input",
            Some(&token),
            Body::Raw(ct, body.to_vec()),
        )
    };
    let cases: Vec<(&str, Resp, u16)> = vec![
        ("empty body", raw("application/json", b""), 400),
        ("bad JSON", raw("application/json", b"{\"modality\":"), 400),
        ("JSON array", raw("application/json", b"[1,2]"), 422),
        ("no content type", raw("", b"{}"), 415),
        ("text/plain", raw("text/plain", b"hello"), 415),
        (
            "missing modality",
            contribute(&host, &token, json!({ "text": "x" })),
            422,
        ),
        (
            "unknown modality",
            contribute(&host, &token, json!({ "modality": "smell", "text": "x" })),
            422,
        ),
        (
            "missing text",
            contribute(&host, &token, json!({ "modality": "text" })),
            422,
        ),
        (
            "blank text",
            contribute(&host, &token, json!({ "modality": "text", "text": " \n " })),
            422,
        ),
        (
            "text as number",
            contribute(&host, &token, json!({ "modality": "text", "text": 42 })),
            422,
        ),
        (
            "missing data",
            contribute(&host, &token, json!({ "modality": "voice" })),
            422,
        ),
        (
            "bad base64",
            contribute(
                &host,
                &token,
                json!({ "modality": "voice", "data": "not base64!" }),
            ),
            422,
        ),
        (
            "empty media",
            contribute(&host, &token, json!({ "modality": "voice", "data": "" })),
            422,
        ),
        (
            "PNG as voice",
            contribute(
                &host,
                &token,
                json!({ "modality": "voice", "data": png_b64 }),
            ),
            415,
        ),
        (
            "WAV as screenshot",
            contribute(
                &host,
                &token,
                json!({ "modality": "screenshot", "data": wav_b64 }),
            ),
            415,
        ),
        (
            "declared mime lies",
            contribute(
                &host,
                &token,
                json!({ "modality": "voice", "data": wav_b64, "mime": "audio/ogg" }),
            ),
            415,
        ),
        (
            "random bytes",
            contribute(
                &host,
                &token,
                json!({ "modality": "drawing", "data": b64(b"just some bytes") }),
            ),
            415,
        ),
        (
            "strokes not a list",
            contribute(
                &host,
                &token,
                json!({ "modality": "drawing", "data": png_b64, "strokes": "circle" }),
            ),
            422,
        ),
        (
            "strokes with NaN-ish",
            contribute(
                &host,
                &token,
                json!({ "modality": "drawing", "data": png_b64, "strokes": [[["a", 1]]] }),
            ),
            422,
        ),
        (
            "strokes on text",
            contribute(
                &host,
                &token,
                json!({ "modality": "text", "text": "x", "strokes": [] }),
            ),
            422,
        ),
        (
            "metadata not object",
            contribute(
                &host,
                &token,
                json!({ "modality": "text", "text": "x", "metadata": "m" }),
            ),
            422,
        ),
        (
            "bad multipart",
            raw("multipart/form-data; boundary=B", b"--B\r\nnonsense"),
            400,
        ),
        (
            "multipart without boundary",
            raw("multipart/form-data", b"x"),
            400,
        ),
        (
            "multipart without file",
            host.call(
                "POST",
                "/api/unified-input",
                Some(&token),
                multipart(&[("modality", "voice")], None),
            ),
            422,
        ),
        (
            "wrong method",
            host.call("GET", "/api/unified-input", Some(&token), Body::None),
            405,
        ),
        (
            "no token",
            host.call(
                "POST",
                "/api/unified-input",
                None,
                Body::Json(json!({ "modality": "text", "text": "x" })),
            ),
            401,
        ),
        (
            "bad token",
            host.call(
                "POST",
                "/api/unified-input",
                Some("nope"),
                Body::Json(json!({ "modality": "text", "text": "x" })),
            ),
            401,
        ),
    ];
    for (name, resp, status) in &cases {
        assert_eq!(
            resp.status,
            *status,
            "{name}: {}",
            String::from_utf8_lossy(&resp.body)
        );
        assert_problem(resp, *status);
    }
    for table in ["training_contributions", "blobs", "jobs"] {
        assert_eq!(
            count(&host, table),
            0,
            "{table} must stay empty after bad input"
        );
    }
}

#[test]
fn size_limits_answer_413() {
    let host = app(&[
        ("SPIN_VARIABLE_MAX_MEDIA_BYTES", "2000"),
        ("SPIN_VARIABLE_MAX_TEXT_BYTES", "16"),
    ]);
    let (_, token) = new_user(&host, "Ada");
    assert_problem(
        &contribute(
            &host,
            &token,
            json!({ "modality": "text", "text": "seventeen bytes!!" }),
        ),
        413,
    );
    assert_eq!(
        contribute(
            &host,
            &token,
            json!({ "modality": "text", "text": "sixteen bytes..." })
        )
        .status,
        201
    );
    assert_problem(
        &contribute(
            &host,
            &token,
            json!({ "modality": "voice", "data": b64(&wav(0.2)) }),
        ),
        413,
    );
    let r = host.call(
        "POST",
        "/api/unified-input",
        Some(&token),
        multipart(&[("modality", "voice")], Some(("audio/wav", &wav(0.2)))),
    );
    assert_problem(&r, 413);
    let huge = vec![b'a'; 64 * 1024 + 4000];
    assert_problem(
        &host.call(
            "POST",
            "/api/unified-input",
            Some(&token),
            Body::Raw("application/json", huge),
        ),
        413,
    );
    assert_eq!(count(&host, "training_contributions"), 1);
}

#[test]
fn anonymous_contribution_only_when_allowed() {
    let closed = app(&[]);
    assert_problem(
        &closed.call(
            "POST",
            "/api/unified-input",
            None,
            Body::Json(json!({ "modality": "text", "text": "hi" })),
        ),
        401,
    );
    let open = app(&[("SPIN_VARIABLE_ALLOW_ANONYMOUS", "true")]);
    let r = open.call(
        "POST",
        "/api/unified-input",
        None,
        Body::Json(json!({ "modality": "text", "text": "hi" })),
    );
    assert_eq!(r.status, 201);
    assert_eq!(r.json()["user_id"], Value::Null);
    assert_problem(
        &open.call("GET", "/api/training-data", None, Body::None),
        401,
    );
}

#[test]
fn a_failure_mid_transaction_leaves_no_rows() {
    let host = app(&[]);
    let (_, token) = new_user(&host, "Ada");
    // Make the last write of the request (the job) fail inside the database.
    rusqlite::Connection::open(host.database_path())
        .unwrap()
        .execute_batch("CREATE TRIGGER fail_jobs BEFORE INSERT ON jobs BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;")
        .unwrap();
    let r = contribute(
        &host,
        &token,
        json!({ "modality": "voice", "data": b64(&wav(0.2)) }),
    );
    assert_problem(&r, 500);
    assert!(
        !r.json()["detail"]
            .as_str()
            .unwrap()
            .contains("disk on fire"),
        "internals are not shown"
    );
    for table in ["training_contributions", "blobs", "jobs"] {
        assert_eq!(count(&host, table), 0, "{table}");
    }
    assert_eq!(
        contribute(
            &host,
            &token,
            json!({ "modality": "text", "text": "still fine" })
        )
        .status,
        201
    );
}

#[test]
fn listing_filters_paginates_and_isolates() {
    let host = app(&[]);
    let (ada_id, ada) = new_user(&host, "Ada");
    let (bob_id, bob) = new_user(&host, "Bob");
    for i in 0..5 {
        contribute(
            &host,
            &ada,
            json!({ "modality": "text", "text": format!("ada note {i}") }),
        );
    }
    contribute(
        &host,
        &ada,
        json!({ "modality": "screenshot", "data": b64(&png(8, 9)) }),
    );
    let bobs = contribute(
        &host,
        &bob,
        json!({ "modality": "text", "text": "bob's secret" }),
    )
    .json();
    let list = |token: &str, q: &str| {
        host.call(
            "GET",
            &format!("/api/training-data{q}"),
            Some(token),
            Body::None,
        )
    };
    let ids = |r: Resp| -> Vec<i64> {
        r.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect()
    };

    assert_eq!(
        ids(list(&ada, "")),
        vec![6, 5, 4, 3, 2, 1],
        "newest first, own rows only"
    );
    assert_eq!(ids(list(&bob, "")), vec![7]);
    assert_eq!(ids(list(ADMIN, "")).len(), 7);
    assert_eq!(ids(list(ADMIN, &format!("?user_id={bob_id}"))), vec![7]);
    assert_eq!(ids(list(&ada, &format!("?user_id={ada_id}"))).len(), 6);
    assert_problem(&list(&ada, &format!("?user_id={bob_id}")), 403);
    assert_eq!(ids(list(&ada, "?modality=screenshot")), vec![6]);
    assert_eq!(ids(list(&ada, "?status=pending")), vec![6]);
    assert_eq!(ids(list(&ada, "?q=NOTE%203")), vec![4]);
    assert_eq!(
        ids(list(&ada, "?q=100%25")),
        Vec::<i64>::new(),
        "LIKE wildcards are literal"
    );
    // A search of 1000 bytes is served; a longer one (past 50,000 bytes SQLite would
    // refuse the pattern) is a clear 422.
    assert_eq!(
        ids(list(&ada, &format!("?q={}", "n".repeat(1000)))).len(),
        0
    );
    assert_problem(&list(&ada, &format!("?q={}", "n".repeat(60_000))), 422);
    assert_eq!(
        ids(list(
            &ada,
            "?since=2000-01-01T00:00:00Z&until=2999-01-01T00:00:00%2B02:00"
        ))
        .len(),
        6
    );
    assert_eq!(ids(list(&ada, "?until=2000-01-01T00:00:00Z")).len(), 0);

    let mut seen = Vec::new();
    let mut query = "?limit=4".to_string();
    loop {
        let page = list(&ada, &query).json();
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_i64().unwrap()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => query = format!("?limit=4&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, vec![6, 5, 4, 3, 2, 1]);
    for bad in [
        "?limit=0",
        "?limit=501",
        "?limit=x",
        "?cursor=%%%",
        "?modality=smell",
        "?status=done",
        "?since=today",
        "?sort=asc",
        "?user_id=abc",
    ] {
        assert_problem(&list(&ada, bad), 422);
    }
    assert_problem(&list("bogus", ""), 401);
    assert_problem(
        &host.call("GET", "/api/training-data", None, Body::None),
        401,
    );
    assert_problem(
        &host.call(
            "POST",
            "/api/training-data",
            Some(&ada),
            Body::Json(json!({})),
        ),
        405,
    );

    let bob_row = format!("/api/training-data/{}", bobs["id"]);
    assert_eq!(
        host.call("GET", &bob_row, Some(&bob), Body::None).json()["extracted_text"],
        "bob's secret"
    );
    assert_problem(&host.call("GET", &bob_row, Some(&ada), Body::None), 404);
    assert_eq!(
        host.call("GET", &bob_row, Some(ADMIN), Body::None).status,
        200
    );
    assert_problem(
        &host.call("GET", "/api/training-data/999", Some(ADMIN), Body::None),
        404,
    );
    assert_problem(
        &host.call("GET", "/api/training-data/abc", Some(ADMIN), Body::None),
        404,
    );
    assert_problem(
        &host.call("GET", "/api/no-such-thing", Some(ADMIN), Body::None),
        404,
    );
    assert_problem(
        &host.call("POST", "/api/users/1/extra", Some(ADMIN), Body::None),
        404,
    );
}

#[test]
fn concurrent_first_requests_migrate_once() {
    let host = app(&[]);
    let base = host.base.clone();
    let threads: Vec<_> = (0..16)
        .map(|i| {
            let base = base.clone();
            std::thread::spawn(move || {
                e2e::call(
                    &format!("{base}/api/users"),
                    "POST",
                    Some(ADMIN),
                    Body::Json(json!({ "name": format!("u{i}") })),
                )
                .status
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), 201);
    }
    assert_eq!(
        count(&host, "schema_migrations"),
        domain::migrations::MIGRATIONS.len() as i64
    );
    assert_eq!(count(&host, "users"), 16);
}
