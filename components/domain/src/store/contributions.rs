//! The `training_contributions` table.

use crate::db::{Db, DbError, Row, Value};
use std::collections::HashMap;
use wire::lifecycle::{ReviewState, Status, TextSource};
use wire::media::Modality;

/// Columns every read selects, in one place.
const COLUMNS: &str = "id, user_id, campaign_id, modality, status, mime, byte_size, content_hash, extracted_text, strokes, \
    metadata, extraction_engine, extraction_model, extraction_confidence, last_error, included_in_training, \
    user_can_export, user_can_delete, created_at, updated_at, commitment, commitment_salt, ethereum_checksum, \
    leaf_index, qr_verification_code, text_version, text_source, review_state, reviewed_by, reviewed_at, review_wer, review_votes, extraction_flag, pii_count";

/// One contribution as its owner (or the admin) sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    /// Row id.
    pub id: i64,
    /// Owner; `None` for anonymous contributions.
    pub user_id: Option<i64>,
    /// The campaign it was given to, if any.
    pub campaign_id: Option<i64>,
    /// `voice`, `screenshot`, `drawing` or `text`.
    pub modality: Modality,
    /// Where its text extraction stands.
    pub status: Status,
    /// Real media type of the content.
    pub mime: String,
    /// Size of the content in bytes.
    pub byte_size: i64,
    /// SHA-256 of the raw content.
    pub content_hash: String,
    /// Text extracted from the content (the text itself for text).
    pub extracted_text: Option<String>,
    /// Drawing strokes (JSON).
    pub strokes: Option<String>,
    /// Client metadata (JSON object).
    pub metadata: String,
    /// Which engine extracted the text.
    pub extraction_engine: Option<String>,
    /// Which model extracted the text.
    pub extraction_model: Option<String>,
    /// The engine's confidence.
    pub extraction_confidence: Option<f64>,
    /// The last extraction error, if any.
    pub last_error: Option<String>,
    /// Why the engine's own signals say its extraction is likely wrong, if they do.
    pub extraction_flag: Option<String>,
    /// Opt-in to training exports.
    pub included_in_training: bool,
    /// The owner may export this row.
    pub user_can_export: bool,
    /// The owner may delete this row.
    pub user_can_delete: bool,
    /// Creation time (UTC RFC 3339).
    pub created_at: String,
    /// Last change (UTC RFC 3339).
    pub updated_at: String,
    /// SHA-256(salt || content hash): the public commitment.
    pub commitment: Option<String>,
    /// The commitment's salt (destroyed on delete).
    pub commitment_salt: Vec<u8>,
    /// EIP-55 checksum of the content's Keccak-256.
    pub ethereum_checksum: Option<String>,
    /// Position of this row's leaf in the Merkle log.
    pub leaf_index: Option<i64>,
    /// Random code of the public verify URL.
    pub verification_code: Option<String>,
    /// Which version of the text `extracted_text` is (`text_versions`).
    pub text_version: Option<i64>,
    /// Who wrote the current text.
    pub text_source: Option<TextSource>,
    /// Where review of the current text stands (derived from its votes).
    pub review_state: ReviewState,
    /// Who cast the deciding vote (`user:<id>` or `admin`).
    pub reviewed_by: Option<String>,
    /// When.
    pub reviewed_at: Option<String>,
    /// Word error rate of the machine text against the accepted text.
    pub review_wer: Option<f64>,
    /// Reviewers' votes on the current text (or on the text they settled).
    pub review_votes: i64,
    /// Personal data found in the current text and not dismissed by a reviewer
    /// (`pii_findings`); `None` until the row has been scanned.
    pub pii_count: Option<i64>,
}

impl Contribution {
    fn from_row(r: &Row) -> Self {
        Self {
            id: r.int("id"),
            user_id: r.opt_int("user_id"),
            campaign_id: r.opt_int("campaign_id"),
            // The schema's CHECK admits only the four names.
            modality: Modality::parse(&r.text("modality")).unwrap_or(Modality::Text),
            // The schema's CHECK admits only the four names.
            status: Status::parse(&r.text("status")).unwrap_or(Status::Pending),
            mime: r.text("mime"),
            byte_size: r.int("byte_size"),
            content_hash: r.text("content_hash"),
            extracted_text: r.opt_text("extracted_text"),
            strokes: r.opt_text("strokes"),
            metadata: r.text("metadata"),
            extraction_engine: r.opt_text("extraction_engine"),
            extraction_model: r.opt_text("extraction_model"),
            extraction_confidence: r.opt_real("extraction_confidence"),
            last_error: r.opt_text("last_error"),
            extraction_flag: r.opt_text("extraction_flag"),
            included_in_training: r.int("included_in_training") != 0,
            user_can_export: r.int("user_can_export") != 0,
            user_can_delete: r.int("user_can_delete") != 0,
            created_at: r.text("created_at"),
            updated_at: r.text("updated_at"),
            commitment: r.opt_text("commitment"),
            commitment_salt: r.blob("commitment_salt"),
            ethereum_checksum: r.opt_text("ethereum_checksum"),
            leaf_index: r.opt_int("leaf_index"),
            verification_code: r.opt_text("qr_verification_code"),
            text_version: r.opt_int("text_version"),
            text_source: r
                .opt_text("text_source")
                .and_then(|t| TextSource::parse(&t)),
            // The schema's CHECK admits only the three names.
            review_state: ReviewState::parse(&r.text("review_state"))
                .unwrap_or(ReviewState::Unreviewed),
            reviewed_by: r.opt_text("reviewed_by"),
            reviewed_at: r.opt_text("reviewed_at"),
            review_wer: r.opt_real("review_wer"),
            review_votes: r.int("review_votes"),
            pii_count: r.opt_int("pii_count"),
        }
    }
}

/// What a new row holds.
pub struct NewRow<'a> {
    /// Owner (`None`: anonymous).
    pub user_id: Option<i64>,
    /// The campaign it counts for, if any.
    pub campaign_id: Option<i64>,
    /// Modality name.
    pub modality: Modality,
    /// Initial status.
    pub status: Status,
    /// Media type.
    pub mime: &'a str,
    /// Content size.
    pub byte_size: i64,
    /// SHA-256 of the content.
    pub content_hash: &'a str,
    /// The blob holding media bytes.
    pub blob_sha256: Option<&'a str>,
    /// Text known at once (text contributions, a drawing's shape).
    pub extracted_text: Option<String>,
    /// Where that text comes from when it is the row's first version (text
    /// contributions); `None` while it is provisional (a drawing waiting for OCR).
    pub text_source: Option<TextSource>,
    /// Drawing strokes.
    pub strokes: Option<&'a str>,
    /// Metadata JSON.
    pub metadata: &'a str,
    /// Creation time (an import may carry the original one).
    pub created_at: &'a str,
    /// When it is stored.
    pub now: &'a str,
    /// Whether it goes into training exports.
    pub included_in_training: bool,
    /// Salted commitment.
    pub commitment: &'a str,
    /// Its salt.
    pub commitment_salt: &'a [u8],
    /// EIP-55 Keccak checksum of the content.
    pub ethereum_checksum: &'a str,
    /// The leaf this row will get.
    pub leaf_index: u64,
    /// Verify-URL code.
    pub verification_code: &'a str,
    /// Findings of personal data in its first text version, when it has one.
    pub pii_count: Option<i64>,
}

/// Inserts new rows (the caller found no live duplicate of any of them inside its
/// write transaction) with multi-row statements; the rows inserted, in leaf order. A
/// row that met a duplicate after all is skipped, so fewer rows come back.
pub fn insert_many(db: &dyn Db, rows: &[NewRow]) -> Result<Vec<Contribution>, DbError> {
    const WIDTH: usize = 22;
    let params: Vec<Value> = rows
        .iter()
        .flat_map(|row| -> [Value; WIDTH] {
            [
                row.user_id.into(),
                row.campaign_id.into(),
                row.modality.as_str().into(),
                row.status.as_str().into(),
                row.mime.into(),
                row.byte_size.into(),
                row.content_hash.into(),
                row.blob_sha256.into(),
                row.extracted_text.clone().into(),
                row.strokes.into(),
                row.metadata.into(),
                row.created_at.into(),
                row.now.into(),
                row.commitment.into(),
                row.commitment_salt.to_vec().into(),
                row.ethereum_checksum.into(),
                (row.leaf_index as i64).into(),
                row.verification_code.into(),
                row.text_source.map(TextSource::as_str).into(),
                row.text_source.map(|_| 1i64).into(),
                i64::from(row.included_in_training).into(),
                row.pii_count.into(),
            ]
        })
        .collect();
    let inserted = crate::db::insert_rows(
        db,
        "INSERT INTO training_contributions (user_id, campaign_id, modality, status, mime, byte_size, content_hash, \
         blob_sha256, extracted_text, strokes, metadata, created_at, updated_at, commitment, commitment_salt, \
         ethereum_checksum, leaf_index, qr_verification_code, text_source, text_version, included_in_training, pii_count)",
        WIDTH,
        &params,
        &format!("ON CONFLICT DO NOTHING RETURNING {COLUMNS}"),
    )?;
    let mut out: Vec<Contribution> = inserted
        .iter()
        .map(|r| Contribution::from_row(&r))
        .collect();
    out.sort_by_key(|c| c.leaf_index);
    Ok(out)
}

/// The owners' live rows with these contents, by (owner or 0, content hash): duplicate
/// detection for a batch, one statement per owner and 500 hashes.
pub fn live_by_owner_and_hash(
    db: &dyn Db,
    keys: &[(Option<i64>, &str)],
) -> Result<HashMap<(i64, String), Contribution>, DbError> {
    let mut by_owner: HashMap<i64, Vec<&str>> = HashMap::new();
    for (owner, hash) in keys {
        by_owner.entry(owner.unwrap_or(0)).or_default().push(hash);
    }
    let mut out = HashMap::new();
    for (owner, hashes) in by_owner {
        for chunk in hashes.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(", ");
            let mut params: Vec<Value> = vec![owner.into()];
            params.extend(chunk.iter().map(|h| Value::from(*h)));
            let rows = db.execute(
                &format!(
                    "SELECT {COLUMNS} FROM training_contributions WHERE IFNULL(user_id, 0) = ? \
                          AND content_hash IN ({marks}) AND deleted_at IS NULL"
                ),
                &params,
            )?;
            for r in rows.iter() {
                let row = Contribution::from_row(&r);
                out.insert((owner, row.content_hash.clone()), row);
            }
        }
    }
    Ok(out)
}

/// The owner's live row with this content, if any (duplicate detection).
pub fn find_by_owner_and_hash(
    db: &dyn Db,
    user_id: Option<i64>,
    content_hash: &str,
) -> Result<Option<Contribution>, DbError> {
    let rows = db.execute(
        &format!("SELECT {COLUMNS} FROM training_contributions WHERE IFNULL(user_id, 0) = ? AND content_hash = ? AND deleted_at IS NULL"),
        &[user_id.unwrap_or(0).into(), content_hash.into()],
    )?;
    Ok(rows.first().map(|r| Contribution::from_row(&r)))
}

/// A live row by id.
pub fn get(db: &dyn Db, id: i64) -> Result<Option<Contribution>, DbError> {
    let rows = db.execute(
        &format!(
            "SELECT {COLUMNS} FROM training_contributions WHERE id = ? AND deleted_at IS NULL"
        ),
        &[id.into()],
    )?;
    Ok(rows.first().map(|r| Contribution::from_row(&r)))
}

/// The live rows among `ids`, by id (one statement per 500 ids).
pub fn get_many(db: &dyn Db, ids: &[i64]) -> Result<HashMap<i64, Contribution>, DbError> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let params: Vec<Value> = chunk.iter().map(|id| (*id).into()).collect();
        let rows = db.execute(
            &format!("SELECT {COLUMNS} FROM training_contributions WHERE id IN ({marks}) AND deleted_at IS NULL"),
            &params,
        )?;
        for r in rows.iter() {
            let row = Contribution::from_row(&r);
            out.insert(row.id, row);
        }
    }
    Ok(out)
}

/// A live row by its verify-URL code.
pub fn get_by_code(db: &dyn Db, code: &str) -> Result<Option<Contribution>, DbError> {
    let rows = db.execute(
        &format!("SELECT {COLUMNS} FROM training_contributions WHERE qr_verification_code = ? AND deleted_at IS NULL"),
        &[code.into()],
    )?;
    Ok(rows.first().map(|r| Contribution::from_row(&r)))
}

/// Listing filters; every field narrows the result.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    /// Only this owner's rows.
    pub user_id: Option<i64>,
    /// Only the rows of the campaign with this slug.
    pub campaign: Option<String>,
    /// Only this modality.
    pub modality: Option<Modality>,
    /// Only this status.
    pub status: Option<Status>,
    /// Extracted text contains this (case-insensitive for ASCII).
    pub q: Option<String>,
    /// Created at or after (storage format).
    pub since: Option<String>,
    /// Created before (storage format).
    pub until: Option<String>,
    /// Keyset cursor: only ids below this (newest-first walks).
    pub before_id: Option<i64>,
    /// Keyset cursor: only ids above this (oldest-first walks).
    pub after_id: Option<i64>,
    /// Only rows opted in to training.
    pub training_only: bool,
    /// Only rows in this review state.
    pub review_state: Option<ReviewState>,
    /// Only rows with a non-empty text.
    pub with_text: bool,
    /// Which rows personal data in them leaves out.
    pub pii: PiiRows,
}

/// Which rows an export's personal-data policy leaves out. Rows not scanned yet count
/// as having findings: leaving one out is the safe mistake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PiiRows {
    /// Every row.
    #[default]
    All,
    /// Only rows without findings.
    Clean,
}

/// The WHERE clause (and its parameters) selecting live rows that match `filter`
/// (a release freezes its selection with it).
pub fn where_clause(filter: &Filter) -> (String, Vec<Value>) {
    let mut sql = String::from("deleted_at IS NULL");
    let mut params: Vec<Value> = Vec::new();
    let mut narrow = |clause: &str, value: Value| {
        sql.push_str(" AND ");
        sql.push_str(clause);
        params.push(value);
    };
    if let Some(u) = filter.user_id {
        narrow("user_id = ?", u.into());
    }
    if let Some(slug) = &filter.campaign {
        narrow(
            "campaign_id = (SELECT id FROM campaigns WHERE slug = ?)",
            slug.as_str().into(),
        );
    }
    if let Some(m) = &filter.modality {
        narrow("modality = ?", m.as_str().into());
    }
    if let Some(s) = &filter.status {
        narrow("status = ?", s.as_str().into());
    }
    if let Some(q) = &filter.q {
        let escaped = q
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        narrow(
            "extracted_text LIKE ? ESCAPE '\\'",
            format!("%{escaped}%").into(),
        );
    }
    if let Some(s) = &filter.since {
        narrow("created_at >= ?", s.as_str().into());
    }
    if let Some(u) = &filter.until {
        narrow("created_at < ?", u.as_str().into());
    }
    if let Some(id) = filter.before_id {
        narrow("id < ?", id.into());
    }
    if let Some(id) = filter.after_id {
        narrow("id > ?", id.into());
    }
    if let Some(r) = filter.review_state {
        narrow("review_state = ?", r.as_str().into());
    }
    if filter.training_only {
        sql.push_str(" AND included_in_training = 1");
    }
    if filter.with_text {
        sql.push_str(" AND extracted_text <> ''");
    }
    match filter.pii {
        PiiRows::All => {}
        PiiRows::Clean => sql.push_str(" AND pii_count = 0"),
    }
    (sql, params)
}

/// Newest-first page of at most `limit` rows matching `filter`.
pub fn list(db: &dyn Db, filter: &Filter, limit: usize) -> Result<Vec<Contribution>, DbError> {
    let (clause, mut params) = where_clause(filter);
    params.push((limit as i64).into());
    let rows = db.execute(
        &format!(
            "SELECT {COLUMNS} FROM training_contributions WHERE {clause} ORDER BY id DESC LIMIT ?"
        ),
        &params,
    )?;
    Ok(rows.iter().map(|r| Contribution::from_row(&r)).collect())
}

/// Oldest-first page of at most `limit` rows matching `filter` (exports walk forward
/// with `after_id`).
pub fn list_oldest_first(
    db: &dyn Db,
    filter: &Filter,
    limit: usize,
) -> Result<Vec<Contribution>, DbError> {
    let (clause, mut params) = where_clause(filter);
    params.push((limit as i64).into());
    let rows = db.execute(
        &format!(
            "SELECT {COLUMNS} FROM training_contributions WHERE {clause} ORDER BY id ASC LIMIT ?"
        ),
        &params,
    )?;
    Ok(rows.iter().map(|r| Contribution::from_row(&r)).collect())
}

/// How many rows match `filter`.
pub fn count(db: &dyn Db, filter: &Filter) -> Result<u64, DbError> {
    let (clause, params) = where_clause(filter);
    let rows = db.execute(
        &format!("SELECT COUNT(*) AS n FROM training_contributions WHERE {clause}"),
        &params,
    )?;
    Ok(rows.first().map(|r| r.int("n") as u64).unwrap_or(0))
}

/// Matching rows per modality.
pub fn count_by_modality(db: &dyn Db, filter: &Filter) -> Result<Vec<(String, u64)>, DbError> {
    let (clause, params) = where_clause(filter);
    let rows = db.execute(
        &format!("SELECT modality, COUNT(*) AS n FROM training_contributions WHERE {clause} GROUP BY modality ORDER BY modality"),
        &params,
    )?;
    Ok(rows
        .iter()
        .map(|r| (r.text("modality"), r.int("n") as u64))
        .collect())
}

/// The media bytes of a row, if it has a blob.
pub fn media(db: &dyn Db, id: i64) -> Result<Option<Vec<u8>>, DbError> {
    let rows = db.execute(
        "SELECT b.data FROM training_contributions c JOIN blobs b ON b.sha256 = c.blob_sha256 WHERE c.id = ?",
        &[id.into()],
    )?;
    Ok(rows.first().map(|r| r.blob("data")))
}

/// The first `bytes` bytes of a row's media (enough for an image's size).
pub fn media_head(db: &dyn Db, id: i64, bytes: i64) -> Result<Option<Vec<u8>>, DbError> {
    let rows = db.execute(
        "SELECT substr(b.data, 1, ?) AS head FROM training_contributions c JOIN blobs b ON b.sha256 = c.blob_sha256 WHERE c.id = ?",
        &[bytes.into(), id.into()],
    )?;
    Ok(rows.first().map(|r| r.blob("head")))
}

/// Opts a row in or out of training exports.
pub fn set_included(db: &dyn Db, id: i64, included: bool, now: &str) -> Result<(), DbError> {
    db.execute(
        "UPDATE training_contributions SET included_in_training = ?, updated_at = ? WHERE id = ?",
        &[i64::from(included).into(), now.into(), id.into()],
    )?;
    Ok(())
}

/// Erases a row's content and everything that could link its public leaf back to it
/// (salt, hashes, text, media reference, owner), keeping a tombstone: id, modality,
/// times, leaf index and the public commitment. Returns the blob it referenced.
pub fn erase(db: &dyn Db, id: i64, now: &str) -> Result<Option<String>, DbError> {
    overwrite_content(db, id)?;
    let blob = db
        .execute(
            "SELECT blob_sha256 FROM training_contributions WHERE id = ?",
            &[id.into()],
        )?
        .first()
        .and_then(|r| r.opt_text("blob_sha256"));
    db.execute(
        "UPDATE training_contributions SET user_id = NULL, mime = '', byte_size = 0, content_hash = '', \
         blob_sha256 = NULL, extracted_text = NULL, strokes = NULL, metadata = '{}', extraction_engine = NULL, \
         extraction_model = NULL, extraction_confidence = NULL, extraction_flag = NULL, last_error = NULL, qr_verification_code = NULL, \
         commitment_salt = NULL, ethereum_checksum = NULL, included_in_training = 0, text_version = NULL, \
         text_source = NULL, reviewed_by = NULL, reviewed_at = NULL, review_wer = NULL, review_votes = 0, updated_at = ?, deleted_at = ? \
         WHERE id = ?",
        &[now.into(), now.into(), id.into()],
    )?;
    Ok(blob)
}

/// Text columns that hold a contribution's content or something derived from it.
const CONTENT_TEXT_COLUMNS: &[&str] = &[
    "mime",
    "content_hash",
    "extracted_text",
    "strokes",
    "metadata",
    "extraction_engine",
    "extraction_model",
    "last_error",
    "qr_verification_code",
    "ethereum_checksum",
];

/// Overwrites a row's content columns with filler of the same byte length and type.
/// A record of unchanged size is rewritten in place by SQLite (overflow pages too),
/// so the old bytes are gone from the table's pages on every backend, also where
/// `secure_delete` is refused (remote libSQL); [`erase`] then clears the columns.
fn overwrite_content(db: &dyn Db, id: i64) -> Result<(), DbError> {
    let mut sets: Vec<String> = CONTENT_TEXT_COLUMNS
        .iter()
        .map(|c| super::same_size_filler(c))
        .collect();
    sets.push("commitment_salt = zeroblob(length(commitment_salt))".into());
    db.execute(
        &format!(
            "UPDATE training_contributions SET {} WHERE id = ?",
            sets.join(", ")
        ),
        &[id.into()],
    )?;
    Ok(())
}

/// Ids of a user's live rows.
pub fn ids_of_user(db: &dyn Db, user_id: i64) -> Result<Vec<i64>, DbError> {
    let rows = db.execute(
        "SELECT id FROM training_contributions WHERE user_id = ? AND deleted_at IS NULL",
        &[user_id.into()],
    )?;
    Ok(rows.iter().map(|r| r.int("id")).collect())
}

/// Marks a row as waiting for extraction again (a requeue).
pub fn mark_pending(db: &dyn Db, id: i64, now: &str) -> Result<(), DbError> {
    db.execute(
        "UPDATE training_contributions SET status = 'pending', last_error = NULL, updated_at = ? WHERE id = ?",
        &[now.into(), id.into()],
    )?;
    Ok(())
}

/// New rows per day and modality since `since` (tombstones included): (day, modality, n).
pub fn created_per_day(db: &dyn Db, since: &str) -> Result<Vec<(String, String, i64)>, DbError> {
    let rows = db.execute(
        "SELECT substr(created_at, 1, 10) AS day, modality, COUNT(*) AS n FROM training_contributions \
         WHERE created_at >= ? GROUP BY day, modality",
        &[since.into()],
    )?;
    Ok(rows
        .iter()
        .map(|r| (r.text("day"), r.text("modality"), r.int("n")))
        .collect())
}

/// Training rows (complete, opted in, live) created before `before`.
pub fn training_rows_before(db: &dyn Db, before: &str) -> Result<i64, DbError> {
    let rows = db.execute(
        "SELECT COUNT(*) AS n FROM training_contributions WHERE deleted_at IS NULL AND status = 'complete' \
         AND included_in_training = 1 AND created_at < ?",
        &[before.into()],
    )?;
    Ok(rows.first().map(|r| r.int("n")).unwrap_or(0))
}

/// Training rows (complete, opted in, live) per creation day since `since`.
pub fn training_rows_per_day(db: &dyn Db, since: &str) -> Result<Vec<(String, i64)>, DbError> {
    let rows = db.execute(
        "SELECT substr(created_at, 1, 10) AS day, COUNT(*) AS n FROM training_contributions WHERE deleted_at IS NULL \
         AND status = 'complete' AND included_in_training = 1 AND created_at >= ? GROUP BY day",
        &[since.into()],
    )?;
    Ok(rows.iter().map(|r| (r.text("day"), r.int("n"))).collect())
}

/// Leaf indices of erased rows: their salt is gone, so the leaf links to nothing.
pub fn deleted_leaf_indices(db: &dyn Db) -> Result<Vec<i64>, DbError> {
    let rows = db.execute(
        "SELECT leaf_index FROM training_contributions WHERE deleted_at IS NOT NULL AND leaf_index IS NOT NULL ORDER BY leaf_index",
        &[],
    )?;
    Ok(rows.iter().map(|r| r.int("leaf_index")).collect())
}

/// (key, count) pairs of an aggregate.
pub type Counts = Vec<(String, i64)>;

/// Live rows per modality and per creation day (aggregate numbers for the public site).
pub fn public_counts(db: &dyn Db) -> Result<(Counts, Counts), DbError> {
    let by_modality = db.execute(
        "SELECT modality, COUNT(*) AS n FROM training_contributions WHERE deleted_at IS NULL GROUP BY modality ORDER BY modality",
        &[],
    )?;
    let by_day = db.execute(
        "SELECT substr(created_at, 1, 10) AS day, COUNT(*) AS n FROM training_contributions WHERE deleted_at IS NULL \
         GROUP BY day ORDER BY day",
        &[],
    )?;
    Ok((
        by_modality
            .iter()
            .map(|r| (r.text("modality"), r.int("n")))
            .collect(),
        by_day.iter().map(|r| (r.text("day"), r.int("n"))).collect(),
    ))
}

/// (verification code, leaf index) of live rows.
pub fn verification_codes(db: &dyn Db) -> Result<Vec<(String, i64)>, DbError> {
    let rows = db.execute(
        "SELECT qr_verification_code AS code, leaf_index FROM training_contributions \
         WHERE deleted_at IS NULL AND qr_verification_code IS NOT NULL AND leaf_index IS NOT NULL",
        &[],
    )?;
    Ok(rows
        .iter()
        .map(|r| (r.text("code"), r.int("leaf_index")))
        .collect())
}

/// Marks live rows whose leaf is in the first `tree_size` leaves as published under
/// the checkpoint root; returns how many changed.
pub fn mark_published(
    db: &dyn Db,
    tree_size: u64,
    root_hex: &str,
    now: &str,
) -> Result<u64, DbError> {
    let rows = db.execute(
        "UPDATE training_contributions SET github_published = 1, snapshot_hash = ?, updated_at = ? \
         WHERE leaf_index < ? AND deleted_at IS NULL AND github_published = 0 RETURNING id",
        &[root_hex.into(), now.into(), (tree_size as i64).into()],
    )?;
    Ok(rows.rows.len() as u64)
}

/// The media type and blob of a contribution's input.
pub fn input(db: &dyn Db, id: i64) -> Result<Option<(String, Vec<u8>)>, DbError> {
    let rows = db.execute(
        "SELECT c.mime, b.data FROM training_contributions c JOIN blobs b ON b.sha256 = c.blob_sha256 \
         WHERE c.id = ? AND c.deleted_at IS NULL",
        &[id.into()],
    )?;
    Ok(rows.first().map(|r| (r.text("mime"), r.blob("data"))))
}

/// The `(modality, mime)` of a live contribution, without loading its bytes.
pub fn media_info(db: &dyn Db, id: i64) -> Result<Option<(Modality, String)>, DbError> {
    let rows = db.execute(
        "SELECT modality, mime FROM training_contributions WHERE id = ? AND deleted_at IS NULL",
        &[id.into()],
    )?;
    Ok(rows
        .first()
        .and_then(|r| Some((Modality::parse(&r.text("modality"))?, r.text("mime")))))
}

/// Sets a contribution's extraction status (`processing`, `failed`), keeping the error.
pub fn set_status(
    db: &dyn Db,
    id: i64,
    status: Status,
    error: Option<&str>,
    now: &str,
) -> Result<(), DbError> {
    db.execute(
        "UPDATE training_contributions SET status = ?, last_error = IFNULL(?, last_error), updated_at = ? WHERE id = ?",
        &[status.as_str().into(), error.into(), now.into(), id.into()],
    )?;
    Ok(())
}

/// Records a finished extraction: the row is complete, with the engine's flag when its
/// signals say the result is likely wrong (its text is set apart, by [`set_text`],
/// unless a person's correction stays current).
pub fn complete_extraction(
    db: &dyn Db,
    id: i64,
    engine: &str,
    model: &str,
    confidence: Option<f64>,
    flag: Option<&str>,
    now: &str,
) -> Result<(), DbError> {
    db.execute(
        "UPDATE training_contributions SET status = 'complete', extraction_engine = ?, extraction_model = ?, \
         extraction_confidence = ?, extraction_flag = ?, last_error = NULL, updated_at = ? WHERE id = ?",
        &[engine.into(), model.into(), confidence.into(), flag.into(), now.into(), id.into()],
    )?;
    Ok(())
}

/// Makes `text` (version `version`, written by `source`) the row's current text; a
/// new text has not been reviewed, so any earlier decision is cleared and its votes
/// no longer count.
pub fn set_text(
    db: &dyn Db,
    id: i64,
    text: &str,
    version: i64,
    source: TextSource,
    now: &str,
) -> Result<(), DbError> {
    db.execute(
        "UPDATE training_contributions SET extracted_text = ?, text_version = ?, text_source = ?, \
         review_state = 'unreviewed', reviewed_by = NULL, reviewed_at = NULL, review_wer = NULL, review_votes = 0, updated_at = ? \
         WHERE id = ?",
        &[text.into(), version.into(), source.as_str().into(), now.into(), id.into()],
    )?;
    Ok(())
}

/// Records how many findings on the row's current text still count (`pii_findings`).
pub fn set_pii_count(db: &dyn Db, id: i64, count: i64) -> Result<(), DbError> {
    db.execute(
        "UPDATE training_contributions SET pii_count = ? WHERE id = ?",
        &[count.into(), id.into()],
    )?;
    Ok(())
}

/// Live rows with a text that were never scanned for personal data, oldest first
/// (what the background scan works through).
pub fn unscanned_for_pii(db: &dyn Db, limit: usize) -> Result<Vec<Contribution>, DbError> {
    let rows = db.execute(
        &format!(
            "SELECT {COLUMNS} FROM training_contributions WHERE deleted_at IS NULL AND pii_count IS NULL \
             AND text_version IS NOT NULL ORDER BY id LIMIT ?"
        ),
        &[(limit as i64).into()],
    )?;
    Ok(rows.iter().map(|r| Contribution::from_row(&r)).collect())
}

/// How many live rows have findings on their current text that still count.
pub fn rows_with_pii(db: &dyn Db) -> Result<i64, DbError> {
    let rows = db.execute(
        "SELECT COUNT(*) AS n FROM training_contributions WHERE deleted_at IS NULL AND pii_count > 0",
        &[],
    )?;
    Ok(rows.first().map(|r| r.int("n")).unwrap_or(0))
}

/// How many live rows with a text are still to be scanned for personal data.
pub fn unscanned_for_pii_count(db: &dyn Db) -> Result<i64, DbError> {
    let rows = db.execute(
        "SELECT COUNT(*) AS n FROM training_contributions WHERE deleted_at IS NULL AND pii_count IS NULL \
         AND text_version IS NOT NULL",
        &[],
    )?;
    Ok(rows.first().map(|r| r.int("n")).unwrap_or(0))
}

/// Records where review of the row's current text stands: its state, who cast the
/// deciding vote, the machine text's word error rate and how many votes it has.
pub fn set_review(
    db: &dyn Db,
    id: i64,
    state: ReviewState,
    by: Option<&str>,
    wer: Option<f64>,
    votes: i64,
    now: &str,
) -> Result<(), DbError> {
    db.execute(
        "UPDATE training_contributions SET review_state = ?, reviewed_by = ?, reviewed_at = ?, review_wer = ?, \
         review_votes = ?, updated_at = ? WHERE id = ?",
        &[state.as_str().into(), by.into(), now.into(), wer.into(), votes.into(), now.into(), id.into()],
    )?;
    Ok(())
}

/// Counts a vote on a row that still waits for more.
pub fn set_vote_count(db: &dyn Db, id: i64, votes: i64, now: &str) -> Result<(), DbError> {
    db.execute(
        "UPDATE training_contributions SET review_votes = ?, updated_at = ? WHERE id = ?",
        &[votes.into(), now.into(), id.into()],
    )?;
    Ok(())
}

/// The review queue's condition, written out literally: it is the WHERE of the partial
/// indexes `review_queue` and `review_queue_modality` (migration 0007), which the
/// queue's statements name with `INDEXED BY` (without statistics the planner prefers
/// `contributions_training` and walks every training row).
const IN_REVIEW_QUEUE: &str =
    "deleted_at IS NULL AND review_state = 'unreviewed' AND status = 'complete' \
    AND included_in_training = 1";

/// The queue's index, and the clause narrowing it to a modality (the parameter
/// `placeholder`).
fn queue_index(by_modality: bool, placeholder: &str) -> (&'static str, String) {
    if by_modality {
        (
            "review_queue_modality",
            format!(" AND modality = {placeholder}"),
        )
    } else {
        ("review_queue", String::new())
    }
}

/// The review queue's tiers, in the order it offers them: rows with personal data
/// found in them, then rows whose extraction the engine's signals flagged, then the
/// rest. Each has its own index, so no pass walks rows of another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueTier {
    /// Rows with findings no reviewer dismissed (`pii_count > 0`).
    Pii,
    /// Rows the engine's signals flagged, without findings.
    Flagged,
    /// Everything else.
    Rest,
}

impl QueueTier {
    /// The tiers in queue order.
    pub const ORDER: [QueueTier; 3] = [QueueTier::Pii, QueueTier::Flagged, QueueTier::Rest];

    /// The tier `row` waits in.
    pub fn of(row: &Contribution) -> QueueTier {
        if row.pii_count.unwrap_or(0) > 0 {
            QueueTier::Pii
        } else if row.extraction_flag.is_some() {
            QueueTier::Flagged
        } else {
            QueueTier::Rest
        }
    }
}

/// The first row waiting for review with an id above `after`, of `modality` if given,
/// not owned by `not_owner`, whose current text `reviewer` has not decided, that nobody
/// holds a live lease on at `now`, in queue tier `tier`.
pub fn next_for_review(
    db: &dyn Db,
    modality: Option<Modality>,
    after: i64,
    not_owner: Option<i64>,
    reviewer: &str,
    tier: QueueTier,
    now: &str,
) -> Result<Option<i64>, DbError> {
    // ?3 is bound either way: the highest number (?5) sets how many parameters there are.
    let (index, mut modality_clause) = queue_index(modality.is_some(), "?3");
    // Few rows have findings or flags: their own partial indexes, the modality checked
    // on each.
    let (index, tier_clause) = match tier {
        QueueTier::Pii => ("review_queue_pii", " AND pii_count > 0"),
        QueueTier::Flagged => (
            "review_queue_flagged",
            " AND extraction_flag IS NOT NULL AND IFNULL(pii_count, 0) = 0",
        ),
        QueueTier::Rest => (
            index,
            " AND extraction_flag IS NULL AND IFNULL(pii_count, 0) = 0",
        ),
    };
    modality_clause.push_str(tier_clause);
    let rows = db.execute(
        &format!(
            "SELECT id FROM training_contributions c INDEXED BY {index} WHERE {IN_REVIEW_QUEUE}{modality_clause} AND id > ?1 \
             AND IFNULL(user_id, 0) <> ?2 AND NOT EXISTS \
             (SELECT 1 FROM review_leases l WHERE l.contribution_id = c.id AND l.expires_at > ?4) AND NOT EXISTS \
             (SELECT 1 FROM review_votes v WHERE v.contribution_id = c.id AND v.reviewer = ?5 \
              AND v.text_version = IFNULL(c.text_version, 0) AND v.adjudication = 0) ORDER BY id LIMIT 1"
        ),
        &[after.into(), not_owner.unwrap_or(0).into(), modality.map_or("", Modality::as_str).into(), now.into(), reviewer.into()],
    )?;
    Ok(rows.first().map(|r| r.int("id")))
}

/// How many rows wait for review (of `modality` if given) that `reviewer` (user
/// `not_owner`) may be offered: all waiting rows (the partial index) less that user's
/// own (their rows, by `contributions_user`) and less those whose current text the
/// reviewer decided already (their votes, by `review_votes_reviewer`), so no count
/// walks the whole table.
pub fn review_queue_length(
    db: &dyn Db,
    modality: Option<Modality>,
    not_owner: Option<i64>,
    reviewer: &str,
) -> Result<u64, DbError> {
    let (index, modality_clause) = queue_index(modality.is_some(), "?");
    let params: Vec<Value> = modality.map(|m| m.as_str().into()).into_iter().collect();
    let count = |sql: String, params: &[Value]| -> Result<u64, DbError> {
        let rows = db.execute(&sql, params)?;
        Ok(rows.first().map(|r| r.int("n") as u64).unwrap_or(0))
    };
    let waiting = count(
        format!("SELECT COUNT(*) AS n FROM training_contributions INDEXED BY {index} WHERE {IN_REVIEW_QUEUE}{modality_clause}"),
        &params,
    )?;
    let with = |first: Value| -> Vec<Value> {
        std::iter::once(first)
            .chain(params.iter().cloned())
            .collect()
    };
    let decided = count(
        format!("SELECT COUNT(*) AS n FROM review_votes v INDEXED BY review_votes_reviewer \
                 JOIN training_contributions c ON c.id = v.contribution_id WHERE v.reviewer = ? AND v.adjudication = 0 \
                 AND v.text_version = IFNULL(c.text_version, 0) AND c.{}{}",
            IN_REVIEW_QUEUE.replace(" AND ", " AND c."), modality_clause.replace("modality", "c.modality")),
        &with(reviewer.into()),
    )?;
    let Some(owner) = not_owner else {
        return Ok(waiting.saturating_sub(decided));
    };
    let own = count(
        format!("SELECT COUNT(*) AS n FROM training_contributions INDEXED BY contributions_user WHERE user_id = ? AND {IN_REVIEW_QUEUE}{modality_clause}"),
        &with(owner.into()),
    )?;
    Ok(waiting.saturating_sub(own).saturating_sub(decided))
}

/// Review outcomes over training rows (live, complete, opted in).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct ReviewTally {
    /// Training rows.
    pub rows: u64,
    /// Not reviewed yet.
    pub unreviewed: u64,
    /// Accepted.
    pub accepted: u64,
    /// Rejected.
    pub rejected: u64,
    /// Waiting for an adjudicator.
    pub adjudication: u64,
    /// Accepted rows that have machine text to compare with.
    pub compared: u64,
    /// Mean word error rate of the machine text against the accepted text.
    pub mean_word_error_rate: Option<f64>,
    /// Accepted rows whose machine text needed no change.
    pub unchanged: u64,
}

/// Counts review states and the machine text's agreement with accepted text.
pub fn review_tally(db: &dyn Db) -> Result<ReviewTally, DbError> {
    let rows = db.execute(
        "SELECT COUNT(*) AS n, \
         SUM(review_state = 'unreviewed') AS unreviewed, SUM(review_state = 'accepted') AS accepted, \
         SUM(review_state = 'rejected') AS rejected, SUM(review_state = 'adjudication') AS adjudication, \
         SUM(review_state = 'accepted' AND review_wer IS NOT NULL) AS compared, \
         AVG(CASE WHEN review_state = 'accepted' THEN review_wer END) AS mean_wer, \
         SUM(review_state = 'accepted' AND review_wer = 0) AS unchanged \
         FROM training_contributions WHERE deleted_at IS NULL AND status = 'complete' AND included_in_training = 1",
        &[],
    )?;
    let Some(r) = rows.first() else {
        return Ok(ReviewTally::default());
    };
    let n = |name: &str| r.opt_int(name).unwrap_or(0) as u64;
    Ok(ReviewTally {
        rows: n("n"),
        unreviewed: n("unreviewed"),
        accepted: n("accepted"),
        rejected: n("rejected"),
        adjudication: n("adjudication"),
        compared: n("compared"),
        mean_word_error_rate: r.opt_real("mean_wer"),
        unchanged: n("unchanged"),
    })
}
