//! Data quality: classifies every contribution (complete, incomplete, empty, orphaned,
//! or still in progress), scores the data (complete / total, per modality and overall),
//! and cleans up — requeueing extraction for incomplete rows and erasing empty ones.

use crate::db::Db;
use crate::error::ApiError;
use crate::store::quality::{self, ScanRow};
use serde_json::{json, Map, Value};
use wire::lifecycle::Status;
use wire::media::Modality;

/// The classes of a scan, in the order a row is tested against them.
pub const CLASSES: [&str; 5] = ["orphaned", "empty", "complete", "incomplete", "in_progress"];

/// Peak amplitude (fraction of full scale) below which a WAV counts as silent.
pub const SILENCE: f32 = 0.01;

/// Whether WAV bytes hold only silence (non-WAV or undecodable input: `false`).
pub fn is_silent_wav(bytes: &[u8]) -> bool {
    let Ok(mut reader) = hound::WavReader::new(std::io::Cursor::new(bytes)) else {
        return false;
    };
    let spec = reader.spec();
    let peak = match spec.sample_format {
        hound::SampleFormat::Float => reader
            .samples::<f32>()
            .filter_map(Result::ok)
            .fold(0f32, |m, s| m.max(s.abs())),
        hound::SampleFormat::Int => {
            let full = (1i64 << (spec.bits_per_sample.saturating_sub(1))) as f32;
            reader
                .samples::<i32>()
                .filter_map(Result::ok)
                .fold(0f32, |m, s| m.max((s as f32).abs() / full))
        }
    };
    peak < SILENCE
}

/// The class of one row and why.
pub fn classify(row: &ScanRow, stale_before: &str, silent: bool) -> (&'static str, String) {
    let text_empty = row
        .extracted_text
        .as_deref()
        .is_none_or(|t| t.trim().is_empty());
    if !row.has_content {
        ("orphaned", "the row's media blob is missing".into())
    } else if row.byte_size == 0 {
        ("empty", "zero-length content".into())
    } else if silent {
        ("empty", "silent audio".into())
    } else if row.status == Status::Complete && !text_empty {
        ("complete", String::new())
    } else if row.status == Status::Complete {
        ("incomplete", "extraction returned no text".into())
    } else if row.status == Status::Failed {
        ("incomplete", "extraction failed".into())
    } else if row.created_at.as_str() < stale_before {
        (
            "incomplete",
            format!("{} since {}", row.status.as_str(), row.created_at),
        )
    } else {
        ("in_progress", String::new())
    }
}

/// Runs a scan over all live rows (optionally one modality), stores it and returns its
/// summary. Call inside a write transaction.
pub fn scan(
    db: &dyn Db,
    modality: Option<&str>,
    stale_minutes: i64,
    now: &str,
) -> Result<Value, ApiError> {
    let stale_before = time::OffsetDateTime::now_utc() - time::Duration::minutes(stale_minutes);
    let stale_before = crate::clock::format(stale_before);
    let mut counts: Map<String, Value> = Map::new();
    let mut details: Map<String, Value> = CLASSES
        .iter()
        .filter(|c| **c != "complete")
        .map(|c| (c.to_string(), json!([])))
        .collect();
    let mut after = 0;
    loop {
        let page = quality::scan_page(db, modality, after, 1000)?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for row in &page {
            let silent = row.modality == "voice"
                && row.mime == "audio/wav"
                && row.status != Status::Complete
                && crate::store::contributions::media(db, row.id)?
                    .is_some_and(|b| is_silent_wav(&b));
            let (class, reason) = classify(row, &stale_before, silent);
            let per = counts
                .entry(row.modality.clone())
                .or_insert_with(|| json!({}));
            per[class] = json!(per[class].as_i64().unwrap_or(0) + 1);
            per["total"] = json!(per["total"].as_i64().unwrap_or(0) + 1);
            if class != "complete" {
                if let Some(list) = details.get_mut(class).and_then(Value::as_array_mut) {
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
        for class in CLASSES {
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
    for class in CLASSES {
        overall[class] = json!(overall[class].as_i64().unwrap_or(0));
    }
    let score = if total > 0 {
        overall["complete"].as_f64().unwrap_or(0.0) / total as f64
    } else {
        0.0
    };
    overall["score"] = json!(score);
    overall["orphaned_blobs"] = json!(orphan_blobs.len());
    let summary = json!({ "overall": overall, "by_modality": counts, "modality": modality, "stale_after_minutes": stale_minutes });
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

/// A cleanup action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Requeue transcription for incomplete voice rows.
    RetryWhisper,
    /// Requeue OCR for incomplete screenshot and drawing rows.
    RetryOcr,
    /// Erase empty rows.
    Delete,
}

impl Action {
    /// Parses an action name.
    pub fn parse(name: &str) -> Result<Self, ApiError> {
        match name {
            "retry_whisper" => Ok(Action::RetryWhisper),
            "retry_ocr" => Ok(Action::RetryOcr),
            "delete" => Ok(Action::Delete),
            other => Err(ApiError::invalid(format!(
                "unknown action {other:?}: use retry_whisper, retry_ocr or delete"
            ))),
        }
    }
    fn name(self) -> &'static str {
        match self {
            Action::RetryWhisper => "retry_whisper",
            Action::RetryOcr => "retry_ocr",
            Action::Delete => "delete",
        }
    }
    fn applies_to(self, class: &str, modality: &str) -> bool {
        match self {
            Action::RetryWhisper => class == "incomplete" && modality == "voice",
            Action::RetryOcr => {
                class == "incomplete" && (modality == "screenshot" || modality == "drawing")
            }
            Action::Delete => class == "empty",
        }
    }
}

/// Applies actions to the rows of the latest scan they fit (only `ids`, when given).
/// With `confirm` false nothing changes and the answer says what would happen.
/// Running it twice does no double work: rows already requeued or erased are skipped.
pub fn execute(
    db: &dyn Db,
    actions: &[Action],
    ids: Option<&[i64]>,
    confirm: bool,
    now: &str,
) -> Result<Vec<Value>, ApiError> {
    let (scan_id, _, _, details) = quality::latest_scan(db)?
        .ok_or_else(|| ApiError::conflict("no scan yet: POST /api/cleanup-voice-data first"))?;
    let mut results = Vec::new();
    for action in actions {
        for class in ["incomplete", "empty"] {
            for row in details[class].as_array().cloned().unwrap_or_default() {
                let id = row["id"].as_i64().unwrap_or(0);
                let modality = row["modality"].as_str().unwrap_or("");
                if !action.applies_to(class, modality) || ids.is_some_and(|ids| !ids.contains(&id))
                {
                    continue;
                }
                let outcome = apply(db, *action, id, modality, confirm, now)?;
                results.push(json!({ "id": id, "action": action.name(), "outcome": outcome, "scan_id": scan_id }));
            }
        }
    }
    Ok(results)
}

fn apply(
    db: &dyn Db,
    action: Action,
    id: i64,
    modality: &str,
    confirm: bool,
    now: &str,
) -> Result<&'static str, ApiError> {
    use crate::store::{contributions, jobs};
    if contributions::get(db, id)?.is_none() {
        return Ok("skipped: already deleted");
    }
    match action {
        Action::Delete if !confirm => Ok("would delete"),
        Action::Delete => {
            crate::usecase::erasure::erase_contribution(db, id, now)?;
            Ok("deleted")
        }
        _ if jobs::has_fresh_job(db, id)? => Ok("skipped: already queued"),
        _ if !confirm => Ok("would requeue"),
        _ => {
            let Some(kind) = Modality::parse(modality).and_then(Modality::job_kind) else {
                return Ok("skipped: nothing to extract");
            };
            jobs::enqueue(db, kind, id, now)?;
            contributions::mark_pending(db, id, now)?;
            Ok("requeued")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wav(amplitude: i16) -> Vec<u8> {
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 8000,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut c = std::io::Cursor::new(Vec::new());
        let mut w = hound::WavWriter::new(&mut c, spec).unwrap();
        for i in 0..800 {
            w.write_sample(if i % 2 == 0 { amplitude } else { -amplitude })
                .unwrap();
        }
        w.finalize().unwrap();
        c.into_inner()
    }

    #[test]
    fn silence_is_detected() {
        assert!(is_silent_wav(&wav(0)));
        assert!(is_silent_wav(&wav(100)));
        assert!(!is_silent_wav(&wav(8000)));
        assert!(!is_silent_wav(b"not a wav"));
    }

    #[test]
    fn classes() {
        let row = |status: &str, text: Option<&str>, has: bool, size: i64, at: &str| ScanRow {
            id: 1,
            modality: "voice".into(),
            status: Status::parse(status).unwrap(),
            byte_size: size,
            mime: "audio/wav".into(),
            extracted_text: text.map(String::from),
            created_at: at.into(),
            has_content: has,
            last_error: None,
        };
        let stale = "2026-01-02";
        assert_eq!(
            classify(
                &row("complete", Some("hi"), true, 9, "2026-01-03"),
                stale,
                false
            )
            .0,
            "complete"
        );
        assert_eq!(
            classify(
                &row("complete", Some(" "), true, 9, "2026-01-03"),
                stale,
                false
            )
            .0,
            "incomplete"
        );
        assert_eq!(
            classify(&row("failed", None, true, 9, "2026-01-03"), stale, false).0,
            "incomplete"
        );
        assert_eq!(
            classify(&row("pending", None, true, 9, "2026-01-01"), stale, false).0,
            "incomplete"
        );
        assert_eq!(
            classify(&row("pending", None, true, 9, "2026-01-03"), stale, false).0,
            "in_progress"
        );
        assert_eq!(
            classify(&row("pending", None, true, 9, "2026-01-03"), stale, true).0,
            "empty"
        );
        assert_eq!(
            classify(&row("pending", None, true, 0, "2026-01-03"), stale, false).0,
            "empty"
        );
        assert_eq!(
            classify(
                &row("complete", Some("x"), false, 9, "2026-01-03"),
                stale,
                false
            )
            .0,
            "orphaned"
        );
    }
}
