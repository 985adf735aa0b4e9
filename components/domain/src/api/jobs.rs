//! The worker protocol (worker token only): `POST /api/jobs/claim`,
//! `GET /api/jobs/{id}/input`, `POST /api/jobs/{id}/heartbeat|complete|fail`.
//! At-least-once with idempotent effects: claiming is atomic (one write transaction),
//! an expired lease can be claimed again (attempt + 1), a stale lease token or a second
//! completion answers 409 and changes nothing, retryable failures back off
//! exponentially with jitter, and after `max_attempts` the job is `dead` and its
//! contribution `failed` with the last error kept for the quality report.

use super::{json, json_body, Context, Params, Request, Response};
use crate::auth::require_worker;
use crate::db::transaction;
use crate::error::ApiError;
use crate::lifecycle::{JobState, Status};
use crate::review::versions::{record_machine, Extraction};
use crate::store::{contributions, jobs};
use crate::wire::jobs::{
    Claim, Completed, Completion, Extended, Failed, Failure, Heartbeat, Lease,
};
use serde_json::json;

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
    let kinds = body
        .kinds
        .unwrap_or_else(|| vec!["transcribe".into(), "ocr".into()]);
    if kinds.is_empty() || kinds.iter().any(|k| k != "transcribe" && k != "ocr") {
        return Err(ApiError::invalid("kinds must list transcribe and/or ocr"));
    }
    let lease = lease_seconds(body.lease_seconds)?;
    let now = crate::clock::now();
    // An idle worker's poll only reads: the write lock (which every other writer then
    // waits for) is taken only when a job is due, and the claim re-checks inside it.
    if jobs::next_due(ctx.db, &kinds, &now)?.is_none() {
        return Ok(no_content());
    }
    let claimed = transaction(ctx.db, || {
        while let Some(job) = jobs::next_due(ctx.db, &kinds, &now)? {
            if job.attempts >= job.max_attempts {
                // An expired lease on the last attempt: the job is out of attempts.
                let error = "the lease expired on the last attempt";
                jobs::finish(ctx.db, job.id, JobState::Dead, Some(error), &now)?;
                contributions::set_status(
                    ctx.db,
                    job.contribution_id,
                    Status::Failed,
                    Some(error),
                    &now,
                )?;
                continue;
            }
            let token = crate::proof::commitment::new_verification_code();
            let expires = crate::clock::from_now(lease as f64);
            jobs::lease(ctx.db, job.id, &worker, &token, &expires, &now)?;
            contributions::set_status(ctx.db, job.contribution_id, Status::Processing, None, &now)?;
            let (modality, mime) =
                contributions::media_info(ctx.db, job.contribution_id)?.unwrap_or_default();
            return Ok::<_, ApiError>(Some(Lease {
                id: job.id,
                kind: job.kind,
                contribution_id: job.contribution_id,
                attempt: job.attempts + 1,
                lease_token: token,
                lease_expires_at: expires,
                modality,
                mime,
            }));
        }
        Ok(None)
    })?;
    match claimed {
        None => Ok(no_content()),
        Some(lease) => Ok(typed(200, &lease)),
    }
}

/// `GET /api/jobs/{id}/input`: the media a job extracts text from.
pub fn input(ctx: &Context, req: &Request, params: &Params) -> Result<Response, ApiError> {
    require_worker(ctx, req)?;
    let id = params.id("id", "job")?;
    let job = jobs::get(ctx.db, id)?.ok_or_else(|| ApiError::not_found(format!("no job {id}")))?;
    let (mime, data) = contributions::input(ctx.db, job.contribution_id)?
        .ok_or_else(|| ApiError::not_found("the job's input is gone (deleted)"))?;
    Ok(http::Response::builder()
        .status(200)
        .header("content-type", mime)
        .body(data)
        .unwrap_or_default())
}

/// The job, if `token` is its live lease; 409 otherwise (stale, finished, expired).
fn live_lease(ctx: &Context, id: i64, token: &str, now: &str) -> Result<jobs::Job, ApiError> {
    let job = jobs::get(ctx.db, id)?.ok_or_else(|| ApiError::not_found(format!("no job {id}")))?;
    let live = job.state == JobState::Leased
        && job.lease_token.as_deref() == Some(token)
        && job.lease_expires_at.as_deref().is_some_and(|e| e > now);
    if !live {
        return Err(ApiError::conflict(format!(
            "job {id} is not leased with this token (state {})",
            job.state.as_str()
        )));
    }
    Ok(job)
}

/// `POST /api/jobs/{id}/heartbeat`: extends a live lease.
pub fn heartbeat(ctx: &Context, req: &Request, params: &Params) -> Result<Response, ApiError> {
    let (id, body) = report(ctx, req, params, |b: &Heartbeat| &b.lease_token)?;
    let token = body.lease_token.as_str();
    let lease = lease_seconds(body.lease_seconds)?;
    let now = crate::clock::now();
    let expires = crate::clock::from_now(lease as f64);
    transaction(ctx.db, || {
        live_lease(ctx, id, token, &now)?;
        jobs::extend(ctx.db, id, &expires, &now)?;
        Ok::<_, ApiError>(())
    })?;
    Ok(typed(
        200,
        &Extended {
            id,
            lease_expires_at: expires,
        },
    ))
}

/// `POST /api/jobs/{id}/complete`: the extracted text; the contribution is complete.
pub fn complete(ctx: &Context, req: &Request, params: &Params) -> Result<Response, ApiError> {
    let (id, body) = report(ctx, req, params, |b: &Completion| &b.lease_token)?;
    let token = body.lease_token.as_str();
    let text = body
        .text
        .clone()
        .ok_or_else(|| ApiError::invalid("text is required (empty if nothing was found)"))?;
    if text.len() > MAX_TEXT {
        return Err(ApiError::too_large(format!(
            "text is {} bytes; the limit is {MAX_TEXT}",
            text.len()
        )));
    }
    let engine = body.engine.clone();
    if engine.is_empty() {
        return Err(ApiError::invalid("engine is required"));
    }
    let model = body.model.clone();
    if body.confidence.is_some_and(|c| !(0.0..=1.0).contains(&c)) {
        return Err(ApiError::invalid("confidence must be between 0 and 1"));
    }
    let now = crate::clock::now();
    let contribution = transaction(ctx.db, || {
        let job = live_lease(ctx, id, token, &now)?;
        jobs::finish(ctx.db, id, JobState::Done, None, &now)?;
        let row = contributions::get(ctx.db, job.contribution_id)?.ok_or_else(|| {
            ApiError::conflict(format!("contribution {} was deleted", job.contribution_id))
        })?;
        let found = Extraction {
            text: text.trim(),
            engine: &engine,
            model: &model,
            confidence: body.confidence,
        };
        record_machine(ctx.db, &row, &found, &now)?;
        let data = json!({
            "job_id": id, "contribution_id": job.contribution_id, "kind": job.kind, "engine": engine, "model": model,
            "language": body.language, "duration_ms": body.duration_ms, "segments": body.segments.as_ref().and_then(|s| s.as_array()).map(Vec::len),
        });
        ctx.log_activity(req, "extraction_completed", None, data, &now)?;
        Ok::<_, ApiError>(job.contribution_id)
    })?;
    Ok(typed(
        200,
        &Completed {
            id,
            state: JobState::Done,
            contribution_id: contribution,
        },
    ))
}

/// `POST /api/jobs/{id}/fail`: a failed attempt, retried later or given up on.
pub fn fail(ctx: &Context, req: &Request, params: &Params) -> Result<Response, ApiError> {
    let (id, body) = report(ctx, req, params, |b: &Failure| &b.lease_token)?;
    let token = body.lease_token.as_str();
    let error = body.error.clone();
    if error.is_empty() {
        return Err(ApiError::invalid("error is required"));
    }
    let retryable = body.retryable;
    let now = crate::clock::now();
    let (state, not_before) = transaction(ctx.db, || {
        let job = live_lease(ctx, id, token, &now)?;
        let data = json!({ "job_id": id, "contribution_id": job.contribution_id, "engine": body.engine, "error": error, "attempt": job.attempts });
        ctx.log_activity(req, "extraction_failed", None, data, &now)?;
        if retryable && job.attempts < job.max_attempts {
            // Exponential back-off with ±50 % jitter: 2, 4, 8 … seconds.
            let jitter = 0.5 + f64::from(crate::hashing::random_bytes(1)[0]) / 255.0;
            let delay = 2f64.powi(job.attempts.clamp(1, 12) as i32) * jitter;
            let not_before = crate::clock::from_now(delay);
            jobs::retry_later(ctx.db, id, &error, &not_before, &now)?;
            contributions::set_status(
                ctx.db,
                job.contribution_id,
                Status::Pending,
                Some(&error),
                &now,
            )?;
            return Ok::<_, ApiError>((JobState::Pending, Some(not_before)));
        }
        jobs::finish(ctx.db, id, JobState::Dead, Some(&error), &now)?;
        contributions::set_status(
            ctx.db,
            job.contribution_id,
            Status::Failed,
            Some(&error),
            &now,
        )?;
        Ok((JobState::Dead, None))
    })?;
    Ok(typed(
        200,
        &Failed {
            id,
            state,
            not_before,
        },
    ))
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
