//! Data quality and cleanup (admin): `POST /api/cleanup-voice-data` scans every
//! contribution, `GET /api/cleanup-voice-data/report` details the latest scan and the
//! score over time, `POST /api/cleanup-voice-data/execute` requeues or erases.

use super::{json, Context, Params, Request, Response};
use crate::auth::require_admin;
use crate::error::ApiError;
use crate::quality::Action;
use crate::store::quality as store;
use crate::usecase::quality::{self, Cleanup};
use serde::Deserialize;
use serde_json::json;

/// Default age after which a pending extraction counts as incomplete.
pub const DEFAULT_STALE_MINUTES: i64 = 60;
/// The longest `stale_after_minutes` (a century): beyond it the cut-off leaves the
/// calendar the clock can write.
pub const MAX_STALE_MINUTES: i64 = 100 * 366 * 24 * 60;

#[derive(Deserialize, Default)]
struct ScanRequest {
    modality: Option<String>,
    stale_after_minutes: Option<i64>,
}

#[derive(Deserialize)]
struct ExecuteRequest {
    actions: Option<Vec<String>>,
    ids: Option<Vec<i64>>,
    confirm: Option<bool>,
}

/// An optional JSON body (empty means defaults).
fn optional_body<T: serde::de::DeserializeOwned + Default>(req: &Request) -> Result<T, ApiError> {
    if req.body().is_empty() {
        Ok(T::default())
    } else {
        super::json_body(req)
    }
}

/// `POST /api/cleanup-voice-data`: scans every contribution (or one modality's).
pub fn scan(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    require_admin(ctx, req)?;
    let body: ScanRequest = optional_body(req)?;
    let modality = body
        .modality
        .as_deref()
        .map(crate::media::parse_modality)
        .transpose()?;
    let stale = body.stale_after_minutes.unwrap_or(DEFAULT_STALE_MINUTES);
    if !(0..=MAX_STALE_MINUTES).contains(&stale) {
        return Err(ApiError::invalid(format!(
            "stale_after_minutes must be between 0 and {MAX_STALE_MINUTES} (a century)"
        )));
    }
    let summary = quality::scan(ctx.db, &ctx.origin(req), modality, stale)?;
    Ok(json(200, &summary))
}

/// `GET /api/cleanup-voice-data/report`: the latest scan in detail, and the score
/// over time.
pub fn report(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    require_admin(ctx, req)?;
    let (id, created_at, summary, details) = store::latest_scan(ctx.db)?
        .ok_or_else(|| ApiError::not_found("no scan yet: POST /api/cleanup-voice-data first"))?;
    Ok(json(
        200,
        &json!({
            "scan_id": id,
            "created_at": created_at,
            "summary": summary,
            "details": details,
            "history": store::history(ctx.db, 100)?,
            "review": crate::review::report::report(ctx.db)?,
        }),
    ))
}

/// `POST /api/cleanup-voice-data/execute`: requeues or erases what the scan found
/// (a dry run unless `confirm`).
pub fn execute(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    require_admin(ctx, req)?;
    let body: ExecuteRequest = super::json_body(req)?;
    let names = body.actions.ok_or_else(|| {
        ApiError::invalid("actions is required, e.g. [\"retry_whisper\", \"delete\"]")
    })?;
    if names.is_empty() {
        return Err(ApiError::invalid("actions must name at least one action"));
    }
    let actions: Vec<Action> = names
        .iter()
        .map(|n| {
            Action::parse(n).ok_or_else(|| {
                ApiError::invalid(format!("unknown action {n:?}: use {}", Action::names(", ")))
            })
        })
        .collect::<Result<_, _>>()?;
    let confirm = body.confirm.unwrap_or(false);
    let cleanup = Cleanup {
        actions: &actions,
        ids: body.ids.as_deref(),
        confirm,
    };
    let results = quality::clean_up(ctx.db, &ctx.origin(req), &cleanup)?;
    Ok(json(
        200,
        &json!({ "dry_run": !confirm, "results": results }),
    ))
}
