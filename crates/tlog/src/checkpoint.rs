//! Signed tree heads in the C2SP `tlog-checkpoint` format, signed as a C2SP
//! `signed-note` with Ed25519, and the `PRIVATE+KEY+…` / verifier-key string formats
//! of the Go `note` package so standard tools can check them.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use sha2::{Digest, Sha256};

/// Signature algorithm byte of Ed25519 in signed notes.
const ALG_ED25519: u8 = 0x01;

/// A log's signing key and the name (origin) it signs under.
pub struct LogKey {
    name: String,
    key: SigningKey,
}

/// Why a key, a signed note or a cosignature was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoteError {
    /// `log_signing_key` is not a usable Ed25519 signing key (why).
    SigningKey(&'static str),
    /// The log's origin is not a key name.
    Origin,
    /// A checkpoint verifier key is malformed, not Ed25519 or not its own ID (why).
    VerifierKey(&'static str),
    /// A checkpoint note is malformed (why).
    Note(&'static str),
    /// No signature line of the note verifies under the given key.
    NoValidSignature,
    /// A witness's verifier key was rejected: the key as given, and why.
    WitnessKey {
        /// The verifier key as given.
        key: String,
        /// Why it was rejected.
        why: &'static str,
    },
    /// A cosigner's name is not a key name.
    KeyName(String),
    /// 32 bytes that are not an Ed25519 public key.
    PublicKey,
    /// A witness's cosignature line does not verify: whose, and why.
    Cosignature {
        /// The witness's name.
        witness: String,
        /// Why the line was rejected.
        why: &'static str,
    },
}

impl std::fmt::Display for NoteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NoteError::SigningKey(why) => write!(f, "log_signing_key: {why}"),
            NoteError::Origin => {
                f.write_str("log_origin must be a non-empty name without '+', spaces or newlines")
            }
            NoteError::VerifierKey(why) | NoteError::Note(why) => f.write_str(why),
            NoteError::NoValidSignature => f.write_str("no valid signature from this key"),
            NoteError::WitnessKey { key, why } => write!(f, "witness key {key:?}: {why}"),
            NoteError::KeyName(name) => write!(f, "{name:?} is not a key name"),
            NoteError::PublicKey => f.write_str("not an Ed25519 public key"),
            NoteError::Cosignature { witness, why } => write!(f, "cosignature of {witness}: {why}"),
        }
    }
}

impl std::error::Error for NoteError {}

fn key_id(name: &str, public: &[u8; 32]) -> [u8; 4] {
    typed_key_id(name, ALG_ED25519, public)
}

/// A signed-note key ID: SHA-256(name || "\n" || type || public key)[:4].
pub(crate) fn typed_key_id(name: &str, alg: u8, public: &[u8; 32]) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([alg]);
    h.update(public);
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

/// A key name a signed note accepts: non-empty, no `+`, space, newline or control.
pub(crate) fn valid_name(name: &str) -> bool {
    !name.is_empty() && !name.contains(['+', ' ', '\n']) && name.chars().all(|c| !c.is_control())
}

impl LogKey {
    /// Parses `PRIVATE+KEY+<name>+<id>+<base64(0x01 || seed)>`, or a bare base64 32-byte
    /// seed signed under `default_name`.
    pub fn parse(text: &str, default_name: &str) -> Result<Self, NoteError> {
        let text = text.trim();
        let bad = NoteError::SigningKey;
        if let Some(rest) = text.strip_prefix("PRIVATE+KEY+") {
            let parts: Vec<&str> = rest.splitn(3, '+').collect();
            let [name, id, key] = parts.as_slice() else {
                return Err(bad("expected PRIVATE+KEY+<name>+<id>+<key>"));
            };
            let raw = B64.decode(key).map_err(|_| bad("key is not base64"))?;
            if raw.len() != 33 || raw[0] != ALG_ED25519 {
                return Err(bad("only Ed25519 keys are supported"));
            }
            let seed: [u8; 32] = raw[1..].try_into().map_err(|_| bad("bad key length"))?;
            let key = Self {
                name: name.to_string(),
                key: SigningKey::from_bytes(&seed),
            };
            if !valid_name(name) || hex::encode(key.id()) != *id {
                return Err(bad("name or key id does not match the key"));
            }
            return Ok(key);
        }
        let seed: [u8; 32] = B64
            .decode(text)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| bad("expected PRIVATE+KEY+… or a base64 32-byte Ed25519 seed"))?;
        Self::from_seed(seed, default_name)
    }

    /// The key with Ed25519 seed `seed`, signing under `name`.
    pub fn from_seed(seed: [u8; 32], name: &str) -> Result<Self, NoteError> {
        if !valid_name(name) {
            return Err(NoteError::Origin);
        }
        Ok(Self {
            name: name.to_string(),
            key: SigningKey::from_bytes(&seed),
        })
    }

    /// The name (origin) checkpoints are signed under.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn id(&self) -> [u8; 4] {
        key_id(&self.name, self.key.verifying_key().as_bytes())
    }

    /// The public verifier key: `<name>+<id>+<base64(0x01 || public key)>`.
    pub fn verifier_key(&self) -> String {
        let mut raw = vec![ALG_ED25519];
        raw.extend_from_slice(self.key.verifying_key().as_bytes());
        format!(
            "{}+{}+{}",
            self.name,
            hex::encode(self.id()),
            B64.encode(raw)
        )
    }

    /// The signed checkpoint note for a tree, with optional extension lines.
    pub fn sign_checkpoint(&self, size: u64, root: &[u8; 32], extensions: &[String]) -> String {
        let mut body = checkpoint_body(&self.name, size, root);
        for line in extensions {
            body.push_str(line);
            body.push('\n');
        }
        self.sign_note(&body)
    }

    /// Any text (ending in a newline) as a C2SP signed note under this key, such as a
    /// dataset release's statement or the release deletions list: `note.Open` in Go
    /// and [`verify_note`] check it with the same verifier key as the checkpoints.
    pub fn sign_note(&self, body: &str) -> String {
        let signature = self.key.sign(body.as_bytes());
        let mut blob = self.id().to_vec();
        blob.extend_from_slice(&signature.to_bytes());
        format!("{body}\n\u{2014} {} {}\n", self.name, B64.encode(blob))
    }
}

/// The unsigned checkpoint text: origin, size, base64 root, each on its own line.
pub fn checkpoint_body(origin: &str, size: u64, root: &[u8; 32]) -> String {
    format!("{origin}\n{size}\n{}\n", B64.encode(root))
}

/// A checkpoint whose signature checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's origin line.
    pub origin: String,
    /// Tree size.
    pub size: u64,
    /// Root hash.
    pub root: [u8; 32],
    /// Extension lines after the root (e.g. `activity <id> <hash>`).
    pub extensions: Vec<String>,
}

/// A note's text (ending in its newline) and its signature lines.
pub fn split_note(note: &str) -> Option<(String, &str)> {
    let (body, sigs) = note.split_once("\n\n")?;
    Some((format!("{body}\n"), sigs))
}

/// Verifies a signed note against a verifier key string; its text (ending in its
/// newline) when a signature line of that key verifies.
pub fn verify_note(note: &str, verifier_key: &str) -> Result<String, NoteError> {
    let bad = NoteError::VerifierKey;
    let parts: Vec<&str> = verifier_key.splitn(3, '+').collect();
    let [name, id, key] = parts.as_slice() else {
        return Err(bad("malformed verifier key"));
    };
    let raw = B64
        .decode(key)
        .map_err(|_| bad("verifier key is not base64"))?;
    if raw.len() != 33 || raw[0] != ALG_ED25519 {
        return Err(bad("verifier key is not Ed25519"));
    }
    let public: [u8; 32] = raw[1..].try_into().map_err(|_| bad("bad key"))?;
    if hex::encode(key_id(name, &public)) != *id {
        return Err(bad("verifier key id does not match"));
    }
    let vk = VerifyingKey::from_bytes(&public).map_err(|_| bad("invalid public key"))?;
    let (body, sigs) = split_note(note).ok_or(NoteError::Note("note has no signature block"))?;
    let prefix = format!("\u{2014} {name} ");
    let verified = sigs
        .lines()
        .filter_map(|l| l.strip_prefix(&prefix))
        .any(|sig| {
            B64.decode(sig).ok().is_some_and(|blob| {
                blob.len() == 68
                    && blob[..4] == key_id(name, &public)
                    && Signature::from_slice(&blob[4..])
                        .is_ok_and(|s| vk.verify(body.as_bytes(), &s).is_ok())
            })
        });
    if !verified {
        return Err(NoteError::NoValidSignature);
    }
    Ok(body)
}

/// Verifies a signed checkpoint note against a verifier key string.
pub fn verify_checkpoint(note: &str, verifier_key: &str) -> Result<Checkpoint, NoteError> {
    let body = verify_note(note, verifier_key)?;
    let mut lines = body.lines();
    let origin = lines.next().unwrap_or_default().to_string();
    let size = lines
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or(NoteError::Note("bad tree size line"))?;
    let root: [u8; 32] = lines
        .next()
        .and_then(|r| B64.decode(r).ok())
        .and_then(|r| r.try_into().ok())
        .ok_or(NoteError::Note("bad root hash line"))?;
    let extensions = lines.map(String::from).collect();
    Ok(Checkpoint {
        origin,
        size,
        root,
        extensions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> LogKey {
        LogKey::parse(&B64.encode([9u8; 32]), "example.org/log").unwrap()
    }

    #[test]
    fn keys_whose_base64_holds_plus_signs_parse() {
        let mut found = false;
        for seed in 0u8..=255 {
            let k = LogKey::parse(&B64.encode([seed; 32]), "o").unwrap();
            if k.verifier_key().matches('+').count() > 2 {
                let note = k.sign_checkpoint(1, &[0u8; 32], &[]);
                verify_checkpoint(&note, &k.verifier_key()).unwrap();
                found = true;
            }
        }
        assert!(found, "some seed gives a key with '+' in its base64");
    }

    #[test]
    fn rejections_are_typed_and_say_why() {
        let k = key();
        let note = k.sign_checkpoint(1, &[0u8; 32], &[]);
        let stranger = LogKey::parse(&B64.encode([8u8; 32]), "example.org/log").unwrap();
        assert_eq!(
            verify_checkpoint(&note, &stranger.verifier_key()),
            Err(NoteError::NoValidSignature)
        );
        assert_eq!(
            verify_checkpoint("no blank line", &k.verifier_key()),
            Err(NoteError::Note("note has no signature block"))
        );
        assert_eq!(
            LogKey::parse("PRIVATE+KEY+x", "o").err(),
            Some(NoteError::SigningKey(
                "expected PRIVATE+KEY+<name>+<id>+<key>"
            ))
        );
        let origin = LogKey::from_seed([1; 32], "has space").err().unwrap();
        assert_eq!(origin, NoteError::Origin);
        assert!(origin.to_string().starts_with("log_origin must be"));
    }

    #[test]
    fn sign_and_verify_round_trip() {
        let k = key();
        let note = k.sign_checkpoint(42, &[3u8; 32], &[]);
        assert!(note.starts_with("example.org/log\n42\n"));
        let cp = verify_checkpoint(&note, &k.verifier_key()).unwrap();
        assert_eq!((cp.size, cp.root), (42, [3u8; 32]));
        let with_ext = k.sign_checkpoint(7, &[1u8; 32], &["activity 3 abcd".to_string()]);
        assert_eq!(
            verify_checkpoint(&with_ext, &k.verifier_key())
                .unwrap()
                .extensions,
            ["activity 3 abcd"]
        );
    }

    #[test]
    fn any_text_signs_as_a_note_under_the_log_key() {
        let k = key();
        let note = k.sign_note("example.org/log\ntds-release/v1\nrelease 1\n");
        assert_eq!(
            verify_note(&note, &k.verifier_key()).unwrap(),
            "example.org/log\ntds-release/v1\nrelease 1\n"
        );
        let forged = note.replace("release 1", "release 2");
        assert_eq!(
            verify_note(&forged, &k.verifier_key()),
            Err(NoteError::NoValidSignature)
        );
    }

    #[test]
    fn private_key_string_round_trips() {
        let k = key();
        let mut raw = vec![ALG_ED25519];
        raw.extend_from_slice(&[9u8; 32]);
        let text = format!(
            "PRIVATE+KEY+example.org/log+{}+{}",
            hex::encode(k.id()),
            B64.encode(raw)
        );
        assert_eq!(
            LogKey::parse(&text, "ignored").unwrap().verifier_key(),
            k.verifier_key()
        );
        assert!(LogKey::parse("PRIVATE+KEY+x+00000000+AQ==", "n").is_err());
        assert!(LogKey::parse("not a key", "n").is_err());
    }

    #[test]
    fn tampering_is_detected() {
        let k = key();
        let note = k.sign_checkpoint(42, &[3u8; 32], &[]);
        assert!(verify_checkpoint(&note.replace("\n42\n", "\n43\n"), &k.verifier_key()).is_err());
        let other = LogKey::parse(&B64.encode([8u8; 32]), "example.org/log").unwrap();
        assert!(verify_checkpoint(&note, &other.verifier_key()).is_err());
    }
}
