//! Numbered dataset releases: the admin cuts one (`POST /api/releases`), which is
//! published at once when small and otherwise builds in the background (the worker
//! calls `POST /api/releases/{n}/build`); anyone reads what releases exist and the
//! signed deletions list; the admin downloads a release's files, byte for byte as
//! built (less withdrawn rows), and its manifest.

use super::{
    base_url, json, json_body, query, ChunkSource, Context, Params, Reply, Request, Response,
};
use crate::api::listing::parse_filter;
use crate::auth::{require_admin, require_admin_or_worker, Caller};
use crate::db::Db;
use crate::error::ApiError;
use crate::export::release::manifest_line;
use crate::export::{CardOptions, Exporter, Format, PiiPolicy};
use crate::store::activity::Activity;
use crate::store::releases::{Release, State};
use crate::store::{release_rows, releases};
use crate::usecase::releases::{self as usecase, Cut, ReleaseError};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use wire::lifecycle::Status;

/// The filters a release may be cut with (never one that names a person).
const FILTERS: &[&str] = &["modality", "reviewed", "campaign", "since", "until"];

/// Longest release name.
const MAX_NAME: usize = 64;

/// Formats a release freezes when the admin names none.
const DEFAULT_FORMATS: &[&str] = &["jsonl", "hf"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CutBody {
    name: Option<String>,
    notes: Option<String>,
    filters: Option<BTreeMap<String, String>>,
    pii: Option<String>,
    formats: Option<Vec<String>>,
    license: Option<String>,
    language: Option<String>,
}

/// `POST /api/releases` (admin): cuts release v<n> at the current signed checkpoint;
/// 201 when it is published by this request, 202 while it builds on.
pub fn create(ctx: &Context, req: &Request, _: &Params) -> Result<Reply, ApiError> {
    require_admin(ctx, req)?;
    let body: CutBody = json_body(req)?;
    let cut = parse_cut(body)?;
    let key = crate::signing::log_key(ctx.db, &ctx.settings)?;
    let origin = ctx.origin(req);
    let number = usecase::cut(ctx.db, &origin, &key, &cut)?;
    let release = usecase::build(ctx, &origin, number)?;
    let status = match release.state {
        State::Published => 201,
        State::Building => 202,
    };
    let mut response = json(status, &view(ctx, req, &release)?);
    if let Ok(location) = format!("/api/releases/{number}").parse() {
        response.headers_mut().insert("location", location);
    }
    Ok(Reply::Full(response))
}

/// Checks the body: a name of letters, digits, `.`, `_` and `-`; the export filters
/// that do not name anyone; `pii` mask or drop; known formats, once each.
fn parse_cut(body: CutBody) -> Result<Cut, ApiError> {
    if let Some(name) = &body.name {
        let fine = !name.is_empty()
            && name.chars().count() <= MAX_NAME
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !fine {
            return Err(ApiError::invalid(format!(
                "name must be 1 to {MAX_NAME} letters, digits, '.', '_' or '-' (got {name:?})"
            )));
        }
    }
    let notes = body.notes.unwrap_or_default();
    if notes.chars().count() > 2000 {
        return Err(ApiError::invalid("notes must be at most 2000 characters"));
    }
    let filters = body.filters.unwrap_or_default();
    if let Some(other) = filters.keys().find(|k| !FILTERS.contains(&k.as_str())) {
        return Err(ApiError::invalid(format!(
            "a release is cut by {} only (got filter {other:?})",
            FILTERS.join(", ")
        )));
    }
    let pairs: Vec<(String, String)> = filters.clone().into_iter().collect();
    let (mut filter, _) = parse_filter(Caller::Admin, &pairs)?;
    filter.training_only = true;
    filter.status = Some(Status::Complete);
    let pii = PiiPolicy::parse(body.pii.as_deref().unwrap_or("mask"))?;
    if pii == PiiPolicy::Keep {
        return Err(ApiError::invalid(
            "a release cannot keep personal data: pii must be mask (the default) or drop",
        ));
    }
    filter.pii = pii.rows();
    let names = body
        .formats
        .unwrap_or_else(|| DEFAULT_FORMATS.iter().map(|f| f.to_string()).collect());
    if names.is_empty() {
        return Err(ApiError::invalid("formats must name at least one format"));
    }
    let mut formats = Vec::new();
    for name in &names {
        let format = Format::parse(name)?;
        if formats.contains(&format) {
            return Err(ApiError::invalid(format!("format {name:?} is named twice")));
        }
        formats.push(format);
    }
    let license = body.license.unwrap_or_else(|| "other".into());
    let language = body.language.unwrap_or_else(|| "en".into());
    CardOptions::validated(&license, &language)?;
    Ok(Cut {
        name: body.name,
        notes,
        filter,
        selection: json!({ "filters": filters, "license": license, "language": language }),
        pii,
        formats,
    })
}

/// A release as the API shows it.
fn view(ctx: &Context, req: &Request, release: &Release) -> Result<Value, ApiError> {
    let base = base_url(ctx, req);
    let n = release.number;
    let downloads: BTreeMap<&String, String> = release
        .formats
        .iter()
        .map(|f| (f, format!("{base}/api/releases/{n}/download?format={f}")))
        .collect();
    let selection: Value = serde_json::from_str(&release.selection).unwrap_or_default();
    Ok(json!({
        "number": n,
        "name": release.name,
        "notes": release.notes,
        "state": release.state,
        "rows": release.rows,
        "rows_hashed": release.rows_hashed,
        "withdrawn": release.withdrawn,
        "formats": release.formats,
        "pii": release.pii,
        "filters": selection["filters"],
        "license": selection["license"],
        "language": selection["language"],
        "checkpoint": { "size": release.checkpoint_size, "note": release.checkpoint },
        "manifest_sha256": release.manifest_sha256,
        "statement": release.statement,
        "leaf_index": release.leaf_index,
        "files": release.files,
        "downloads": downloads,
        "manifest_url": format!("{base}/api/releases/{n}/manifest"),
        "created_at": release.created_at,
        "published_at": release.published_at,
    }))
}

/// `GET /api/releases` (public): every release, newest first.
pub fn list(ctx: &Context, req: &Request, _: &Params) -> Result<Reply, ApiError> {
    let all = releases::list(ctx.db)?;
    let views = all
        .iter()
        .map(|r| view(ctx, req, r))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Reply::Full(json(200, &json!({ "releases": views }))))
}

fn number(params: &Params) -> Result<i64, ApiError> {
    params.id("n", "release")
}

/// `GET /api/releases/{n}` (public): one release, with its build's progress.
pub fn show(ctx: &Context, req: &Request, params: &Params) -> Result<Reply, ApiError> {
    let release = usecase::get(ctx.db, number(params)?)?;
    Ok(Reply::Full(json(200, &view(ctx, req, &release)?)))
}

/// `POST /api/releases/{n}/build` (admin or worker): runs the next build steps.
pub fn build(ctx: &Context, req: &Request, params: &Params) -> Result<Reply, ApiError> {
    require_admin_or_worker(ctx, req)?;
    let release = usecase::build(ctx, &ctx.origin(req), number(params)?)?;
    Ok(Reply::Full(json(200, &view(ctx, req, &release)?)))
}

/// `GET /api/releases/{n}/download?format=` (admin): the release's file, rebuilt from
/// the frozen text versions and media; the same bytes every time, less the rows
/// withdrawn since.
pub fn download(ctx: &Context, req: &Request, params: &Params) -> Result<Reply, ApiError> {
    require_admin(ctx, req)?;
    let release = published(ctx.db, number(params)?)?;
    let mut format = None;
    for (key, value) in query(req) {
        match key.as_str() {
            "format" => format = Some(Format::parse(&value)?),
            other => {
                return Err(ApiError::invalid(format!(
                    "a release download takes format only (got {other:?})"
                )))
            }
        }
    }
    let format = format.ok_or_else(|| {
        ApiError::invalid(format!(
            "format is required: one of {}",
            release.formats.join(", ")
        ))
    })?;
    let origin = ctx.origin(req);
    let n = release.number;
    let on_finish = Box::new(move |ctx: &Context, rows: u64, sha256: String, _: &_| {
        let now = crate::clock::now();
        let data = json!({ "release": n, "format": format.name(), "rows": rows, "sha256": sha256 });
        crate::db::transaction(ctx.db, || {
            origin.log(ctx.db, Activity::Export, None, data.clone(), &now)
        })?;
        Ok(())
    });
    let spec = usecase::export(ctx.db, &release, format, on_finish)?;
    Ok(Reply::Stream(Box::new(Exporter::start(ctx, spec)?)))
}

/// Release `n`, which must be published.
fn published(db: &dyn Db, n: i64) -> Result<Release, ApiError> {
    let release = usecase::get(db, n)?;
    if release.state == State::Building {
        return Err(ReleaseError::Building(n).into());
    }
    Ok(release)
}

/// `GET /api/releases/{n}/manifest` (admin): one line per row, streamed.
pub fn manifest(ctx: &Context, req: &Request, params: &Params) -> Result<Reply, ApiError> {
    require_admin(ctx, req)?;
    let release = published(ctx.db, number(params)?)?;
    Ok(Reply::Stream(Box::new(Manifest {
        number: release.number,
        after: 0,
        done: false,
    })))
}

/// The manifest, a page of lines per chunk.
struct Manifest {
    number: i64,
    after: i64,
    done: bool,
}

impl ChunkSource for Manifest {
    fn head(&self) -> Response {
        http::Response::builder()
            .status(200)
            .header("content-type", "text/plain; charset=utf-8")
            .header(
                "content-disposition",
                format!("attachment; filename=\"release-{}.manifest\"", self.number),
            )
            .body(Vec::new())
            .unwrap_or_default()
    }

    fn next_chunk(&mut self, ctx: &Context) -> Result<Option<Vec<u8>>, ApiError> {
        if self.done {
            return Ok(None);
        }
        let page = release_rows::manifest(ctx.db, self.number, self.after, 5000)?;
        let Some(last) = page.last() else {
            self.done = true;
            return Ok(None);
        };
        self.after = last.id;
        Ok(Some(
            page.iter()
                .flat_map(|l| manifest_line(l).into_bytes())
                .collect(),
        ))
    }
}

/// `GET /releases/deletions` (public): the rows withdrawn from published releases,
/// by release, leaf index and commitment, as a note signed under the log's key.
pub fn deletions(ctx: &Context, _: &Request, _: &Params) -> Result<Reply, ApiError> {
    let note = usecase::deletions(ctx)?;
    Ok(Reply::Full(
        http::Response::builder()
            .status(200)
            .header("content-type", "text/plain; charset=utf-8")
            .header("cache-control", "no-cache")
            .body(note.into_bytes())
            .unwrap_or_default(),
    ))
}
