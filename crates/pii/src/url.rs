//! URLs that carry credentials: a user and password before the host
//! (`https://user:pass@host/`), or a token, key, password or signature in the query.

use crate::Hit;
use regex::Regex;
use std::sync::LazyLock;

static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?-u:\b)[A-Za-z][A-Za-z0-9+.-]{1,15}://[^\s<>"'`]+"#)
        .expect("the URL pattern compiles")
});
/// `user:password@` right after the scheme.
static USERINFO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#@\s:]*:[^/?#@\s]+@")
        .expect("the userinfo pattern compiles")
});
/// A query or fragment parameter whose name says it is a secret, with a value.
static SECRET_PARAM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)[?&#](?:access_?token|auth|auth_?token|api_?key|apikey|client_secret|key|password|passwd|pwd|secret|session|sessionid|sig|signature|token|x-amz-signature|x-amz-credential)=[^&#\s]{6,}",
    )
    .expect("the parameter pattern compiles")
});

/// Every URL with credentials in `text`, whole (a trailing full stop or bracket is
/// punctuation, not part of it).
pub(crate) fn find(text: &str) -> Vec<Hit> {
    if !text.contains("://") {
        return Vec::new();
    }
    URL.find_iter(text)
        .filter_map(|m| {
            let url = m
                .as_str()
                .trim_end_matches(['.', ',', ';', ':', ')', ']', '}', '!', '?']);
            (USERINFO.is_match(url) || SECRET_PARAM.is_match(url)).then_some(Hit {
                start: m.start(),
                end: m.start() + url.len(),
                confidence: 0.9,
            })
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
    fn finds_userinfo_and_secret_parameters() {
        assert_eq!(
            found("DATABASE_URL=postgres://app:hunter2@db.internal:5432/app."),
            vec!["postgres://app:hunter2@db.internal:5432/app"]
        );
        assert_eq!(
            found("(see https://api.example.com/v1/items?page=2&access_token=abc123def456)"),
            vec!["https://api.example.com/v1/items?page=2&access_token=abc123def456"]
        );
    }

    #[test]
    fn leaves_out_plain_urls() {
        assert!(
            found("https://example.com/a?page=2 and mailto:x@y.z, ftp://user@host/").is_empty()
        );
    }
}
