//! The `release_pii` table: the personal data that counted in each row's frozen text
//! when a release was cut, so later reviews leave the release's masking as it was.

use crate::db::{Db, DbError, Value};
use pii::{Finding, Kind};
use std::collections::HashMap;

/// Copies the findings that count (not dismissed) of release `number`'s frozen text
/// versions (one statement).
pub fn freeze(db: &dyn Db, number: i64) -> Result<(), DbError> {
    db.execute(
        "INSERT INTO release_pii (release, contribution_id, kind, start_char, end_char, confidence) \
         SELECT rr.release, f.contribution_id, f.kind, f.start_char, f.end_char, f.confidence \
         FROM release_rows rr JOIN pii_findings f \
         ON f.contribution_id = rr.contribution_id AND f.version = rr.text_version \
         WHERE rr.release = ? AND (f.decision IS NULL OR f.decision <> 'dismissed') \
         ORDER BY f.contribution_id, f.start_char, f.id",
        &[number.into()],
    )?;
    Ok(())
}

/// The frozen findings of rows `ids` of release `number`, by row.
pub fn of_rows(
    db: &dyn Db,
    number: i64,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<Finding>>, DbError> {
    let mut out: HashMap<i64, Vec<Finding>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let mut params: Vec<Value> = vec![number.into()];
        params.extend(chunk.iter().map(|id| Value::from(*id)));
        let rows = db.execute(
            &format!(
                "SELECT contribution_id, kind, start_char, end_char, confidence FROM release_pii \
                 WHERE release = ? AND contribution_id IN ({marks}) ORDER BY contribution_id, rowid"
            ),
            &params,
        )?;
        for r in rows.iter() {
            // Copied from pii_findings, whose CHECK admits only the kinds' names.
            let Some(kind) = Kind::parse(&r.text("kind")) else {
                continue;
            };
            out.entry(r.int("contribution_id"))
                .or_default()
                .push(Finding {
                    kind,
                    start: r.int("start_char") as usize,
                    end: r.int("end_char") as usize,
                    confidence: r.opt_real("confidence").unwrap_or(1.0),
                });
        }
    }
    Ok(out)
}

/// Erases where personal data sat in row `id`'s frozen texts (with the row).
pub fn erase(db: &dyn Db, id: i64) -> Result<(), DbError> {
    db.execute(
        "DELETE FROM release_pii WHERE contribution_id = ?",
        &[id.into()],
    )?;
    Ok(())
}
