//! `GET /`, `/submit`, `/screenshot`, `/draw`, `/admin/logs` and `/static/{asset}`: the
//! pages and their scripts. Public; every action on them goes through the bearer-token
//! API (the dashboard's through the admin token it asks for).

use super::allow;
use crate::error::ApiError;
use crate::web::pages;

/// Serves a page or a static asset (no database: see [`super::StaticHandler`]).
pub fn handle(req: &super::Request) -> Result<super::Response, ApiError> {
    allow(req, &[http::Method::GET, http::Method::HEAD])?;
    let path = req.uri().path();
    let (content_type, body, cache) = if let Some(name) = path.strip_prefix("/static/") {
        let (ct, body) =
            pages::asset(name).ok_or_else(|| ApiError::not_found(format!("no asset {name}")))?;
        (ct, body.to_string(), "public, max-age=300")
    } else {
        let html =
            pages::page(path).ok_or_else(|| ApiError::not_found(format!("no page at {path}")))?;
        ("text/html; charset=utf-8", html, "no-cache")
    };
    Ok(http::Response::builder()
        .status(200)
        .header("content-type", content_type)
        .header("cache-control", cache)
        .header("x-content-type-options", "nosniff")
        .header("referrer-policy", "same-origin")
        .header(
            "content-security-policy",
            "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
        )
        .body(body.into_bytes())
        .unwrap_or_default())
}
