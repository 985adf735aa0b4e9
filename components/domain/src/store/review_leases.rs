//! The `review_leases` table: which reviewer holds which row until when.

use crate::db::{Db, DbError};

/// A reviewer's hold on one row.
#[derive(Debug, Clone, PartialEq)]
pub struct Lease {
    /// The leased row.
    pub contribution_id: i64,
    /// `user:<id>` or `admin`.
    pub reviewer: String,
    /// Until when (UTC RFC 3339); after that another reviewer may take the row.
    pub expires_at: String,
    /// Since when this reviewer has held it (for the time a decision took).
    pub leased_at: Option<String>,
}

/// The lease on a row, expired or not.
pub fn get(db: &dyn Db, contribution_id: i64) -> Result<Option<Lease>, DbError> {
    let rows = db.execute(
        "SELECT contribution_id, reviewer, expires_at, leased_at FROM review_leases WHERE contribution_id = ?",
        &[contribution_id.into()],
    )?;
    Ok(rows.first().map(|r| Lease {
        contribution_id: r.int("contribution_id"),
        reviewer: r.text("reviewer"),
        expires_at: r.text("expires_at"),
        leased_at: r.opt_text("leased_at"),
    }))
}

/// The row a reviewer holds and has not let expire, if any.
pub fn held_by(db: &dyn Db, reviewer: &str, now: &str) -> Result<Option<i64>, DbError> {
    let rows = db.execute(
        "SELECT contribution_id FROM review_leases WHERE reviewer = ? AND expires_at > ? \
         ORDER BY contribution_id LIMIT 1",
        &[reviewer.into(), now.into()],
    )?;
    Ok(rows.first().map(|r| r.int("contribution_id")))
}

/// Gives a row to a reviewer until `expires_at` (replacing an expired lease); a
/// reviewer who renews their own lease keeps its start.
pub fn put(
    db: &dyn Db,
    contribution_id: i64,
    reviewer: &str,
    expires_at: &str,
    now: &str,
) -> Result<(), DbError> {
    db.execute(
        "INSERT INTO review_leases (contribution_id, reviewer, expires_at, leased_at) VALUES (?, ?, ?, ?) \
         ON CONFLICT (contribution_id) DO UPDATE SET expires_at = excluded.expires_at, \
         leased_at = CASE WHEN review_leases.reviewer = excluded.reviewer THEN review_leases.leased_at ELSE excluded.leased_at END, \
         reviewer = excluded.reviewer",
        &[contribution_id.into(), reviewer.into(), expires_at.into(), now.into()],
    )?;
    Ok(())
}

/// Ends the lease on a row, whoever holds it.
pub fn release(db: &dyn Db, contribution_id: i64) -> Result<(), DbError> {
    db.execute(
        "DELETE FROM review_leases WHERE contribution_id = ?",
        &[contribution_id.into()],
    )?;
    Ok(())
}

/// Ends every lease a reviewer holds, and every lease that has expired.
pub fn release_reviewer(db: &dyn Db, reviewer: &str, now: &str) -> Result<(), DbError> {
    db.execute(
        "DELETE FROM review_leases WHERE reviewer = ? OR expires_at <= ?",
        &[reviewer.into(), now.into()],
    )?;
    Ok(())
}
