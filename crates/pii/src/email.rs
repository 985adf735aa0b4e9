//! E-mail addresses: a local part, `@`, and a domain with a top-level label of letters.

use crate::spans::{after, before};
use crate::Hit;
use regex::Regex;
use std::sync::LazyLock;

/// Letters and digits: ASCII, and any character past it but the general and CJK
/// punctuation blocks (spelled as ranges: Unicode classes would cost milliseconds to
/// compile, on every request a Spin component serves).
macro_rules! alnum {
    () => {
        r"A-Za-z0-9\u{C0}-\u{1FFF}\u{2070}-\u{2FFF}\u{3040}-\u{10FFFF}"
    };
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"[",
        alnum!(),
        r"!#$%&'*+/=?^_`{|}~-]+(?:\.[",
        alnum!(),
        r"!#$%&'*+/=?^_`{|}~-]+)*@(?:[",
        alnum!(),
        r"](?:[",
        alnum!(),
        r"-]*[",
        alnum!(),
        r"])?\.)+[A-Za-z\u{C0}-\u{1FFF}\u{3040}-\u{10FFFF}]{2,24}"
    ))
    .expect("the e-mail pattern compiles")
});

/// Every e-mail address in `text`.
pub(crate) fn find(text: &str) -> Vec<Hit> {
    if !text.contains('@') {
        return Vec::new();
    }
    EMAIL
        .find_iter(text)
        // Not the tail of a longer token (`x@y.com` inside `a.x@y.comb` is no address).
        .filter(|m| !after(text, m.end()).is_some_and(|c| c.is_alphanumeric() || c == '@'))
        .filter(|m| before(text, m.start()) != Some('@'))
        .map(|m| Hit {
            start: m.start(),
            end: m.end(),
            confidence: 0.95,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        crate::spans::matched(text, find(text))
    }

    #[test]
    fn finds_addresses_and_not_mentions() {
        assert_eq!(
            found("Reply to <john.o'neil+tag@mail.example.co.uk>, not @john or a@b."),
            vec!["john.o'neil+tag@mail.example.co.uk"]
        );
        assert_eq!(found("müller@bücher.de."), vec!["müller@bücher.de"]);
        assert!(found("version 1.2@3.4 and user@localhost").is_empty());
    }
}
