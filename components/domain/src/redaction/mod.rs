//! What leaves the service of a text with personal data in it: the text masked, the
//! layout's pieces (segments, words, boxes, lines) masked the same way, the image with
//! the boxes of the findings filled, and which transcript segments hold a finding.
//!
//! Findings carry character spans in the whole text; a layout's pieces carry only
//! their own words. [`locate`] finds each piece in the text, in order, which gives it
//! a span too; every step below works on those spans.

pub mod image;

use pii::Finding;
use wire::layout::{Layout, Rect};
use wire::lifecycle::TextSource;
use wire::media::Modality;

/// The findings in a row's text: what OCR read from an image is scanned with its
/// split tokens joined (`pii::detect_ocr`), everything else as written.
pub fn detect(
    modality: Modality,
    source: Option<TextSource>,
    text: &str,
    names: &[&str],
) -> Vec<Finding> {
    let read_by_ocr = source == Some(TextSource::Machine)
        && matches!(modality, Modality::Screenshot | Modality::Drawing);
    if read_by_ocr {
        pii::detect_ocr(text, names)
    } else {
        pii::detect(text, names)
    }
}

/// The character span of each piece in `text`, found in order (a piece not found
/// after the previous one: `None`). One pass over the text, however many pieces.
pub fn locate<'a>(
    text: &str,
    pieces: impl IntoIterator<Item = &'a str>,
) -> Vec<Option<(usize, usize)>> {
    // Where the last piece ended, in bytes and in characters.
    let (mut byte_cursor, mut char_cursor) = (0, 0);
    pieces
        .into_iter()
        .map(|piece| {
            let piece = piece.trim();
            if piece.is_empty() {
                return None;
            }
            let at = text[byte_cursor..].find(piece)? + byte_cursor;
            let start = char_cursor + text[byte_cursor..at].chars().count();
            let end = start + piece.chars().count();
            (byte_cursor, char_cursor) = (at + piece.len(), end);
            Some((start, end))
        })
        .collect()
}

/// Whether span `(start, end)` overlaps a finding.
fn overlaps(span: (usize, usize), findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.start < span.1 && span.0 < f.end)
}

/// `piece` (at `span` of the whole text) with the findings that fall in it masked; a
/// piece not found in the text (an engine's word spelled otherwise) is scanned alone.
fn mask_piece(piece: &str, span: Option<(usize, usize)>, findings: &[Finding]) -> String {
    let Some((start, end)) = span else {
        return pii::mask(piece, &pii::detect(piece, &[]));
    };
    // Spans are of the trimmed piece.
    let lead = piece.chars().take_while(|c| c.is_whitespace()).count();
    let local: Vec<Finding> = findings
        .iter()
        .filter(|f| f.start < end && start < f.end)
        .map(|f| Finding {
            start: f.start.max(start) - start + lead,
            end: f.end.min(end) - start + lead,
            ..f.clone()
        })
        .collect();
    pii::mask(piece, &local)
}

/// `layout` with every piece's text masked where a finding in `text` covers it.
pub fn mask_layout(layout: &Layout, text: &str, findings: &[Finding]) -> Layout {
    let mut out = layout.clone();
    if findings.is_empty() {
        return out;
    }
    macro_rules! mask_all {
        ($field:ident) => {
            if let Some(items) = out.$field.as_mut() {
                let spans = locate(text, items.iter().map(|i| i.text.as_str()));
                for (item, span) in items.iter_mut().zip(spans) {
                    item.text = mask_piece(&item.text, span, findings);
                }
            }
        };
    }
    mask_all!(segments);
    mask_all!(words);
    mask_all!(boxes);
    mask_all!(lines);
    out
}

/// A layout's word boxes and transcript segments, located once in the text they belong
/// to: what the findings of that text cover.
pub struct Located<'a> {
    layout: &'a Layout,
    words: Vec<Option<(usize, usize)>>,
    segments: Vec<Option<(usize, usize)>>,
}

impl<'a> Located<'a> {
    /// Locates `layout`'s words and segments in `text`.
    pub fn new(layout: &'a Layout, text: &str) -> Self {
        let texts = |items: Option<Vec<&'a str>>| locate(text, items.unwrap_or_default());
        Self {
            layout,
            words: texts(
                layout
                    .boxes
                    .as_ref()
                    .map(|b| b.iter().map(|w| w.text.as_str()).collect()),
            ),
            segments: texts(
                layout
                    .segments
                    .as_ref()
                    .map(|s| s.iter().map(|g| g.text.as_str()).collect()),
            ),
        }
    }

    /// The image boxes of the words `findings` cover.
    pub fn boxes(&self, findings: &[Finding]) -> Vec<Rect> {
        self.layout
            .boxes
            .iter()
            .flatten()
            .zip(&self.words)
            .filter(|(_, span)| span.is_some_and(|s| overlaps(s, findings)))
            .map(|(w, _)| w.rect)
            .collect()
    }

    /// The boxes to fill so that no finding stays visible; `None` when some finding
    /// covers no located word (a person typed it into a correction, or the engine's
    /// words do not spell it), so filling cannot hide it.
    pub fn fill(&self, findings: &[Finding]) -> Option<Vec<Rect>> {
        let located = |f: &Finding| {
            self.words
                .iter()
                .any(|span| span.is_some_and(|s| overlaps(s, std::slice::from_ref(f))))
        };
        findings.iter().all(located).then(|| self.boxes(findings))
    }

    /// The indexes of the transcript segments `finding` falls in.
    pub fn segments(&self, finding: &Finding) -> Vec<usize> {
        self.segments
            .iter()
            .enumerate()
            .filter(|(_, span)| span.is_some_and(|s| overlaps(s, std::slice::from_ref(finding))))
            .map(|(i, _)| i)
            .collect()
    }
}

/// An image as someone who may not see personal data gets it.
#[derive(Debug, PartialEq)]
pub enum Redacted {
    /// Nothing was found in its text: the bytes as stored.
    Unchanged(Vec<u8>),
    /// The words holding a finding filled, as PNG.
    Filled(Vec<u8>),
    /// A finding lies outside every located word, or no decoder reads the bytes:
    /// nothing can be filled, so the image is not given out.
    Withheld,
}

/// `bytes`, an image whose text `text` (located by `layout`) holds `findings`, redacted.
pub fn redact_image(
    bytes: Vec<u8>,
    layout: Option<&Layout>,
    text: &str,
    findings: &[Finding],
) -> Redacted {
    if findings.is_empty() {
        return Redacted::Unchanged(bytes);
    }
    let boxes = layout.and_then(|l| Located::new(l, text).fill(findings));
    match boxes.map(|b| image::fill(&bytes, &b)) {
        Some(Ok(png)) => Redacted::Filled(png),
        None | Some(Err(_)) => Redacted::Withheld,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wire::layout::{Segment, WordBox};

    fn word(text: &str, x: i64) -> WordBox {
        WordBox {
            rect: Rect {
                x,
                y: 0,
                w: 10,
                h: 10,
            },
            text: text.into(),
            confidence: None,
            line: 0,
        }
    }

    #[test]
    fn locates_pieces_in_order_by_characters() {
        let spans = locate("äb cd äb", ["äb", "äb", "zz", " cd "]);
        assert_eq!(spans, vec![Some((0, 2)), Some((6, 8)), None, None]);
    }

    #[test]
    fn fills_the_words_a_finding_covers() {
        let text = "Mail: bo@example.com\nCard 4111 1111 1111 1111 ok";
        let findings = pii::detect(text, &[]);
        let words = [
            "Mail:",
            "bo@example.com",
            "Card",
            "4111",
            "1111",
            "1111",
            "1111",
            "ok",
        ];
        let layout = Layout {
            boxes: Some(
                words
                    .iter()
                    .enumerate()
                    .map(|(i, w)| word(w, i as i64 * 10))
                    .collect(),
            ),
            ..Default::default()
        };
        let located = Located::new(&layout, text);
        let xs: Vec<i64> = located.boxes(&findings).iter().map(|r| r.x).collect();
        assert_eq!(xs, vec![10, 30, 40, 50, 60]);
        assert_eq!(located.fill(&findings).map(|b| b.len()), Some(5));
        // An address in no word box (typed into a correction): nothing can hide it.
        let typed = "Mail: bo@example.com\nCard 4111 1111 1111 1111 ok eve@example.org";
        let more = pii::detect(typed, &[]);
        assert_eq!(Located::new(&layout, typed).fill(&more), None);
        assert_eq!(
            redact_image(vec![1, 2], Some(&layout), typed, &more),
            Redacted::Withheld
        );
        assert_eq!(
            redact_image(vec![1, 2], Some(&layout), text, &[]),
            Redacted::Unchanged(vec![1, 2])
        );
        let masked = mask_layout(&layout, text, &findings);
        let texts: Vec<&str> = masked
            .boxes
            .as_ref()
            .unwrap()
            .iter()
            .map(|w| w.text.as_str())
            .collect();
        assert_eq!(
            texts,
            vec!["Mail:", "[EMAIL]", "Card", "[CARD]", "[CARD]", "[CARD]", "[CARD]", "ok"]
        );
    }

    #[test]
    fn marks_and_masks_transcript_segments() {
        let text = "Hi there. Call me at 020 7946 0958 please. Bye.";
        let findings = pii::detect(text, &[]);
        let seg = |t: &str| Segment {
            start_ms: Some(0),
            end_ms: Some(1),
            text: t.into(),
            probability: None,
            no_speech: None,
        };
        let layout = Layout {
            segments: Some(vec![
                seg(" Hi there."),
                seg(" Call me at 020 7946 0958 please."),
                seg(" Bye."),
            ]),
            ..Default::default()
        };
        assert_eq!(Located::new(&layout, text).segments(&findings[0]), vec![1]);
        let masked = mask_layout(&layout, text, &findings);
        assert_eq!(
            masked.segments.unwrap()[1].text,
            " Call me at [PHONE] please."
        );
    }
}
