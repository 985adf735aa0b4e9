//! The `jobs` table: extraction work queued for the native worker.

use crate::db::{Db, DbError, Value};
use std::collections::HashMap;
use wire::jobs::JobKind;
use wire::lifecycle::JobState;

/// Queues a pending job of `kind` for a contribution; returns its id.
pub fn enqueue(
    db: &dyn Db,
    kind: JobKind,
    contribution_id: i64,
    now: &str,
) -> Result<i64, DbError> {
    let ids = enqueue_many(db, &[(kind, contribution_id)], now)?;
    Ok(ids.get(&contribution_id).copied().unwrap_or(0))
}

/// Queues pending jobs, one per (kind, contribution), with multi-row statements; the
/// new job ids by contribution.
pub fn enqueue_many(
    db: &dyn Db,
    jobs: &[(JobKind, i64)],
    now: &str,
) -> Result<HashMap<i64, i64>, DbError> {
    const WIDTH: usize = 5;
    let params: Vec<Value> = jobs
        .iter()
        .flat_map(|(kind, id)| -> [Value; WIDTH] {
            [
                kind.as_str().into(),
                (*id).into(),
                JobState::Pending.as_str().into(),
                now.into(),
                now.into(),
            ]
        })
        .collect();
    let rows = crate::db::insert_rows(
        db,
        "INSERT INTO jobs (kind, contribution_id, state, created_at, updated_at)",
        WIDTH,
        &params,
        "RETURNING id, contribution_id",
    )?;
    Ok(rows
        .iter()
        .map(|r| (r.int("contribution_id"), r.int("id")))
        .collect())
}

/// The newest job of each of these contributions that has any, by contribution (one
/// statement per 500 ids).
pub fn latest_for_many(db: &dyn Db, ids: &[i64]) -> Result<HashMap<i64, i64>, DbError> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let params: Vec<Value> = chunk.iter().map(|id| Value::Integer(*id)).collect();
        let rows = db.execute(
            &format!(
                "SELECT contribution_id, MAX(id) AS id FROM jobs WHERE contribution_id IN ({marks}) \
                 GROUP BY contribution_id"
            ),
            &params,
        )?;
        out.extend(rows.iter().map(|r| (r.int("contribution_id"), r.int("id"))));
    }
    Ok(out)
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

/// A job row as the worker protocol needs it.
pub struct Job {
    /// Job id.
    pub id: i64,
    /// Contribution id.
    pub contribution_id: i64,
    /// What the job does.
    pub kind: JobKind,
    /// State.
    pub state: JobState,
    /// Attempts so far.
    pub attempts: i64,
    /// Attempt budget.
    pub max_attempts: i64,
    /// Current lease token.
    pub lease_token: Option<String>,
    /// Current lease end.
    pub lease_expires_at: Option<String>,
}

/// One job by id.
pub fn get(db: &dyn Db, id: i64) -> Result<Option<Job>, DbError> {
    let rows = db.execute(
        "SELECT id, contribution_id, kind, state, attempts, max_attempts, lease_token, lease_expires_at FROM jobs WHERE id = ?",
        &[Value::Integer(id)],
    )?;
    Ok(rows.first().map(|r| Job {
        id: r.int("id"),
        contribution_id: r.int("contribution_id"),
        // The schema's CHECKs admit only the enums' names.
        kind: JobKind::parse(&r.text("kind")).unwrap_or(JobKind::Transcribe),
        state: JobState::parse(&r.text("state")).unwrap_or(JobState::Pending),
        attempts: r.int("attempts"),
        max_attempts: r.int("max_attempts"),
        lease_token: r.opt_text("lease_token"),
        lease_expires_at: r.opt_text("lease_expires_at"),
    }))
}

/// The next due job of one of `kinds`: pending and past its back-off, or leased with
/// an expired lease. Call inside a write transaction.
pub fn next_due(db: &dyn Db, kinds: &[JobKind], now: &str) -> Result<Option<Job>, DbError> {
    let placeholders = vec!["?"; kinds.len()].join(", ");
    let mut params: Vec<Value> = kinds.iter().map(|k| k.as_str().into()).collect();
    params.extend([Value::from(now), Value::from(now)]);
    let rows = db.execute(
        &format!(
            "SELECT id FROM jobs WHERE kind IN ({placeholders}) AND \
             ((state = 'pending' AND IFNULL(not_before, '') <= ?) OR (state = 'leased' AND lease_expires_at < ?)) \
             ORDER BY id LIMIT 1"
        ),
        &params,
    )?;
    match rows.first() {
        Some(r) => get(db, r.int("id")),
        None => Ok(None),
    }
}

/// Leases a job to a worker (attempt + 1).
pub fn lease(
    db: &dyn Db,
    id: i64,
    owner: &str,
    token: &str,
    expires: &str,
    now: &str,
) -> Result<(), DbError> {
    db.execute(
        "UPDATE jobs SET state = 'leased', attempts = attempts + 1, lease_owner = ?, lease_token = ?, \
         lease_expires_at = ?, updated_at = ? WHERE id = ?",
        &[owner.into(), token.into(), expires.into(), now.into(), Value::Integer(id)],
    )?;
    Ok(())
}

/// Extends a lease.
pub fn extend(db: &dyn Db, id: i64, expires: &str, now: &str) -> Result<(), DbError> {
    db.execute(
        "UPDATE jobs SET lease_expires_at = ?, updated_at = ? WHERE id = ?",
        &[expires.into(), now.into(), Value::Integer(id)],
    )?;
    Ok(())
}

/// Ends a job: `done` or `dead` (lease cleared), with its last error.
pub fn finish(
    db: &dyn Db,
    id: i64,
    state: JobState,
    error: Option<&str>,
    now: &str,
) -> Result<(), DbError> {
    db.execute(
        "UPDATE jobs SET state = ?, lease_token = NULL, lease_expires_at = NULL, last_error = IFNULL(?, last_error), \
         updated_at = ? WHERE id = ?",
        &[state.as_str().into(), error.into(), now.into(), Value::Integer(id)],
    )?;
    Ok(())
}

/// Puts a job back in the queue after a retryable failure, not before `not_before`.
pub fn retry_later(
    db: &dyn Db,
    id: i64,
    error: &str,
    not_before: &str,
    now: &str,
) -> Result<(), DbError> {
    db.execute(
        "UPDATE jobs SET state = 'pending', lease_token = NULL, lease_expires_at = NULL, last_error = ?, \
         not_before = ?, updated_at = ? WHERE id = ?",
        &[error.into(), not_before.into(), now.into(), Value::Integer(id)],
    )?;
    Ok(())
}
