//! `POST /api/unified-input`: one endpoint for all four modalities. Text is complete
//! at once; media is stored as a blob with an extraction job. One transaction.
//! `draw` checks drawings against what was asked, storing them the same way.

pub mod draw;

use super::{base_url, json, Context, Params, Request, Response};
use crate::auth::{authenticate, Caller};
use crate::db::transaction;
use crate::error::ApiError;
use crate::lifecycle::Status;
use crate::proof::{commitment, encodings};
use crate::store::{blobs, contributions, jobs, merkle};
use serde_json::json;

/// `POST /api/unified-input`: stores one contribution (or finds its duplicate).
pub fn contribute(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    let caller = authenticate(ctx, req, true)?;
    let new = crate::input::parse(req, &ctx.settings)?;
    let stored = ingest(ctx, req, caller, &new)?;
    let mut body = super::views::contribution(&stored.row, &base_url(ctx, req), true);
    body["duplicate"] = stored.duplicate.into();
    body["job_id"] = stored.job_id.into();
    if caller == Caller::Anonymous {
        body["anonymous"] = true.into();
    }
    let mut resp = json(if stored.duplicate { 200 } else { 201 }, &body);
    if let Ok(location) = format!("/api/training-data/{}", stored.row.id).parse() {
        resp.headers_mut().insert(http::header::LOCATION, location);
    }
    Ok(resp)
}

/// A contribution as stored by `ingest`.
pub struct Stored {
    /// The new row, or the caller's existing row with the same content.
    pub row: contributions::Contribution,
    /// Its extraction job, if it has one.
    pub job_id: Option<i64>,
    /// True when the same content from the same owner was already there.
    pub duplicate: bool,
}

/// Stores a validated contribution in one transaction: blob, row, extraction job,
/// log leaf and activity entry (or finds the owner's duplicate).
pub fn ingest(
    ctx: &Context,
    req: &Request,
    caller: Caller,
    new: &crate::input::NewContribution,
) -> Result<Stored, ApiError> {
    let (hash_bytes, content_hash) = encodings::content_hash(&new.content);
    let salt = commitment::new_salt();
    let commitment = commitment::commitment(&salt, &hash_bytes);
    let code = commitment::new_verification_code();
    let ethereum_checksum = encodings::ethereum_checksum(&new.content);
    let now = crate::clock::now();
    let owner = caller.user_id();
    let job_kind = new.modality.job_kind();
    let blob = job_kind.map(|_| content_hash.as_str());
    let (row, job_id, duplicate) = transaction(ctx.db, || {
        if blob.is_some() {
            blobs::put(ctx.db, &content_hash, new.mime, &new.content, &now)?;
        }
        let leaf_index = merkle::size(ctx.db)?;
        let inserted = contributions::insert_unless_duplicate(
            ctx.db,
            &contributions::NewRow {
                user_id: owner,
                modality: new.modality.as_str(),
                status: if job_kind.is_some() {
                    Status::Pending
                } else {
                    Status::Complete
                },
                mime: new.mime,
                byte_size: new.content.len() as i64,
                content_hash: &content_hash,
                blob_sha256: blob,
                extracted_text: new.initial_text(),
                text_source: (job_kind.is_none())
                    .then_some(crate::lifecycle::TextSource::Contributor),
                strokes: new.strokes.as_deref(),
                metadata: &new.metadata,
                now: &now,
                commitment: &commitment,
                commitment_salt: &salt,
                ethereum_checksum: &ethereum_checksum,
                leaf_index,
                verification_code: &code,
            },
        )?;
        let Some(row) = inserted else {
            let existing = contributions::find_by_owner_and_hash(ctx.db, owner, &content_hash)?
                .ok_or_else(|| ApiError::internal("a duplicate was reported but not found"))?;
            let job = jobs::latest_for(ctx.db, existing.id)?;
            return Ok::<_, ApiError>((existing, job, true));
        };
        let job = match job_kind {
            Some(kind) => Some(jobs::enqueue(ctx.db, kind, row.id, &now)?),
            None => {
                crate::review::versions::record_contributed(ctx.db, &row, caller.actor(), &now)?;
                None
            }
        };
        crate::ledger::append(ctx.db, leaf_index, row.id, &commitment, &now)?;
        ctx.log_activity(req, "contribution_created", owner, json!({ "contribution_id": row.id, "modality": row.modality, "leaf_index": leaf_index }), &now)?;
        Ok((row, job, false))
    })?;
    Ok(Stored {
        row,
        job_id,
        duplicate,
    })
}
