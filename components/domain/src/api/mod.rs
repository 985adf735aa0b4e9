//! HTTP handlers, written against plain `http` types so they run natively in tests and
//! inside any Spin component through the adapter. One module per component, named
//! like it (`crate::routes` says which handler answers which request); `views` is how
//! a row is shown, shared by several.

pub mod activity;
pub mod errors;
pub mod export;
pub mod jobs;
pub mod listing;
pub mod lore;
pub mod metrics;
pub mod proofs;
pub mod quality;
pub mod review;
pub mod unified_input;
pub mod users;
pub mod views;
pub mod web;

pub use crate::context::{
    ChunkSource, Context, Handler, Origin, Params, Reply, Request, Response, StaticHandler,
    StreamingHandler,
};
use crate::error::ApiError;

/// A JSON response.
pub fn json(status: u16, value: &serde_json::Value) -> Response {
    http::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(value).unwrap_or_default())
        .unwrap_or_default()
}

/// The request's query parameters, percent-decoded, in order.
pub fn query(req: &Request) -> Vec<(String, String)> {
    form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The request body as JSON of type `T`: 415 for another content type, 400 for a
/// body that is not UTF-8 or not JSON, 422 for a field of the wrong shape.
pub fn json_body<T: serde::de::DeserializeOwned>(req: &Request) -> Result<T, ApiError> {
    let content_type = req
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .eq_ignore_ascii_case("application/json")
    {
        return Err(ApiError::unsupported_media(format!(
            "send application/json, not {content_type:?}"
        )));
    }
    if req.body().is_empty() {
        return Err(ApiError::bad_request("the request body is empty"));
    }
    crate::input::decode_json(req.body())
}

/// The base of public links: the `public_base_url` setting, else the request's own
/// scheme and host (Spin's `spin-full-url`, or the Host header).
pub fn base_url(ctx: &Context, req: &Request) -> String {
    if let Some(base) = &ctx.settings.public_base_url {
        return base.clone();
    }
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    if let Some(full) = header("spin-full-url") {
        if let Some((scheme, rest)) = full.split_once("://") {
            let host = rest.split('/').next().unwrap_or(rest);
            return format!("{scheme}://{host}");
        }
    }
    format!("http://{}", header("host").unwrap_or("localhost"))
}

/// Any other `/api/...` path: a problem+json 404 rather than a bare one.
pub fn unknown_route(_: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    Err(ApiError::not_found(format!(
        "no API endpoint at {}",
        req.uri().path()
    )))
}

#[cfg(test)]
mod tests;
