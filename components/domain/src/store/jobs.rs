//! The `jobs` table: extraction work queued for the native worker.

use crate::db::{Db, DbError, Value};

/// Queues a pending job of `kind` for a contribution; returns its id.
pub fn enqueue(db: &dyn Db, kind: &str, contribution_id: i64, now: &str) -> Result<i64, DbError> {
    let rows = db.execute(
        "INSERT INTO jobs (kind, contribution_id, state, created_at, updated_at) \
         VALUES (?, ?, 'pending', ?, ?) RETURNING id",
        &[kind.into(), contribution_id.into(), now.into(), now.into()],
    )?;
    Ok(rows.first().map(|r| r.int("id")).unwrap_or(0))
}

/// The newest job of a contribution, if it has any.
pub fn latest_for(db: &dyn Db, contribution_id: i64) -> Result<Option<i64>, DbError> {
    let rows = db.execute(
        "SELECT id FROM jobs WHERE contribution_id = ? ORDER BY id DESC LIMIT 1",
        &[Value::Integer(contribution_id)],
    )?;
    Ok(rows.first().map(|r| r.int("id")))
}

/// Cancels a contribution's jobs that have not finished.
pub fn cancel_for(db: &dyn Db, contribution_id: i64, now: &str) -> Result<(), DbError> {
    db.execute(
        "UPDATE jobs SET state = 'cancelled', lease_token = NULL, updated_at = ? \
         WHERE contribution_id = ? AND state IN ('pending', 'leased')",
        &[now.into(), contribution_id.into()],
    )?;
    Ok(())
}

/// Whether a contribution has a job waiting or running that has not been tried yet.
pub fn has_fresh_job(db: &dyn Db, contribution_id: i64) -> Result<bool, DbError> {
    let rows = db.execute(
        "SELECT 1 FROM jobs WHERE contribution_id = ? AND state IN ('pending', 'leased') AND attempts = 0 LIMIT 1",
        &[Value::Integer(contribution_id)],
    )?;
    Ok(!rows.rows.is_empty())
}

/// Jobs by state right now: (pending + leased, dead).
pub fn queue_depth(db: &dyn Db) -> Result<(i64, i64), DbError> {
    let rows = db.execute(
        "SELECT SUM(state IN ('pending', 'leased')) AS queued, SUM(state = 'dead') AS dead FROM jobs",
        &[],
    )?;
    Ok(rows
        .first()
        .map(|r| (r.int("queued"), r.int("dead")))
        .unwrap_or((0, 0)))
}
