//! End-to-end: the app against its own contract, `docs/openapi.json`, judged by the
//! field's tools rather than ours: the document it serves passes PyPI
//! openapi-spec-validator; a client generated from it by openapi-python-client
//! round-trips a contribution; and schemathesis fuzzes every operation from the
//! document (positive and negative data, stateful links, every check it has),
//! finding no 5xx, no undocumented status and no response off its schema.

use e2e::{Body, TestHost};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;

const ADMIN: &str = "contract-admin";
const WORKER: &str = "contract-worker";
/// The fuzzer's seed: a failure reproduces with the same seed and document.
const SEED: &str = "20261206";
/// Test cases per operation and phase: bounds the run (about 70 operations).
const EXAMPLES: &str = "12";

/// The contract tools' Python (`scripts/prepare-contract-tools`).
fn tools() -> PathBuf {
    PathBuf::from(
        e2e::python::prepared("TDS_CONTRACT_PYTHON", "prepare-contract-tools")
            .expect("scripts/prepare-contract-tools"),
    )
}

/// Runs `program args` and panics with its output unless it succeeds.
fn run_ok(program: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let out = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(e2e::workspace_root())
        .output()
        .unwrap_or_else(|e| panic!("{program:?}: {e}"));
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{program:?} {args:?} failed:\n{text}");
    text
}

fn app() -> TestHost {
    TestHost::app(&[
        ("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN),
        ("SPIN_VARIABLE_WORKER_TOKEN", WORKER),
        ("SPIN_VARIABLE_CAMPAIGNS", "true"),
    ])
    .unwrap()
}

/// `GET /openapi.json` as the app serves it, saved in `dir`.
fn served_document(host: &TestHost, dir: &Path) -> PathBuf {
    let r = host.call("GET", "/openapi.json", None, Body::None);
    assert_eq!(r.status, 200);
    let committed = std::fs::read(e2e::workspace_root().join("docs/openapi.json")).unwrap();
    assert!(
        r.body == committed,
        "the app serves a different document than docs/openapi.json"
    );
    let path = dir.join("openapi.json");
    std::fs::write(&path, &r.body).unwrap();
    path
}

#[test]
fn the_served_document_passes_an_independent_validator() {
    let host = app();
    let dir = tempfile::tempdir().unwrap();
    let doc = served_document(&host, dir.path());
    let out = run_ok(
        &tools(),
        &["-m", "openapi_spec_validator", doc.to_str().unwrap()],
        &[],
    );
    assert!(out.contains(": OK"), "{out}");
}

#[test]
fn a_client_generated_from_the_document_round_trips_a_contribution() {
    let host = app();
    let dir = tempfile::tempdir().unwrap();
    let doc = served_document(&host, dir.path());
    let generator = tools().with_file_name("openapi-python-client");
    let out = run_ok(
        &generator,
        &[
            "generate",
            "--path",
            doc.to_str().unwrap(),
            "--meta",
            "none",
            "--output-path",
            dir.path()
                .join("client/training_data_service_client")
                .to_str()
                .unwrap(),
        ],
        &[],
    );
    assert!(
        !out.contains("Unable to"),
        "the generator dropped part of the document:\n{out}"
    );
    let ada = host.new_user(ADMIN, "Ada");
    let out = e2e::python::check(
        &tools(),
        "tests/contract/client_round_trip.py",
        &[
            dir.path().join("client").to_str().unwrap(),
            &host.next_base(),
            &ada,
        ],
    );
    assert!(out.contains("through the generated client: ok"), "{out}");
}

#[test]
fn schemathesis_finds_no_server_error_and_no_answer_off_the_contract() {
    let host = app();
    let contributor = host.new_user(ADMIN, "Fuzz contributor");
    let reviewer = host.new_user_as(ADMIN, "Fuzz reviewer", "reviewer");
    let leaving = host.new_user(ADMIN, "Fuzz leaver");
    // Rows of every kind for the fuzzer's reads, corrections and jobs to find.
    let b64 = |b: &[u8]| base64::Engine::encode(&base64::engine::general_purpose::STANDARD, b);
    host.contribute(
        &contributor,
        json!({ "modality": "text", "text": "a row to fuzz" }),
    );
    let png = hex::decode("89504e470d0a1a0a0000000d49484452").unwrap();
    host.contribute(
        &contributor,
        json!({ "modality": "screenshot", "data": b64(&png) }),
    );
    host.complete_next_job(WORKER, "ocr", "Invoice 4521");
    let wav = hex::decode("524946462400000057415645666d7420").unwrap();
    host.contribute(
        &contributor,
        json!({ "modality": "voice", "data": b64(&wav) }),
    );

    let dir = tempfile::tempdir().unwrap();
    let fuzzer = tools().with_file_name("schemathesis");
    let base = host.next_base();
    let runs = [
        // Every operation but closing the fuzzer's own account, which would turn the
        // rest of its contributor calls into 401s, in every phase.
        (
            "all",
            contributor.as_str(),
            "--exclude-operation-id=delete_me",
            "--phases=examples,coverage,fuzzing,stateful",
        ),
        // Then that alone, as another contributor (no links lead from it).
        (
            "delete_me",
            leaving.as_str(),
            "--include-operation-id=delete_me",
            "--phases=examples,coverage,fuzzing",
        ),
    ];
    for (name, contributor_token, filter, phases) in runs {
        let har = dir.path().join(format!("{name}.har"));
        let config = e2e::workspace_root().join("tests/contract/schemathesis.toml");
        let out = Command::new(&fuzzer)
            .arg("--config-file")
            .arg(&config)
            .arg("run")
            .arg(format!("{base}/openapi.json"))
            .args([
                filter,
                phases,
                "--checks=all",
                // Judged by the document's schemas alone, not by what they cannot say
                // (a tree size within the log, bytes a media type recognises, a cursor
                // this API issued): status, schema, content type, headers, auth,
                // methods and links are all still checked.
                "--exclude-checks=positive_data_acceptance,negative_data_rejection",
                &format!("--seed={SEED}"),
                &format!("--max-examples={EXAMPLES}"),
                "--workers=1",
                "--generation-database=none",
                "--request-timeout=60",
                "--continue-on-failure",
                "--no-color",
                "--report=har",
            ])
            .arg(format!("--report-har-path={}", har.display()))
            .envs([
                ("TDS_FUZZ_ADMIN", ADMIN),
                ("TDS_FUZZ_WORKER", WORKER),
                ("TDS_FUZZ_CONTRIBUTOR", contributor_token),
                ("TDS_FUZZ_REVIEWER", reviewer.as_str()),
            ])
            // Its cache of crashes stays in the temporary directory, out of the tree.
            .current_dir(dir.path())
            .output()
            .expect("running schemathesis");
        note_what_it_saw(&har);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "schemathesis ({name}) found problems:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Feeds the fuzzer's responses (its HAR report) to the coverage notes, beside the
/// suites' own.
fn note_what_it_saw(har: &Path) {
    let Ok(text) = std::fs::read_to_string(har) else {
        return;
    };
    let har: serde_json::Value = serde_json::from_str(&text).expect("a HAR report");
    for entry in har["log"]["entries"].as_array().into_iter().flatten() {
        let method = entry["request"]["method"].as_str().unwrap_or_default();
        let url = entry["request"]["url"].as_str().unwrap_or_default();
        let status = entry["response"]["status"].as_u64().unwrap_or_default();
        e2e::contract::note_response(method, url, status as u16);
    }
}

/// Every documented operation: `(method, path template, operation)`.
fn operations() -> Vec<(String, String, serde_json::Value)> {
    let text = std::fs::read_to_string(e2e::workspace_root().join("docs/openapi.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut all = Vec::new();
    for (template, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if ["get", "head", "post", "patch", "delete"].contains(&method.as_str()) {
                all.push((method.to_uppercase(), template.clone(), operation.clone()));
            }
        }
    }
    all
}

/// A request path for `template`: `1` for every parameter.
fn example_path(template: &str) -> String {
    template
        .split('/')
        .map(|seg| if seg.starts_with('{') { "1" } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

/// The security schemes an operation accepts (none: public).
fn schemes(operation: &serde_json::Value) -> Vec<String> {
    operation["security"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|req| req.as_object()?.keys().next().cloned())
        .collect()
}

/// A token for each security scheme of the document.
struct Tokens {
    contributor: String,
    reviewer: String,
}

impl Tokens {
    fn new(host: &TestHost) -> Self {
        Self {
            contributor: host.new_user(ADMIN, "Contributor"),
            reviewer: host.new_user_as(ADMIN, "Reviewer", "reviewer"),
        }
    }

    /// The token of the first scheme `operation` accepts (none for a public one).
    fn accepted_by(&self, operation: &serde_json::Value) -> Option<&str> {
        schemes(operation)
            .iter()
            .find_map(|scheme| match scheme.as_str() {
                "contributor" => Some(self.contributor.as_str()),
                "reviewer" => Some(self.reviewer.as_str()),
                "admin" => Some(ADMIN),
                "worker" => Some(WORKER),
                _ => None,
            })
    }
}

fn documents(operation: &serde_json::Value, status: u16) -> bool {
    operation["responses"].get(status.to_string()).is_some()
}

#[test]
fn every_operation_refuses_the_tokens_it_does_not_name() {
    let host = app();
    let contributor = host.new_user(ADMIN, "Contributor");
    let reviewer = host.new_user_as(ADMIN, "Reviewer", "reviewer");
    let mut checked = 0;
    for (method, template, operation) in operations() {
        let accepted = schemes(&operation);
        if accepted.is_empty() {
            continue;
        }
        // No token at all (anonymous contribution is off here).
        let body = || {
            if method == "POST" || method == "PATCH" {
                Body::Json(json!({}))
            } else {
                Body::None
            }
        };
        let r = host.call(&method, &example_path(&template), None, body());
        assert_eq!(
            r.status,
            401,
            "{method} {template} without a token: {:?}",
            r.json()
        );
        // A reviewer is a contributor too; the admin token is only what it names.
        let callers = [
            (
                "contributor",
                contributor.as_str(),
                accepted.contains(&"contributor".into()),
            ),
            ("admin", ADMIN, accepted.contains(&"admin".into())),
            ("worker", WORKER, accepted.contains(&"worker".into())),
            (
                "reviewer",
                reviewer.as_str(),
                accepted
                    .iter()
                    .any(|s| s == "reviewer" || s == "contributor"),
            ),
        ];
        for (name, token, ok) in callers {
            if ok {
                continue;
            }
            let r = host.call(&method, &example_path(&template), Some(token), body());
            // 403 where the operation knows the token but not for this; else 401.
            let expected = if documents(&operation, 403) && name != "worker" {
                403
            } else {
                401
            };
            assert_eq!(
                r.status,
                expected,
                "{method} {template} with the {name} token: {:?}",
                r.json()
            );
            checked += 1;
        }
    }
    assert!(checked > 40, "only {checked} refusals checked");
}

#[test]
fn every_public_page_and_asset_answers_get_and_head() {
    let host = app();
    // A log with a leaf, so that its public checkpoint exists.
    let ada = host.new_user(ADMIN, "Ada");
    host.contribute(&ada, json!({ "modality": "text", "text": "a leaf" }));
    let mut checked = 0;
    for (method, template, operation) in operations() {
        let public = schemes(&operation).is_empty() && ["GET", "HEAD"].contains(&method.as_str());
        if !public || !documents(&operation, 200) {
            continue;
        }
        // Each path the document names: every value a listed `{rest}` may take (the
        // assets); operations with other parameters are left to the suites.
        let paths: Vec<String> = match operation["parameters"].as_array().map(Vec::as_slice) {
            None | Some([]) => vec![template.clone()],
            Some([p]) if p["schema"]["enum"].is_array() => {
                let unknown = host.call(&method, "/static/no-such.js", None, Body::None);
                assert_eq!(unknown.status, 404);
                let assets = p["schema"]["enum"].as_array().unwrap();
                assets
                    .iter()
                    .map(|a| template.replace("{rest}", a.as_str().unwrap()))
                    .collect()
            }
            Some(_) => continue,
        };
        for path in paths {
            let r = host.call(&method, &path, None, Body::None);
            assert_eq!(r.status, 200, "{method} {path}");
            assert_eq!(r.body.is_empty(), method == "HEAD", "{method} {path}: body");
            checked += 1;
        }
    }
    assert!(checked > 30, "only {checked} pages checked");
    assert_eq!(
        host.call("GET", "/verify/too-short", None, Body::None)
            .status,
        400
    );
}

#[test]
fn every_id_that_names_nothing_is_a_404() {
    let host = app();
    let tokens = Tokens::new(&host);
    let mut checked = 0;
    for (method, template, operation) in operations() {
        // Requests without a body, so that nothing but the id can be wrong.
        let by_id =
            template.contains("{id}") && ["GET", "HEAD", "DELETE"].contains(&method.as_str());
        if !by_id || !documents(&operation, 404) {
            continue;
        }
        let token = tokens.accepted_by(&operation);
        let path = template.replace("{id}", "999999");
        let r = host.call(&method, &path, token, Body::None);
        assert_eq!(r.status, 404, "{method} {path}");
        checked += 1;
    }
    assert!(checked > 10, "only {checked} operations checked");
}

#[test]
fn every_json_body_that_is_not_json_is_a_400_and_one_of_another_type_a_415() {
    let host = app();
    let tokens = Tokens::new(&host);
    // Row 1 and job 1 exist, so `/1/` paths reach the body.
    host.contribute(
        &tokens.contributor,
        json!({ "modality": "text", "text": "row one" }),
    );
    let png = hex::decode("89504e470d0a1a0a0000000d49484452").unwrap();
    let b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &png);
    host.contribute(
        &tokens.contributor,
        json!({ "modality": "screenshot", "data": b64 }),
    );
    let mut checked = 0;
    for (method, template, operation) in operations() {
        let takes_json = operation["requestBody"]["content"]
            .get("application/json")
            .is_some();
        if !takes_json || !documents(&operation, 400) {
            continue;
        }
        let token = tokens.accepted_by(&operation);
        let path = example_path(&template);
        let not_json = Body::Raw("application/json", b"not json".to_vec());
        let r = host.call(&method, &path, token, not_json);
        assert_eq!(r.status, 400, "{method} {template}: {:?}", r.json());
        if documents(&operation, 415) {
            let text = Body::Raw("text/plain", b"{}".to_vec());
            let r = host.call(&method, &path, token, text);
            assert_eq!(
                r.status,
                415,
                "{method} {template} as text/plain: {:?}",
                r.json()
            );
        }
        checked += 1;
    }
    assert!(checked > 10, "only {checked} operations checked");
}

#[test]
fn the_rarer_documented_answers_happen_as_documented() {
    let host = TestHost::app(&[
        ("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN),
        ("SPIN_VARIABLE_WORKER_TOKEN", WORKER),
        ("SPIN_VARIABLE_MAX_TEXT_BYTES", "64"),
        ("SPIN_VARIABLE_MAX_MEDIA_BYTES", "64"),
    ])
    .unwrap();
    let worker = |method: &str, path: &str, body: Body| host.call(method, path, Some(WORKER), body);
    // An empty log has no checkpoint to witness or publish.
    assert_eq!(worker("GET", "/api/witnesses", Body::None).status, 404);
    assert_eq!(
        worker("GET", "/api/publish/summary", Body::None).status,
        404
    );

    let ada = host.new_user(ADMIN, "Ada");
    host.contribute(&ada, json!({ "modality": "text", "text": "first" }));
    let summary = worker("GET", "/api/publish/summary", Body::None).json();
    let mark = json!({ "tree_size": summary["tree_size"], "root_hash": summary["root_hash"] });
    assert_eq!(
        worker("POST", "/api/publish/mark", Body::Json(mark)).status,
        200
    );

    // Over the limits: 64 bytes of text or media here, 1 MiB of extracted text always.
    let over = "x".repeat(65);
    let b64 = |b: &[u8]| base64::Engine::encode(&base64::engine::general_purpose::STANDARD, b);
    let qr = json!({ "input_type": "text", "data": over });
    assert_eq!(
        host.call("POST", "/api/qr-to-proof", Some(&ada), Body::Json(qr))
            .status,
        413
    );
    let image = json!({ "expected_text": "hi", "image": b64(&[0x89; 65]) });
    assert_eq!(
        host.call("POST", "/api/draw/verify", Some(&ada), Body::Json(image))
            .status,
        413
    );
    let png = hex::decode("89504e470d0a1a0a0000000d49484452").unwrap();
    host.contribute(&ada, json!({ "modality": "screenshot", "data": b64(&png) }));
    let claim = json!({ "worker_id": "contract", "kinds": ["ocr"], "lease_seconds": 60 });
    let job = worker("POST", "/api/jobs/claim", Body::Json(claim)).json();
    let huge = json!({
        "lease_token": job["lease_token"], "engine": "tesseract",
        "text": "y".repeat(1024 * 1024 + 1),
    });
    let done = worker(
        "POST",
        &format!("/api/jobs/{}/complete", job["id"]),
        Body::Json(huge),
    );
    assert_eq!(done.status, 413, "{:?}", done.json());
    // The job protocol's refusals: no such job (404), not this lease (409), a body
    // that says nothing (422).
    let lease = job["lease_token"].as_str().unwrap();
    for (step, body) in [
        ("heartbeat", json!({ "lease_token": lease })),
        (
            "complete",
            json!({ "lease_token": lease, "text": "x", "engine": "tesseract" }),
        ),
        ("fail", json!({ "lease_token": lease, "error": "boom" })),
    ] {
        let missing = worker(
            "POST",
            &format!("/api/jobs/999999/{step}"),
            Body::Json(body.clone()),
        );
        assert_eq!(missing.status, 404, "{step}: {:?}", missing.json());
        let mut stolen = body.clone();
        stolen["lease_token"] = json!("not-the-lease");
        let path = format!("/api/jobs/{}/{step}", job["id"]);
        assert_eq!(
            worker("POST", &path, Body::Json(stolen)).status,
            409,
            "{step}"
        );
        assert_eq!(
            worker("POST", &path, Body::Json(json!({}))).status,
            422,
            "{step}"
        );
    }

    // Publication: a size past the log (422), a root that is not the log's (409).
    let summary = worker("GET", "/api/publish/summary", Body::None).json();
    let past = json!({ "tree_size": 999, "root_hash": summary["root_hash"] });
    assert_eq!(
        worker("POST", "/api/publish/mark", Body::Json(past)).status,
        422
    );
    let wrong = json!({ "tree_size": summary["tree_size"], "root_hash": b64(&[7; 32]) });
    assert_eq!(
        worker("POST", "/api/publish/mark", Body::Json(wrong)).status,
        409
    );

    // Snapshots: the database as ndjson; a written snapshot recorded, a bad record 422.
    let dump = host.call("GET", "/api/admin/snapshot", Some(ADMIN), Body::None);
    assert_eq!(dump.status, 200);
    let record =
        json!({ "file_name": "s.snapshot.age", "sha256": "ab".repeat(32), "tree_size": 1 });
    let r = host.call(
        "POST",
        "/api/admin/snapshots",
        Some(ADMIN),
        Body::Json(record),
    );
    assert_eq!(r.status, 201, "{:?}", r.json());
    let bad = json!({ "file_name": "", "sha256": "xyz", "tree_size": 1 });
    let r = host.call("POST", "/api/admin/snapshots", Some(ADMIN), Body::Json(bad));
    assert_eq!(r.status, 422);
}
