//! End-to-end: proofs of contributions — encodings, salted commitments, the Merkle log,
//! signed checkpoints and the public verify page — through the real components.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use domain::proof::encodings::upc_check_digit;
use e2e::{Body, Resp, TestHost};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::path::Path;
use tlog::checkpoint::verify_checkpoint;
use tlog::merkle::{verify_consistency, verify_inclusion};

const ADMIN: &str = "proof-admin";
/// A fixed Ed25519 seed (base64 of 32 bytes) for signing checkpoints in tests.
const KEY: &str = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";

fn app(sign: bool) -> TestHost {
    let mut env = vec![
        ("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN),
        ("SPIN_VARIABLE_LOG_ORIGIN", "test.example/log"),
    ];
    if sign {
        env.push(("SPIN_VARIABLE_LOG_SIGNING_KEY", KEY));
    }
    TestHost::app(&env).unwrap()
}

fn user(host: &TestHost, name: &str) -> String {
    host.new_user(ADMIN, name)
}

fn text(host: &TestHost, token: &str, t: &str) -> Value {
    let r = host.call(
        "POST",
        "/api/unified-input",
        Some(token),
        Body::Json(json!({ "modality": "text", "text": t })),
    );
    assert!(r.status == 201 || r.status == 200, "{:?}", r.json());
    r.json()
}

fn b64(v: &Value) -> Vec<u8> {
    B64.decode(v.as_str().unwrap()).unwrap()
}

fn b64s(v: &Value) -> Vec<Vec<u8>> {
    v.as_array().unwrap().iter().map(b64).collect()
}

fn status(r: &Resp) -> u16 {
    if r.status >= 400 {
        assert_eq!(
            r.content_type,
            "application/problem+json",
            "{}",
            String::from_utf8_lossy(&r.body)
        );
    }
    r.status
}

#[test]
fn contributions_carry_their_proof_and_commitment() {
    let host = app(true);
    let token = user(&host, "Ada");
    let row = text(&host, &token, "a short secret");
    let proof = &row["proof"];
    let hash: [u8; 32] = Sha256::digest(b"a short secret").into();
    assert_eq!(proof["sha256"], hex::encode(hash));
    assert_eq!(proof["bip39_hash"].as_str().unwrap().split(' ').count(), 24);
    assert_eq!(
        bip39::Mnemonic::parse(proof["bip39_hash"].as_str().unwrap())
            .unwrap()
            .to_entropy(),
        hash
    );
    let eth = proof["ethereum_checksum"].as_str().unwrap();
    assert!(
        eth.starts_with("0x") && eth.len() == 42 && eth.chars().any(|c| c.is_ascii_uppercase())
    );
    let upc = proof["upc"].as_str().unwrap();
    let digits: Vec<u8> = upc.bytes().map(|b| b - b'0').collect();
    assert_eq!(digits.len(), 12);
    assert_eq!(
        upc_check_digit(&digits[..11].try_into().unwrap()),
        digits[11]
    );
    let verify_url = row["verify_url"].as_str().unwrap();
    assert_eq!(proof["qr_data"], verify_url);
    assert!(verify_url.starts_with(&format!("{}/verify/", host.base)));
    assert!(proof["qr_svg"].as_str().unwrap().contains("<svg"));
    // The commitment is SHA-256(salt || content hash) with the salt the owner sees.
    let salt = hex::decode(row["commitment_salt"].as_str().unwrap()).unwrap();
    let mut h = Sha256::new();
    h.update(&salt);
    h.update(hash);
    assert_eq!(row["commitment"], hex::encode(h.finalize()));
    assert_eq!(row["leaf_index"], 0);
    assert_eq!(text(&host, &token, "another")["leaf_index"], 1);
    // Same content from another user: a different salt, so a different public commitment.
    let other = text(&host, &user(&host, "Bob"), "a short secret");
    assert_ne!(other["commitment"], row["commitment"]);
    // The code in the URL is random, not derived from the content.
    let code = verify_url.rsplit('/').next().unwrap();
    assert!(!hex::encode(hash).contains(code) && code.len() == 22);
}

#[test]
fn qr_to_proof_matches_the_contribution() {
    let host = app(false);
    let token = user(&host, "Ada");
    let png = b"\x89PNG\r\n\x1a\nnot really an image but bytes";
    let row = text(&host, &token, "hello proofs");
    let r = host.call(
        "POST",
        "/api/qr-to-proof",
        Some(&token),
        Body::Json(json!({ "input_type": "text", "data": "hello proofs" })),
    );
    assert_eq!(r.status, 200);
    let p = r.json();
    for field in [
        "sha256",
        "bip39_hash",
        "ethereum_checksum",
        "upc",
        "qr_data",
    ] {
        assert_eq!(p[field], row["proof"][field], "{field}");
    }
    assert!(p["qr_svg"].as_str().unwrap().contains("<svg"));
    let unknown = host
        .call(
            "POST",
            "/api/qr-to-proof",
            Some(&token),
            Body::Json(json!({ "input_type": "screenshot", "data": B64.encode(png) })),
        )
        .json();
    assert_eq!(
        unknown["qr_data"],
        format!("urn:sha256:{}", hex::encode(Sha256::digest(png)))
    );
    let call = |body: Value| host.call("POST", "/api/qr-to-proof", Some(&token), Body::Json(body));
    assert_eq!(status(&call(json!({ "data": "x" }))), 422);
    assert_eq!(status(&call(json!({ "input_type": "text" }))), 422);
    assert_eq!(
        status(&call(json!({ "input_type": "smell", "data": "x" }))),
        422
    );
    assert_eq!(
        status(&call(json!({ "input_type": "voice", "data": "***" }))),
        422
    );
    assert_eq!(
        status(&call(json!({ "input_type": "text", "data": "" }))),
        422
    );
    assert_eq!(
        status(&host.call(
            "POST",
            "/api/qr-to-proof",
            Some(&token),
            Body::Raw("text/plain", b"x".to_vec())
        )),
        415
    );
    assert_eq!(
        status(&host.call(
            "POST",
            "/api/qr-to-proof",
            None,
            Body::Json(json!({ "input_type": "text", "data": "x" }))
        )),
        401
    );
    assert_eq!(
        status(&host.call("GET", "/api/qr-to-proof", Some(&token), Body::None)),
        405
    );
}

#[test]
fn checkpoints_inclusion_and_consistency_verify() {
    // Without log_signing_key the app signs with a key it generated and keeps.
    let unsigned = app(false);
    let t = user(&unsigned, "Ada");
    text(&unsigned, &t, "x");
    let generated = unsigned
        .call("GET", "/api/proofs/checkpoint", None, Body::None)
        .json();
    verify_checkpoint(
        generated["note"].as_str().unwrap(),
        generated["verifier_key"].as_str().unwrap(),
    )
    .expect("signed by the generated key");
    assert_eq!(
        unsigned
            .call("GET", "/api/proofs/checkpoint", None, Body::None)
            .json()["verifier_key"],
        generated["verifier_key"],
        "one key, kept"
    );

    let host = app(true);
    let token = user(&host, "Ada");
    assert_eq!(
        status(&host.call("GET", "/api/proofs/checkpoint", Some(&token), Body::None)),
        404,
        "empty log"
    );
    let rows: Vec<Value> = (0..11)
        .map(|i| text(&host, &token, &format!("entry {i}")))
        .collect();
    let cp = host
        .call("GET", "/api/proofs/checkpoint", Some(&token), Body::None)
        .json();
    assert_eq!(cp["tree_size"], 11);
    let verified = verify_checkpoint(
        cp["note"].as_str().unwrap(),
        cp["verifier_key"].as_str().unwrap(),
    )
    .unwrap();
    assert_eq!(
        (verified.origin.as_str(), verified.size),
        ("test.example/log", 11)
    );
    assert_eq!(verified.root.to_vec(), b64(&cp["root_hash"]));
    let url = format!("{}/api/proofs/checkpoint", host.base);
    let plain = ureq::get(&url)
        .set("authorization", &format!("Bearer {token}"))
        .set("accept", "text/plain")
        .call()
        .unwrap();
    assert!(plain.content_type().starts_with("text/plain"));
    assert_eq!(
        plain.into_string().unwrap(),
        cp["note"].as_str().unwrap(),
        "the raw C2SP note"
    );

    for row in &rows {
        let r = host
            .call(
                "GET",
                &format!("/api/proofs/{}/inclusion", row["id"]),
                Some(&token),
                Body::None,
            )
            .json();
        assert_eq!(r["tree_size"], 11, "defaults to the latest checkpoint");
        let index = r["leaf_index"].as_u64().unwrap();
        verify_inclusion(
            index,
            11,
            &b64(&r["leaf_hash"]),
            &b64s(&r["proof"]),
            &verified.root,
        )
        .unwrap();
        let leaf = String::from_utf8(b64(&r["leaf_data"])).unwrap();
        assert_eq!(
            leaf.lines().nth(2).unwrap(),
            row["commitment"].as_str().unwrap(),
            "the leaf holds the commitment"
        );
        assert!(!leaf.contains("entry"), "no content in the leaf");
    }
    let at5 = host
        .call(
            "GET",
            &format!("/api/proofs/{}/inclusion?size=5", rows[2]["id"]),
            Some(&token),
            Body::None,
        )
        .json();
    verify_inclusion(
        2,
        5,
        &b64(&at5["leaf_hash"]),
        &b64s(&at5["proof"]),
        &b64(&at5["root_hash"]),
    )
    .unwrap();

    let c = host
        .call(
            "GET",
            "/api/proofs/consistency?first=5&second=11",
            Some(&token),
            Body::None,
        )
        .json();
    verify_consistency(
        5,
        11,
        &b64(&at5["root_hash"]),
        &verified.root,
        &b64s(&c["proof"]),
    )
    .unwrap();
    assert_eq!(b64(&c["first_root"]), b64(&at5["root_hash"]));

    let get = |path: &str| status(&host.call("GET", path, Some(&token), Body::None));
    let id = &rows[2]["id"];
    assert_eq!(
        get(&format!("/api/proofs/{id}/inclusion?size=12")),
        422,
        "size beyond the tree"
    );
    assert_eq!(
        get(&format!("/api/proofs/{id}/inclusion?size=2")),
        422,
        "leaf beyond the size"
    );
    assert_eq!(get(&format!("/api/proofs/{id}/inclusion?size=abc")), 422);
    assert_eq!(get("/api/proofs/999/inclusion"), 404);
    assert_eq!(get("/api/proofs/consistency?first=6&second=5"), 422);
    assert_eq!(get("/api/proofs/consistency?first=0&second=5"), 422);
    assert_eq!(get("/api/proofs/consistency?first=1&second=12"), 422);
    assert_eq!(get("/api/proofs/consistency?first=1"), 422);
    assert_eq!(get("/api/proofs/nothing-here"), 404);
    let bob = user(&host, "Bob");
    assert_eq!(
        status(&host.call(
            "GET",
            &format!("/api/proofs/{id}/inclusion"),
            Some(&bob),
            Body::None
        )),
        404,
        "another user's row"
    );
    // The log's head is public (tlog.rs checks it in depth); rows are the owner's.
    assert_eq!(
        status(&host.call("GET", "/api/proofs/checkpoint", None, Body::None)),
        200
    );

    let qr = host.call(
        "GET",
        &format!("/api/proofs/{id}/qr.svg"),
        Some(&token),
        Body::None,
    );
    assert_eq!(
        (qr.status, qr.content_type.as_str()),
        (200, "image/svg+xml")
    );
    let upc = host.call(
        "GET",
        &format!("/api/proofs/{id}/upc.svg"),
        Some(&token),
        Body::None,
    );
    assert!(String::from_utf8(upc.body).unwrap().contains("<svg"));
    assert_eq!(
        status(&host.call(
            "GET",
            &format!("/api/proofs/{id}/upc.svg"),
            Some(&bob),
            Body::None
        )),
        404
    );
}

fn verify_page(host: &TestHost, url_path: &str, accept: &str) -> (u16, String) {
    let url = format!("{}{url_path}", host.base);
    match ureq::get(&url).set("accept", accept).call() {
        Ok(r) => (r.status(), r.into_string().unwrap()),
        Err(ureq::Error::Status(s, r)) => (s, r.into_string().unwrap()),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn the_public_verify_page_shows_no_private_data() {
    let host = app(true);
    let token = user(&host, "Ada Lovelace");
    let secret = "my pin is 4711";
    let row = text(&host, &token, secret);
    for i in 0..4 {
        text(&host, &token, &format!("filler {i}"));
    }
    let path = format!(
        "/verify/{}",
        row["verify_url"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
    );
    let (code, body) = verify_page(&host, &path, "application/json");
    assert_eq!(code, 200);
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["commitment"], row["commitment"]);
    assert_eq!(v["inclusion"]["verified"], true);
    assert_eq!(v["checkpoint"]["tree_size"], 5);
    let (_, html) = verify_page(&host, &path, "text/html");
    assert!(html.contains(row["commitment"].as_str().unwrap()) && html.contains("<svg"));
    let p = &row["proof"];
    for private in [
        secret,
        "Ada Lovelace",
        p["sha256"].as_str().unwrap(),
        p["bip39_hash"].as_str().unwrap(),
        p["ethereum_checksum"].as_str().unwrap(),
        p["upc"].as_str().unwrap(),
        row["commitment_salt"].as_str().unwrap(),
    ] {
        assert!(!body.contains(private), "JSON leaks {private}");
        assert!(!html.contains(private), "HTML leaks {private}");
    }
    let first_word = p["bip39_hash"]
        .as_str()
        .unwrap()
        .split(' ')
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(!html.contains(&first_word));
    assert!(!body.contains("user_id") && !body.contains("extracted_text"));

    assert_eq!(
        verify_page(&host, "/verify/not-a-code", "application/json").0,
        400
    );
    assert_eq!(
        verify_page(&host, "/verify/AAAAAAAAAAAAAAAAAAAAAA", "application/json").0,
        404
    );
    let scans: i64 = rusqlite::Connection::open(host.database_path())
        .unwrap()
        .query_row(
            "SELECT COUNT(*) FROM activity_log WHERE log_type = 'qr_scan'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(scans, 2, "each successful view is one QR scan");
}

#[test]
fn tampering_with_the_log_is_detected() {
    let host = app(true);
    let token = user(&host, "Ada");
    let rows: Vec<Value> = (0..6)
        .map(|i| text(&host, &token, &format!("entry {i}")))
        .collect();
    let path = format!(
        "/verify/{}",
        rows[1]["verify_url"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
    );
    assert!(verify_page(&host, &path, "application/json")
        .1
        .contains("\"verified\":true"));
    // Rewrite leaf 0's stored hash (a sibling on leaf 1's path) behind the app's back.
    rusqlite::Connection::open(host.database_path())
        .unwrap()
        .execute(
            "UPDATE merkle_nodes SET hash = zeroblob(32) WHERE level = 0 AND idx = 0",
            [],
        )
        .unwrap();
    let v: Value = serde_json::from_str(&verify_page(&host, &path, "application/json").1).unwrap();
    assert_eq!(
        v["inclusion"]["verified"], false,
        "the signed checkpoint no longer matches"
    );
}

#[test]
fn a_key_set_later_takes_over_and_the_generated_key_stays_listed() {
    let env = [
        ("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN),
        ("SPIN_VARIABLE_LOG_ORIGIN", "test.example/log"),
    ];
    let first = TestHost::app_on(e2e::Backend::Sqlite, &env).unwrap();
    let token = user(&first, "Ada");
    text(&first, &token, "signed by the generated key");
    let old = first
        .call("GET", "/api/proofs/checkpoint", None, Body::None)
        .json();
    // Restart on the same database with log_signing_key set.
    let state = tempfile::tempdir().unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let from = format!("{}{suffix}", first.database_path().display());
        if Path::new(&from).exists() {
            std::fs::copy(&from, state.path().join(format!("sqlite_db.db{suffix}"))).unwrap();
        }
    }
    drop(first);
    let mut env = env.to_vec();
    env.push(("SPIN_VARIABLE_LOG_SIGNING_KEY", KEY));
    let second = TestHost::start_in(
        &e2e::host_binary(),
        &e2e::workspace_root().join("spin.toml"),
        state,
        &env,
    )
    .unwrap();
    text(&second, &token, "signed by the configured key");
    let new = second
        .call("GET", "/api/proofs/checkpoint", None, Body::None)
        .json();
    let configured = tlog::checkpoint::LogKey::parse(KEY, "test.example/log")
        .unwrap()
        .verifier_key();
    assert_eq!(new["verifier_key"], configured.as_str());
    assert_eq!(new["tree_size"], 2);
    verify_checkpoint(new["note"].as_str().unwrap(), &configured).unwrap();
    assert_eq!(new["retired_verifier_keys"], json!([old["verifier_key"]]));
    verify_checkpoint(
        old["note"].as_str().unwrap(),
        old["verifier_key"].as_str().unwrap(),
    )
    .expect("the old checkpoint still verifies under its key");
    let c = second
        .call(
            "GET",
            "/api/proofs/consistency?first=1&second=2",
            None,
            Body::None,
        )
        .json();
    verify_consistency(
        1,
        2,
        &B64.decode(old["root_hash"].as_str().unwrap()).unwrap(),
        &B64.decode(new["root_hash"].as_str().unwrap()).unwrap(),
        &c["proof"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| B64.decode(h.as_str().unwrap()).unwrap())
            .collect::<Vec<_>>(),
    )
    .expect("the new tree extends the old one");
}
