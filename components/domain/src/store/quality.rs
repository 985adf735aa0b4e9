//! Data-quality tables: `quality_scans`, plus the reads a scan makes over
//! contributions, blobs and jobs.

use crate::db::{Db, DbError};
use serde_json::{json, Value};
use wire::lifecycle::Status;
use wire::media::Modality;

/// What a scan needs to know about one live contribution.
pub struct ScanRow {
    /// Row id.
    pub id: i64,
    /// Modality.
    pub modality: Modality,
    /// Extraction status.
    pub status: Status,
    /// Content size.
    pub byte_size: i64,
    /// Media type.
    pub mime: String,
    /// Extracted text.
    pub extracted_text: Option<String>,
    /// Creation time.
    pub created_at: String,
    /// Media row whose blob exists (text rows: true).
    pub has_content: bool,
    /// The row's or its newest job's last error.
    pub last_error: Option<String>,
    /// Why the engine's signals flagged its extraction, if they did.
    pub extraction_flag: Option<String>,
}

/// Live contributions after `after_id`, oldest first, optionally of one modality.
pub fn scan_page(
    db: &dyn Db,
    modality: Option<Modality>,
    after_id: i64,
    limit: usize,
) -> Result<Vec<ScanRow>, DbError> {
    let rows = db.execute(
        "SELECT c.id, c.modality, c.status, c.byte_size, c.mime, c.extracted_text, c.created_at, c.extraction_flag, \
         (c.modality = 'text' OR b.sha256 IS NOT NULL) AS has_content, \
         IFNULL(c.last_error, (SELECT j.last_error FROM jobs j WHERE j.contribution_id = c.id ORDER BY j.id DESC LIMIT 1)) AS err \
         FROM training_contributions c LEFT JOIN blobs b ON b.sha256 = c.blob_sha256 \
         WHERE c.deleted_at IS NULL AND (? IS NULL OR c.modality = ?) AND c.id > ? ORDER BY c.id LIMIT ?",
        &[
            modality.map(Modality::as_str).into(),
            modality.map(Modality::as_str).into(),
            after_id.into(),
            (limit as i64).into(),
        ],
    )?;
    Ok(rows
        .iter()
        .map(|r| ScanRow {
            id: r.int("id"),
            // The schema's CHECK admits only the four names.
            modality: Modality::parse(&r.text("modality")).unwrap_or(Modality::Text),
            status: Status::parse(&r.text("status")).unwrap_or(Status::Pending),
            byte_size: r.int("byte_size"),
            mime: r.text("mime"),
            extracted_text: r.opt_text("extracted_text"),
            created_at: r.text("created_at"),
            has_content: r.int("has_content") != 0,
            last_error: r.opt_text("err"),
            extraction_flag: r.opt_text("extraction_flag"),
        })
        .collect())
}

/// Blobs no live row references: (sha256, size).
pub fn orphaned_blobs(db: &dyn Db) -> Result<Vec<(String, i64)>, DbError> {
    let rows = db.execute(
        "SELECT sha256, byte_size FROM blobs b WHERE NOT EXISTS \
         (SELECT 1 FROM training_contributions c WHERE c.blob_sha256 = b.sha256 AND c.deleted_at IS NULL)",
        &[],
    )?;
    Ok(rows
        .iter()
        .map(|r| (r.text("sha256"), r.int("byte_size")))
        .collect())
}

/// Stores a scan; returns its id.
pub fn insert_scan(
    db: &dyn Db,
    now: &str,
    modality: Option<Modality>,
    total: u64,
    score: f64,
    summary: &Value,
    details: &Value,
) -> Result<i64, DbError> {
    let rows = db.execute(
        "INSERT INTO quality_scans (created_at, modality, total, score, summary, details) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        &[now.into(), modality.map(Modality::as_str).into(), (total as i64).into(), crate::db::Value::Real(score), summary.to_string().into(), details.to_string().into()],
    )?;
    Ok(rows.first().map(|r| r.int("id")).unwrap_or(0))
}

/// The newest scan: (id, created_at, summary, details).
pub fn latest_scan(db: &dyn Db) -> Result<Option<(i64, String, Value, Value)>, DbError> {
    let rows = db.execute(
        "SELECT id, created_at, summary, details FROM quality_scans ORDER BY id DESC LIMIT 1",
        &[],
    )?;
    let parse = |s: String| serde_json::from_str::<Value>(&s).unwrap_or(Value::Null);
    Ok(rows.first().map(|r| {
        (
            r.int("id"),
            r.text("created_at"),
            parse(r.text("summary")),
            parse(r.text("details")),
        )
    }))
}

/// Score history, newest first (at most `limit` scans).
pub fn history(db: &dyn Db, limit: usize) -> Result<Vec<Value>, DbError> {
    let rows = db.execute(
        "SELECT id, created_at, modality, total, score FROM quality_scans ORDER BY id DESC LIMIT ?",
        &[(limit as i64).into()],
    )?;
    Ok(rows
        .iter()
        .map(|r| json!({ "id": r.int("id"), "created_at": r.text("created_at"), "modality": r.opt_text("modality"), "total": r.int("total"), "score": r.opt_real("score") }))
        .collect())
}

/// The last scan score of each day since `since`: (day, score).
pub fn daily_scores(db: &dyn Db, since: &str) -> Result<Vec<(String, f64)>, DbError> {
    let rows = db.execute(
        "SELECT substr(created_at, 1, 10) AS day, score FROM quality_scans WHERE id IN \
         (SELECT MAX(id) FROM quality_scans WHERE created_at >= ? AND modality IS NULL GROUP BY substr(created_at, 1, 10))",
        &[since.into()],
    )?;
    Ok(rows
        .iter()
        .map(|r| (r.text("day"), r.opt_real("score").unwrap_or(0.0)))
        .collect())
}
