//! The `client_events` table: the recent joins and contributions of each client
//! address (stored as a SHA-256), which the per-address limits count over a sliding
//! hour. Events older than the window are dropped as new ones arrive.

use crate::db::{Db, DbError};

wire::names! {
    /// What a client did that a limit counts.
    pub enum Bucket {
        /// Joined a campaign (a new anonymous participant).
        Join = "join",
        /// Contributed to a campaign.
        Contribute = "contribute",
    }
}

/// Records one `bucket` event of `client` at `now` unless it already has `limit`
/// events after `since`. `None` when recorded; else the oldest event in the window
/// (when the client may go on is that plus the window).
pub fn record_within(
    db: &dyn Db,
    bucket: Bucket,
    client: &str,
    since: &str,
    limit: i64,
    now: &str,
) -> Result<Option<String>, DbError> {
    db.execute(
        "DELETE FROM client_events WHERE bucket = ? AND client = ? AND at <= ?",
        &[bucket.as_str().into(), client.into(), since.into()],
    )?;
    let rows = db.execute(
        "SELECT COUNT(*) AS n, MIN(at) AS oldest FROM client_events WHERE bucket = ? AND client = ?",
        &[bucket.as_str().into(), client.into()],
    )?;
    let (n, oldest) = rows
        .first()
        .map(|r| (r.int("n"), r.opt_text("oldest")))
        .unwrap_or((0, None));
    if n >= limit {
        return Ok(Some(oldest.unwrap_or_else(|| now.to_string())));
    }
    db.execute(
        "INSERT INTO client_events (bucket, client, at) VALUES (?, ?, ?)",
        &[bucket.as_str().into(), client.into(), now.into()],
    )?;
    Ok(None)
}
