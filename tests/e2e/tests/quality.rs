//! End-to-end: data-quality scans and cleanup, the tamper-evident activity log and the
//! admin metrics, through the real components.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use e2e::{Body, TestHost};
use serde_json::{json, Value};

const ADMIN: &str = "quality-admin";

fn app(extra: &[(&str, &str)]) -> TestHost {
    let mut env = vec![("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN)];
    env.extend_from_slice(extra);
    TestHost::app(&env).unwrap()
}

fn user(host: &TestHost, name: &str) -> String {
    host.new_user(ADMIN, name)
}

fn contribute(host: &TestHost, token: &str, body: Value) -> i64 {
    host.contribute(token, body)["id"].as_i64().unwrap()
}

fn wav(amplitude: i16) -> Vec<u8> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 16000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut c = std::io::Cursor::new(Vec::new());
    let mut w = hound::WavWriter::new(&mut c, spec).unwrap();
    for i in 0..1600 {
        let s = (i as f32 * 0.2).sin() * f32::from(amplitude);
        w.write_sample(s as i16).unwrap();
    }
    w.finalize().unwrap();
    c.into_inner()
}

fn sql(host: &TestHost, statement: &str) {
    rusqlite::Connection::open(host.database_path())
        .unwrap()
        .execute_batch(statement)
        .unwrap();
}

fn scalar(host: &TestHost, q: &str) -> i64 {
    rusqlite::Connection::open(host.database_path())
        .unwrap()
        .query_row(q, [], |r| r.get(0))
        .unwrap()
}

fn ids(v: &Value) -> Vec<i64> {
    let mut out: Vec<i64> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    out.sort();
    out
}

#[test]
fn scan_classifies_a_seeded_mix_and_cleanup_acts_once() {
    let host = app(&[]);
    let t = user(&host, "Ada");
    let complete = contribute(
        &host,
        &t,
        json!({ "modality": "text", "text": "complete text" }),
    );
    let stale = contribute(
        &host,
        &t,
        json!({ "modality": "voice", "data": B64.encode(wav(9000)) }),
    );
    let failed = contribute(
        &host,
        &t,
        json!({ "modality": "voice", "data": B64.encode(wav(8000)) }),
    );
    let silent = contribute(
        &host,
        &t,
        json!({ "modality": "voice", "data": B64.encode(wav(0)) }),
    );
    let orphan_row = contribute(
        &host,
        &t,
        json!({ "modality": "voice", "data": B64.encode(wav(7000)) }),
    );
    let fresh = contribute(
        &host,
        &t,
        json!({ "modality": "voice", "data": B64.encode(wav(6000)) }),
    );
    let ocr_failed = contribute(
        &host,
        &t,
        json!({ "modality": "screenshot", "data": B64.encode(b"\x89PNG\r\n\x1a\nsome image bytes") }),
    );
    sql(&host, &format!(
        "UPDATE training_contributions SET created_at = '2020-01-01T00:00:00.000Z' WHERE id = {stale};
         UPDATE training_contributions SET status = 'failed', last_error = 'decoder exploded' WHERE id IN ({failed}, {ocr_failed});
         UPDATE jobs SET state = 'dead', attempts = 5 WHERE contribution_id IN ({failed}, {ocr_failed});
         PRAGMA foreign_keys = OFF;
         DELETE FROM blobs WHERE sha256 = (SELECT blob_sha256 FROM training_contributions WHERE id = {orphan_row});
         INSERT INTO blobs (sha256, mime, byte_size, data, created_at) VALUES ('feedface', 'audio/wav', 3, x'010203', '2026-01-01');"
    ));
    let r = host.call("POST", "/api/cleanup-voice-data", Some(ADMIN), Body::None);
    assert_eq!(r.status, 200, "{:?}", r.json());
    let s = r.json();
    let o = &s["overall"];
    assert_eq!(
        (
            o["total"].as_i64(),
            o["complete"].as_i64(),
            o["incomplete"].as_i64(),
            o["empty"].as_i64(),
            o["orphaned"].as_i64(),
            o["in_progress"].as_i64()
        ),
        (Some(7), Some(1), Some(3), Some(1), Some(1), Some(1))
    );
    assert_eq!(o["orphaned_blobs"], 1);
    assert!((o["score"].as_f64().unwrap() - 1.0 / 7.0).abs() < 1e-9);
    assert_eq!(s["by_modality"]["text"]["score"], 1.0);
    assert_eq!(s["by_modality"]["voice"]["total"], 5);

    let report = host
        .call(
            "GET",
            "/api/cleanup-voice-data/report",
            Some(ADMIN),
            Body::None,
        )
        .json();
    let d = &report["details"];
    assert_eq!(ids(&d["incomplete"]), vec![stale, failed, ocr_failed]);
    assert_eq!(ids(&d["empty"]), vec![silent]);
    assert_eq!(ids(&d["orphaned"]), vec![orphan_row]);
    assert_eq!(ids(&d["in_progress"]), vec![fresh]);
    assert_eq!(d["orphaned_blobs"][0]["sha256"], "feedface");
    let failed_entry = d["incomplete"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == failed)
        .unwrap();
    assert_eq!(
        (
            failed_entry["reason"].as_str(),
            failed_entry["last_error"].as_str()
        ),
        (Some("extraction failed"), Some("decoder exploded"))
    );
    let _ = complete;

    // Dry run by default: nothing changes.
    let dry = host
        .call(
            "POST",
            "/api/cleanup-voice-data/execute",
            Some(ADMIN),
            Body::Json(json!({ "actions": ["retry_whisper", "delete"] })),
        )
        .json();
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["results"].as_array().unwrap().len(), 3);
    assert_eq!(scalar(&host, "SELECT COUNT(*) FROM jobs"), 6);
    let run = |body: Value| {
        host.call(
            "POST",
            "/api/cleanup-voice-data/execute",
            Some(ADMIN),
            Body::Json(body),
        )
        .json()
    };
    let done = run(json!({ "actions": ["retry_whisper", "delete"], "confirm": true }));
    let outcomes: Vec<(i64, String)> = done["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_i64().unwrap(),
                r["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // The stale row's job never left the queue (no worker claimed it): nothing to add.
    assert_eq!(
        outcomes,
        vec![
            (stale, "skipped: already queued".into()),
            (failed, "requeued".into()),
            (silent, "deleted".into())
        ]
    );
    assert_eq!(scalar(&host, &format!("SELECT COUNT(*) FROM jobs WHERE contribution_id = {failed} AND state = 'pending' AND attempts = 0")), 1);
    assert_eq!(scalar(&host, &format!("SELECT COUNT(*) FROM training_contributions WHERE id = {failed} AND status = 'pending'")), 1);
    assert_eq!(scalar(&host, &format!("SELECT COUNT(*) FROM training_contributions WHERE id = {silent} AND deleted_at IS NOT NULL")), 1);
    assert_eq!(scalar(&host, &format!("SELECT COUNT(*) FROM jobs WHERE contribution_id = {ocr_failed} AND state = 'pending'")), 0, "OCR rows need retry_ocr");
    // Twice: no double work.
    let jobs_before = scalar(&host, "SELECT COUNT(*) FROM jobs");
    let again = run(json!({ "actions": ["retry_whisper", "delete"], "confirm": true }));
    let outcomes: Vec<&str> = again["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        [
            "skipped: already queued",
            "skipped: already queued",
            "skipped: already deleted"
        ]
    );
    assert_eq!(scalar(&host, "SELECT COUNT(*) FROM jobs"), jobs_before);
    let only = run(json!({ "actions": ["retry_ocr"], "ids": [ocr_failed], "confirm": true }));
    assert_eq!(only["results"][0]["outcome"], "requeued");

    let history = host
        .call(
            "GET",
            "/api/cleanup-voice-data/report",
            Some(ADMIN),
            Body::None,
        )
        .json()["history"]
        .clone();
    assert_eq!(history.as_array().unwrap().len(), 1);
    host.call(
        "POST",
        "/api/cleanup-voice-data",
        Some(ADMIN),
        Body::Json(json!({ "modality": "voice" })),
    );
    let history = host
        .call(
            "GET",
            "/api/cleanup-voice-data/report",
            Some(ADMIN),
            Body::None,
        )
        .json()["history"]
        .clone();
    assert_eq!(history.as_array().unwrap().len(), 2, "each scan is kept");

    let status = |method: &str, path: &str, token: Option<&str>, body: Body| {
        host.call(method, path, token, body).status
    };
    assert_eq!(
        status("POST", "/api/cleanup-voice-data", Some(&t), Body::None),
        403
    );
    assert_eq!(
        status(
            "POST",
            "/api/cleanup-voice-data",
            Some(ADMIN),
            Body::Json(json!({ "modality": "smell" }))
        ),
        422
    );
    // A negative age, or one past a century (whose cut-off no clock can write).
    for minutes in [-1, 100 * 366 * 24 * 60 + 1, i64::MAX] {
        assert_eq!(
            status(
                "POST",
                "/api/cleanup-voice-data",
                Some(ADMIN),
                Body::Json(json!({ "stale_after_minutes": minutes }))
            ),
            422,
            "stale_after_minutes {minutes}"
        );
    }
    assert_eq!(
        status(
            "POST",
            "/api/cleanup-voice-data/execute",
            Some(ADMIN),
            Body::Json(json!({ "actions": ["burn"] }))
        ),
        422
    );
    assert_eq!(
        status(
            "POST",
            "/api/cleanup-voice-data/execute",
            Some(ADMIN),
            Body::Json(json!({ "actions": [] }))
        ),
        422
    );
    assert_eq!(
        status(
            "POST",
            "/api/cleanup-voice-data/execute",
            Some(ADMIN),
            Body::Json(json!({}))
        ),
        422
    );
    assert_eq!(
        status(
            "GET",
            "/api/cleanup-voice-data/execute",
            Some(ADMIN),
            Body::None
        ),
        405
    );
}

#[test]
fn execute_before_any_scan_is_a_conflict() {
    let host = app(&[]);
    let r = host.call(
        "POST",
        "/api/cleanup-voice-data/execute",
        Some(ADMIN),
        Body::Json(json!({ "actions": ["delete"] })),
    );
    assert_eq!(r.status, 409);
    assert_eq!(
        host.call(
            "GET",
            "/api/cleanup-voice-data/report",
            Some(ADMIN),
            Body::None
        )
        .status,
        404
    );
}

fn verify(host: &TestHost) -> Value {
    let r = host.call("GET", "/api/activity/verify", Some(ADMIN), Body::None);
    assert_eq!(r.status, 200, "{:?}", r.json());
    r.json()
}

#[test]
fn tampering_with_the_activity_log_is_detected() {
    let host = app(&[]);
    let t = user(&host, "Ada");
    for i in 0..6 {
        contribute(
            &host,
            &t,
            json!({ "modality": "text", "text": format!("entry {i}") }),
        );
    }
    let v = verify(&host);
    assert_eq!(
        (v["ok"].as_bool(), v["first_bad_id"].clone()),
        (Some(true), Value::Null)
    );
    let n = v["checked"].as_i64().unwrap();
    assert_eq!(n, scalar(&host, "SELECT COUNT(*) FROM activity_log"));
    sql(
        &host,
        "UPDATE activity_log SET action_data = '{\"contribution_id\":99}' WHERE id = 4",
    );
    let v = verify(&host);
    assert_eq!(
        (v["ok"].as_bool(), v["first_bad_id"].as_i64()),
        (Some(false), Some(4))
    );

    let host = app(&[]);
    let t = user(&host, "Ada");
    for i in 0..6 {
        contribute(
            &host,
            &t,
            json!({ "modality": "text", "text": format!("entry {i}") }),
        );
    }
    sql(&host, "DELETE FROM activity_log WHERE id = 5");
    assert_eq!(verify(&host)["first_bad_id"], 5);
    let host = app(&[]);
    let t = user(&host, "Ada");
    contribute(&host, &t, json!({ "modality": "text", "text": "x" }));
    sql(
        &host,
        "UPDATE activity_log SET created_at = '2020-01-01T00:00:00.000Z' WHERE id = 1",
    );
    assert_eq!(
        verify(&host)["first_bad_id"],
        1,
        "timestamps are covered too"
    );
}

#[test]
fn deleting_the_newest_entries_is_caught_by_the_signed_checkpoint() {
    let key = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
    let host = app(&[("SPIN_VARIABLE_LOG_SIGNING_KEY", key)]);
    let t = user(&host, "Ada");
    for i in 0..3 {
        contribute(
            &host,
            &t,
            json!({ "modality": "text", "text": format!("entry {i}") }),
        );
    }
    assert_eq!(
        host.call("GET", "/api/proofs/checkpoint", Some(&t), Body::None)
            .status,
        200
    );
    let head = scalar(&host, "SELECT MAX(id) FROM activity_log");
    let v = verify(&host);
    assert_eq!(
        (v["ok"].as_bool(), v["checkpoint"]["matches"].as_bool()),
        (Some(true), Some(true))
    );
    sql(
        &host,
        &format!("DELETE FROM activity_log WHERE id >= {}", head - 1),
    );
    let v = verify(&host);
    assert_eq!(v["ok"], false, "{v}");
    assert_eq!(
        v["first_bad_id"].as_i64(),
        Some(head),
        "the entry the checkpoint recorded is gone"
    );
}

#[test]
fn concurrent_writers_never_fork_the_chain() {
    let host = app(&[]);
    let tokens: Vec<String> = (0..16).map(|i| user(&host, &format!("u{i}"))).collect();
    let base = host.base.clone();
    std::thread::scope(|s| {
        for (c, token) in tokens.iter().enumerate() {
            let base = base.clone();
            s.spawn(move || {
                for i in 0..62 {
                    let body =
                        json!({ "modality": "text", "text": format!("client {c} action {i}") });
                    let r = e2e::call(
                        &format!("{base}/api/unified-input"),
                        "POST",
                        Some(token),
                        Body::Json(body),
                    );
                    assert_eq!(r.status, 201);
                }
            });
        }
    });
    let v = verify(&host);
    assert_eq!(v["ok"], true, "{v}");
    assert!(
        v["checked"].as_i64().unwrap() >= 16 * 62 + 16 + 16,
        "contributions, user creations and logins"
    );
}

#[test]
fn logins_are_daily() {
    let host = app(&[]);
    let t = user(&host, "Ada");
    for _ in 0..3 {
        host.call("GET", "/api/training-data", Some(&t), Body::None);
    }
    assert_eq!(
        scalar(
            &host,
            "SELECT COUNT(*) FROM activity_log WHERE log_type = 'user_login'"
        ),
        1,
        "first use per day only"
    );
    let listed = host
        .call(
            "GET",
            "/api/activity?type=user_login",
            Some(ADMIN),
            Body::None,
        )
        .json();
    assert_eq!(
        listed["items"][0]["ip_address"], "127.0.0.1",
        "within retention the full address is kept"
    );
    let r = host.call(
        "GET",
        "/api/activity?type=nothing&since=2000-01-01T00:00:00Z&user=1",
        Some(ADMIN),
        Body::None,
    );
    assert_eq!(
        (r.status, r.json()["items"].as_array().unwrap().len()),
        (200, 0)
    );
    assert_eq!(
        host.call("GET", "/api/activity?bogus=1", Some(ADMIN), Body::None)
            .status,
        422
    );
    assert_eq!(
        host.call("GET", "/api/activity", Some(&t), Body::None)
            .status,
        403
    );
}

#[test]
fn ips_are_truncated_after_retention_and_the_chain_still_verifies() {
    // A retention of zero days: every address is past it at the next admin read.
    let host = app(&[("SPIN_VARIABLE_IP_RETENTION_DAYS", "0")]);
    let t = user(&host, "Ada");
    contribute(&host, &t, json!({ "modality": "text", "text": "x" }));
    let listed = host
        .call("GET", "/api/activity?limit=500", Some(ADMIN), Body::None)
        .json();
    let ips: Vec<&Value> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["ip_address"])
        .collect();
    assert!(ips.iter().any(|ip| *ip == "127.0.0.0"), "{ips:?}");
    assert!(ips.iter().all(|ip| *ip != "127.0.0.1"));
    assert_eq!(
        verify(&host)["ok"],
        true,
        "the chain covers a keyed digest, not the address"
    );
}

#[test]
fn metrics_count_each_day() {
    let host = app(&[]);
    let t = user(&host, "Ada");
    for i in 0..3 {
        contribute(
            &host,
            &t,
            json!({ "modality": "text", "text": format!("t{i}") }),
        );
    }
    contribute(
        &host,
        &t,
        json!({ "modality": "voice", "data": B64.encode(wav(5000)) }),
    );
    let v = host
        .call(
            "POST",
            "/api/unified-input",
            Some(&t),
            Body::Json(json!({ "modality": "text", "text": "qr" })),
        )
        .json();
    let code_path = v["verify_url"]
        .as_str()
        .unwrap()
        .trim_start_matches(&host.base)
        .to_string();
    host.call("GET", &code_path, None, Body::None);
    host.call("GET", &code_path, None, Body::None);
    host.call("POST", "/api/cleanup-voice-data", Some(ADMIN), Body::None);
    let m = host
        .call("GET", "/api/admin/metrics?days=7", Some(ADMIN), Body::None)
        .json();
    let last = |k: &Value| k.as_array().unwrap().last().unwrap().clone();
    assert_eq!(m["days"].as_array().unwrap().len(), 7);
    assert_eq!(last(&m["contributions"]["text"]), 4.0);
    assert_eq!(last(&m["contributions"]["voice"]), 1.0);
    assert_eq!(last(&m["qr_scans"]), 2.0);
    assert_eq!(last(&m["logins"]), 1.0);
    assert_eq!(last(&m["training_rows"]), 4.0);
    assert!((last(&m["quality_score"]).as_f64().unwrap() - 0.8).abs() < 1e-9);
    assert_eq!(m["jobs"], json!({ "queued": 1, "dead": 0 }));
    assert!(
        m["charts"]["contributions"]
            .as_str()
            .unwrap()
            .contains(">5</text>"),
        "today's bar shows 5"
    );
    assert_eq!(
        host.call("GET", "/api/admin/metrics?days=0", Some(ADMIN), Body::None)
            .status,
        422
    );
    assert_eq!(
        host.call("GET", "/api/admin/metrics", Some(&t), Body::None)
            .status,
        403
    );
    let page = host.call("GET", "/admin/logs", None, Body::None);
    assert_eq!(
        (page.status, page.content_type.as_str()),
        (200, "text/html; charset=utf-8")
    );
}
