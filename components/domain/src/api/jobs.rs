//! The worker protocol (worker token only): `POST /api/jobs/claim`,
//! `GET /api/jobs/{id}/input`, `POST /api/jobs/{id}/heartbeat|complete|fail`. Each
//! handler checks the token and the body, calls `usecase::jobs` (which owns the
//! state machine and its transactions) and renders the wire message it returns.

use super::{json, json_body, Context, Params, Request, Response};
use crate::auth::require_worker;
use crate::error::ApiError;
use crate::usecase::jobs::{self, Attempt, ClaimRequest};
use wire::jobs::{Claim, Completion, Extraction, Failure, Heartbeat, JobKind};

/// Default, shortest and longest lease.
const DEFAULT_LEASE: i64 = 300;
const MIN_LEASE: i64 = 1;
const MAX_LEASE: i64 = 3600;
/// Largest extracted text accepted.
const MAX_TEXT: usize = 1024 * 1024;

fn lease_seconds(value: Option<i64>) -> Result<i64, ApiError> {
    let s = value.unwrap_or(DEFAULT_LEASE);
    if !(MIN_LEASE..=MAX_LEASE).contains(&s) {
        return Err(ApiError::invalid(format!(
            "lease_seconds must be between {MIN_LEASE} and {MAX_LEASE}"
        )));
    }
    Ok(s)
}

/// Every lease report names its lease.
fn lease_token(token: &str) -> Result<&str, ApiError> {
    if token.is_empty() {
        return Err(ApiError::invalid("lease_token is required"));
    }
    Ok(token)
}

/// What every report on a job starts with: the worker token, the job's id, the
/// body, and the lease it names.
fn report<T: serde::de::DeserializeOwned>(
    ctx: &Context,
    req: &Request,
    params: &Params,
    lease: fn(&T) -> &str,
) -> Result<(i64, T), ApiError> {
    require_worker(ctx, req)?;
    let id = params.id("id", "job")?;
    let body: T = json_body(req)?;
    lease_token(lease(&body))?;
    Ok((id, body))
}

/// `POST /api/jobs/claim`: leases the next due job of the kinds the worker runs
/// (204 when none is due).
pub fn claim(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    require_worker(ctx, req)?;
    let body: Claim = json_body(req)?;
    let worker = body.worker_id;
    if worker.trim().is_empty() || worker.len() > 100 {
        return Err(ApiError::invalid(
            "worker_id (1 to 100 characters) is required",
        ));
    }
    let kinds = body.kinds.unwrap_or_else(|| JobKind::ALL.to_vec());
    if kinds.is_empty() {
        return Err(ApiError::invalid(format!(
            "kinds must list {}",
            JobKind::names(" and/or ")
        )));
    }
    let ask = ClaimRequest {
        worker: &worker,
        kinds: &kinds,
        lease_seconds: lease_seconds(body.lease_seconds)?,
    };
    match jobs::claim(ctx.db, &ask)? {
        None => Ok(no_content()),
        Some(lease) => Ok(typed(200, &lease)),
    }
}

/// `GET /api/jobs/{id}/input`: the media a job extracts text from.
pub fn input(ctx: &Context, req: &Request, params: &Params) -> Result<Response, ApiError> {
    require_worker(ctx, req)?;
    let id = params.id("id", "job")?;
    let (mime, data) = jobs::input(ctx.db, id)?;
    Ok(http::Response::builder()
        .status(200)
        .header("content-type", mime)
        .body(data)
        .unwrap_or_default())
}

/// `POST /api/jobs/{id}/heartbeat`: extends a live lease.
pub fn heartbeat(ctx: &Context, req: &Request, params: &Params) -> Result<Response, ApiError> {
    let (id, body) = report(ctx, req, params, |b: &Heartbeat| &b.lease_token)?;
    let lease = lease_seconds(body.lease_seconds)?;
    Ok(typed(
        200,
        &jobs::extend(ctx.db, id, &body.lease_token, lease)?,
    ))
}

/// `POST /api/jobs/{id}/complete`: the extracted text; the contribution is complete.
pub fn complete(ctx: &Context, req: &Request, params: &Params) -> Result<Response, ApiError> {
    let (id, body) = report(ctx, req, params, |b: &Completion| &b.lease_token)?;
    let found: &Extraction = &body.found;
    if found.text.len() > MAX_TEXT {
        return Err(ApiError::too_large(format!(
            "text is {} bytes; the limit is {MAX_TEXT}",
            found.text.len()
        )));
    }
    if found.engine.is_empty() {
        return Err(ApiError::invalid("engine is required"));
    }
    if found.confidence.is_some_and(|c| !(0.0..=1.0).contains(&c)) {
        return Err(ApiError::invalid("confidence must be between 0 and 1"));
    }
    let origin = ctx.origin(req);
    let done = jobs::complete(
        ctx.db,
        &origin,
        id,
        &body.lease_token,
        found,
        body.duration_ms,
    )?;
    Ok(typed(200, &done))
}

/// `POST /api/jobs/{id}/fail`: a failed attempt, retried later or given up on.
pub fn fail(ctx: &Context, req: &Request, params: &Params) -> Result<Response, ApiError> {
    let (id, body) = report(ctx, req, params, |b: &Failure| &b.lease_token)?;
    if body.error.is_empty() {
        return Err(ApiError::invalid("error is required"));
    }
    let attempt = Attempt {
        error: &body.error,
        engine: body.engine.as_deref(),
        retryable: body.retryable,
    };
    let failed = jobs::fail(ctx.db, &ctx.origin(req), id, &body.lease_token, &attempt)?;
    Ok(typed(200, &failed))
}

/// `204 No Content`: no job is due.
fn no_content() -> Response {
    http::Response::builder()
        .status(204)
        .body(Vec::new())
        .unwrap_or_default()
}

/// A wire message as a JSON response.
fn typed(status: u16, message: &impl serde::Serialize) -> Response {
    json(status, &serde_json::to_value(message).unwrap_or_default())
}
