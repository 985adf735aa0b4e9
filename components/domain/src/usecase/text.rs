//! A row's text as a history: the first version (an engine's output or a text
//! contribution's own words), then one version per correction; each version is
//! scanned for personal data as it is written (`pii`). The row keeps the
//! current text, its version number and its source, so lists and exports read one
//! row; `text_versions` keeps them all. Intake, jobs and review record versions with
//! the steps here inside their own transactions; [`edit`] is the owner's (or the
//! admin's) change of a row, a use-case with its own transaction.

use super::db_failures;
use super::pii::Version;
use crate::context::Origin;
use crate::db::{transaction, Db, DbError};
use crate::store::activity::Activity;
use crate::store::contributions::{self, Contribution};
use crate::store::review_leases;
use crate::store::text_versions::{self, TextVersion};
use serde_json::json;
use wire::jobs::Extraction;
use wire::layout::Layout;
use wire::lifecycle::{Status, TextSource};
use wire::media::Modality;

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
        layout: None,
    }
}

/// The first version of a row stored with its text (intake stores it with the row,
/// numbered 1, and scans it for personal data): a text contribution's own words, or
/// an imported media row's known text. A machine's text names no author.
pub fn first(text: &str, source: TextSource, author: Option<String>, now: &str) -> TextVersion {
    let author = author.filter(|_| source != TextSource::Machine);
    version(text, source, author, now)
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
    let found_text = found.text.trim();
    let shape_text = row
        .extracted_text
        .as_deref()
        .filter(|_| found_text.is_empty() && row.modality == Modality::Drawing);
    let mut v = version(
        shape_text.unwrap_or(found_text),
        TextSource::Machine,
        None,
        now,
    );
    (v.engine, v.model, v.confidence, v.layout) = match shape_text {
        Some(_) => (
            Some(SHAPE_ENGINE.into()),
            Some(SHAPE_MODEL.into()),
            None,
            None,
        ),
        None => (
            Some(found.engine.clone()),
            Some(found.model.clone()),
            found.confidence,
            Some(found.layout.clone()),
        ),
    };
    let number = text_versions::append(db, row.id, &v)?;
    let flag = crate::extraction::signals::flag(row.modality, found);
    contributions::complete_extraction(
        db,
        row.id,
        &found.engine,
        &found.model,
        found.confidence,
        flag.as_deref(),
        now,
    )?;
    let current = row.text_source != Some(TextSource::Human);
    if current {
        contributions::set_text(db, row.id, &v.text, number, TextSource::Machine, now)?;
    }
    let scanned = Version {
        number,
        text: &v.text,
        source: TextSource::Machine,
        current,
    };
    super::pii::scan_version(db, row, &scanned, now)?;
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
    let mut v = version(text, TextSource::Human, Some(author.to_string()), now);
    // Segments the correction left alone keep their time.
    // An image's word boxes stay: the pixels they locate did not change, and they are
    // what redaction fills.
    let before = text_versions::current_layout(db, row)?;
    v.layout = before.and_then(|l| {
        crate::extraction::retime::retime(&l, text).or_else(|| {
            l.boxes.is_some().then(|| Layout {
                boxes: l.boxes.clone(),
                lines: l.lines.clone(),
                ..Layout::default()
            })
        })
    });
    let number = text_versions::append(db, row.id, &v)?;
    contributions::set_text(db, row.id, text, number, TextSource::Human, now)?;
    let scanned = Version {
        number,
        text,
        source: TextSource::Human,
        current: true,
    };
    super::pii::scan_version(db, row, &scanned, now)?;
    review_leases::release(db, row.id)?;
    Ok(Some(number))
}

/// Why an edit did not happen.
#[derive(Debug)]
pub enum TextError {
    /// No live contribution has this id.
    NotFound(i64),
    /// Its extraction has not completed, so there is no text to correct yet.
    NotComplete(i64, Status),
    /// The database failed.
    Db(DbError),
}

db_failures!(TextError);

/// Who edits: the user (for the activity log) and the name a correction is credited to.
pub struct Editor<'a> {
    /// The user's id (`None` for the admin token).
    pub user_id: Option<i64>,
    /// The author named in the text history.
    pub author: &'a str,
}

/// What an edit changes: opting in or out of training, and/or the corrected text.
pub struct Edit<'a> {
    /// In (`true`) or out of training exports.
    pub included_in_training: Option<bool>,
    /// The corrected text.
    pub text: Option<&'a str>,
}

/// Applies an edit to row `id` in one transaction with its activity entries
/// (`opt_in`/`opt_out`, `text_corrected`); the row as it stands afterwards.
pub fn edit(
    db: &dyn Db,
    origin: &Origin,
    id: i64,
    editor: &Editor,
    change: &Edit,
) -> Result<Contribution, TextError> {
    let now = crate::clock::now();
    transaction(db, || {
        // Read again under the write lock: a worker or another edit may have come first.
        let row = contributions::get(db, id)?.ok_or(TextError::NotFound(id))?;
        if let Some(included) = change.included_in_training {
            contributions::set_included(db, row.id, included, &now)?;
            let kind = if included {
                Activity::OptIn
            } else {
                Activity::OptOut
            };
            origin.log(
                db,
                kind,
                editor.user_id,
                json!({ "contribution_id": row.id }),
                &now,
            )?;
        }
        if let Some(text) = change.text {
            if row.status != Status::Complete {
                return Err(TextError::NotComplete(row.id, row.status));
            }
            if let Some(version) = correct(db, &row, text, editor.author, &now)? {
                let data = json!({ "contribution_id": row.id, "text_version": version, "by": editor.author });
                origin.log(db, Activity::TextCorrected, editor.user_id, data, &now)?;
            }
        }
        Ok::<_, TextError>(())
    })?;
    contributions::get(db, id)?.ok_or(TextError::NotFound(id))
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    fn editor(author: &str) -> Editor<'_> {
        Editor {
            user_id: Some(1),
            author,
        }
    }

    #[test]
    fn an_edit_opts_out_and_corrects_in_one_go_with_its_entries() {
        let db = fixture::db();
        let ada = fixture::user(&db, "Ada");
        let id = fixture::text(&db, ada, "teh note").row.id;
        let change = Edit {
            included_in_training: Some(false),
            text: Some("the note"),
        };
        let row = edit(&db, &Origin::default(), id, &editor("user:1"), &change).unwrap();
        assert!(!row.included_in_training);
        assert_eq!(row.extracted_text.as_deref(), Some("the note"));
        assert_eq!(
            (row.text_version, row.text_source),
            (Some(2), Some(TextSource::Human))
        );
        assert_eq!(
            fixture::activity_types(&db),
            [
                "user_created",
                "contribution_created",
                "opt_out",
                "text_corrected"
            ]
        );
        // The same text again is no new version and no entry.
        let same = Edit {
            included_in_training: None,
            text: Some("the note"),
        };
        edit(&db, &Origin::default(), id, &editor("user:1"), &same).unwrap();
        assert_eq!(text_versions::list(&db, id).unwrap().len(), 2);
        assert_eq!(fixture::activity_types(&db).len(), 4);
    }

    #[test]
    fn text_still_being_extracted_cannot_be_corrected_and_nothing_is_written() {
        let db = fixture::db();
        let ada = fixture::user(&db, "Ada");
        let id = fixture::screenshot(&db, ada, "a").row.id;
        let change = Edit {
            included_in_training: Some(false),
            text: Some("guess"),
        };
        let refused = edit(&db, &Origin::default(), id, &editor("user:1"), &change);
        assert!(matches!(
            refused,
            Err(TextError::NotComplete(_, Status::Pending))
        ));
        let row = contributions::get(&db, id).unwrap().unwrap();
        assert!(
            row.included_in_training,
            "the opt-out rolled back with the refusal"
        );
        assert!(matches!(
            edit(&db, &Origin::default(), 404, &editor("admin"), &change),
            Err(TextError::NotFound(404))
        ));
    }

    #[test]
    fn a_drawing_whose_ocr_found_nothing_keeps_its_shape_text() {
        let db = fixture::db();
        let ada = fixture::user(&db, "Ada");
        let mut row = fixture::screenshot(&db, ada, "d").row;
        row.modality = Modality::Drawing;
        row.extracted_text = Some("shape: circle (0.91)".into());
        let empty = Extraction {
            engine: "tesseract".into(),
            ..Extraction::default()
        };
        record_machine(&db, &row, &empty, &crate::clock::now()).unwrap();
        let history = text_versions::list(&db, row.id).unwrap();
        assert_eq!(history[0].text, "shape: circle (0.91)");
        assert_eq!(history[0].engine.as_deref(), Some(SHAPE_ENGINE));
    }
}
