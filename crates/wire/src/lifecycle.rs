//! The lifecycles the app tracks, as types rather than string literals: a
//! contribution's extraction status, an extraction job's state, a row's review state
//! and where its current text comes from. The names are the API's and the database's
//! (the schema's CHECK constraints list the same words).

names! {
    /// Where a contribution's text extraction stands.
    pub enum Status {
        /// Waiting for a worker (or for its retry time).
        Pending = "pending",
        /// A worker holds the job's lease.
        Processing = "processing",
        /// Text is extracted (or was given).
        Complete = "complete",
        /// Extraction failed for good; `last_error` says why.
        Failed = "failed",
    }
}

impl Status {
    /// Whether extraction has ended, one way or the other.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Complete | Status::Failed)
    }
}

names! {
    /// Where an extraction job stands.
    pub enum JobState {
        /// Claimable (once `not_before` has passed).
        Pending = "pending",
        /// A worker holds the lease until `lease_expires_at`.
        Leased = "leased",
        /// Completed: the text is stored.
        Done = "done",
        /// Out of attempts, or failed for good.
        Dead = "dead",
        /// Withdrawn (its contribution was deleted).
        Cancelled = "cancelled",
    }
}

names! {
    /// Whether a person has checked a row's text.
    pub enum ReviewState {
        /// Still waiting for decisions (none yet, too few, or the text changed since).
        Unreviewed = "unreviewed",
        /// Validated: enough reviewers accepted the current text, more than rejected it.
        Accepted = "accepted",
        /// Invalidated: enough reviewers rejected the row, more than accepted it.
        Rejected = "rejected",
        /// Accepts disagree on the text: an adjudicator decides.
        Adjudication = "adjudication",
    }
}

names! {
    /// Who wrote a text version: an extraction engine, the contributor (a text
    /// contribution's own words) or a person correcting it.
    pub enum TextSource {
        /// Whisper, OCR or the shape recogniser.
        Machine = "machine",
        /// The text as contributed (modality `text`).
        Contributor = "contributor",
        /// A correction by the owner, a reviewer or the admin.
        Human = "human",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for &s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        for &s in JobState::ALL {
            assert_eq!(JobState::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        for &s in ReviewState::ALL {
            assert_eq!(ReviewState::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        for &s in TextSource::ALL {
            assert_eq!(TextSource::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert_eq!(Status::parse("done"), None);
    }
}
