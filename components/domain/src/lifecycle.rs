//! The lifecycles the app tracks, as types rather than string literals: a
//! contribution's extraction status, an extraction job's state, a row's review state
//! and where its current text comes from. The names are the API's and the database's
//! (the schema's CHECK constraints list the same words).

use serde::{Deserialize, Serialize};

/// Where a contribution's text extraction stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Waiting for a worker (or for its retry time).
    Pending,
    /// A worker holds the job's lease.
    Processing,
    /// Text is extracted (or was given).
    Complete,
    /// Extraction failed for good; `last_error` says why.
    Failed,
}

impl Status {
    /// Every status, in lifecycle order.
    pub const ALL: [Status; 4] = [
        Status::Pending,
        Status::Processing,
        Status::Complete,
        Status::Failed,
    ];

    /// The API and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Processing => "processing",
            Status::Complete => "complete",
            Status::Failed => "failed",
        }
    }

    /// Parses the API and database name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// Whether extraction has ended, one way or the other.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Complete | Status::Failed)
    }
}

/// Where an extraction job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    /// Claimable (once `not_before` has passed).
    Pending,
    /// A worker holds the lease until `lease_expires_at`.
    Leased,
    /// Completed: the text is stored.
    Done,
    /// Out of attempts, or failed for good.
    Dead,
    /// Withdrawn (its contribution was deleted).
    Cancelled,
}

impl JobState {
    /// Every state.
    pub const ALL: [JobState; 5] = [
        JobState::Pending,
        JobState::Leased,
        JobState::Done,
        JobState::Dead,
        JobState::Cancelled,
    ];

    /// The API and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Pending => "pending",
            JobState::Leased => "leased",
            JobState::Done => "done",
            JobState::Dead => "dead",
            JobState::Cancelled => "cancelled",
        }
    }

    /// Parses the API and database name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// Whether a person has checked a row's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReviewState {
    /// Nobody has decided yet (or the text changed since).
    Unreviewed,
    /// A reviewer accepted the current text.
    Accepted,
    /// A reviewer rejected the row.
    Rejected,
}

impl ReviewState {
    /// Every state.
    pub const ALL: [ReviewState; 3] = [
        ReviewState::Unreviewed,
        ReviewState::Accepted,
        ReviewState::Rejected,
    ];

    /// The API and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewState::Unreviewed => "unreviewed",
            ReviewState::Accepted => "accepted",
            ReviewState::Rejected => "rejected",
        }
    }

    /// Parses the API and database name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// Who wrote a text version: an extraction engine, the contributor (a text
/// contribution's own words) or a person correcting it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TextSource {
    /// Whisper, OCR or the shape recogniser.
    Machine,
    /// The text as contributed (modality `text`).
    Contributor,
    /// A correction by the owner, a reviewer or the admin.
    Human,
}

impl TextSource {
    /// Every source.
    pub const ALL: [TextSource; 3] = [
        TextSource::Machine,
        TextSource::Contributor,
        TextSource::Human,
    ];

    /// The API and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            TextSource::Machine => "machine",
            TextSource::Contributor => "contributor",
            TextSource::Human => "human",
        }
    }

    /// Parses the API and database name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        for s in JobState::ALL {
            assert_eq!(JobState::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        for s in ReviewState::ALL {
            assert_eq!(ReviewState::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        for s in TextSource::ALL {
            assert_eq!(TextSource::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert_eq!(Status::parse("done"), None);
    }
}
