//! HTTP handlers, written against plain `http` types so they run natively in tests and
//! inside any Spin component through the adapter. One module per component, named
//! like it (`crate::routes` says which handler answers which request); `views` is how
//! a row is shown, shared by several.

pub mod activity;
pub mod campaigns;
pub mod errors;
pub mod export;
pub mod imports;
pub mod invitations;
pub mod jobs;
pub mod listing;
pub mod lore;
pub mod metrics;
pub mod pii;
pub mod proofs;
pub mod quality;
pub mod releases;
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
    decode_json(req.body())
}

/// A JSON body as `T`: 400 when it is not UTF-8 (wherever the bad bytes sit, also in
/// fields that are ignored) or not JSON, 422 for a field of the wrong shape or a
/// number out of any finite range.
pub fn decode_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let text = std::str::from_utf8(body).map_err(|e| {
        ApiError::bad_request(format!(
            "the body is not UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        ))
    })?;
    serde_json::from_str(text).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => ApiError::invalid(format!("invalid field: {e}")),
        // Well-formed JSON whose number no finite double can hold (`1e999`): a value
        // the request may not carry, not a malformed body.
        _ if e.to_string().starts_with("number out of range") => {
            ApiError::invalid(format!("a number is not finite: {e}"))
        }
        _ => ApiError::bad_request(format!("the body is not valid JSON: {e}")),
    })
}

/// A text contribution or a correction: not blank (422), at most `max_text_bytes`
/// UTF-8 bytes (413).
pub fn check_text(text: &str, settings: &crate::config::Settings) -> Result<(), ApiError> {
    if text.trim().is_empty() {
        return Err(ApiError::invalid("text must not be empty"));
    }
    if text.len() > settings.max_text_bytes {
        return Err(ApiError::too_large(format!(
            "the text is {} bytes; the limit is {} (max_text_bytes)",
            text.len(),
            settings.max_text_bytes
        )));
    }
    Ok(())
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
mod import_tests;
#[cfg(test)]
mod release_tests;
#[cfg(test)]
mod tests;
