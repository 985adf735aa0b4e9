//! The one place the use-cases' typed errors become problem+json: each variant's
//! status and detail. A database failure maps as `ApiError::from(DbError)` does
//! (503 with `Retry-After` when busy, else 500).

use crate::error::ApiError;
use crate::usecase::campaigns::{CampaignError, Ended, Limit};
use crate::usecase::imports::ImportError;
use crate::usecase::intake::IntakeError;
use crate::usecase::invitations::{RedeemError, Spent};
use crate::usecase::jobs::JobError;
use crate::usecase::pii::PiiError;
use crate::usecase::quality::QualityError;
use crate::usecase::releases::ReleaseError;
use crate::usecase::review::ReviewError;
use crate::usecase::text::TextError;
use wire::lifecycle::ReviewState;

impl From<JobError> for ApiError {
    fn from(e: JobError) -> Self {
        match e {
            JobError::NotFound(id) => ApiError::not_found(format!("no job {id}")),
            JobError::NotLeased(id, state) => ApiError::conflict(format!(
                "job {id} is not leased with this token (state {state})"
            )),
            JobError::ContributionDeleted(id) => {
                ApiError::conflict(format!("contribution {id} was deleted"))
            }
            JobError::InputGone => ApiError::not_found("the job's input is gone (deleted)"),
            JobError::BadLayout(why) => ApiError::invalid(format!(
                "the extraction's layout does not fit the input: {why}; the job stays leased"
            )),
            JobError::Db(e) => e.into(),
        }
    }
}

impl From<TextError> for ApiError {
    fn from(e: TextError) -> Self {
        match e {
            TextError::NotFound(id) => ApiError::not_found(format!("no contribution {id}")),
            TextError::NotComplete(id, status) => ApiError::conflict(format!(
                "contribution {id} is {status}: its text can be corrected once extraction is complete"
            )),
            TextError::Db(e) => e.into(),
        }
    }
}

impl From<IntakeError> for ApiError {
    fn from(e: IntakeError) -> Self {
        match e {
            IntakeError::DuplicateRace => {
                ApiError::internal("a row checked as new met an existing duplicate")
            }
            IntakeError::Campaign(e) => e.into(),
            IntakeError::Db(e) => e.into(),
        }
    }
}

impl From<ImportError> for ApiError {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::CampaignParticipant => ApiError::forbidden(
                "a campaign's participants contribute one at a time (POST /api/unified-input), not by import",
            ),
            ImportError::NotFound(id) => ApiError::not_found(format!("no import {id}")),
            ImportError::BodyGone(id) => ApiError::conflict(format!(
                "import {id} was cut short before its body was kept: send the same body to POST /api/import again, and the rows already there come back as duplicates"
            )),
            ImportError::Intake(e) => e.into(),
        }
    }
}

impl From<PiiError> for ApiError {
    fn from(e: PiiError) -> Self {
        match e {
            PiiError::NotFound(id) => ApiError::not_found(format!("no contribution {id}")),
            PiiError::NoFinding(id) => {
                ApiError::not_found(format!("the row's current text has no finding {id}"))
            }
            PiiError::NoText(id) => ApiError::conflict(format!(
                "contribution {id} has no text yet: its extraction has not completed"
            )),
            PiiError::OutOfText { length } => ApiError::invalid(format!(
                "start and end must mark characters of the current text: 0 <= start < end <= {length}"
            )),
            PiiError::Db(e) => e.into(),
        }
    }
}

impl From<ReviewError> for ApiError {
    fn from(e: ReviewError) -> Self {
        let conflict = ApiError::conflict;
        match e {
            ReviewError::NotFound(id) => ApiError::not_found(format!("no contribution {id}")),
            ReviewError::AlreadyDecided(id, ReviewState::Adjudication, _) => conflict(format!(
                "contribution {id} waits for an adjudicator: its reviewers accepted different texts"
            )),
            ReviewError::AlreadyDecided(id, ReviewState::Unreviewed, _) => conflict(format!(
                "you already decided contribution {id}'s current text differently; it waits for other reviewers"
            )),
            ReviewError::OwnRow(id) => ApiError::forbidden(format!(
                "contribution {id} is yours: nobody reviews their own rows"
            )),
            ReviewError::NotInAdjudication(id, state) => conflict(format!(
                "contribution {id} is not waiting for an adjudicator (it is {state})"
            )),
            ReviewError::AlreadyDecided(id, state, mine) => {
                let by = if mine {
                    "by you, with another decision or text"
                } else {
                    "by another reviewer"
                };
                conflict(format!("contribution {id} was already {state} {by}"))
            }
            ReviewError::OptedOut(id) => conflict(format!(
                "contribution {id} was opted out of training by its contributor; it is not reviewed"
            )),
            ReviewError::NotComplete(id, status) => conflict(format!(
                "contribution {id} is {status}: only complete rows are reviewed"
            )),
            ReviewError::LeaseExpired(id, at) => conflict(format!(
                "your lease on contribution {id} expired at {at}; GET /api/review/next to lease a row again"
            )),
            ReviewError::HeldByAnother(id, until) => conflict(format!(
                "another reviewer holds contribution {id} until {until}"
            )),
            ReviewError::NoLease(id) => conflict(format!(
                "you hold no lease on contribution {id} (it may have been corrected since): GET /api/review/next leases one"
            )),
            ReviewError::Db(e) => e.into(),
        }
    }
}

impl From<QualityError> for ApiError {
    fn from(e: QualityError) -> Self {
        match e {
            QualityError::NoScan => {
                ApiError::conflict("no scan yet: POST /api/cleanup-voice-data first")
            }
            QualityError::Db(e) => e.into(),
        }
    }
}

impl From<RedeemError> for ApiError {
    fn from(e: RedeemError) -> Self {
        match e {
            RedeemError::Unknown => ApiError::not_found("no invitation has this code"),
            RedeemError::Gone(spent) => ApiError::gone(match spent {
                Spent::Revoked => "this invitation was revoked",
                Spent::Expired => "this invitation has expired",
                Spent::UsedUp => "this invitation has been used up",
            }),
            RedeemError::Db(e) => e.into(),
        }
    }
}

impl From<CampaignError> for ApiError {
    fn from(e: CampaignError) -> Self {
        match e {
            CampaignError::Unknown => ApiError::not_found("no campaign has this address"),
            CampaignError::Gone(ended) => ApiError::gone(match ended {
                Ended::Closed => "this campaign is closed",
                Ended::Ended => "this campaign has ended",
                Ended::Full => "this campaign has every contribution it asked for",
            }),
            CampaignError::TooMany(too_many) => ApiError::too_many(
                match too_many.limit {
                    Limit::JoinsPerAddress => {
                        "too many people joined from this address in the last hour"
                    }
                    Limit::ContributionsPerAddress => {
                        "too many campaign contributions came from this address in the last hour"
                    }
                    Limit::DailyCap => {
                        "you reached this campaign's limit of contributions per day (any 24 hours)"
                    }
                },
                too_many.retry_after,
            ),
            CampaignError::Db(e) => e.into(),
        }
    }
}

impl From<ReleaseError> for ApiError {
    fn from(e: ReleaseError) -> Self {
        match e {
            ReleaseError::NotFound(n) => ApiError::not_found(format!("no release {n}")),
            ReleaseError::NameTaken(name) => {
                ApiError::invalid(format!(
                "a release named {name:?} exists already: give this one another name"
            ))
            }
            ReleaseError::NoCheckpoint => ApiError::invalid(
                "the log has no signed checkpoint yet: nothing was contributed, so there is nothing to release",
            ),
            ReleaseError::NothingMatches => ApiError::invalid(
                "no complete, opted-in row of the log's signed checkpoint matches these filters: a release cannot be empty",
            ),
            ReleaseError::Building(n) => ApiError::conflict(format!(
                "release {n} is still building: its files exist once it is published (GET /api/releases/{n} shows progress)"
            )),
            ReleaseError::FormatNotFrozen { format, frozen } => ApiError::invalid(format!(
                "release was not built as {} (it holds {})",
                format.name(),
                frozen.join(", ")
            )),
            ReleaseError::Api(e) => e,
            ReleaseError::Db(e) => e.into(),
        }
    }
}
