//! Invitations: the admin makes one and gets its link once (`/join#<code>`: the code
//! rides in the fragment, out of server and proxy logs), lists and revokes them; a
//! person redeems a code for an account with a name of their choosing.

use super::users::{display_name, role};
use super::{base_url, json, json_body, Context, Params, Request, Response};
use crate::auth::{new_token, require_admin, token_hash};
use crate::error::ApiError;
use crate::hashing::{random_bytes, sha256_hex};
use crate::store::invitations::{self, Invitation, NewInvitation};
use crate::usecase::invitations::{self as usecase, Spent};
use base64::Engine as _;
use serde::Deserialize;
use serde_json::{json, Value};

/// Most accounts one invitation may create.
pub const MAX_USES: i64 = 1000;
/// Longest life of an invitation, in hours (a year); the default is a week.
pub const MAX_HOURS: i64 = 366 * 24;
const DEFAULT_HOURS: i64 = 7 * 24;
/// Longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 200;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewInvitationBody {
    role: Option<String>,
    max_uses: Option<i64>,
    expires_in_hours: Option<i64>,
    note: Option<String>,
}

/// `POST /api/invitations` (admin): a new invitation; its code and link, shown once.
pub fn create(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    require_admin(ctx, req)?;
    let body: NewInvitationBody = json_body(req)?;
    let role = role(body.role.as_deref())?;
    let max_uses = body.max_uses.unwrap_or(1);
    if !(1..=MAX_USES).contains(&max_uses) {
        return Err(ApiError::invalid(format!(
            "max_uses must be between 1 and {MAX_USES}"
        )));
    }
    let hours = body.expires_in_hours.unwrap_or(DEFAULT_HOURS);
    if !(1..=MAX_HOURS).contains(&hours) {
        return Err(ApiError::invalid(format!(
            "expires_in_hours must be between 1 and {MAX_HOURS} (a year)"
        )));
    }
    let note = body.note.unwrap_or_default().trim().to_string();
    if note.chars().count() > MAX_NOTE_CHARS || note.chars().any(char::is_control) {
        return Err(ApiError::invalid(format!(
            "note must be at most {MAX_NOTE_CHARS} printable characters"
        )));
    }
    let expires_at =
        crate::clock::format(time::OffsetDateTime::now_utc() + time::Duration::hours(hours));
    let code = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes(32));
    let new = NewInvitation {
        code_hash: &sha256_hex(code.as_bytes()),
        role,
        note: &note,
        max_uses,
        expires_at: &expires_at,
    };
    let invitation = usecase::create(ctx.db, &ctx.origin(req), &new)?;
    let mut shown = view(&invitation, &crate::clock::now());
    shown["code"] = Value::from(code.as_str());
    shown["url"] = Value::from(format!("{}/join#{code}", base_url(ctx, req)));
    Ok(json(201, &shown))
}

/// `GET /api/invitations` (admin): every invitation, newest first, with its state.
pub fn list(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    require_admin(ctx, req)?;
    // One clock reading, so every item's state is judged at the same instant.
    let now = crate::clock::now();
    let items: Vec<Value> = invitations::list(ctx.db)?
        .iter()
        .map(|i| view(i, &now))
        .collect();
    Ok(json(200, &json!({ "items": items })))
}

/// `DELETE /api/invitations/{id}` (admin): revokes it at once (again: no change).
pub fn revoke(ctx: &Context, req: &Request, params: &Params) -> Result<Response, ApiError> {
    require_admin(ctx, req)?;
    let id = params.id("id", "invitation")?;
    let invitation = usecase::revoke(ctx.db, &ctx.origin(req), id)?
        .ok_or_else(|| ApiError::not_found(format!("no invitation {id}")))?;
    Ok(json(200, &view(&invitation, &crate::clock::now())))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JoinBody {
    code: Option<String>,
    name: Option<String>,
}

/// `POST /api/join` (no token): an account for the holder of an invitation's code;
/// its token, shown once.
pub fn join(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    let body: JoinBody = json_body(req)?;
    let code = body.code.unwrap_or_default();
    if code.trim().is_empty() {
        return Err(ApiError::invalid(
            "code is required (the part of the link after #)",
        ));
    }
    let name = display_name(body.name)?;
    let token = new_token();
    let code_hash = sha256_hex(code.trim().as_bytes());
    let joined = usecase::redeem(
        ctx.db,
        &ctx.origin(req),
        &code_hash,
        &name,
        &token_hash(&token),
    )?;
    Ok(json(
        201,
        &json!({
            "id": joined.user_id, "name": name, "role": joined.role,
            "token": token, "created_at": joined.created_at,
        }),
    ))
}

/// What the admin sees of an invitation at `now` (never its code).
fn view(invitation: &Invitation, now: &str) -> Value {
    let state = match Spent::of(invitation, now) {
        None => "active",
        Some(Spent::Revoked) => "revoked",
        Some(Spent::Expired) => "expired",
        Some(Spent::UsedUp) => "used_up",
    };
    json!({
        "id": invitation.id,
        "role": invitation.role,
        "note": invitation.note,
        "max_uses": invitation.max_uses,
        "uses": invitation.uses,
        "uses_left": (invitation.max_uses - invitation.uses).max(0),
        "expires_at": invitation.expires_at,
        "revoked_at": invitation.revoked_at,
        "created_at": invitation.created_at,
        "state": state,
    })
}
