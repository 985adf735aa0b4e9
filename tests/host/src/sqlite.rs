//! `fermyon:spin/sqlite@2.0.0` on real SQLite files or a libSQL server, with Spin's
//! behaviour: a component may open only the databases its manifest lists
//! (`access-denied` otherwise), only labels the host knows exist (`no-such-database`),
//! every `open` is its own connection (a rusqlite connection, or a libSQL remote client
//! created on first use as Spin's `LazyLibSqlConnection` is), and every failure is
//! `io(msg)` with the backend's message.

use crate::bindings::fermyon::spin::sqlite::{
    self, Connection, Error, QueryResult, RowResult, Value,
};
use crate::runtime_config::Backend;
use crate::server::InstanceState;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use wasmtime::component::Resource;

/// Largest result a query may return, as Spin's `MAX_HOST_BUFFERED_BYTES`.
const MAX_RESULT_BYTES: usize = 128 * 1024 * 1024;
/// Connections one instance may hold open at once, as Spin's resource table.
const MAX_CONNECTIONS: usize = 256;

/// Where each database label lives (shared by every instance).
#[derive(Clone, Debug)]
pub struct Databases {
    /// label -> backend.
    pub backends: Arc<HashMap<String, Backend>>,
}

/// One open connection.
enum Open {
    File(Arc<Mutex<rusqlite::Connection>>),
    LibSql(Arc<LazyLibSql>),
}

/// A libSQL client made on the first statement, as Spin's `LazyLibSqlConnection`: a
/// client that cannot be made answers `invalid-connection`.
struct LazyLibSql {
    url: String,
    token: String,
    inner: tokio::sync::OnceCell<libsql::Connection>,
}

impl LazyLibSql {
    async fn connection(&self) -> Result<&libsql::Connection, Error> {
        self.inner
            .get_or_try_init(|| async {
                let db = libsql::Builder::new_remote(self.url.clone(), self.token.clone())
                    .build()
                    .await?;
                db.connect()
            })
            .await
            .map_err(|e| {
                eprintln!("libSQL client for {}: {e}", self.url);
                Error::InvalidConnection
            })
    }
}

/// One instance's SQLite state: what it may open and what it has open.
#[derive(Default)]
pub struct SqliteState {
    allowed: HashSet<String>,
    backends: Arc<HashMap<String, Backend>>,
    open: HashMap<u32, Open>,
    next_id: u32,
}

impl SqliteState {
    /// State for one instance of a component declaring `allowed` databases.
    pub fn new(databases: &Databases, allowed: &[String]) -> Self {
        Self {
            allowed: allowed.iter().cloned().collect(),
            backends: databases.backends.clone(),
            open: HashMap::new(),
            next_id: 1,
        }
    }
}

fn io(e: impl std::fmt::Display) -> Error {
    Error::Io(e.to_string())
}

impl sqlite::Host for InstanceState {}

impl sqlite::HostConnection for InstanceState {
    async fn open(&mut self, database: String) -> Result<Resource<Connection>, Error> {
        let state = &mut self.sqlite;
        if !state.allowed.contains(&database) {
            return Err(Error::AccessDenied);
        }
        let backend = state
            .backends
            .get(&database)
            .cloned()
            .ok_or(Error::NoSuchDatabase)?;
        if state.open.len() >= MAX_CONNECTIONS {
            return Err(io("too many connections opened"));
        }
        let conn = match backend {
            Backend::File(path) => Open::File(Arc::new(Mutex::new(
                blocking(move || rusqlite::Connection::open(path)).map_err(io)?,
            ))),
            Backend::LibSql { url, token } => Open::LibSql(Arc::new(LazyLibSql {
                url,
                token,
                inner: tokio::sync::OnceCell::new(),
            })),
        };
        let id = state.next_id;
        state.next_id += 1;
        state.open.insert(id, conn);
        Ok(Resource::new_own(id))
    }

    async fn execute(
        &mut self,
        connection: Resource<Connection>,
        statement: String,
        parameters: Vec<Value>,
    ) -> Result<QueryResult, Error> {
        match self.sqlite.open.get(&connection.rep()) {
            Some(Open::File(conn)) => {
                let conn = conn.clone();
                blocking(move || run_query(&conn, &statement, parameters))
            }
            Some(Open::LibSql(lazy)) => {
                let lazy = lazy.clone();
                let conn = lazy.connection().await?;
                warn_while_waiting(&statement, run_remote(conn, &statement, parameters)).await
            }
            None => Err(Error::InvalidConnection),
        }
    }

    async fn drop(&mut self, connection: Resource<Connection>) -> wasmtime::Result<()> {
        self.sqlite.open.remove(&connection.rep());
        Ok(())
    }
}

/// How long a libSQL statement may take before the host says it is still waiting.
const SLOW_STATEMENT: std::time::Duration = std::time::Duration::from_secs(5);

/// Awaits one remote statement; one that takes longer than [`SLOW_STATEMENT`] is logged
/// while it waits and again when it ends, so a stalled server shows in the log (a
/// guest cannot time out a host call, and Spin applies no timeout either).
async fn warn_while_waiting<T>(
    statement: &str,
    run: impl std::future::Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    let sql = &statement[..statement.floor_char_boundary(80)];
    tokio::pin!(run);
    tokio::select! {
        result = &mut run => result,
        _ = tokio::time::sleep(SLOW_STATEMENT) => {
            eprintln!("libSQL: still waiting after {SLOW_STATEMENT:?} for: {sql}");
            let started = std::time::Instant::now();
            let result = run.await;
            eprintln!("libSQL: answered {:.1?} later: {sql}", started.elapsed());
            result
        }
    }
}

/// Runs blocking SQLite work on this worker thread, after handing the thread's other
/// tasks to the runtime (Spin uses `spawn_blocking`; the guest sees no difference, and
/// a statement waiting on a lock never stalls other requests either way).
fn blocking<T>(work: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(work)
}

fn to_sql(value: Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as V;
    match value {
        Value::Integer(i) => V::Integer(i),
        Value::Real(r) => V::Real(r),
        Value::Text(t) => V::Text(t),
        Value::Blob(b) => V::Blob(b),
        Value::Null => V::Null,
    }
}

fn from_sql(value: rusqlite::types::ValueRef<'_>) -> (Value, usize) {
    use rusqlite::types::ValueRef as V;
    match value {
        V::Null => (Value::Null, 1),
        V::Integer(i) => (Value::Integer(i), 8),
        V::Real(r) => (Value::Real(r), 8),
        V::Text(t) => (
            Value::Text(String::from_utf8_lossy(t).into_owned()),
            t.len(),
        ),
        V::Blob(b) => (Value::Blob(b.to_vec()), b.len()),
    }
}

fn run_query(
    conn: &Mutex<rusqlite::Connection>,
    statement: &str,
    parameters: Vec<Value>,
) -> Result<QueryResult, Error> {
    let conn = conn.lock().map_err(io)?;
    let mut stmt = conn.prepare_cached(statement).map_err(io)?;
    let columns: Vec<String> = stmt.column_names().into_iter().map(String::from).collect();
    let mut rows = stmt
        .query(rusqlite::params_from_iter(
            parameters.into_iter().map(to_sql),
        ))
        .map_err(io)?;
    let mut out = Results::default();
    while let Some(row) = rows.next().map_err(io)? {
        out.push((0..columns.len()).map(|i| row.get_ref(i).map(from_sql).map_err(io)))?;
    }
    Ok(QueryResult {
        columns,
        rows: out.rows,
    })
}

/// Rows collected under Spin's cap on a result's size.
#[derive(Default)]
struct Results {
    rows: Vec<RowResult>,
    bytes: usize,
}

impl Results {
    /// Adds one row of (value, size) pairs; fails once the result exceeds the cap.
    fn push(
        &mut self,
        row: impl Iterator<Item = Result<(Value, usize), Error>>,
    ) -> Result<(), Error> {
        let mut values = Vec::new();
        for cell in row {
            let (value, size) = cell?;
            self.bytes += size;
            values.push(value);
        }
        if self.bytes > MAX_RESULT_BYTES {
            return Err(io(format!(
                "query result exceeds limit of {MAX_RESULT_BYTES} bytes"
            )));
        }
        self.rows.push(RowResult { values });
        Ok(())
    }
}

fn to_libsql(value: Value) -> libsql::Value {
    use libsql::Value as V;
    match value {
        Value::Integer(i) => V::Integer(i),
        Value::Real(r) => V::Real(r),
        Value::Text(t) => V::Text(t),
        Value::Blob(b) => V::Blob(b),
        Value::Null => V::Null,
    }
}

fn from_libsql(value: libsql::Value) -> (Value, usize) {
    use libsql::Value as V;
    match value {
        V::Null => (Value::Null, 1),
        V::Integer(i) => (Value::Integer(i), 8),
        V::Real(r) => (Value::Real(r), 8),
        V::Text(t) => {
            let n = t.len();
            (Value::Text(t), n)
        }
        V::Blob(b) => {
            let n = b.len();
            (Value::Blob(b), n)
        }
    }
}

/// One statement on a libSQL server, as Spin's `LibSqlConnection::query` runs it.
async fn run_remote(
    conn: &libsql::Connection,
    statement: &str,
    parameters: Vec<Value>,
) -> Result<QueryResult, Error> {
    let params: Vec<libsql::Value> = parameters.into_iter().map(to_libsql).collect();
    let mut rows = conn.query(statement, params).await.map_err(io)?;
    let count = rows.column_count();
    let columns: Vec<String> = (0..count)
        .map(|i| rows.column_name(i).unwrap_or("").to_owned())
        .collect();
    let mut out = Results::default();
    while let Some(row) = rows.next().await.map_err(io)? {
        out.push((0..count).map(|i| row.get_value(i).map(from_libsql).map_err(io)))?;
    }
    Ok(QueryResult {
        columns,
        rows: out.rows,
    })
}
