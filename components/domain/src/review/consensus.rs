//! When several reviewers decide a row: the state their votes lead to. With `required`
//! votes needed (N), a row is **validated** (accepted) with at least N accepts and more
//! accepts than rejects, **invalidated** (rejected) with at least N rejects and more
//! rejects than accepts, and goes to **adjudication** as soon as accepts vouch for
//! different texts (after [`normalize`]: case, whitespace, punctuation at the edges).
//! Otherwise it waits for another vote; a tie cannot outlast 2N − 1 votes, when one
//! side always has N and the majority.

use crate::usecase::review::Decision;

/// One vote as the rules see it: the decision and, for an accept, the text it vouches
/// for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vote<'a> {
    /// Accept or reject.
    pub decision: Decision,
    /// The accepted text (`None` for a reject).
    pub text: Option<&'a str>,
}

/// Where a row's votes leave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict<'a> {
    /// Another vote is needed.
    Pending,
    /// Validated, with the text the accepts agree on (the first accept's spelling).
    Validated(&'a str),
    /// Invalidated.
    Invalidated,
    /// Accepts disagree on the text: an adjudicator decides.
    Adjudication,
}

/// The text as votes compare it: lower case, words separated by one space, no
/// punctuation or space at either end.
pub fn normalize(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

/// The verdict of `votes` (in the order cast) when `required` votes are needed.
pub fn verdict<'a>(votes: &[Vote<'a>], required: usize) -> Verdict<'a> {
    let accepts: Vec<&str> = votes
        .iter()
        .filter(|v| v.decision == Decision::Accept)
        .map(|v| v.text.unwrap_or_default())
        .collect();
    let rejects = votes.len() - accepts.len();
    if let Some(first) = accepts.first() {
        let agreed = normalize(first);
        if accepts.iter().any(|t| normalize(t) != agreed) {
            return Verdict::Adjudication;
        }
        if accepts.len() >= required && accepts.len() > rejects {
            return Verdict::Validated(first);
        }
    }
    if rejects >= required && rejects > accepts.len() {
        return Verdict::Invalidated;
    }
    Verdict::Pending
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(text: &str) -> Vote<'_> {
        Vote {
            decision: Decision::Accept,
            text: Some(text),
        }
    }
    const REJECT: Vote<'static> = Vote {
        decision: Decision::Reject,
        text: None,
    };

    #[test]
    fn one_vote_decides_when_one_is_required() {
        assert_eq!(verdict(&[accept("a cat")], 1), Verdict::Validated("a cat"));
        assert_eq!(verdict(&[REJECT], 1), Verdict::Invalidated);
    }

    #[test]
    fn two_required_wait_for_two_and_a_majority() {
        assert_eq!(verdict(&[accept("a cat")], 2), Verdict::Pending);
        assert_eq!(
            verdict(&[accept("A cat."), accept(" a  CAT ")], 2),
            Verdict::Validated("A cat."),
            "case, spacing and edge punctuation are agreement"
        );
        assert_eq!(verdict(&[accept("a cat"), REJECT], 2), Verdict::Pending);
        assert_eq!(
            verdict(&[accept("a cat"), REJECT, accept("a cat")], 2),
            Verdict::Validated("a cat")
        );
        assert_eq!(
            verdict(&[accept("a cat"), REJECT, REJECT], 2),
            Verdict::Invalidated
        );
        assert_eq!(verdict(&[REJECT, REJECT], 2), Verdict::Invalidated);
    }

    #[test]
    fn accepts_of_different_texts_go_to_adjudication() {
        assert_eq!(
            verdict(&[accept("a cat"), accept("a hat")], 2),
            Verdict::Adjudication
        );
        assert_eq!(
            verdict(&[accept("a cat"), REJECT, accept("the cat")], 3),
            Verdict::Adjudication
        );
    }

    #[test]
    fn no_tie_outlasts_two_n_minus_one_votes() {
        for n in 1..=4usize {
            for mask in 0..(1u32 << (2 * n - 1)) {
                let votes: Vec<Vote> = (0..2 * n - 1)
                    .map(|i| {
                        if mask >> i & 1 == 1 {
                            accept("x")
                        } else {
                            REJECT
                        }
                    })
                    .collect();
                assert_ne!(verdict(&votes, n), Verdict::Pending, "n={n} mask={mask:b}");
            }
        }
    }
}
