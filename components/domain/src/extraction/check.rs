//! The checks on an extraction's layout (`wire::layout::Layout`): a transcript's
//! segments and words timed, in order, inside the audio; probabilities in 0..=1; the
//! language a BCP 47 tag; an image's boxes inside the image. A layout that fails is
//! refused whole (the job stays leased, nothing is written).

use wire::layout::{Layout, Rect};

/// Most segments, words or boxes one extraction may carry.
pub const MAX_ITEMS: usize = 100_000;

/// An image's size in pixels, when the input is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageSize {
    /// Width.
    pub width: i64,
    /// Height.
    pub height: i64,
}

/// Why a layout was refused, in words a worker's author can act on.
pub fn check(layout: &Layout, image: Option<ImageSize>) -> Result<(), String> {
    if let Some(tag) = &layout.language {
        if language_tags::LanguageTag::parse(tag).is_err() {
            return Err(format!("language {tag:?} is not a BCP 47 tag"));
        }
    }
    if let Some(ms) = layout.audio_ms {
        if ms < 0 {
            return Err("audio_ms must not be negative".into());
        }
    }
    let counts = [
        ("segments", layout.segments.as_ref().map_or(0, Vec::len)),
        ("words", layout.words.as_ref().map_or(0, Vec::len)),
        ("boxes", layout.boxes.as_ref().map_or(0, Vec::len)),
        ("lines", layout.lines.as_ref().map_or(0, Vec::len)),
    ];
    if let Some((name, n)) = counts.iter().find(|(_, n)| *n > MAX_ITEMS) {
        return Err(format!("{name}: {n} items; the limit is {MAX_ITEMS}"));
    }
    let timed = layout.segments.is_some() || layout.words.is_some();
    let audio = match (timed, layout.audio_ms) {
        (true, None) => return Err("segments and words need audio_ms, the audio's length".into()),
        (_, audio) => audio.unwrap_or(0),
    };
    if let Some(segments) = &layout.segments {
        let spans = segments.iter().enumerate().map(|(i, s)| {
            let (Some(start), Some(end)) = (s.start_ms, s.end_ms) else {
                return Err(format!("segments[{i}] has no start_ms or end_ms"));
            };
            probability(&format!("segments[{i}].probability"), s.probability)?;
            probability(&format!("segments[{i}].no_speech"), s.no_speech)?;
            Ok((start, end))
        });
        in_order("segments", spans, audio, false)?;
    }
    if let Some(words) = &layout.words {
        let spans = words.iter().enumerate().map(|(i, w)| {
            probability(&format!("words[{i}].probability"), w.probability)?;
            Ok((w.start_ms, w.end_ms))
        });
        in_order("words", spans, audio, true)?;
    }
    let has_boxes = layout.boxes.is_some() || layout.lines.is_some();
    if has_boxes {
        let Some(size) = image else {
            return Err("boxes and lines belong to an image; this input is not one".into());
        };
        for (i, b) in layout.boxes.iter().flatten().enumerate() {
            inside(&format!("boxes[{i}]"), b.rect, size)?;
            probability(&format!("boxes[{i}].confidence"), b.confidence)?;
            let lines = layout.lines.as_ref().map_or(0, Vec::len);
            if b.line >= lines {
                return Err(format!(
                    "boxes[{i}].line {} is not one of the {lines} lines",
                    b.line
                ));
            }
        }
        for (i, l) in layout.lines.iter().flatten().enumerate() {
            inside(&format!("lines[{i}]"), l.rect, size)?;
        }
    }
    Ok(())
}

/// Spans that start at or after 0, end at or after they start, within `audio`, each
/// starting where the one before ended or later (`may_overlap`: only starts in order).
fn in_order(
    what: &str,
    spans: impl Iterator<Item = Result<(i64, i64), String>>,
    audio: i64,
    may_overlap: bool,
) -> Result<(), String> {
    let (mut last_start, mut last_end) = (0, 0);
    for (i, span) in spans.enumerate() {
        let (start, end) = span?;
        if start < 0 || end < start {
            return Err(format!("{what}[{i}] runs from {start} to {end} ms"));
        }
        if end > audio {
            return Err(format!(
                "{what}[{i}] ends at {end} ms, past the audio's {audio} ms"
            ));
        }
        let floor = if may_overlap { last_start } else { last_end };
        if start < floor {
            return Err(format!(
                "{what}[{i}] starts at {start} ms, before the one before it {}",
                if may_overlap { "starts" } else { "ends" }
            ));
        }
        (last_start, last_end) = (start, end);
    }
    Ok(())
}

/// A probability, if given, in 0..=1.
fn probability(what: &str, p: Option<f64>) -> Result<(), String> {
    match p {
        Some(p) if !(0.0..=1.0).contains(&p) => Err(format!("{what} must be between 0 and 1")),
        _ => Ok(()),
    }
}

/// A rectangle inside the image.
fn inside(what: &str, r: Rect, size: ImageSize) -> Result<(), String> {
    if r.x < 0 || r.y < 0 || r.w < 0 || r.h < 0 || r.x + r.w > size.width || r.y + r.h > size.height
    {
        return Err(format!(
            "{what} ({}, {}, {}×{}) is not inside the {}×{} image",
            r.x, r.y, r.w, r.h, size.width, size.height
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use wire::layout::{LineBox, Segment, TimedWord, WordBox};

    fn segment(start: i64, end: i64) -> Segment {
        Segment {
            start_ms: Some(start),
            end_ms: Some(end),
            text: "x".into(),
            probability: Some(0.9),
            no_speech: Some(0.01),
        }
    }

    fn voice(segments: Vec<Segment>) -> Layout {
        Layout {
            segments: Some(segments),
            words: Some(vec![TimedWord {
                start_ms: 0,
                end_ms: 400,
                text: "x".into(),
                probability: None,
            }]),
            language: Some("en".into()),
            audio_ms: Some(2000),
            ..Layout::default()
        }
    }

    #[test]
    fn a_timed_transcript_in_order_inside_the_audio_passes() {
        assert_eq!(
            check(&voice(vec![segment(0, 900), segment(900, 2000)]), None),
            Ok(())
        );
        assert_eq!(check(&Layout::default(), None), Ok(()));
    }

    #[test]
    fn out_of_order_overlapping_overlong_or_odd_transcripts_are_refused() {
        let bad = [
            (
                voice(vec![segment(900, 2000), segment(0, 900)]),
                "segments[1]",
            ),
            (
                voice(vec![segment(0, 1000), segment(900, 2000)]),
                "segments[1]",
            ),
            (voice(vec![segment(0, 2500)]), "past the audio"),
            (voice(vec![segment(500, 100)]), "segments[0]"),
            (
                Layout {
                    language: Some("english please".into()),
                    ..voice(vec![])
                },
                "BCP 47",
            ),
            (
                Layout {
                    audio_ms: None,
                    ..voice(vec![])
                },
                "audio_ms",
            ),
            (
                voice(vec![Segment {
                    probability: Some(1.5),
                    ..segment(0, 10)
                }]),
                "probability",
            ),
            (
                voice(vec![Segment {
                    start_ms: None,
                    ..segment(0, 10)
                }]),
                "no start_ms",
            ),
        ];
        for (layout, needle) in bad {
            let e = check(&layout, None).unwrap_err();
            assert!(e.contains(needle), "{e} should say {needle}");
        }
    }

    #[test]
    fn boxes_must_lie_inside_the_image_and_name_their_line() {
        let rect = |x, y, w, h| Rect { x, y, w, h };
        let layout = |word: Rect, line: usize| Layout {
            boxes: Some(vec![WordBox {
                rect: word,
                text: "hi".into(),
                confidence: Some(0.9),
                line,
            }]),
            lines: Some(vec![LineBox {
                rect: rect(0, 0, 100, 20),
                text: "hi".into(),
            }]),
            ..Layout::default()
        };
        let size = Some(ImageSize {
            width: 100,
            height: 50,
        });
        assert_eq!(check(&layout(rect(10, 5, 20, 10), 0), size), Ok(()));
        assert!(check(&layout(rect(90, 5, 20, 10), 0), size)
            .unwrap_err()
            .contains("not inside"));
        assert!(check(&layout(rect(10, 5, 20, 10), 1), size)
            .unwrap_err()
            .contains("line 1"));
        assert!(check(&layout(rect(10, 5, 20, 10), 0), None)
            .unwrap_err()
            .contains("not one"));
    }
}
