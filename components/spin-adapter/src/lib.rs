//! Connects the domain to Spin: `SpinDb` runs statements on Spin's SQLite, settings
//! come from Spin variables, outbound HTTP goes through WASI HTTP, and `serve` answers
//! a request from a component's route table (`domain::routes`).

mod outbound;
pub use outbound::Outbound;

use domain::config::Settings;
use domain::context::{
    Context, Handler, Reply, Request, Response, StaticHandler, StreamingHandler,
};
use domain::db::{Db, DbError, Resilient, Rows, Value};
use domain::error::ApiError;
use domain::router::{resolve, Route};
use spin_sdk::http::conversions::TryFromIncomingRequest;
use spin_sdk::http::{Fields, IncomingRequest, OutgoingResponse, ResponseOutparam};
use spin_sdk::sqlite::{self, Connection};

/// Spin's SQLite connection as the domain's `Db`.
pub struct SpinDb(Connection);

fn to_spin(value: &Value) -> sqlite::Value {
    match value {
        Value::Integer(i) => sqlite::Value::Integer(*i),
        Value::Real(r) => sqlite::Value::Real(*r),
        Value::Text(t) => sqlite::Value::Text(t.clone()),
        Value::Blob(b) => sqlite::Value::Blob(b.clone()),
        Value::Null => sqlite::Value::Null,
    }
}

fn from_spin(value: sqlite::Value) -> Value {
    match value {
        sqlite::Value::Integer(i) => Value::Integer(i),
        sqlite::Value::Real(r) => Value::Real(r),
        sqlite::Value::Text(t) => Value::Text(t),
        sqlite::Value::Blob(b) => Value::Blob(b),
        sqlite::Value::Null => Value::Null,
    }
}

impl Db for SpinDb {
    fn execute(&self, sql: &str, params: &[Value]) -> Result<Rows, DbError> {
        let params: Vec<sqlite::Value> = params.iter().map(to_spin).collect();
        let result = self
            .0
            .execute(sql, &params)
            .map_err(|e| DbError(format!("{e:?}")))?;
        Ok(Rows {
            columns: result.columns,
            rows: result
                .rows
                .into_iter()
                .map(|r| r.values.into_iter().map(from_spin).collect())
                .collect(),
        })
    }
}

impl SpinDb {
    /// Opens the `default` database for one request: with this app's per-connection
    /// settings, the schema brought up to date, and retries while it is busy.
    pub fn open() -> Result<Resilient<Self>, ApiError> {
        let conn = Connection::open_default().map_err(|e| {
            eprintln!("cannot open the default database: {e:?}");
            ApiError::unavailable("the database is not available")
        })?;
        let db = Resilient::new(SpinDb(conn));
        // WAL + synchronous=NORMAL: a commit is durable against a crash of the app, and
        // may be lost only on a power cut before the next checkpoint; see BENCHMARKS.md.
        // secure_delete: freed space is zeroed whenever it is freed (page splits
        // included), so erased content leaves the file (README, "Data rights").
        // Remote libSQL refuses both; its refusal of the first spares it the second
        // round trip.
        if db.execute("PRAGMA synchronous = NORMAL", &[]).is_ok() {
            let _ = db.execute("PRAGMA secure_delete = ON", &[]);
        }
        domain::migrations::ensure_schema(&db)?;
        Ok(db)
    }
}

/// Settings from Spin variables (a variable the component does not declare reads as unset).
pub fn settings() -> Result<Settings, ApiError> {
    Settings::from_lookup(|name| spin_sdk::variables::get(name).ok())
}

/// Answers one request from `table`: the row's handler runs with the database and
/// the settings (opened only once a row matched); every failure becomes problem+json.
pub fn serve(req: Request, table: &[Route<Handler>]) -> Response {
    let run = || -> Result<Response, ApiError> {
        let (handler, params) = resolve(table, req.method(), req.uri().path())?;
        let settings = settings()?;
        let db = SpinDb::open()?;
        let ctx = Context::new(&db, settings, &Outbound);
        ctx.run(&req, || handler(&ctx, &req, &params))
    };
    run().unwrap_or_else(ApiError::into_response)
}

/// Answers from a table of handlers that need no database (static pages): nothing
/// is opened.
pub fn serve_static(req: Request, table: &[Route<StaticHandler>]) -> Response {
    resolve(table, req.method(), req.uri().path())
        .and_then(|(handler, params)| handler(&req, &params))
        .unwrap_or_else(ApiError::into_response)
}

/// Sends a complete response through Spin's response outparam.
async fn send_full(out: ResponseOutparam, response: Response) {
    let (head, body) = response.into_parts();
    let outgoing = outgoing_head(&head.headers, head.status.as_u16());
    out.set_with_body(outgoing, body)
        .await
        .unwrap_or_else(|e| eprintln!("sending the response failed: {e:?}"));
}

fn outgoing_head(headers: &http::HeaderMap, status: u16) -> OutgoingResponse {
    let list: Vec<(String, Vec<u8>)> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
        .collect();
    let outgoing =
        OutgoingResponse::new(Fields::from_list(&list).unwrap_or_else(|_| Fields::new()));
    let _ = outgoing.set_status_code(status);
    outgoing
}

/// Answers from a table of handlers that may stream: a `Reply::Stream` sends its head
/// at once and then each chunk as it is produced, so large exports never sit in memory.
pub async fn serve_streaming(
    incoming: IncomingRequest,
    out: ResponseOutparam,
    table: &[Route<StreamingHandler>],
) {
    use futures::SinkExt;
    let req = match Request::try_from_incoming_request(incoming).await {
        Ok(r) => r,
        Err(_) => {
            return send_full(
                out,
                ApiError::bad_request("the request could not be read").into_response(),
            )
            .await
        }
    };
    let prepared = resolve(table, req.method(), req.uri().path()).and_then(|(h, params)| {
        let settings = settings()?;
        Ok((h, params, settings, SpinDb::open()?))
    });
    let (handler, params, settings, db) = match prepared {
        Ok(p) => p,
        Err(e) => return send_full(out, e.into_response()).await,
    };
    let ctx = Context::new(&db, settings, &Outbound);
    match ctx.run(&req, || handler(&ctx, &req, &params)) {
        Err(e) => send_full(out, e.into_response()).await,
        Ok(Reply::Full(response)) => send_full(out, response).await,
        Ok(Reply::Stream(mut source)) => {
            let head = source.head();
            let outgoing = outgoing_head(head.headers(), head.status().as_u16());
            let mut body = outgoing.take_body();
            out.set(outgoing);
            loop {
                match source.next_chunk(&ctx) {
                    Ok(Some(chunk)) => {
                        if let Err(e) = body.send(chunk).await {
                            eprintln!("client went away during the stream: {e:?}");
                            return;
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        eprintln!("stream ended early: {}", e.detail);
                        return;
                    }
                }
            }
            let _ = body.close().await;
        }
    }
}
