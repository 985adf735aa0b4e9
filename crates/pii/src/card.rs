//! Payment card numbers: 12 to 19 digits, optionally grouped by spaces or dashes,
//! starting with an issuer prefix the card networks use, with a valid Luhn digit.

use crate::spans::{after, before, joins};
use crate::Hit;
use regex::Regex;
use std::sync::LazyLock;

static CANDIDATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[0-9](?:[ -]?[0-9]){11,18}").expect("the card pattern compiles"));

/// Every payment card number in `text`.
pub(crate) fn find(text: &str) -> Vec<Hit> {
    if crate::spans::ascii_digits(text) < 12 {
        return Vec::new();
    }
    CANDIDATE
        .find_iter(text)
        .filter(|m| !joins(before(text, m.start())) && !joins(after(text, m.end())))
        .filter(|m| !separated_decimal(text, m.start(), m.end()))
        .filter_map(|m| {
            let digits: Vec<u8> = m
                .as_str()
                .bytes()
                .filter(u8::is_ascii_digit)
                .map(|b| b - b'0')
                .collect();
            (issuer_prefix(&digits) && luhn(&digits)).then_some(Hit {
                start: m.start(),
                end: m.end(),
                confidence: 0.95,
            })
        })
        .collect()
}

/// Whether the digits continue a decimal number on either side (`0.4111…`). A comma
/// is not taken for a decimal point: in a CSV line the number stands between two.
fn separated_decimal(text: &str, start: usize, end: usize) -> bool {
    let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
    let left = text[..start].strip_suffix('.');
    let right = text[end..].strip_prefix('.');
    left.is_some_and(|l| digit(l.chars().next_back()))
        || right.is_some_and(|r| digit(r.chars().next()))
}

/// The Luhn (mod 10) check every card number satisfies.
fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let twice = d * 2;
                if twice > 9 {
                    twice - 9
                } else {
                    twice
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Whether the number starts the way some network's cards do, at a length that network
/// issues (Visa, Mastercard, American Express, Discover, JCB, Diners Club, Maestro,
/// UnionPay).
fn issuer_prefix(d: &[u8]) -> bool {
    let prefix = |n: usize| {
        d.iter()
            .take(n)
            .fold(0u32, |acc, &x| acc * 10 + u32::from(x))
    };
    let len = d.len();
    let visa = d[0] == 4 && matches!(len, 13 | 16 | 19);
    let amex = matches!(prefix(2), 34 | 37) && len == 15;
    let mastercard =
        ((51..=55).contains(&prefix(2)) || (2221..=2720).contains(&prefix(4))) && len == 16;
    let jcb = (prefix(2) == 35 && (16..=19).contains(&len))
        || (matches!(prefix(4), 2131 | 1800) && len == 15);
    let diners = (matches!(prefix(2), 36 | 38 | 39) || (300..=305).contains(&prefix(3)))
        && (14..=19).contains(&len);
    // Maestro (50, 56–69 and the old 0604), Discover and UnionPay (6…).
    let maestro = (prefix(2) == 50 || (56..=69).contains(&prefix(2)) || prefix(4) == 604)
        && (12..=19).contains(&len);
    visa || amex || mastercard || jcb || diners || maestro
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        crate::spans::matched(text, find(text))
    }

    #[test]
    fn finds_valid_numbers_in_their_usual_groupings() {
        for n in [
            "4111111111111111",
            "4111 1111 1111 1111",
            "5500-0000-0000-0004",
            "3782 822463 10005",
            "6011000990139424",
            "30569309025904",
            "3530111333300000",
            "2223003122003222",
            "2131 397774 26015",
            "060448057830",
            "501843830057",
        ] {
            assert_eq!(found(&format!("card: {n}.")), vec![n], "{n}");
        }
    }

    #[test]
    fn leaves_out_numbers_that_fail_luhn_or_fit_no_network() {
        assert!(found("4111 1111 1111 1112").is_empty());
        assert!(found("order 1234567812345670").is_empty());
        assert!(found("id 94111111111111111111").is_empty());
        assert!(found("pi 3.4111111111111111").is_empty());
        assert_eq!(
            found("4821937,4111111111111111,49.00"),
            vec!["4111111111111111"]
        );
    }
}
