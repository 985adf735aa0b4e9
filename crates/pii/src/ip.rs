//! IP addresses: dotted IPv4 and colon-separated IPv6, each parsed by the standard
//! library so that `999.1.1.1` or `12:30:45` are not addresses.

use crate::spans::{after, before};
use crate::Hit;
use regex::Regex;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

static V4: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}")
        .expect("the IPv4 pattern compiles")
});
static V6: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:\.[0-9]{1,3}){0,3}")
        .expect("the IPv6 pattern compiles")
});
/// Words before a dotted quad that make it a version, not an address.
static VERSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:(?-u:\b)v|version|release|build|ver\.?)[ \t]*$")
        .expect("the version pattern compiles")
});

/// Every IP address in `text`.
pub(crate) fn find(text: &str) -> Vec<Hit> {
    let touches = |c: Option<char>, also: &[char]| {
        c.is_some_and(|c| c.is_alphanumeric() || c == '_' || also.contains(&c))
    };
    // `1.2.3.4.5` is no address, nor is the `1.2.3.4` at its start.
    let continues = |at: usize| {
        let rest = &text[at..];
        touches(rest.chars().next(), &[])
            || rest
                .strip_prefix('.')
                .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
    };
    let count = |c: char| text.matches(c).count();
    let (colons, dots) = (count(':'), count('.'));
    if colons < 2 && dots < 3 {
        return Vec::new();
    }
    // IPv6 first: `::ffff:10.0.0.1` is one address, not an IPv4 one inside it.
    let v6: Vec<Hit> = if colons < 2 {
        Vec::new()
    } else {
        V6.find_iter(text)
            .filter(|m| m.as_str().matches(':').count() >= 2 && m.as_str().len() >= 6)
            .filter(|m| !touches(before(text, m.start()), &[':']))
            .filter(|m| !touches(after(text, m.end()), &[':']))
            .filter(|m| m.as_str().parse::<Ipv6Addr>().is_ok())
            .map(|m| Hit {
                start: m.start(),
                end: m.end(),
                confidence: 0.9,
            })
            .collect()
    };
    if dots < 3 {
        return v6;
    }
    let v4: Vec<Hit> = V4
        .find_iter(text)
        .filter(|m| !touches(before(text, m.start()), &['.']) && !continues(m.end()))
        .filter(|m| !v6.iter().any(|h| m.start() < h.end && h.start < m.end()))
        .filter(|m| m.as_str().parse::<Ipv4Addr>().is_ok())
        .filter(|m| !VERSION.is_match(&text[..m.start()]))
        .map(|m| Hit {
            start: m.start(),
            end: m.end(),
            confidence: 0.9,
        })
        .collect();
    v6.into_iter().chain(v4).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        crate::spans::matched(text, find(text))
    }

    #[test]
    fn finds_both_families() {
        assert_eq!(
            found("from 192.168.1.20 via 2001:db8::8a2e:370:7334 and ::ffff:10.0.0.1."),
            vec!["192.168.1.20", "2001:db8::8a2e:370:7334", "::ffff:10.0.0.1"]
        );
        assert_eq!(found("fe80::1%eth0"), vec!["fe80::1"]);
    }

    #[test]
    fn leaves_out_what_only_looks_like_one() {
        assert!(found("version 1.2.3.4, at 12:30:45, 999.1.1.1, 1.2.3.4.5, std::vec").is_empty());
    }
}
