//! The `pii_findings` table: personal data found in a row's text versions, and what
//! reviewers decided about each finding.

use crate::db::{Db, DbError, Row, Value};
use pii::Kind;
use serde::Serialize;
use std::collections::HashMap;

wire::names! {
    /// Who made a finding: the closed set of the `origin` column.
    pub enum FoundBy {
        /// The detector (`crates/pii`).
        Detector = "detector",
        /// A reviewer, for something the detector missed.
        Reviewer = "reviewer",
    }
}

wire::names! {
    /// What a reviewer decided about a finding: the closed set of the `decision` column
    /// (and of the body reviewers send).
    pub enum Decision {
        /// It is personal data.
        Confirmed = "confirmed",
        /// It is not (a false positive); it no longer counts, nor does the same value
        /// when a later version of the text has it again.
        Dismissed = "dismissed",
    }
}

/// One stored finding, as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredFinding {
    /// Finding id.
    pub id: i64,
    /// The text version it was found in.
    pub version: i64,
    /// What it is.
    pub kind: Kind,
    /// Where it starts, in characters of that version's text.
    pub start: i64,
    /// Where it ends (exclusive).
    pub end: i64,
    /// Keyed SHA-256 of the matched text: equal values have equal hashes within one
    /// database, and the value cannot be read back from it.
    pub value_hash: String,
    /// The detector's confidence (1 for a reviewer's own finding).
    pub confidence: f64,
    /// Who found it.
    pub origin: FoundBy,
    /// What a reviewer decided, if anyone did.
    pub decision: Option<Decision>,
    /// Who decided (`user:<id>` or `admin`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    /// When.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<String>,
}

impl StoredFinding {
    fn from_row(r: &Row) -> Self {
        Self {
            id: r.int("id"),
            version: r.int("version"),
            // The schema's CHECK admits only the kinds' names.
            kind: Kind::parse(&r.text("kind")).unwrap_or(Kind::Secret),
            start: r.int("start_char"),
            end: r.int("end_char"),
            value_hash: r.text("value_hash"),
            confidence: r.opt_real("confidence").unwrap_or(1.0),
            // The schema's CHECK admits only the two names.
            origin: FoundBy::parse(&r.text("origin")).unwrap_or(FoundBy::Detector),
            decision: r.opt_text("decision").and_then(|d| Decision::parse(&d)),
            decided_by: r.opt_text("decided_by"),
            decided_at: r.opt_text("decided_at"),
        }
    }

    /// Whether it still counts (no reviewer dismissed it).
    pub fn counts(&self) -> bool {
        self.decision != Some(Decision::Dismissed)
    }

    /// As the detector's type, for masking and redaction.
    pub fn as_finding(&self) -> pii::Finding {
        pii::Finding {
            kind: self.kind,
            start: self.start as usize,
            end: self.end as usize,
            confidence: self.confidence,
        }
    }
}

const COLUMNS: &str = "id, version, kind, start_char, end_char, value_hash, confidence, origin, decision, decided_by, decided_at";

/// A finding about to be stored.
pub struct NewFinding<'a> {
    /// Row.
    pub contribution_id: i64,
    /// Text version.
    pub version: i64,
    /// The detector's finding (kind, span, confidence).
    pub finding: &'a pii::Finding,
    /// Keyed hash of the matched text.
    pub value_hash: &'a str,
    /// Who found it.
    pub origin: FoundBy,
    /// A decision it starts with (a dismissal carried forward, a reviewer's own).
    pub decision: Option<(Decision, &'a str)>,
}

/// Stores a finding; its id.
pub fn insert(db: &dyn Db, f: &NewFinding, now: &str) -> Result<i64, DbError> {
    let rows = db.execute(
        "INSERT INTO pii_findings (contribution_id, version, kind, start_char, end_char, value_hash, confidence, origin, \
         decision, decided_by, decided_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        &[
            f.contribution_id.into(),
            f.version.into(),
            f.finding.kind.as_str().into(),
            (f.finding.start as i64).into(),
            (f.finding.end as i64).into(),
            f.value_hash.into(),
            f.finding.confidence.into(),
            f.origin.as_str().into(),
            f.decision.map(|(d, _)| d.as_str()).into(),
            f.decision.map(|(_, by)| by).into(),
            f.decision.map(|_| now).into(),
            now.into(),
        ],
    )?;
    Ok(rows.first().map(|r| r.int("id")).unwrap_or(0))
}

/// The findings in one text version of a row, in order of position.
pub fn of_version(
    db: &dyn Db,
    contribution_id: i64,
    version: i64,
) -> Result<Vec<StoredFinding>, DbError> {
    let rows = db.execute(
        &format!("SELECT {COLUMNS} FROM pii_findings WHERE contribution_id = ? AND version = ? ORDER BY start_char, id"),
        &[contribution_id.into(), version.into()],
    )?;
    Ok(rows.iter().map(|r| StoredFinding::from_row(&r)).collect())
}

/// The findings in the given (row, version) pairs, by row id, in one statement: what an
/// export page or a list of rows needs.
pub fn of_versions(
    db: &dyn Db,
    pairs: &[(i64, i64)],
) -> Result<HashMap<i64, Vec<StoredFinding>>, DbError> {
    if pairs.is_empty() {
        return Ok(HashMap::new());
    }
    let values = vec!["(?, ?)"; pairs.len()].join(", ");
    let params: Vec<Value> = pairs
        .iter()
        .flat_map(|(id, v)| [(*id).into(), (*v).into()])
        .collect();
    let rows = db.execute(
        &format!(
            "SELECT contribution_id, {COLUMNS} FROM pii_findings WHERE (contribution_id, version) IN (VALUES {values}) \
             ORDER BY contribution_id, start_char, id"
        ),
        &params,
    )?;
    let mut out: HashMap<i64, Vec<StoredFinding>> = HashMap::new();
    for r in rows.iter() {
        out.entry(r.int("contribution_id"))
            .or_default()
            .push(StoredFinding::from_row(&r));
    }
    Ok(out)
}

/// One finding of a row.
pub fn get(db: &dyn Db, contribution_id: i64, id: i64) -> Result<Option<StoredFinding>, DbError> {
    let rows = db.execute(
        &format!("SELECT {COLUMNS} FROM pii_findings WHERE contribution_id = ? AND id = ?"),
        &[contribution_id.into(), id.into()],
    )?;
    Ok(rows.first().map(|r| StoredFinding::from_row(&r)))
}

/// A value reviewers dismissed on a row.
pub struct Dismissed {
    /// Its kind.
    pub kind: Kind,
    /// Its keyed hash.
    pub value_hash: String,
    /// Who dismissed it (one of them, when several did).
    pub by: String,
}

/// The values reviewers dismissed on a row, in any version.
pub fn dismissed_values(db: &dyn Db, contribution_id: i64) -> Result<Vec<Dismissed>, DbError> {
    let rows = db.execute(
        "SELECT kind, value_hash, MIN(decided_by) AS dismissed_by FROM pii_findings \
         WHERE contribution_id = ? AND decision = 'dismissed' GROUP BY kind, value_hash",
        &[contribution_id.into()],
    )?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            Some(Dismissed {
                kind: Kind::parse(&r.text("kind"))?,
                value_hash: r.text("value_hash"),
                by: r.opt_text("dismissed_by").unwrap_or_default(),
            })
        })
        .collect())
}

/// Records a reviewer's decision on a finding.
pub fn decide(
    db: &dyn Db,
    id: i64,
    decision: Decision,
    by: &str,
    now: &str,
) -> Result<(), DbError> {
    db.execute(
        "UPDATE pii_findings SET decision = ?, decided_by = ?, decided_at = ? WHERE id = ?",
        &[decision.as_str().into(), by.into(), now.into(), id.into()],
    )?;
    Ok(())
}

/// Forgets a row's findings (its erasure).
pub fn erase(db: &dyn Db, contribution_id: i64) -> Result<(), DbError> {
    db.execute(
        "DELETE FROM pii_findings WHERE contribution_id = ?",
        &[contribution_id.into()],
    )?;
    Ok(())
}

/// Findings of one kind on live rows' current texts.
pub struct KindTotals {
    /// The kind.
    pub kind: Kind,
    /// Findings that count (not dismissed).
    pub findings: i64,
    /// Rows they are in.
    pub rows: i64,
    /// Findings reviewers confirmed.
    pub confirmed: i64,
    /// Findings reviewers dismissed.
    pub dismissed: i64,
}

/// Findings on live rows' current texts, per kind.
pub fn totals(db: &dyn Db) -> Result<Vec<KindTotals>, DbError> {
    let rows = db.execute(
        "SELECT f.kind, SUM(f.decision IS NOT 'dismissed') AS open, \
         COUNT(DISTINCT CASE WHEN f.decision IS NOT 'dismissed' THEN f.contribution_id END) AS row_count, \
         SUM(f.decision IS 'confirmed') AS confirmed, SUM(f.decision IS 'dismissed') AS dismissed \
         FROM pii_findings f JOIN training_contributions c ON c.id = f.contribution_id AND c.text_version = f.version \
         WHERE c.deleted_at IS NULL GROUP BY f.kind ORDER BY f.kind",
        &[],
    )?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            Some(KindTotals {
                kind: Kind::parse(&r.text("kind"))?,
                findings: r.int("open"),
                rows: r.int("row_count"),
                confirmed: r.int("confirmed"),
                dismissed: r.int("dismissed"),
            })
        })
        .collect())
}
