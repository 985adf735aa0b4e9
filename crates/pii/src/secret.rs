//! Well-known secret formats: PEM private keys, AWS access key ids (and a secret key
//! given next to its name), GitHub, Slack and Stripe tokens, and JSON Web Tokens.
//! Each pattern is compiled only when a text holds its literal prefix.

use crate::Hit;
use regex::Regex;
use std::sync::LazyLock;

/// A secret's pattern and the literals one of which any match contains.
struct Pattern {
    needles: &'static [&'static str],
    regex: LazyLock<Regex>,
}

macro_rules! pattern {
    ($needles:expr, $re:expr) => {
        Pattern {
            needles: $needles,
            regex: LazyLock::new(|| Regex::new($re).expect("the secret patterns compile")),
        }
    };
}

static SECRETS: [Pattern; 9] = [
    // A PEM private key block, whole.
    pattern!(
        &["-----BEGIN"],
        r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----"
    ),
    // AWS access key ids (long-term and temporary).
    pattern!(
        &["AKIA", "ASIA", "AIDA", "AROA", "ANPA"],
        r"(?-u:\b)(?:AKIA|ASIA|AIDA|AROA|ANPA)[A-Z2-7]{16}(?-u:\b)"
    ),
    // An AWS secret access key where the config names it.
    pattern!(
        &["ccess_key", "ccess_Key", "CCESS_KEY", "ccessKey"],
        r"(?i)aws_?secret_?access_?key[^A-Za-z0-9_]{0,4}[A-Za-z0-9/+]{40}(?-u:\b)"
    ),
    // GitHub tokens: classic (ghp_, gho_, ghu_, ghs_, ghr_) and fine-grained.
    pattern!(
        &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        r"(?-u:\b)gh[pousr]_[A-Za-z0-9]{36}(?-u:\b)"
    ),
    pattern!(
        &["github_pat_"],
        r"(?-u:\b)github_pat_[A-Za-z0-9_]{60,100}(?-u:\b)"
    ),
    // Slack tokens and webhook URLs.
    pattern!(&["xox"], r"(?-u:\b)xox[abposr]-[A-Za-z0-9-]{10,}"),
    pattern!(
        &["hooks.slack.com"],
        r"https://hooks\.slack\.com/services/[A-Za-z0-9/]+"
    ),
    // Stripe secret, restricted and publishable keys.
    pattern!(
        &["_live_", "_test_"],
        r"(?-u:\b)(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}(?-u:\b)"
    ),
    // JSON Web Tokens: a JSON header and payload (base64url of `{"`) and a signature.
    pattern!(
        &["eyJ"],
        r"(?-u:\b)eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}"
    ),
];

/// Every secret in `text`.
pub(crate) fn find(text: &str) -> Vec<Hit> {
    let mut hits: Vec<Hit> = Vec::new();
    for pattern in SECRETS
        .iter()
        .filter(|p| p.needles.iter().any(|n| text.contains(n)))
    {
        for m in pattern.regex.find_iter(text) {
            if !hits.iter().any(|h| m.start() < h.end && h.start < m.end()) {
                hits.push(Hit {
                    start: m.start(),
                    end: m.end(),
                    confidence: 0.99,
                });
            }
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
    fn finds_each_format() {
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nIBAAK\n-----END RSA PRIVATE KEY-----";
        let samples = [
            pem,
            "AKIAIOSFODNN7EXAMPLE",
            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "ghp_0123456789abcdefghijABCDEFGHIJ012345",
            "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
            "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        ];
        for s in samples {
            assert_eq!(found(&format!("key: {s} end")), vec![s], "{s}");
        }
    }

    #[test]
    fn leaves_out_look_alikes() {
        assert!(found("AKIA_NOT_A_KEY sk_live_short ghp_short eyJ.eyJ.x").is_empty());
    }
}
