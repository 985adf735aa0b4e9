//! The `text_versions` table: every version of a row's text, oldest first.

use crate::db::{Db, DbError, Row, Value};
use crate::store::contributions::Contribution;
use serde::Serialize;
use wire::layout::Layout;
use wire::lifecycle::TextSource;

/// One version of a row's text, as `GET /api/training-data/{id}/versions` lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TextVersion {
    /// 1 for the first text, then one more per change.
    pub version: i64,
    /// The text of this version.
    pub text: String,
    /// Who wrote it.
    pub source: TextSource,
    /// `user:<id>` or `admin` for people; none for engines.
    pub author: Option<String>,
    /// The extraction engine (machine versions).
    pub engine: Option<String>,
    /// The engine's model.
    pub model: Option<String>,
    /// The engine's confidence.
    pub confidence: Option<f64>,
    /// When it was written (UTC RFC 3339).
    pub created_at: String,
    /// Where the text sits in the input (segments and words with their times, the
    /// language and audio length; word and line boxes), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layout: Option<Layout>,
}

impl TextVersion {
    fn from_row(r: &Row) -> Self {
        Self {
            version: r.int("version"),
            text: r.text("text"),
            // The schema's CHECK admits only the three names.
            source: TextSource::parse(&r.text("source")).unwrap_or(TextSource::Machine),
            author: r.opt_text("author"),
            engine: r.opt_text("engine"),
            model: r.opt_text("model"),
            confidence: r.opt_real("confidence"),
            created_at: r.text("created_at"),
            layout: r
                .opt_text("layout")
                .and_then(|l| serde_json::from_str(&l).ok()),
        }
    }
}

/// Stores the first version of new rows' histories (numbered 1), with multi-row
/// statements.
pub fn insert_first(db: &dyn Db, firsts: &[(i64, TextVersion)]) -> Result<(), DbError> {
    const WIDTH: usize = 10;
    let params: Vec<Value> = firsts
        .iter()
        .flat_map(|(id, v)| [(*id).into(), 1i64.into()].into_iter().chain(fields(v)))
        .collect();
    crate::db::insert_rows(
        db,
        "INSERT INTO text_versions (contribution_id, version, text, source, author, engine, model, confidence, created_at, layout)",
        WIDTH,
        &params,
        "",
    )?;
    Ok(())
}

/// A version's stored fields after its row and number: text, source, author, engine,
/// model, confidence, time, and layout (JSON, or NULL when it has none).
fn fields(v: &TextVersion) -> [Value; 8] {
    let layout = v
        .layout
        .as_ref()
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::to_string(l).unwrap_or_default());
    [
        v.text.as_str().into(),
        v.source.as_str().into(),
        v.author.as_deref().into(),
        v.engine.as_deref().into(),
        v.model.as_deref().into(),
        v.confidence.into(),
        v.created_at.as_str().into(),
        layout.into(),
    ]
}

/// Appends a version to a row's history; returns its number.
pub fn append(db: &dyn Db, contribution_id: i64, v: &TextVersion) -> Result<i64, DbError> {
    let rows = db.execute(
        "INSERT INTO text_versions (contribution_id, version, text, source, author, engine, model, confidence, created_at, layout) \
         SELECT ?1, IFNULL(MAX(version), 0) + 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9 FROM text_versions WHERE contribution_id = ?1 \
         RETURNING version",
        &[contribution_id.into()]
            .into_iter()
            .chain(fields(v))
            .collect::<Vec<Value>>(),
    )?;
    Ok(rows.first().map(|r| r.int("version")).unwrap_or(0))
}

/// A row's history, oldest first.
pub fn list(db: &dyn Db, contribution_id: i64) -> Result<Vec<TextVersion>, DbError> {
    let rows = db.execute(
        "SELECT version, text, source, author, engine, model, confidence, created_at, layout FROM text_versions \
         WHERE contribution_id = ? ORDER BY version",
        &[contribution_id.into()],
    )?;
    Ok(rows.iter().map(|r| TextVersion::from_row(&r)).collect())
}

/// The layout of `row`'s current text version, if it has one.
pub fn current_layout(db: &dyn Db, row: &Contribution) -> Result<Option<Layout>, DbError> {
    let Some(version) = row.text_version else {
        return Ok(None);
    };
    let rows = db.execute(
        "SELECT layout FROM text_versions WHERE contribution_id = ? AND version = ?",
        &[row.id.into(), version.into()],
    )?;
    Ok(rows
        .first()
        .and_then(|r| r.opt_text("layout"))
        .and_then(|l| serde_json::from_str(&l).ok()))
}

/// The layouts of the current text versions of `rows`, by row id, in one statement:
/// what an export page carries.
pub fn current_layouts(
    db: &dyn Db,
    rows: &[Contribution],
) -> Result<std::collections::HashMap<i64, Layout>, DbError> {
    let current: Vec<(i64, i64)> = rows
        .iter()
        .filter_map(|r| Some((r.id, r.text_version?)))
        .collect();
    if current.is_empty() {
        return Ok(Default::default());
    }
    let pairs = vec!["(?, ?)"; current.len()].join(", ");
    let params: Vec<crate::db::Value> = current
        .iter()
        .flat_map(|(id, v)| [(*id).into(), (*v).into()])
        .collect();
    let found = db.execute(
        &format!(
            "SELECT contribution_id, layout FROM text_versions WHERE layout IS NOT NULL \
             AND (contribution_id, version) IN (VALUES {pairs})"
        ),
        &params,
    )?;
    Ok(found
        .iter()
        .filter_map(|r| {
            let layout = serde_json::from_str(&r.opt_text("layout")?).ok()?;
            Some((r.int("contribution_id"), layout))
        })
        .collect())
}

/// The newest text an engine wrote for a row, if any.
pub fn latest_machine_text(db: &dyn Db, contribution_id: i64) -> Result<Option<String>, DbError> {
    let rows = db.execute(
        "SELECT text FROM text_versions WHERE contribution_id = ? AND source = 'machine' \
         ORDER BY version DESC LIMIT 1",
        &[contribution_id.into()],
    )?;
    Ok(rows.first().map(|r| r.text("text")))
}

/// Erases a row's history: each text is overwritten in place with filler of its length
/// first (so it leaves the pages also where `secure_delete` is refused), then deleted.
pub fn erase(db: &dyn Db, contribution_id: i64) -> Result<(), DbError> {
    db.execute(
        &format!(
            "UPDATE text_versions SET {}, {}, {} WHERE contribution_id = ?",
            super::same_size_filler("text"),
            super::same_size_filler("author"),
            super::same_size_filler("layout")
        ),
        &[contribution_id.into()],
    )?;
    db.execute(
        "DELETE FROM text_versions WHERE contribution_id = ?",
        &[contribution_id.into()],
    )?;
    Ok(())
}
