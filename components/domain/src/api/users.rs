//! Accounts: the admin creates a contributor or a reviewer and gets its token once,
//! lists people, changes a role, revokes (and perhaps reissues) a token and closes an
//! account; a contributor reads their account, replaces their token, or closes the
//! account (erasing every contribution and revoking the token).

use super::{json, json_body, Context, Params, Request, Response};
use crate::auth::{authenticate, new_token, require_admin, token_hash, Caller};
use crate::error::ApiError;
use crate::store::users::{self, PeopleFilter, Person, Role};
use crate::usecase::accounts;
use serde::Deserialize;
use serde_json::{json, Value};

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

/// `GET /api/me`: the caller's account (a campaign's participant: anonymous, with
/// its campaign).
pub fn me(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    let uid = contributor(ctx, req)?;
    let p = found(ctx, uid)?;
    Ok(json(
        200,
        &json!({
            "id": uid, "name": p.name, "role": p.role, "created_at": p.created_at,
            "contributions": p.contributions, "anonymous": p.anonymous, "campaign": p.campaign,
        }),
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

/// Most people on one page of `GET /api/users`; the default is 50.
pub const MAX_PEOPLE_PAGE: usize = 200;

/// `GET /api/users` (admin): people, newest first, filtered by `role`, `anonymous`,
/// `state` (active or closed) and `campaign` (a slug), a page at a time.
pub fn list(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    require_admin(ctx, req)?;
    let mut filter = PeopleFilter::default();
    let mut limit = 50;
    for (key, value) in super::query(req) {
        match key.as_str() {
            "role" => filter.role = Some(role(Some(&value))?),
            "anonymous" => filter.anonymous = Some(boolean(&key, &value)?),
            "state" => {
                filter.active = Some(match value.as_str() {
                    "active" => true,
                    "closed" => false,
                    _ => {
                        return Err(ApiError::invalid(format!(
                            "state must be active or closed (got {value:?})"
                        )))
                    }
                })
            }
            "campaign" => filter.campaign = Some(value),
            "limit" => {
                limit = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=MAX_PEOPLE_PAGE).contains(n))
                    .ok_or_else(|| {
                        ApiError::invalid(format!("limit must be between 1 and {MAX_PEOPLE_PAGE}"))
                    })?
            }
            "cursor" => filter.before_id = Some(super::listing::decode_cursor(&value)?),
            other => {
                return Err(ApiError::invalid(format!(
                    "unknown query parameter {other:?}"
                )))
            }
        }
    }
    let mut people = users::list(ctx.db, &filter, limit + 1)?;
    let next_cursor = if people.len() > limit {
        people.truncate(limit);
        people.last().map(|p| super::listing::encode_cursor(p.id))
    } else {
        None
    };
    let items: Vec<Value> = people.iter().map(person_view).collect();
    Ok(json(
        200,
        &json!({ "items": items, "next_cursor": next_cursor }),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonChange {
    role: Option<String>,
}

/// `PATCH /api/users/{id}` (admin): gives a person another role.
pub fn update(ctx: &Context, req: &Request, params: &Params) -> Result<Response, ApiError> {
    require_admin(ctx, req)?;
    let id = params.id("id", "user")?;
    let body: PersonChange = json_body(req)?;
    let Some(raw) = body.role else {
        return Err(ApiError::invalid(
            "role is required (the only field a change takes)",
        ));
    };
    let role = role(Some(&raw))?;
    if !accounts::change_role(ctx.db, &ctx.origin(req), id, role)? {
        return Err(absent_or_closed(ctx, id)?);
    }
    Ok(json(200, &person_view(&found(ctx, id)?)))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Revocation {
    reissue: Option<bool>,
}

/// `POST /api/users/{id}/token` (admin): the person's token stops working at once;
/// with `reissue: true` they get a new one, shown here once.
pub fn revoke_token(ctx: &Context, req: &Request, params: &Params) -> Result<Response, ApiError> {
    require_admin(ctx, req)?;
    let id = params.id("id", "user")?;
    let body: Revocation = if req.body().is_empty() {
        Revocation::default()
    } else {
        json_body(req)?
    };
    let reissue = body.reissue.unwrap_or(false);
    // Without a reissue the new token is thrown away: nobody can use it.
    let token = new_token();
    if !accounts::revoke_token(ctx.db, &ctx.origin(req), id, &token_hash(&token), reissue)? {
        return Err(absent_or_closed(ctx, id)?);
    }
    let mut body = json!({ "id": id, "token_revoked": true });
    if reissue {
        body["token"] = token.into();
    }
    Ok(json(200, &body))
}

/// `DELETE /api/users/{id}` (admin): closes the account as `DELETE /api/me` does
/// (again: no change).
pub fn close(ctx: &Context, req: &Request, params: &Params) -> Result<Response, ApiError> {
    require_admin(ctx, req)?;
    let id = params.id("id", "user")?;
    // Closed already: nothing left to erase, and no second entry.
    let erased = if found(ctx, id)?.active {
        crate::usecase::erasure::close_account(ctx.db, &ctx.origin(req), id)?
    } else {
        0
    };
    Ok(json(
        200,
        &json!({ "id": id, "erased_contributions": erased, "token_revoked": true }),
    ))
}

/// Person `id`, or a 404.
fn found(ctx: &Context, id: i64) -> Result<Person, ApiError> {
    users::person(ctx.db, id)?.ok_or_else(|| ApiError::not_found(format!("no user {id}")))
}

/// Why a change to person `id` found no active account: 404 or 409.
fn absent_or_closed(ctx: &Context, id: i64) -> Result<ApiError, ApiError> {
    found(ctx, id)?;
    Ok(ApiError::conflict(format!("user {id}'s account is closed")))
}

/// A query flag: `true` or `false`.
fn boolean(key: &str, value: &str) -> Result<bool, ApiError> {
    match value {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(ApiError::invalid(format!(
            "{key} must be true or false (got {value:?})"
        ))),
    }
}

/// What the admin sees of a person.
fn person_view(p: &Person) -> Value {
    json!({
        "id": p.id, "name": p.name, "role": p.role, "anonymous": p.anonymous,
        "campaign": p.campaign, "invitation_id": p.invitation_id,
        "created_at": p.created_at, "last_seen": p.last_seen,
        "contributions": p.contributions, "active": p.active,
    })
}
