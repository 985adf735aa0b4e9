//! C2SP `tlog-cosignature` (Ed25519, `cosignature/v1`): a witness's verifier key
//! (`<name>+<key id>+base64(0x04 || public key)`) and the timestamped signature line
//! it adds to a checkpoint, stating that, as of that time, this is the largest
//! consistent tree it has seen of the log.

use crate::checkpoint::{split_note, typed_key_id, valid_name, NoteError};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use ed25519_dalek::{Signature, Verifier as _, VerifyingKey};

/// The signature type byte of Ed25519 cosignatures.
pub const ALG_COSIGNATURE_V1: u8 = 0x04;

/// A witness's cosigning key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessKey {
    /// The cosigner's name (a schema-less URL, by convention).
    pub name: String,
    key_id: [u8; 4],
    public: [u8; 32],
}

impl WitnessKey {
    /// Parses a verifier key of type 0x04, checking its key ID.
    pub fn parse(vkey: &str) -> Result<Self, NoteError> {
        let bad = |why| NoteError::WitnessKey {
            key: vkey.to_string(),
            why,
        };
        let parts: Vec<&str> = vkey.trim().splitn(3, '+').collect();
        let [name, id, key] = parts.as_slice() else {
            return Err(bad("not <name>+<key id>+<base64 key>"));
        };
        if !valid_name(name) {
            return Err(bad("the name is not a key name"));
        }
        let raw = B64.decode(key).map_err(|_| bad("the key is not base64"))?;
        if raw.len() != 33 || raw[0] != ALG_COSIGNATURE_V1 {
            return Err(bad("not an Ed25519 cosignature key (type 0x04)"));
        }
        let public: [u8; 32] = raw[1..].try_into().map_err(|_| bad("bad key"))?;
        VerifyingKey::from_bytes(&public).map_err(|_| bad("not an Ed25519 public key"))?;
        let key_id = typed_key_id(name, ALG_COSIGNATURE_V1, &public);
        if hex::encode(key_id) != *id {
            return Err(bad("the key ID does not match the name and key"));
        }
        Ok(Self {
            name: name.to_string(),
            key_id,
            public,
        })
    }

    /// The key of the cosigner `name` with Ed25519 public key `public`.
    pub fn new(name: &str, public: [u8; 32]) -> Result<Self, NoteError> {
        if !valid_name(name) {
            return Err(NoteError::KeyName(name.to_string()));
        }
        VerifyingKey::from_bytes(&public).map_err(|_| NoteError::PublicKey)?;
        Ok(Self {
            name: name.to_string(),
            key_id: typed_key_id(name, ALG_COSIGNATURE_V1, &public),
            public,
        })
    }

    /// The key in its verifier-key form.
    pub fn verifier_key(&self) -> String {
        let mut raw = vec![ALG_COSIGNATURE_V1];
        raw.extend_from_slice(&self.public);
        format!(
            "{}+{}+{}",
            self.name,
            hex::encode(self.key_id),
            B64.encode(raw)
        )
    }

    /// Checks one signature line (`— <name> base64(key id || timestamp || signature)`)
    /// over the checkpoint `note`; the cosignature's timestamp (POSIX seconds).
    pub fn verify(&self, note: &str, line: &str) -> Result<u64, NoteError> {
        let bad = |why| NoteError::Cosignature {
            witness: self.name.clone(),
            why,
        };
        let blob = line
            .trim_end_matches('\n')
            .strip_prefix(&format!("\u{2014} {} ", self.name))
            .ok_or_else(|| bad("the line does not name this witness"))
            .and_then(|b| B64.decode(b).map_err(|_| bad("not base64")))?;
        if blob.len() != 4 + 8 + 64 || blob[..4] != self.key_id {
            return Err(bad("not a cosignature/v1 of this key"));
        }
        let timestamp = u64::from_be_bytes(blob[4..12].try_into().map_err(|_| bad("short"))?);
        let (body, _) = split_note(note).ok_or_else(|| bad("the checkpoint is not a note"))?;
        let message = format!("cosignature/v1\ntime {timestamp}\n{body}");
        let signature = Signature::from_slice(&blob[12..]).map_err(|_| bad("bad signature"))?;
        VerifyingKey::from_bytes(&self.public)
            .map_err(|_| bad("bad key"))?
            .verify(message.as_bytes(), &signature)
            .map_err(|_| bad("the signature does not verify"))?;
        Ok(timestamp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer as _, SigningKey};

    const NOTE: &str = "example.org/log\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n\u{2014} example.org/log AAAA\n";

    /// A witness signing as the specification says, for the test.
    fn cosign(key: &SigningKey, name: &str, time: u64, note: &str) -> (WitnessKey, String) {
        let witness = WitnessKey::new(name, key.verifying_key().to_bytes()).unwrap();
        let id = witness.key_id;
        let (body, _) = split_note(note).unwrap();
        let sig = key.sign(format!("cosignature/v1\ntime {time}\n{body}").as_bytes());
        let mut blob = id.to_vec();
        blob.extend_from_slice(&time.to_be_bytes());
        blob.extend_from_slice(&sig.to_bytes());
        (witness, format!("\u{2014} {name} {}", B64.encode(blob)))
    }

    #[test]
    fn a_cosignature_verifies_over_its_checkpoint_only() {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let (witness, line) = cosign(&key, "witness.example/w1", 1_700_000_000, NOTE);
        assert_eq!(witness.verify(NOTE, &line), Ok(1_700_000_000));
        assert_eq!(
            WitnessKey::parse(&witness.verifier_key()),
            Ok(witness.clone())
        );
        let other = NOTE.replace("\n3\n", "\n4\n");
        assert!(witness.verify(&other, &line).is_err(), "another tree");
        let (stranger, _) = cosign(
            &SigningKey::from_bytes(&[8u8; 32]),
            "witness.example/w1",
            1,
            NOTE,
        );
        assert!(stranger.verify(NOTE, &line).is_err(), "another key");
        assert!(witness.verify(NOTE, &line.replace("w1", "w2")).is_err());
    }

    #[test]
    fn witness_keys_are_checked() {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let (witness, _) = cosign(&key, "w.example/1", 1, NOTE);
        let vkey = witness.verifier_key();
        assert!(WitnessKey::parse(&vkey.replacen("w.example/1", "w.example/2", 1)).is_err());
        let (head, key) = vkey.rsplit_once('+').unwrap();
        let mut raw = B64.decode(key).unwrap();
        raw[0] = 0x01;
        let note_key = format!("{head}+{}", B64.encode(raw));
        assert!(
            WitnessKey::parse(&note_key).is_err(),
            "type 0x01 is a log key"
        );
        for bad in ["", "a+b", "name+00000000+!!!", "name with space+00+AA=="] {
            assert!(WitnessKey::parse(bad).is_err(), "{bad}");
        }
    }
}
