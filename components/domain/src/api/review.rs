//! The `review` component: `GET /api/review/next` leases the next row to check to one
//! reviewer, `POST /api/training-data/{id}/review` records the decision. Reviewers are
//! users with role `reviewer`, or the admin.

use super::{base_url, json, json_body, query, Context, Params, Request, Response};
use crate::auth::require_reviewer;
use crate::error::ApiError;
use crate::review::queue::{Ask, DEFAULT_LEASE_SECONDS, MAX_LEASE_SECONDS, MIN_LEASE_SECONDS};
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
    Ok(json(
        200,
        &json!({
            "lease": { "contribution_id": leased.row.id, "expires_at": leased.expires_at },
            "row": super::views::review_item(&leased.row, &base_url(ctx, req)),
            "remaining": leased.remaining,
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
    if let Some(text) = &body.text {
        if body.decision == Decision::Reject {
            return Err(ApiError::invalid(
                "text is a correction to accept; a rejection carries none",
            ));
        }
        super::check_text(text, &ctx.settings)?;
    }
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
    )?;
    Ok(json(
        200,
        &json!({
            "id": row.id,
            "review_state": row.review_state,
            "reviewed_by": row.reviewed_by,
            "reviewed_at": row.reviewed_at,
            "text_version": row.text_version,
            "text_source": row.text_source,
            "word_error_rate": row.review_wer,
            "replayed": outcome == Outcome::Replayed,
        }),
    ))
}
