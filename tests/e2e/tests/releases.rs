//! End-to-end: numbered dataset releases on the real components. A release cut while
//! `release_build_steps` is 1 answers 202 and is finished in the background by the
//! real `native-worker run`; its files download byte for byte as built; the Go tlog
//! auditor finds its signed statement's leaf in the log; the real `datasets` library
//! loads its hf files; a row erased later is withdrawn (left out of the next download,
//! named in the signed deletions list); and `native-worker verify-release` passes on
//! the good files and fails on a flipped byte, a removed row and a forged manifest.

use e2e::hf::{interpreters, unpack};
use e2e::media::{invoice_layout, rendered};
use e2e::worker::Worker;
use e2e::{Body, TestHost};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const ADMIN: &str = "release-admin";
const WORKER: &str = "release-worker";
const KEY: &str = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";

/// The app; `steps`: build steps one request runs on a release.
fn app(steps: &str) -> TestHost {
    TestHost::app(&[
        ("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN),
        ("SPIN_VARIABLE_WORKER_TOKEN", WORKER),
        ("SPIN_VARIABLE_LOG_SIGNING_KEY", KEY),
        ("SPIN_VARIABLE_LOG_ORIGIN", "releases.test/log"),
        ("SPIN_VARIABLE_RELEASE_BUILD_STEPS", steps),
    ])
    .unwrap()
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn get(host: &TestHost, path: &str, token: Option<&str>) -> e2e::Resp {
    host.call("GET", path, token, Body::None)
}

fn cut(host: &TestHost, token: Option<&str>, body: Body) -> e2e::Resp {
    host.call("POST", "/api/releases", token, body)
}

fn verify(host: &TestHost, vkey: &str, manifest: &Path, files: &[&Path]) -> std::process::Output {
    Command::new(e2e::worker_binary())
        .args([
            "verify-release",
            "--api",
            &host.base,
            "--vkey",
            vkey,
            "--release",
            "1",
        ])
        .arg("--manifest")
        .arg(manifest)
        .args(files)
        .output()
        .expect("native-worker runs")
}

fn said(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn a_release_is_built_in_the_background_verified_offline_and_withdraws_an_erased_row() {
    let host = app("1");
    let ada = host.new_user(ADMIN, "Ada");
    let media = tempfile::tempdir().unwrap();
    let texts = [
        "the first memo",
        "mail ada.l@example.org before noon",
        "the third memo",
    ];
    let ids: Vec<i64> = texts
        .iter()
        .map(|t| {
            host.contribute(&ada, json!({ "modality": "text", "text": t }))["id"]
                .as_i64()
                .unwrap()
        })
        .collect();
    let shot = rendered(media.path(), "shot.png", (600, 120), &["Invoice 4521"], &[]);
    let b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &shot);
    let shot_id = host.contribute(&ada, json!({ "modality": "screenshot", "data": b64 }))["id"]
        .as_i64()
        .unwrap();
    host.complete_next_job_located(WORKER, "ocr", "Invoice 4521", invoice_layout());

    // Bad cuts write nothing.
    assert_eq!(cut(&host, None, Body::Json(json!({}))).status, 401);
    assert_eq!(cut(&host, Some(&ada), Body::Json(json!({}))).status, 403);
    assert_eq!(
        cut(
            &host,
            Some(ADMIN),
            Body::Raw("application/json", b"{".to_vec())
        )
        .status,
        400
    );
    assert_eq!(
        cut(&host, Some(ADMIN), Body::Raw("text/plain", b"{}".to_vec())).status,
        415
    );
    let nothing = cut(
        &host,
        Some(ADMIN),
        Body::Json(json!({ "filters": { "modality": "voice" } })),
    );
    assert_eq!(nothing.status, 422, "{:?}", nothing.json());
    assert_eq!(
        get(&host, "/api/releases", None).json()["releases"],
        json!([])
    );

    // One build step per request: the cut answers 202 and the release is building.
    let cut1 = cut(
        &host,
        Some(ADMIN),
        Body::Json(json!({ "name": "spring", "formats": ["jsonl", "hf"], "license": "cc-by-4.0" })),
    );
    assert_eq!(cut1.status, 202, "{:?}", cut1.json());
    assert_eq!(cut1.header("location"), Some("/api/releases/1"));
    assert_eq!(cut1.json()["state"], "building");
    assert_eq!(
        get(&host, "/api/releases/1/download?format=jsonl", Some(ADMIN)).status,
        409
    );
    assert_eq!(
        get(&host, "/api/releases/1/manifest", Some(ADMIN)).status,
        409
    );
    assert_eq!(get(&host, "/api/releases/1/manifest", None).status, 401);
    assert_eq!(
        get(&host, "/api/releases/1/manifest", Some(&ada)).status,
        403
    );
    assert_eq!(get(&host, "/api/releases/7", None).status, 404);
    assert_eq!(
        get(&host, "/api/releases/7/manifest", Some(ADMIN)).status,
        404
    );
    let build = |token: Option<&str>, n: i64| {
        host.call(
            "POST",
            &format!("/api/releases/{n}/build"),
            token,
            Body::None,
        )
    };
    assert_eq!(build(None, 1).status, 401);
    assert_eq!(build(Some(&ada), 1).status, 403);
    assert_eq!(build(Some(ADMIN), 7).status, 404);
    assert_eq!(
        build(Some(ADMIN), 1).status,
        200,
        "the admin may step it on too"
    );

    // The worker steps it on in the background until it is published.
    let worker = Worker::start(&host, WORKER, "releases", &["--kinds", "ocr"]);
    let published = e2e::poll_until(Duration::from_secs(120), || {
        let steps = worker.events("release_step");
        steps
            .iter()
            .any(|l| l["release"] == 1 && l["state"] == "published")
            .then_some(())
    });
    assert!(
        published.is_some(),
        "the worker did not publish release 1: {:?}",
        worker.lines()
    );
    drop(worker);
    let release = get(&host, "/api/releases/1", None).json();
    assert_eq!(
        (&release["rows"], &release["rows_hashed"]),
        (&json!(4), &json!(4))
    );

    let jsonl = get(&host, "/api/releases/1/download?format=jsonl", Some(ADMIN));
    assert_eq!(jsonl.status, 200);
    assert_eq!(
        sha(&jsonl.body),
        release["files"]["jsonl"]["sha256"].as_str().unwrap()
    );
    let hf = get(&host, "/api/releases/1/download?format=hf", Some(ADMIN));
    assert_eq!(
        sha(&hf.body),
        release["files"]["hf"]["sha256"].as_str().unwrap()
    );
    assert_eq!(
        get(&host, "/api/releases/1/download?format=csv", Some(ADMIN)).status,
        422
    );
    assert_eq!(
        get(&host, "/api/releases/1/download?format=jsonl", Some(&ada)).status,
        403
    );
    assert_eq!(
        get(&host, "/api/releases/1/download?format=jsonl", None).status,
        401
    );
    assert_eq!(
        get(&host, "/api/releases/7/download?format=jsonl", Some(ADMIN)).status,
        404
    );
    let manifest = get(&host, "/api/releases/1/manifest", Some(ADMIN));
    assert_eq!(
        sha(&manifest.body),
        release["manifest_sha256"].as_str().unwrap()
    );
    let text = String::from_utf8(jsonl.body.clone()).unwrap();
    assert!(
        text.contains("[EMAIL]") && !text.contains("ada.l@example.org"),
        "{text}"
    );
    // The owner sees which releases hold a row, with its manifest line's hash.
    let first = get(&host, &format!("/api/training-data/{}", ids[0]), Some(&ada)).json();
    let line = text
        .lines()
        .find(|l| serde_json::from_str::<Value>(l).unwrap()["id"] == ids[0])
        .unwrap();
    assert_eq!(
        (
            &first["releases"][0]["name"],
            &first["releases"][0]["row_sha256"],
            &first["releases"][0]["manifest_sha256"]
        ),
        (
            &json!("spring"),
            &json!(sha(line.as_bytes())),
            &release["manifest_sha256"]
        ),
        "{first}"
    );

    // Go's note and tlog packages find the signed statement's leaf in the log.
    let dir = tempfile::tempdir().unwrap();
    let statement = dir.path().join("statement");
    std::fs::write(&statement, release["statement"].as_str().unwrap()).unwrap();
    let vkey = tlog::checkpoint::LogKey::parse(KEY, "releases.test/log")
        .unwrap()
        .verifier_key();
    let audit = Command::new(e2e::tlog_audit::binary())
        .args(["-log", &host.base, "-vkey", &vkey, "-release"])
        .arg(&statement)
        .output()
        .unwrap();
    assert!(audit.status.success(), "{}", said(&audit));
    assert!(
        said(&audit).contains("release 1: statement signed by releases.test/log"),
        "{}",
        said(&audit)
    );

    // The real datasets library loads the release's hf files; its card names it.
    let (_, py52) = interpreters();
    let dataset = dir.path().join("dataset");
    let names = unpack(&hf.body, &dataset);
    // The manifest's media hash is the image's as the hf files carry it (read from
    // the screenshot shard by pyarrow).
    assert!(
        names.contains(&"screenshot/train-00000.parquet".to_string()),
        "{names:?}"
    );
    let read = Command::new(&py52)
        .args([
            "-c",
            "import hashlib, sys, pyarrow.parquet as pq\n\
             for r in pq.read_table(sys.argv[1]).to_pylist(): print(r['id'], hashlib.sha256(r['image']['bytes']).hexdigest())",
        ])
        .arg(dataset.join("screenshot/train-00000.parquet"))
        .output()
        .unwrap();
    assert!(read.status.success(), "{}", said(&read));
    let shot_line = String::from_utf8_lossy(&manifest.body)
        .lines()
        .nth(3)
        .unwrap()
        .to_string();
    assert_eq!(
        String::from_utf8_lossy(&read.stdout).trim(),
        format!("{shot_id} {}", shot_line.split(' ').nth(3).unwrap()),
        "{shot_line}"
    );
    let card = std::fs::read_to_string(dataset.join("README.md")).unwrap();
    assert!(
        card.contains("Release **spring**")
            && card.contains(release["manifest_sha256"].as_str().unwrap()),
        "{card}"
    );
    let rows: Vec<Value> = text
        .lines()
        .map(|l| {
            let r: Value = serde_json::from_str(l).unwrap();
            let words: Vec<Value> = r["boxes"].as_array().into_iter().flatten()
                .map(|b| json!({ "x": b["x"], "y": b["y"], "w": b["w"], "h": b["h"], "text": b["text"], "confidence": b["confidence"] }))
                .collect();
            json!({ "id": r["id"], "modality": r["modality"], "text": r["text"], "content_hash": r["content_hash"],
                    "language": null, "segments": [], "words": words })
        })
        .collect();
    let expected = dir.path().join("expected.json");
    std::fs::write(&expected, json!({ "rows": rows }).to_string()).unwrap();
    let loaded = e2e::python::check(
        &py52,
        "tests/hf/check_export.py",
        &[
            dataset.as_os_str(),
            expected.as_os_str(),
            "all".as_ref(),
            "screenshot".as_ref(),
            "text".as_ref(),
        ],
    );
    assert!(
        loaded.contains("screenshot, 1 rows read, 1 media decoded"),
        "{loaded}"
    );

    // The offline verifier passes on the good files, and fails on a flipped byte, a
    // removed row and a forged manifest.
    let files = dir.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    let (good, tar, man) = (
        files.join("r.jsonl"),
        files.join("r.hf.tar"),
        files.join("r.manifest"),
    );
    std::fs::write(&good, &jsonl.body).unwrap();
    std::fs::write(&tar, &hf.body).unwrap();
    std::fs::write(&man, &manifest.body).unwrap();
    let ok = verify(&host, &vkey, &man, &[&good, &tar]);
    assert!(ok.status.success(), "{}", said(&ok));
    assert!(
        said(&ok).contains("all 4 rows match the manifest"),
        "{}",
        said(&ok)
    );
    let mut flipped = jsonl.body.clone();
    flipped[10] ^= 1;
    let bad = files.join("flipped.jsonl");
    std::fs::write(&bad, &flipped).unwrap();
    let out = verify(&host, &vkey, &man, &[&bad]);
    assert!(
        !out.status.success() && said(&out).contains("does not match the manifest"),
        "{}",
        said(&out)
    );
    let removed: String = text.lines().skip(1).map(|l| format!("{l}\n")).collect();
    let short = files.join("removed.jsonl");
    std::fs::write(&short, removed).unwrap();
    let out = verify(&host, &vkey, &man, &[&short]);
    assert!(!out.status.success(), "{}", said(&out));
    let forged = files.join("forged.manifest");
    let mut lines = String::from_utf8(manifest.body.clone()).unwrap();
    lines = lines.replacen(
        &sha(text.lines().next().unwrap().as_bytes()),
        &"0".repeat(64),
        1,
    );
    std::fs::write(&forged, lines).unwrap();
    let out = verify(&host, &vkey, &forged, &[&good]);
    assert!(
        !out.status.success() && said(&out).contains("not the release's manifest"),
        "{}",
        said(&out)
    );

    // The second row is erased: release 1's downloads leave exactly it out, the
    // signed deletions list names its leaf, and the verifier reports it withdrawn.
    let erased = host.call(
        "DELETE",
        &format!("/api/training-data/{}", ids[1]),
        Some(&ada),
        Body::None,
    );
    assert_eq!(erased.status, 204);
    let again = get(&host, "/api/releases/1/download?format=jsonl", Some(ADMIN));
    let expected_text: String = text
        .lines()
        .filter(|l| serde_json::from_str::<Value>(l).unwrap()["id"] != ids[1])
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        String::from_utf8(again.body.clone()).unwrap(),
        expected_text
    );
    let deletions = get(&host, "/releases/deletions", None);
    assert_eq!(deletions.status, 200);
    let listed =
        tlog::checkpoint::verify_note(&String::from_utf8(deletions.body).unwrap(), &vkey).unwrap();
    let leaf = String::from_utf8_lossy(&manifest.body)
        .lines()
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_string();
    assert!(listed.contains(&format!("\n1 {leaf} ")), "{listed}");
    std::fs::write(&good, &again.body).unwrap();
    let out = verify(&host, &vkey, &man, &[&good]);
    assert!(out.status.success(), "{}", said(&out));
    assert!(
        said(&out).contains(&format!("withdrawn: the row with leaf {leaf}")),
        "{}",
        said(&out)
    );
    // A copy downloaded before the erasure is still genuine: the verifier passes it
    // and says which rows to drop.
    let old = files.join("old.jsonl");
    std::fs::write(&old, &text).unwrap();
    let out = verify(&host, &vkey, &man, &[&old]);
    assert!(out.status.success(), "{}", said(&out));
    assert!(
        said(&out).contains(&format!(
            "still holds the withdrawn rows with leaves {leaf}: drop them"
        )),
        "{}",
        said(&out)
    );
    assert_eq!(get(&host, "/api/releases/1", None).json()["withdrawn"], 1);
}

#[test]
fn a_small_release_is_published_by_the_cut_itself_and_names_are_unique() {
    let host = app("8");
    let ada = host.new_user(ADMIN, "Ada");
    for text in ["one", "two"] {
        host.contribute(&ada, json!({ "modality": "text", "text": text }));
    }
    let first = cut(
        &host,
        Some(ADMIN),
        Body::Json(json!({ "formats": ["txt", "csv", "chat"] })),
    );
    assert_eq!(first.status, 201, "{:?}", first.json());
    assert_eq!(
        (&first.json()["name"], &first.json()["state"]),
        (&json!("v1"), &json!("published"))
    );
    for format in ["txt", "csv", "chat"] {
        let file = get(
            &host,
            &format!("/api/releases/1/download?format={format}"),
            Some(ADMIN),
        );
        assert_eq!(file.status, 200);
        assert_eq!(
            sha(&file.body),
            first.json()["files"][format]["sha256"].as_str().unwrap(),
            "{format}"
        );
    }
    assert_eq!(
        String::from_utf8(get(&host, "/api/releases/1/download?format=txt", Some(ADMIN)).body)
            .unwrap(),
        "one\ntwo\n"
    );
    let taken = cut(&host, Some(ADMIN), Body::Json(json!({ "name": "v1" })));
    assert_eq!(taken.status, 422, "{:?}", taken.json());
    let deletions = get(&host, "/releases/deletions", None);
    assert!(String::from_utf8(deletions.body)
        .unwrap()
        .starts_with("releases.test/log\ntds-release-deletions/v1\n0\n"));
    assert_eq!(
        get(&host, "/api/releases", None).json()["releases"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
