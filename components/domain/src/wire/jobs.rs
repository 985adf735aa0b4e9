//! The job protocol (`/api/jobs/...`, worker token): the claim, the lease it answers,
//! heartbeats, completions and failures. A field the app requires but a client left
//! out reads as empty (`#[serde(default)]`), so the handler answers it with its own
//! clear 422 rather than a parser's message.

use crate::lifecycle::JobState;
use serde::{Deserialize, Serialize};

/// `POST /api/jobs/claim`: lease the next due job of these kinds.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Claim {
    /// Who claims (1 to 100 characters); kept on the lease.
    #[serde(default)]
    pub worker_id: String,
    /// `transcribe` and/or `ocr`; both when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kinds: Option<Vec<String>>,
    /// Lease length in seconds (1 to 3600); 300 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_seconds: Option<i64>,
}

/// The claim's answer (200): one job, leased to the claimant. 204 means none is due.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lease {
    /// Job id.
    pub id: i64,
    /// `transcribe` or `ocr`.
    pub kind: String,
    /// The contribution it extracts text from.
    pub contribution_id: i64,
    /// The contribution's modality (`voice`, `screenshot`, `drawing`).
    pub modality: String,
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

/// `POST /api/jobs/{id}/complete`: the extracted text and how it was found.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Completion {
    /// The live lease's token.
    #[serde(default)]
    pub lease_token: String,
    /// The text (empty when nothing was found; absent is an error).
    #[serde(default)]
    pub text: Option<String>,
    /// Spoken or written language, when known.
    #[serde(default)]
    pub language: Option<String>,
    /// Engine's confidence in 0..=1, when it gives one.
    #[serde(default)]
    pub confidence: Option<f64>,
    /// The engine (`whisper`, `tesseract`, …); required.
    #[serde(default)]
    pub engine: String,
    /// The model the engine ran.
    #[serde(default)]
    pub model: String,
    /// How long extraction took.
    #[serde(default)]
    pub duration_ms: Option<i64>,
    /// Timed segments of a transcript, as the engine gave them.
    #[serde(default)]
    pub segments: Option<serde_json::Value>,
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
            kind: "ocr".into(),
            contribution_id: 3,
            modality: "screenshot".into(),
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
}
