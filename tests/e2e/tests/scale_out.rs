//! Scale-out on libSQL, whatever `TDS_E2E_BACKEND` says: a real sqld with two host
//! instances on it (with the project's flags, `scripts/lib/sqld-flags`). Deletion and
//! what it leaves in sqld's files, account deletion, contention and a fresh database
//! met by both instances at once.

use e2e::sqld::Sqld;
use e2e::{Backend, Body, TestHost};
use serde_json::json;
use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

const ADMIN: &str = "scale-admin";

/// One scaled-out app at a time: each is a sqld and two hosts, and on two cores
/// several at once starve each other's connections.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn scaled_out() -> TestHost {
    TestHost::app_on(Backend::LibSql, &[("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN)]).expect("app starts")
}

/// Which of sqld's files (under its namespace directory, recursively) hold `needle`.
fn files_holding(dir: &Path, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().map_while(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_holding(&path, needle));
        } else if e2e::file_contains(&path, needle) {
            found.push(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    found.sort();
    found
}

#[test]
fn an_erasure_leaves_sqlds_database_and_wal_at_its_next_checkpoint_but_not_its_replication_log() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // The project's flags, with sqld's periodic TRUNCATE checkpoint every second so the
    // test meets the next one soon (the project runs it every 10 s).
    let mut flags = e2e::sqld::project_flags();
    flags.retain(|f| !f.starts_with("--checkpoint-interval-s"));
    flags.push("--checkpoint-interval-s=1".into());
    let server = Sqld::start_with(&flags).unwrap();
    let host = TestHost::app_on_sqld(server, &[("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN)]).unwrap();
    let token = host.new_user(ADMIN, "deleter");
    let secret = "a sentence that must leave the table pages";
    let target = host.contribute_among_fillers(&token, secret);
    let id = target["id"].as_i64().unwrap();
    // Two calls, two instances: the delete is answered by the other one.
    let r = host.call(
        "DELETE",
        &format!("/api/training-data/{id}"),
        Some(&token),
        Body::None,
    );
    assert_eq!(r.status, 204, "{}", String::from_utf8_lossy(&r.body));
    let r = host.call(
        "GET",
        &format!("/api/training-data/{id}"),
        Some(&token),
        Body::None,
    );
    assert_eq!(r.status, 404);

    // The erasure wrote WAL frames; sqld's next TRUNCATE checkpoint empties the WAL.
    let data = host.database_path();
    let wal = data.with_file_name("data-wal");
    e2e::wait_for(
        "sqld's next checkpoint to empty its WAL",
        Duration::from_secs(120),
        || (std::fs::metadata(&wal).map_or(0, |m| m.len()) == 0).then_some(()),
    );
    let hash = target["content_hash"].as_str().unwrap();
    let code = target["verify_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap();
    let namespace = data.parent().unwrap();
    let text_in = files_holding(namespace, secret);
    let hash_in = files_holding(namespace, hash);
    let code_in = files_holding(namespace, code);
    println!("text in {text_in:?}; content hash in {hash_in:?}; verification code in {code_in:?}");
    // The database file and the emptied WAL hold neither the text nor the verification
    // code (overwritten in place, then checkpointed). The content hash was also a key
    // of an index whose freed bytes sqld does not zero (no secure_delete), so it may
    // stay in the file's free space until reused: not asserted either way.
    for (what, found) in [("text", &text_in), ("verification code", &code_in)] {
        for file in ["data", "data-wal"] {
            assert!(
                !found.iter().any(|f| f == file),
                "{what} in {file}: {found:?}"
            );
        }
    }
    // sqld's replication log keeps the page images it wrote, the row's first ones too,
    // until the log is compacted (README, "Your data": upstream, no switch turns it
    // off).
    assert!(text_in.iter().any(|f| f == "wallog"), "{text_in:?}");
    let rows: i64 = rusqlite::Connection::open(&data)
        .unwrap()
        .query_row(
            "SELECT COUNT(*) FROM training_contributions WHERE id = ?1 AND extracted_text IS NOT NULL",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(rows, 0);
}

#[test]
fn deleting_an_account_works_on_libsql() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let host = scaled_out();
    let token = host.new_user(ADMIN, "leaver");
    for i in 0..3 {
        host.contribute(
            &token,
            json!({ "modality": "text", "text": format!("mine {i}") }),
        );
    }
    let r = host.call("DELETE", "/api/me", Some(&token), Body::None);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["erased_contributions"], 3);
    let r = host.call("GET", "/api/training-data", Some(&token), Body::None);
    assert_eq!(r.status, 401, "the token is revoked on every instance");
}

/// 8 writers × 25 posts over both instances: with sqld's default autocheckpoint this
/// stalled every writer in about one run in ten; with the project's periodic TRUNCATE
/// checkpoint it does not (README, "Scaling out"; BENCHMARKS.md). A request unanswered
/// for 60 s fails with sqld's threads dumped.
#[test]
fn concurrent_writers_on_two_instances_never_see_a_500() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let host = scaled_out();
    let token = host.new_user(ADMIN, "busy");
    let writers = 8;
    let each = 25;
    let statuses: Vec<(u16, Option<String>, i64)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..writers)
            .map(|w| {
                let host = &host;
                let token = &token;
                s.spawn(move || {
                    (0..each)
                        .map(|i| {
                            let r = host.call(
                                "POST",
                                "/api/unified-input",
                                Some(token),
                                Body::Json(json!({ "modality": "text", "text": format!("writer {w} item {i}") })),
                            );
                            let id = r.json()["id"].as_i64().unwrap_or(0);
                            (r.status, r.header("retry-after").map(String::from), id)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let mut created = HashSet::new();
    for (status, retry_after, id) in &statuses {
        match status {
            201 => assert!(created.insert(*id), "row {id} reported twice"),
            503 => assert!(retry_after.is_some(), "a 503 says when to retry"),
            other => panic!("unexpected status {other}"),
        }
    }
    // Every 201 row is there once; nothing of a 503 was written.
    let conn = rusqlite::Connection::open(host.database_path()).unwrap();
    let stored: i64 = conn
        .query_row("SELECT COUNT(*) FROM training_contributions", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(stored as usize, created.len());
    let (leaves, max_leaf): (i64, i64) = conn
        .query_row(
            "SELECT COUNT(*), IFNULL(MAX(leaf_index), -1) FROM training_contributions",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(max_leaf + 1, leaves, "Merkle leaves stay contiguous");
    let r = host.call("GET", "/api/activity/verify", Some(ADMIN), Body::None);
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["ok"], true, "{:?}", r.json());
}

#[test]
fn two_instances_meeting_a_fresh_database_migrate_it_once() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let host = scaled_out();
    // The first requests of both instances race on the empty database.
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = host
            .bases()
            .into_iter()
            .flat_map(|base| [base.clone(), base])
            .map(|base| {
                s.spawn(move || {
                    e2e::call(
                        &format!("{base}/api/users"),
                        "POST",
                        Some(ADMIN),
                        Body::Json(json!({ "name": "first" })),
                    )
                    .status
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
    let conn = rusqlite::Connection::open(host.database_path()).unwrap();
    let (applied, distinct): (i64, i64) = conn
        .query_row(
            "SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(applied, distinct);
    assert_eq!(applied as u32, domain::migrations::latest_version());
}
