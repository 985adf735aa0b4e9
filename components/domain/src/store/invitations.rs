//! The `invitations` table: links by which people join with a role, limited in time
//! and uses. Only the hash of a code is stored.

use crate::db::{Db, DbError, Row, Value};
use crate::store::users::Role;

/// An invitation as the admin sees it (never its code).
#[derive(Debug, Clone, PartialEq)]
pub struct Invitation {
    /// Its id.
    pub id: i64,
    /// The role of whoever joins by it.
    pub role: Role,
    /// The admin's note (who it is for, say).
    pub note: String,
    /// How many accounts it may create.
    pub max_uses: i64,
    /// How many it has created.
    pub uses: i64,
    /// When it stops working (RFC 3339).
    pub expires_at: String,
    /// When the admin revoked it, if they did.
    pub revoked_at: Option<String>,
    /// When it was made.
    pub created_at: String,
}

const COLUMNS: &str = "id, role, note, max_uses, uses, expires_at, revoked_at, created_at";

fn from_row(r: Row) -> Invitation {
    Invitation {
        id: r.int("id"),
        role: Role::parse(&r.text("role")).unwrap_or(Role::Contributor),
        note: r.text("note"),
        max_uses: r.int("max_uses"),
        uses: r.int("uses"),
        expires_at: r.text("expires_at"),
        revoked_at: r.opt_text("revoked_at"),
        created_at: r.text("created_at"),
    }
}

/// What a new invitation says.
pub struct NewInvitation<'a> {
    /// The hash of its code.
    pub code_hash: &'a str,
    /// The role it gives.
    pub role: Role,
    /// The admin's note.
    pub note: &'a str,
    /// How many accounts it may create.
    pub max_uses: i64,
    /// When it stops working.
    pub expires_at: &'a str,
}

/// Stores a new invitation; returns it.
pub fn insert(db: &dyn Db, new: &NewInvitation, now: &str) -> Result<Invitation, DbError> {
    let rows = db.execute(
        &format!(
            "INSERT INTO invitations (code_hash, role, note, max_uses, expires_at, created_at) \
             VALUES (?, ?, ?, ?, ?, ?) RETURNING {COLUMNS}"
        ),
        &[
            new.code_hash.into(),
            new.role.as_str().into(),
            new.note.into(),
            new.max_uses.into(),
            new.expires_at.into(),
            now.into(),
        ],
    )?;
    rows.first()
        .map(from_row)
        .ok_or_else(|| DbError("INSERT … RETURNING gave no row".into()))
}

/// The invitation whose code has this hash, whatever its state.
pub fn find_by_code_hash(db: &dyn Db, code_hash: &str) -> Result<Option<Invitation>, DbError> {
    let rows = db.execute(
        &format!("SELECT {COLUMNS} FROM invitations WHERE code_hash = ?"),
        &[code_hash.into()],
    )?;
    Ok(rows.first().map(from_row))
}

/// Takes one use of invitation `id` if it still has one, is not revoked and has not
/// expired at `now`; false otherwise. One statement, so two racing redeemers cannot
/// both take the last use.
pub fn take_use(db: &dyn Db, id: i64, now: &str) -> Result<bool, DbError> {
    let rows = db.execute(
        "UPDATE invitations SET uses = uses + 1 \
         WHERE id = ? AND uses < max_uses AND revoked_at IS NULL AND expires_at > ? RETURNING id",
        &[id.into(), now.into()],
    )?;
    Ok(!rows.rows.is_empty())
}

/// Every invitation, newest first.
pub fn list(db: &dyn Db) -> Result<Vec<Invitation>, DbError> {
    let rows = db.execute(
        &format!("SELECT {COLUMNS} FROM invitations ORDER BY id DESC"),
        &[],
    )?;
    Ok(rows.iter().map(from_row).collect())
}

/// Revokes invitation `id` unless it is already revoked; whether this call did.
pub fn revoke(db: &dyn Db, id: i64, now: &str) -> Result<bool, DbError> {
    let rows = db.execute(
        "UPDATE invitations SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL RETURNING id",
        &[now.into(), id.into()],
    )?;
    Ok(!rows.rows.is_empty())
}

/// One invitation.
pub fn get(db: &dyn Db, id: i64) -> Result<Option<Invitation>, DbError> {
    let rows = db.execute(
        &format!("SELECT {COLUMNS} FROM invitations WHERE id = ?"),
        &[Value::from(id)],
    )?;
    Ok(rows.first().map(from_row))
}
