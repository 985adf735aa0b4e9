//! Byte offsets (what the regex engine reports) to character offsets (what findings
//! carry), and the boundary rules the recognisers share.

/// Maps byte offsets of one text to character offsets.
pub struct CharIndex {
    /// The byte offset of every character, then the text's length.
    starts: Vec<usize>,
}

impl CharIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let mut starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        starts.push(text.len());
        Self { starts }
    }

    /// The character offset of byte offset `byte` (a character boundary).
    pub fn of(&self, byte: usize) -> usize {
        self.starts.partition_point(|&b| b < byte)
    }
}

/// The character before byte offset `at`, if any.
pub fn before(text: &str, at: usize) -> Option<char> {
    text[..at].chars().next_back()
}

/// The character at byte offset `at`, if any.
pub fn after(text: &str, at: usize) -> Option<char> {
    text[at..].chars().next()
}

/// How many ASCII digits `text` holds: recognisers of numbers skip a text with too
/// few before compiling a pattern (each Spin request starts a fresh instance, so every
/// pattern compiled is compiled again on every request).
pub fn ascii_digits(text: &str) -> usize {
    text.bytes().filter(u8::is_ascii_digit).count()
}

/// Whether `c` continues a word or a number, so a match touching it is part of
/// something longer.
pub fn joins(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// The text of each hit, in order of position: what the recognisers' tests compare.
#[cfg(test)]
pub fn matched(text: &str, mut hits: Vec<crate::Hit>) -> Vec<&str> {
    hits.sort_by_key(|h| h.start);
    hits.iter().map(|h| &text[h.start..h.end]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_not_bytes() {
        let text = "äb€c";
        let idx = CharIndex::new(text);
        assert_eq!([0, 2, 3, 6, 7].map(|b| idx.of(b)), [0, 1, 2, 3, 4]);
    }
}
