//! Turns CTranslate2's `vocabulary.txt` (GPT-2 byte-level BPE strings such as
//! `Ġthe`) back into the raw token bytes whisper.cpp's model file stores.

use anyhow::{bail, Result};
use std::collections::HashMap;

/// GPT-2's reversible byte → printable character table, inverted.
fn unicode_to_byte() -> HashMap<char, u8> {
    let printable = |b: u32| {
        (u32::from('!')..=u32::from('~')).contains(&b)
            || (0xA1..=0xAC).contains(&b)
            || (0xAE..=0xFF).contains(&b)
    };
    let mut map = HashMap::new();
    let mut shifted = 0;
    for b in 0..=255u32 {
        let c = if printable(b) {
            b
        } else {
            shifted += 1;
            255 + shifted
        };
        map.insert(char::from_u32(c).expect("a valid char"), b as u8);
    }
    map
}

/// The ordinary tokens and the first special one (`<|endoftext|>`), as bytes — the
/// list OpenAI's GPT-2 `vocab.json` holds and upstream's converter writes; whisper.cpp
/// derives the other special tokens itself from the model's vocabulary size.
pub fn ordinary_tokens(vocabulary: &str) -> Result<Vec<Vec<u8>>> {
    let table = unicode_to_byte();
    let mut tokens = Vec::new();
    for (line_no, token) in vocabulary.lines().enumerate() {
        if token.starts_with("<|") && token.ends_with("|>") {
            tokens.push(token.as_bytes().to_vec());
            return Ok(tokens);
        }
        let bytes = token
            .chars()
            .map(|c| table.get(&c).copied())
            .collect::<Option<Vec<u8>>>();
        match bytes {
            Some(b) => tokens.push(b),
            None => bail!(
                "vocabulary line {}: {token:?} is not byte-level BPE",
                line_no + 1
            ),
        }
    }
    bail!("the vocabulary has no <|endoftext|> token")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_byte_level_tokens() {
        let tokens = ordinary_tokens("!\nĠthe\nĊ\nÃ©\n<|endoftext|>\nignored\n").unwrap();
        assert_eq!(
            tokens,
            vec![
                b"!".to_vec(),
                b" the".to_vec(),
                b"\n".to_vec(),
                "é".as_bytes().to_vec(),
                b"<|endoftext|>".to_vec()
            ]
        );
    }

    #[test]
    fn rejects_foreign_vocabularies() {
        assert!(ordinary_tokens("▁hello\n<|endoftext|>\n").is_err());
        assert!(ordinary_tokens("a\nb\n").is_err());
    }
}
