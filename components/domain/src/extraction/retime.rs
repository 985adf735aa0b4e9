//! A person's correction of a transcript keeps the timing of every segment whose text
//! it left alone: those segments are found again, in order, in the corrected text
//! (compared without case or punctuation at a word's edges) and keep their times and
//! probabilities; the corrected text around them becomes untimed segments.

use wire::layout::{Layout, Segment};

/// A word as segments are matched: lower case, no punctuation at its edges.
fn key(word: &str) -> String {
    word.trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

/// The layout of `corrected`, the text that replaces the one `before` located: the
/// segments retimed (see the module), the language and the audio's length kept, the
/// word timings dropped (they belonged to the words as the engine heard them). `None`
/// when `before` had no segments.
pub fn retime(before: &Layout, corrected: &str) -> Option<Layout> {
    let timed = before.segments.as_ref()?;
    let words: Vec<&str> = corrected.split_whitespace().collect();
    let keys: Vec<String> = words.iter().map(|w| key(w)).collect();
    let mut out: Vec<Segment> = Vec::new();
    let mut cursor = 0;
    let untimed = |out: &mut Vec<Segment>, from: usize, to: usize| {
        if from >= to {
            return;
        }
        let text = words[from..to].join(" ");
        match out.last_mut() {
            Some(last) if last.start_ms.is_none() => {
                last.text.push(' ');
                last.text.push_str(&text);
            }
            _ => out.push(Segment {
                start_ms: None,
                end_ms: None,
                text,
                probability: None,
                no_speech: None,
            }),
        }
    };
    for segment in timed {
        let wanted: Vec<String> = segment
            .text
            .split_whitespace()
            .map(key)
            .filter(|k| !k.is_empty())
            .collect();
        if wanted.is_empty() {
            continue;
        }
        let found = (cursor..=keys.len().saturating_sub(wanted.len())).find(|&at| {
            keys.len() >= at + wanted.len() && keys[at..at + wanted.len()] == wanted[..]
        });
        let Some(at) = found else { continue };
        untimed(&mut out, cursor, at);
        out.push(Segment {
            text: words[at..at + wanted.len()].join(" "),
            ..segment.clone()
        });
        cursor = at + wanted.len();
    }
    untimed(&mut out, cursor, words.len());
    Some(Layout {
        segments: Some(out),
        words: None,
        language: before.language.clone(),
        audio_ms: before.audio_ms,
        boxes: None,
        lines: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timed(start: i64, end: i64, text: &str) -> Segment {
        Segment {
            start_ms: Some(start),
            end_ms: Some(end),
            text: text.into(),
            probability: Some(0.8),
            no_speech: None,
        }
    }

    fn layout(segments: Vec<Segment>) -> Layout {
        Layout {
            segments: Some(segments),
            language: Some("en".into()),
            audio_ms: Some(3000),
            ..Layout::default()
        }
    }

    #[test]
    fn unchanged_segments_keep_their_time_and_edited_ones_lose_it() {
        let before = layout(vec![
            timed(0, 1000, "Thank you for your order."),
            timed(1000, 2000, "It ships on Munday."),
            timed(2000, 3000, "Goodbye."),
        ]);
        let after = retime(
            &before,
            "thank you for your order! It ships on Monday. Goodbye.",
        )
        .unwrap();
        let segments = after.segments.unwrap();
        let summary: Vec<(Option<i64>, &str)> = segments
            .iter()
            .map(|s| (s.start_ms, s.text.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                (Some(0), "thank you for your order!"),
                (None, "It ships on Monday."),
                (Some(2000), "Goodbye."),
            ]
        );
        assert_eq!(segments[0].probability, Some(0.8));
        assert_eq!(
            (after.language.as_deref(), after.audio_ms),
            (Some("en"), Some(3000))
        );
    }

    #[test]
    fn a_rewrite_is_one_untimed_segment_and_no_segments_means_no_layout() {
        let before = layout(vec![timed(0, 1000, "a b"), timed(1000, 2000, "c d")]);
        let segments = retime(&before, "something else entirely")
            .unwrap()
            .segments
            .unwrap();
        assert_eq!(segments.len(), 1);
        assert_eq!(
            (segments[0].start_ms, segments[0].text.as_str()),
            (None, "something else entirely")
        );
        assert!(retime(&Layout::default(), "x").is_none());
    }
}
