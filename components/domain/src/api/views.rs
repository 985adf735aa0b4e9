//! How the API shows a contribution: the owner's (and admin's) JSON view of a stored
//! row, with its commitment, verify URL and proof encodings, and a reviewer's narrower
//! view of a leased row. The store returns rows; what a client sees of them is decided
//! here.

use crate::store::contributions::Contribution;
use serde_json::{json, Value};
use wire::media::Modality;

/// The public verify URL of `row`, if it has a verification code.
pub fn verify_url(row: &Contribution, base_url: &str) -> Option<String> {
    row.verification_code
        .as_ref()
        .map(|c| format!("{base_url}/verify/{c}"))
}

/// The owner's view (also the admin's): the row, its salted commitment with the salt
/// to reveal, and the encodings of the content hash. `with_svg` adds the QR image.
pub fn contribution(row: &Contribution, base_url: &str, with_svg: bool) -> Value {
    let parse = |s: &str| serde_json::from_str::<Value>(s).unwrap_or(Value::Null);
    let verify = verify_url(row, base_url);
    json!({
        "id": row.id,
        "user_id": row.user_id,
        "campaign_id": row.campaign_id,
        "modality": row.modality,
        "status": row.status,
        "mime": row.mime,
        "byte_size": row.byte_size,
        "content_hash": row.content_hash,
        "extracted_text": row.extracted_text,
        "strokes": row.strokes.as_deref().map(parse),
        "metadata": parse(&row.metadata),
        "extraction": {
            "engine": row.extraction_engine,
            "model": row.extraction_model,
            "confidence": row.extraction_confidence,
            "last_error": row.last_error,
            "flag": row.extraction_flag,
        },
        "text_version": row.text_version,
        "text_source": row.text_source,
        "review_state": row.review_state,
        "review_votes": row.review_votes,
        "reviewed_at": row.reviewed_at,
        "pii_count": row.pii_count,
        "media_url": media_url(row, base_url),
        "included_in_training": row.included_in_training,
        "user_can_export": row.user_can_export,
        "user_can_delete": row.user_can_delete,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "commitment": row.commitment,
        "commitment_salt": (!row.commitment_salt.is_empty()).then(|| hex::encode(&row.commitment_salt)),
        "leaf_index": row.leaf_index,
        "verify_url": verify,
        "proof": crate::proof::encodings::proof_object(
            &row.content_hash,
            row.ethereum_checksum.as_deref().unwrap_or(""),
            verify.as_deref().unwrap_or_default(),
            with_svg,
        ),
    })
}

/// Where the row's media bytes are served (`None` for text rows, which have none).
pub fn media_url(row: &Contribution, base_url: &str) -> Option<String> {
    (row.modality != Modality::Text)
        .then(|| format!("{base_url}/api/training-data/{}/media", row.id))
}

/// What a reviewer sees of a leased row: the media and the text to check, never the
/// owner, the metadata or the commitment's salt.
pub fn review_item(row: &Contribution, base_url: &str) -> Value {
    json!({
        "id": row.id,
        "modality": row.modality,
        "mime": row.mime,
        "byte_size": row.byte_size,
        "created_at": row.created_at,
        "extracted_text": row.extracted_text,
        "text_version": row.text_version,
        "text_source": row.text_source,
        "extraction": {
            "engine": row.extraction_engine,
            "model": row.extraction_model,
            "confidence": row.extraction_confidence,
            "flag": row.extraction_flag,
        },
        "pii_count": row.pii_count,
        "media_url": media_url(row, base_url),
    })
}
