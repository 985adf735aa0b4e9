//! End-to-end: people in the loop. Contributors correct their rows' text (a history of
//! versions with provenance), reviewers lease rows one at a time and accept or reject
//! them once, exports and the admin's numbers follow, and every bad request or race
//! answers a clear problem and writes nothing.

use e2e::{Backend, Body, Resp, TestHost};
use serde_json::{json, Value};

const ADMIN: &str = "review-admin";
const WORKER: &str = "review-worker";

/// One vote decides a row here (votes and consensus are `consensus.rs`'s).
fn app() -> TestHost {
    TestHost::app(&[
        ("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN),
        ("SPIN_VARIABLE_WORKER_TOKEN", WORKER),
        ("SPIN_VARIABLE_MAX_TEXT_BYTES", "200"),
        ("SPIN_VARIABLE_REVIEW_VOTES_REQUIRED", "1"),
    ])
    .unwrap()
}

fn id_of(v: &Value) -> i64 {
    v["id"].as_i64().unwrap()
}

fn text_row(host: &TestHost, token: &str, text: &str) -> i64 {
    id_of(&host.contribute(token, json!({ "modality": "text", "text": text })))
}

/// A screenshot whose OCR job a worker completes with `ocr_text` over the job API.
fn screenshot_read_as(host: &TestHost, token: &str, seed: u8, ocr_text: &str) -> i64 {
    let mut png = hex::decode("89504e470d0a1a0a0000000d49484452").unwrap();
    png.push(seed);
    let data = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &png);
    let id = id_of(&host.contribute(token, json!({ "modality": "screenshot", "data": data })));
    assert_eq!(host.complete_next_job(WORKER, "ocr", ocr_text), id);
    id
}

fn patch(host: &TestHost, token: &str, id: i64, body: Value) -> Resp {
    host.call(
        "PATCH",
        &format!("/api/training-data/{id}"),
        Some(token),
        Body::Json(body),
    )
}

fn versions(host: &TestHost, token: &str, id: i64) -> Vec<Value> {
    let r = host.call(
        "GET",
        &format!("/api/training-data/{id}/versions"),
        Some(token),
        Body::None,
    );
    assert_eq!(r.status, 200, "{:?}", r.json());
    r.json()["versions"].as_array().unwrap().clone()
}

fn next(host: &TestHost, token: &str, query: &str) -> Resp {
    host.call(
        "GET",
        &format!("/api/review/next{query}"),
        Some(token),
        Body::None,
    )
}

fn leased_id(r: &Resp) -> i64 {
    assert_eq!(r.status, 200, "{:?}", r.json());
    r.json()["row"]["id"].as_i64().unwrap()
}

fn decide(host: &TestHost, token: &str, id: i64, body: Value) -> Resp {
    host.call(
        "POST",
        &format!("/api/training-data/{id}/review"),
        Some(token),
        Body::Json(body),
    )
}

fn export_lines(host: &TestHost, token: &str, query: &str) -> Vec<Value> {
    let r = host.call(
        "GET",
        &format!("/api/training-data/export?format=jsonl{query}"),
        Some(token),
        Body::None,
    );
    assert_eq!(r.status, 200);
    String::from_utf8(r.body)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_correction_is_a_new_version_and_the_machine_text_stays_in_the_history() {
    let host = app();
    let ada = host.new_user(ADMIN, "Ada");
    let id = screenshot_read_as(&host, &ada, 1, "helo wrld");
    let row = host.row(&ada, id);
    assert_eq!(row["text_source"], "machine");
    assert_eq!(row["text_version"], 1);
    assert_eq!(row["review_state"], "unreviewed");

    let r = patch(&host, &ada, id, json!({ "text": "hello world" }));
    assert_eq!(r.status, 200, "{:?}", r.json());
    assert_eq!(r.json()["extracted_text"], "hello world");
    assert_eq!(r.json()["text_source"], "human");
    assert_eq!(r.json()["text_version"], 2);
    let history = versions(&host, &ada, id);
    assert_eq!(history.len(), 2);
    assert_eq!(history[0]["text"], "helo wrld");
    assert_eq!(history[0]["source"], "machine");
    assert_eq!(history[0]["engine"], "tesseract");
    assert_eq!(history[0]["model"], "e2e");
    assert_eq!(history[0]["confidence"], 0.81);
    assert_eq!(history[1]["text"], "hello world");
    assert_eq!(history[1]["source"], "human");
    assert!(history[1]["author"].as_str().unwrap().starts_with("user:"));
    assert_eq!(host.activity_count(ADMIN, "text_corrected"), 1);
    // The commitment and the leaf commit to the content, not to the text.
    assert_eq!(host.row(&ada, id)["commitment"], row["commitment"]);
    assert_eq!(host.row(&ada, id)["leaf_index"], row["leaf_index"]);
    // Listings search the current text.
    let found = host.call("GET", "/api/training-data?q=hello", Some(&ada), Body::None);
    assert_eq!(found.json()["items"][0]["id"], id);

    // The same text again changes nothing; opting out and correcting land together.
    let same = patch(&host, &ada, id, json!({ "text": "hello world" }));
    assert_eq!(same.status, 200);
    assert_eq!(versions(&host, &ada, id).len(), 2);
    assert_eq!(host.activity_count(ADMIN, "text_corrected"), 1);
    let both = patch(
        &host,
        &ada,
        id,
        json!({ "text": "hello, world", "included_in_training": false }),
    );
    assert_eq!(both.status, 200);
    assert_eq!(both.json()["included_in_training"], false);
    assert_eq!(both.json()["text_version"], 3);

    // A text contribution starts with the contributor's own words.
    let t = text_row(&host, &ada, "my own words");
    let history = versions(&host, &ada, t);
    assert_eq!(history.len(), 1);
    assert_eq!(history[0]["source"], "contributor");
    assert_eq!(host.row(&ada, t)["text_source"], "contributor");
}

#[test]
fn bad_corrections_are_clear_problems_and_change_nothing() {
    let host = app();
    let ada = host.new_user(ADMIN, "Ada");
    let grace = host.new_user(ADMIN, "Grace");
    let id = text_row(&host, &ada, "original words");
    let cases: [(Value, u16, &str); 6] = [
        (json!({ "text": "" }), 422, "empty"),
        (json!({ "text": "   \n" }), 422, "empty"),
        (json!({ "text": "x".repeat(201) }), 413, "max_text_bytes"),
        (json!({ "text": 5 }), 422, ""),
        (json!({ "txt": "typo" }), 422, "txt"),
        (json!({}), 422, "included_in_training"),
    ];
    for (body, status, needle) in cases {
        let r = patch(&host, &ada, id, body.clone());
        assert_eq!(r.status, status, "{body}: {:?}", r.json());
        assert_eq!(
            r.header("content-type"),
            Some("application/problem+json"),
            "{body}"
        );
        assert!(
            r.json()["detail"].as_str().unwrap_or("").contains(needle),
            "{body}: {:?}",
            r.json()
        );
    }
    // Another user's row is not there for them.
    assert_eq!(
        patch(&host, &grace, id, json!({ "text": "mine now" })).status,
        404
    );
    assert_eq!(
        host.call(
            "GET",
            &format!("/api/training-data/{id}/versions"),
            Some(&grace),
            Body::None
        )
        .status,
        404
    );
    // A row still being extracted cannot be corrected yet.
    let png = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        hex::decode("89504e470d0a1a0a00000000").unwrap(),
    );
    let pending = id_of(&host.contribute(&ada, json!({ "modality": "screenshot", "data": png })));
    let r = patch(&host, &ada, pending, json!({ "text": "too early" }));
    assert_eq!(r.status, 409, "{:?}", r.json());
    assert!(versions(&host, &ada, pending).is_empty());
    // A bad text inside a PATCH that also opts out: neither change lands.
    let r = patch(
        &host,
        &ada,
        id,
        json!({ "text": "", "included_in_training": false }),
    );
    assert_eq!(r.status, 422);
    let row = host.row(&ada, id);
    assert_eq!(row["extracted_text"], "original words");
    assert_eq!(row["included_in_training"], true);
    assert_eq!(versions(&host, &ada, id).len(), 1);
    assert_eq!(host.activity_count(ADMIN, "text_corrected"), 0);
    assert_eq!(host.activity_count(ADMIN, "opt_out"), 0);
}

#[test]
fn reviewers_lease_rows_one_at_a_time_and_decide_once() {
    let host = app();
    let ada = host.new_user(ADMIN, "Ada");
    let rev_a = host.new_user_as(ADMIN, "Reviewer A", "reviewer");
    let rev_b = host.new_user_as(ADMIN, "Reviewer B", "reviewer");
    let rows: Vec<i64> = (0..4)
        .map(|i| text_row(&host, &ada, &format!("sentence number {i}")))
        .collect();
    // Reviewers' own rows are never offered to them.
    text_row(&host, &rev_a, "a reviewer's own note");

    // Contributors and strangers cannot review.
    assert_eq!(next(&host, &ada, "").status, 403);
    assert_eq!(next(&host, "nope", "").status, 401);
    let me = host.call("GET", "/api/me", Some(&rev_a), Body::None).json();
    assert_eq!(me["role"], "reviewer");

    let first = next(&host, &rev_a, "");
    assert_eq!(leased_id(&first), rows[0]);
    // Four of Ada's rows wait for A (A's own note is never offered to A).
    assert_eq!(first.json()["remaining"], 4);
    assert!(
        first.json()["row"].get("user_id").is_none(),
        "no owner shown"
    );
    // Asking again keeps the same row; the other reviewer gets the next one.
    assert_eq!(leased_id(&next(&host, &rev_a, "")), rows[0]);
    assert_eq!(leased_id(&next(&host, &rev_b, "")), rows[1]);
    // The reviewer cannot read rows through the owner's API.
    assert_eq!(host.row(&rev_a, rows[0])["status"], 404);

    // Deciding on a row someone else holds, or one nobody leased, is a conflict.
    let r = decide(&host, &rev_a, rows[1], json!({ "decision": "accept" }));
    assert_eq!(r.status, 409, "{:?}", r.json());
    assert!(r.json()["detail"]
        .as_str()
        .unwrap()
        .contains("another reviewer"));
    let r = decide(&host, &rev_a, rows[3], json!({ "decision": "accept" }));
    assert_eq!(r.status, 409);
    assert!(r.json()["detail"].as_str().unwrap().contains("no lease"));

    // Bad decisions are 422 and change nothing.
    for (body, status) in [
        (json!({ "decision": "maybe" }), 422),
        (json!({}), 422),
        (json!({ "decision": "reject", "text": "why" }), 422),
        (json!({ "decision": "accept", "text": "" }), 422),
        (
            json!({ "decision": "accept", "text": "y".repeat(201) }),
            413,
        ),
        (json!({ "decision": "accept", "note": "x" }), 422),
    ] {
        let r = decide(&host, &rev_a, rows[0], body.clone());
        assert_eq!(r.status, status, "{body}: {:?}", r.json());
        assert_eq!(r.header("content-type"), Some("application/problem+json"));
    }
    assert_eq!(host.row(&ada, rows[0])["review_state"], "unreviewed");

    // Accept once; the same request again is answered the same way and logged once.
    let ok = decide(&host, &rev_a, rows[0], json!({ "decision": "accept" }));
    assert_eq!(ok.status, 200, "{:?}", ok.json());
    assert_eq!(ok.json()["review_state"], "accepted");
    assert_eq!(ok.json()["replayed"], false);
    let again = decide(&host, &rev_a, rows[0], json!({ "decision": "accept" }));
    assert_eq!(again.status, 200);
    assert_eq!(again.json()["replayed"], true);
    let changed = decide(&host, &rev_a, rows[0], json!({ "decision": "reject" }));
    assert_eq!(changed.status, 409);
    let other = decide(&host, &rev_b, rows[0], json!({ "decision": "accept" }));
    assert_eq!(other.status, 409);
    assert_eq!(host.activity_count(ADMIN, "review_decided"), 1);
    assert_eq!(host.row(&ada, rows[0])["review_state"], "accepted");

    // Skipping moves on to the next free row; B rejects theirs.
    assert_eq!(leased_id(&next(&host, &rev_a, "")), rows[2]);
    let skipped = next(&host, &rev_a, &format!("?after={}", rows[2]));
    assert_eq!(leased_id(&skipped), rows[3]);
    let r = decide(&host, &rev_b, rows[1], json!({ "decision": "reject" }));
    assert_eq!(r.json()["review_state"], "rejected");
    assert_eq!(
        export_lines(&host, ADMIN, "&reviewed=rejected")
            .iter()
            .map(id_of)
            .collect::<Vec<_>>(),
        vec![rows[1]]
    );

    // Filters and parameters are checked.
    assert_eq!(next(&host, &rev_a, "?modality=smell").status, 422);
    assert_eq!(next(&host, &rev_a, "?lease_seconds=0").status, 422);
    assert_eq!(next(&host, &rev_a, "?after=x").status, 422);
    assert_eq!(next(&host, &rev_a, "?colour=red").status, 422);
    assert_eq!(next(&host, &rev_a, "?modality=voice").status, 204);
    assert_eq!(
        host.call(
            "GET",
            "/api/training-data?reviewed=maybe",
            Some(&ada),
            Body::None
        )
        .status,
        422
    );
    // The admin creates reviewers only with a known role.
    let bad_role = host.call(
        "POST",
        "/api/users",
        Some(ADMIN),
        Body::Json(json!({ "name": "X", "role": "boss" })),
    );
    assert_eq!(bad_role.status, 422);
}

#[test]
fn leases_expire_and_rows_that_change_leave_the_reviewer() {
    let host = app();
    let ada = host.new_user(ADMIN, "Ada");
    let rev_a = host.new_user_as(ADMIN, "Reviewer A", "reviewer");
    let rev_b = host.new_user_as(ADMIN, "Reviewer B", "reviewer");
    let x = text_row(&host, &ada, "a row whose lease runs out");
    assert_eq!(leased_id(&next(&host, &rev_a, "?lease_seconds=5")), x);
    std::thread::sleep(std::time::Duration::from_millis(5500));
    let r = decide(&host, &rev_a, x, json!({ "decision": "accept" }));
    assert_eq!(r.status, 409);
    assert!(
        r.json()["detail"].as_str().unwrap().contains("expired"),
        "{:?}",
        r.json()
    );
    // The expired row is free for the next reviewer.
    assert_eq!(leased_id(&next(&host, &rev_b, "")), x);

    // The owner corrects it while B holds it: B's lease ends, the row waits again.
    assert_eq!(
        patch(&host, &ada, x, json!({ "text": "a corrected row" })).status,
        200
    );
    let r = decide(&host, &rev_b, x, json!({ "decision": "accept" }));
    assert_eq!(r.status, 409, "{:?}", r.json());
    assert_eq!(leased_id(&next(&host, &rev_b, "")), x);

    // The owner opts it out: a decision on it is refused and the queue skips it.
    assert_eq!(
        patch(&host, &ada, x, json!({ "included_in_training": false })).status,
        200
    );
    let r = decide(&host, &rev_b, x, json!({ "decision": "accept" }));
    assert_eq!(r.status, 409);
    assert!(r.json()["detail"].as_str().unwrap().contains("opted out"));
    assert_eq!(next(&host, &rev_b, "").status, 204);

    // A deleted row is gone for reviewers too.
    let y = text_row(&host, &ada, "a row deleted under review");
    assert_eq!(leased_id(&next(&host, &rev_b, "")), y);
    let del = host.call(
        "DELETE",
        &format!("/api/training-data/{y}"),
        Some(&ada),
        Body::None,
    );
    assert_eq!(del.status, 204);
    let r = decide(&host, &rev_b, y, json!({ "decision": "reject" }));
    assert_eq!(r.status, 404);
    assert_eq!(host.activity_count(ADMIN, "review_decided"), 0);
}

#[test]
fn a_reviewer_sees_the_media_of_the_leased_row_only() {
    let host = app();
    let ada = host.new_user(ADMIN, "Ada");
    let rev = host.new_user_as(ADMIN, "Reviewer", "reviewer");
    let a = screenshot_read_as(&host, &ada, 7, "first screen");
    let b = screenshot_read_as(&host, &ada, 8, "second screen");
    let media = |token: &str, id: i64| {
        host.call(
            "GET",
            &format!("/api/training-data/{id}/media"),
            Some(token),
            Body::None,
        )
    };
    let owner_view = media(&ada, a);
    assert_eq!(owner_view.status, 200);
    assert_eq!(owner_view.header("content-type"), Some("image/png"));
    assert_eq!(*owner_view.body.last().unwrap(), 7);
    assert_eq!(media(&rev, a).status, 404, "not leased yet");
    let leased = next(&host, &rev, "?modality=screenshot");
    assert_eq!(leased_id(&leased), a);
    let url = leased.json()["row"]["media_url"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(url.ends_with(&format!("/api/training-data/{a}/media")));
    let seen = media(&rev, a);
    assert_eq!(seen.status, 200);
    assert_eq!(seen.body, owner_view.body);
    assert_eq!(media(&rev, b).status, 404);
    // Text rows have no media.
    let t = text_row(&host, &ada, "no media here");
    assert_eq!(media(&ada, t).status, 404);
}

#[test]
fn accepted_human_text_reaches_the_export_and_the_numbers() {
    let host = app();
    let ada = host.new_user(ADMIN, "Ada");
    let rev = host.new_user_as(ADMIN, "Reviewer", "reviewer");
    let fixed = screenshot_read_as(&host, &ada, 1, "helo wrld");
    let exact = screenshot_read_as(&host, &ada, 2, "all good here");
    let by_reviewer = screenshot_read_as(&host, &ada, 3, "the cat sat dawn");
    // The owner fixes one; the reviewer accepts it, accepts one unchanged, and
    // corrects one while accepting.
    assert_eq!(
        patch(&host, &ada, fixed, json!({ "text": "hello world" })).status,
        200
    );
    let mut seen = Vec::new();
    for _ in 0..3 {
        let r = next(&host, &rev, "");
        let id = leased_id(&r);
        seen.push(id);
        let body = if id == by_reviewer {
            json!({ "decision": "accept", "text": "the cat sat down" })
        } else {
            json!({ "decision": "accept" })
        };
        let d = decide(&host, &rev, id, body);
        assert_eq!(d.status, 200, "{:?}", d.json());
    }
    seen.sort();
    assert_eq!(seen, vec![fixed, exact, by_reviewer]);
    assert_eq!(next(&host, &rev, "").status, 204);

    let accepted = export_lines(&host, ADMIN, "&reviewed=accepted");
    assert_eq!(accepted.len(), 3);
    let line = |id: i64| accepted.iter().find(|l| id_of(l) == id).unwrap().clone();
    assert_eq!(line(fixed)["text"], "hello world");
    assert_eq!(line(fixed)["text_source"], "human");
    assert_eq!(line(fixed)["review_state"], "accepted");
    assert_eq!(line(exact)["text_source"], "machine");
    assert_eq!(line(by_reviewer)["text"], "the cat sat down");
    let history = versions(&host, &ada, by_reviewer);
    assert_eq!(history[0]["text"], "the cat sat dawn");
    assert_eq!(
        history[1]["author"].as_str().unwrap().split(':').next(),
        Some("user")
    );
    // The CSV carries the same columns.
    let csv = host.call(
        "GET",
        "/api/training-data/export?format=csv&reviewed=accepted",
        Some(ADMIN),
        Body::None,
    );
    let csv = String::from_utf8(csv.body).unwrap();
    assert!(
        csv.starts_with("id,modality,text,text_source,review_state,"),
        "{csv}"
    );
    assert!(csv.contains(",hello world,human,accepted,"), "{csv}");

    // WER: "helo wrld" vs "hello world" = 2/2, "all good here" = 0, one word of four = 0.25.
    let metrics = host
        .call("GET", "/api/admin/metrics", Some(ADMIN), Body::None)
        .json();
    let review = &metrics["review"];
    assert_eq!(review["rows"], 3);
    assert_eq!(review["accepted"], 3);
    assert_eq!(review["unreviewed"], 0);
    assert_eq!(review["compared"], 3);
    assert_eq!(review["unchanged"], 1);
    let mean = review["mean_word_error_rate"].as_f64().unwrap();
    assert!((mean - 1.25 / 3.0).abs() < 1e-9, "{mean}");
    assert_eq!(
        host.call("POST", "/api/cleanup-voice-data", Some(ADMIN), Body::None)
            .status,
        200
    );
    let report = host
        .call(
            "GET",
            "/api/cleanup-voice-data/report",
            Some(ADMIN),
            Body::None,
        )
        .json();
    assert_eq!(report["review"], *review);
}

#[test]
fn racing_reviewers_never_share_a_row_and_a_repeated_decision_counts_once() {
    let host = app();
    let ada = host.new_user(ADMIN, "Ada");
    let rows: Vec<i64> = (0..12)
        .map(|i| text_row(&host, &ada, &format!("race row {i}")))
        .collect();
    let reviewers: Vec<String> = (0..6)
        .map(|i| host.new_user_as(ADMIN, &format!("R{i}"), "reviewer"))
        .collect();
    // Every reviewer asks at once (a busy database answers 503: ask again, as a page does).
    let ask = |token: &str| loop {
        let r = next(&host, token, "");
        if r.status != 503 {
            return leased_id(&r);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let leased: Vec<i64> = std::thread::scope(|s| {
        let handles: Vec<_> = reviewers.iter().map(|t| s.spawn(|| ask(t))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut distinct = leased.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), reviewers.len(), "shared a row: {leased:?}");
    assert!(leased.iter().all(|id| rows.contains(id)));
    // One reviewer sends the same decision twice at once: both succeed, one is recorded.
    let (token, id) = (&reviewers[0], leased[0]);
    let answers: Vec<Resp> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| loop {
                    let r = decide(&host, token, id, json!({ "decision": "accept" }));
                    if r.status != 503 {
                        return r;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(50));
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(answers.iter().all(|r| r.status == 200), "{answers:?}");
    let replays = answers
        .iter()
        .filter(|r| r.json()["replayed"] == true)
        .count();
    assert_eq!(replays, 1);
    assert_eq!(host.activity_count(ADMIN, "review_decided"), 1);
}

#[test]
fn erasing_a_corrected_row_erases_every_version_and_vote() {
    let host = TestHost::app_on(
        Backend::Sqlite,
        &[
            ("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN),
            ("SPIN_VARIABLE_WORKER_TOKEN", WORKER),
            ("SPIN_VARIABLE_REVIEW_VOTES_REQUIRED", "2"),
        ],
    )
    .unwrap();
    let ada = host.new_user(ADMIN, "Ada");
    let rita = host.new_user_as(ADMIN, "Rita", "reviewer");
    let id = screenshot_read_as(&host, &ada, 9, "machine words to forget");
    assert_eq!(
        patch(&host, &ada, id, json!({ "text": "human words to forget" })).status,
        200
    );
    // A reviewer's vote proposes a text of its own (the row waits for a second vote).
    let leased = host.call("GET", "/api/review/next", Some(&rita), Body::None);
    assert_eq!(leased.json()["row"]["id"], id);
    let voted = host.call(
        "POST",
        &format!("/api/training-data/{id}/review"),
        Some(&rita),
        Body::Json(json!({ "decision": "accept", "text": "reviewer words to forget" })),
    );
    assert_eq!(voted.json()["review_state"], "unreviewed");
    let del = host.call(
        "DELETE",
        &format!("/api/training-data/{id}"),
        Some(&ada),
        Body::None,
    );
    assert_eq!(del.status, 204);
    let r = host.call(
        "GET",
        &format!("/api/training-data/{id}/versions"),
        Some(&ada),
        Body::None,
    );
    assert_eq!(r.status, 404);
    let db = host.database_path();
    let wal = db.with_file_name("sqlite_db.db-wal");
    for needle in [
        "machine words to forget",
        "human words to forget",
        "reviewer words to forget",
    ] {
        assert!(
            !e2e::file_contains(&db, needle),
            "the database holds {needle:?}"
        );
        assert!(
            !e2e::file_contains(&wal, needle),
            "the WAL holds {needle:?}"
        );
    }
}
