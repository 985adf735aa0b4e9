//! Review as a use-case: leasing the next row to check (`review::queue` picks it),
//! recording a reviewer's vote on a leased row (accept, optionally with a correction,
//! or reject; once per reviewer and text version) and deriving the row's state from
//! its votes (`review::consensus`), and an adjudicator's final word on a row whose
//! accepts disagreed. Repeating the same decision is answered as before; anything else
//! about a row already decided, or a lease that is not the caller's, is a
//! [`ReviewError`]. Each owns its transaction.

use super::db_failures;
use super::text;
use crate::context::Origin;
use crate::db::{transaction, Db, DbError};
use crate::review::consensus::{self, Verdict};
use crate::review::queue::{self, Ask, Leased};
use crate::review::wer;
use crate::store::activity::Activity;
use crate::store::contributions::{self, Contribution};
use crate::store::review_votes::{self, Vote};
use crate::store::{review_leases, text_versions};
use serde_json::json;
use wire::lifecycle::{ReviewState, Status};

/// Why a review step did not happen.
#[derive(Debug)]
pub enum ReviewError {
    /// No live contribution has this id.
    NotFound(i64),
    /// The row was decided already (its state), by this reviewer (`true`) or others.
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
    /// An adjudication on a row that is not waiting for one (its state).
    NotInAdjudication(i64, ReviewState),
    /// Nobody decides on their own row.
    OwnRow(i64),
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

wire::names! {
    /// What a reviewer (or an adjudicator) decided.
    pub enum Decision {
        /// The (corrected) text is right.
        Accept = "accept",
        /// The row is not fit for training.
        Reject = "reject",
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

/// Records `reviewer`'s `decision` (and `correction`, with accept) on row `id` when
/// `required` votes decide a row, with a `review_decided` entry when it is new; the
/// outcome and the row as it now stands.
pub fn decide(
    db: &dyn Db,
    origin: &Origin,
    reviewer: &Reviewer,
    id: i64,
    decision: Decision,
    correction: Option<&str>,
    required: usize,
) -> Result<(Outcome, Contribution), ReviewError> {
    let now = crate::clock::now();
    transaction(db, || {
        let row = contributions::get(db, id)?.ok_or(ReviewError::NotFound(id))?;
        let ballot = Ballot {
            reviewer: reviewer.actor,
            user_id: reviewer.user_id,
            decision,
            correction,
        };
        let outcome = record(db, &row, &ballot, required, &now)?;
        let row = contributions::get(db, id)?.unwrap_or(row);
        if outcome == Outcome::Recorded {
            let data = json!({
                "contribution_id": id, "decision": decision, "state": row.review_state,
                "votes": row.review_votes, "text_version": row.text_version,
                "corrected": correction.is_some(), "by": reviewer.actor,
            });
            origin.log(db, Activity::ReviewDecided, reviewer.user_id, data, &now)?;
        }
        Ok((outcome, row))
    })
}

/// One reviewer's decision as asked.
struct Ballot<'a> {
    reviewer: &'a str,
    user_id: Option<i64>,
    decision: Decision,
    correction: Option<&'a str>,
}

impl Ballot<'_> {
    /// Whether `vote` is this same decision (a replay).
    fn repeats(&self, vote: &Vote) -> bool {
        vote.decision == self.decision
            && self
                .correction
                .is_none_or(|t| vote.text.as_deref() == Some(t))
    }
}

/// Records `ballot` on `row`, read inside the caller's transaction, and brings the
/// row's state in step with its votes.
fn record(
    db: &dyn Db,
    row: &Contribution,
    ballot: &Ballot,
    required: usize,
    now: &str,
) -> Result<Outcome, ReviewError> {
    let id = row.id;
    let version = row.text_version.unwrap_or(0);
    if ballot.user_id.is_some() && ballot.user_id == row.user_id {
        return Err(ReviewError::OwnRow(id));
    }
    if row.review_state != ReviewState::Unreviewed {
        let mine = review_votes::latest_by(db, id, ballot.reviewer)?;
        if mine.as_ref().is_some_and(|v| ballot.repeats(v)) {
            return Ok(Outcome::Replayed);
        }
        return Err(ReviewError::AlreadyDecided(
            id,
            row.review_state,
            mine.is_some(),
        ));
    }
    let votes = review_votes::on_version(db, id, version)?;
    if let Some(mine) = votes.iter().find(|v| v.reviewer == ballot.reviewer) {
        if ballot.repeats(mine) {
            return Ok(Outcome::Replayed);
        }
        return Err(ReviewError::AlreadyDecided(id, row.review_state, true));
    }
    if !row.included_in_training {
        return Err(ReviewError::OptedOut(id));
    }
    if row.status != Status::Complete {
        return Err(ReviewError::NotComplete(id, row.status));
    }
    let lease = match review_leases::get(db, id)? {
        Some(l) if l.reviewer == ballot.reviewer && l.expires_at.as_str() > now => l,
        Some(l) if l.reviewer == ballot.reviewer => {
            return Err(ReviewError::LeaseExpired(id, l.expires_at))
        }
        Some(l) if l.expires_at.as_str() > now => {
            return Err(ReviewError::HeldByAnother(id, l.expires_at))
        }
        _ => return Err(ReviewError::NoLease(id)),
    };
    let vote = Vote {
        contribution_id: id,
        reviewer: ballot.reviewer.to_string(),
        text_version: version,
        decision: ballot.decision,
        text: match ballot.decision {
            Decision::Accept => ballot
                .correction
                .or(row.extracted_text.as_deref())
                .map(str::to_string),
            Decision::Reject => None,
        },
        adjudication: false,
        seconds: elapsed(lease.leased_at.as_deref(), now),
        created_at: now.to_string(),
    };
    review_votes::insert(db, &vote)?;
    review_leases::release(db, id)?;
    let mut votes = votes;
    votes.push(vote);
    let cast: Vec<consensus::Vote> = votes
        .iter()
        .map(|v| consensus::Vote {
            decision: v.decision,
            text: v.text.as_deref(),
        })
        .collect();
    let count = votes.len() as i64;
    match consensus::verdict(&cast, required) {
        Verdict::Pending => contributions::set_vote_count(db, id, count, now)?,
        Verdict::Validated(text) => settle(
            db,
            row,
            ballot.reviewer,
            Decision::Accept,
            Some(text),
            count,
            now,
        )?,
        Verdict::Invalidated => {
            settle(db, row, ballot.reviewer, Decision::Reject, None, count, now)?
        }
        Verdict::Adjudication => {
            contributions::set_review(db, id, ReviewState::Adjudication, None, None, count, now)?
        }
    }
    Ok(Outcome::Recorded)
}

/// Seconds from `leased_at` to `now`, when the lease's start is known.
fn elapsed(leased_at: Option<&str>, now: &str) -> Option<f64> {
    let start = crate::clock::instant(leased_at?)?;
    let end = crate::clock::instant(now)?;
    Some((end - start).as_seconds_f64().max(0.0))
}

/// Gives `row` its final state: accepted with `text` (a new human version, by `by`,
/// when it differs from the current one) or rejected; `votes` decided it.
fn settle(
    db: &dyn Db,
    row: &Contribution,
    by: &str,
    decision: Decision,
    text: Option<&str>,
    votes: i64,
    now: &str,
) -> Result<(), DbError> {
    let (state, wer) = match decision {
        Decision::Accept => {
            let text = text.or(row.extracted_text.as_deref()).unwrap_or_default();
            text::correct(db, row, text, by, now)?;
            let machine = text_versions::latest_machine_text(db, row.id)?;
            let wer = machine.and_then(|m| wer::word_error_rate(text, &m));
            (ReviewState::Accepted, wer)
        }
        Decision::Reject => (ReviewState::Rejected, None),
    };
    contributions::set_review(db, row.id, state, Some(by), wer, votes, now)
}

/// An adjudicator's final word on row `id`, which waits for one: accept (with `text`,
/// or the current text) or reject, with a `review_adjudicated` entry; the row as it
/// now stands.
pub fn adjudicate(
    db: &dyn Db,
    origin: &Origin,
    adjudicator: &Reviewer,
    id: i64,
    decision: Decision,
    text: Option<&str>,
) -> Result<Contribution, ReviewError> {
    let now = crate::clock::now();
    transaction(db, || {
        let row = contributions::get(db, id)?.ok_or(ReviewError::NotFound(id))?;
        if row.review_state != ReviewState::Adjudication {
            return Err(ReviewError::NotInAdjudication(id, row.review_state));
        }
        let vote = Vote {
            contribution_id: id,
            reviewer: adjudicator.actor.to_string(),
            text_version: row.text_version.unwrap_or(0),
            decision,
            text: match decision {
                Decision::Accept => text.or(row.extracted_text.as_deref()).map(str::to_string),
                Decision::Reject => None,
            },
            adjudication: true,
            seconds: None,
            created_at: now.clone(),
        };
        review_votes::insert(db, &vote)?;
        settle(
            db,
            &row,
            adjudicator.actor,
            decision,
            text,
            row.review_votes,
            &now,
        )?;
        let row = contributions::get(db, id)?.unwrap_or(row);
        let data = json!({
            "contribution_id": id, "decision": decision, "state": row.review_state,
            "text_version": row.text_version, "by": adjudicator.actor,
        });
        origin.log(
            db,
            Activity::ReviewAdjudicated,
            adjudicator.user_id,
            data,
            &now,
        )?;
        Ok(row)
    })
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
        let no_lease = decide(&db, &origin, &rita(), id, Decision::Accept, None, 1);
        assert!(matches!(no_lease, Err(ReviewError::NoLease(_))));
        let leased = next(&db, &ask("user:99")).unwrap().expect("a row waits");
        assert_eq!((leased.row.id, leased.remaining), (id, 1));
        assert!(next(&db, &ask("user:7")).unwrap().is_none(), "held by Rita");
        let accept = || {
            decide(
                &db,
                &origin,
                &rita(),
                id,
                Decision::Accept,
                Some("the cat"),
                1,
            )
        };
        let (outcome, row) = accept().unwrap();
        assert_eq!(outcome, Outcome::Recorded);
        assert_eq!(row.review_state, ReviewState::Accepted);
        assert_eq!(row.extracted_text.as_deref(), Some("the cat"));
        let (again, _) = accept().unwrap();
        assert_eq!(again, Outcome::Replayed);
        let other = Reviewer {
            actor: "admin",
            user_id: None,
        };
        let late = decide(&db, &origin, &other, id, Decision::Reject, None, 1);
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
        let refused = decide(&db, &origin, &rita(), pending, Decision::Reject, None, 1);
        assert!(matches!(
            refused,
            Err(ReviewError::NotComplete(_, Status::Pending))
        ));
        assert!(matches!(
            decide(&db, &origin, &rita(), 404, Decision::Reject, None, 1),
            Err(ReviewError::NotFound(404))
        ));
    }
}
