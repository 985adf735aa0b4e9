//! International Bank Account Numbers (ISO 13616): a country code, two check digits and
//! the national account number, compact or in groups of four, whose length fits the
//! country and whose mod-97 check holds (both checked by `iban_validate`).

use crate::spans::{after, before, joins};
use crate::Hit;
use regex::Regex;
use std::sync::LazyLock;

static CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Z]{2}[0-9]{2}(?: ?[A-Za-z0-9]){11,30}").expect("the IBAN pattern compiles")
});

/// The shortest IBAN any country issues (Norway: 15 characters).
const SHORTEST: usize = 15;

/// Every IBAN in `text`.
pub(crate) fn find(text: &str) -> Vec<Hit> {
    let mut hits = Vec::new();
    // Two capitals and two digits start every IBAN.
    let starts = text.as_bytes().windows(4).any(|w| {
        w[0].is_ascii_uppercase()
            && w[1].is_ascii_uppercase()
            && w[2].is_ascii_digit()
            && w[3].is_ascii_digit()
    });
    if !starts {
        return hits;
    }
    for m in CANDIDATE.find_iter(text) {
        if joins(before(text, m.start())) {
            continue;
        }
        // The pattern may run on into the next word; the longest prefix that ends
        // between words and validates is the number.
        let ends: Vec<(usize, usize)> = m
            .as_str()
            .char_indices()
            .filter(|(_, c)| c.is_ascii_alphanumeric())
            .enumerate()
            .map(|(n, (i, c))| (n + 1, m.start() + i + c.len_utf8()))
            .collect();
        let compact: String = m.as_str().chars().filter(|c| *c != ' ').collect();
        let found = ends.iter().rev().find(|&&(n, end)| {
            n >= SHORTEST
                && !joins(after(text, end))
                && compact[..n]
                    .to_ascii_uppercase()
                    .parse::<iban::Iban>()
                    .is_ok()
        });
        if let Some(&(_, end)) = found {
            hits.push(Hit {
                start: m.start(),
                end,
                confidence: 0.95,
            });
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        crate::spans::matched(text, find(text))
    }

    #[test]
    fn finds_compact_and_grouped_numbers() {
        assert_eq!(
            found("IBAN: DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX"),
            vec!["DE89 3704 0044 0532 0130 00"]
        );
        assert_eq!(
            found("GB82WEST12345698765432."),
            vec!["GB82WEST12345698765432"]
        );
        assert_eq!(found("NO9386011117947 ok"), vec!["NO9386011117947"]);
    }

    #[test]
    fn leaves_out_failed_checks() {
        assert!(found("DE88 3704 0044 0532 0130 00").is_empty());
        assert!(found("XX89370400440532013000").is_empty());
    }
}
