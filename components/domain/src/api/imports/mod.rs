//! `POST /api/import` takes many contributions in one body: JSONL
//! (`application/x-ndjson`, one unified-input object per line), a JSON array of them
//! (`application/json`), or a zip or tar archive of media files (`archive`: with a
//! manifest or sidecar texts, `folder`; or this service's own hf export, `hf`). Each
//! line may add `created_at`, `included_in_training`, `source_id`, a media line's
//! known `text` with its `text_source`, and (the admin only) `user_id`; a line of this
//! service's jsonl export imports as it is, its `id` kept as `source_id`. Every line
//! is checked as a single contribution is; the good ones are written in batches
//! (`usecase::imports`) and the answer reports each line: created, duplicate or
//! rejected with its problem. A body that is not the declared format at all is a 400
//! before anything is written. `GET /api/imports/{id}` shows an import's record and
//! report again.

mod archive;
mod folder;
mod hf;

use super::unified_input::body::{self, ImportLine};
use super::{json, Context, Params, Request, Response};
use crate::auth::{authenticate, is_worker, Caller};
use crate::error::ApiError;
use crate::store::imports::{self, Format, State};
use crate::usecase::imports::{self as usecase, Line, Owner, Ready};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// Most lines one request may carry (a larger import is sent as several).
pub const MAX_LINES: usize = 10_000;
/// Largest body one request may carry.
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;
/// Longest `source_id`.
const MAX_SOURCE_ID: usize = 200;

/// One line of an import body before it is checked: a JSON object in the shape of
/// a unified-input body, or the problem that refused it.
pub struct Entry {
    /// Its 1-based number in the body (0 until numbered: archive files).
    number: i64,
    /// The line, or why it could not be read.
    value: Result<Value, ApiError>,
    /// The archive file that is its media.
    file: Option<Vec<u8>>,
    /// Its size in the body, held against the single-contribution limit.
    size: usize,
    /// Which file it was, when its value cannot say (a refused archive file).
    source_id: Option<String>,
}

impl Entry {
    /// Line `number` of a JSONL body or an array, `size` bytes long there.
    fn read(number: i64, value: Result<Value, ApiError>, size: usize) -> Self {
        Self {
            number,
            value,
            file: None,
            size,
            source_id: None,
        }
    }

    /// A line made from an archive file or an export row (numbered later).
    fn line(value: Value) -> Self {
        let size = value.to_string().len();
        Self::read(0, Ok(value), size)
    }

    /// A line refused before it could be read.
    fn refused(problem: ApiError) -> Self {
        Self::read(0, Err(problem), 0)
    }

    /// The same line, reported under this source id.
    fn with_source(self, source_id: &str) -> Self {
        Self {
            source_id: Some(source_id.to_string()),
            ..self
        }
    }
}

/// The encodings of an import body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    /// One JSON object per line.
    Jsonl,
    /// A JSON array of objects.
    Array,
    /// A zip or tar archive of files.
    Archive(archive::Kind),
}

/// `POST /api/import`: imports the body's lines; 201 with the import and its report, or
/// 202 with what is written so far when the rest goes on in later requests.
pub fn create(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    let caller = authenticate(ctx, req, false)?;
    usecase::check_importer(ctx.db, caller)?;
    let content_type = content_type(req);
    let body = req.body();
    let (format, lines) = read(ctx, caller, &content_type, body)?;
    let sha256 = hex::encode(Sha256::digest(body));
    let read = usecase::Body {
        bytes: body,
        content_type: &content_type,
        format,
        sha256: &sha256,
    };
    let budget = usecase::Budget::new(ctx.settings.import_batches_per_request);
    let import = usecase::run(ctx.db, &ctx.origin(req), caller, &read, &lines, budget)?;
    // 201 when every line has its outcome; 202 while the rest is still to be written.
    let status = match import.state {
        State::Finished => 201,
        State::Running => 202,
    };
    let mut resp = json(status, &view(ctx, &import)?);
    if let Ok(location) = format!("/api/imports/{}", import.id).parse() {
        resp.headers_mut().insert(http::header::LOCATION, location);
    }
    Ok(resp)
}

/// `POST /api/imports/{id}/continue` (its importer, the admin or the worker): writes
/// more of a running import, as much as one request may; 200 with the import as it
/// stands (a finished one as it is).
pub fn resume(ctx: &Context, req: &Request, params: &Params) -> Result<Response, ApiError> {
    let import = visible(ctx, req, params, true)?;
    if import.state == State::Finished {
        return Ok(json(200, &view(ctx, &import)?));
    }
    let (content_type, body) = usecase::kept_body(ctx.db, &import)?;
    let (_, lines) = read(ctx, usecase::importer_of(&import), &content_type, &body)?;
    let budget = usecase::Budget::new(ctx.settings.import_batches_per_request);
    let import = usecase::resume(ctx.db, &ctx.origin(req), &import, &lines, budget)?;
    Ok(json(200, &view(ctx, &import)?))
}

/// `GET /api/imports?state=running`: the caller's running imports (the admin's and the
/// worker's: everyone's), oldest first, without their line reports.
pub fn list(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    let user = match is_worker(ctx, req) {
        true => None,
        false => authenticate(ctx, req, false)?.user_id(),
    };
    let running = super::query(req)
        .iter()
        .any(|(k, v)| k == "state" && v == "running");
    if !running {
        return Err(ApiError::invalid(
            "state=running is required: finished imports are read one by one (GET /api/imports/{id})",
        ));
    }
    Ok(json(
        200,
        &json!({ "imports": imports::running(ctx.db, user)? }),
    ))
}

/// Reads a body of the declared type into checked lines (as `caller` imports them):
/// the format it was and the lines. A body that is not that type at all is a 400,
/// one too large a 413, another type a 415.
fn read(
    ctx: &Context,
    caller: Caller,
    content_type: &str,
    body: &[u8],
) -> Result<(Format, Vec<Line>), ApiError> {
    let encoding = encoding(content_type)?;
    if body.len() > MAX_BODY_BYTES {
        return Err(ApiError::too_large(format!(
            "the body is {} bytes; an import request carries at most {MAX_BODY_BYTES} (send several)",
            body.len()
        )));
    }
    let (format, mut entries) = match encoding {
        Encoding::Jsonl => (Format::Jsonl, jsonl_entries(body)?),
        Encoding::Array => (Format::Json, array_entries(body)?),
        Encoding::Archive(kind) => {
            let caps = archive::Caps::of_import(ctx.settings.max_media_bytes);
            let files = archive::read(kind, body, caps)?;
            match (hf::is_bundle(&files), kind) {
                (true, _) => (Format::Hf, hf::entries(files)),
                (false, archive::Kind::Zip) => (Format::Zip, folder::entries(files)?),
                (false, archive::Kind::Tar) => (Format::Tar, folder::entries(files)?),
            }
        }
    };
    if entries.is_empty() {
        return Err(ApiError::bad_request("the body holds no lines"));
    }
    if entries.len() > MAX_LINES {
        return Err(ApiError::too_large(format!(
            "the body has {} lines; an import request carries at most {MAX_LINES} (send several)",
            entries.len()
        )));
    }
    let mut next = entries.iter().map(|e| e.number).max().unwrap_or(0);
    for entry in entries.iter_mut().filter(|e| e.number == 0) {
        next += 1;
        entry.number = next;
    }
    let mut first_use: HashMap<String, i64> = HashMap::new();
    let lines = entries
        .into_iter()
        .map(|entry| check(ctx, caller, entry, &mut first_use))
        .collect();
    Ok((format, lines))
}

/// `GET /api/imports/{id}`: an import and its report (its importer, or the admin).
pub fn show(ctx: &Context, req: &Request, params: &Params) -> Result<Response, ApiError> {
    let import = visible(ctx, req, params, false)?;
    Ok(json(200, &view(ctx, &import)?))
}

/// The import a request names, if the caller may see it: its importer, the admin, and
/// (`worker_too`) the worker; 404 for anyone else.
fn visible(
    ctx: &Context,
    req: &Request,
    params: &Params,
    worker_too: bool,
) -> Result<imports::Import, ApiError> {
    let id = params.id("id", "import")?;
    let absent = || ApiError::not_found(format!("no import {id}"));
    let worker = worker_too && is_worker(ctx, req);
    let caller = match worker {
        true => Caller::Admin,
        false => authenticate(ctx, req, false)?,
    };
    let import = imports::get(ctx.db, id)?.ok_or_else(absent)?;
    match caller {
        Caller::Admin => Ok(import),
        Caller::User(uid) if import.user_id == Some(uid) => Ok(import),
        _ => Err(absent()),
    }
}

/// An import as the API shows it: the record and every line's outcome so far.
fn view(ctx: &Context, import: &imports::Import) -> Result<Value, ApiError> {
    Ok(json!({ "import": import, "lines": imports::lines(ctx.db, import.id)? }))
}

/// The request's media type, as sent.
fn content_type(req: &Request) -> String {
    req.headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// The declared encoding: JSONL, a JSON array, or an archive; 415 for anything else.
fn encoding(content_type: &str) -> Result<Encoding, ApiError> {
    match content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
        .as_str()
    {
        "application/x-ndjson" | "application/jsonl" => Ok(Encoding::Jsonl),
        "application/json" => Ok(Encoding::Array),
        "application/zip" | "application/x-zip-compressed" => Ok(Encoding::Archive(archive::Kind::Zip)),
        "application/x-tar" | "application/tar" => Ok(Encoding::Archive(archive::Kind::Tar)),
        _ => Err(ApiError::unsupported_media(format!(
            "send JSONL (application/x-ndjson), a JSON array (application/json), or a zip (application/zip) or tar (application/x-tar) archive, not {content_type:?}"
        ))),
    }
}

/// The lines of a JSONL body (or an archive's manifest), numbered; blank lines are
/// skipped. A line that is not JSON is its own problem, unless it is the first: then
/// the body is not JSONL (400).
fn jsonl_entries(body: &[u8]) -> Result<Vec<Entry>, ApiError> {
    let mut values = Vec::new();
    for (i, raw) in body.split(|b| *b == b'\n').enumerate() {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let number = i as i64 + 1;
        let value = std::str::from_utf8(raw)
            .map_err(|e| {
                ApiError::bad_request(format!(
                    "the line is not UTF-8 (invalid byte at offset {})",
                    e.valid_up_to()
                ))
            })
            .and_then(|text| super::decode_json::<Value>(text.as_bytes()))
            .and_then(|v| {
                v.is_object()
                    .then_some(v)
                    .ok_or_else(|| ApiError::bad_request("the line is not a JSON object"))
            });
        if values.is_empty() {
            if let Err(e) = &value {
                return Err(ApiError::bad_request(format!(
                    "the body is not JSONL: line {number}: {}",
                    e.detail
                )));
            }
        }
        values.push(Entry::read(number, value, raw.len()));
    }
    Ok(values)
}

/// The items of a JSON array body, numbered from 1.
fn array_entries(body: &[u8]) -> Result<Vec<Entry>, ApiError> {
    let items: Vec<Value> = match super::decode_json::<Value>(body)? {
        Value::Array(items) if !items.is_empty() => items,
        Value::Array(_) => return Err(ApiError::bad_request("the array holds no lines")),
        _ => {
            return Err(ApiError::bad_request(
                "an application/json import is an array of objects",
            ))
        }
    };
    Ok(items
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let size = v.to_string().len();
            let value = v
                .is_object()
                .then_some(v)
                .ok_or_else(|| ApiError::invalid("the line is not a JSON object"));
            Entry::read(i as i64 + 1, value, size)
        })
        .collect())
}

/// Checks one line as a single contribution is checked, plus what an import adds.
fn check(
    ctx: &Context,
    caller: Caller,
    entry: Entry,
    first_use: &mut HashMap<String, i64>,
) -> Line {
    let Entry {
        number,
        value,
        file,
        size,
        source_id,
    } = entry;
    let value = value.map(export_line_source_id);
    let source_id = value
        .as_ref()
        .ok()
        .and_then(|v| v.get("source_id"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .or(source_id);
    let checked = value
        .and_then(|v| {
            let limit = body::body_limit(&ctx.settings);
            if size > limit {
                return Err(ApiError::too_large(format!(
                    "the line is {size} bytes; the limit is {limit}"
                )));
            }
            let mut line = serde_json::from_value::<ImportLine>(v)
                .map_err(|e| ApiError::invalid(format!("invalid field: {e}")))?;
            match (file, line.modality().and_then(wire::media::Modality::parse)) {
                (Some(bytes), _) => line.set_file(bytes),
                (None, Some(m)) if m.job_kind().is_some() && !line.has_media() => {
                    return Err(ApiError::invalid(format!(
                        "a {m} line needs its media: base64 'data', or 'path' to a file in the archive \
                         (a jsonl export carries no media: import the hf export for media rows)"
                    )))
                }
                _ => {}
            }
            Ok(line)
        })
        .and_then(|line| ready(ctx, caller, number, line, first_use))
        .map_err(|e| (e.status, e.detail));
    Line {
        number,
        source_id,
        checked,
    }
}

/// A line of this service's jsonl export (it has `content_hash`) keeps the exported
/// row's `id` as its `source_id`.
fn export_line_source_id(mut line: Value) -> Value {
    if line.get("source_id").is_none() && line.get("content_hash").is_some() {
        if let Some(id) = line.get("id").and_then(Value::as_i64) {
            line["source_id"] = json!(id.to_string());
        }
    }
    line
}

fn ready(
    ctx: &Context,
    caller: Caller,
    number: i64,
    line: ImportLine,
    first_use: &mut HashMap<String, i64>,
) -> Result<Ready, ApiError> {
    if let Some(source_id) = &line.source_id {
        if source_id.is_empty() || source_id.chars().count() > MAX_SOURCE_ID {
            return Err(ApiError::invalid(format!(
                "source_id must be 1 to {MAX_SOURCE_ID} characters"
            )));
        }
        if let Some(first) = first_use.get(source_id) {
            return Err(ApiError::invalid(format!(
                "source_id {source_id:?} is line {first}'s already"
            )));
        }
        first_use.insert(source_id.clone(), number);
    }
    let owner = match (caller, line.user_id) {
        (Caller::Admin, Some(uid)) => Owner::User(uid),
        (Caller::Admin, None) => Owner::Nobody,
        (Caller::User(own), Some(uid)) if uid != own => {
            return Err(ApiError::forbidden(
                "user_id: only the admin may import rows for someone else",
            ))
        }
        (Caller::User(own), _) => Owner::User(own),
        (Caller::Anonymous, _) => return Err(ApiError::unauthorized("an import needs a token")),
    };
    let created_at = match &line.created_at {
        None => None,
        Some(t) => {
            let parsed = crate::clock::parse(t).ok_or_else(|| {
                ApiError::invalid(format!(
                    "created_at must be an RFC 3339 timestamp, e.g. 2026-01-31T00:00:00Z (got {t:?})"
                ))
            })?;
            if parsed > crate::clock::now() {
                return Err(ApiError::invalid("created_at is in the future"));
            }
            Some(parsed)
        }
    };
    let included_in_training = line.included_in_training.unwrap_or(true);
    let (new, known_text) = body::import_line(line, &ctx.settings)?;
    Ok(Ready {
        new,
        owner,
        created_at,
        included_in_training,
        known_text,
    })
}
