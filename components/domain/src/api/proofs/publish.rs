//! What the publisher (`native-worker publish`) reads and reports, admin or worker
//! token: `GET /api/publish/summary` (signed checkpoint, verifier key, deletion list,
//! aggregate counts, hashed verify codes) and `POST /api/publish/mark` (rows now
//! published under a checkpoint root). The tiles and leaves come from the public
//! tlog-tiles API (`tiled_log`).

use crate::api::{json, json_body, Context, Params, Request, Response};
use crate::auth::require_admin_or_worker;
use crate::error::ApiError;
use crate::hashing::sha256_hex;
use crate::store::{contributions, merkle};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// `GET /api/publish/summary`: what the static site shows besides the leaves.
pub fn summary(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    require_admin_or_worker(ctx, req)?;
    let (key, checkpoint) = super::tiled_log::signed_checkpoint(ctx)?;
    let (by_modality, by_day) = contributions::public_counts(ctx.db)?;
    let to_map = |pairs: Vec<(String, i64)>| {
        pairs
            .into_iter()
            .map(|(k, n)| (k, json!(n)))
            .collect::<Map<String, Value>>()
    };
    let codes: Vec<Value> = contributions::verification_codes(ctx.db)?
        .into_iter()
        .filter(|(_, leaf)| (*leaf as u64) < checkpoint.size)
        .map(|(code, leaf)| json!([sha256_hex(code.as_bytes()), leaf]))
        .collect();
    Ok(json(
        200,
        &json!({
            "origin": key.name(),
            "verifier_key": key.verifier_key(),
            "tree_size": checkpoint.size,
            "root_hash": B64.encode(checkpoint.root),
            "checkpoint": checkpoint.note,
            "witnesses": ctx.settings.log_witnesses.iter().map(|w| w.key.verifier_key()).collect::<Vec<_>>(),
            "deleted": contributions::deleted_leaf_indices(ctx.db)?,
            "counts": { "modality": to_map(by_modality), "day": to_map(by_day) },
            "codes": codes,
        }),
    ))
}

#[derive(Deserialize)]
struct Mark {
    tree_size: Option<u64>,
    root_hash: Option<String>,
}

/// `POST /api/publish/mark`: records which rows a published checkpoint covers.
pub fn mark(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    require_admin_or_worker(ctx, req)?;
    let body: Mark = json_body(req)?;
    let size = body
        .tree_size
        .ok_or_else(|| ApiError::invalid("tree_size is required"))?;
    let claimed = body
        .root_hash
        .ok_or_else(|| ApiError::invalid("root_hash (base64) is required"))?;
    let current = merkle::size(ctx.db)?;
    if size == 0 || size > current {
        return Err(ApiError::invalid(format!(
            "tree_size must be between 1 and the log's size {current}"
        )));
    }
    let root = crate::ledger::root(ctx.db, size)?;
    if B64.encode(root) != claimed {
        return Err(ApiError::conflict(
            "root_hash is not the log's root at that size",
        ));
    }
    let root_hex = hex::encode(root);
    let marked = crate::usecase::proofs::mark_published(ctx.db, &ctx.origin(req), size, &root_hex)?;
    Ok(json(
        200,
        &json!({ "marked": marked, "tree_size": size, "snapshot_hash": root_hex }),
    ))
}
