//! A row's text as a history: the first version (an engine's output or a text
//! contribution's own words), then one version per correction. The row keeps the
//! current text, its version number and its source, so lists and exports read one
//! row; `text_versions` keeps them all.

use crate::db::{Db, DbError};
use crate::lifecycle::TextSource;
use crate::store::contributions::{self, Contribution};
use crate::store::review_leases;
use crate::store::text_versions::{self, TextVersion};

/// A version about to be appended (its number is given by the store).
fn version(text: &str, source: TextSource, author: Option<String>, now: &str) -> TextVersion {
    TextVersion {
        version: 0,
        text: text.to_string(),
        source,
        author,
        engine: None,
        model: None,
        confidence: None,
        created_at: now.to_string(),
    }
}

/// Starts a text contribution's history with the contributor's words (the row was
/// inserted with them as version 1).
pub fn record_contributed(
    db: &dyn Db,
    row: &Contribution,
    author: Option<String>,
    now: &str,
) -> Result<(), DbError> {
    let text = row.extracted_text.as_deref().unwrap_or_default();
    text_versions::append(
        db,
        row.id,
        &version(text, TextSource::Contributor, author, now),
    )?;
    Ok(())
}

/// What an engine reported for a row: the text, the engine, its model and confidence.
pub struct Extraction<'a> {
    /// The extracted text (trimmed; empty when nothing was found).
    pub text: &'a str,
    /// Engine name.
    pub engine: &'a str,
    /// Model name.
    pub model: &'a str,
    /// Confidence in 0..=1.
    pub confidence: Option<f64>,
}

/// Records a finished extraction: the row is complete, the engine's text joins the
/// history and becomes current, unless a person's correction is current (a re-run
/// never overwrites human work). A drawing whose OCR found no words keeps the shape
/// recognised at ingest, credited to the shape recogniser. Returns the version.
pub fn record_machine(
    db: &dyn Db,
    row: &Contribution,
    found: &Extraction,
    now: &str,
) -> Result<i64, DbError> {
    let shape_text = row
        .extracted_text
        .as_deref()
        .filter(|_| found.text.is_empty() && row.modality == "drawing");
    let mut v = version(
        shape_text.unwrap_or(found.text),
        TextSource::Machine,
        None,
        now,
    );
    (v.engine, v.model, v.confidence) = match shape_text {
        Some(_) => (Some(SHAPE_ENGINE.into()), Some(SHAPE_MODEL.into()), None),
        None => (
            Some(found.engine.into()),
            Some(found.model.into()),
            found.confidence,
        ),
    };
    let number = text_versions::append(db, row.id, &v)?;
    contributions::complete_extraction(
        db,
        row.id,
        found.engine,
        found.model,
        found.confidence,
        now,
    )?;
    if row.text_source != Some(TextSource::Human) {
        contributions::set_text(db, row.id, &v.text, number, TextSource::Machine, now)?;
    }
    Ok(number)
}

/// The engine a drawing's kept shape text is credited to.
pub const SHAPE_ENGINE: &str = "shapes";
/// Its model: the $P point-cloud recogniser (`crate::shapes`).
pub const SHAPE_MODEL: &str = "$P point-cloud";

/// Makes a person's correction the row's current text (unreviewed again, and any
/// reviewer's lease on the old text ends). `None` when the text is already current.
pub fn correct(
    db: &dyn Db,
    row: &Contribution,
    text: &str,
    author: &str,
    now: &str,
) -> Result<Option<i64>, DbError> {
    if row.extracted_text.as_deref() == Some(text) {
        return Ok(None);
    }
    let number = text_versions::append(
        db,
        row.id,
        &version(text, TextSource::Human, Some(author.to_string()), now),
    )?;
    contributions::set_text(db, row.id, text, number, TextSource::Human, now)?;
    review_leases::release(db, row.id)?;
    Ok(Some(number))
}
