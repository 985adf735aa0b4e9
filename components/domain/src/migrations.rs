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
    migrate_to(db, latest_version())
}

/// Applies the migrations up to `target` (tests build older databases with it).
pub fn migrate_to(db: &dyn Db, target: u32) -> Result<(), DbError> {
    if user_version(db)? >= target {
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
        for (version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 <= target) {
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
        db.execute(&format!("PRAGMA user_version = {target}"), &[])?;
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
    fn single_decisions_become_one_vote_each_and_keep_their_state() {
        let db = SqliteDb(rusqlite::Connection::open_in_memory().unwrap());
        migrate_to(&db, 9).unwrap();
        db.execute(
            "INSERT INTO users (name, token_hash, created_at, role) VALUES ('Rita', 'h', 't', 'reviewer')",
            &[],
        )
        .unwrap();
        for (id, state, by) in [
            (1, "accepted", Some("user:1")),
            (2, "rejected", Some("admin")),
            (3, "unreviewed", None),
        ] {
            db.execute(
                "INSERT INTO training_contributions (id, modality, status, mime, byte_size, content_hash, \
                 extracted_text, text_version, text_source, review_state, reviewed_by, reviewed_at, created_at, updated_at) \
                 VALUES (?, 'text', 'complete', 'text/plain', 3, ?, 'cat', 1, 'contributor', ?, ?, '2026-01-02', 't', 't')",
                &[Value::Integer(id), format!("h{id}").into(), state.into(), by.into()],
            )
            .unwrap();
        }
        ensure_schema(&db).unwrap();
        let rows = db
            .execute(
                "SELECT id, review_state, review_votes FROM training_contributions ORDER BY id",
                &[],
            )
            .unwrap();
        let states: Vec<(String, i64)> = rows
            .iter()
            .map(|r| (r.text("review_state"), r.int("review_votes")))
            .collect();
        assert_eq!(
            states,
            [
                ("accepted".into(), 1),
                ("rejected".into(), 1),
                ("unreviewed".into(), 0)
            ]
        );
        let votes = db
            .execute("SELECT contribution_id, reviewer, decision, text, text_version FROM review_votes ORDER BY contribution_id", &[])
            .unwrap();
        let votes: Vec<(i64, String, String, Option<String>, i64)> = votes
            .iter()
            .map(|r| {
                (
                    r.int("contribution_id"),
                    r.text("reviewer"),
                    r.text("decision"),
                    r.opt_text("text"),
                    r.int("text_version"),
                )
            })
            .collect();
        assert_eq!(
            votes,
            [
                (1, "user:1".into(), "accept".into(), Some("cat".into()), 1),
                (2, "admin".into(), "reject".into(), None, 1)
            ]
        );
        // The wider checks hold: the new state and role are accepted, others are not.
        db.execute(
            "UPDATE training_contributions SET review_state = 'adjudication' WHERE id = 3",
            &[],
        )
        .unwrap();
        db.execute("UPDATE users SET role = 'adjudicator'", &[])
            .unwrap();
        assert!(db.execute("UPDATE users SET role = 'god'", &[]).is_err());
        assert_eq!(
            db.execute("SELECT role FROM users", &[])
                .unwrap()
                .first()
                .unwrap()
                .text("role"),
            "adjudicator"
        );
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
