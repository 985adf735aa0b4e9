//! `GET /`, `/submit`, `/screenshot`, `/draw`, `/admin/logs` and `/static/{asset}`: the
//! pages and their scripts. Public; every action on them goes through the bearer-token
//! API (the dashboard's through the admin token it asks for).

use super::{Params, Request, Response};
use crate::error::ApiError;
use crate::web::pages;

/// A page (no database: see [`super::StaticHandler`]).
pub fn page(req: &Request, _: &Params) -> Result<Response, ApiError> {
    let path = req.uri().path();
    let html =
        pages::page(path).ok_or_else(|| ApiError::not_found(format!("no page at {path}")))?;
    Ok(answer("text/html; charset=utf-8", html, "no-cache"))
}

/// `GET /static/{asset}`: a script or stylesheet the pages load.
pub fn asset(_: &Request, params: &Params) -> Result<Response, ApiError> {
    let name = params.rest();
    let (content_type, body) =
        pages::asset(name).ok_or_else(|| ApiError::not_found(format!("no asset {name}")))?;
    Ok(answer(
        content_type,
        body.to_string(),
        "public, max-age=300",
    ))
}

/// The response with the headers every page and asset carries.
fn answer(content_type: &str, body: String, cache: &str) -> Response {
    http::Response::builder()
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
        .unwrap_or_default()
}
