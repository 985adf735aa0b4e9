//! The pages, their scripts and the HTTP contract: everything public that needs no
//! database. Every action on the pages goes through the bearer-token API (the
//! dashboard's through the admin token it asks for).

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

/// The OpenAPI 3.1 document of the whole app, `docs/openapi.json` as committed: the
/// one description of every route, held to the route tables and `spin.toml` by
/// `routes::tests` and to the responses by the contract tests.
pub const OPENAPI: &str = include_str!("../../../../docs/openapi.json");

/// `GET /openapi.json`: the HTTP contract, for client generators and API tools.
pub fn openapi(_: &Request, _: &Params) -> Result<Response, ApiError> {
    Ok(answer(
        "application/json",
        OPENAPI.to_string(),
        "public, max-age=300",
    ))
}

/// `GET /api/docs`: the same document as a page to read.
pub fn api_docs(_: &Request, _: &Params) -> Result<Response, ApiError> {
    let html = crate::web::api_docs::render(OPENAPI)
        .ok_or_else(|| ApiError::internal("docs/openapi.json is not an OpenAPI document"))?;
    Ok(answer(
        "text/html; charset=utf-8",
        html,
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
