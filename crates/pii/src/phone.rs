//! Phone numbers, international (`+44 20 7946 0958`, `0049 30 901820`) and national
//! (`(415) 555-2671`, `030 901820`), with an optional extension.
//!
//! A candidate is a run of 7 to 15 digits in the groupings people write. It is a phone
//! number when it is written the way only phone numbers are (a `+` or `00` in front, a
//! bracketed area code, an extension, a leading trunk `0`, or groups of digits split by
//! one kind of separator) with at least 8 digits, or when a word like "phone", "tel" or
//! "call" comes just before it. Dates, ISBNs, order and invoice numbers are not.
//!
//! No numbering plan is consulted: libphonenumber's metadata (the `phonenumber` crate)
//! takes about 60 ms to load, and a Spin component loads it again for every request
//! (BENCHMARKS.md, "Personal data"); the corpus benchmark shows the shapes suffice.

use crate::spans::{after, ascii_digits, before};
use crate::Hit;
use regex::Regex;
use std::sync::LazyLock;

static CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:\+|(?-u:\b)00|\()?[0-9][0-9 \t().\-/]{5,22}[0-9](?:[ \t]?(?:x|ext\.?|extension)[ \t]?[0-9]{1,6})?",
    )
    .expect("the phone pattern compiles")
});
static EXTENSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[ \t]?(?:x|ext\.?|extension)[ \t]?[0-9]{1,6}$")
        .expect("the extension pattern compiles")
});
/// Dates and times written with digits only, which the candidate pattern also takes.
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}|[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{2,4})$",
    )
    .expect("the date pattern compiles")
});
/// Words that say a number nearby is a phone number.
static CONTEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:phone|tel|mobile|cell|call|fax|telefon|téléphone|tél|móvil|cellulare|whatsapp|sms|text me|my number|reach|☎|📞)[^\n]{0,16}$")
        .expect("the context pattern compiles")
});
/// Words that say a number nearby is something else.
static OTHER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:isbn|issn|order|invoice|ref|id|no\.|nr\.|#)[^\n]{0,6}$")
        .expect("the other-number pattern compiles")
});

/// Every phone number in `text`.
pub(crate) fn find(text: &str) -> Vec<Hit> {
    if ascii_digits(text) < 7 {
        return Vec::new();
    }
    CANDIDATE
        .find_iter(text)
        .filter_map(|m| {
            let (start, end) = trim(text, m.start(), m.end());
            let boundary_ok = !before(text, start)
                .is_some_and(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '/' | '_'))
                && !after(text, end).is_some_and(|c| c.is_alphanumeric() || c == '_')
                && !text[end..]
                    .strip_prefix(['.', '-', '/'])
                    .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()));
            if !boundary_ok {
                return None;
            }
            let confidence = judge(&text[start..end], &text[..start])?;
            Some(Hit {
                start,
                end,
                confidence,
            })
        })
        .collect()
}

/// The candidate without separators or an unbalanced bracket at its ends.
fn trim(text: &str, mut start: usize, mut end: usize) -> (usize, usize) {
    let s = &text[start..end];
    let opened = s.starts_with('(');
    let trimmed = s.trim_end_matches([' ', '\t', '.', '-', '/', '(']);
    end -= s.len() - trimmed.len();
    let s = &text[start..end];
    if opened && !s.contains(')') {
        start += 1;
    }
    if s.ends_with(')') && s.matches('(').count() < s.matches(')').count() {
        end -= 1;
    }
    (start, end)
}

/// The confidence that `number` (written after `preceding`) is a phone number, or
/// none when it is not one.
fn judge(number: &str, preceding: &str) -> Option<f64> {
    let main = EXTENSION.replace(number, "");
    let digits = main.chars().filter(char::is_ascii_digit).count();
    if !(7..=15).contains(&digits)
        || DATE.is_match(&main)
        || main.contains("  ")
        || OTHER.is_match(preceding)
    {
        return None;
    }
    let international = main.starts_with('+') || main.starts_with("00");
    let written_as_phone = international
        || main.contains('(')
        || main.len() != number.len()
        || one_kind_of_separator(&main)
        || main.starts_with('0');
    let named = CONTEXT.is_match(preceding);
    match (written_as_phone, named) {
        (_, true) => Some(0.8),
        (true, false) if digits >= 8 => Some(0.7),
        _ => None,
    }
}

/// Whether the digits are split into groups by one kind of separator (`415-555-2671`,
/// `06 12 34 56 78`), as phone numbers are and most other numbers are not.
fn one_kind_of_separator(s: &str) -> bool {
    let seps: Vec<char> = s.chars().filter(|c| !c.is_ascii_digit()).collect();
    seps.len() >= 2 && seps.iter().all(|&c| c == seps[0]) && seps[0] != '.'
        || seps.len() >= 2
            && seps.iter().all(|&c| c == '.')
            && s.split('.').all(|g| (2..=4).contains(&g.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        crate::spans::matched(text, find(text))
    }

    #[test]
    fn finds_international_and_national_formats() {
        for n in [
            "+44 20 7946 0958",
            "+1-202-555-0143x123",
            "0049 30 901820",
            "(415) 555-2671",
            "415.555.2671",
            "030 901820",
            "06 12 34 56 78",
            "+49(0)30 901820",
            "+33 (0)1 42 68 53 00",
            "001-202-555-0143",
        ] {
            assert_eq!(found(&format!("reach me: {n}, thanks")), vec![n], "{n}");
        }
        assert_eq!(found("Tel. 4155552671"), vec!["4155552671"]);
        assert_eq!(found("My number is 3377489266."), vec!["3377489266"]);
    }

    #[test]
    fn leaves_out_other_numbers() {
        for s in [
            "on 2024-01-15 at noon",
            "15/01/2024",
            "ISBN 978-3-16-148410-0",
            "order 100234567",
            "total 1234567 items",
            "pi is 3.14159265",
            "version 1.22.333.4444",
        ] {
            assert!(found(s).is_empty(), "{s}: {:?}", found(s));
        }
    }
}
