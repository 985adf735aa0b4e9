//! Data quality as use-cases (admin): a scan classifies every contribution and
//! stores the result with its score (and scans a page of rows never scanned for
//! personal data); a cleanup requeues extraction for incomplete rows
//! and erases empty ones (a dry run unless confirmed; running it twice does no double
//! work). Each owns its transaction and records its activity entry.

use super::db_failures;
use super::erasure;
use crate::context::Origin;
use crate::db::{transaction, Db, DbError};
use crate::quality::{self as rules, Action, Class, Outcome};
use crate::store::activity::Activity;
use crate::store::quality;
use crate::store::{contributions, jobs};
use serde_json::{json, Map, Value};
use wire::lifecycle::Status;
use wire::media::Modality;

/// Why a quality step did not happen.
#[derive(Debug)]
pub enum QualityError {
    /// A cleanup needs a scan first.
    NoScan,
    /// The database failed.
    Db(DbError),
}

db_failures!(QualityError);

/// Scans every live row (or one modality's) as of `stale_minutes` ago and records a
/// `cleanup_scan` entry; the scan's summary.
pub fn scan(
    db: &dyn Db,
    origin: &Origin,
    modality: Option<Modality>,
    stale_minutes: i64,
) -> Result<Value, QualityError> {
    let now = crate::clock::now();
    Ok(transaction(db, || {
        let summary = run_scan(db, modality, stale_minutes, &now)?;
        let data = json!({ "scan_id": summary["scan_id"], "score": summary["overall"]["score"], "modality": modality });
        origin.log(db, Activity::CleanupScan, None, data, &now)?;
        Ok::<_, DbError>(summary)
    })?)
}

/// What a cleanup does: its actions, on which rows, and whether for real.
pub struct Cleanup<'a> {
    /// The actions, in order.
    pub actions: &'a [Action],
    /// Only these rows of the scan, when given.
    pub ids: Option<&'a [i64]>,
    /// Do it (`false`: say what would happen, change nothing).
    pub confirm: bool,
}

/// Applies a cleanup to the rows of the latest scan it fits, with a `cleanup_execute`
/// entry when confirmed (then the WAL is flushed of erased rows); one result per row.
pub fn clean_up(
    db: &dyn Db,
    origin: &Origin,
    cleanup: &Cleanup,
) -> Result<Vec<Value>, QualityError> {
    let now = crate::clock::now();
    let results = transaction(db, || {
        let results = run_cleanup(db, cleanup, &now)?;
        if cleanup.confirm {
            let data = json!({ "actions": cleanup.actions, "results": results.len() });
            origin.log(db, Activity::CleanupExecute, None, data, &now)?;
        }
        Ok::<_, QualityError>(results)
    })?;
    if cleanup.confirm {
        erasure::flush_erased(db);
    }
    Ok(results)
}

/// Classifies every live row (optionally one modality's), stores the scan, then
/// returns its summary. Call inside a write transaction.
fn run_scan(
    db: &dyn Db,
    modality: Option<Modality>,
    stale_minutes: i64,
    now: &str,
) -> Result<Value, DbError> {
    let stale_before = time::OffsetDateTime::now_utc() - time::Duration::minutes(stale_minutes);
    let stale_before = crate::clock::format(stale_before);
    let mut counts: Map<String, Value> = Map::new();
    let mut details: Map<String, Value> = Class::ALL
        .iter()
        .filter(|c| **c != Class::Complete)
        .map(|c| (c.to_string(), json!([])))
        .collect();
    let mut after = 0;
    loop {
        let page = quality::scan_page(db, modality, after, 1000)?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for row in &page {
            let silent = row.modality == Modality::Voice
                && row.mime == "audio/wav"
                && row.status != Status::Complete
                && contributions::media(db, row.id)?.is_some_and(|b| rules::is_silent_wav(&b));
            let (class, reason) = rules::classify(row, &stale_before, silent);
            let per = counts
                .entry(row.modality.to_string())
                .or_insert_with(|| json!({}));
            per[class.as_str()] = json!(per[class.as_str()].as_i64().unwrap_or(0) + 1);
            per["total"] = json!(per["total"].as_i64().unwrap_or(0) + 1);
            if class != Class::Complete {
                if let Some(list) = details
                    .get_mut(class.as_str())
                    .and_then(Value::as_array_mut)
                {
                    list.push(json!({ "id": row.id, "modality": row.modality, "reason": reason, "last_error": row.last_error }));
                }
            }
        }
    }
    let orphan_blobs: Vec<Value> = quality::orphaned_blobs(db)?
        .into_iter()
        .map(|(sha, size)| json!({ "sha256": sha, "byte_size": size }))
        .collect();
    details.insert("orphaned_blobs".into(), json!(orphan_blobs));
    let mut overall = json!({ "total": 0 });
    for per in counts.values_mut() {
        let total = per["total"].as_i64().unwrap_or(0);
        for class in Class::ALL.iter().map(|c| c.as_str()) {
            let n = per[class].as_i64().unwrap_or(0);
            per[class] = json!(n);
            overall[class] = json!(overall[class].as_i64().unwrap_or(0) + n);
        }
        overall["total"] = json!(overall["total"].as_i64().unwrap_or(0) + total);
        per["score"] = json!(if total > 0 {
            per["complete"].as_f64().unwrap_or(0.0) / total as f64
        } else {
            0.0
        });
    }
    let total = overall["total"].as_i64().unwrap_or(0);
    for class in Class::ALL.iter().map(|c| c.as_str()) {
        overall[class] = json!(overall[class].as_i64().unwrap_or(0));
    }
    let score = if total > 0 {
        overall["complete"].as_f64().unwrap_or(0.0) / total as f64
    } else {
        0.0
    };
    overall["score"] = json!(score);
    overall["orphaned_blobs"] = json!(orphan_blobs.len());
    // Rows written before personal-data detection existed, a page per scan: a scan
    // that stops leaves the rest for the next one.
    let (scanned, remaining) = super::pii::scan_unscanned(db, now)?;
    let summary = json!({
        "overall": overall,
        "by_modality": counts,
        "modality": modality,
        "stale_after_minutes": stale_minutes,
        "pii": { "scanned": scanned, "remaining": remaining },
    });
    let id = quality::insert_scan(
        db,
        now,
        modality,
        total as u64,
        score,
        &summary,
        &Value::Object(details),
    )?;
    let mut out = summary;
    out["scan_id"] = json!(id);
    out["created_at"] = json!(now);
    Ok(out)
}

/// Applies actions to the rows of the latest scan they fit. Call inside a write
/// transaction.
fn run_cleanup(db: &dyn Db, cleanup: &Cleanup, now: &str) -> Result<Vec<Value>, QualityError> {
    let (actions, ids, confirm) = (cleanup.actions, cleanup.ids, cleanup.confirm);
    let (scan_id, _, _, details) = quality::latest_scan(db)?.ok_or(QualityError::NoScan)?;
    let mut results = Vec::new();
    for action in actions {
        for class in [Class::Incomplete, Class::Empty] {
            for row in details[class.as_str()]
                .as_array()
                .cloned()
                .unwrap_or_default()
            {
                let id = row["id"].as_i64().unwrap_or(0);
                let Some(modality) = row["modality"].as_str().and_then(Modality::parse) else {
                    continue;
                };
                if !action.applies_to(class, modality) || ids.is_some_and(|ids| !ids.contains(&id))
                {
                    continue;
                }
                let outcome = apply(db, *action, id, modality, confirm, now)?;
                results.push(
                    json!({ "id": id, "action": action, "outcome": outcome, "scan_id": scan_id }),
                );
            }
        }
    }
    Ok(results)
}

fn apply(
    db: &dyn Db,
    action: Action,
    id: i64,
    modality: Modality,
    confirm: bool,
    now: &str,
) -> Result<Outcome, DbError> {
    if contributions::get(db, id)?.is_none() {
        return Ok(Outcome::AlreadyDeleted);
    }
    match action {
        Action::Delete if !confirm => Ok(Outcome::WouldDelete),
        Action::Delete => {
            super::erasure::erase_contribution(db, id, now)?;
            Ok(Outcome::Deleted)
        }
        _ if jobs::has_fresh_job(db, id)? => Ok(Outcome::AlreadyQueued),
        _ if !confirm => Ok(Outcome::WouldRequeue),
        _ => {
            let Some(kind) = modality.job_kind() else {
                return Ok(Outcome::NothingToExtract);
            };
            jobs::enqueue(db, kind, id, now)?;
            contributions::mark_pending(db, id, now)?;
            Ok(Outcome::Requeued)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    #[test]
    fn a_scan_then_a_dry_run_then_a_cleanup_requeues_what_failed() {
        let db = fixture::db();
        let ada = fixture::user(&db, "Ada");
        let origin = Origin::default();
        fixture::text(&db, ada, "fine");
        let shot = fixture::screenshot(&db, ada, "a");
        let job = shot.job_id.unwrap();
        jobs::finish(
            &db,
            job,
            wire::lifecycle::JobState::Dead,
            Some("no text"),
            "t",
        )
        .unwrap();
        contributions::set_status(&db, shot.row.id, Status::Failed, Some("no text"), "t").unwrap();
        let nothing = Cleanup {
            actions: &[Action::RetryOcr],
            ids: None,
            confirm: false,
        };
        assert!(matches!(
            clean_up(&db, &origin, &nothing),
            Err(QualityError::NoScan)
        ));
        let summary = scan(&db, &origin, None, 60).unwrap();
        assert_eq!(summary["overall"]["complete"], 1);
        assert_eq!(summary["overall"]["incomplete"], 1);
        let dry = clean_up(&db, &origin, &nothing).unwrap();
        assert_eq!(dry[0]["outcome"], "would requeue");
        let real = Cleanup {
            confirm: true,
            ..nothing
        };
        let done = clean_up(&db, &origin, &real).unwrap();
        assert_eq!(
            (done[0]["id"].as_i64(), done[0]["outcome"].as_str()),
            (Some(shot.row.id), Some("requeued"))
        );
        assert_eq!(
            contributions::get(&db, shot.row.id)
                .unwrap()
                .unwrap()
                .status,
            Status::Pending
        );
        let twice = clean_up(&db, &origin, &real).unwrap();
        assert_eq!(twice[0]["outcome"], "skipped: already queued");
        assert_eq!(
            fixture::activity_types(&db)
                .iter()
                .filter(|t| t.starts_with("cleanup_"))
                .count(),
            3,
            "one scan, two confirmed cleanups; the dry run logs nothing"
        );
    }
}
