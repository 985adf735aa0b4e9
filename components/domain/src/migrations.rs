//! Applies the numbered files in `migrations/` in order, once each, tracked in the
//! `schema_migrations` table. Safe when two requests race on a fresh database: the
//! work happens under `BEGIN IMMEDIATE` and re-reads what is applied inside it.

use crate::db::{transaction, Db, DbError, Value};

include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// The schema version this build expects (the highest migration number).
pub fn latest_version() -> u32 {
    MIGRATIONS.iter().map(|m| m.0).max().unwrap_or(0)
}

/// Brings the database up to `latest_version()`. Costs one `PRAGMA user_version`
/// read when the schema is current.
pub fn ensure_schema(db: &dyn Db) -> Result<(), DbError> {
    if user_version(db)? >= latest_version() {
        return Ok(());
    }
    // WAL lets readers work during a write; a persistent, per-file setting. Backends
    // that do not support it (remote libSQL) simply keep their own journal.
    let _ = db.execute("PRAGMA journal_mode = WAL", &[]);
    transaction(db, || {
        db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
            &[],
        )?;
        let applied: Vec<i64> = db
            .execute("SELECT version FROM schema_migrations", &[])?
            .iter()
            .map(|r| r.int("version"))
            .collect();
        for (version, name, sql) in MIGRATIONS {
            if applied.contains(&i64::from(*version)) {
                continue;
            }
            for statement in split_statements(sql) {
                db.execute(&statement, &[])
                    .map_err(|e| DbError(format!("migration {version} {name}: {}", e.0)))?;
            }
            db.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                &[
                    Value::Integer(i64::from(*version)),
                    (*name).into(),
                    crate::clock::now().into(),
                ],
            )?;
        }
        db.execute(&format!("PRAGMA user_version = {}", latest_version()), &[])?;
        Ok(())
    })
}

fn user_version(db: &dyn Db) -> Result<u32, DbError> {
    let rows = db.execute("PRAGMA user_version", &[])?;
    Ok(rows
        .rows
        .first()
        .and_then(|r| match r.first() {
            Some(Value::Integer(v)) => u32::try_from(*v).ok(),
            _ => None,
        })
        .unwrap_or(0))
}

/// Splits a SQL script into statements (Spin's `execute` runs one at a time),
/// respecting quotes and comments. Migrations do not use triggers, whose bodies
/// contain semicolons.
pub fn split_statements(sql: &str) -> Vec<String> {
    let mut statements = Vec::new();
    let mut current = String::new();
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' | '`' => {
                current.push(c);
                for d in chars.by_ref() {
                    current.push(d);
                    if d == c {
                        break;
                    }
                }
            }
            '-' if chars.peek() == Some(&'-') => {
                for d in chars.by_ref() {
                    if d == '\n' {
                        current.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut prev = ' ';
                for d in chars.by_ref() {
                    if prev == '*' && d == '/' {
                        break;
                    }
                    prev = d;
                }
            }
            ';' => {
                let s = current.trim();
                if !s.is_empty() {
                    statements.push(s.to_string());
                }
                current.clear();
            }
            _ => current.push(c),
        }
    }
    let s = current.trim();
    if !s.is_empty() {
        statements.push(s.to_string());
    }
    statements
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::native_sqlite::SqliteDb;

    #[test]
    fn splitter_respects_quotes_and_comments() {
        let parts = split_statements("-- a; comment\nCREATE TABLE t (a TEXT DEFAULT ';');\n/* x; y */ INSERT INTO t VALUES ('it''s;');");
        assert_eq!(
            parts,
            vec![
                "CREATE TABLE t (a TEXT DEFAULT ';')",
                "INSERT INTO t VALUES ('it''s;')"
            ]
        );
    }

    #[test]
    fn versions_are_unique_and_ordered() {
        let versions: Vec<u32> = MIGRATIONS.iter().map(|m| m.0).collect();
        let mut sorted = versions.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(versions, sorted);
        assert!(versions.first() == Some(&1));
    }

    #[test]
    fn applies_once_and_records_each() {
        let db = SqliteDb::migrated();
        ensure_schema(&db).unwrap();
        let rows = db
            .execute("SELECT COUNT(*) AS n FROM schema_migrations", &[])
            .unwrap();
        assert_eq!(rows.first().unwrap().int("n"), MIGRATIONS.len() as i64);
        for table in [
            "users",
            "training_contributions",
            "blobs",
            "jobs",
            "activity_log",
            "user_lore",
            "log_leaves",
            "checkpoints",
        ] {
            db.execute(&format!("SELECT COUNT(*) FROM {table}"), &[])
                .unwrap();
        }
    }

    #[test]
    fn half_applied_migration_rolls_back() {
        struct Failing(SqliteDb);
        impl Db for Failing {
            fn execute(&self, sql: &str, params: &[Value]) -> Result<crate::db::Rows, DbError> {
                if sql.starts_with("CREATE TABLE jobs") {
                    return Err(DbError("disk full".into()));
                }
                self.0.execute(sql, params)
            }
        }
        let db = Failing(SqliteDb(rusqlite::Connection::open_in_memory().unwrap()));
        assert!(ensure_schema(&db).is_err());
        assert!(
            db.0.execute("SELECT * FROM users", &[]).is_err(),
            "nothing of the failed migration stays"
        );
    }
}
