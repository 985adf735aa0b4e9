//! The `imports` and `import_lines` tables: one record per import (who, the SHA-256 of
//! what was read, its counts, running or finished) and, per line, what became of it.

use crate::db::{Db, DbError, Row, Value};
use serde::Serialize;

wire::names! {
    /// What became of one line of an import: the closed set of `import_lines.outcome`.
    pub enum Outcome {
        /// A new row was stored.
        Created = "created",
        /// The owner already had a row with the same content: that row's id.
        Duplicate = "duplicate",
        /// The line was refused, with the problem a single contribution would get.
        Rejected = "rejected",
    }
}

wire::names! {
    /// What an import's body was: the closed set of `imports.format`.
    pub enum Format {
        /// One JSON object per line.
        Jsonl = "jsonl",
        /// A JSON array of objects.
        Json = "json",
        /// A zip archive of files.
        Zip = "zip",
        /// A tar archive of files.
        Tar = "tar",
        /// This service's own Hugging Face export (a tar).
        Hf = "hf",
    }
}

wire::names! {
    /// Where an import stands: the closed set of `imports.state`.
    pub enum State {
        /// Batches are still to be written (by the next request, or the worker).
        Running = "running",
        /// Every line has its outcome.
        Finished = "finished",
    }
}

/// One line's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineResult {
    /// 1-based line number in the body.
    pub line: i64,
    /// What happened.
    pub outcome: Outcome,
    /// The row created, or the existing duplicate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// The caller's own id for the line, if it gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    /// A rejected line's problem status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// A rejected line's problem detail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// An import as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Import {
    /// Its id.
    pub id: i64,
    /// Who imported (`None`: the admin).
    pub user_id: Option<i64>,
    /// What the body was.
    pub format: Format,
    /// SHA-256 of the body read.
    pub sha256: String,
    /// Lines in the body.
    pub lines: i64,
    /// Rows created so far.
    pub created: i64,
    /// Lines whose row was there already.
    pub duplicates: i64,
    /// Lines refused.
    pub rejected: i64,
    /// Whether lines are still to be written.
    pub state: State,
    /// When it started.
    pub created_at: String,
    /// When its last batch was written.
    pub finished_at: Option<String>,
}

impl Import {
    /// Lines with an outcome so far: the next request goes on after them.
    pub fn done(&self) -> i64 {
        self.created + self.duplicates + self.rejected
    }

    fn from_row(r: &Row) -> Self {
        Self {
            id: r.int("id"),
            user_id: r.opt_int("user_id"),
            // The schema's CHECK admits only the five names.
            format: Format::parse(&r.text("format")).unwrap_or(Format::Jsonl),
            sha256: r.text("sha256"),
            lines: r.int("lines"),
            created: r.int("created"),
            duplicates: r.int("duplicates"),
            rejected: r.int("rejected"),
            // The schema's CHECK admits only the two names.
            state: State::parse(&r.text("state")).unwrap_or(State::Running),
            created_at: r.text("created_at"),
            finished_at: r.opt_text("finished_at"),
        }
    }
}

const COLUMNS: &str =
    "id, user_id, format, sha256, lines, created, duplicates, rejected, state, created_at, finished_at";

/// Starts an import record; its id.
pub fn start(
    db: &dyn Db,
    user_id: Option<i64>,
    format: Format,
    sha256: &str,
    lines: i64,
    now: &str,
) -> Result<i64, DbError> {
    let rows = db.execute(
        "INSERT INTO imports (user_id, format, sha256, lines, state, created_at) \
         VALUES (?, ?, ?, ?, 'running', ?) RETURNING id",
        &[
            user_id.into(),
            format.as_str().into(),
            sha256.into(),
            lines.into(),
            now.into(),
        ],
    )?;
    Ok(rows.first().map(|r| r.int("id")).unwrap_or(0))
}

/// Records a batch's line outcomes (multi-row statements) and adds them to the
/// import's counts.
pub fn record(db: &dyn Db, import: i64, results: &[LineResult]) -> Result<(), DbError> {
    const WIDTH: usize = 7;
    let params: Vec<Value> = results
        .iter()
        .flat_map(|r| -> [Value; WIDTH] {
            [
                import.into(),
                r.line.into(),
                r.outcome.as_str().into(),
                r.id.into(),
                r.source_id.clone().into(),
                r.status.map(i64::from).into(),
                r.detail.clone().into(),
            ]
        })
        .collect();
    crate::db::insert_rows(
        db,
        "INSERT INTO import_lines (import_id, line, outcome, contribution_id, source_id, status, detail)",
        WIDTH,
        &params,
        "",
    )?;
    let count = |o: Outcome| results.iter().filter(|r| r.outcome == o).count() as i64;
    db.execute(
        "UPDATE imports SET created = created + ?, duplicates = duplicates + ?, rejected = rejected + ? \
         WHERE id = ?",
        &[
            count(Outcome::Created).into(),
            count(Outcome::Duplicate).into(),
            count(Outcome::Rejected).into(),
            import.into(),
        ],
    )?;
    Ok(())
}

/// Marks the import finished and lets its kept body go.
pub fn finish(db: &dyn Db, import: i64, now: &str) -> Result<(), DbError> {
    db.execute(
        "UPDATE imports SET state = 'finished', finished_at = ? WHERE id = ? AND state = 'running'",
        &[now.into(), import.into()],
    )?;
    db.execute(
        "DELETE FROM import_bodies WHERE import_id = ?",
        &[import.into()],
    )?;
    Ok(())
}

/// Keeps a running import's body (and its media type) for the requests that go on
/// with it.
pub fn keep_body(db: &dyn Db, import: i64, content_type: &str, body: &[u8]) -> Result<(), DbError> {
    db.execute(
        "INSERT OR REPLACE INTO import_bodies (import_id, content_type, body) VALUES (?, ?, ?)",
        &[import.into(), content_type.into(), body.to_vec().into()],
    )?;
    Ok(())
}

/// A running import's kept body: (media type, bytes).
pub fn body(db: &dyn Db, import: i64) -> Result<Option<(String, Vec<u8>)>, DbError> {
    let rows = db.execute(
        "SELECT content_type, body FROM import_bodies WHERE import_id = ?",
        &[import.into()],
    )?;
    Ok(rows
        .first()
        .map(|r| (r.text("content_type"), r.blob("body"))))
}

/// Lets the kept bodies of a user's running imports go (their account is closed).
pub fn drop_bodies_of(db: &dyn Db, user_id: i64) -> Result<(), DbError> {
    db.execute(
        "DELETE FROM import_bodies WHERE import_id IN (SELECT id FROM imports WHERE user_id = ?)",
        &[user_id.into()],
    )?;
    Ok(())
}

/// Imports still running, oldest first: a user's own, or everyone's (`None`).
pub fn running(db: &dyn Db, user_id: Option<i64>) -> Result<Vec<Import>, DbError> {
    let rows = db.execute(
        &format!(
            "SELECT {COLUMNS} FROM imports WHERE state = 'running' AND (?1 IS NULL OR user_id = ?1) ORDER BY id"
        ),
        &[user_id.into()],
    )?;
    Ok(rows.iter().map(|r| Import::from_row(&r)).collect())
}

/// Import `id`.
pub fn get(db: &dyn Db, id: i64) -> Result<Option<Import>, DbError> {
    let rows = db.execute(
        &format!("SELECT {COLUMNS} FROM imports WHERE id = ?"),
        &[id.into()],
    )?;
    Ok(rows.first().map(|r| Import::from_row(&r)))
}

/// Import `id`'s line outcomes, in line order.
pub fn lines(db: &dyn Db, id: i64) -> Result<Vec<LineResult>, DbError> {
    let rows = db.execute(
        "SELECT line, outcome, contribution_id, source_id, status, detail FROM import_lines \
         WHERE import_id = ? ORDER BY line",
        &[id.into()],
    )?;
    Ok(rows
        .iter()
        .map(|r| LineResult {
            line: r.int("line"),
            // The schema's CHECK admits only the three names.
            outcome: Outcome::parse(&r.text("outcome")).unwrap_or(Outcome::Rejected),
            id: r.opt_int("contribution_id"),
            source_id: r.opt_text("source_id"),
            status: r.opt_int("status").and_then(|s| u16::try_from(s).ok()),
            detail: r.opt_text("detail"),
        })
        .collect())
}
