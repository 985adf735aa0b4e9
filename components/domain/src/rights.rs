//! Contributors' data rights: erasing a contribution so nothing of its content stays,
//! while its public log leaf remains and can no longer be linked to anything.

use crate::db::{Db, DbError};
use crate::store::{blobs, contributions, jobs, review_leases, text_versions};

/// Erases one contribution inside the caller's transaction: content, every version of
/// its text, salt and owner go, a reviewer's lease ends, the blob goes unless another
/// live row shares it, unfinished jobs are cancelled, and a tombstone keeps the log
/// consistent.
pub fn erase_contribution(db: &dyn Db, id: i64, now: &str) -> Result<(), DbError> {
    // Where the backend allows it (Spin's SQLite), freed space is zeroed as well,
    // index entries included (the adapter turns it on for every connection, so space
    // freed by earlier page splits was zeroed too); remote libSQL refuses the pragma,
    // and the in-place overwrite in `contributions::erase` and
    // `blobs::delete_if_unreferenced` is what remains there (README, "Data rights").
    let _ = db.execute("PRAGMA secure_delete = ON", &[]);
    if let Some(blob) = contributions::erase(db, id, now)? {
        blobs::delete_if_unreferenced(db, &blob)?;
    }
    text_versions::erase(db, id)?;
    review_leases::release(db, id)?;
    jobs::cancel_for(db, id, now)
}

/// After an erasure has committed: copies the WAL into the database file and empties
/// it, so the erased rows' earlier page images leave the WAL file too. Best effort: a
/// reader holding an old snapshot keeps its frames until the next checkpoint, and
/// remote libSQL manages its own WAL.
pub fn flush_erased(db: &dyn Db) {
    let _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)", &[]);
}
