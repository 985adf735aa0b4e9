//! The `app_secrets` table: random per-database secrets, created on first use.

use crate::db::{Db, DbError};

/// The secret called `name`, if it exists.
pub fn get(db: &dyn Db, name: &str) -> Result<Option<Vec<u8>>, DbError> {
    Ok(db
        .execute(
            "SELECT value FROM app_secrets WHERE name = ?",
            &[name.into()],
        )?
        .first()
        .map(|r| r.blob("value")))
}

/// The secret called `name`, created (32 random bytes) if it does not exist yet; when
/// two requests race, both get the one that was stored first.
pub fn get_or_create(db: &dyn Db, name: &str) -> Result<Vec<u8>, DbError> {
    if let Some(v) = get(db, name)? {
        return Ok(v);
    }
    db.execute(
        "INSERT OR IGNORE INTO app_secrets (name, value) VALUES (?, ?)",
        &[name.into(), crate::hashing::random_bytes(32).into()],
    )?;
    get(db, name)?.ok_or_else(|| DbError(format!("secret {name} could not be created")))
}
