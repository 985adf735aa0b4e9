//! Review as a use-case: leasing the next row to check (`review::queue` picks it) and
//! recording a reviewer's decision on a leased row: accept (optionally with a
//! correction) or reject, recorded once. Repeating the same decision is answered as
//! before; anything else about an already decided row, or a lease that is not the
//! caller's, is a [`ReviewError`]. Each owns its transaction.

use super::db_failures;
use super::text;
use crate::context::Origin;
use crate::db::{transaction, Db, DbError};
use crate::review::queue::{self, Ask, Leased};
use crate::review::wer;
use crate::store::activity::Activity;
use crate::store::contributions::{self, Contribution};
use crate::store::{review_leases, text_versions};
use serde::Deserialize;
use serde_json::json;
use wire::lifecycle::{ReviewState, Status};

/// Why a review step did not happen.
#[derive(Debug)]
pub enum ReviewError {
    /// No live contribution has this id.
    NotFound(i64),
    /// The row was decided already, by this reviewer (`true`) or another.
    AlreadyDecided(i64, ReviewState, bool),
    /// Its contributor opted it out of training.
    OptedOut(i64),
    /// Its extraction is not complete.
    NotComplete(i64, Status),
    /// The reviewer's lease on it ended at this time.
    LeaseExpired(i64, String),
    /// Another reviewer holds it until this time.
    HeldByAnother(i64, String),
    /// The reviewer holds no lease on it.
    NoLease(i64),
    /// The database failed.
    Db(DbError),
}

db_failures!(ReviewError);

/// Leases the reviewer's next row; `None` when nothing waits.
pub fn next(db: &dyn Db, ask: &Ask) -> Result<Option<Leased>, ReviewError> {
    let now = crate::clock::now();
    Ok(transaction(db, || queue::lease_next(db, ask, &now))?)
}

/// Who decides: the name in the history (`user:<id>` or `admin`) and the user id.
pub struct Reviewer<'a> {
    /// `user:<id>` or `admin`.
    pub actor: &'a str,
    /// The user's id (`None` for the admin token).
    pub user_id: Option<i64>,
}

/// Records `decision` (and `correction`, with accept) on row `id`, with a
/// `review_decided` entry when it is new; the outcome and the row as it now stands.
pub fn decide(
    db: &dyn Db,
    origin: &Origin,
    reviewer: &Reviewer,
    id: i64,
    decision: Decision,
    correction: Option<&str>,
) -> Result<(Outcome, Contribution), ReviewError> {
    let now = crate::clock::now();
    transaction(db, || {
        let row = contributions::get(db, id)?.ok_or(ReviewError::NotFound(id))?;
        let outcome = record(db, reviewer.actor, &row, decision, correction, &now)?;
        let row = contributions::get(db, id)?.unwrap_or(row);
        if outcome == Outcome::Recorded {
            let data = json!({
                "contribution_id": id, "decision": row.review_state, "text_version": row.text_version,
                "corrected": correction.is_some(), "by": reviewer.actor,
            });
            origin.log(db, Activity::ReviewDecided, reviewer.user_id, data, &now)?;
        }
        Ok((outcome, row))
    })
}

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
fn record(
    db: &dyn Db,
    reviewer: &str,
    row: &Contribution,
    decision: Decision,
    correction: Option<&str>,
    now: &str,
) -> Result<Outcome, ReviewError> {
    let id = row.id;
    if row.review_state != ReviewState::Unreviewed {
        let mine = row.reviewed_by.as_deref() == Some(reviewer);
        let same = mine
            && row.review_state == decision.state()
            && correction.is_none_or(|t| row.extracted_text.as_deref() == Some(t));
        if same {
            return Ok(Outcome::Replayed);
        }
        return Err(ReviewError::AlreadyDecided(id, row.review_state, mine));
    }
    if !row.included_in_training {
        return Err(ReviewError::OptedOut(id));
    }
    if row.status != Status::Complete {
        return Err(ReviewError::NotComplete(id, row.status));
    }
    match review_leases::get(db, id)? {
        Some(l) if l.reviewer == reviewer && l.expires_at.as_str() > now => {}
        Some(l) if l.reviewer == reviewer => {
            return Err(ReviewError::LeaseExpired(id, l.expires_at))
        }
        Some(l) if l.expires_at.as_str() > now => {
            return Err(ReviewError::HeldByAnother(id, l.expires_at))
        }
        _ => return Err(ReviewError::NoLease(id)),
    }
    if let Some(corrected) = correction {
        text::correct(db, row, corrected, reviewer, now)?;
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

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    fn ask(reviewer: &str) -> Ask<'_> {
        Ask {
            reviewer,
            own_user: None,
            modality: None,
            after: None,
            lease_seconds: 600,
        }
    }

    fn rita() -> Reviewer<'static> {
        Reviewer {
            actor: "user:99",
            user_id: Some(99),
        }
    }

    #[test]
    fn a_leased_row_is_decided_once_and_a_replay_changes_nothing() {
        let db = fixture::db();
        let ada = fixture::user(&db, "Ada");
        let id = fixture::text(&db, ada, "teh cat").row.id;
        let origin = Origin::default();
        let no_lease = decide(&db, &origin, &rita(), id, Decision::Accept, None);
        assert!(matches!(no_lease, Err(ReviewError::NoLease(_))));
        let leased = next(&db, &ask("user:99")).unwrap().expect("a row waits");
        assert_eq!((leased.row.id, leased.remaining), (id, 1));
        assert!(next(&db, &ask("user:7")).unwrap().is_none(), "held by Rita");
        let (outcome, row) =
            decide(&db, &origin, &rita(), id, Decision::Accept, Some("the cat")).unwrap();
        assert_eq!(outcome, Outcome::Recorded);
        assert_eq!(row.review_state, ReviewState::Accepted);
        assert_eq!(row.extracted_text.as_deref(), Some("the cat"));
        let (again, _) =
            decide(&db, &origin, &rita(), id, Decision::Accept, Some("the cat")).unwrap();
        assert_eq!(again, Outcome::Replayed);
        let other = Reviewer {
            actor: "admin",
            user_id: None,
        };
        let late = decide(&db, &origin, &other, id, Decision::Reject, None);
        assert!(matches!(
            late,
            Err(ReviewError::AlreadyDecided(_, ReviewState::Accepted, false))
        ));
        let decided = fixture::activity_types(&db)
            .iter()
            .filter(|t| *t == "review_decided")
            .count();
        assert_eq!(decided, 1);
    }

    #[test]
    fn rows_not_ready_for_review_say_why() {
        let db = fixture::db();
        let ada = fixture::user(&db, "Ada");
        let origin = Origin::default();
        let pending = fixture::screenshot(&db, ada, "a").row.id;
        let refused = decide(&db, &origin, &rita(), pending, Decision::Reject, None);
        assert!(matches!(
            refused,
            Err(ReviewError::NotComplete(_, Status::Pending))
        ));
        assert!(matches!(
            decide(&db, &origin, &rita(), 404, Decision::Reject, None),
            Err(ReviewError::NotFound(404))
        ));
    }
}
