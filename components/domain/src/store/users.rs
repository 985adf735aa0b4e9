//! The `users` table.

use crate::db::{Db, DbError, Value};

wire::names! {
    /// What a user may do: every user contributes; a reviewer also reviews.
    pub enum Role {
        /// Contributes (the default).
        Contributor = "contributor",
        /// Contributes and reviews others' rows.
        Reviewer = "reviewer",
    }
}

/// Creates a user with the given role and token hash (and the invitation it joined
/// by, if any); returns the new id.
pub fn insert(
    db: &dyn Db,
    name: &str,
    role: Role,
    token_hash: &str,
    invitation_id: Option<i64>,
    created_at: &str,
) -> Result<i64, DbError> {
    let rows = db.execute(
        "INSERT INTO users (name, role, token_hash, invitation_id, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
        &[
            name.into(),
            role.as_str().into(),
            token_hash.into(),
            invitation_id.into(),
            created_at.into(),
        ],
    )?;
    Ok(rows.first().map(|r| r.int("id")).unwrap_or(0))
}

/// The active user holding this token hash: (id, day of the last recorded login).
pub fn find_active_by_token_hash(
    db: &dyn Db,
    token_hash: &str,
) -> Result<Option<(i64, Option<String>)>, DbError> {
    let rows = db.execute(
        "SELECT id, last_login_day FROM users WHERE token_hash = ? AND active = 1",
        &[Value::from(token_hash)],
    )?;
    Ok(rows
        .first()
        .map(|r| (r.int("id"), r.opt_text("last_login_day"))))
}

/// Records the day of a user's login; false when it was already recorded (a racing
/// request got there first).
pub fn mark_login_day(db: &dyn Db, id: i64, day: &str) -> Result<bool, DbError> {
    let rows = db.execute(
        "UPDATE users SET last_login_day = ? WHERE id = ? AND IFNULL(last_login_day, '') <> ? RETURNING id",
        &[day.into(), id.into(), day.into()],
    )?;
    Ok(!rows.rows.is_empty())
}

/// Gives an active user a new token hash: the old token stops working at once.
/// False when the user is closed or absent.
pub fn set_token_hash(db: &dyn Db, id: i64, token_hash: &str) -> Result<bool, DbError> {
    let rows = db.execute(
        "UPDATE users SET token_hash = ? WHERE id = ? AND active = 1 RETURNING id",
        &[token_hash.into(), id.into()],
    )?;
    Ok(!rows.rows.is_empty())
}

/// A user's role.
pub fn role(db: &dyn Db, id: i64) -> Result<Option<Role>, DbError> {
    let rows = db.execute("SELECT role FROM users WHERE id = ?", &[id.into()])?;
    Ok(rows.first().and_then(|r| Role::parse(&r.text("role"))))
}

/// A user's public account fields: (name, created_at, active).
pub fn get(db: &dyn Db, id: i64) -> Result<Option<(String, String, bool)>, DbError> {
    let rows = db.execute(
        "SELECT name, created_at, active FROM users WHERE id = ?",
        &[id.into()],
    )?;
    Ok(rows
        .first()
        .map(|r| (r.text("name"), r.text("created_at"), r.int("active") != 0)))
}

/// Closes an account for good: the token is revoked and the name erased (the row
/// stays, so ids in the activity log keep pointing at a closed account).
pub fn close(db: &dyn Db, id: i64) -> Result<(), DbError> {
    db.execute(
        "UPDATE users SET active = 0, name = '' WHERE id = ?",
        &[id.into()],
    )?;
    Ok(())
}
