//! The `release_withdrawals` table: the public, append-only deletions list. A row of a
//! published release that was erased is listed by release, leaf index and commitment
//! (nothing of its content), with when.

use crate::db::{Db, DbError};
use serde::Serialize;

/// Lists erased row `id` as withdrawn from every published release that holds it.
pub fn withdraw(db: &dyn Db, id: i64, now: &str) -> Result<(), DbError> {
    db.execute(
        "INSERT INTO release_withdrawals (release, leaf_index, commitment, withdrawn_at) \
         SELECT rr.release, rr.leaf_index, rr.commitment, ? FROM release_rows rr \
         JOIN releases r ON r.number = rr.release \
         WHERE rr.contribution_id = ? AND r.state = 'published' ORDER BY rr.release",
        &[now.into(), id.into()],
    )?;
    Ok(())
}

/// One withdrawn row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Withdrawal {
    /// The release it was in.
    pub release: i64,
    /// Its leaf in the log.
    pub leaf_index: i64,
    /// Its commitment.
    pub commitment: String,
    /// When it was withdrawn.
    pub withdrawn_at: String,
}

/// Every withdrawal, in the order they were made.
pub fn list(db: &dyn Db) -> Result<Vec<Withdrawal>, DbError> {
    let rows = db.execute(
        "SELECT release, leaf_index, commitment, withdrawn_at FROM release_withdrawals ORDER BY id",
        &[],
    )?;
    Ok(rows
        .iter()
        .map(|r| Withdrawal {
            release: r.int("release"),
            leaf_index: r.int("leaf_index"),
            commitment: r.text("commitment"),
            withdrawn_at: r.text("withdrawn_at"),
        })
        .collect())
}
