//! The `release_rows` table: which rows a release holds and, per row, the state its
//! files are rebuilt from (the text version, review and extraction as they were when
//! it was cut), with the row's and its media's SHA-256 once the build has hashed it.

use crate::db::{Db, DbError, Row, Value};
use crate::store::contributions::{where_clause, Contribution, Filter};
use std::collections::HashMap;
use wire::lifecycle::{ReviewState, TextSource};

/// Freezes the rows `filter` selects whose leaves are below `checkpoint_size` into
/// release `number`; how many. One INSERT … SELECT and a COUNT by the primary key, so
/// no row crosses into the component however large the release.
pub fn freeze(
    db: &dyn Db,
    number: i64,
    filter: &Filter,
    checkpoint_size: i64,
) -> Result<i64, DbError> {
    let (clause, mut params) = where_clause(filter);
    let mut all: Vec<Value> = vec![number.into()];
    all.append(&mut params);
    all.push(checkpoint_size.into());
    db.execute(
        &format!(
            "INSERT INTO release_rows (release, contribution_id, leaf_index, commitment, text_version, text_source, \
             extraction_engine, extraction_model, extraction_confidence, review_state, review_votes, pii_count) \
             SELECT ?, id, leaf_index, commitment, text_version, text_source, extraction_engine, extraction_model, \
             extraction_confidence, review_state, review_votes, pii_count FROM training_contributions \
             WHERE {clause} AND leaf_index < ? AND commitment IS NOT NULL AND text_version IS NOT NULL"
        ),
        &all,
    )?;
    let counted = db.execute(
        "SELECT COUNT(*) AS n FROM release_rows WHERE release = ?",
        &[number.into()],
    )?;
    Ok(counted.first().map(|r| r.int("n")).unwrap_or(0))
}

/// A row as a release froze it: what its files read instead of the live row.
#[derive(Debug, Clone)]
pub struct Frozen {
    /// The contribution.
    pub id: i64,
    /// The text version the release uses, and its text.
    pub text_version: i64,
    /// That version's text.
    pub text: String,
    text_source: Option<TextSource>,
    extraction_engine: Option<String>,
    extraction_model: Option<String>,
    extraction_confidence: Option<f64>,
    review_state: ReviewState,
    review_votes: i64,
    pii_count: Option<i64>,
}

impl Frozen {
    fn from_row(r: &Row) -> Self {
        Self {
            id: r.int("contribution_id"),
            text_version: r.int("text_version"),
            text: r.text("text"),
            text_source: r
                .opt_text("text_source")
                .and_then(|t| TextSource::parse(&t)),
            extraction_engine: r.opt_text("extraction_engine"),
            extraction_model: r.opt_text("extraction_model"),
            extraction_confidence: r.opt_real("extraction_confidence"),
            // Copied from the contributions' own CHECKed column.
            review_state: ReviewState::parse(&r.text("review_state"))
                .unwrap_or(ReviewState::Unreviewed),
            review_votes: r.int("review_votes"),
            pii_count: r.opt_int("pii_count"),
        }
    }

    /// The live row as the release froze it.
    pub fn apply(self, row: &mut Contribution) {
        row.text_version = Some(self.text_version);
        row.extracted_text = Some(self.text);
        row.text_source = self.text_source;
        row.extraction_engine = self.extraction_engine;
        row.extraction_model = self.extraction_model;
        row.extraction_confidence = self.extraction_confidence;
        row.review_state = self.review_state;
        row.review_votes = self.review_votes;
        row.pii_count = self.pii_count;
    }
}

/// Which frozen rows a page reads.
#[derive(Debug, Clone, Copy)]
pub enum Pending {
    /// Every row still there (not erased).
    All,
    /// Only those the build has not hashed yet.
    Unhashed,
}

/// Up to `limit` of release `number`'s rows after contribution `after`, in id order,
/// with their frozen text; erased rows (their text versions gone) are not among them.
pub fn page(
    db: &dyn Db,
    number: i64,
    after: i64,
    limit: usize,
    pending: Pending,
) -> Result<Vec<Frozen>, DbError> {
    let unhashed = match pending {
        Pending::All => "",
        Pending::Unhashed => " AND rr.row_sha256 IS NULL",
    };
    let rows = db.execute(
        &format!(
            "SELECT rr.contribution_id, rr.text_version, tv.text, rr.text_source, rr.extraction_engine, \
             rr.extraction_model, rr.extraction_confidence, rr.review_state, rr.review_votes, rr.pii_count \
             FROM release_rows rr JOIN text_versions tv \
             ON tv.contribution_id = rr.contribution_id AND tv.version = rr.text_version \
             WHERE rr.release = ? AND rr.contribution_id > ?{unhashed} ORDER BY rr.contribution_id LIMIT ?"
        ),
        &[number.into(), after.into(), (limit as i64).into()],
    )?;
    Ok(rows.iter().map(|r| Frozen::from_row(&r)).collect())
}

/// Records rows' hashes: (contribution, row SHA-256, media SHA-256).
pub fn set_hashes(
    db: &dyn Db,
    number: i64,
    hashes: &[(i64, String, Option<String>)],
) -> Result<(), DbError> {
    for chunk in hashes.chunks(300) {
        let values = vec!["(?, ?, ?)"; chunk.len()].join(", ");
        let mut params: Vec<Value> = chunk
            .iter()
            .flat_map(|(id, row, media)| [(*id).into(), row.as_str().into(), media.clone().into()])
            .collect();
        params.push(number.into());
        db.execute(
            &format!(
                "WITH h(id, row_sha, media_sha) AS (VALUES {values}) \
                 UPDATE release_rows SET row_sha256 = (SELECT row_sha FROM h WHERE h.id = contribution_id), \
                 media_sha256 = (SELECT media_sha FROM h WHERE h.id = contribution_id) \
                 WHERE release = ? AND contribution_id IN (SELECT id FROM h)"
            ),
            &params,
        )?;
    }
    Ok(())
}

/// How many of release `number`'s rows are still there (not erased: their text
/// versions are gone), as [`page`] reads them; `with_text`: only those whose frozen
/// text is not empty (what a chat file holds).
pub fn live_count(db: &dyn Db, number: i64, with_text: bool) -> Result<u64, DbError> {
    let rows = db.execute(
        "SELECT COUNT(*) AS n FROM release_rows rr JOIN text_versions tv \
         ON tv.contribution_id = rr.contribution_id AND tv.version = rr.text_version \
         WHERE rr.release = ? AND (? = 0 OR tv.text <> '')",
        &[number.into(), i64::from(with_text).into()],
    )?;
    Ok(rows.first().map(|r| r.int("n") as u64).unwrap_or(0))
}

/// One line of a manifest.
pub struct ManifestLine {
    /// The row's contribution (the walk's cursor; not in the manifest).
    pub id: i64,
    /// Its leaf.
    pub leaf_index: i64,
    /// Its commitment.
    pub commitment: String,
    /// SHA-256 of its jsonl line.
    pub row_sha256: String,
    /// SHA-256 of its media as the hf files carry it.
    pub media_sha256: Option<String>,
}

/// Up to `limit` hashed manifest lines of release `number` after contribution `after`
/// (erased rows included: the manifest never changes).
pub fn manifest(
    db: &dyn Db,
    number: i64,
    after: i64,
    limit: usize,
) -> Result<Vec<ManifestLine>, DbError> {
    let rows = db.execute(
        "SELECT contribution_id, leaf_index, commitment, row_sha256, media_sha256 FROM release_rows \
         WHERE release = ? AND contribution_id > ? AND row_sha256 IS NOT NULL ORDER BY contribution_id LIMIT ?",
        &[number.into(), after.into(), (limit as i64).into()],
    )?;
    Ok(rows
        .iter()
        .map(|r| ManifestLine {
            id: r.int("contribution_id"),
            leaf_index: r.int("leaf_index"),
            commitment: r.text("commitment"),
            row_sha256: r.text("row_sha256"),
            media_sha256: r.opt_text("media_sha256"),
        })
        .collect())
}

/// One published release a row is in, as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InRelease {
    /// The release's number.
    pub release: i64,
    /// Its name.
    pub name: String,
    /// The row's leaf, as its manifest line names it.
    pub leaf_index: i64,
    /// SHA-256 of the row's jsonl line in the release (its manifest line's third field).
    pub row_sha256: String,
    /// The manifest's SHA-256, which the release's signed statement names.
    pub manifest_sha256: String,
}

/// The published releases each of rows `ids` is in, oldest first (one statement for a
/// page of rows); a row in none is absent from the map.
pub fn of_contributions(db: &dyn Db, ids: &[i64]) -> Result<HashMap<i64, Vec<InRelease>>, DbError> {
    let mut found: HashMap<i64, Vec<InRelease>> = HashMap::new();
    if ids.is_empty() {
        return Ok(found);
    }
    let marks = vec!["?"; ids.len()].join(", ");
    let params: Vec<Value> = ids.iter().map(|id| (*id).into()).collect();
    let rows = db.execute(
        &format!(
            "SELECT rr.contribution_id, rr.release, r.name, rr.leaf_index, rr.row_sha256, r.manifest_sha256 \
             FROM release_rows rr JOIN releases r ON r.number = rr.release \
             WHERE rr.contribution_id IN ({marks}) AND r.state = 'published' ORDER BY rr.release"
        ),
        &params,
    )?;
    for r in rows.iter() {
        found
            .entry(r.int("contribution_id"))
            .or_default()
            .push(InRelease {
                release: r.int("release"),
                name: r.text("name"),
                leaf_index: r.int("leaf_index"),
                row_sha256: r.text("row_sha256"),
                manifest_sha256: r.text("manifest_sha256"),
            });
    }
    Ok(found)
}

/// An erased row leaves the releases still building (it never was in them).
pub fn leave_building(db: &dyn Db, id: i64) -> Result<(), DbError> {
    db.execute(
        "DELETE FROM release_rows WHERE contribution_id = ? \
         AND release IN (SELECT number FROM releases WHERE state = 'building')",
        &[id.into()],
    )?;
    Ok(())
}
