//! Proof endpoints: `POST /api/qr-to-proof`, the public `GET /api/proofs/checkpoint`
//! and `GET /api/proofs/consistency`, and the owner's `GET /api/proofs/{id}/inclusion`,
//! `/qr.svg` and `/upc.svg`; `tiled_log` serves the log as C2SP tlog-tiles; `verify` is the public page a QR
//! code leads to, `publish` the feed the worker builds the static log site from.

pub mod publish;
pub mod tiled_log;
pub mod verify;
pub mod witness;

use crate::api::listing::visible_row;
use crate::api::{base_url, json, json_body, query, Context, Params, Request, Response};
use crate::auth::authenticate;
use crate::db::transaction;
use crate::error::ApiError;
use crate::ledger;
use crate::proof::encodings;
use crate::store::activity::Activity;
use crate::store::{contributions, merkle};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde::Deserialize;
use serde_json::json;

/// `GET /api/proofs/{id}/inclusion`: the row's inclusion proof (owner or admin);
/// the viewing is logged.
pub fn inclusion(ctx: &Context, req: &Request, params: &Params) -> Result<Response, ApiError> {
    let caller = authenticate(ctx, req, false)?;
    let row = visible_row(ctx, caller, params)?;
    // Validate and compute first: a rejected request records nothing.
    let answer = inclusion_proof(ctx, req, &row)?;
    let now = crate::clock::now();
    let data = json!({ "contribution_id": row.id });
    transaction(ctx.db, || {
        ctx.log_activity(
            req,
            Activity::ProofViewed,
            caller.user_id(),
            data.clone(),
            &now,
        )
    })?;
    Ok(answer)
}

/// `GET /api/proofs/{id}/qr.svg`: the row's verify URL as a QR code.
pub fn qr_svg(ctx: &Context, req: &Request, params: &Params) -> Result<Response, ApiError> {
    let caller = authenticate(ctx, req, false)?;
    let row = visible_row(ctx, caller, params)?;
    Ok(svg(encodings::qr_svg(
        &super::views::verify_url(&row, &base_url(ctx, req)).unwrap_or_default(),
    )))
}

/// `GET /api/proofs/{id}/upc.svg`: the UPC-A barcode of the row's content hash.
pub fn upc_svg(ctx: &Context, req: &Request, params: &Params) -> Result<Response, ApiError> {
    let caller = authenticate(ctx, req, false)?;
    let row = visible_row(ctx, caller, params)?;
    let mut hash = [0u8; 32];
    hex::decode_to_slice(&row.content_hash, &mut hash)
        .map_err(|_| ApiError::internal("stored hash is not hex"))?;
    Ok(svg(encodings::upc_svg(&encodings::upc_from_hash(&hash))))
}

fn svg(body: String) -> Response {
    http::Response::builder()
        .status(200)
        .header("content-type", "image/svg+xml")
        .body(body.into_bytes())
        .unwrap_or_default()
}

#[derive(Deserialize)]
struct QrToProof {
    input_type: Option<String>,
    data: Option<String>,
}

/// `POST /api/qr-to-proof`: encodings of any content the caller holds. `qr_data` is
/// the verify URL of the caller's own contribution with that content, else a
/// `urn:sha256:` name of it.
pub fn qr_to_proof(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    let caller = authenticate(ctx, req, true)?;
    let body: QrToProof = json_body(req)?;
    let input_type = body
        .input_type
        .ok_or_else(|| ApiError::invalid("input_type is required"))?;
    let data = body
        .data
        .ok_or_else(|| ApiError::invalid("data is required"))?;
    let content = match input_type.as_str() {
        "text" => {
            if data.len() > ctx.settings.max_text_bytes {
                return Err(ApiError::too_large(format!(
                    "text is {} bytes; the limit is {}",
                    data.len(),
                    ctx.settings.max_text_bytes
                )));
            }
            data.into_bytes()
        }
        "voice" | "screenshot" | "drawing" | "binary" => {
            let bytes = B64
                .decode(data.trim())
                .map_err(|e| ApiError::invalid(format!("data is not valid base64: {e}")))?;
            if bytes.len() > ctx.settings.max_media_bytes {
                return Err(ApiError::too_large(format!(
                    "data is {} bytes; the limit is {}",
                    bytes.len(),
                    ctx.settings.max_media_bytes
                )));
            }
            bytes
        }
        other => {
            return Err(ApiError::invalid(format!(
                "input_type must be one of text, voice, screenshot, drawing, binary (got {other:?})"
            )))
        }
    };
    if content.is_empty() {
        return Err(ApiError::invalid("data is empty"));
    }
    let (_, content_hash) = encodings::content_hash(&content);
    let own = contributions::find_by_owner_and_hash(ctx.db, caller.user_id(), &content_hash)?;
    let qr_data = own
        .and_then(|row| super::views::verify_url(&row, &base_url(ctx, req)))
        .unwrap_or_else(|| format!("urn:sha256:{content_hash}"));
    Ok(json(
        200,
        &encodings::proof_object(
            &content_hash,
            &encodings::ethereum_checksum(&content),
            &qr_data,
            true,
        ),
    ))
}

/// A non-negative integer query parameter.
fn param(params: &[(String, String)], name: &str) -> Result<Option<u64>, ApiError> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| {
            v.parse::<u64>()
                .map_err(|_| ApiError::invalid(format!("{name} must be a non-negative integer")))
        })
        .transpose()
}

fn b64_list(hashes: &[[u8; 32]]) -> Vec<String> {
    hashes.iter().map(|h| B64.encode(h)).collect()
}

/// `GET /api/proofs/checkpoint` (public): the latest signed checkpoint (JSON, or the
/// note itself for `Accept: text/plain`).
pub fn checkpoint(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    let (key, cp) = tiled_log::signed_checkpoint(ctx)?;
    let note = tiled_log::cosigned_note(ctx, &cp)?;
    let wants_text = req
        .headers()
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/plain"));
    if wants_text {
        return Ok(http::Response::builder()
            .status(200)
            .header("content-type", "text/plain; charset=utf-8")
            .body(note.into_bytes())
            .unwrap_or_default());
    }
    Ok(json(
        200,
        &json!({
            "origin": key.name(),
            "tree_size": cp.size,
            "root_hash": B64.encode(cp.root),
            "note": note,
            "verifier_key": key.verifier_key(),
            "retired_verifier_keys": crate::signing::retired_verifier_keys(ctx.db, &ctx.settings)?,
            "witnesses": ctx.settings.log_witnesses.iter().map(|w| w.key.verifier_key()).collect::<Vec<_>>(),
            "created_at": cp.created_at,
        }),
    ))
}

/// `GET /api/proofs/consistency?first=&second=` (public): a consistency proof
/// between two tree sizes.
pub fn consistency(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    let params = query(req);
    let first = param(&params, "first")?.ok_or_else(|| ApiError::invalid("first is required"))?;
    let second =
        param(&params, "second")?.ok_or_else(|| ApiError::invalid("second is required"))?;
    let size = merkle::size(ctx.db)?;
    if first == 0 || first > second {
        return Err(ApiError::invalid(format!(
            "need 0 < first <= second (got first={first}, second={second})"
        )));
    }
    if second > size {
        return Err(ApiError::invalid(format!(
            "second={second} is beyond the log's size {size}"
        )));
    }
    let proof = ledger::consistency(ctx.db, first, second)?;
    Ok(json(
        200,
        &json!({
            "first": first,
            "second": second,
            "first_root": B64.encode(ledger::root(ctx.db, first)?),
            "second_root": B64.encode(ledger::root(ctx.db, second)?),
            "proof": b64_list(&proof),
        }),
    ))
}

fn inclusion_proof(
    ctx: &Context,
    req: &Request,
    row: &contributions::Contribution,
) -> Result<Response, ApiError> {
    let index = row
        .leaf_index
        .ok_or_else(|| ApiError::not_found("this contribution has no log leaf"))?
        as u64;
    let current = merkle::size(ctx.db)?;
    let size = match param(&query(req), "size")? {
        Some(n) => n,
        None => merkle::latest_checkpoint(ctx.db)?
            .map(|c| c.size)
            .filter(|s| *s > index)
            .unwrap_or(current),
    };
    if size > current {
        return Err(ApiError::invalid(format!(
            "size={size} is beyond the log's size {current}"
        )));
    }
    if index >= size {
        return Err(ApiError::invalid(format!(
            "leaf {index} is not in a tree of size {size}"
        )));
    }
    let leaf = merkle::leaf(ctx.db, index)?
        .ok_or_else(|| ApiError::internal("the leaf is missing from the log"))?;
    Ok(json(
        200,
        &json!({
            "contribution_id": row.id,
            "leaf_index": index,
            "tree_size": size,
            "leaf_data": B64.encode(&leaf.data),
            "leaf_hash": B64.encode(tlog::merkle::leaf_hash(&leaf.data)),
            "root_hash": B64.encode(ledger::root(ctx.db, size)?),
            "proof": b64_list(&ledger::inclusion(ctx.db, index, size)?),
            "checkpoint": merkle::checkpoint_at(ctx.db, size)?.map(|c| c.note),
        }),
    ))
}
