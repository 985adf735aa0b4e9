//! The HTTP server: compiles every component once (`InstancePre`), then serves each
//! request with a fresh instance, exactly one per request as Spin does.

use crate::manifest::Manifest;
use crate::outbound::{AllowedHost, OutboundHooks};
use crate::routes::Router;
use crate::runtime_config::Backend;
use crate::sqlite::{Databases, SqliteState};
use crate::variables::{ComponentVariables, Resolved};
use anyhow::{Context, Result};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;
use wasmtime::component::{Component, HasSelf, Linker, ResourceTable};
use wasmtime::{Engine, Store};
use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::p2::bindings::http::types::Scheme;
use wasmtime_wasi_http::p2::bindings::ProxyPre;
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

/// Everything one component instance can reach while it serves one request.
pub struct InstanceState {
    wasi: WasiCtx,
    http: WasiHttpCtx,
    hooks: OutboundHooks,
    table: ResourceTable,
    /// The component's variables.
    pub variables: ComponentVariables,
    /// The component's SQLite connections.
    pub sqlite: SqliteState,
}

impl WasiView for InstanceState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for InstanceState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.hooks,
        }
    }
}

/// A component ready to instantiate, with what each instance gets.
struct PreparedComponent {
    pre: ProxyPre<InstanceState>,
    variables: ComponentVariables,
    databases: Vec<String>,
    allowed_hosts: Arc<Vec<AllowedHost>>,
    mounts: Vec<(PathBuf, String)>,
    environment: Vec<(String, String)>,
}

/// The running app.
pub struct App {
    router: Router,
    components: HashMap<String, PreparedComponent>,
    databases: Databases,
}

/// Command-line options that shape the app.
pub struct Options {
    /// The `spin.toml` to serve.
    pub manifest: PathBuf,
    /// Like `spin up --state-dir`: where the default database lives.
    pub state_dir: PathBuf,
    /// Explicit database files by label (`--sqlite-file label=path`).
    pub database_files: Vec<(String, PathBuf)>,
    /// Spin's `--runtime-config-file`: `[sqlite_database.*]` backends.
    pub runtime_config: Option<PathBuf>,
}

impl App {
    /// Loads the manifest, resolves variables and compiles every routed component.
    pub fn load(options: &Options) -> Result<Self> {
        let manifest = Manifest::load(&options.manifest)?;
        let root = options
            .manifest
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let env: HashMap<String, String> = std::env::vars().collect();
        let resolved = Resolved::resolve(&manifest, &env)?;

        std::fs::create_dir_all(&options.state_dir)
            .with_context(|| format!("cannot create state dir {}", options.state_dir.display()))?;
        let mut backends = HashMap::new();
        backends.insert(
            "default".to_string(),
            Backend::File(options.state_dir.join("sqlite_db.db")),
        );
        if let Some(file) = &options.runtime_config {
            backends.extend(crate::runtime_config::sqlite_databases(
                file,
                &options.state_dir,
            )?);
        }
        for (label, path) in &options.database_files {
            backends.insert(label.clone(), Backend::File(path.clone()));
        }
        let databases = Databases {
            backends: Arc::new(backends),
        };

        let mut config = wasmtime::Config::new();
        config.wasm_component_model(true);
        // `perf record` names the components' compiled functions through /tmp/perf-PID.map.
        if std::env::var_os("TDS_HOST_PERFMAP").is_some() {
            config.profiler(wasmtime::ProfilingStrategy::PerfMap);
        }
        if let Ok(cache) = wasmtime::Cache::from_file(None) {
            config.cache(Some(cache));
        }
        let engine = Engine::new(&config)?;
        let mut linker: Linker<InstanceState> = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)?;
        crate::bindings::fermyon::spin::sqlite::add_to_linker::<_, HasSelf<InstanceState>>(
            &mut linker,
            |s| s,
        )?;
        crate::bindings::fermyon::spin::variables::add_to_linker::<_, HasSelf<InstanceState>>(
            &mut linker,
            |s| s,
        )?;

        let mut components = HashMap::new();
        for (id, decl) in &manifest.component {
            let source = root.join(&decl.source);
            let component = Component::from_file(&engine, &source)
                .map_err(anyhow::Error::from)
                .with_context(|| {
                    format!(
                        "component {id:?}: cannot load {} (did the build run?)",
                        source.display()
                    )
                })?;
            let pre = ProxyPre::new(
                linker
                    .instantiate_pre(&component)
                    .map_err(anyhow::Error::from)
                    .with_context(|| {
                        format!("component {id:?} imports something this host does not provide")
                    })?,
            )?;
            for db in &decl.sqlite_databases {
                if !databases.backends.contains_key(db) {
                    anyhow::bail!("component {id:?} uses unknown database {db:?} (configure it in --runtime-config-file or pass --sqlite-file {db}=PATH)");
                }
            }
            components.insert(
                id.clone(),
                PreparedComponent {
                    pre,
                    variables: resolved.for_component(id),
                    databases: decl.sqlite_databases.clone(),
                    allowed_hosts: Arc::new(
                        decl.allowed_outbound_hosts
                            .iter()
                            .filter_map(|h| AllowedHost::parse(h))
                            .collect(),
                    ),
                    mounts: decl.files.iter().map(|f| f.preopen(&root)).collect(),
                    environment: decl.environment.clone().into_iter().collect(),
                },
            );
        }
        let router = Router::build(manifest.trigger.http.iter().filter_map(|t| match &t.route {
            crate::manifest::RouteConfig::Route(r) => Some((r.as_str(), t.component.as_str())),
            crate::manifest::RouteConfig::Private { .. } => None,
        }))?;
        Ok(Self {
            router,
            components,
            databases,
        })
    }

    /// Serves one request; never fails: errors become 500s (and 404 for no route).
    pub async fn handle(
        self: Arc<Self>,
        req: hyper::Request<Incoming>,
        client: SocketAddr,
    ) -> hyper::Response<HyperOutgoingBody> {
        let started = Instant::now();
        let method = req.method().clone();
        let path = req.uri().path().to_string();
        let Some(route) = self.router.route(&path) else {
            eprintln!(
                "{method} {path} -> (no route) 404 {:.1?}",
                started.elapsed()
            );
            return plain(404, "Not Found");
        };
        // Spin answers a header value that is not UTF-8 with a bare 500 before any
        // component runs (`Error processing request: invalid utf-8 sequence`).
        if req
            .headers()
            .values()
            .any(|v| std::str::from_utf8(v.as_bytes()).is_err())
        {
            eprintln!("Error processing request: invalid utf-8 sequence");
            return empty(500);
        }
        let response = match self.clone().invoke(&route, req, client).await {
            Ok(resp) => resp,
            Err(e) => {
                eprintln!("error in component {}: {e:?}", route.component);
                plain(500, "Internal Server Error")
            }
        };
        eprintln!(
            "{method} {path} -> {} {} {:.1?}",
            route.component,
            response.status().as_u16(),
            started.elapsed()
        );
        response
    }

    async fn invoke(
        self: Arc<Self>,
        route: &crate::routes::RouteMatch,
        req: hyper::Request<Incoming>,
        client: SocketAddr,
    ) -> Result<hyper::Response<HyperOutgoingBody>> {
        let component = &self.components[&route.component];
        let (mut parts, body) = req.into_parts();
        let host = parts
            .headers
            .get(http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost")
            .to_string();
        let path_and_query = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/")
            .to_string();
        for (name, value) in route.spin_headers("http", &host, &path_and_query, client) {
            parts.headers.insert(
                http::HeaderName::from_bytes(name.as_bytes())?,
                http::HeaderValue::from_str(&value)?,
            );
        }
        parts.uri = format!("http://{host}{path_and_query}").parse()?;
        let req = hyper::Request::from_parts(parts, body);

        let mut wasi = WasiCtx::builder();
        wasi.inherit_stderr().inherit_stdout();
        for (k, v) in &component.environment {
            wasi.env(k, v);
        }
        for (host_dir, guest_dir) in &component.mounts {
            wasi.preopened_dir(host_dir, guest_dir, FsPerms::ReadOnly)
                .map_err(anyhow::Error::from)
                .with_context(|| format!("cannot mount {}", host_dir.display()))?;
        }
        let state = InstanceState {
            wasi: wasi.build(),
            http: WasiHttpCtx::new(),
            hooks: OutboundHooks {
                allowed: component.allowed_hosts.clone(),
            },
            table: ResourceTable::new(),
            variables: component.variables.clone(),
            sqlite: SqliteState::new(&self.databases, &component.databases),
        };
        let mut store = Store::new(component.pre.engine(), state);
        let (sender, receiver) = tokio::sync::oneshot::channel();
        let incoming = store
            .data_mut()
            .http()
            .new_incoming_request(Scheme::Http, req)?;
        let out = store.data_mut().http().new_response_outparam(sender)?;
        let pre = component.pre.clone();
        let task = tokio::task::spawn(async move {
            let proxy = pre.instantiate_async(&mut store).await?;
            proxy
                .wasi_http_incoming_handler()
                .call_handle(&mut store, incoming, out)
                .await
        });
        match receiver.await {
            Ok(Ok(resp)) => Ok(resp),
            Ok(Err(code)) => anyhow::bail!("component answered with error code {code:?}"),
            Err(_) => match task.await {
                Ok(Ok(())) => anyhow::bail!("component never set a response"),
                Ok(Err(e)) => Err(anyhow::Error::from(e).context("component trapped")),
                Err(e) => Err(e.into()),
            },
        }
    }
}

/// A response with no body and no content type, as Spin's own errors are.
fn empty(status: u16) -> hyper::Response<HyperOutgoingBody> {
    let body = Full::new(Bytes::new())
        .map_err(|never| match never {})
        .boxed_unsync();
    hyper::Response::builder()
        .status(status)
        .body(body)
        .expect("static response")
}

fn plain(status: u16, text: &'static str) -> hyper::Response<HyperOutgoingBody> {
    let body = Full::new(Bytes::from_static(text.as_bytes()))
        .map_err(|never| match never {})
        .boxed_unsync();
    hyper::Response::builder()
        .status(status)
        .header("content-type", "text/plain")
        .body(body)
        .expect("static response")
}
