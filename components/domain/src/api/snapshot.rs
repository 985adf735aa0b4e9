//! Database snapshots (admin): `GET /api/admin/snapshot` streams a consistent logical
//! dump of every table (JSON lines, blobs base64, with the schema version and an end
//! marker so truncation is detectable); `POST /api/admin/snapshots` records an
//! encrypted snapshot's file hash and the checkpoint it matches.

use super::{allow, json, json_body, ChunkSource, Context, Reply, Request, Response};
use crate::auth::require_admin;
use crate::db::{transaction, ReadTransaction, Value as Sql};
use crate::error::ApiError;
use crate::store::snapshots;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde::Deserialize;
use serde_json::{json, Value};

/// The dump format's name (first line).
pub const FORMAT: &str = "tds-snapshot/v1";
const PAGE: u64 = 1000;

/// Handles `/api/admin/snapshot` and `/api/admin/snapshots`.
pub fn handle(ctx: &Context, req: &Request) -> Result<Reply, ApiError> {
    require_admin(ctx, req)?;
    if req.uri().path().trim_end_matches('/') == "/api/admin/snapshots" {
        allow(req, &[http::Method::POST])?;
        return Ok(Reply::Full(record(ctx, req)?));
    }
    allow(req, &[http::Method::GET])?;
    let snapshot = ReadTransaction::begin(ctx.db)?;
    let tables = snapshots::tables(ctx.db)?;
    Ok(Reply::Stream(Box::new(Dump {
        tables,
        table: 0,
        offset: 0,
        rows: 0,
        started: false,
        snapshot: Some(snapshot),
    })))
}

/// A value in the dump: blobs as `{"b64": …}`, the rest as plain JSON.
pub fn encode(value: &Sql) -> Value {
    match value {
        Sql::Integer(i) => json!(i),
        Sql::Real(r) => json!(r),
        Sql::Text(t) => json!(t),
        Sql::Blob(b) => json!({ "b64": B64.encode(b) }),
        Sql::Null => Value::Null,
    }
}

struct Dump {
    tables: Vec<String>,
    table: usize,
    offset: u64,
    rows: u64,
    started: bool,
    /// The read transaction every page reads; `None` once the dump has ended.
    snapshot: Option<ReadTransaction>,
}

impl ChunkSource for Dump {
    fn head(&self) -> Response {
        let date = crate::clock::now();
        http::Response::builder()
            .status(200)
            .header("content-type", "application/x-ndjson")
            .header(
                "content-disposition",
                format!("attachment; filename=\"snapshot-{}.jsonl\"", &date[..10]),
            )
            .body(Vec::new())
            .unwrap_or_default()
    }

    fn next_chunk(&mut self, ctx: &Context) -> Result<Option<Vec<u8>>, ApiError> {
        if self.snapshot.is_none() {
            return Ok(None);
        }
        let mut out = Vec::new();
        let mut line = |v: Value| {
            out.extend(v.to_string().into_bytes());
            out.push(b'\n');
        };
        if !self.started {
            self.started = true;
            line(json!({
                "format": FORMAT,
                "schema_version": crate::migrations::latest_version(),
                "created_at": crate::clock::now(),
                "tables": self.tables,
            }));
        }
        let Some(table) = self.tables.get(self.table).cloned() else {
            line(json!({ "end": true, "rows": self.rows }));
            if let Some(snapshot) = self.snapshot.take() {
                snapshot.end(ctx.db)?;
            }
            return Ok(Some(out));
        };
        let page = snapshots::page(ctx.db, &table, self.offset, PAGE)?;
        if self.offset == 0 {
            line(json!({ "table": table, "columns": page.columns }));
        }
        for row in &page.rows {
            line(json!({ "r": row.iter().map(encode).collect::<Vec<_>>() }));
        }
        self.rows += page.rows.len() as u64;
        if (page.rows.len() as u64) < PAGE {
            self.table += 1;
            self.offset = 0;
        } else {
            self.offset += PAGE;
        }
        Ok(Some(out))
    }
}

#[derive(Deserialize)]
struct Record {
    file_name: Option<String>,
    sha256: Option<String>,
    tree_size: Option<i64>,
    root_hash: Option<String>,
}

fn record(ctx: &Context, req: &Request) -> Result<Response, ApiError> {
    let body: Record = json_body(req)?;
    let file = body
        .file_name
        .filter(|f| !f.is_empty())
        .ok_or_else(|| ApiError::invalid("file_name is required"))?;
    let sha = body
        .sha256
        .filter(|s| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(|| ApiError::invalid("sha256 must be 64 hex digits"))?;
    let size = body
        .tree_size
        .filter(|s| *s >= 0)
        .ok_or_else(|| ApiError::invalid("tree_size is required"))?;
    let root = body.root_hash.unwrap_or_default();
    let now = crate::clock::now();
    let id = transaction(ctx.db, || {
        let id = snapshots::insert(ctx.db, &file, &sha, size, &root, &now)?;
        let data =
            json!({ "snapshot_id": id, "file_name": file, "sha256": sha, "tree_size": size });
        ctx.log_activity(req, "snapshot", None, data, &now)?;
        Ok::<_, ApiError>(id)
    })?;
    Ok(json(
        201,
        &json!({ "id": id, "file_name": file, "sha256": sha, "tree_size": size, "root_hash": root, "created_at": now }),
    ))
}
