//! Who is calling: the admin (Spin variable `admin_token`), a contributor (a token
//! issued by `POST /api/users`, stored only as its SHA-256), or, where allowed, nobody.

use crate::context::Context;
use crate::error::ApiError;
use crate::hashing::{constant_time_eq, random_bytes, sha256_hex};
use crate::store::users::Role;
use base64::Engine as _;

/// The authenticated caller of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// Holder of the admin token: sees and changes everything.
    Admin,
    /// A contributor: sees and changes only their own rows.
    User(i64),
    /// No token, on a route that allows anonymous contribution.
    Anonymous,
}

impl Caller {
    /// The user id rows written by this caller belong to (`None` for admin/anonymous).
    pub fn user_id(self) -> Option<i64> {
        match self {
            Caller::User(id) => Some(id),
            _ => None,
        }
    }

    /// How people are named in text versions and review decisions: `user:<id>` or
    /// `admin` (`None` for anonymous callers).
    pub fn actor(self) -> Option<String> {
        match self {
            Caller::Admin => Some("admin".into()),
            Caller::User(id) => Some(format!("user:{id}")),
            Caller::Anonymous => None,
        }
    }
}

/// Prefix that makes contributor tokens recognisable in logs and secret scanners.
const TOKEN_PREFIX: &str = "tdk_";

/// A fresh contributor token (256 random bits).
pub fn new_token() -> String {
    format!(
        "{TOKEN_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes(32))
    )
}

/// What the database stores for a token.
pub fn token_hash(token: &str) -> String {
    sha256_hex(token.as_bytes())
}

/// Reads the bearer token; `Ok(None)` when there is no Authorization header.
fn bearer(req: &http::Request<Vec<u8>>) -> Result<Option<&str>, ApiError> {
    let Some(value) = req.headers().get(http::header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value
        .to_str()
        .map_err(|_| ApiError::unauthorized("the Authorization header is not valid text"))?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(Some(token.trim()))
        }
        _ => Err(ApiError::unauthorized(
            "use 'Authorization: Bearer <token>'",
        )),
    }
}

/// Authenticates a request. `anonymous_ok` lets a request without a token through as
/// `Caller::Anonymous` when the `allow_anonymous` setting is on.
pub fn authenticate(
    ctx: &Context,
    req: &http::Request<Vec<u8>>,
    anonymous_ok: bool,
) -> Result<Caller, ApiError> {
    ctx.set_login_due(None);
    let Some(token) = bearer(req)? else {
        if anonymous_ok && ctx.settings.allow_anonymous {
            return Ok(Caller::Anonymous);
        }
        return Err(ApiError::unauthorized(
            "this endpoint needs 'Authorization: Bearer <token>'",
        ));
    };
    if let Some(admin) = &ctx.settings.admin_token {
        if constant_time_eq(
            &sha256_hex(admin.as_bytes()).into_bytes(),
            &token_hash(token).into_bytes(),
        ) {
            return Ok(Caller::Admin);
        }
    }
    match crate::store::users::find_active_by_token_hash(ctx.db, &token_hash(token))? {
        Some((id, last_login_day)) => {
            // The first use of a token each (UTC) day is a `user_login` in the activity
            // log, recorded with the request's own writes (`Context::origin`).
            let now = crate::clock::now();
            let due = last_login_day.as_deref() != Some(&now[..10]);
            ctx.set_login_due(due.then_some(id));
            Ok(Caller::User(id))
        }
        None => Err(ApiError::unauthorized("unknown or revoked token")),
    }
}

/// Requires the worker token (the job API is the workers' alone). Unset: 503.
pub fn require_worker(ctx: &Context, req: &http::Request<Vec<u8>>) -> Result<(), ApiError> {
    let Some(worker) = &ctx.settings.worker_token else {
        return Err(ApiError::unavailable(
            "the job API is disabled: set the Spin variable worker_token",
        ));
    };
    let token = bearer(req)?.ok_or_else(|| {
        ApiError::unauthorized("the job API needs 'Authorization: Bearer <worker token>'")
    })?;
    if constant_time_eq(
        &sha256_hex(worker.as_bytes()).into_bytes(),
        &token_hash(token).into_bytes(),
    ) {
        Ok(())
    } else {
        Err(ApiError::unauthorized("not the worker token"))
    }
}

/// Requires the admin token or the worker token (for worker-run duties such as
/// publication). Neither configured: 503.
pub fn require_admin_or_worker(
    ctx: &Context,
    req: &http::Request<Vec<u8>>,
) -> Result<(), ApiError> {
    if is_worker(ctx, req) {
        return Ok(());
    }
    if ctx.settings.admin_token.is_none() && ctx.settings.worker_token.is_some() {
        return Err(ApiError::unauthorized(
            "this endpoint needs the worker or admin token",
        ));
    }
    require_admin(ctx, req)
}

/// Whether the request carries the worker token (when one is set).
pub fn is_worker(ctx: &Context, req: &http::Request<Vec<u8>>) -> bool {
    match (&ctx.settings.worker_token, bearer(req)) {
        (Some(worker), Ok(Some(token))) => constant_time_eq(
            &sha256_hex(worker.as_bytes()).into_bytes(),
            &token_hash(token).into_bytes(),
        ),
        _ => false,
    }
}

/// Authenticates a reviewer: the admin, or a user with role `reviewer` or
/// `adjudicator`.
pub fn require_reviewer(ctx: &Context, req: &http::Request<Vec<u8>>) -> Result<Caller, ApiError> {
    require_role(ctx, req, &[Role::Reviewer, Role::Adjudicator], "reviewing needs a reviewer's token (the admin creates reviewers with POST /api/users {\"role\": \"reviewer\"})")
}

/// Authenticates an adjudicator: the admin, or a user with role `adjudicator`.
pub fn require_adjudicator(
    ctx: &Context,
    req: &http::Request<Vec<u8>>,
) -> Result<Caller, ApiError> {
    require_role(ctx, req, &[Role::Adjudicator], "adjudicating needs the admin's or an adjudicator's token (the admin gives a user the role adjudicator)")
}

/// The admin, or a user holding one of `roles`; else 403 saying `why`.
fn require_role(
    ctx: &Context,
    req: &http::Request<Vec<u8>>,
    roles: &[Role],
    why: &str,
) -> Result<Caller, ApiError> {
    let caller = authenticate(ctx, req, false)?;
    match caller {
        Caller::Admin => Ok(caller),
        Caller::User(id)
            if crate::store::users::role(ctx.db, id)?.is_some_and(|r| roles.contains(&r)) =>
        {
            Ok(caller)
        }
        _ => Err(ApiError::forbidden(why)),
    }
}

/// Authenticates and requires the admin. With no admin token configured the answer is
/// 503, so a misconfiguration is not mistaken for a wrong token.
pub fn require_admin(ctx: &Context, req: &http::Request<Vec<u8>>) -> Result<(), ApiError> {
    if ctx.settings.admin_token.is_none() {
        return Err(ApiError::unavailable(
            "admin access is disabled: set the Spin variable admin_token (SPIN_VARIABLE_ADMIN_TOKEN)",
        ));
    }
    match authenticate(ctx, req, false)? {
        Caller::Admin => Ok(()),
        _ => Err(ApiError::forbidden("this endpoint needs the admin token")),
    }
}
