//! The `snapshots` table, and the logical dump the snapshot endpoint streams.

use crate::db::{Db, DbError, Rows};

/// Records an encrypted snapshot; returns its id.
pub fn insert(
    db: &dyn Db,
    file_name: &str,
    sha256: &str,
    tree_size: i64,
    root_hash: &str,
    now: &str,
) -> Result<i64, DbError> {
    let rows = db.execute(
        "INSERT INTO snapshots (file_name, sha256, tree_size, root_hash, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
        &[file_name.into(), sha256.into(), tree_size.into(), root_hash.into(), now.into()],
    )?;
    Ok(rows.first().map(|r| r.int("id")).unwrap_or(0))
}

/// The app's tables, in creation order.
pub fn tables(db: &dyn Db) -> Result<Vec<String>, DbError> {
    let rows = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid",
        &[],
    )?;
    Ok(rows.iter().map(|r| r.text("name")).collect())
}

/// One page of a table's rows in a stable order (the table name comes from
/// `tables`, never from a request).
pub fn page(db: &dyn Db, table: &str, offset: u64, limit: u64) -> Result<Rows, DbError> {
    let order = if table == "merkle_nodes" {
        "level, idx"
    } else {
        "rowid"
    };
    db.execute(
        &format!("SELECT * FROM \"{table}\" ORDER BY {order} LIMIT ? OFFSET ?"),
        &[(limit as i64).into(), (offset as i64).into()],
    )
}

#[cfg(test)]
mod tests {
    /// A snapshot pages every table by `rowid` (`merkle_nodes` by its key): a table
    /// made `WITHOUT ROWID` would end the dump early, as a truncated snapshot.
    #[test]
    fn every_table_can_be_paged() {
        let db = crate::native_sqlite::SqliteDb::migrated();
        for table in super::tables(&db).unwrap() {
            super::page(&db, &table, 0, 1).unwrap_or_else(|e| panic!("{table}: {e:?}"));
        }
    }
}
