//! The engines' own signals that an extraction is likely wrong, turned into a reason a
//! person can read: a transcript where Whisper heard no speech, a very low mean token
//! probability, a transcript much shorter than its audio, or an OCR confidence under a
//! threshold. Flagged rows are reported by the quality scan and reviewed first.

use wire::jobs::Extraction;
use wire::media::Modality;

/// No-speech probability above which a segment counts as silence.
pub const NO_SPEECH: f64 = 0.6;
/// Mean token probability below which a transcript is doubtful.
pub const LOW_PROBABILITY: f64 = 0.4;
/// Fewest words per minute of audio a transcript should have (speech runs at ~150).
pub const MIN_WORDS_PER_MINUTE: f64 = 20.0;
/// Audio shorter than this is not judged by its word rate.
pub const MIN_JUDGED_MS: i64 = 4000;
/// OCR confidence below which a reading is doubtful.
pub const LOW_OCR_CONFIDENCE: f64 = 0.5;

/// Why `found`, an extraction of a `modality` input, is likely wrong; `None` when
/// nothing says so.
pub fn flag(modality: Modality, found: &Extraction) -> Option<String> {
    let layout = &found.layout;
    match modality {
        Modality::Voice => {
            let segments = layout.segments.as_deref().unwrap_or_default();
            if !segments.is_empty()
                && segments
                    .iter()
                    .all(|s| s.no_speech.is_some_and(|p| p > NO_SPEECH))
            {
                return Some("no speech: Whisper found every segment likely silent".into());
            }
            if let Some(p) = found.confidence.filter(|p| *p < LOW_PROBABILITY) {
                return Some(format!("very low mean probability ({p:.2})"));
            }
            let audio = layout.audio_ms.unwrap_or(0);
            let words = found.text.split_whitespace().count();
            if audio >= MIN_JUDGED_MS {
                let per_minute = words as f64 * 60_000.0 / audio as f64;
                if per_minute < MIN_WORDS_PER_MINUTE {
                    return Some(format!(
                        "transcript much shorter than the audio ({words} words in {:.0} s)",
                        audio as f64 / 1000.0
                    ));
                }
            }
            None
        }
        Modality::Screenshot | Modality::Drawing => found
            .confidence
            .filter(|c| *c < LOW_OCR_CONFIDENCE && !found.text.is_empty())
            .map(|c| format!("OCR confidence {c:.2} under {LOW_OCR_CONFIDENCE}")),
        Modality::Text => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wire::layout::{Layout, Segment};

    fn voice(text: &str, confidence: f64, audio_ms: i64, no_speech: f64) -> Extraction {
        Extraction {
            text: text.into(),
            confidence: Some(confidence),
            engine: "whisper.cpp".into(),
            model: "tiny.en".into(),
            layout: Layout {
                segments: Some(vec![Segment {
                    start_ms: Some(0),
                    end_ms: Some(audio_ms),
                    text: text.into(),
                    probability: Some(confidence),
                    no_speech: Some(no_speech),
                }]),
                audio_ms: Some(audio_ms),
                ..Layout::default()
            },
        }
    }

    #[test]
    fn each_signal_has_its_reason_and_a_good_transcript_none() {
        let good = "thank you for your order it ships on monday";
        assert_eq!(flag(Modality::Voice, &voice(good, 0.85, 4000, 0.1)), None);
        let cases = [
            (voice(good, 0.85, 4000, 0.9), "no speech"),
            (
                voice(good, 0.2, 4000, 0.1),
                "very low mean probability (0.20)",
            ),
            (voice("hello", 0.9, 30_000, 0.1), "1 words in 30 s"),
        ];
        for (found, reason) in cases {
            let why = flag(Modality::Voice, &found).unwrap();
            assert!(why.contains(reason), "{why}");
        }
        let ocr = |c: f64| Extraction {
            text: "Invoice".into(),
            confidence: Some(c),
            ..Extraction::default()
        };
        assert_eq!(flag(Modality::Screenshot, &ocr(0.9)), None);
        assert!(flag(Modality::Screenshot, &ocr(0.3))
            .unwrap()
            .contains("0.30 under 0.5"));
        assert_eq!(flag(Modality::Text, &ocr(0.1)), None);
    }
}
