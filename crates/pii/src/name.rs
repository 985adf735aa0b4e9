//! The writer's own account name, where the text spells it out: whole words, any case.

use crate::Hit;
use regex::RegexBuilder;

/// Every place `text` names one of `names` (names shorter than three letters are
/// skipped: they match too much).
pub(crate) fn find(text: &str, names: &[&str]) -> Vec<Hit> {
    let mut hits = Vec::new();
    for name in names
        .iter()
        .map(|n| n.trim())
        .filter(|n| n.chars().count() >= 3)
    {
        // Any run of spaces between the name's words.
        let words: Vec<String> = name.split_whitespace().map(regex::escape).collect();
        let pattern = format!(r"(?:^|\b){}(?:\b|$)", words.join(r"\s+"));
        let Ok(re) = RegexBuilder::new(&pattern).case_insensitive(true).build() else {
            continue;
        };
        hits.extend(re.find_iter(text).map(|m| Hit {
            start: m.start(),
            end: m.end(),
            confidence: 0.85,
        }));
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_whole_name_in_any_case() {
        let text = "Thanks, JOSÉ  García! (not josé garcías)";
        let hits = find(text, &["José García", "Jo"]);
        let spans: Vec<&str> = hits.iter().map(|h| &text[h.start..h.end]).collect();
        assert_eq!(spans, vec!["JOSÉ  García"]);
    }
}
