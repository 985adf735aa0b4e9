//! The test host's own tests: a fixture component under generated manifests proves
//! routing, Spin's headers, variables, SQLite, file mounts, outbound rules, trap
//! handling and concurrency.

use e2e::{Body, TestHost};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::path::PathBuf;

/// Starts the host binary under test on a generated fixture manifest.
fn start(manifest: &str, env: &[(&str, &str)]) -> anyhow::Result<(TestHost, tempfile::TempDir)> {
    e2e::start_fixture(
        &PathBuf::from(env!("CARGO_BIN_EXE_spin-test-host")),
        manifest,
        env,
    )
}

fn component(id: &str, extra: &str) -> String {
    format!("[component.{id}]\nsource = \"FIXTURE\"\n{extra}\n[component.{id}.variables]\ncomponent_name = \"{id}\"\n")
}

fn routes(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(r, c)| format!("[[trigger.http]]\nroute = \"{r}\"\ncomponent = \"{c}\"\n"))
        .collect()
}

fn routing_app() -> String {
    let mut m = String::from("spin_manifest_version = 2\n[application]\nname = \"fixture\"\n");
    m += &routes(&[
        ("/...", "catchall"),
        ("/one", "exact"),
        ("/one/...", "wild"),
        ("/one/two/...", "wilder"),
        ("/items/:id", "param"),
        ("/items/:id/...", "param_wild"),
    ]);
    for id in ["catchall", "exact", "wild", "wilder", "param", "param_wild"] {
        m += &component(id, "");
    }
    m
}

#[test]
fn routing_precedence_and_spin_headers() {
    let (host, _dir) = start(&routing_app(), &[]).unwrap();
    let who = |path: &str| host.call("GET", path, None, Body::None).json()["component"].clone();
    assert_eq!(who("/one"), "exact");
    assert_eq!(who("/one/x"), "wild");
    assert_eq!(who("/one/two/three"), "wilder");
    assert_eq!(who("/items/7"), "param");
    assert_eq!(who("/items/7/a/b"), "param_wild");
    assert_eq!(who("/elsewhere/deep"), "catchall");
    assert_eq!(who("/"), "catchall");

    let r = host
        .call("GET", "/items/42/a/b?x=1&y=2", None, Body::None)
        .json();
    let h = &r["headers"];
    let port = host.base.rsplit(':').next().unwrap();
    assert_eq!(
        h["spin-full-url"],
        format!("http://127.0.0.1:{port}/items/42/a/b?x=1&y=2")
    );
    assert_eq!(h["spin-path-info"], "/a/b");
    assert_eq!(h["spin-matched-route"], "/items/:id/...");
    assert_eq!(h["spin-raw-component-route"], "/items/:id/...");
    assert_eq!(h["spin-component-route"], "/items/:id");
    assert_eq!(h["spin-base-path"], "/");
    assert_eq!(h["spin-path-match-id"], "42");
    assert!(h["spin-client-addr"]
        .as_str()
        .unwrap()
        .starts_with("127.0.0.1:"));
    let exact = host.call("GET", "/one", None, Body::None).json();
    assert_eq!(exact["headers"]["spin-path-info"], "");
    assert_eq!(exact["headers"]["spin-component-route"], "/one");
    let trailing = host.call("GET", "/one/x/", None, Body::None).json();
    assert_eq!(trailing["headers"]["spin-path-info"], "/x/");
    // One log line per request.
    host.log_line("GET /one -> exact 200");
}

#[test]
fn a_header_that_is_not_utf8_is_a_bare_500_as_in_spin() {
    let mut m = String::from("spin_manifest_version = 2\n[application]\nname = \"f\"\n");
    m += &routes(&[("/only", "only")]);
    m += &component("only", "");
    let (host, _dir) = start(&m, &[]).unwrap();
    let addr = host.base.trim_start_matches("http://").to_string();
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    stream
        .write_all(b"GET /only HTTP/1.1\r\nHost: x\r\nX-Bad: \xff\xfe\xc0\xaf\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 500"), "{answer}");
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    assert!(body.is_empty(), "no body: {body:?}");
    assert!(
        !head.to_ascii_lowercase().contains("content-type"),
        "{head}"
    );
    host.log_line("invalid utf-8 sequence");
    // The same request with a UTF-8 header reaches the component.
    assert_eq!(host.call("GET", "/only", None, Body::None).status, 200);
}

#[test]
fn unmatched_path_is_404() {
    let mut m = String::from("spin_manifest_version = 2\n[application]\nname = \"f\"\n");
    m += &routes(&[("/only", "only")]);
    m += &component("only", "");
    let (host, _dir) = start(&m, &[]).unwrap();
    assert_eq!(host.call("GET", "/only", None, Body::None).status, 200);
    assert_eq!(host.call("GET", "/other", None, Body::None).status, 404);
    assert_eq!(host.call("GET", "/only/more", None, Body::None).status, 404);
}

fn variables_app() -> String {
    let mut m = String::from(
        "spin_manifest_version = 2\n[application]\nname = \"f\"\n[variables]\ngreeting = { default = \"hello\" }\n\
         api_key = { required = true, secret = true }\nunset_thing = { default = \"\" }\nnever_set = {}\n",
    );
    m += &routes(&[("/vars/...", "vars")]);
    m += "[component.vars]\nsource = \"FIXTURE\"\n[component.vars.variables]\ncomponent_name = \"vars\"\n\
          greeting = \"{{ greeting }}, world\"\nkey = \"{{ api_key }}\"\nempty = \"{{ unset_thing }}\"\nbroken = \"{{ never_set }}\"\n";
    m
}

#[test]
fn variables_defaults_templates_overrides_and_errors() {
    let (host, _dir) = start(&variables_app(), &[("SPIN_VARIABLE_API_KEY", "k-123")]).unwrap();
    let get = |name: &str| host.call("GET", &format!("/vars/{name}"), None, Body::None);
    assert_eq!(get("greeting").json()["value"], "hello, world");
    assert_eq!(get("key").json()["value"], "k-123");
    assert_eq!(get("empty").json()["value"], "");
    assert!(get("nope").json()["error"]
        .as_str()
        .unwrap()
        .contains("Undefined"));
    assert!(get("Bad-Name").json()["error"]
        .as_str()
        .unwrap()
        .contains("InvalidName"));
    assert!(get("broken").json()["error"]
        .as_str()
        .unwrap()
        .contains("Provider"));

    let (host, _dir) = start(
        &variables_app(),
        &[
            ("SPIN_VARIABLE_API_KEY", "k"),
            ("SPIN_VARIABLE_GREETING", "hi"),
        ],
    )
    .unwrap();
    assert_eq!(
        host.call("GET", "/vars/greeting", None, Body::None).json()["value"],
        "hi, world"
    );
}

#[test]
fn missing_required_variable_stops_startup() {
    let err = start(&variables_app(), &[])
        .err()
        .expect("must not start")
        .to_string();
    assert!(
        err.contains("required variable(s) not set: api_key"),
        "{err}"
    );
}

fn sqlite_app(extra_db: &str) -> String {
    let mut m = String::from("spin_manifest_version = 2\n[application]\nname = \"f\"\n");
    m += &routes(&[("/db/...", "db"), ("/nodb/...", "nodb")]);
    m += &component("db", &format!("sqlite_databases = [\"default\"{extra_db}]"));
    m += &component("nodb", "");
    m
}

fn sql(host: &TestHost, prefix: &str, database: &str, statements: Value) -> (u16, Value) {
    let r = host.call(
        "POST",
        &format!("{prefix}/sqlite"),
        None,
        Body::Json(json!({ "database": database, "statements": statements })),
    );
    (r.status, r.json())
}

#[test]
fn sqlite_types_binding_errors_and_transactions() {
    let (host, _dir) = start(&sqlite_app(""), &[]).unwrap();
    let (status, r) = sql(
        &host,
        "/db",
        "default",
        json!([
            { "sql": "CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n TEXT)" },
            { "sql": "INSERT INTO t VALUES (?, ?, ?, ?, ?)", "params": [-7, 2.5, "héllo; 'quoted'", { "blob": "AAEC/w==" }, null] },
            { "sql": "SELECT i, r, s, b, n FROM t WHERE s = ?", "params": ["héllo; 'quoted'"] },
        ]),
    );
    assert_eq!(status, 200, "{r}");
    let select = &r["results"][2];
    assert_eq!(select["columns"], json!(["i", "r", "s", "b", "n"]));
    assert_eq!(
        select["rows"][0],
        json!([{ "integer": -7 }, { "real": 2.5 }, { "text": "héllo; 'quoted'" }, { "blob": "AAEC/w==" }, null])
    );

    let (status, r) = sql(
        &host,
        "/db",
        "default",
        json!([{ "sql": "SELEC nonsense" }]),
    );
    assert_eq!(status, 500);
    assert!(
        r["error"].as_str().unwrap().contains("Io(\"near \\\"SELEC"),
        "{r}"
    );

    // A transaction spans statements on one connection within one request.
    sql(
        &host,
        "/db",
        "default",
        json!([
            { "sql": "BEGIN" }, { "sql": "INSERT INTO t (i) VALUES (100)" }, { "sql": "ROLLBACK" },
            { "sql": "BEGIN" }, { "sql": "INSERT INTO t (i) VALUES (200)" }, { "sql": "COMMIT" },
        ]),
    );
    let (_, r) = sql(
        &host,
        "/db",
        "default",
        json!([{ "sql": "SELECT i FROM t WHERE i >= 100" }]),
    );
    assert_eq!(r["results"][0]["rows"], json!([[{ "integer": 200 }]]));

    // Access rules: undeclared database labels are denied.
    let (status, r) = sql(&host, "/nodb", "default", json!([]));
    assert_eq!(
        (status, r["error"].as_str().unwrap()),
        (500, "Error::AccessDenied")
    );
    let (_, r) = sql(&host, "/db", "other", json!([]));
    assert_eq!(r["error"], "Error::AccessDenied");

    // The data is in a real SQLite file under the state directory.
    let conn = rusqlite_check(&host.database_path());
    assert_eq!(conn, 2);
}

fn rusqlite_check(path: &std::path::Path) -> i64 {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn extra_databases_come_from_the_command_line() {
    let err = start(&sqlite_app(", \"other\""), &[])
        .err()
        .expect("unknown label must fail")
        .to_string();
    assert!(err.contains("unknown database \"other\""), "{err}");
}

#[test]
fn files_are_mounted_read_only_where_declared() {
    let mut m = String::from("spin_manifest_version = 2\n[application]\nname = \"f\"\n");
    m += &routes(&[("/files/...", "files")]);
    m += &component(
        "files",
        "files = [{ source = \"static\", destination = \"/static\" }]",
    );
    let (host, _dir) = start(&m, &[]).unwrap();
    let r = host.call("GET", "/files/static/hello.txt", None, Body::None);
    assert_eq!(r.json()["content"], "hello from a mounted file");
    assert_eq!(
        host.call("GET", "/files/secret.txt", None, Body::None)
            .status,
        404
    );
}

/// A one-shot HTTP server on a free loopback port.
fn tiny_server() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        if let Ok((mut s, _)) = listener.accept() {
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let _ = s.write_all(
                b"HTTP/1.1 200 OK\r\ncontent-length: 4\r\nconnection: close\r\n\r\npong",
            );
        }
    });
    port
}

#[test]
fn outbound_http_only_to_allowed_hosts() {
    let port = tiny_server();
    let mut m = String::from("spin_manifest_version = 2\n[application]\nname = \"f\"\n");
    m += &routes(&[("/out/...", "out")]);
    m += &component(
        "out",
        &format!("allowed_outbound_hosts = [\"http://localhost:{port}\"]"),
    );
    let (host, _dir) = start(&m, &[]).unwrap();
    let denied = host.call(
        "GET",
        &format!("/out/outbound?url=http://127.0.0.1:{port}/"),
        None,
        Body::None,
    );
    assert_eq!(denied.status, 502);
    assert!(
        denied.json()["error"]
            .as_str()
            .unwrap()
            .contains("HttpRequestDenied"),
        "{:?}",
        denied.json()
    );
    let allowed = host.call(
        "GET",
        &format!("/out/outbound?url=http://localhost:{port}/"),
        None,
        Body::None,
    );
    assert_eq!(allowed.json(), json!({ "status": 200, "body": "pong" }));
}

#[test]
fn a_trap_is_a_500_and_the_host_lives_on() {
    let (host, _dir) = start(&routing_app(), &[]).unwrap();
    let r = host.call("GET", "/x/trap", None, Body::None);
    assert_eq!(r.status, 500);
    assert_eq!(host.call("GET", "/one", None, Body::None).status, 200);
    host.log_line("trapped");
}

#[test]
fn two_hundred_concurrent_requests_all_succeed() {
    let (host, _dir) = start(&sqlite_app(""), &[]).unwrap();
    sql(
        &host,
        "/db",
        "default",
        // WAL, as the app runs: a writer holds the lock for one commit, not a journal's
        // whole rewrite, so 200 writers at once stay inside the 5 s busy timeout.
        json!([{ "sql": "PRAGMA journal_mode = WAL" }, { "sql": "CREATE TABLE t (i INTEGER)" }]),
    );
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(200));
    let base = host.base.clone();
    let threads: Vec<_> = (0..200)
        .map(|i| {
            let (barrier, base) = (barrier.clone(), base.clone());
            std::thread::spawn(move || {
                barrier.wait();
                let body =
                    json!({ "statements": [{ "sql": "INSERT INTO t VALUES (?)", "params": [i] }] });
                // The fixture, not the app: no contract to hold it to.
                let url = format!("{base}/db/sqlite");
                let r = e2e::try_call(&url, "POST", None, Body::Json(body))
                    .unwrap_or_else(|e| panic!("POST {url}: {e}"));
                (r.status, String::from_utf8_lossy(&r.body).into_owned())
            })
        })
        .collect();
    let answers: Vec<(u16, String)> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let failed: Vec<&(u16, String)> = answers.iter().filter(|(s, _)| *s != 200).collect();
    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(rusqlite_check(&host.database_path()), 200);
}
