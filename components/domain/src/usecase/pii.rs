//! Personal data in the texts as use-cases: every new text version is scanned inside
//! the transaction that writes it ([`scan_version`]); rows written before detection
//! existed are scanned a page at a time by the quality scan ([`scan_unscanned`]), so a
//! killed scan resumes where it stopped; reviewers confirm or dismiss a finding, or
//! add one the detector missed ([`decide`], [`add`]), each in its own transaction with
//! an activity entry.

use super::db_failures;
use crate::context::Origin;
use crate::db::{transaction, Db, DbError};
use crate::store::activity::Activity;
use crate::store::contributions::{self, Contribution};
use crate::store::pii_findings::{self as findings, Decision, NewFinding, StoredFinding};
use crate::store::{secrets, users};
use pii::Kind;
use serde_json::json;
use sha2::{Digest, Sha256};
use wire::lifecycle::TextSource;

/// Rows the background scan takes per call.
pub const SCAN_PAGE: usize = 200;

/// The secret (`app_secrets`) that keys the findings' value hashes.
const VALUE_HASH_KEY: &str = "pii_value_hash";

/// The keyed hash a finding stores instead of the text it matched: equal values hash
/// alike within one database (so a dismissal follows the value into later versions),
/// and the key never leaves it, so no list of phone numbers reverses it.
fn value_hash(key: &[u8], kind: Kind, value: &str) -> String {
    let mut h = Sha256::new();
    h.update(key);
    h.update(kind.as_str().as_bytes());
    h.update([0]);
    h.update(value.as_bytes());
    hex::encode(h.finalize())
}

/// A text version to scan: its number, its text, who wrote it, and whether it is the
/// row's current text.
pub struct Version<'a> {
    /// The version's number.
    pub number: i64,
    /// Its text.
    pub text: &'a str,
    /// Who wrote it (an engine's OCR output is read with split tokens joined).
    pub source: TextSource,
    /// Whether it is the row's current text (then the row's count follows).
    pub current: bool,
}

/// Scans a text version of `row` and stores what it finds: a value a reviewer
/// dismissed on this row before stays dismissed. Call inside the write transaction
/// that appends the version. Returns how many findings count.
pub fn scan_version(
    db: &dyn Db,
    row: &Contribution,
    v: &Version,
    now: &str,
) -> Result<i64, DbError> {
    let name = match row.user_id {
        Some(uid) => users::get(db, uid)?.map(|(name, _, _)| name),
        None => None,
    };
    let found = crate::redaction::detect(
        row.modality,
        Some(v.source),
        v.text,
        &name.as_deref().into_iter().collect::<Vec<_>>(),
    );
    let dismissed = match found.is_empty() {
        true => Vec::new(),
        false => findings::dismissed_values(db, row.id)?,
    };
    let open = store_findings(db, row.id, v.number, v.text, &found, &dismissed, now)?;
    if v.current {
        contributions::set_pii_count(db, row.id, open)?;
    }
    Ok(open)
}

/// Stores what the detector found in version `version` of a new row (no decisions
/// yet); the row was inserted with their count.
pub fn record_first(
    db: &dyn Db,
    contribution_id: i64,
    text: &str,
    found: &[pii::Finding],
    now: &str,
) -> Result<(), DbError> {
    store_findings(db, contribution_id, 1, text, found, &[], now).map(|_| ())
}

/// Stores findings in a version's `text`, each under its keyed value hash; one whose
/// value was `dismissed` on this row before stays dismissed, crediting that reviewer.
/// How many stay open.
fn store_findings(
    db: &dyn Db,
    contribution_id: i64,
    version: i64,
    text: &str,
    found: &[pii::Finding],
    dismissed: &[findings::Dismissed],
    now: &str,
) -> Result<i64, DbError> {
    if found.is_empty() {
        return Ok(0);
    }
    let key = secrets::get_or_create(db, VALUE_HASH_KEY)?;
    let mut open = 0;
    for f in found {
        let hash = value_hash(&key, f.kind, &pii::span_text(text, f.start, f.end));
        let carried = dismissed
            .iter()
            .find(|d| d.kind == f.kind && d.value_hash == hash)
            .map(|d| (Decision::Dismissed, d.by.as_str()));
        findings::insert(
            db,
            &NewFinding {
                contribution_id,
                version,
                finding: f,
                value_hash: &hash,
                origin: findings::FoundBy::Detector,
                decision: carried,
            },
            now,
        )?;
        open += i64::from(carried.is_none());
    }
    Ok(open)
}

/// Scans up to [`SCAN_PAGE`] rows that were never scanned, oldest first; (rows scanned,
/// rows still waiting). Each scanned row gets its count, so the next call starts where
/// this one stopped. Call inside a write transaction.
pub fn scan_unscanned(db: &dyn Db, now: &str) -> Result<(usize, i64), DbError> {
    let rows = contributions::unscanned_for_pii(db, SCAN_PAGE)?;
    for row in &rows {
        let version = Version {
            // The store picks rows with a text version only.
            number: row.text_version.unwrap_or_default(),
            text: row.extracted_text.as_deref().unwrap_or_default(),
            source: row.text_source.unwrap_or(TextSource::Machine),
            current: true,
        };
        scan_version(db, row, &version, now)?;
    }
    Ok((rows.len(), contributions::unscanned_for_pii_count(db)?))
}

/// Why a reviewer's change to the findings did not happen.
#[derive(Debug)]
pub enum PiiError {
    /// No live row has this id.
    NotFound(i64),
    /// The row has no finding with this id on its current text.
    NoFinding(i64),
    /// The row has no text yet.
    NoText(i64),
    /// The span is not inside the current text.
    OutOfText {
        /// The text's length in characters.
        length: usize,
    },
    /// The database failed.
    Db(DbError),
}

db_failures!(PiiError);

/// Recounts the findings on the row's current text that still count.
fn recount(db: &dyn Db, row: &Contribution) -> Result<Vec<StoredFinding>, DbError> {
    let current = findings::of_version(db, row.id, row.text_version.unwrap_or(0))?;
    contributions::set_pii_count(
        db,
        row.id,
        current.iter().filter(|f| f.counts()).count() as i64,
    )?;
    Ok(current)
}

/// A reviewer confirms or dismisses finding `finding` of row `id`; the current text's
/// findings afterwards.
pub fn decide(
    db: &dyn Db,
    origin: &Origin,
    id: i64,
    finding: i64,
    decision: Decision,
    reviewer: (&str, Option<i64>),
) -> Result<Vec<StoredFinding>, PiiError> {
    let now = crate::clock::now();
    transaction(db, || {
        let row = contributions::get(db, id)?.ok_or(PiiError::NotFound(id))?;
        let f = findings::get(db, id, finding)?
            .filter(|f| Some(f.version) == row.text_version)
            .ok_or(PiiError::NoFinding(finding))?;
        findings::decide(db, f.id, decision, reviewer.0, &now)?;
        let data = json!({ "contribution_id": id, "finding": f.id, "kind": f.kind, "decision": decision, "by": reviewer.0 });
        origin.log(db, Activity::PiiReviewed, reviewer.1, data, &now)?;
        Ok(recount(db, &row)?)
    })
}

/// A reviewer marks characters `start..end` of row `id`'s current text as personal
/// data of `kind` the detector missed; the current text's findings afterwards.
pub fn add(
    db: &dyn Db,
    origin: &Origin,
    id: i64,
    kind: Kind,
    span: (usize, usize),
    reviewer: (&str, Option<i64>),
) -> Result<Vec<StoredFinding>, PiiError> {
    let now = crate::clock::now();
    transaction(db, || {
        let row = contributions::get(db, id)?.ok_or(PiiError::NotFound(id))?;
        let (Some(version), Some(text)) = (row.text_version, row.extracted_text.as_deref()) else {
            return Err(PiiError::NoText(id));
        };
        let length = text.chars().count();
        if span.0 >= span.1 || span.1 > length {
            return Err(PiiError::OutOfText { length });
        }
        let key = secrets::get_or_create(db, VALUE_HASH_KEY)?;
        let hash = value_hash(&key, kind, &pii::span_text(text, span.0, span.1));
        let finding = pii::Finding {
            kind,
            start: span.0,
            end: span.1,
            confidence: 1.0,
        };
        let new = NewFinding {
            contribution_id: id,
            version,
            finding: &finding,
            value_hash: &hash,
            origin: findings::FoundBy::Reviewer,
            decision: Some((Decision::Confirmed, reviewer.0)),
        };
        let fid = findings::insert(db, &new, &now)?;
        let data = json!({ "contribution_id": id, "finding": fid, "kind": kind, "decision": "added", "by": reviewer.0 });
        origin.log(db, Activity::PiiReviewed, reviewer.1, data, &now)?;
        Ok(recount(db, &row)?)
    })
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    #[test]
    fn a_text_is_scanned_as_it_arrives_and_a_dismissal_follows_the_value() {
        let db = fixture::db();
        let ada = fixture::user(&db, "Ada Lovelace");
        let row = fixture::text(&db, ada, "Ada Lovelace, ada@example.org, 0171 4960000").row;
        let row = contributions::get(&db, row.id).unwrap().unwrap();
        let found = findings::of_version(&db, row.id, 1).unwrap();
        let kinds: Vec<Kind> = found.iter().map(|f| f.kind).collect();
        assert_eq!(kinds, [Kind::Name, Kind::Email, Kind::Phone]);
        assert_eq!(row.pii_count, Some(3));
        // Only keyed hashes are stored, never the matched text (which, unlike a hex
        // digest, holds letters past `f`).
        assert!(found.iter().all(|f| f.value_hash.len() == 64));
        let stored: Vec<String> = db
            .execute("SELECT * FROM pii_findings", &[])
            .unwrap()
            .iter()
            .flat_map(|r| ["kind", "value_hash", "origin"].map(|c| r.text(c)))
            .collect();
        assert!(stored
            .iter()
            .all(|v| !v.contains("example.org") && !v.contains("Lovelace")));

        let me = ("admin", None);
        let after = decide(
            &db,
            &Origin::default(),
            row.id,
            found[0].id,
            Decision::Dismissed,
            me,
        )
        .unwrap();
        assert_eq!(after[0].decision, Some(Decision::Dismissed));
        assert_eq!(
            contributions::get(&db, row.id).unwrap().unwrap().pii_count,
            Some(2)
        );

        // A correction: the dismissed name is found again and stays dismissed.
        let row = contributions::get(&db, row.id).unwrap().unwrap();
        let now = crate::clock::now();
        transaction(&db, || {
            super::super::text::correct(&db, &row, "Ada Lovelace, ada@example.org", "admin", &now)
        })
        .unwrap();
        let row = contributions::get(&db, row.id).unwrap().unwrap();
        let v2 = findings::of_version(&db, row.id, 2).unwrap();
        assert_eq!(v2[0].decision, Some(Decision::Dismissed));
        assert_eq!(
            v2[0].decided_by.as_deref(),
            Some("admin"),
            "credited to who dismissed it"
        );
        assert_eq!(row.pii_count, Some(1));

        // A reviewer adds what the detector missed; a span past the text is refused.
        let after = add(&db, &Origin::default(), row.id, Kind::Name, (0, 3), me).unwrap();
        assert_eq!(after.len(), 3);
        assert_eq!(
            contributions::get(&db, row.id).unwrap().unwrap().pii_count,
            Some(2)
        );
        assert!(matches!(
            add(&db, &Origin::default(), row.id, Kind::Name, (10, 99), me),
            Err(PiiError::OutOfText { length: 29 })
        ));
        assert!(
            matches!(
                decide(
                    &db,
                    &Origin::default(),
                    row.id,
                    found[1].id,
                    Decision::Confirmed,
                    me
                ),
                Err(PiiError::NoFinding(_))
            ),
            "a finding of an older version is not the current text's"
        );
    }

    #[test]
    fn the_background_scan_takes_rows_never_scanned() {
        let db = fixture::db();
        let ada = fixture::user(&db, "Ada");
        let id = fixture::text(&db, ada, "mail me: x@example.com").row.id;
        db.execute("DELETE FROM pii_findings", &[]).unwrap();
        db.execute("UPDATE training_contributions SET pii_count = NULL", &[])
            .unwrap();
        let now = crate::clock::now();
        assert_eq!(
            transaction(&db, || scan_unscanned(&db, &now)).unwrap(),
            (1, 0)
        );
        assert_eq!(
            contributions::get(&db, id).unwrap().unwrap().pii_count,
            Some(1)
        );
        assert_eq!(
            transaction(&db, || scan_unscanned(&db, &now)).unwrap(),
            (0, 0)
        );
    }
}
