//! What the dashboard (`/api/admin/metrics`) and the cleanup report say about review:
//! the tally of states with their shares, Krippendorff's alpha over the rows that at
//! least two reviewers decided, and each reviewer's figures. One function serves both.

use super::agreement::{alpha, median};
use super::wer::word_error_rate;
use crate::db::{Db, DbError};
use crate::store::{contributions, review_votes};
use crate::usecase::review::Decision;
use serde::Serialize;
use std::collections::BTreeMap;

/// The review report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Counts of states over training rows, and the machine text's agreement.
    #[serde(flatten)]
    pub tally: contributions::ReviewTally,
    /// Shares of training rows validated, invalidated, in adjudication and waiting.
    pub shares: Shares,
    /// Krippendorff's alpha (nominal: accept or reject) over rows with two or more
    /// votes on a text version; `None` until there is something to compare.
    pub alpha: Option<f64>,
    /// Text versions with two or more votes (alpha's units).
    pub alpha_units: usize,
    /// Each reviewer's figures, by name.
    pub reviewers: Vec<ReviewerFigures>,
}

/// Shares of training rows in each state (0 when there are none).
#[derive(Debug, Clone, Serialize)]
pub struct Shares {
    /// Accepted by consensus.
    pub validated: f64,
    /// Rejected by consensus.
    pub invalidated: f64,
    /// Waiting for an adjudicator.
    pub adjudication: f64,
    /// Waiting for votes.
    pub waiting: f64,
}

/// One reviewer's figures.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewerFigures {
    /// `user:<id>` or `admin`.
    pub reviewer: String,
    /// Votes cast.
    pub decisions: usize,
    /// Share of their votes on settled rows that agree with the final state.
    pub agreement: Option<f64>,
    /// Mean word error rate of the text they accepted against the final text, over
    /// rows accepted in the end.
    pub mean_word_error_rate: Option<f64>,
    /// Median seconds from lease to decision.
    pub median_seconds: Option<f64>,
}

/// The report as it stands.
pub fn report(db: &dyn Db) -> Result<Report, DbError> {
    let tally = contributions::review_tally(db)?;
    let share = |n: u64| {
        if tally.rows == 0 {
            0.0
        } else {
            n as f64 / tally.rows as f64
        }
    };
    let shares = Shares {
        validated: share(tally.accepted),
        invalidated: share(tally.rejected),
        adjudication: share(tally.adjudication),
        waiting: share(tally.unreviewed),
    };
    let votes = review_votes::all_with_outcome(db)?;
    let mut units: BTreeMap<(i64, i64), Vec<bool>> = BTreeMap::new();
    #[derive(Default)]
    struct Acc {
        decisions: usize,
        settled: usize,
        agreed: usize,
        wers: Vec<f64>,
        seconds: Vec<f64>,
    }
    let mut by_reviewer: BTreeMap<String, Acc> = BTreeMap::new();
    for (vote, state, final_text) in &votes {
        let accept = vote.decision == Decision::Accept;
        units
            .entry((vote.contribution_id, vote.text_version))
            .or_default()
            .push(accept);
        let acc = by_reviewer.entry(vote.reviewer.clone()).or_default();
        acc.decisions += 1;
        acc.seconds.extend(vote.seconds);
        match state.as_str() {
            "accepted" | "rejected" => {
                acc.settled += 1;
                if accept == (state == "accepted") {
                    acc.agreed += 1;
                }
            }
            _ => {}
        }
        if let (true, "accepted", Some(text), Some(final_text)) =
            (accept, state.as_str(), &vote.text, final_text)
        {
            acc.wers.extend(word_error_rate(final_text, text));
        }
    }
    let pairable: Vec<Vec<bool>> = units.into_values().filter(|u| u.len() >= 2).collect();
    let reviewers = by_reviewer
        .into_iter()
        .map(|(reviewer, mut acc)| ReviewerFigures {
            reviewer,
            decisions: acc.decisions,
            agreement: (acc.settled > 0).then(|| acc.agreed as f64 / acc.settled as f64),
            mean_word_error_rate: (!acc.wers.is_empty())
                .then(|| acc.wers.iter().sum::<f64>() / acc.wers.len() as f64),
            median_seconds: median(&mut acc.seconds),
        })
        .collect();
    Ok(Report {
        tally,
        shares,
        alpha: alpha(&pairable),
        alpha_units: pairable.len(),
        reviewers,
    })
}
