//! Test support shared by the host's tests, the app's end-to-end tests and the
//! benchmarks: build components for `wasm32-wasip2`, start `spin-test-host` on a free
//! loopback port, and make HTTP calls that return status, headers and body whatever
//! the status.
//!
//! `TDS_E2E_BACKEND=libsql` runs the same tests scaled out: each app is a real sqld
//! with two host instances on it, and requests alternate between the instances.

pub mod contract;
pub mod hf;
pub mod media;
pub mod python;
pub mod sqld;
pub mod tlog_audit;
pub mod witness;
pub mod worker;

use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Polls `probe` until it answers `Some`, and panics naming `what` once `limit` has
/// passed: how a test waits for what another thread or process does (a log line, a
/// finished job, a server coming up), never with a fixed sleep.
#[track_caller]
pub fn wait_for<T>(what: &str, limit: Duration, probe: impl FnMut() -> Option<T>) -> T {
    match poll_until(limit, probe) {
        Some(found) => found,
        None => panic!("waited {limit:?} for {what}"),
    }
}

/// Polls `probe` until it answers `Some`, or `None` once `limit` has passed (for a
/// caller that gathers its own evidence before failing).
pub fn poll_until<T>(limit: Duration, mut probe: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(found) = probe() {
            return Some(found);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Whether the file at `path` holds `needle` anywhere in its bytes (erasure tests scan
/// database files with it).
pub fn file_contains(path: &Path, needle: &str) -> bool {
    std::fs::read(path)
        .map(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
        .unwrap_or(false)
}

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

/// Cargo's target directory (`CARGO_TARGET_DIR` or `target/`).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| {
            if p.is_absolute() {
                p
            } else {
                workspace_root().join(p)
            }
        })
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// Builds the given packages for `wasm32-wasip2` in release mode, once per process
/// for each set (a no-op build costs well under a second).
pub fn build_components(packages: &[&str]) -> Result<()> {
    static BUILT: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let key = packages.join(",");
    let mut built = BUILT.lock().unwrap();
    if built.contains(&key) {
        return Ok(());
    }
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(workspace_root())
        .args(["build", "--target", "wasm32-wasip2", "--release"]);
    for p in packages {
        cmd.args(["-p", p]);
    }
    let status = cmd
        .status()
        .context("running cargo build for the components")?;
    if !status.success() {
        bail!("building components {packages:?} failed");
    }
    built.push(key);
    Ok(())
}

/// The app's components, as listed in `spin.toml`.
pub const APP_COMPONENTS: &[&str] = &[
    "users",
    "web",
    "lore",
    "unified-input",
    "listing",
    "proofs",
    "export",
    "jobs",
    "quality",
    "activity",
    "metrics",
];

/// Path of a release (else debug) binary of this workspace.
fn workspace_binary(name: &str) -> PathBuf {
    let release = target_dir().join("release").join(name);
    if release.exists() {
        release
    } else {
        target_dir().join("debug").join(name)
    }
}

/// Path of the `native-worker` binary.
pub fn worker_binary() -> PathBuf {
    workspace_binary("native-worker")
}

/// Path of the host binary: `SPIN_TEST_HOST`, else the release build, else debug.
pub fn host_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("SPIN_TEST_HOST") {
        return PathBuf::from(p);
    }
    workspace_binary("spin-test-host")
}

/// Starts the host on a generated manifest in which `FIXTURE` stands for the path of
/// the host's test fixture component (built first). The directory holds the manifest
/// and a `static/hello.txt` for file-mount tests; keep it alive with the host.
pub fn start_fixture(
    binary: &Path,
    manifest: &str,
    env: &[(&str, &str)],
) -> Result<(TestHost, tempfile::TempDir)> {
    build_components(&["host-fixture"])?;
    let wasm = target_dir().join("wasm32-wasip2/release/host_fixture.wasm");
    let dir = tempfile::tempdir()?;
    std::fs::create_dir_all(dir.path().join("static"))?;
    std::fs::write(
        dir.path().join("static/hello.txt"),
        "hello from a mounted file",
    )?;
    std::fs::write(dir.path().join("secret.txt"), "not mounted")?;
    let path = dir.path().join("spin.toml");
    std::fs::write(
        &path,
        manifest.replace("FIXTURE", &wasm.display().to_string()),
    )?;
    Ok((TestHost::start_with(binary, &path, env)?, dir))
}

/// A running app: one host instance on a SQLite file, or (`TDS_E2E_BACKEND=libsql`)
/// two instances on one sqld. Everything is killed when dropped.
pub struct TestHost {
    child: Child,
    /// `http://127.0.0.1:PORT` of the first instance.
    pub base: String,
    /// The state directory (holds `sqlite_db.db` on the built-in backend).
    pub state_dir: tempfile::TempDir,
    log: std::sync::Arc<Mutex<Vec<String>>>,
    /// Further instances on the same database (libSQL leg).
    others: Vec<TestHost>,
    /// The libSQL server behind every instance, if any.
    sqld: Option<sqld::Sqld>,
    /// Which instance answers the next call.
    turn: std::sync::atomic::AtomicUsize,
    /// Whether it serves the project's own `spin.toml`, whose answers are held to
    /// `docs/openapi.json` (a test fixture's are not).
    serves_the_app: bool,
}

/// The database backend the end-to-end tests run on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// Spin's built-in SQLite (a file in the state directory), one instance.
    Sqlite,
    /// One sqld, two host instances on it.
    LibSql,
}

impl Backend {
    /// `TDS_E2E_BACKEND` (`sqlite`, the default, or `libsql`).
    pub fn from_env() -> Self {
        match std::env::var("TDS_E2E_BACKEND").as_deref() {
            Ok("libsql") => Backend::LibSql,
            Ok("sqlite") | Ok("") | Err(_) => Backend::Sqlite,
            Ok(other) => panic!("TDS_E2E_BACKEND={other:?}: use sqlite or libsql"),
        }
    }
}

impl TestHost {
    /// Starts `binary` serving `manifest` with extra environment variables.
    pub fn start_with(binary: &Path, manifest: &Path, env: &[(&str, &str)]) -> Result<Self> {
        Self::start_in(binary, manifest, tempfile::tempdir()?, env)
    }

    /// Like `start_with`, on an existing state directory (e.g. a restored database).
    pub fn start_in(
        binary: &Path,
        manifest: &Path,
        state_dir: tempfile::TempDir,
        env: &[(&str, &str)],
    ) -> Result<Self> {
        Self::spawn(binary, manifest, state_dir, None, "127.0.0.1:0", env)
    }

    fn spawn(
        binary: &Path,
        manifest: &Path,
        state_dir: tempfile::TempDir,
        runtime_config: Option<&Path>,
        listen: &str,
        env: &[(&str, &str)],
    ) -> Result<Self> {
        let mut command = Command::new(binary);
        command
            .args(["--manifest"])
            .arg(manifest)
            .args(["--listen", listen, "--state-dir"])
            .arg(state_dir.path());
        if let Some(file) = runtime_config {
            command.arg("--runtime-config-file").arg(file);
        }
        let mut child = command
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let log = std::sync::Arc::new(Mutex::new(Vec::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line)?;
        let Some(base) = line.trim().strip_prefix("listening on ") else {
            let _ = child.wait();
            std::thread::sleep(Duration::from_millis(100));
            bail!(
                "host did not start: {:?} {}",
                line,
                log.lock().unwrap().join("\n")
            );
        };
        Ok(Self {
            base: base.to_string(),
            child,
            state_dir,
            log,
            others: Vec::new(),
            sqld: None,
            turn: std::sync::atomic::AtomicUsize::new(0),
            serves_the_app: manifest == workspace_root().join("spin.toml"),
        })
    }

    /// Starts the app (`spin.toml`) with its components freshly built, on the backend
    /// `TDS_E2E_BACKEND` names.
    pub fn app(env: &[(&str, &str)]) -> Result<Self> {
        Self::app_on(Backend::from_env(), env)
    }

    /// Starts the app on `backend`: one instance on SQLite, or sqld with two instances.
    pub fn app_on(backend: Backend, env: &[(&str, &str)]) -> Result<Self> {
        if backend == Backend::LibSql {
            return Self::app_on_sqld(sqld::Sqld::start()?, env);
        }
        build_components(APP_COMPONENTS)?;
        Self::start_with(&host_binary(), &workspace_root().join("spin.toml"), env)
    }

    /// Starts the app with two instances on `server` (a sqld started with other flags
    /// than the project's, say).
    pub fn app_on_sqld(server: sqld::Sqld, env: &[(&str, &str)]) -> Result<Self> {
        build_components(APP_COMPONENTS)?;
        let manifest = workspace_root().join("spin.toml");
        let config = server.runtime_config()?;
        // A port picked free can be taken by a parallel test before the instance binds
        // it: pick new ones then.
        let mut attempt = 0;
        let mut first = loop {
            attempt += 1;
            match Self::instances_on(&manifest, &config, env) {
                Err(e) if attempt < 5 && format!("{e:#}").contains("Address already in use") => {
                    continue
                }
                other => break other?,
            }
        };
        first.sqld = Some(server);
        Ok(first)
    }

    /// Two instances on the libSQL database of `config`, on freshly picked ports.
    fn instances_on(manifest: &Path, config: &Path, env: &[(&str, &str)]) -> Result<Self> {
        // Behind a load balancer every instance has one public URL: the first one's.
        let listen: Vec<String> = (0..2)
            .map(|_| sqld::free_port().map(|p| format!("127.0.0.1:{p}")))
            .collect::<Result<_>>()?;
        let public = format!("http://{}", listen[0]);
        let mut env = env.to_vec();
        if !env
            .iter()
            .any(|(k, _)| *k == "SPIN_VARIABLE_PUBLIC_BASE_URL")
        {
            env.push(("SPIN_VARIABLE_PUBLIC_BASE_URL", &public));
        }
        let mut instances = listen.iter().map(|addr| {
            Self::spawn(
                &host_binary(),
                manifest,
                tempfile::tempdir()?,
                Some(config),
                addr,
                &env,
            )
        });
        let mut first = instances.next().expect("two instances")?;
        for other in instances {
            first.others.push(other?);
        }
        Ok(first)
    }

    /// Every instance's base URL, the first one first.
    pub fn bases(&self) -> Vec<String> {
        std::iter::once(self.base.clone())
            .chain(self.others.iter().map(|o| o.base.clone()))
            .collect()
    }

    /// The base URL of the instance whose turn it is (they alternate per call).
    pub fn next_base(&self) -> String {
        let bases = self.bases();
        let turn = self.turn.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        bases[turn % bases.len()].clone()
    }

    /// The backend this app runs on.
    pub fn backend(&self) -> Backend {
        if self.sqld.is_some() {
            Backend::LibSql
        } else {
            Backend::Sqlite
        }
    }

    /// Where sqld's threads wait (a gdb dump), if the app runs on sqld.
    pub fn sqld_thread_dump(&self) -> String {
        self.sqld
            .as_ref()
            .map(sqld::Sqld::thread_dump)
            .unwrap_or_default()
    }

    /// The host's process id (for memory measurements).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The SQLite file behind the `default` database: the state directory's file, or
    /// the one sqld keeps (tests that tamper with the database open it directly).
    pub fn database_path(&self) -> PathBuf {
        match &self.sqld {
            Some(server) => server.database_file(),
            None => self.state_dir.path().join("sqlite_db.db"),
        }
    }

    /// The first line any instance logs to stderr that contains `needle`, waited for
    /// (the host prints a line about the time it answers, from another process).
    #[track_caller]
    pub fn log_line(&self, needle: &str) -> String {
        wait_for(
            &format!("a log line with {needle:?}"),
            Duration::from_secs(30),
            || self.log().into_iter().find(|l| l.contains(needle)),
        )
    }

    /// What every instance logged to stderr so far.
    pub fn log(&self) -> Vec<String> {
        let mut lines = self.log.lock().unwrap().clone();
        for other in &self.others {
            lines.extend(other.log());
        }
        lines
    }

    /// Creates a contributor with the admin token `admin`; returns the new user's token.
    pub fn new_user(&self, admin: &str, name: &str) -> String {
        self.new_user_as(admin, name, "contributor")
    }

    /// Creates a user with `role` (`contributor` or `reviewer`); returns its token.
    pub fn new_user_as(&self, admin: &str, name: &str, role: &str) -> String {
        let r = self.call(
            "POST",
            "/api/users",
            Some(admin),
            Body::Json(serde_json::json!({ "name": name, "role": role })),
        );
        assert_eq!(r.status, 201, "{:?}", r.json());
        r.json()["token"].as_str().unwrap_or_default().to_string()
    }

    /// POSTs a JSON contribution, expects 201 and returns the new row.
    pub fn contribute(&self, token: &str, body: serde_json::Value) -> serde_json::Value {
        let r = self.call("POST", "/api/unified-input", Some(token), Body::Json(body));
        assert_eq!(r.status, 201, "{:?}", r.json());
        r.json()
    }

    /// Contributes `text` as the 41st of 80 text rows, the others 300-byte fillers, so
    /// the table's pages split while it exists (erasure tests then scan the files for
    /// every copy); returns its row.
    pub fn contribute_among_fillers(&self, token: &str, text: &str) -> serde_json::Value {
        let mut target = serde_json::Value::Null;
        for i in 0..80 {
            let body = if i == 40 {
                text.to_string()
            } else {
                format!("filler row {i} {}", "x".repeat(300))
            };
            let row = self.contribute(
                token,
                serde_json::json!({ "modality": "text", "text": body }),
            );
            if i == 40 {
                target = row;
            }
        }
        target
    }

    /// Plays a worker over the job API: claims the next job of `kind` (`ocr`,
    /// `transcribe`) with the worker token and completes it with `text`; returns the
    /// contribution it was for.
    pub fn complete_next_job(&self, worker: &str, kind: &str, text: &str) -> i64 {
        self.complete_next_job_located(worker, kind, text, serde_json::json!({}))
    }

    /// As [`TestHost::complete_next_job`], with what the engine located (`layout`: the
    /// completion's `segments`, `words`, `language`, `audio_ms`, `boxes`, `lines`).
    pub fn complete_next_job_located(
        &self,
        worker: &str,
        kind: &str,
        text: &str,
        layout: serde_json::Value,
    ) -> i64 {
        let claim = self.call(
            "POST",
            "/api/jobs/claim",
            Some(worker),
            Body::Json(
                serde_json::json!({ "worker_id": "e2e", "kinds": [kind], "lease_seconds": 60 }),
            ),
        );
        assert_eq!(claim.status, 200, "{:?}", claim.json());
        let job = claim.json();
        let engine = if kind == "ocr" {
            "tesseract"
        } else {
            "whisper.cpp"
        };
        let done = self.call(
            "POST",
            &format!("/api/jobs/{}/complete", job["id"]),
            Some(worker),
            Body::Json({
                let mut body = serde_json::json!({
                    "lease_token": job["lease_token"], "text": text, "engine": engine,
                    "model": "e2e", "confidence": 0.81,
                });
                for (key, value) in layout.as_object().into_iter().flatten() {
                    body[key] = value.clone();
                }
                body
            }),
        );
        assert_eq!(done.status, 200, "{:?}", done.json());
        job["contribution_id"].as_i64().unwrap_or_default()
    }

    /// Runs a data-quality scan and returns its report (both with the admin token).
    pub fn quality_report(&self, admin: &str) -> serde_json::Value {
        let scan = self.call(
            "POST",
            "/api/cleanup-voice-data",
            Some(admin),
            Body::Json(serde_json::json!({})),
        );
        assert_eq!(scan.status, 200, "{:?}", scan.json());
        let report = self.call(
            "GET",
            "/api/cleanup-voice-data/report",
            Some(admin),
            Body::None,
        );
        assert_eq!(report.status, 200, "{:?}", report.json());
        report.json()
    }

    /// How many activity-log entries of `log_type` there are (read with the admin token).
    pub fn activity_count(&self, admin: &str, log_type: &str) -> usize {
        let r = self.call(
            "GET",
            &format!("/api/activity?type={log_type}&limit=500"),
            Some(admin),
            Body::None,
        );
        assert_eq!(r.status, 200, "{:?}", r.json());
        r.json()["items"].as_array().map_or(0, Vec::len)
    }

    /// One contribution as `token` sees it (`GET /api/training-data/{id}`).
    pub fn row(&self, token: &str, id: i64) -> serde_json::Value {
        self.call(
            "GET",
            &format!("/api/training-data/{id}"),
            Some(token),
            Body::None,
        )
        .json()
    }

    /// Makes a request (to the instances in turn); `token` becomes a bearer header.
    /// A request that gets no answer panics with the tail of every instance's log; a
    /// 500 prints that tail too (the app should never answer 500).
    pub fn call(&self, method: &str, path: &str, token: Option<&str>, body: Body) -> Resp {
        let url = format!("{}{}", self.next_base(), path);
        // No answer within the client's deadline: a stall. Say where sqld waits.
        let resp = try_call(&url, method, token, body).unwrap_or_else(|e| {
            panic!(
                "{method} {url}: {e}\n{}\n{}",
                self.log_tails(),
                self.sqld_thread_dump()
            )
        });
        if resp.status == 500 {
            eprintln!("{method} {url} answered 500\n{}", self.log_tails());
        }
        if self.serves_the_app {
            held_to_contract(method, &url, resp)
        } else {
            resp
        }
    }

    /// The last lines every instance and sqld logged.
    fn log_tails(&self) -> String {
        let log = self.log();
        let tail = &log[log.len().saturating_sub(40)..];
        let sqld = self.sqld.as_ref().map(|s| s.log()).unwrap_or_default();
        let sqld_tail: Vec<&str> = sqld.lines().rev().take(20).collect();
        format!(
            "last lines the hosts logged:\n{}\nlast lines sqld logged:\n{}",
            tail.join("\n"),
            sqld_tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        )
    }
}

impl Drop for TestHost {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A request body.
pub enum Body {
    /// No body.
    None,
    /// A JSON body.
    Json(serde_json::Value),
    /// Raw bytes with a content type.
    Raw(&'static str, Vec<u8>),
}

/// A response, whatever its status.
#[derive(Debug)]
pub struct Resp {
    /// HTTP status.
    pub status: u16,
    /// Content-Type header.
    pub content_type: String,
    /// Body bytes.
    pub body: Vec<u8>,
    /// Every header, lower-case names.
    pub headers: Vec<(String, String)>,
}

impl Resp {
    /// The body as JSON (Null if it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP call to an absolute URL of the app; panics when no answer comes.
pub fn call(url: &str, method: &str, token: Option<&str>, body: Body) -> Resp {
    let resp = try_call(url, method, token, body).unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    held_to_contract(method, url, resp)
}

/// The app's response, after checking it against the OpenAPI document (see
/// [`contract`]): a response the document does not describe fails the test.
fn held_to_contract(method: &str, url: &str, resp: Resp) -> Resp {
    if let Err(e) = contract::check(method, url, resp.status, &resp.content_type, &resp.body) {
        panic!("{method} {url}: breaks docs/openapi.json: {e}");
    }
    resp
}

/// One HTTP call to an absolute URL (not checked against the app's contract: also for
/// other servers): any answer, whatever its status, or why none came.
pub fn try_call(url: &str, method: &str, token: Option<&str>, body: Body) -> Result<Resp, String> {
    let mut req = ureq::request(method, url).timeout(Duration::from_secs(60));
    if let Some(t) = token {
        req = req.set("authorization", &format!("Bearer {t}"));
    }
    let result = match body {
        Body::None => req.call(),
        Body::Json(v) => req
            .set("content-type", "application/json")
            .send_bytes(v.to_string().as_bytes()),
        Body::Raw(ct, bytes) => req.set("content-type", ct).send_bytes(&bytes),
    };
    let resp = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => return Err(e.to_string()),
    };
    let status = resp.status();
    let headers = resp
        .headers_names()
        .into_iter()
        .map(|n| {
            let v = resp.header(&n).unwrap_or("").to_string();
            (n.to_ascii_lowercase(), v)
        })
        .collect();
    let content_type = resp.header("content-type").unwrap_or("").to_string();
    let mut body = Vec::new();
    std::io::Read::read_to_end(&mut resp.into_reader(), &mut body)
        .map_err(|e| format!("reading the body: {e}"))?;
    Ok(Resp {
        status,
        content_type,
        body,
        headers,
    })
}
