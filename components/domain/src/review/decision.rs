//! A reviewer's decision on a leased row: accept (optionally with a correction) or
//! reject, recorded once. Repeating the same decision is answered as before; anything
//! else about an already decided row, or a lease that is not the caller's, is a
//! conflict.

use super::wer;
use crate::db::Db;
use crate::error::ApiError;
use crate::store::contributions::Contribution;
use crate::store::{contributions, review_leases, text_versions};
use crate::usecase::text as versions;
use serde::Deserialize;
use wire::lifecycle::{ReviewState, Status};

/// What a reviewer decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// The (corrected) text is right.
    Accept,
    /// The row is not fit for training.
    Reject,
}

impl Decision {
    /// The review state it leads to.
    pub fn state(self) -> ReviewState {
        match self {
            Decision::Accept => ReviewState::Accepted,
            Decision::Reject => ReviewState::Rejected,
        }
    }
}

/// Whether a decision was recorded now or had been recorded before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Recorded by this request.
    Recorded,
    /// The same decision by the same reviewer was already recorded; nothing changed.
    Replayed,
}

/// Records `decision` (and `correction`, with accept) by `reviewer` on `row`, read
/// inside the caller's transaction.
pub fn decide(
    db: &dyn Db,
    reviewer: &str,
    row: &Contribution,
    decision: Decision,
    correction: Option<&str>,
    now: &str,
) -> Result<Outcome, ApiError> {
    let id = row.id;
    if row.review_state != ReviewState::Unreviewed {
        let same = row.reviewed_by.as_deref() == Some(reviewer)
            && row.review_state == decision.state()
            && correction.is_none_or(|t| row.extracted_text.as_deref() == Some(t));
        if same {
            return Ok(Outcome::Replayed);
        }
        let by = if row.reviewed_by.as_deref() == Some(reviewer) {
            "by you, with another decision or text"
        } else {
            "by another reviewer"
        };
        return Err(ApiError::conflict(format!(
            "contribution {id} was already {} {by}",
            row.review_state.as_str()
        )));
    }
    if !row.included_in_training {
        return Err(ApiError::conflict(format!(
            "contribution {id} was opted out of training by its contributor; it is not reviewed"
        )));
    }
    if row.status != Status::Complete {
        return Err(ApiError::conflict(format!(
            "contribution {id} is {}: only complete rows are reviewed",
            row.status.as_str()
        )));
    }
    match review_leases::get(db, id)? {
        Some(l) if l.reviewer == reviewer && l.expires_at.as_str() > now => {}
        Some(l) if l.reviewer == reviewer => {
            return Err(ApiError::conflict(format!(
                "your lease on contribution {id} expired at {}; GET /api/review/next to lease a row again",
                l.expires_at
            )))
        }
        Some(l) if l.expires_at.as_str() > now => {
            return Err(ApiError::conflict(format!(
                "another reviewer holds contribution {id} until {}",
                l.expires_at
            )))
        }
        _ => {
            return Err(ApiError::conflict(format!(
                "you hold no lease on contribution {id} (it may have been corrected since): GET /api/review/next leases one"
            )))
        }
    }
    if let Some(corrected) = correction {
        versions::correct(db, row, corrected, reviewer, now)?;
    }
    let text = correction
        .or(row.extracted_text.as_deref())
        .unwrap_or_default();
    let wer = match decision {
        Decision::Accept => text_versions::latest_machine_text(db, id)?
            .and_then(|machine| wer::word_error_rate(text, &machine)),
        Decision::Reject => None,
    };
    contributions::set_review(db, id, decision.state(), reviewer, wer, now)?;
    review_leases::release(db, id)?;
    Ok(Outcome::Recorded)
}
