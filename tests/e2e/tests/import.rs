//! End-to-end: bulk import on the real components. A contributor's JSONL of texts, a
//! spoken WAV and a rendered PNG, with bad lines among them, becomes rows exactly like
//! single contributions (leaf, verify page, extraction job, the worker's transcript),
//! every bad line reported with its problem; running it again creates nothing; the
//! report is kept for its importer; and bodies that are not the declared format, too
//! many lines or no token are refused before anything is written.

use base64::Engine as _;
use e2e::media::{rendered, speech};
use e2e::{Body, TestHost};
use serde_json::{json, Value};

const ADMIN: &str = "import-admin";
const WORKER: &str = "import-worker";

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn import(host: &TestHost, token: Option<&str>, body: &str) -> e2e::Resp {
    host.call(
        "POST",
        "/api/import",
        token,
        Body::Raw("application/x-ndjson", body.as_bytes().to_vec()),
    )
}

fn log_size(host: &TestHost) -> u64 {
    host.call("GET", "/api/proofs/checkpoint", None, Body::None)
        .json()["tree_size"]
        .as_u64()
        .unwrap_or(0)
}

#[test]
fn a_jsonl_import_makes_real_rows_reports_bad_lines_and_resumes_without_duplicates() {
    let host = TestHost::app(&[
        ("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN),
        ("SPIN_VARIABLE_WORKER_TOKEN", WORKER),
        ("SPIN_VARIABLE_CAMPAIGNS", "true"),
    ])
    .unwrap();
    let ada = host.new_user(ADMIN, "Ada");
    let grace = host.new_user(ADMIN, "Grace");
    let media = tempfile::tempdir().unwrap();
    let wav = speech(media.path(), "memo.wav", "Please call me back tomorrow.");
    let png = rendered(media.path(), "note.png", (500, 100), &["Order 7731"], &[]);
    let lines = [
        json!({ "modality": "text", "text": "the first imported memo", "source_id": "t-1", "created_at": "2025-06-01T08:30:00Z" }),
        json!({ "modality": "voice", "data": b64(&wav), "source_id": "v-1", "metadata": { "device": "phone" } }),
        json!({ "modality": "screenshot", "data": b64(&png), "source_id": "s-1" }),
        json!({ "modality": "screenshot", "data": b64(b"GIF89a not a png"), "source_id": "s-2" }),
        json!({ "modality": "text", "text": "the same id again", "source_id": "t-1" }),
    ];
    let mut body: String = lines.iter().map(|l| format!("{l}\n")).collect();
    body.push_str("{\"modality\": \"text\", \"text\": \n");
    let before = log_size(&host);

    let first = import(&host, Some(&ada), &body);
    assert_eq!(first.status, 201, "{:?}", first.json());
    let answer = first.json();
    let outcome = |i: usize| {
        let l = &answer["lines"][i];
        (
            l["line"].as_i64().unwrap(),
            l["outcome"].as_str().unwrap().to_string(),
            l["status"].as_u64(),
        )
    };
    assert_eq!(
        (0..6).map(outcome).collect::<Vec<_>>(),
        [
            (1, "created".into(), None),
            (2, "created".into(), None),
            (3, "created".into(), None),
            (4, "rejected".into(), Some(415)),
            (5, "rejected".into(), Some(422)),
            (6, "rejected".into(), Some(400)),
        ],
        "{answer}"
    );
    let id = answer["import"]["id"].as_i64().unwrap();
    assert_eq!(
        first.header("location"),
        Some(format!("/api/imports/{id}").as_str())
    );
    assert_eq!(log_size(&host), before + 3, "three leaves, one per row");

    // Each row is a contribution like any other: its own verify page, its provenance,
    // and the voice memo transcribed by the real worker like any memo.
    let ids: Vec<i64> = (0..3)
        .map(|i| answer["lines"][i]["id"].as_i64().unwrap())
        .collect();
    for (row_id, source_id) in ids.iter().zip(["t-1", "v-1", "s-1"]) {
        let row = host.row(&ada, *row_id);
        assert_eq!(row["metadata"]["source"], "import");
        assert_eq!(row["metadata"]["import_id"], id);
        assert_eq!(row["metadata"]["source_id"], source_id);
        let verify = row["verify_url"].as_str().unwrap().to_string();
        let page = e2e::call(&verify, "GET", None, Body::None);
        assert_eq!(page.status, 200, "{verify}");
    }
    assert_eq!(
        host.row(&ada, ids[0])["created_at"],
        "2025-06-01T08:30:00.000Z"
    );
    assert_eq!(host.row(&ada, ids[1])["metadata"]["device"], "phone");
    let worker = e2e::worker::Worker::start(&host, WORKER, "import-test", &[]);
    let voice = e2e::wait_for(
        "the memo's transcript",
        std::time::Duration::from_secs(300),
        || {
            let row = host.row(&ada, ids[1]);
            (row["status"] == "complete").then_some(row)
        },
    );
    drop(worker);
    assert!(
        voice["extracted_text"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("call me back"),
        "{voice}"
    );

    // Run again (as after an interruption): everything there is a duplicate.
    let again = import(&host, Some(&ada), &body).json();
    assert_eq!(
        (
            &again["import"]["created"],
            &again["import"]["duplicates"],
            &again["import"]["rejected"]
        ),
        (&json!(0), &json!(3), &json!(3)),
        "{again}"
    );
    assert_eq!(again["lines"][1]["id"], ids[1]);
    assert_eq!(log_size(&host), before + 3);

    // The report is kept for its importer (and the admin), nobody else.
    let path = format!("/api/imports/{id}");
    let shown = host.call("GET", &path, Some(&ada), Body::None);
    assert_eq!(
        (shown.status, &shown.json()["lines"]),
        (200, &answer["lines"])
    );
    assert_eq!(
        host.call("GET", &path, Some(&grace), Body::None).status,
        404
    );
    assert_eq!(host.call("GET", &path, None, Body::None).status, 401);
    assert_eq!(host.call("GET", &path, Some(ADMIN), Body::None).status, 200);

    // Refused before anything is written.
    let rows_before: Value = host
        .call("GET", "/api/training-data", Some(ADMIN), Body::None)
        .json();
    assert_eq!(import(&host, None, &body).status, 401);
    assert_eq!(import(&host, Some(&ada), "a,b,c\n1,2,3\n").status, 400);
    let csv = host.call(
        "POST",
        "/api/import",
        Some(&ada),
        Body::Raw("text/csv", b"a,b\n".to_vec()),
    );
    assert_eq!(csv.status, 415);
    let many = "{\"modality\":\"text\",\"text\":\"x\"}\n".repeat(10_001);
    assert_eq!(import(&host, Some(&ada), &many).status, 413);
    // A campaign's participants count against its caps one contribution at a time.
    let campaign = json!({ "slug": "spring", "name": "Spring", "modalities": ["text"] });
    let opened = host.call("POST", "/api/campaigns", Some(ADMIN), Body::Json(campaign));
    assert_eq!(opened.status, 201, "{:?}", opened.json());
    let joined = host
        .call("POST", "/api/c/spring/join", None, Body::None)
        .json();
    let participant = joined["token"].as_str().unwrap();
    assert_eq!(import(&host, Some(participant), &body).status, 403);
    let rows_after: Value = host
        .call("GET", "/api/training-data", Some(ADMIN), Body::None)
        .json();
    assert_eq!(rows_after["items"], rows_before["items"]);
}

fn rows_of(host: &TestHost, token: &str) -> usize {
    host.call(
        "GET",
        "/api/training-data?limit=500",
        Some(token),
        Body::None,
    )
    .json()["items"]
        .as_array()
        .map_or(0, Vec::len)
}

fn cli(
    host: &TestHost,
    token: &str,
    dir: &std::path::Path,
    extra: &[&str],
) -> std::process::Command {
    let mut cmd = std::process::Command::new(e2e::worker_binary());
    cmd.args(["import", "--api", &host.base, "--token", token])
        .args(extra)
        .arg(dir);
    cmd
}

#[test]
fn the_cli_imports_a_folder_and_a_rerun_after_a_kill_creates_nothing_twice() {
    let host = TestHost::app(&[("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN)]).unwrap();
    let ada = host.new_user(ADMIN, "Ada");
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes");
    std::fs::create_dir_all(&notes).unwrap();
    for i in 0..30 {
        std::fs::write(
            notes.join(format!("{i:02}.txt")),
            format!("field note number {i}\n"),
        )
        .unwrap();
    }
    speech(dir.path(), "memo.wav", "The meeting moved to Thursday.");
    rendered(dir.path(), "shot.png", (400, 100), &["Invoice 12"], &[]);
    std::fs::write(dir.path().join("broken.png"), b"GIF89a, not a PNG at all").unwrap();
    std::fs::write(notes.join("latin1.txt"), b"caf\xe9").unwrap();
    std::fs::write(dir.path().join("readme.bin"), b"\x00\x01").unwrap();

    // A dry run reads and classifies everything and writes nothing.
    let dry = cli(&host, &ada, dir.path(), &["--dry-run"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&dry.stdout).to_string();
    assert!(
        said.contains("dry run: 33 of 34 files would be sent, 1 cannot be, 1 skipped"),
        "{said}{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    assert_eq!(rows_of(&host, &ada), 0);

    // Killed once the first rows are in, one file a request.
    let mut first = cli(&host, &ada, dir.path(), &["--batch-files", "1"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    e2e::wait_for(
        "the first imported rows",
        std::time::Duration::from_secs(120),
        || (rows_of(&host, &ada) > 0).then_some(()),
    );
    first.kill().unwrap();
    first.wait().unwrap();

    // Run again to the end: every file is there once, the bad ones are named.
    let out = cli(&host, &ada, dir.path(), &["--batch-files", "8"])
        .output()
        .unwrap();
    let (said, progress) = (
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    );
    assert!(!out.status.success(), "two files were not imported: {said}");
    assert!(
        progress.contains("files/s") && progress.contains("ETA"),
        "{progress}"
    );
    assert!(
        progress.contains("2 of 34 files were not imported"),
        "{progress}"
    );
    let counts = said.lines().next().unwrap_or_default().to_string();
    let number = |label: &str| -> usize {
        counts
            .split(", ")
            .find_map(|part| part.strip_suffix(label))
            .and_then(|head| head.split_whitespace().last()?.parse().ok())
            .unwrap_or_else(|| panic!("{label} in {counts:?}"))
    };
    assert!(counts.starts_with("imported 34 files: "), "{said}");
    assert_eq!(number("created") + number("already there"), 32, "{said}");
    assert!(
        number("already there") > 0,
        "the killed run had written some: {said}"
    );
    assert!(counts.contains("2 rejected, 1 skipped"), "{said}");
    assert!(
        said.contains("rejected broken.png:")
            && said.contains("rejected notes/latin1.txt: is not UTF-8 text"),
        "{said}"
    );
    assert!(said.contains("skipped readme.bin"), "{said}");
    assert_eq!(rows_of(&host, &ada), 32, "no row twice");
    let row = host
        .call(
            "GET",
            "/api/training-data?limit=500&modality=voice",
            Some(&ada),
            Body::None,
        )
        .json();
    assert_eq!(row["items"][0]["metadata"]["source_id"], "memo.wav");
}

#[test]
fn the_cli_imports_a_zip_with_sidecar_texts() {
    use std::io::Write as _;
    let host = TestHost::app(&[("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN)]).unwrap();
    let ada = host.new_user(ADMIN, "Ada");
    let dir = tempfile::tempdir().unwrap();
    let wav = speech(dir.path(), "memo.wav", "See you at the station.");
    let png = rendered(dir.path(), "shot.png", (400, 100), &["Gate 9"], &[]);
    let path = dir.path().join("old-data.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let files: [(&str, &[u8]); 5] = [
        ("memos/memo.wav", &wav),
        ("memos/memo.txt", b"See you at the station.\n"),
        ("shots/shot.png", &png),
        ("notes/plan.md", b"buy bread"),
        ("../outside.txt", b"x"),
    ];
    for (name, bytes) in files {
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();

    let out = cli(&host, &ada, &path, &[]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        said.starts_with("imported 4 files: 3 created, 0 already there, 1 rejected"),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("rejected ../outside.txt: leaves the zip"),
        "{said}"
    );
    let voice = host
        .call(
            "GET",
            "/api/training-data?modality=voice",
            Some(&ada),
            Body::None,
        )
        .json();
    let memo = &voice["items"][0];
    assert_eq!(memo["metadata"]["source_id"], "memos/memo.wav");
    assert_eq!(
        (&memo["status"], &memo["extracted_text"]),
        (&json!("complete"), &json!("See you at the station.")),
        "the sidecar is the memo's known text: {memo}"
    );
    assert_eq!(rows_of(&host, &ada), 3);
}

/// GET `path` as `token`: (status, JSON).
fn get(host: &TestHost, token: Option<&str>, path: &str) -> (u16, Value) {
    let r = host.call("GET", path, token, Body::None);
    (r.status, r.json())
}

/// POST `/api/imports/{id}/continue` as `token`: (status, JSON).
fn go_on(host: &TestHost, token: Option<&str>, id: i64) -> (u16, Value) {
    let path = format!("/api/imports/{id}/continue");
    let r = host.call("POST", &path, token, Body::None);
    (r.status, r.json())
}

#[test]
fn a_large_import_runs_as_a_job_carried_on_by_requests_and_the_worker() {
    let host = TestHost::app(&[
        ("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN),
        ("SPIN_VARIABLE_WORKER_TOKEN", WORKER),
        ("SPIN_VARIABLE_IMPORT_BATCHES_PER_REQUEST", "1"),
    ])
    .unwrap();
    let ada = host.new_user(ADMIN, "Ada");
    let grace = host.new_user(ADMIN, "Grace");
    let body: String = (0..1_200)
        .map(|i| {
            format!(
                "{}\n",
                json!({ "modality": "text", "text": format!("queued note {i}") })
            )
        })
        .collect();

    // One batch a request: the import answers 202 with what is written so far.
    let first = import(&host, Some(&ada), &body);
    assert_eq!(first.status, 202, "{:?}", first.json());
    let id = first.json()["import"]["id"].as_i64().unwrap();
    assert_eq!(
        first.header("location"),
        Some(format!("/api/imports/{id}").as_str())
    );
    let (status, shown) = get(&host, Some(&ada), &format!("/api/imports/{id}"));
    assert_eq!(status, 200);
    assert_eq!(
        (
            &shown["import"]["state"],
            &shown["import"]["lines"],
            &shown["import"]["created"]
        ),
        (&json!("running"), &json!(1200), &json!(500)),
        "progress: {}",
        shown["import"]
    );
    assert_eq!(shown["lines"].as_array().unwrap().len(), 500);

    // Who sees it running, and who may carry it on.
    let running =
        |token| get(&host, Some(token), "/api/imports?state=running").1["imports"].clone();
    assert_eq!(running(&ada)[0]["id"], id);
    assert_eq!(running(&grace), json!([]));
    assert_eq!(running(WORKER)[0]["id"], id);
    assert_eq!(get(&host, Some(&ada), "/api/imports").0, 422);
    assert_eq!(get(&host, None, "/api/imports?state=running").0, 401);
    assert_eq!(go_on(&host, Some(&grace), id).0, 404);
    assert_eq!(go_on(&host, None, id).0, 401);

    // The importer goes on by hand; the worker finishes it in the background.
    let (status, more) = go_on(&host, Some(&ada), id);
    assert_eq!((status, &more["import"]["created"]), (200, &json!(1000)));
    let worker = e2e::worker::Worker::start(&host, WORKER, "import-job", &[]);
    let done = e2e::wait_for(
        "the worker to finish the import",
        std::time::Duration::from_secs(120),
        || {
            let (_, shown) = get(&host, Some(&ada), &format!("/api/imports/{id}"));
            (shown["import"]["state"] == "finished").then_some(shown)
        },
    );
    drop(worker);
    assert_eq!(
        (&done["import"]["created"], &done["import"]["rejected"]),
        (&json!(1200), &json!(0))
    );
    assert_eq!(go_on(&host, Some(&ada), id).1["import"], done["import"]);
    let kept: i64 = rusqlite::Connection::open(host.database_path())
        .unwrap()
        .query_row("SELECT COUNT(*) FROM import_bodies", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, 0, "a finished import keeps no body");

    // The CLI carries on a batch the app could not finish in one request.
    let dir = tempfile::tempdir().unwrap();
    for i in 0..600 {
        std::fs::write(
            dir.path().join(format!("{i:03}.txt")),
            format!("cli note {i}"),
        )
        .unwrap();
    }
    let out = cli(&host, &grace, dir.path(), &["--batch-files", "600"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        said.starts_with("imported 600 files: 600 created, 0 already there, 0 rejected"),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // An import whose body was lost (its first request cut short) says how to finish.
    let second = import(&host, Some(&grace), &body);
    assert_eq!(second.status, 202);
    let lost = second.json()["import"]["id"].as_i64().unwrap();
    rusqlite::Connection::open(host.database_path())
        .unwrap()
        .execute("DELETE FROM import_bodies WHERE import_id = ?", [lost])
        .unwrap();
    let (status, problem) = go_on(&host, Some(&grace), lost);
    assert_eq!(status, 409, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("send the same body"),
        "{problem}"
    );
}
