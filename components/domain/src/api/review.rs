//! The `review` component: `GET /api/review/next` leases the next row to check to one
//! reviewer, `POST /api/training-data/{id}/review` records their vote (the setting
//! `review_votes_required` says how many decide a row); `GET /api/review/adjudications`
//! lists the rows whose accepts disagreed and `POST /api/training-data/{id}/adjudicate`
//! settles one. Reviewers are users with role `reviewer` or `adjudicator`, or the
//! admin; adjudicators are users with role `adjudicator`, or the admin.

use super::{base_url, json, json_body, query, Context, Params, Request, Response};
use crate::auth::{require_adjudicator, require_reviewer};
use crate::error::ApiError;
use crate::review::queue::{Ask, DEFAULT_LEASE_SECONDS, MAX_LEASE_SECONDS, MIN_LEASE_SECONDS};
use crate::store::contributions::{self, Filter};
use crate::store::{review_votes, text_versions};
use crate::usecase::review::{self, Decision, Outcome, Reviewer};
use serde_json::json;

/// `GET /api/review/next?modality=&after=&lease_seconds=`: the row the caller holds,
/// or the next one waiting (after `after` when skipping), leased to the caller; 204
/// when nothing waits.
pub fn next(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    let caller = require_reviewer(ctx, req)?;
    let reviewer = caller.actor().unwrap_or_default();
    let (mut modality, mut after, mut lease_seconds) = (None, None, DEFAULT_LEASE_SECONDS);
    for (key, value) in query(req) {
        match key.as_str() {
            "modality" => modality = Some(crate::media::parse_modality(&value)?),
            "after" => {
                after = Some(value.parse::<i64>().map_err(|_| {
                    ApiError::invalid("after must be a contribution id (an integer)")
                })?)
            }
            "lease_seconds" => {
                lease_seconds = value
                    .parse()
                    .ok()
                    .filter(|s| (MIN_LEASE_SECONDS..=MAX_LEASE_SECONDS).contains(s))
                    .ok_or_else(|| {
                        ApiError::invalid(format!(
                        "lease_seconds must be between {MIN_LEASE_SECONDS} and {MAX_LEASE_SECONDS}"
                    ))
                    })?
            }
            other => {
                return Err(ApiError::invalid(format!(
                    "unknown query parameter {other:?}"
                )))
            }
        }
    }
    let ask = Ask {
        reviewer: &reviewer,
        own_user: caller.user_id(),
        modality,
        after,
        lease_seconds,
    };
    let Some(leased) = review::next(ctx.db, &ask)? else {
        return Ok(http::Response::builder()
            .status(204)
            .body(Vec::new())
            .unwrap_or_default());
    };
    let mut row = super::views::review_item(&leased.row, &base_url(ctx, req));
    // Where the text sits: segments to play from, boxes to outline.
    let layout = text_versions::current_layout(ctx.db, &leased.row)?;
    if let Some(layout) = &layout {
        row["layout"] = serde_json::to_value(layout).unwrap_or_default();
    }
    // Personal data found in it, to highlight and to confirm or dismiss.
    row["pii_findings"] =
        super::pii::current(ctx, &leased.row, layout.as_ref())?["findings"].take();
    Ok(json(
        200,
        &json!({
            "lease": { "contribution_id": leased.row.id, "expires_at": leased.expires_at },
            "row": row,
            "remaining": leased.remaining,
            // How many have decided so far, never how: no anchoring on others' votes.
            "decisions": {
                "required": ctx.settings.review_votes_required,
                "cast": leased.row.review_votes,
            },
        }),
    ))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct DecisionBody {
    decision: Decision,
    text: Option<String>,
}

/// `POST /api/training-data/{id}/review {decision: accept|reject, text?}`: records the
/// caller's decision on the row it leased (with `text`, accepts a correction).
pub fn decide(ctx: &Context, req: &Request, params: &Params) -> Result<Response, ApiError> {
    let caller = require_reviewer(ctx, req)?;
    let reviewer = caller.actor().unwrap_or_default();
    let id = params.id("id", "contribution")?;
    let body: DecisionBody = json_body(req)?;
    check_correction(ctx, &body)?;
    let who = Reviewer {
        actor: &reviewer,
        user_id: caller.user_id(),
    };
    let origin = ctx.origin(req);
    let (outcome, row) = review::decide(
        ctx.db,
        &origin,
        &who,
        id,
        body.decision,
        body.text.as_deref(),
        ctx.settings.review_votes_required,
    )?;
    let mut view = decided(&row);
    view["replayed"] = (outcome == Outcome::Replayed).into();
    Ok(json(200, &view))
}

/// A row's review state as a decision's answer shows it.
fn decided(row: &contributions::Contribution) -> serde_json::Value {
    json!({
        "id": row.id,
        "review_state": row.review_state,
        "review_votes": row.review_votes,
        "reviewed_by": row.reviewed_by,
        "reviewed_at": row.reviewed_at,
        "text_version": row.text_version,
        "text_source": row.text_source,
        "extracted_text": row.extracted_text,
        "word_error_rate": row.review_wer,
    })
}

/// Most rows one adjudication listing shows.
const ADJUDICATIONS_PAGE: usize = 50;

/// `GET /api/review/adjudications` (adjudicator): the rows waiting for an
/// adjudicator, oldest first, each with what its reviewers proposed (texts with how
/// many accepted each, and the rejections), never who.
pub fn adjudications(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    require_adjudicator(ctx, req)?;
    let base = base_url(ctx, req);
    let filter = Filter {
        review_state: Some(wire::lifecycle::ReviewState::Adjudication),
        ..Filter::default()
    };
    let rows = contributions::list_oldest_first(ctx.db, &filter, ADJUDICATIONS_PAGE)?;
    let mut items = Vec::new();
    for row in &rows {
        let votes = review_votes::on_version(ctx.db, row.id, row.text_version.unwrap_or(0))?;
        let mut proposals: Vec<(String, usize)> = Vec::new();
        let mut rejections = 0;
        for vote in &votes {
            match (&vote.decision, &vote.text) {
                (Decision::Accept, Some(text)) => {
                    match proposals.iter_mut().find(|(t, _)| t == text) {
                        Some((_, n)) => *n += 1,
                        None => proposals.push((text.clone(), 1)),
                    }
                }
                _ => rejections += 1,
            }
        }
        let mut item = super::views::review_item(row, &base);
        item["proposals"] = proposals
            .iter()
            .map(|(text, n)| json!({ "text": text, "accepts": n }))
            .collect();
        item["rejections"] = rejections.into();
        items.push(item);
    }
    Ok(json(200, &json!({ "items": items })))
}

/// `POST /api/training-data/{id}/adjudicate {decision, text?}` (adjudicator): the
/// final word on a row waiting for one: accept (a proposed text, or one written now)
/// or reject.
pub fn adjudicate(ctx: &Context, req: &Request, params: &Params) -> Result<Response, ApiError> {
    let caller = require_adjudicator(ctx, req)?;
    let actor = caller.actor().unwrap_or_default();
    let id = params.id("id", "contribution")?;
    let body: DecisionBody = json_body(req)?;
    check_correction(ctx, &body)?;
    let who = Reviewer {
        actor: &actor,
        user_id: caller.user_id(),
    };
    let row = review::adjudicate(
        ctx.db,
        &ctx.origin(req),
        &who,
        id,
        body.decision,
        body.text.as_deref(),
    )?;
    Ok(json(200, &decided(&row)))
}

/// A text goes only with an accept, and is a valid text.
fn check_correction(ctx: &Context, body: &DecisionBody) -> Result<(), ApiError> {
    if let Some(text) = &body.text {
        if body.decision == Decision::Reject {
            return Err(ApiError::invalid(
                "text is a correction to accept; a rejection carries none",
            ));
        }
        super::check_text(text, &ctx.settings)?;
    }
    Ok(())
}
