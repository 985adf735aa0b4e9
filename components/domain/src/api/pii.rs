//! Personal data found in a row's current text: `GET /api/training-data/{id}/pii`
//! lists the findings (for the owner, the admin and the reviewer holding the row's
//! lease), with the transcript segments or image boxes each one falls in;
//! `POST /api/training-data/{id}/pii` adds one the detector missed and
//! `PATCH /api/training-data/{id}/pii/{finding}` confirms or dismisses one (reviewers
//! holding the lease, and the admin).

use super::listing::{leased_to, visible_or_leased, visible_row};
use super::{json, json_body, Context, Params, Request, Response};
use crate::auth::{authenticate, require_reviewer, Caller};
use crate::error::ApiError;
use crate::redaction::{Located, Redacted};
use crate::store::contributions::Contribution;
use crate::store::pii_findings::{self, Decision, StoredFinding};
use crate::store::text_versions;
use crate::usecase::pii as usecase;
use serde_json::{json as value, Value};
use wire::layout::Layout;

/// The findings of `row`'s current text as the API shows them: each with the span's
/// text and where it sits (transcript segments, image boxes) when that is known.
fn findings_view(row: &Contribution, found: &[StoredFinding], layout: Option<&Layout>) -> Value {
    let text = row.extracted_text.as_deref().unwrap_or_default();
    let located = layout.map(|l| Located::new(l, text));
    let items: Vec<Value> = found
        .iter()
        .map(|f| {
            let mut item = serde_json::to_value(f).unwrap_or_default();
            item["text"] = pii::span_text(text, f.start as usize, f.end as usize).into();
            if let Some((layout, located)) = layout.zip(located.as_ref()) {
                let one = f.as_finding();
                if layout.segments.is_some() {
                    item["segments"] = value!(located.segments(&one));
                }
                if layout.boxes.is_some() {
                    item["boxes"] = value!(located.boxes(std::slice::from_ref(&one)));
                }
            }
            item
        })
        .collect();
    value!({
        "id": row.id,
        "text_version": row.text_version,
        "pii_count": row.pii_count,
        "findings": items,
    })
}

/// The current text's findings, shown, with `layout` (what located that text, which
/// a row's view and a review lease have read already).
pub fn current(
    ctx: &Context,
    row: &Contribution,
    layout: Option<&Layout>,
) -> Result<Value, ApiError> {
    let found = pii_findings::of_version(ctx.db, row.id, row.text_version.unwrap_or(0))?;
    Ok(findings_view(row, &found, layout))
}

/// This module's answer: the current text's findings, its layout read here.
fn answer(ctx: &Context, row: &Contribution) -> Result<Value, ApiError> {
    let layout = text_versions::current_layout(ctx.db, row)?;
    current(ctx, row, layout.as_ref())
}

/// The row, for the admin or the reviewer `caller` holding its lease (who decide on
/// findings): 404 when it does not exist, 409 when another holds it or nobody does.
fn reviewed_row(ctx: &Context, caller: Caller, params: &Params) -> Result<Contribution, ApiError> {
    let row = visible_row(ctx, Caller::Admin, params)?;
    if caller == Caller::Admin {
        return Ok(row);
    }
    leased_to(ctx, caller, params)?.ok_or_else(|| {
        ApiError::conflict(format!(
            "contribution {} is not leased to you: only the reviewer holding its lease (GET /api/review/next) may change its findings",
            row.id
        ))
    })
}

/// `GET /api/training-data/{id}/pii`.
pub fn list(ctx: &Context, req: &Request, params: &Params) -> Result<Response, ApiError> {
    let caller = authenticate(ctx, req, false)?;
    let (row, _) = visible_or_leased(ctx, caller, params)?;
    Ok(json(200, &answer(ctx, &row)?))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NewFinding {
    kind: pii::Kind,
    start: usize,
    end: usize,
}

/// `POST /api/training-data/{id}/pii {kind, start, end}`: a finding the detector
/// missed (characters `start..end` of the current text); 201 with the findings.
pub fn add(ctx: &Context, req: &Request, params: &Params) -> Result<Response, ApiError> {
    let caller = require_reviewer(ctx, req)?;
    let body: NewFinding = json_body(req)?;
    let row = reviewed_row(ctx, caller, params)?;
    let actor = caller.actor().unwrap_or_default();
    usecase::add(
        ctx.db,
        &ctx.origin(req),
        row.id,
        body.kind,
        (body.start, body.end),
        (&actor, caller.user_id()),
    )?;
    let row = visible_row(ctx, Caller::Admin, params)?;
    Ok(json(201, &answer(ctx, &row)?))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct DecisionBody {
    decision: Decision,
}

/// `PATCH /api/training-data/{id}/pii/{finding} {decision: confirmed|dismissed}`.
pub fn decide(ctx: &Context, req: &Request, params: &Params) -> Result<Response, ApiError> {
    let caller = require_reviewer(ctx, req)?;
    let body: DecisionBody = json_body(req)?;
    let row = reviewed_row(ctx, caller, params)?;
    let finding = params.id("finding", "finding")?;
    let actor = caller.actor().unwrap_or_default();
    usecase::decide(
        ctx.db,
        &ctx.origin(req),
        row.id,
        finding,
        body.decision,
        (&actor, caller.user_id()),
    )?;
    let row = visible_row(ctx, Caller::Admin, params)?;
    Ok(json(200, &answer(ctx, &row)?))
}

/// `row`'s media as someone who may not see personal data gets it: an image with the
/// words holding a finding filled (PNG), or as stored when nothing was found; 409 when
/// a finding cannot be located in the image, or the image cannot be decoded. Audio is as stored: a reviewer checking a
/// transcript must hear it (the findings mark the segments they fall in).
pub fn redacted_media(
    ctx: &Context,
    row: &Contribution,
    bytes: Vec<u8>,
) -> Result<(String, Vec<u8>), ApiError> {
    if row.pii_count == Some(0) || !row.mime.starts_with("image/") {
        return Ok((row.mime.clone(), bytes));
    }
    let found = crate::export::PageFindings::read(
        ctx.db,
        std::slice::from_ref(row),
        crate::export::PiiPolicy::Mask,
    )?;
    let layout = text_versions::current_layout(ctx.db, row)?;
    match found.redact_image(row.id, bytes, layout.as_ref()) {
        Redacted::Unchanged(bytes) => Ok((row.mime.clone(), bytes)),
        Redacted::Filled(png) => Ok(("image/png".into(), png)),
        Redacted::Withheld => Err(ApiError::conflict(format!(
            "contribution {} holds personal data that cannot be redacted from its {}; only its owner and the admin see it",
            row.id, row.modality
        ))),
    }
}
