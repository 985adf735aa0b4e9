//! The job protocol (`/api/jobs/...`, worker token): the claim, the lease it answers,
//! heartbeats, completions and failures. A field the app requires but a client left
//! out reads as empty (`#[serde(default)]`), so the handler answers it with its own
//! clear 422 rather than a parser's message.

use crate::lifecycle::JobState;
use crate::media::Modality;
use serde::{Deserialize, Serialize};

names! {
    /// What a job does with its input.
    pub enum JobKind {
        /// Whisper speech-to-text of a voice memo.
        Transcribe = "transcribe",
        /// OCR of a screenshot or drawing.
        Ocr = "ocr",
    }
}

/// `POST /api/jobs/claim`: lease the next due job of these kinds.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Claim {
    /// Who claims (1 to 100 characters); kept on the lease.
    #[serde(default)]
    pub worker_id: String,
    /// The kinds this worker runs; every kind when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kinds: Option<Vec<JobKind>>,
    /// Lease length in seconds (1 to 3600); 300 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_seconds: Option<i64>,
}

/// The claim's answer (200): one job, leased to the claimant. 204 means none is due.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lease {
    /// Job id.
    pub id: i64,
    /// What to do with the input.
    pub kind: JobKind,
    /// The contribution it extracts text from.
    pub contribution_id: i64,
    /// The contribution's modality (never `text`: text needs no extraction).
    pub modality: Modality,
    /// The media type of the input (`GET /api/jobs/{id}/input`).
    pub mime: String,
    /// Attempt number (1 for the first try).
    pub attempt: i64,
    /// The lease's secret token, sent back with every report.
    pub lease_token: String,
    /// When the lease ends unless extended.
    pub lease_expires_at: String,
}

/// `POST /api/jobs/{id}/heartbeat`: extend the lease.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Heartbeat {
    /// The live lease's token.
    #[serde(default)]
    pub lease_token: String,
    /// New lease length from now (1 to 3600 s); 300 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_seconds: Option<i64>,
}

/// The heartbeat's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extended {
    /// Job id.
    pub id: i64,
    /// The lease's new end.
    pub lease_expires_at: String,
}

/// What an engine found in one input: the one extraction type, made by the worker's
/// engines, carried by [`Completion`] and recorded by the app as a text version.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Extraction {
    /// The text (empty when nothing was found; absent is an error).
    pub text: String,
    /// Engine's confidence in 0..=1, when it gives one.
    #[serde(default)]
    pub confidence: Option<f64>,
    /// The engine (`whisper.cpp`, `tesseract`, …); required.
    #[serde(default)]
    pub engine: String,
    /// The model the engine ran.
    #[serde(default)]
    pub model: String,
    /// Where the text sits in the input (segments, words, language and audio length;
    /// word and line boxes), its fields at the top level of the message.
    #[serde(flatten)]
    pub layout: crate::layout::Layout,
}

/// `POST /api/jobs/{id}/complete`: the extraction and how long it took.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Completion {
    /// The live lease's token.
    #[serde(default)]
    pub lease_token: String,
    /// What was found, its fields at the top level of the message.
    #[serde(flatten)]
    pub found: Extraction,
    /// How long extraction took.
    #[serde(default)]
    pub duration_ms: Option<i64>,
}

/// The completion's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Completed {
    /// Job id.
    pub id: i64,
    /// Always `done`.
    pub state: JobState,
    /// The contribution that now has its text.
    pub contribution_id: i64,
}

/// `POST /api/jobs/{id}/fail`: why extraction failed, and whether to try again.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Failure {
    /// The live lease's token.
    #[serde(default)]
    pub lease_token: String,
    /// What went wrong; required.
    #[serde(default)]
    pub error: String,
    /// The engine that failed, when known (kept in the activity log).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<String>,
    /// Worth another attempt (after a back-off) while attempts remain.
    #[serde(default)]
    pub retryable: bool,
}

/// The failure's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Failed {
    /// Job id.
    pub id: i64,
    /// `pending` (retried after `not_before`) or `dead`.
    pub state: JobState,
    /// When the job may be claimed again, if it will be.
    pub not_before: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lease_round_trips_and_missing_required_fields_read_as_empty() {
        let lease = Lease {
            id: 7,
            kind: JobKind::Ocr,
            contribution_id: 3,
            modality: Modality::Screenshot,
            mime: "image/png".into(),
            attempt: 1,
            lease_token: "t".into(),
            lease_expires_at: "2026-12-03T00:00:00Z".into(),
        };
        let back: Lease = serde_json::from_value(serde_json::to_value(&lease).unwrap()).unwrap();
        assert_eq!(back, lease);
        let claim: Claim = serde_json::from_str("{}").unwrap();
        assert!(claim.worker_id.is_empty() && claim.kinds.is_none());
        let failed = serde_json::to_value(Failed {
            id: 1,
            state: JobState::Dead,
            not_before: None,
        })
        .unwrap();
        assert_eq!(failed["state"], "dead");
    }

    #[test]
    fn a_completion_carries_the_extraction_flat_and_requires_its_text() {
        let wire = r#"{"lease_token":"t","text":"Hi","engine":"whisper.cpp","model":"tiny.en","confidence":0.9,"duration_ms":12}"#;
        let c: Completion = serde_json::from_str(wire).unwrap();
        assert_eq!(c.found.text, "Hi");
        assert_eq!(c.found.confidence, Some(0.9));
        assert_eq!(c.duration_ms, Some(12));
        let back = serde_json::to_value(&c).unwrap();
        assert_eq!(back["engine"], "whisper.cpp");
        assert!(back.get("found").is_none());
        let missing = serde_json::from_str::<Completion>(r#"{"lease_token":"t","engine":"e"}"#);
        assert!(missing
            .unwrap_err()
            .to_string()
            .contains("missing field `text`"));
        let kinds: Claim = serde_json::from_str(r#"{"worker_id":"w","kinds":["ocr"]}"#).unwrap();
        assert_eq!(kinds.kinds, Some(vec![JobKind::Ocr]));
        assert!(serde_json::from_str::<Claim>(r#"{"kinds":["paint"]}"#).is_err());
    }
}
