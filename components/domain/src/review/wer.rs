//! Word error rate: how far an engine's text is from the text a person accepted,
//! as word-level edits (substitutions, insertions, deletions) per reference word.

/// The words compared: lowercased, with punctuation at their edges removed, so
/// "Hello," and "hello" are the same word.
fn words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// WER of `hypothesis` (the machine text) against `reference` (the accepted text);
/// `None` when the reference has no words to measure against.
pub fn word_error_rate(reference: &str, hypothesis: &str) -> Option<f64> {
    let reference = words(reference);
    if reference.is_empty() {
        return None;
    }
    let edits = strsim::generic_levenshtein(&reference, &words(hypothesis));
    Some(edits as f64 / reference.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::word_error_rate;

    #[test]
    fn counts_word_edits_per_reference_word() {
        assert_eq!(word_error_rate("the cat sat", "the cat sat"), Some(0.0));
        assert_eq!(word_error_rate("The cat, sat.", "the cat sat"), Some(0.0));
        // One substitution in four words.
        assert_eq!(
            word_error_rate("the cat sat down", "the bat sat down"),
            Some(0.25)
        );
        // One deletion and one insertion.
        assert_eq!(word_error_rate("a b c", "a c d"), Some(2.0 / 3.0));
        // Everything inserted: above 1.
        assert_eq!(word_error_rate("yes", "no no no"), Some(3.0));
        assert_eq!(word_error_rate("  ", "anything"), None);
    }
}
