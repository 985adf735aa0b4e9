//! Accounts: the admin creates a contributor or a reviewer and gets its token once;
//! a contributor reads their account, replaces their token, or closes the account
//! (erasing every contribution and revoking the token).

use super::{json, json_body, Context, Params, Request, Response};
use crate::auth::{authenticate, new_token, require_admin, token_hash, Caller};
use crate::error::ApiError;
use crate::store::contributions;
use crate::store::users::{self, Role};
use crate::usecase::accounts;
use serde::Deserialize;
use serde_json::json;

/// Longest accepted display name, in characters.
const MAX_NAME_CHARS: usize = 100;

#[derive(Deserialize)]
struct NewUser {
    name: Option<String>,
    role: Option<String>,
}

/// `POST /api/users` (admin): a new contributor (or, with `role: "reviewer"`, a
/// reviewer) and its token, shown once.
pub fn create(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    require_admin(ctx, req)?;
    let body: NewUser = json_body(req)?;
    let name = display_name(body.name)?;
    let role = role(body.role.as_deref())?;
    let token = new_token();
    let (id, created_at) =
        accounts::create(ctx.db, &ctx.origin(req), &name, role, &token_hash(&token))?;
    Ok(json(
        201,
        &json!({ "id": id, "name": name, "role": role, "token": token, "created_at": created_at }),
    ))
}

/// A display name as sent: trimmed, required, at most [`MAX_NAME_CHARS`] printable
/// characters; else 422.
pub(super) fn display_name(raw: Option<String>) -> Result<String, ApiError> {
    let name = raw.map(|n| n.trim().to_string()).unwrap_or_default();
    if name.is_empty() {
        return Err(ApiError::invalid("name is required"));
    }
    if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(ApiError::invalid(format!(
            "name must be at most {MAX_NAME_CHARS} printable characters"
        )));
    }
    Ok(name)
}

/// A role as sent (none: contributor); an unknown one is a 422.
pub(super) fn role(raw: Option<&str>) -> Result<Role, ApiError> {
    match raw {
        None => Ok(Role::Contributor),
        Some(name) => Role::parse(name).ok_or_else(|| {
            ApiError::invalid(format!(
                "role must be one of {} (got {name:?})",
                Role::names(", ")
            ))
        }),
    }
}

/// The caller's own account id: `/api/me` is for contributors only.
fn contributor(ctx: &Context, req: &Request) -> Result<i64, ApiError> {
    match authenticate(ctx, req, false)? {
        Caller::User(uid) => Ok(uid),
        _ => Err(ApiError::forbidden(
            "/api/me is for contributors; the admin has no account row",
        )),
    }
}

/// `GET /api/me`: the caller's account.
pub fn me(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    let uid = contributor(ctx, req)?;
    let (name, created_at, _) =
        users::get(ctx.db, uid)?.ok_or_else(|| ApiError::not_found("no such user"))?;
    let rows = contributions::ids_of_user(ctx.db, uid)?.len();
    let role = users::role(ctx.db, uid)?
        .map(Role::as_str)
        .unwrap_or_default();
    Ok(json(
        200,
        &json!({ "id": uid, "name": name, "role": role, "created_at": created_at, "contributions": rows }),
    ))
}

/// `POST /api/me/token`: a new token for the caller, shown once; the old one stops
/// working at once, wherever it was kept (signing out everywhere).
pub fn rotate_token(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    let uid = contributor(ctx, req)?;
    let token = new_token();
    let rotated_at = accounts::rotate_token(ctx.db, &ctx.origin(req), uid, &token_hash(&token))?
        // Closed by a request racing this one: the old token is already dead.
        .ok_or_else(|| ApiError::unauthorized("unknown or revoked token"))?;
    Ok(json(
        200,
        &json!({ "id": uid, "token": token, "rotated_at": rotated_at }),
    ))
}

/// `DELETE /api/me`: erases every contribution of the caller, the name and the lore
/// profile, and revokes the token.
pub fn delete_me(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    let uid = contributor(ctx, req)?;
    let erased = crate::usecase::erasure::close_account(ctx.db, &ctx.origin(req), uid)?;
    Ok(json(
        200,
        &json!({ "erased_contributions": erased, "token_revoked": true }),
    ))
}
