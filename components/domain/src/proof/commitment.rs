//! Salted commitments: what the public log holds instead of the content hash, so a
//! short text cannot be confirmed by hashing guesses. The owner can reveal the salt
//! to prove authorship; destroying the salt unlinks the public leaf for good.

use sha2::{Digest, Sha256};

/// Length of a commitment salt in bytes.
pub const SALT_LEN: usize = 32;

/// A fresh random salt.
pub fn new_salt() -> Vec<u8> {
    crate::hashing::random_bytes(SALT_LEN)
}

/// SHA-256(salt || content hash), hex.
pub fn commitment(salt: &[u8], content_hash: &[u8; 32]) -> String {
    let mut h = Sha256::new();
    h.update(salt);
    h.update(content_hash);
    hex::encode(h.finalize())
}

/// A fresh random verification code for the public verify URL: 128 bits, URL-safe,
/// unrelated to the content.
pub fn new_verification_code() -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(crate::hashing::random_bytes(16))
}

/// Whether a string has the shape of a verification code (22 URL-safe characters).
pub fn is_verification_code(code: &str) -> bool {
    code.len() == 22
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commitment_depends_on_salt() {
        let hash = [7u8; 32];
        let a = commitment(&new_salt(), &hash);
        let b = commitment(&new_salt(), &hash);
        assert_ne!(a, b);
        assert_eq!(commitment(&[1; 32], &hash), commitment(&[1; 32], &hash));
        assert!(is_verification_code(&new_verification_code()));
        assert!(!is_verification_code("../etc/passwd"));
    }
}
