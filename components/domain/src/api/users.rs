//! `POST /api/users` (admin): creates a contributor and returns its token, once.

use super::{allow, json, json_body, Context, Request, Response};
use crate::auth::{new_token, require_admin, token_hash};
use crate::error::ApiError;
use serde::Deserialize;
use serde_json::json;

/// Longest accepted display name, in characters.
const MAX_NAME_CHARS: usize = 100;

#[derive(Deserialize)]
struct NewUser {
    name: Option<String>,
}

/// Handles `/api/users`.
pub fn handle(ctx: &Context, req: &Request) -> Result<Response, ApiError> {
    allow(req, &[http::Method::POST])?;
    require_admin(ctx, req)?;
    let body: NewUser = json_body(req)?;
    let name = body.name.map(|n| n.trim().to_string()).unwrap_or_default();
    if name.is_empty() {
        return Err(ApiError::invalid("name is required"));
    }
    if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(ApiError::invalid(format!(
            "name must be at most {MAX_NAME_CHARS} printable characters"
        )));
    }
    let token = new_token();
    let created_at = crate::clock::now();
    let id = crate::store::users::insert(ctx.db, &name, &token_hash(&token), &created_at)?;
    Ok(json(
        201,
        &json!({ "id": id, "name": name, "token": token, "created_at": created_at }),
    ))
}
