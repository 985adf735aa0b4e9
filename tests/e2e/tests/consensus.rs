//! End-to-end: several reviewers per row (`review_votes_required` = 2). Votes drive
//! rows to each state: validated (agreeing accepts, corrections equal after
//! normalisation), invalidated, and adjudication (accepts of different texts), which an
//! adjudicator settles; a split row waits for a third vote. Nobody decides twice or on
//! their own row; two reviewers racing for the last vote leave the state right; a
//! reviewer never sees others' votes; listings, exports, `/me` and the metrics follow,
//! with Krippendorff's alpha matching PyPI's `krippendorff` (`agreement` below).

use e2e::{Body, TestHost};
use serde_json::{json, Value};

const ADMIN: &str = "consensus-admin";

fn app() -> TestHost {
    TestHost::app(&[
        ("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN),
        ("SPIN_VARIABLE_REVIEW_VOTES_REQUIRED", "2"),
    ])
    .unwrap()
}

fn text_row(host: &TestHost, token: &str, text: &str) -> i64 {
    host.contribute(token, json!({ "modality": "text", "text": text }))["id"]
        .as_i64()
        .unwrap()
}

/// Leases `reviewer`'s next row: its id, and the whole answer.
fn lease(host: &TestHost, reviewer: &str) -> Option<(i64, Value)> {
    let r = host.call("GET", "/api/review/next", Some(reviewer), Body::None);
    match r.status {
        204 => None,
        200 => {
            let body = r.json();
            Some((body["row"]["id"].as_i64().unwrap(), body))
        }
        s => panic!("review/next answered {s}: {:?}", r.json()),
    }
}

fn decide(host: &TestHost, reviewer: &str, id: i64, body: Value) -> e2e::Resp {
    host.call(
        "POST",
        &format!("/api/training-data/{id}/review"),
        Some(reviewer),
        Body::Json(body),
    )
}

/// Leases rows until `reviewer` holds `id` (skipping others), then decides it.
fn vote(host: &TestHost, reviewer: &str, id: i64, body: Value) -> Value {
    let mut after = None;
    for _ in 0..20 {
        let path = match after {
            Some(a) => format!("/api/review/next?after={a}"),
            None => "/api/review/next".to_string(),
        };
        let r = host.call("GET", &path, Some(reviewer), Body::None);
        assert_eq!(r.status, 200, "nothing for {reviewer}: {:?}", r.body);
        let held = r.json()["row"]["id"].as_i64().unwrap();
        if held == id {
            let decided = decide(host, reviewer, id, body);
            assert_eq!(decided.status, 200, "{:?}", decided.json());
            return decided.json();
        }
        after = Some(held);
    }
    panic!("{reviewer} was never offered row {id}");
}

fn state(host: &TestHost, id: i64) -> (String, i64, Option<String>) {
    let row = host.row(ADMIN, id);
    (
        row["review_state"].as_str().unwrap().to_string(),
        row["review_votes"].as_i64().unwrap(),
        row["extracted_text"].as_str().map(str::to_string),
    )
}

#[test]
fn votes_validate_invalidate_wait_and_disagreements_are_adjudicated() {
    let host = app();
    let ada = host.new_user_as(ADMIN, "Ada", "reviewer");
    let [rita, sam, tom] = ["Rita", "Sam", "Tom"].map(|n| host.new_user_as(ADMIN, n, "reviewer"));
    let judge = host.new_user_as(ADMIN, "Judge", "adjudicator");
    let agreed = text_row(&host, &ada, "teh cat sat");
    let rejected = text_row(&host, &ada, "asdf qwer");
    let disputed = text_row(&host, &ada, "a hat or a cat");
    let split = text_row(&host, &ada, "the dog ran");

    // The lease says how many decisions a row has and needs, never how they went.
    let (first, leased) = lease(&host, &rita).unwrap();
    assert_eq!(first, agreed);
    assert_eq!(leased["decisions"], json!({ "required": 2, "cast": 0 }));
    let decided = decide(
        &host,
        &rita,
        agreed,
        json!({ "decision": "accept", "text": "The cat sat." }),
    );
    assert_eq!(
        decided.json()["review_state"],
        "unreviewed",
        "one vote of two"
    );
    let (_, for_sam) = lease(&host, &sam).unwrap();
    assert_eq!(for_sam["decisions"]["cast"], 1);
    let text = for_sam.to_string();
    assert!(
        !text.contains("The cat sat") && !text.contains("user:"),
        "no anchoring: {text}"
    );

    // Validated: corrections equal without case, spacing or edge punctuation agree;
    // the first accept's spelling becomes the text.
    let done = decide(
        &host,
        &sam,
        agreed,
        json!({ "decision": "accept", "text": "the  cat sat" }),
    );
    assert_eq!(done.json()["review_state"], "accepted");
    assert_eq!(
        state(&host, agreed),
        ("accepted".into(), 2, Some("The cat sat.".into()))
    );

    // Invalidated: two rejects.
    vote(&host, &rita, rejected, json!({ "decision": "reject" }));
    vote(&host, &sam, rejected, json!({ "decision": "reject" }));
    assert_eq!(state(&host, rejected).0, "rejected");

    // Adjudication: accepts of different texts; an adjudicator settles it.
    vote(&host, &rita, disputed, json!({ "decision": "accept" }));
    let to_judge = vote(
        &host,
        &sam,
        disputed,
        json!({ "decision": "accept", "text": "a hat, not a cat" }),
    );
    assert_eq!(to_judge["review_state"], "adjudication");
    assert_eq!(
        host.call("GET", "/api/review/adjudications", Some(&rita), Body::None)
            .status,
        403,
        "a reviewer does not adjudicate"
    );
    let listed = host
        .call("GET", "/api/review/adjudications", Some(&judge), Body::None)
        .json();
    let item = &listed["items"][0];
    assert_eq!(item["id"], disputed);
    let proposals: Vec<&str> = item["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    assert_eq!(proposals, ["a hat or a cat", "a hat, not a cat"]);
    assert!(
        !item.to_string().contains("user:"),
        "never who proposed what"
    );
    let adjudicate = |token: &str, id: i64, body: Value| {
        host.call(
            "POST",
            &format!("/api/training-data/{id}/adjudicate"),
            Some(token),
            Body::Json(body),
        )
    };
    assert_eq!(
        adjudicate(&rita, disputed, json!({ "decision": "accept" })).status,
        403
    );
    // Bad input is refused before anything is written.
    let absent = adjudicate(&judge, 999_999, json!({ "decision": "reject" }));
    assert_eq!(absent.status, 404);
    let reject_with_text = adjudicate(
        &judge,
        disputed,
        json!({ "decision": "reject", "text": "x" }),
    );
    assert_eq!(reject_with_text.status, 422);
    let huge = adjudicate(
        &judge,
        disputed,
        json!({ "decision": "accept", "text": "w ".repeat(60_000) }),
    );
    assert_eq!(huge.status, 413);
    assert_eq!(state(&host, disputed).0, "adjudication");
    let settled = adjudicate(
        &judge,
        disputed,
        json!({ "decision": "accept", "text": "a hat, not a cat" }),
    );
    assert_eq!(settled.status, 200, "{:?}", settled.json());
    assert_eq!(
        state(&host, disputed),
        ("accepted".into(), 2, Some("a hat, not a cat".into()))
    );
    let again = adjudicate(&judge, disputed, json!({ "decision": "reject" }));
    assert_eq!(again.status, 409, "not waiting for an adjudicator any more");
    assert_eq!(
        adjudicate(ADMIN, agreed, json!({ "decision": "reject" })).status,
        409
    );

    // A split row waits for a third vote, which decides it.
    vote(&host, &rita, split, json!({ "decision": "accept" }));
    vote(&host, &sam, split, json!({ "decision": "reject" }));
    assert_eq!(
        state(&host, split),
        ("unreviewed".into(), 2, Some("the dog ran".into()))
    );
    vote(&host, &tom, split, json!({ "decision": "accept" }));
    assert_eq!(state(&host, split).0, "accepted");

    // Each decides once; the owner never decides; no row is left for Rita.
    let twice = decide(&host, &rita, rejected, json!({ "decision": "accept" }));
    assert_eq!(twice.status, 409);
    let same = decide(&host, &rita, rejected, json!({ "decision": "reject" }));
    assert_eq!(
        (same.status, same.json()["replayed"].as_bool()),
        (200, Some(true))
    );
    assert_eq!(
        decide(&host, &ada, split, json!({ "decision": "reject" })).status,
        403
    );
    assert!(lease(&host, &rita).is_none());

    // Listings by consensus state, the owner's view, the export and the metrics.
    let listed = |q: &str| -> Vec<i64> {
        let r = host.call(
            "GET",
            &format!("/api/training-data?reviewed={q}"),
            Some(ADMIN),
            Body::None,
        );
        assert_eq!(r.status, 200, "{q}");
        r.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(listed("validated"), [split, disputed, agreed]);
    assert_eq!(listed("invalidated"), [rejected]);
    assert!(listed("adjudication").is_empty() && listed("pending").is_empty());
    let mine = host.row(&ada, split);
    assert_eq!(
        (mine["review_state"].as_str(), mine["review_votes"].as_i64()),
        (Some("accepted"), Some(3))
    );
    let export = host.call(
        "GET",
        "/api/training-data/export?format=jsonl",
        Some(ADMIN),
        Body::None,
    );
    let lines: Vec<Value> = String::from_utf8(export.body)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let exported = lines.iter().find(|l| l["id"] == split).unwrap();
    assert_eq!(
        (
            exported["review_state"].as_str(),
            exported["review_votes"].as_i64()
        ),
        (Some("accepted"), Some(3))
    );
    let review = host
        .call("GET", "/api/admin/metrics", Some(ADMIN), Body::None)
        .json()["review"]
        .clone();
    assert_eq!(
        (
            review["accepted"].as_i64(),
            review["rejected"].as_i64(),
            review["adjudication"].as_i64()
        ),
        (Some(3), Some(1), Some(0))
    );
    assert_eq!(review["alpha_units"], 4);
    let reviewers: Vec<&str> = review["reviewers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reviewer"].as_str().unwrap())
        .collect();
    assert_eq!(
        reviewers.len(),
        3,
        "{reviewers:?}: adjudications are not votes"
    );
    let sam_id = host.call("GET", "/api/me", Some(&sam), Body::None).json()["id"].clone();
    let sam_figures = review["reviewers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["reviewer"] == format!("user:{sam_id}"))
        .unwrap();
    assert_eq!(sam_figures["decisions"], 4);
    assert_eq!(
        sam_figures["agreement"], 0.75,
        "Sam's reject of the split row lost"
    );
    assert!(sam_figures["median_seconds"].as_f64().unwrap() >= 0.0);
    // The dashboard's alpha is Krippendorff's, by PyPI's implementation: reviewers
    // Rita, Sam and Tom (rows) over the four rows (columns), 1 for accept.
    let votes = json!([[[1, 0, 1, 1], [1, 0, 1, 0], [null, null, null, 1]]]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("votes.json");
    std::fs::write(&file, votes.to_string()).unwrap();
    let py = e2e::python::prepared("TDS_KRIPPENDORFF_PYTHON", "prepare-krippendorff").unwrap();
    let out = e2e::python::check(
        std::path::Path::new(&py),
        "tests/agreement/krippendorff_alpha.py",
        &[file.as_os_str()],
    );
    let expected: Vec<f64> = serde_json::from_str(out.trim()).unwrap();
    let alpha = review["alpha"].as_f64().unwrap();
    assert!(
        (alpha - expected[0]).abs() < 1e-9,
        "{alpha} vs {}",
        expected[0]
    );
    assert_eq!(host.activity_count(ADMIN, "review_adjudicated"), 1);
    assert_eq!(host.activity_count(ADMIN, "review_decided"), 9);
}

#[test]
fn two_reviewers_racing_for_the_last_vote_leave_the_state_right() {
    let host = app();
    let ada = host.new_user(ADMIN, "Ada");
    let [rita, sam, tom] = ["Rita", "Sam", "Tom"].map(|n| host.new_user_as(ADMIN, n, "reviewer"));
    let id = text_row(&host, &ada, "one row");
    vote(&host, &rita, id, json!({ "decision": "accept" }));
    let host = std::sync::Arc::new(host);
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
    let racers: Vec<_> = [sam, tom]
        .into_iter()
        .map(|token| {
            let (host, barrier) = (host.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                // Whoever gets the lease decides; the other is told who holds it.
                let leased = lease(&host, &token);
                barrier.wait();
                decide(&host, &token, id, json!({ "decision": "accept" })).status
                    + if leased.is_some() { 1000 } else { 0 }
            })
        })
        .collect();
    let mut outcomes: Vec<u16> = racers.into_iter().map(|t| t.join().unwrap()).collect();
    outcomes.sort();
    assert_eq!(
        outcomes,
        [409, 1200],
        "one leased and decided, the other was refused"
    );
    assert_eq!(
        state(&host, id),
        ("accepted".into(), 2, Some("one row".into()))
    );
}

#[test]
fn single_decisions_made_before_the_upgrade_become_votes_and_keep_their_state() {
    // A database as the previous release left it (migrations up to 0009): one row
    // accepted by a reviewer, one rejected by the admin, one waiting.
    let host = TestHost::app_on(
        e2e::Backend::Sqlite,
        &[
            ("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN),
            ("SPIN_VARIABLE_REVIEW_VOTES_REQUIRED", "2"),
        ],
    )
    .unwrap();
    let (ada, rita, sam) = ("tdk_ada", "tdk_rita", "tdk_sam");
    {
        let db = domain::native_sqlite::SqliteDb(
            rusqlite::Connection::open(host.database_path()).unwrap(),
        );
        domain::migrations::migrate_to(&db, 9).unwrap();
        let sql = |statement: &str| db.0.execute_batch(statement).unwrap();
        for (name, token, role) in [
            ("Ada", ada, "contributor"),
            ("Rita", rita, "reviewer"),
            ("Sam", sam, "reviewer"),
        ] {
            sql(&format!(
                "INSERT INTO users (name, token_hash, role, created_at) VALUES ('{name}', '{}', '{role}', '2026-12-01T00:00:00.000Z')",
                domain::auth::token_hash(token)
            ));
        }
        for (id, state, by) in [
            (1, "accepted", "'user:2'"),
            (2, "rejected", "'admin'"),
            (3, "unreviewed", "NULL"),
        ] {
            sql(&format!(
                "INSERT INTO training_contributions (id, user_id, modality, status, mime, byte_size, content_hash, \
                 extracted_text, text_version, text_source, review_state, reviewed_by, reviewed_at, created_at, updated_at) \
                 VALUES ({id}, 1, 'text', 'complete', 'text/plain', 3, 'h{id}', 'row {id}', 1, 'contributor', '{state}', {by}, \
                 '2026-12-01T10:00:00.000Z', '2026-12-01T09:00:00.000Z', '2026-12-01T09:00:00.000Z'); \
                 INSERT INTO text_versions (contribution_id, version, text, source, author, created_at) \
                 VALUES ({id}, 1, 'row {id}', 'contributor', 'user:1', '2026-12-01T09:00:00.000Z')"
            ));
        }
    }
    // The first request upgrades it.
    let rows: Vec<(String, i64)> = (1..=3)
        .map(|id| {
            let row = host.row(ada, id);
            (
                row["review_state"].as_str().unwrap().to_string(),
                row["review_votes"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("accepted".into(), 1),
            ("rejected".into(), 1),
            ("unreviewed".into(), 0)
        ]
    );
    let review = host
        .call("GET", "/api/admin/metrics", Some(ADMIN), Body::None)
        .json()["review"]
        .clone();
    let reviewers: Vec<(String, i64)> = review["reviewers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["reviewer"].as_str().unwrap().to_string(),
                r["decisions"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(reviewers, [("admin".into(), 1), ("user:2".into(), 1)]);
    // The waiting row now needs two votes.
    vote(&host, rita, 3, json!({ "decision": "accept" }));
    assert_eq!(state(&host, 3).0, "unreviewed");
    vote(&host, sam, 3, json!({ "decision": "accept" }));
    assert_eq!(
        state(&host, 3),
        ("accepted".into(), 2, Some("row 3".into()))
    );
}
