//! The activity log for admins: `GET /api/activity` (filtered, paginated) and
//! `GET /api/activity/verify` (recomputes the hash chain and checks its head against
//! the latest signed checkpoint).

use super::{json, query, Context, Params, Request, Response};
use crate::auth::require_admin;
use crate::db::transaction;
use crate::error::ApiError;
use crate::store::{activity as store, merkle};
use serde_json::json;

/// Applies the IP retention setting (addresses older than it are truncated).
pub fn apply_retention(ctx: &Context) -> Result<(), ApiError> {
    let cutoff = time::OffsetDateTime::now_utc()
        - time::Duration::days(ctx.settings.ip_retention_days as i64);
    let cutoff = crate::clock::format(cutoff);
    transaction(ctx.db, || store::apply_ip_retention(ctx.db, &cutoff))?;
    Ok(())
}

/// `GET /api/activity`: entries newest first, filtered, a page at a time.
pub fn list(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    require_admin(ctx, req)?;
    apply_retention(ctx)?;
    let mut filter = store::Filter::default();
    let mut limit = 100usize;
    for (key, value) in query(req) {
        match key.as_str() {
            "type" => filter.log_type = Some(value).filter(|v| !v.is_empty()),
            "user" | "user_id" if !value.is_empty() => {
                filter.user_id = Some(
                    value
                        .parse()
                        .map_err(|_| ApiError::invalid("user must be an integer id"))?,
                )
            }
            "user" | "user_id" => {}
            "since" | "until" => {
                let t = crate::clock::parse(&value).ok_or_else(|| {
                    ApiError::invalid(format!("{key} must be an RFC 3339 timestamp"))
                })?;
                if key == "since" {
                    filter.since = Some(t)
                } else {
                    filter.until = Some(t)
                }
            }
            "limit" => {
                limit = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=500).contains(n))
                    .ok_or_else(|| ApiError::invalid("limit must be between 1 and 500"))?
            }
            "cursor" => {
                filter.before_id = Some(
                    value
                        .parse()
                        .map_err(|_| ApiError::invalid("cursor is not one this API issued"))?,
                )
            }
            other => {
                return Err(ApiError::invalid(format!(
                    "unknown query parameter {other:?}"
                )))
            }
        }
    }
    let mut items = store::list(ctx.db, &filter, limit + 1)?;
    let next = if items.len() > limit {
        items.truncate(limit);
        items.last().map(|i| i["id"].to_string())
    } else {
        None
    };
    Ok(json(200, &json!({ "items": items, "next_cursor": next })))
}

/// `GET /api/activity/verify`: recomputes the chain and checks its head against the
/// latest signed checkpoint.
pub fn verify(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    require_admin(ctx, req)?;
    apply_retention(ctx)?;
    let v = crate::activity_chain::verify(ctx.db)?;
    // The latest checkpoint that recorded a chain head must still match the chain.
    let checkpoint = match merkle::latest_checkpoint(ctx.db)? {
        Some(cp) => {
            // Signed by the current key, or by the generated one it took over from.
            let mut keys = vec![crate::signing::log_key(ctx.db, &ctx.settings)?.verifier_key()];
            keys.extend(crate::signing::retired_verifier_keys(
                ctx.db,
                &ctx.settings,
            )?);
            let signed = keys
                .iter()
                .find_map(|k| tlog::checkpoint::verify_checkpoint(&cp.note, k).ok());
            let recorded = signed.as_ref().and_then(|c| {
                c.extensions
                    .iter()
                    .find_map(|l| crate::ledger::parse_activity_extension(l))
            });
            match recorded {
                Some((id, hash)) => {
                    let stored = store::hash_of(ctx.db, id)?;
                    Some(
                        json!({ "tree_size": cp.size, "activity_id": id, "matches": stored.as_deref() == Some(hash.as_str()) }),
                    )
                }
                None => Some(
                    json!({ "tree_size": cp.size, "activity_id": null, "matches": signed.is_some() }),
                ),
            }
        }
        None => None,
    };
    let checkpoint_ok = checkpoint.as_ref().is_none_or(|c| c["matches"] == true);
    let first_bad_id = match (&v.first_bad_id, &checkpoint) {
        (Some(id), _) => Some(*id),
        (None, Some(c)) if c["matches"] == false => c["activity_id"].as_i64(),
        _ => None,
    };
    Ok(json(
        200,
        &json!({
            "ok": v.ok && checkpoint_ok,
            "checked": v.checked,
            "first_bad_id": first_bad_id,
            "head": v.head.map(|(id, hash)| json!({ "id": id, "proof_hash": hash })),
            "checkpoint": checkpoint,
        }),
    ))
}
