//! What the witness loop (`native-worker witness`) reads and reports, worker or admin
//! token: `GET /api/witnesses` (the checkpoint to submit and, per configured
//! witness, where it takes checkpoints and the largest size it cosigned here) and
//! `POST /api/witnesses/cosignatures` (a cosignature a witness returned, verified
//! against its key and the stored checkpoint before it is kept).

use crate::api::{json, json_body, Context, Params, Request, Response};
use crate::auth::require_admin_or_worker;
use crate::error::ApiError;
use crate::store::{merkle, witnesses};
use crate::usecase::proofs::{keep_cosignature, Cosigned};
use wire::witness::{Cosignature, Stored, Target, Targets};

/// `GET /api/witnesses`: the latest checkpoint and each witness's state.
pub fn targets(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    require_admin_or_worker(ctx, req)?;
    let (_, cp) = super::tiled_log::signed_checkpoint(ctx)?;
    let mut list = Vec::new();
    for w in &ctx.settings.log_witnesses {
        list.push(Target {
            name: w.key.name.clone(),
            verifier_key: w.key.verifier_key(),
            url: w.url.clone(),
            cosigned_size: witnesses::cosigned_size(ctx.db, &w.key.name)?,
        });
    }
    let targets = Targets {
        tree_size: cp.size,
        checkpoint: cp.note,
        witnesses: list,
    };
    Ok(json(
        200,
        &serde_json::to_value(targets).unwrap_or_default(),
    ))
}

/// `POST /api/witnesses/cosignatures`: keeps a verified cosignature.
pub fn record(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    require_admin_or_worker(ctx, req)?;
    let body: Cosignature = json_body(req)?;
    let witness = ctx
        .settings
        .log_witnesses
        .iter()
        .find(|w| w.key.name == body.witness)
        .ok_or_else(|| {
            ApiError::invalid(format!(
                "{:?} is not a witness of this log (variable log_witnesses)",
                body.witness
            ))
        })?;
    let cp = merkle::checkpoint_at(ctx.db, body.tree_size)?.ok_or_else(|| {
        ApiError::invalid(format!(
            "the log signed no checkpoint of size {}",
            body.tree_size
        ))
    })?;
    let signed_at = witness
        .key
        .verify(&cp.note, &body.line)
        .map_err(|e| ApiError::invalid(e.to_string()))?;
    let cosigned = Cosigned {
        witness: &witness.key.name,
        tree_size: cp.size,
        signed_at,
        line: body.line.trim_end(),
    };
    keep_cosignature(ctx.db, &ctx.origin(req), &cosigned)?;
    let stored = Stored {
        witness: witness.key.name.clone(),
        tree_size: cp.size,
        signed_at,
    };
    Ok(json(201, &serde_json::to_value(stored).unwrap_or_default()))
}
