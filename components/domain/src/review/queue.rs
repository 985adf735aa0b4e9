//! The review queue: complete, opted-in rows still waiting for votes, those with
//! personal data found in them first, then those whose extraction the engine's signals
//! flagged, then the rest, each group oldest first; each row handed to one reviewer at a time under a lease, and only to
//! reviewers who have not decided its current text yet. A reviewer holds at most one row; asking again
//! returns the same row (a reloaded page keeps its place) until the reviewer decides,
//! skips (`after`) or lets the lease expire, when the row is free for anyone.

use crate::db::{Db, DbError};
use crate::store::contributions::{self, Contribution, QueueTier};
use crate::store::review_leases;
use wire::lifecycle::{ReviewState, Status};
use wire::media::Modality;

/// Default lease on a row, in seconds.
pub const DEFAULT_LEASE_SECONDS: i64 = 600;
/// Shortest lease a reviewer may ask for.
pub const MIN_LEASE_SECONDS: i64 = 5;
/// Longest lease a reviewer may ask for.
pub const MAX_LEASE_SECONDS: i64 = 3600;

/// What the queue asks for.
pub struct Ask<'a> {
    /// `user:<id>` or `admin`.
    pub reviewer: &'a str,
    /// The reviewer's own user id: nobody reviews their own rows.
    pub own_user: Option<i64>,
    /// Only this modality.
    pub modality: Option<Modality>,
    /// Skip to rows after this id (the page's "skip"); the queue wraps around.
    pub after: Option<i64>,
    /// How long the lease lasts.
    pub lease_seconds: i64,
}

/// A leased row.
pub struct Leased {
    /// The row, as it is now.
    pub row: Contribution,
    /// When the lease ends.
    pub expires_at: String,
    /// Rows waiting for review that this reviewer may be offered (for this modality),
    /// this one included.
    pub remaining: u64,
}

/// Whether a row is still one the queue would hand out.
fn waiting(row: &Contribution, modality: Option<Modality>) -> bool {
    row.review_state == ReviewState::Unreviewed
        && row.status == Status::Complete
        && row.included_in_training
        && modality.is_none_or(|m| m == row.modality)
}

/// Leases the reviewer's next row (run it inside a transaction); `None` when nothing
/// waits.
pub fn lease_next(db: &dyn Db, ask: &Ask, now: &str) -> Result<Option<Leased>, DbError> {
    let expires_at = crate::clock::from_now(ask.lease_seconds as f64);
    let held = match ask.after {
        None => review_leases::held_by(db, ask.reviewer, now)?,
        Some(_) => None,
    };
    let kept = match held {
        Some(id) => contributions::get(db, id)?.filter(|r| waiting(r, ask.modality)),
        None => None,
    };
    let row = match kept {
        Some(row) => row,
        None => {
            review_leases::release_reviewer(db, ask.reviewer, now)?;
            let from = |after, tier| {
                contributions::next_for_review(
                    db,
                    ask.modality,
                    after,
                    ask.own_user,
                    ask.reviewer,
                    tier,
                    now,
                )
            };
            // The queue's order: its tiers, each oldest first. A skip moves on from the
            // skipped row's place in that order, wrapping round once.
            let passes: Vec<(i64, QueueTier)> = match ask.after {
                None => QueueTier::ORDER.iter().map(|&t| (0, t)).collect(),
                Some(x) => {
                    let tier =
                        contributions::get(db, x)?.map_or(QueueTier::Rest, |r| QueueTier::of(&r));
                    let at = QueueTier::ORDER
                        .iter()
                        .position(|&t| t == tier)
                        .unwrap_or(0);
                    std::iter::once((x, tier))
                        .chain((1..=3).map(|k| (0, QueueTier::ORDER[(at + k) % 3])))
                        .collect()
                }
            };
            let mut found = None;
            for (after, tier) in passes {
                found = from(after, tier)?;
                if found.is_some() {
                    break;
                }
            }
            let row = found.map(|id| contributions::get(db, id)).transpose()?;
            let Some(row) = row.flatten() else {
                return Ok(None);
            };
            row
        }
    };
    review_leases::put(db, row.id, ask.reviewer, &expires_at, now)?;
    let remaining =
        contributions::review_queue_length(db, ask.modality, ask.own_user, ask.reviewer)?;
    Ok(Some(Leased {
        row,
        expires_at,
        remaining,
    }))
}
