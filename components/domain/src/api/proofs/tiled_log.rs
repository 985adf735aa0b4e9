//! The log as a public C2SP tlog-tiles API, for auditors, monitors and witnesses:
//! `GET /checkpoint` (the signed note) and `GET /tile/<L>/<N>[.p/<W>]`,
//! `GET /tile/entries/<N>[.p/<W>]` (hashes and leaves, immutable). No token: the
//! log holds no personal data (a leaf is an index, a salted commitment and a time).
//! `native-worker publish` mirrors exactly these bytes into the static site.

use crate::api::{Context, Params, Request, Response};
use crate::error::ApiError;
use crate::ledger;
use crate::store::merkle::StoredCheckpoint;
use crate::store::witnesses;
use tlog::checkpoint::LogKey;
use tlog::tiles::TilePath;

/// The log's key and its latest checkpoint, signing a new one first when the log
/// grew: 404 while the log is empty.
pub fn signed_checkpoint(ctx: &Context) -> Result<(LogKey, StoredCheckpoint), ApiError> {
    let key = crate::signing::log_key(ctx.db, &ctx.settings)?;
    let cp = crate::usecase::proofs::checkpoint(ctx.db, Some(&key))?
        .ok_or_else(|| ApiError::not_found("the log is empty: there is no checkpoint yet"))?;
    Ok((key, cp))
}

/// The checkpoint's note with the cosignature lines its witnesses returned.
pub fn cosigned_note(ctx: &Context, cp: &StoredCheckpoint) -> Result<String, ApiError> {
    let mut note = cp.note.clone();
    for (_, line) in witnesses::lines_at(ctx.db, cp.size)? {
        note.push_str(&line);
        note.push('\n');
    }
    Ok(note)
}

/// `GET /checkpoint`: the latest checkpoint as a signed note, with the witnesses'
/// cosignatures.
pub fn checkpoint(ctx: &Context, _: &Request, _: &Params) -> Result<Response, ApiError> {
    let (_, cp) = signed_checkpoint(ctx)?;
    Ok(public(
        "text/plain; charset=utf-8",
        "no-cache, max-age=0",
        cosigned_note(ctx, &cp)?.into_bytes(),
    ))
}

/// `GET /tile/...`: a hash tile or an entry bundle.
pub fn tile(ctx: &Context, _: &Request, params: &Params) -> Result<Response, ApiError> {
    let path = TilePath::parse(params.rest()).ok_or_else(|| {
        ApiError::not_found(format!(
            "tile/{} is not a tile path (tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>])",
            params.rest()
        ))
    })?;
    let bytes = ledger::tile(ctx.db, path)?
        .ok_or_else(|| ApiError::not_found(format!("the log holds no {} (yet)", path.path())))?;
    Ok(public(
        "application/octet-stream",
        "public, max-age=31536000, immutable",
        bytes,
    ))
}

/// A response anyone may read, from any origin.
fn public(content_type: &str, cache: &str, body: Vec<u8>) -> Response {
    http::Response::builder()
        .status(200)
        .header("content-type", content_type)
        .header("cache-control", cache)
        .header("access-control-allow-origin", "*")
        .header("x-content-type-options", "nosniff")
        .body(body)
        .unwrap_or_default()
}
