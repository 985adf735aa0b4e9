//! The writer's own account name, where the text spells it out: whole words, any case.

use crate::spans::{after, before, joins};
use crate::Hit;

/// Every place `text` names one of `names` (names shorter than three letters are
/// skipped: they match too much). Compared word by word without case, with the name's
/// own separators and any spaces between the words; found by hand rather than by a
/// pattern compiled for each name on each request.
pub(crate) fn find(text: &str, names: &[&str]) -> Vec<Hit> {
    let mut hits = Vec::new();
    // Each word of the text: its byte span and its lower case.
    let words: Vec<(usize, usize, String)> = word_spans(text)
        .map(|(s, e)| (s, e, text[s..e].to_lowercase()))
        .collect();
    for name in names
        .iter()
        .map(|n| n.trim())
        .filter(|n| n.chars().count() >= 3)
    {
        let spans: Vec<(usize, usize)> = word_spans(name).collect();
        if spans.is_empty() {
            continue;
        }
        let wanted: Vec<String> = spans
            .iter()
            .map(|&(s, e)| name[s..e].to_lowercase())
            .collect();
        // What separates the name's words, spaces aside (`Hans-J. Lange`: a full stop).
        let seps: Vec<&str> = spans
            .windows(2)
            .map(|p| name[p[0].1..p[1].0].trim())
            .collect();
        for i in 0..words.len().saturating_sub(wanted.len() - 1) {
            let run = &words[i..i + wanted.len()];
            let same = run.iter().zip(&wanted).all(|(w, n)| w.2 == *n);
            // The same separators as the name, any spaces (not a line break) around them.
            let separated = run.windows(2).zip(&seps).all(|(p, sep)| {
                let between = &text[p[0].1..p[1].0];
                between.trim() == *sep && !between.contains('\n')
            });
            let (start, end) = (run[0].0, run[run.len() - 1].1);
            if same && separated && !joins(before(text, start)) && !joins(after(text, end)) {
                hits.push(Hit {
                    start,
                    end,
                    confidence: 0.85,
                });
            }
        }
    }
    hits
}

/// The byte spans of `s`'s words: runs of letters, digits, apostrophes and hyphens.
fn word_spans(s: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let part = |c: char| c.is_alphanumeric() || matches!(c, '\'' | '’' | '-');
    let mut at = 0;
    std::iter::from_fn(move || {
        let rest = &s[at..];
        let start = at + rest.find(part)?;
        let len = s[start..]
            .find(|c: char| !part(c))
            .unwrap_or(s.len() - start);
        at = start + len;
        Some((start, start + len))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_whole_name_in_any_case() {
        let text = "Thanks, JOSÉ  García! (not josé garcías, nor José-García), from Hans-J. Lange";
        let hits = find(text, &["José García", "Jo", "Hans-J. Lange"]);
        let spans: Vec<&str> = hits.iter().map(|h| &text[h.start..h.end]).collect();
        assert_eq!(spans, vec!["JOSÉ  García", "Hans-J. Lange"]);
    }
}
