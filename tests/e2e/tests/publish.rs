//! End-to-end: the public proof site written by `native-worker publish` (verified from
//! the static files alone, incremental, free of private data, tamper-evident) and
//! encrypted snapshots restored into a database the app serves identically.

use age::secrecy::ExposeSecret;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use e2e::{Body, TestHost};
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;
use tlog::checkpoint::verify_checkpoint;
use tlog::merkle::{
    consistency_proof, inclusion_proof, leaf_hash, root, verify_consistency, verify_inclusion,
};
use tlog::tiles::{self, TileNodes};

const ADMIN: &str = "publish-admin";
const WORKER: &str = "publish-worker";
const KEY: &str = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";

/// The app's settings; both the original and a restored app use them.
const ENV: &[(&str, &str)] = &[
    ("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN),
    ("SPIN_VARIABLE_WORKER_TOKEN", WORKER),
    ("SPIN_VARIABLE_LOG_SIGNING_KEY", KEY),
    ("SPIN_VARIABLE_LOG_ORIGIN", "pages.test/log"),
    ("SPIN_VARIABLE_PUBLIC_BASE_URL", "https://data.example"),
];

fn app() -> TestHost {
    TestHost::app(ENV).unwrap()
}

fn user(host: &TestHost, name: &str) -> String {
    host.new_user(ADMIN, name)
}

fn contribute(host: &TestHost, token: &str, body: Value) -> Value {
    host.contribute(token, body)
}

fn worker(args: &[&str]) -> std::process::Output {
    Command::new(e2e::worker_binary())
        .args(args)
        .output()
        .expect("native-worker runs")
}

fn publish(host: &TestHost, out: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "publish",
        "--api",
        &host.base,
        "--token",
        WORKER,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = worker(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// Verifies leaf `index` from the site's files only; returns its leaf bytes.
fn verify_from_files(site: &Path, index: u64) -> Result<Vec<u8>, String> {
    let read = |p: &str| std::fs::read(site.join(p)).ok();
    let note = String::from_utf8(read("checkpoint").ok_or("no checkpoint")?).unwrap();
    let key = String::from_utf8(read("key.txt").ok_or("no key")?).unwrap();
    let cp = verify_checkpoint(&note, key.trim()).map_err(|e| e.to_string())?;
    let t = index / tiles::WIDTH;
    let bundle =
        read(&tiles::entries_path(t, tiles::tile_width(0, t, cp.size))).ok_or("no bundle")?;
    let leaf = tiles::parse_bundle(&bundle)
        .ok_or("bad bundle")?
        .get((index % tiles::WIDTH) as usize)
        .cloned()
        .ok_or("no entry")?;
    let mut nodes = TileNodes::new(cp.size, |p: &str| read(p));
    let proof: Vec<Vec<u8>> = inclusion_proof(&mut nodes, index, cp.size)
        .iter()
        .map(|h| h.to_vec())
        .collect();
    verify_inclusion(index, cp.size, &leaf_hash(&leaf), &proof, &cp.root)
        .map_err(|e| e.to_string())?;
    Ok(leaf)
}

fn all_bytes(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.file_name().is_some_and(|n| n == ".git") {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out
}

#[test]
fn the_published_site_proves_inclusion_and_hides_private_data() {
    let host = app();
    let ada = user(&host, "Ada Lovelace");
    let bob = user(&host, "Bob Builder");
    let mut rows = Vec::new();
    for i in 0..12 {
        rows.push(contribute(
            &host,
            if i % 2 == 0 { &ada } else { &bob },
            json!({ "modality": "text", "text": format!("private note number {i}") }),
        ));
    }
    rows.push(contribute(
        &host,
        &ada,
        json!({ "modality": "screenshot", "data": B64.encode(b"\x89PNG\r\n\x1a\nimage bytes") }),
    ));
    assert_eq!(
        host.call(
            "DELETE",
            &format!("/api/training-data/{}", rows[3]["id"]),
            Some(&bob),
            Body::None
        )
        .status,
        204
    );
    host.call(
        "PATCH",
        &format!("/api/training-data/{}", rows[4]["id"]),
        Some(&ada),
        Body::Json(json!({ "included_in_training": false })),
    );

    let site = tempfile::tempdir().unwrap();
    let first = publish(&host, site.path(), &[]);
    assert!(first.contains("published tree size 13"), "{first}");
    for index in [0u64, 3, 7, 12] {
        let leaf = verify_from_files(site.path(), index).unwrap();
        assert!(String::from_utf8(leaf)
            .unwrap()
            .starts_with(&format!("tds-leaf/v1\n{index}\n")));
    }
    assert_eq!(
        std::fs::read_to_string(site.path().join("deleted.txt")).unwrap(),
        "3\n"
    );
    let html = std::fs::read_to_string(site.path().join("index.html")).unwrap();
    assert!(
        html.contains("<td>text</td><td>11</td>") && html.contains("<td>screenshot</td><td>1</td>"),
        "aggregate counts"
    );

    // No private byte anywhere in the site.
    let files = all_bytes(site.path());
    let mut secrets: Vec<String> = vec![
        "Ada Lovelace".into(),
        "Bob Builder".into(),
        "127.0.0.1".into(),
        "private note".into(),
        "image bytes".into(),
    ];
    for r in &rows {
        let p = &r["proof"];
        for v in [
            &p["sha256"],
            &p["bip39_hash"],
            &p["ethereum_checksum"],
            &p["upc"],
            &r["commitment_salt"],
        ] {
            secrets.push(v.as_str().unwrap().to_string());
        }
        secrets.push(
            p["bip39_hash"]
                .as_str()
                .unwrap()
                .split(' ')
                .take(4)
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    for (path, bytes) in &files {
        for s in &secrets {
            assert!(
                !bytes.windows(s.len()).any(|w| w == s.as_bytes()),
                "{path} leaks {s:?}"
            );
        }
    }
    let published: i64 = rusqlite::Connection::open(host.database_path())
        .unwrap()
        .query_row("SELECT COUNT(*) FROM training_contributions WHERE github_published = 1 AND snapshot_hash IS NOT NULL", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        published, 12,
        "every live row is marked, the deleted one is not"
    );

    // A second publish after more contributions only adds and changes files, and the
    // new checkpoint is consistent with the old one (checked from tiles).
    let old_note = std::fs::read_to_string(site.path().join("checkpoint")).unwrap();
    let key = std::fs::read_to_string(site.path().join("key.txt")).unwrap();
    let old = verify_checkpoint(&old_note, key.trim()).unwrap();
    for i in 0..300 {
        contribute(
            &host,
            &ada,
            json!({ "modality": "text", "text": format!("later note {i}") }),
        );
    }
    let before: std::collections::HashMap<String, Vec<u8>> =
        all_bytes(site.path()).into_iter().collect();
    let second = publish(&host, site.path(), &[]);
    assert!(second.contains("published tree size 313"), "{second}");
    let after: std::collections::HashMap<String, Vec<u8>> =
        all_bytes(site.path()).into_iter().collect();
    let changed: Vec<&String> = before.keys().filter(|k| after[*k] != before[*k]).collect();
    assert!(after.len() > before.len(), "files were added");
    assert!(
        changed
            .iter()
            .all(|p| p.ends_with("checkpoint") || p.ends_with("index.html")),
        "only the head files change: {changed:?}"
    );
    let new = verify_checkpoint(
        &std::fs::read_to_string(site.path().join("checkpoint")).unwrap(),
        key.trim(),
    )
    .unwrap();
    let read = |p: &str| std::fs::read(site.path().join(p)).ok();
    let mut nodes = TileNodes::new(new.size, |p: &str| read(p));
    let proof: Vec<Vec<u8>> = consistency_proof(&mut nodes, old.size, new.size)
        .iter()
        .map(|h| h.to_vec())
        .collect();
    verify_consistency(old.size, new.size, &old.root, &new.root, &proof).unwrap();
    assert_eq!(root(&mut nodes, new.size), new.root);
    verify_from_files(site.path(), 300).unwrap();

    // A tampered tile or checkpoint fails verification.
    let tile = site.path().join("tile/0/000");
    let mut bytes = std::fs::read(&tile).unwrap();
    bytes[40] ^= 1;
    std::fs::write(&tile, &bytes).unwrap();
    assert!(verify_from_files(site.path(), 0).is_err(), "tampered tile");
    bytes[40] ^= 1;
    std::fs::write(&tile, &bytes).unwrap();
    verify_from_files(site.path(), 0).unwrap();
    let cp_path = site.path().join("checkpoint");
    let note = std::fs::read_to_string(&cp_path).unwrap();
    std::fs::write(&cp_path, note.replacen("\n313\n", "\n312\n", 1)).unwrap();
    assert!(
        verify_from_files(site.path(), 0).is_err(),
        "tampered checkpoint"
    );
}

#[test]
fn publish_commits_into_a_git_branch() {
    let host = app();
    let ada = user(&host, "Ada");
    contribute(&host, &ada, json!({ "modality": "text", "text": "hello" }));
    let repo = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(repo.path())
            .args(args)
            .output()
            .unwrap()
    };
    assert!(git(&["init", "-q"]).status.success());
    let out = publish(&host, repo.path(), &["--git", "--branch", "gh-pages"]);
    assert!(out.contains("committed on gh-pages"), "{out}");
    let log = String::from_utf8(git(&["log", "--format=%s", "gh-pages"]).stdout).unwrap();
    assert!(
        log.starts_with("Publish checkpoint: tree size 1, root "),
        "{log}"
    );
    let again = publish(&host, repo.path(), &["--git", "--branch", "gh-pages"]);
    assert!(again.contains("nothing changed"), "{again}");
    let bad = worker(&[
        "publish",
        "--api",
        &host.base,
        "--token",
        "wrong",
        "--out",
        repo.path().to_str().unwrap(),
    ]);
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("401"),
        "a clear error"
    );
}

#[test]
fn snapshots_restore_into_an_identical_app() {
    let host = app();
    let ada = user(&host, "Ada");
    for i in 0..5 {
        contribute(
            &host,
            &ada,
            json!({ "modality": "text", "text": format!("row {i}") }),
        );
    }
    contribute(
        &host,
        &ada,
        json!({ "modality": "drawing", "data": B64.encode(b"\x89PNG\r\n\x1a\ndrawing"), "strokes": [[[1, 2]]] }),
    );
    let export = |h: &TestHost| {
        String::from_utf8(
            h.call(
                "GET",
                "/api/training-data/export?format=jsonl",
                Some(ADMIN),
                Body::None,
            )
            .body,
        )
        .unwrap()
    };
    // Exported once before the snapshot, so the pseudonym key exists and travels with it.
    let exported = export(&host);
    let identity = age::x25519::Identity::generate();
    let keys = tempfile::tempdir().unwrap();
    let id_file = keys.path().join("key.txt");
    std::fs::write(
        &id_file,
        format!("{}\n", identity.to_string().expose_secret()),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = worker(&[
        "snapshot",
        "--api",
        &host.base,
        "--token",
        ADMIN,
        "--out",
        out.path().to_str().unwrap(),
        "--recipient",
        &identity.to_public().to_string(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let file = std::fs::read_dir(out.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert!(file.display().to_string().ends_with(".snapshot.age"));
    let bytes = std::fs::read(&file).unwrap();
    assert!(!bytes.windows(5).any(|w| w == b"row 1"), "encrypted");
    let recorded: String = rusqlite::Connection::open(host.database_path())
        .unwrap()
        .query_row("SELECT sha256 FROM snapshots", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        recorded,
        hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes))
    );

    let state = tempfile::tempdir().unwrap();
    let db = state.path().join("sqlite_db.db");
    let o = worker(&[
        "restore",
        "--identity",
        id_file.to_str().unwrap(),
        file.to_str().unwrap(),
        "--into",
        db.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let restored = TestHost::start_in(
        &e2e::host_binary(),
        &e2e::workspace_root().join("spin.toml"),
        state,
        ENV,
    )
    .unwrap();
    for path in [
        "/api/training-data?limit=500",
        "/api/training-data/6",
        "/api/proofs/3/inclusion",
        "/api/proofs/consistency?first=2&second=6",
    ] {
        let a = host.call("GET", path, Some(ADMIN), Body::None).json();
        let b = restored.call("GET", path, Some(ADMIN), Body::None).json();
        assert_eq!(a, b, "{path}");
    }
    assert_eq!(
        exported,
        export(&restored),
        "the same export, pseudonyms included"
    );
    assert_eq!(
        restored
            .call("GET", "/api/activity/verify", Some(ADMIN), Body::None)
            .json()["ok"],
        true
    );

    // Wrong key, truncated file, non-empty target: clear errors.
    let other = age::x25519::Identity::generate();
    let other_file = keys.path().join("other.txt");
    std::fs::write(
        &other_file,
        format!("{}\n", other.to_string().expose_secret()),
    )
    .unwrap();
    let fresh = keys.path().join("fresh.db");
    let o = worker(&[
        "restore",
        "--identity",
        other_file.to_str().unwrap(),
        file.to_str().unwrap(),
        "--into",
        fresh.to_str().unwrap(),
    ]);
    assert!(
        !o.status.success() && String::from_utf8_lossy(&o.stderr).contains("cannot decrypt"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let cut = keys.path().join("cut.age");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let fresh2 = keys.path().join("fresh2.db");
    let o = worker(&[
        "restore",
        "--identity",
        id_file.to_str().unwrap(),
        cut.to_str().unwrap(),
        "--into",
        fresh2.to_str().unwrap(),
    ]);
    assert!(!o.status.success(), "a truncated snapshot must fail");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("truncated") || stderr.contains("corrupt") || stderr.contains("decrypt"),
        "{stderr}"
    );
    let o = worker(&[
        "restore",
        "--identity",
        id_file.to_str().unwrap(),
        file.to_str().unwrap(),
        "--into",
        restored.database_path().to_str().unwrap(),
    ]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("not empty"));
}
