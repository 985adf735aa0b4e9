//! `GET /api/training-data` (filtered, keyset-paginated, newest first),
//! `GET|PATCH|DELETE /api/training-data/{id}` (PATCH opts in or out and corrects the
//! text), its text history (`/versions`) and its media bytes (`/media`). Contributors
//! see and change only their rows; another user's row is a 404, as if it did not
//! exist. A reviewer sees the media of the one row they hold a lease on.

use super::{base_url, json, json_body, query, Context, Params, Request, Response};
use crate::auth::{authenticate, Caller};
use crate::error::ApiError;
use crate::store::contributions::{self, Contribution, Filter};
use crate::store::{release_rows, review_leases, text_versions};
use crate::usecase::text::{self, Edit, Editor};
use base64::Engine as _;
use serde_json::json;
use wire::lifecycle::{ReviewState, Status};

/// The longest text search (`q`), in UTF-8 bytes: far above any real phrase, and far
/// below SQLite's limit on a LIKE pattern (50,000 bytes), past which the query fails.
pub const MAX_QUERY_BYTES: usize = 1000;
/// Default page size.
pub const DEFAULT_LIMIT: usize = 50;
/// Largest page size.
pub const MAX_LIMIT: usize = 500;

/// `GET /api/training-data/{id}`: one row.
pub fn get(ctx: &Context, req: &Request, params: &Params) -> Result<Response, ApiError> {
    let caller = authenticate(ctx, req, false)?;
    let row = visible_row(ctx, caller, params)?;
    let mut view = super::views::contribution(&row, &base_url(ctx, req), true);
    // What the current text's engine located: segments and words, or boxes.
    let layout = text_versions::current_layout(ctx.db, &row)?;
    if let Some(layout) = &layout {
        view["layout"] = serde_json::to_value(layout).unwrap_or_default();
    }
    view["pii_findings"] = super::pii::current(ctx, &row, layout.as_ref())?["findings"].take();
    with_releases(ctx, std::slice::from_mut(&mut view))?;
    Ok(json(200, &view))
}

/// Adds to each row view the published releases that hold it: each names the row's
/// manifest line, which the release's signed statement covers (GET /api/releases/{n}).
fn with_releases(ctx: &Context, views: &mut [serde_json::Value]) -> Result<(), ApiError> {
    let ids: Vec<i64> = views.iter().filter_map(|v| v["id"].as_i64()).collect();
    let mut found = release_rows::of_contributions(ctx.db, &ids)?;
    for view in views {
        let held = view["id"]
            .as_i64()
            .and_then(|id| found.remove(&id))
            .unwrap_or_default();
        view["releases"] = serde_json::to_value(held).unwrap_or_default();
    }
    Ok(())
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Patch {
    included_in_training: Option<bool>,
    text: Option<String>,
}

/// `PATCH /api/training-data/{id}`: opts a row in or out of training exports and/or
/// corrects its text (a new version by a person; owner or admin). Both in one
/// transaction with their activity entries.
pub fn patch(ctx: &Context, req: &Request, params: &Params) -> Result<Response, ApiError> {
    let caller = authenticate(ctx, req, false)?;
    let row = visible_row(ctx, caller, params)?;
    let body: Patch = json_body(req)?;
    if body.included_in_training.is_none() && body.text.is_none() {
        return Err(ApiError::invalid(
            "send included_in_training (true or false) and/or text (the corrected text)",
        ));
    }
    if let Some(text) = &body.text {
        super::check_text(text, &ctx.settings)?;
    }
    let author = caller.actor().unwrap_or_default();
    let editor = Editor {
        user_id: caller.user_id(),
        author: &author,
    };
    let change = Edit {
        included_in_training: body.included_in_training,
        text: body.text.as_deref(),
    };
    let row = text::edit(ctx.db, &ctx.origin(req), row.id, &editor, &change)?;
    Ok(json(
        200,
        &super::views::contribution(&row, &base_url(ctx, req), false),
    ))
}

/// `DELETE /api/training-data/{id}`: erases a row (owner when `user_can_delete`, or
/// admin); answers 204.
pub fn delete(ctx: &Context, req: &Request, params: &Params) -> Result<Response, ApiError> {
    let caller = authenticate(ctx, req, false)?;
    let row = visible_row(ctx, caller, params)?;
    if caller != Caller::Admin && !row.user_can_delete {
        return Err(ApiError::forbidden(
            "this contribution cannot be deleted by its owner; ask an admin",
        ));
    }
    crate::usecase::erasure::delete_contribution(ctx.db, &ctx.origin(req), caller.user_id(), &row)?;
    Ok(http::Response::builder()
        .status(204)
        .body(Vec::new())
        .unwrap_or_default())
}

/// `GET /api/training-data/{id}/versions`: the row's text history, oldest first
/// (owner or admin).
pub fn versions(ctx: &Context, req: &Request, params: &Params) -> Result<Response, ApiError> {
    let caller = authenticate(ctx, req, false)?;
    let row = visible_row(ctx, caller, params)?;
    let versions = text_versions::list(ctx.db, row.id)?;
    Ok(json(
        200,
        &json!({ "id": row.id, "current_version": row.text_version, "versions": versions }),
    ))
}

/// `GET /api/training-data/{id}/media[?redacted=true]`: the contributed audio or
/// image. Its owner and the admin get the original (or, asking `redacted=true`, the
/// redacted image); the reviewer holding the row's lease gets an image with personal
/// data in it only redacted.
pub fn media(ctx: &Context, req: &Request, params: &Params) -> Result<Response, ApiError> {
    let caller = authenticate(ctx, req, false)?;
    let mut redacted = false;
    for (key, value) in query(req) {
        match (key.as_str(), value.as_str()) {
            ("redacted", "true") => redacted = true,
            ("redacted", "false") => redacted = false,
            ("redacted", _) => return Err(ApiError::invalid("redacted must be true or false")),
            (other, _) => {
                return Err(ApiError::invalid(format!(
                    "unknown query parameter {other:?}"
                )))
            }
        }
    }
    let (row, leased) = visible_or_leased(ctx, caller, params)?;
    redacted |= leased;
    let bytes = contributions::media(ctx.db, row.id)?.ok_or_else(|| {
        ApiError::not_found(format!(
            "contribution {} has no media ({})",
            row.id, row.modality
        ))
    })?;
    let (mime, bytes) = if redacted {
        super::pii::redacted_media(ctx, &row, bytes)?
    } else {
        (row.mime.clone(), bytes)
    };
    Ok(http::Response::builder()
        .status(200)
        .header("content-type", mime.as_str())
        .header("cache-control", "private, no-store")
        .header("x-content-type-options", "nosniff")
        .header("content-security-policy", "default-src 'none'; sandbox")
        .body(bytes)
        .unwrap_or_default())
}

/// The row, for its owner, the admin, or the reviewer holding its live lease (then
/// `true`: a reviewer sees less of it).
pub fn visible_or_leased(
    ctx: &Context,
    caller: Caller,
    params: &Params,
) -> Result<(Contribution, bool), ApiError> {
    match visible_row(ctx, caller, params) {
        Ok(row) => Ok((row, false)),
        Err(e) => Ok((leased_to(ctx, caller, params)?.ok_or(e)?, true)),
    }
}

/// The row, when `caller` holds a live review lease on it.
pub fn leased_to(
    ctx: &Context,
    caller: Caller,
    params: &Params,
) -> Result<Option<Contribution>, ApiError> {
    let id = params.id("id", "contribution")?;
    let now = crate::clock::now();
    let holds = match (review_leases::get(ctx.db, id)?, caller.actor()) {
        (Some(lease), Some(actor)) => lease.reviewer == actor && lease.expires_at > now,
        _ => false,
    };
    Ok(if holds {
        contributions::get(ctx.db, id)?
    } else {
        None
    })
}

/// The row named by the path's `id`, if the caller may see it; else 404.
pub fn visible_row(
    ctx: &Context,
    caller: Caller,
    params: &Params,
) -> Result<Contribution, ApiError> {
    let id = params.id("id", "contribution")?;
    let absent = || ApiError::not_found(format!("no contribution {:?}", params.get("id")));
    let row = contributions::get(ctx.db, id)?.ok_or_else(absent)?;
    match caller {
        Caller::Admin => Ok(row),
        Caller::User(uid) if row.user_id == Some(uid) => Ok(row),
        _ => Err(absent()),
    }
}

/// The opaque cursor of a newest-first page that ends at `id`.
pub(super) fn encode_cursor(id: i64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("id:{id}"))
}

/// The id a cursor from [`encode_cursor`] stands for; 422 for any other.
pub(super) fn decode_cursor(cursor: &str) -> Result<i64, ApiError> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix("id:").and_then(|n| n.parse().ok()))
        .ok_or_else(|| ApiError::invalid("cursor is not one this API issued"))
}

/// The names of the review states under consensus: a row is validated when enough
/// reviewers accepted it (stored as `accepted`), invalidated when enough rejected it
/// (`rejected`), pending while it waits for votes (`unreviewed`).
const REVIEW_ALIASES: [(&str, ReviewState); 3] = [
    ("validated", ReviewState::Accepted),
    ("invalidated", ReviewState::Rejected),
    ("pending", ReviewState::Unreviewed),
];

/// A review state by its name or its consensus alias.
fn review_state(name: &str) -> Option<ReviewState> {
    ReviewState::parse(name).or_else(|| {
        REVIEW_ALIASES
            .iter()
            .find(|(alias, _)| *alias == name)
            .map(|(_, state)| *state)
    })
}

/// A query parameter that names one of a lifecycle's states: parsed, or a 422 that
/// lists the names.
fn one_of<T>(
    key: &str,
    value: &str,
    names: &[&str],
    parse: fn(&str) -> Option<T>,
) -> Result<T, ApiError> {
    parse(value).ok_or_else(|| {
        ApiError::invalid(format!(
            "{key} must be one of {} (got {value:?})",
            names.join(", ")
        ))
    })
}

/// Parses the listing's query parameters into a filter and page size.
pub fn parse_filter(
    caller: Caller,
    params: &[(String, String)],
) -> Result<(Filter, usize), ApiError> {
    let mut filter = Filter::default();
    let mut limit = DEFAULT_LIMIT;
    for (key, value) in params {
        match key.as_str() {
            "modality" => filter.modality = Some(crate::media::parse_modality(value)?),
            "status" => {
                let names: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
                filter.status = Some(one_of(key, value, &names, Status::parse)?);
            }
            "user_id" => {
                let uid: i64 = value
                    .parse()
                    .map_err(|_| ApiError::invalid("user_id must be an integer"))?;
                match caller {
                    Caller::Admin => filter.user_id = Some(uid),
                    Caller::User(own) if own == uid => {}
                    _ => {
                        return Err(ApiError::forbidden(
                            "only the admin may filter by another user_id",
                        ))
                    }
                }
            }
            "reviewed" => {
                let mut names: Vec<&str> = ReviewState::ALL.iter().map(|s| s.as_str()).collect();
                names.extend(REVIEW_ALIASES.iter().map(|(alias, _)| *alias));
                filter.review_state = Some(one_of(key, value, &names, review_state)?);
            }
            "q" if value.len() > MAX_QUERY_BYTES => {
                return Err(ApiError::invalid(format!(
                    "q must be at most {MAX_QUERY_BYTES} bytes"
                )))
            }
            "q" if value.chars().any(char::is_control) => {
                return Err(ApiError::invalid(
                    "q must not contain control characters (such as NUL)",
                ))
            }
            "q" => filter.q = Some(value.clone()).filter(|q| !q.is_empty()),
            "since" | "until" => {
                let t = crate::clock::parse(value).ok_or_else(|| {
                    ApiError::invalid(format!(
                        "{key} must be an RFC 3339 timestamp, e.g. 2026-01-31T00:00:00Z"
                    ))
                })?;
                if key == "since" {
                    filter.since = Some(t);
                } else {
                    filter.until = Some(t);
                }
            }
            "limit" => {
                limit = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=MAX_LIMIT).contains(n))
                    .ok_or_else(|| {
                        ApiError::invalid(format!("limit must be between 1 and {MAX_LIMIT}"))
                    })?;
            }
            "cursor" => filter.before_id = Some(decode_cursor(value)?),
            "campaign" => filter.campaign = Some(value.clone()),
            other => {
                return Err(ApiError::invalid(format!(
                    "unknown query parameter {other:?}"
                )))
            }
        }
    }
    if let Caller::User(own) = caller {
        filter.user_id = Some(own);
    }
    Ok((filter, limit))
}

/// `GET /api/training-data`: the caller's rows (all rows for the admin), filtered,
/// newest first, a page at a time.
pub fn list(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    let caller = authenticate(ctx, req, false)?;
    let base = &base_url(ctx, req);
    let (filter, limit) = parse_filter(caller, &query(req))?;
    let mut rows = contributions::list(ctx.db, &filter, limit + 1)?;
    let next_cursor = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|r| encode_cursor(r.id))
    } else {
        None
    };
    let mut items: Vec<_> = rows
        .iter()
        .map(|r| super::views::contribution(r, base, false))
        .collect();
    with_releases(ctx, &mut items)?;
    Ok(json(
        200,
        &json!({ "items": items, "next_cursor": next_cursor }),
    ))
}
