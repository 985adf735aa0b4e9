//! `POST /api/unified-input`: one endpoint for all four modalities. Text is complete
//! at once; media is stored as a blob with an extraction job. One transaction.

use super::{allow, json, Context, Request, Response};
use crate::auth::{authenticate, Caller};
use crate::db::transaction;
use crate::error::ApiError;
use crate::hashing::sha256_hex;
use crate::store::{blobs, contributions, jobs};

/// Handles `/api/unified-input`.
pub fn handle(ctx: &Context, req: &Request) -> Result<Response, ApiError> {
    allow(req, &[http::Method::POST])?;
    let caller = authenticate(ctx, req, true)?;
    let new = crate::input::parse(req, &ctx.settings)?;
    let content_hash = sha256_hex(&new.content);
    let now = crate::clock::now();
    let owner = caller.user_id();
    let job_kind = new.modality.job_kind();
    let blob = job_kind.map(|_| content_hash.as_str());
    let (status, row, job_id, duplicate) = transaction(ctx.db, || {
        if blob.is_some() {
            blobs::put(ctx.db, &content_hash, new.mime, &new.content, &now)?;
        }
        let inserted = contributions::insert_unless_duplicate(
            ctx.db,
            &contributions::NewRow {
                user_id: owner,
                modality: new.modality.as_str(),
                status: if job_kind.is_some() {
                    "pending"
                } else {
                    "complete"
                },
                mime: new.mime,
                byte_size: new.content.len() as i64,
                content_hash: &content_hash,
                blob_sha256: blob,
                extracted_text: new.text(),
                strokes: new.strokes.as_deref(),
                metadata: &new.metadata,
                now: &now,
            },
        )?;
        let Some(row) = inserted else {
            let existing = contributions::find_by_owner_and_hash(ctx.db, owner, &content_hash)?
                .ok_or_else(|| ApiError::internal("a duplicate was reported but not found"))?;
            let job = jobs::latest_for(ctx.db, existing.id)?;
            return Ok::<_, ApiError>((200, existing, job, true));
        };
        let job = match job_kind {
            Some(kind) => Some(jobs::enqueue(ctx.db, kind, row.id, &now)?),
            None => None,
        };
        Ok((201, row, job, false))
    })?;
    let mut body = row.to_json();
    body["duplicate"] = duplicate.into();
    body["job_id"] = job_id.into();
    if caller == Caller::Anonymous {
        body["anonymous"] = true.into();
    }
    let mut resp = json(status, &body);
    if let Ok(location) = format!("/api/training-data/{}", row.id).parse() {
        resp.headers_mut().insert(http::header::LOCATION, location);
    }
    Ok(resp)
}
