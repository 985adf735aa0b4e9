//! The `review_votes` table: every reviewer's decision on a row's text version, kept
//! as its own record (an adjudicator's final word too); the row's review state is
//! derived from them.

use crate::db::{Db, DbError, Row};
use crate::usecase::review::Decision;

/// One decision as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Vote {
    /// The row decided.
    pub contribution_id: i64,
    /// `user:<id>` or `admin`.
    pub reviewer: String,
    /// The text version decided on (0: the row had no text).
    pub text_version: i64,
    /// Accept or reject.
    pub decision: Decision,
    /// The text an accept vouches for (the current one, or the reviewer's correction).
    pub text: Option<String>,
    /// An adjudicator's final word rather than a reviewer's vote.
    pub adjudication: bool,
    /// Seconds from the lease to the decision, when known.
    pub seconds: Option<f64>,
    /// When it was cast.
    pub created_at: String,
}

const COLUMNS: &str =
    "contribution_id, reviewer, text_version, decision, text, adjudication, seconds, created_at";

fn from_row(r: Row) -> Vote {
    Vote {
        contribution_id: r.int("contribution_id"),
        reviewer: r.text("reviewer"),
        text_version: r.int("text_version"),
        decision: if r.text("decision") == "accept" {
            Decision::Accept
        } else {
            Decision::Reject
        },
        text: r.opt_text("text"),
        adjudication: r.int("adjudication") != 0,
        seconds: r.opt_real("seconds"),
        created_at: r.text("created_at"),
    }
}

/// Stores a vote; false when this reviewer already decided this version (the primary
/// key keeps one decision per reviewer, version and kind).
pub fn insert(db: &dyn Db, vote: &Vote) -> Result<bool, DbError> {
    let rows = db.execute(
        "INSERT INTO review_votes (contribution_id, reviewer, text_version, decision, text, adjudication, seconds, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING contribution_id",
        &[
            vote.contribution_id.into(),
            vote.reviewer.as_str().into(),
            vote.text_version.into(),
            vote.decision.as_str().into(),
            vote.text.clone().into(),
            i64::from(vote.adjudication).into(),
            vote.seconds.into(),
            vote.created_at.as_str().into(),
        ],
    )?;
    Ok(!rows.rows.is_empty())
}

/// The reviewers' votes (not adjudications) on one version of a row, in the order cast.
pub fn on_version(db: &dyn Db, contribution_id: i64, version: i64) -> Result<Vec<Vote>, DbError> {
    let rows = db.execute(
        &format!(
            "SELECT {COLUMNS} FROM review_votes WHERE contribution_id = ? AND text_version = ? \
             AND adjudication = 0 ORDER BY created_at, rowid"
        ),
        &[contribution_id.into(), version.into()],
    )?;
    Ok(rows.iter().map(from_row).collect())
}

/// The latest decision `reviewer` made on a row (any version, any kind), if any.
pub fn latest_by(
    db: &dyn Db,
    contribution_id: i64,
    reviewer: &str,
) -> Result<Option<Vote>, DbError> {
    let rows = db.execute(
        &format!(
            "SELECT {COLUMNS} FROM review_votes WHERE contribution_id = ? AND reviewer = ? \
             ORDER BY created_at DESC, rowid DESC LIMIT 1"
        ),
        &[contribution_id.into(), reviewer.into()],
    )?;
    Ok(rows.first().map(from_row))
}

/// Every reviewer vote (not adjudications) on live rows, with the row's final state and
/// text: what the agreement figures are computed from.
pub fn all_with_outcome(db: &dyn Db) -> Result<Vec<(Vote, String, Option<String>)>, DbError> {
    let rows = db.execute(
        &format!(
            "SELECT {}, c.review_state AS state, c.extracted_text AS final_text \
             FROM review_votes v JOIN training_contributions c ON c.id = v.contribution_id \
             WHERE v.adjudication = 0 AND c.deleted_at IS NULL ORDER BY v.contribution_id, v.text_version",
            COLUMNS
                .split(", ")
                .map(|c| format!("v.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        &[],
    )?;
    Ok(rows
        .iter()
        .map(|r| {
            let state = r.text("state");
            let text = r.opt_text("final_text");
            (from_row(r), state, text)
        })
        .collect())
}

/// Erases a row's votes: the texts first overwritten in place, then the records.
pub fn erase(db: &dyn Db, contribution_id: i64) -> Result<(), DbError> {
    db.execute(
        &format!(
            "UPDATE review_votes SET {} WHERE contribution_id = ? AND text IS NOT NULL",
            super::same_size_filler("text")
        ),
        &[contribution_id.into()],
    )?;
    db.execute(
        "DELETE FROM review_votes WHERE contribution_id = ?",
        &[contribution_id.into()],
    )?;
    Ok(())
}
