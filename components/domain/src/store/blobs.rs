//! The `blobs` table: content-addressed media bytes.

use crate::db::{Db, DbError};

/// Stores bytes under their SHA-256 unless they are already there.
pub fn put(db: &dyn Db, sha256: &str, mime: &str, data: &[u8], now: &str) -> Result<(), DbError> {
    db.execute(
        "INSERT OR IGNORE INTO blobs (sha256, mime, byte_size, data, created_at) VALUES (?, ?, ?, ?, ?)",
        &[sha256.into(), mime.into(), (data.len() as i64).into(), data.to_vec().into(), now.into()],
    )?;
    Ok(())
}

/// Deletes a blob no live row references any more.
pub fn delete_if_unreferenced(db: &dyn Db, sha256: &str) -> Result<(), DbError> {
    const UNREFERENCED: &str = "sha256 = ? AND NOT EXISTS \
         (SELECT 1 FROM training_contributions WHERE blob_sha256 = ? AND deleted_at IS NULL)";
    // Zeros of the same length first: rewritten in place, so the media bytes leave the
    // file's pages even where `secure_delete` is refused (remote libSQL).
    db.execute(
        &format!("UPDATE blobs SET data = zeroblob(length(data)) WHERE {UNREFERENCED}"),
        &[sha256.into(), sha256.into()],
    )?;
    db.execute(
        &format!("DELETE FROM blobs WHERE {UNREFERENCED}"),
        &[sha256.into(), sha256.into()],
    )?;
    Ok(())
}
