//! The `releases` table: numbered dataset releases, their selection, the checkpoint
//! they were cut at, their build state and, once published, the signed statement and
//! its leaf.

use crate::db::{Db, DbError, Row};
use serde::Serialize;
use std::collections::BTreeMap;

wire::names! {
    /// Where a release stands: the closed set of the `state` column.
    pub enum State {
        /// Rows are being hashed and files built (a background job).
        Building = "building",
        /// Its manifest is signed and its leaf is in the log; immutable from now on.
        Published = "published",
    }
}

/// One built file of a release, as first built.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct File {
    /// SHA-256 of the whole file.
    pub sha256: String,
    /// Its length.
    pub bytes: u64,
}

/// A release as stored.
#[derive(Debug, Clone, Serialize)]
pub struct Release {
    /// 1, 2, … (`v1`, `v2`, … by default).
    pub number: i64,
    /// Its unique name.
    pub name: String,
    /// Free text the admin gave.
    pub notes: String,
    /// The export query it was cut with (filters, pii policy).
    pub selection: String,
    /// `mask` or `drop`.
    pub pii: String,
    /// The formats frozen.
    pub formats: Vec<String>,
    /// Size of the signed checkpoint it was cut at.
    pub checkpoint_size: i64,
    /// That checkpoint, as signed.
    pub checkpoint: String,
    /// Rows it holds (erased rows included: they stay in its manifest, withdrawn).
    pub rows: i64,
    /// Building or published.
    pub state: State,
    /// SHA-256 of its manifest, once every row is hashed.
    pub manifest_sha256: Option<String>,
    /// The signed note naming the release, its checkpoint and manifest hash.
    pub statement: Option<String>,
    /// The release leaf's index in the log.
    pub leaf_index: Option<i64>,
    /// Each built format's file as first built.
    pub files: BTreeMap<String, File>,
    /// Who cut it (`admin`).
    pub created_by: String,
    /// When it was cut.
    pub created_at: String,
    /// When its leaf went into the log.
    pub published_at: Option<String>,
    /// How many of its rows the build has hashed (its progress).
    pub rows_hashed: i64,
    /// How many of its rows were withdrawn (erased after it was published).
    pub withdrawn: i64,
}

/// The columns, with the build's progress and the withdrawals counted alongside (one
/// statement however many releases are read).
const COLUMNS: &str = "number, name, notes, selection, pii_policy, formats, checkpoint_size, checkpoint_note, \
    row_count, state, manifest_sha256, statement, leaf_index, files, created_by, created_at, published_at, \
    (SELECT COUNT(*) FROM release_rows rr WHERE rr.release = releases.number AND rr.row_sha256 IS NOT NULL) AS rows_hashed, \
    (SELECT COUNT(*) FROM release_withdrawals w WHERE w.release = releases.number) AS withdrawn";

impl Release {
    fn from_row(r: &Row) -> Self {
        Self {
            number: r.int("number"),
            name: r.text("name"),
            notes: r.text("notes"),
            selection: r.text("selection"),
            pii: r.text("pii_policy"),
            formats: serde_json::from_str(&r.text("formats")).unwrap_or_default(),
            checkpoint_size: r.int("checkpoint_size"),
            checkpoint: r.text("checkpoint_note"),
            rows: r.int("row_count"),
            // The schema's CHECK admits only the two names.
            state: State::parse(&r.text("state")).unwrap_or(State::Building),
            manifest_sha256: r.opt_text("manifest_sha256"),
            statement: r.opt_text("statement"),
            leaf_index: r.opt_int("leaf_index"),
            files: serde_json::from_str(&r.text("files")).unwrap_or_default(),
            created_by: r.text("created_by"),
            created_at: r.text("created_at"),
            published_at: r.opt_text("published_at"),
            rows_hashed: r.int("rows_hashed"),
            withdrawn: r.int("withdrawn"),
        }
    }
}

/// What a new release is cut with.
pub struct NewRelease<'a> {
    /// Its name (`None`: `v<number>`).
    pub name: Option<&'a str>,
    /// Notes.
    pub notes: &'a str,
    /// The export query.
    pub selection: &'a str,
    /// `mask` or `drop`.
    pub pii: &'a str,
    /// Formats (JSON list).
    pub formats: &'a [String],
    /// The checkpoint's size and signed note.
    pub checkpoint: (i64, &'a str),
    /// Who.
    pub created_by: &'a str,
}

/// What [`insert`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inserted {
    /// The new release's number.
    Number(i64),
    /// Another release has this name (the one given, or the default `v<n>`).
    NameTaken(String),
}

/// Inserts a release in `building` with no rows yet.
pub fn insert(db: &dyn Db, new: &NewRelease, now: &str) -> Result<Inserted, DbError> {
    let number = db
        .execute("SELECT IFNULL(MAX(number), 0) + 1 AS n FROM releases", &[])?
        .first()
        .map(|r| r.int("n"))
        .unwrap_or(1);
    let name = new
        .name
        .map(str::to_string)
        .unwrap_or_else(|| format!("v{number}"));
    let taken = db.execute(
        "SELECT 1 FROM releases WHERE name = ?",
        &[name.as_str().into()],
    )?;
    if taken.first().is_some() {
        return Ok(Inserted::NameTaken(name));
    }
    db.execute(
        "INSERT INTO releases (number, name, notes, selection, pii_policy, formats, checkpoint_size, checkpoint_note, \
         row_count, state, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 'building', ?, ?)",
        &[
            number.into(),
            name.into(),
            new.notes.into(),
            new.selection.into(),
            new.pii.into(),
            serde_json::to_string(new.formats).unwrap_or_default().into(),
            new.checkpoint.0.into(),
            new.checkpoint.1.into(),
            new.created_by.into(),
            now.into(),
        ],
    )?;
    Ok(Inserted::Number(number))
}

/// Records how many rows the release holds.
pub fn set_row_count(db: &dyn Db, number: i64, rows: i64) -> Result<(), DbError> {
    db.execute(
        "UPDATE releases SET row_count = ? WHERE number = ?",
        &[rows.into(), number.into()],
    )?;
    Ok(())
}

/// Records the manifest's hash once every row is hashed.
pub fn set_manifest(db: &dyn Db, number: i64, sha256: &str) -> Result<(), DbError> {
    db.execute(
        "UPDATE releases SET manifest_sha256 = ? WHERE number = ? AND manifest_sha256 IS NULL",
        &[sha256.into(), number.into()],
    )?;
    Ok(())
}

/// Records a format's file as first built from the manifest `manifest` (ignored when
/// the release's rows changed since, or the format is recorded already).
pub fn add_file(
    db: &dyn Db,
    number: i64,
    format: &str,
    manifest: &str,
    file: &File,
) -> Result<(), DbError> {
    db.execute(
        "UPDATE releases SET files = json_set(files, '$.' || ?, json(?)) \
         WHERE number = ? AND manifest_sha256 = ? AND json_extract(files, '$.' || ?) IS NULL",
        &[
            format.into(),
            serde_json::to_string(file).unwrap_or_default().into(),
            number.into(),
            manifest.into(),
            format.into(),
        ],
    )?;
    Ok(())
}

/// Row `id` is leaving the releases still building that hold it: their manifest and
/// files are hashed again.
pub fn rehash_building_with(db: &dyn Db, id: i64) -> Result<(), DbError> {
    db.execute(
        "UPDATE releases SET manifest_sha256 = NULL, files = '{}' WHERE state = 'building' \
         AND number IN (SELECT release FROM release_rows WHERE contribution_id = ?)",
        &[id.into()],
    )?;
    Ok(())
}

/// Marks the release published with its statement and leaf; false when it already was.
pub fn publish(
    db: &dyn Db,
    number: i64,
    statement: &str,
    leaf_index: i64,
    now: &str,
) -> Result<bool, DbError> {
    let rows = db.execute(
        "UPDATE releases SET state = 'published', statement = ?, leaf_index = ?, published_at = ? \
         WHERE number = ? AND state = 'building' RETURNING number",
        &[
            statement.into(),
            leaf_index.into(),
            now.into(),
            number.into(),
        ],
    )?;
    Ok(rows.first().is_some())
}

/// Release `number`.
pub fn get(db: &dyn Db, number: i64) -> Result<Option<Release>, DbError> {
    let rows = db.execute(
        &format!("SELECT {COLUMNS} FROM releases WHERE number = ?"),
        &[number.into()],
    )?;
    Ok(rows.first().map(|r| Release::from_row(&r)))
}

/// Every release, newest first.
pub fn list(db: &dyn Db) -> Result<Vec<Release>, DbError> {
    let rows = db.execute(
        &format!("SELECT {COLUMNS} FROM releases ORDER BY number DESC"),
        &[],
    )?;
    Ok(rows.iter().map(|r| Release::from_row(&r)).collect())
}
