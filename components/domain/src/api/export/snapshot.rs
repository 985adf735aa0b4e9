//! Database snapshots (admin): `GET /api/admin/snapshot` streams a consistent logical
//! dump of every table (JSON lines, blobs base64, with the schema version and an end
//! marker so truncation is detectable); `POST /api/admin/snapshots` records an
//! encrypted snapshot's file hash and the checkpoint it matches.

use crate::api::{json, json_body, ChunkSource, Context, Params, Reply, Request, Response};
use crate::auth::require_admin;
use crate::db::ReadTransaction;
use crate::error::ApiError;
use crate::store::snapshots;
use serde_json::json;
use wire::snapshot::{Cell, End, Header, Line, Record, Row, TableStart, FORMAT};

/// Rows read per chunk.
const PAGE: u64 = 1000;

/// `GET /api/admin/snapshot`: streams the dump.
pub fn dump(ctx: &Context, req: &Request, _: &Params) -> Result<Reply, ApiError> {
    require_admin(ctx, req)?;
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
        let mut line = |l: Line| {
            out.extend(serde_json::to_vec(&l).unwrap_or_default());
            out.push(b'\n');
        };
        if !self.started {
            self.started = true;
            line(Line::Header(Header {
                created_at: crate::clock::now(),
                format: FORMAT.into(),
                schema_version: crate::migrations::latest_version(),
                tables: self.tables.clone(),
            }));
        }
        let Some(table) = self.tables.get(self.table).cloned() else {
            line(Line::End(End {
                end: true,
                rows: self.rows,
            }));
            if let Some(snapshot) = self.snapshot.take() {
                snapshot.end(ctx.db)?;
            }
            return Ok(Some(out));
        };
        let page = snapshots::page(ctx.db, &table, self.offset, PAGE)?;
        if self.offset == 0 {
            line(Line::Table(TableStart {
                columns: page.columns.clone(),
                table,
            }));
        }
        for row in &page.rows {
            line(Line::Row(Row {
                r: row.iter().map(Cell::from).collect(),
            }));
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

/// `POST /api/admin/snapshots`: records an encrypted snapshot the admin made.
pub fn record(ctx: &Context, req: &Request, _: &Params) -> Result<Reply, ApiError> {
    require_admin(ctx, req)?;
    let snapshot: Record = json_body(req)?;
    let Record {
        file_name: file,
        sha256: sha,
        tree_size: size,
        root_hash: root,
    } = &snapshot;
    if file.is_empty() {
        return Err(ApiError::invalid("file_name is required"));
    }
    if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiError::invalid("sha256 must be 64 hex digits"));
    }
    if *size < 0 {
        return Err(ApiError::invalid("tree_size must not be negative"));
    }
    let (id, now) = crate::usecase::snapshots::record(ctx.db, &ctx.origin(req), &snapshot)?;
    Ok(Reply::Full(json(
        201,
        &json!({ "id": id, "file_name": file, "sha256": sha, "tree_size": size, "root_hash": root, "created_at": now }),
    )))
}
