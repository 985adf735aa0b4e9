//! Personal data in a text, found and masked.
//!
//! [`detect`] runs one recogniser per [`Kind`] over a text and returns [`Finding`]s:
//! the kind, the span in characters (Unicode scalar values, the way Python and
//! JavaScript's code-point APIs count), and a confidence. Where two findings overlap,
//! the more specific kind wins (a card number is not also a phone number). [`mask`]
//! replaces each finding with its kind's placeholder (`[EMAIL]`, `[PHONE]`, …).
//!
//! The recognisers validate what a pattern alone cannot: a card's Luhn digit and
//! issuer, an IBAN's length and mod-97 check (`iban_validate`), an IP address by
//! parsing it. Nothing here touches a database or the network, so the Spin components
//! and the native worker run the same code. A Spin component starts afresh for every
//! request, so every pattern is compiled again each time: each recogniser first checks
//! cheaply whether the text could hold its kind at all (an `@`, enough digits, a
//! token's prefix) and compiles nothing otherwise.

mod card;
mod email;
mod iban;
mod ip;
mod name;
mod ocr;
mod phone;
mod secret;
mod spans;
mod url;

use serde::{Deserialize, Serialize};

/// The kinds of personal data the detector finds: a closed set, named on the wire in
/// snake case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A private key block, a cloud or API token: the most specific patterns.
    Secret,
    /// A URL with a password or a token in it.
    UrlCredentials,
    /// An e-mail address.
    Email,
    /// An International Bank Account Number.
    Iban,
    /// A payment card number.
    Card,
    /// An IPv4 or IPv6 address.
    Ip,
    /// A phone number.
    Phone,
    /// The contributor's own account name.
    Name,
}

impl Kind {
    /// Every kind, most specific first: the order overlaps are settled in.
    pub const ALL: [Kind; 8] = [
        Kind::Secret,
        Kind::UrlCredentials,
        Kind::Email,
        Kind::Iban,
        Kind::Card,
        Kind::Ip,
        Kind::Phone,
        Kind::Name,
    ];

    /// The wire name (`email`, `url_credentials`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Secret => "secret",
            Kind::UrlCredentials => "url_credentials",
            Kind::Email => "email",
            Kind::Iban => "iban",
            Kind::Card => "card",
            Kind::Ip => "ip",
            Kind::Phone => "phone",
            Kind::Name => "name",
        }
    }

    /// The kind called `name` on the wire.
    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// What a masked text shows in its place.
    pub fn placeholder(self) -> &'static str {
        match self {
            Kind::Secret => "[SECRET]",
            Kind::UrlCredentials => "[URL]",
            Kind::Email => "[EMAIL]",
            Kind::Iban => "[IBAN]",
            Kind::Card => "[CARD]",
            Kind::Ip => "[IP]",
            Kind::Phone => "[PHONE]",
            Kind::Name => "[NAME]",
        }
    }
}

/// One piece of personal data in a text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// What it is.
    pub kind: Kind,
    /// Where it starts, in characters from the start of the text.
    pub start: usize,
    /// Where it ends (exclusive), in characters.
    pub end: usize,
    /// How sure the recogniser is, 0..1: validated values score high, shapes that
    /// only look right lower.
    pub confidence: f64,
}

/// A match in byte offsets, as the recognisers report it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Hit {
    start: usize,
    end: usize,
    confidence: f64,
}

/// Every finding in `text`, in order of position. `names` are the writer's own
/// account names (matched whole, ignoring case); pass none to skip that kind.
pub fn detect(text: &str, names: &[&str]) -> Vec<Finding> {
    let mut found: Vec<(Kind, Hit)> = Vec::new();
    for kind in Kind::ALL {
        let hits = match kind {
            Kind::Secret => secret::find(text),
            Kind::UrlCredentials => url::find(text),
            Kind::Email => email::find(text),
            Kind::Iban => iban::find(text),
            Kind::Card => card::find(text),
            Kind::Ip => ip::find(text),
            Kind::Phone => phone::find(text),
            Kind::Name => name::find(text, names),
        };
        // Earlier kinds are more specific: a later hit overlapping one is dropped.
        for hit in hits {
            if !found
                .iter()
                .any(|(_, h)| hit.start < h.end && h.start < hit.end)
            {
                found.push((kind, hit));
            }
        }
    }
    found.sort_by_key(|(_, h)| h.start);
    let chars = spans::CharIndex::new(text);
    found
        .into_iter()
        .map(|(kind, h)| Finding {
            kind,
            start: chars.of(h.start),
            end: chars.of(h.end),
            confidence: h.confidence,
        })
        .collect()
}

/// Every finding in `text` as OCR read it from an image: tokens the reading split
/// (`name@example. com`) are joined before detection (see `ocr`), and each finding's
/// span covers the split token in `text`.
pub fn detect_ocr(text: &str, names: &[&str]) -> Vec<Finding> {
    let (closed, map) = ocr::close_gaps(text);
    detect(&closed, names)
        .into_iter()
        .map(|f| Finding {
            start: map[f.start],
            end: map[f.end - 1] + 1,
            ..f
        })
        .collect()
}

/// `text` with every finding replaced by its kind's placeholder. Findings may come in
/// any order; overlapping ones are merged into the first.
pub fn mask(text: &str, findings: &[Finding]) -> String {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
    let mut out = String::with_capacity(text.len());
    let mut at = 0; // characters consumed
    let mut chars = text.chars();
    for f in sorted {
        if f.end <= at {
            continue;
        }
        let start = f.start.max(at);
        out.extend(chars.by_ref().take(start - at));
        chars.by_ref().take(f.end - start).for_each(drop);
        if f.start >= at {
            out.push_str(f.kind.placeholder());
        }
        at = f.end;
    }
    out.extend(chars);
    out
}

/// The characters of `text` from `start` to `end` (a finding's span).
pub fn span_text(text: &str, start: usize, end: usize) -> String {
    text.chars()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, String)> {
        detect(text, &[])
            .into_iter()
            .map(|f| (f.kind, span_text(text, f.start, f.end)))
            .collect()
    }

    #[test]
    fn finds_each_kind_with_character_spans() {
        let text =
            "Grüße, mail jürgen.m@example.de or call +49 30 901820, card 4111 1111 1111 1111.";
        assert_eq!(
            kinds(text),
            vec![
                (Kind::Email, "jürgen.m@example.de".into()),
                (Kind::Phone, "+49 30 901820".into()),
                (Kind::Card, "4111 1111 1111 1111".into()),
            ]
        );
    }

    #[test]
    fn the_more_specific_kind_wins_an_overlap() {
        // The card number also looks like a long phone number.
        assert_eq!(
            kinds("4012888888881881"),
            vec![(Kind::Card, "4012888888881881".into())]
        );
        // The credentials URL holds something e-mail shaped.
        assert_eq!(
            kinds("https://bob:s3cret@db.example.com/x"),
            vec![(
                Kind::UrlCredentials,
                "https://bob:s3cret@db.example.com/x".into()
            )]
        );
    }

    #[test]
    fn masks_with_typed_placeholders() {
        let text = "Écrivez à anne@example.fr ou au 01 42 68 53 00.";
        let found = detect(text, &[]);
        assert_eq!(mask(text, &found), "Écrivez à [EMAIL] ou au [PHONE].");
        assert_eq!(mask(text, &[]), text);
    }

    #[test]
    fn mask_merges_overlapping_findings() {
        let f = |kind, start, end| Finding {
            kind,
            start,
            end,
            confidence: 1.0,
        };
        let masked = mask(
            "abcdefghij",
            &[
                f(Kind::Name, 5, 9),
                f(Kind::Email, 1, 4),
                f(Kind::Phone, 2, 6),
            ],
        );
        assert_eq!(masked, "a[EMAIL]j");
    }

    #[test]
    fn kinds_round_trip_their_wire_names() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        assert_eq!(Kind::parse("ssn"), None);
    }
}
