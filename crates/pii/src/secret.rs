//! Well-known secret formats: PEM private keys, AWS access key ids (and a secret key
//! given next to its name), GitHub, Slack and Stripe tokens, and JSON Web Tokens.

use crate::Hit;
use regex::Regex;
use std::sync::LazyLock;

static SECRETS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        // A PEM private key block, whole.
        r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----",
        // AWS access key ids (long-term and temporary).
        r"\b(?:AKIA|ASIA|AIDA|AROA|ANPA)[A-Z2-7]{16}\b",
        // An AWS secret access key where the config names it.
        r"(?i)aws_?secret_?access_?key\W{0,4}[A-Za-z0-9/+]{40}\b",
        // GitHub tokens: classic (ghp_, gho_, ghu_, ghs_, ghr_) and fine-grained.
        r"\bgh[pousr]_[A-Za-z0-9]{36}\b",
        r"\bgithub_pat_[A-Za-z0-9_]{60,100}\b",
        // Slack tokens and webhook URLs.
        r"\bxox[abposr]-[A-Za-z0-9-]{10,}",
        r"https://hooks\.slack\.com/services/[A-Za-z0-9/]+",
        // Stripe secret, restricted and publishable keys.
        r"\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}\b",
        // JSON Web Tokens: a JSON header and payload (base64url of `{"`) and a signature.
        r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}",
    ]
    .into_iter()
    .map(|p| Regex::new(p).expect("the secret patterns compile"))
    .collect()
});

/// Every secret in `text`.
pub(crate) fn find(text: &str) -> Vec<Hit> {
    let mut hits: Vec<Hit> = Vec::new();
    for pattern in SECRETS.iter() {
        for m in pattern.find_iter(text) {
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
        let mut hits = find(text);
        hits.sort_by_key(|h| h.start);
        hits.iter().map(|h| &text[h.start..h.end]).collect()
    }

    #[test]
    fn finds_each_format() {
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nIBAAK\n-----END RSA PRIVATE KEY-----";
        let samples = [
            pem,
            "AKIAIOSFODNN7EXAMPLE",
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
