//! The `witness_cosignatures` table: each witness's verified cosignature per tree size.

use crate::db::{Db, DbError};

/// Records a verified cosignature; a newer one for the same witness and size
/// replaces the older.
pub fn insert(
    db: &dyn Db,
    witness: &str,
    tree_size: u64,
    signed_at: u64,
    line: &str,
    now: &str,
) -> Result<(), DbError> {
    db.execute(
        "INSERT INTO witness_cosignatures (witness, tree_size, signed_at, line, created_at) VALUES (?, ?, ?, ?, ?) \
         ON CONFLICT (witness, tree_size) DO UPDATE SET signed_at = excluded.signed_at, line = excluded.line, created_at = excluded.created_at",
        &[witness.into(), (tree_size as i64).into(), (signed_at as i64).into(), line.into(), now.into()],
    )?;
    Ok(())
}

/// The signature lines for the checkpoint of `tree_size`, by witness name.
pub fn lines_at(db: &dyn Db, tree_size: u64) -> Result<Vec<(String, String)>, DbError> {
    let rows = db.execute(
        "SELECT witness, line FROM witness_cosignatures WHERE tree_size = ? ORDER BY witness",
        &[(tree_size as i64).into()],
    )?;
    Ok(rows
        .iter()
        .map(|r| (r.text("witness"), r.text("line")))
        .collect())
}

/// The largest tree size `witness` has cosigned here (0 if none).
pub fn cosigned_size(db: &dyn Db, witness: &str) -> Result<u64, DbError> {
    let rows = db.execute(
        "SELECT IFNULL(MAX(tree_size), 0) AS n FROM witness_cosignatures WHERE witness = ?",
        &[witness.into()],
    )?;
    Ok(rows.first().map_or(0, |r| r.int("n") as u64))
}
