//! Data quality rules: the class of every contribution (complete, suspect: complete
//! but flagged by the engine's own signals, incomplete, empty, orphaned, or still in
//! progress), silence in voice memos, and which cleanup action
//! fits which rows. `usecase::quality` runs scans and cleanups with them.

use crate::store::quality::ScanRow;
use wire::lifecycle::Status;
use wire::media::Modality;

wire::names! {
    /// The classes of a scan, in the order a row is tested against them.
    pub enum Class {
        /// The row's media blob is missing.
        Orphaned = "orphaned",
        /// Zero-length content or silent audio.
        Empty = "empty",
        /// Extracted text, but the engine's own signals say it is likely wrong.
        Suspect = "suspect",
        /// Extracted text, ready for training.
        Complete = "complete",
        /// Extraction failed, found nothing, or is stale.
        Incomplete = "incomplete",
        /// Extraction is under way.
        InProgress = "in_progress",
    }
}

wire::names! {
    /// A cleanup action.
    pub enum Action {
        /// Requeue transcription for incomplete voice rows.
        RetryWhisper = "retry_whisper",
        /// Requeue OCR for incomplete screenshot and drawing rows.
        RetryOcr = "retry_ocr",
        /// Erase empty rows.
        Delete = "delete",
    }
}

wire::names! {
    /// What a cleanup did (or, in a dry run, would do) to one row.
    pub enum Outcome {
        /// A fresh extraction job was queued.
        Requeued = "requeued",
        /// Dry run: a job would be queued.
        WouldRequeue = "would requeue",
        /// The row was erased.
        Deleted = "deleted",
        /// Dry run: the row would be erased.
        WouldDelete = "would delete",
        /// The row is gone already.
        AlreadyDeleted = "skipped: already deleted",
        /// A job for it is waiting already.
        AlreadyQueued = "skipped: already queued",
        /// Its modality needs no extraction.
        NothingToExtract = "skipped: nothing to extract",
    }
}

impl Action {
    /// Whether the action applies to a row of `class` and `modality`.
    pub fn applies_to(self, class: Class, modality: Modality) -> bool {
        match self {
            Action::RetryWhisper => class == Class::Incomplete && modality == Modality::Voice,
            Action::RetryOcr => {
                class == Class::Incomplete
                    && matches!(modality, Modality::Screenshot | Modality::Drawing)
            }
            Action::Delete => class == Class::Empty,
        }
    }
}

/// Peak amplitude (fraction of full scale) below which a WAV counts as silent.
pub const SILENCE: f32 = 0.01;

/// Whether WAV bytes hold only silence (non-WAV or undecodable input: `false`).
pub fn is_silent_wav(bytes: &[u8]) -> bool {
    let Ok(mut reader) = hound::WavReader::new(std::io::Cursor::new(bytes)) else {
        return false;
    };
    let spec = reader.spec();
    let peak = match spec.sample_format {
        hound::SampleFormat::Float => reader
            .samples::<f32>()
            .filter_map(Result::ok)
            .fold(0f32, |m, s| m.max(s.abs())),
        hound::SampleFormat::Int => {
            let full = (1i64 << (spec.bits_per_sample.saturating_sub(1))) as f32;
            reader
                .samples::<i32>()
                .filter_map(Result::ok)
                .fold(0f32, |m, s| m.max((s as f32).abs() / full))
        }
    };
    peak < SILENCE
}

/// The class of one row and why.
pub fn classify(row: &ScanRow, stale_before: &str, silent: bool) -> (Class, String) {
    let text_empty = row
        .extracted_text
        .as_deref()
        .is_none_or(|t| t.trim().is_empty());
    if !row.has_content {
        (Class::Orphaned, "the row's media blob is missing".into())
    } else if row.byte_size == 0 {
        (Class::Empty, "zero-length content".into())
    } else if silent {
        (Class::Empty, "silent audio".into())
    } else if let (Status::Complete, false, Some(flag)) =
        (row.status, text_empty, &row.extraction_flag)
    {
        (Class::Suspect, flag.clone())
    } else if row.status == Status::Complete && !text_empty {
        (Class::Complete, String::new())
    } else if row.status == Status::Complete {
        (Class::Incomplete, "extraction returned no text".into())
    } else if row.status == Status::Failed {
        (Class::Incomplete, "extraction failed".into())
    } else if row.created_at.as_str() < stale_before {
        (
            Class::Incomplete,
            format!("{} since {}", row.status.as_str(), row.created_at),
        )
    } else {
        (Class::InProgress, String::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wav(amplitude: i16) -> Vec<u8> {
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 8000,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut c = std::io::Cursor::new(Vec::new());
        let mut w = hound::WavWriter::new(&mut c, spec).unwrap();
        for i in 0..800 {
            w.write_sample(if i % 2 == 0 { amplitude } else { -amplitude })
                .unwrap();
        }
        w.finalize().unwrap();
        c.into_inner()
    }

    #[test]
    fn silence_is_detected() {
        assert!(is_silent_wav(&wav(0)));
        assert!(is_silent_wav(&wav(100)));
        assert!(!is_silent_wav(&wav(8000)));
        assert!(!is_silent_wav(b"not a wav"));
    }

    #[test]
    fn classes() {
        let row = |status: &str, text: Option<&str>, has: bool, size: i64, at: &str| ScanRow {
            id: 1,
            modality: Modality::Voice,
            status: Status::parse(status).unwrap(),
            byte_size: size,
            mime: "audio/wav".into(),
            extracted_text: text.map(String::from),
            created_at: at.into(),
            has_content: has,
            last_error: None,
            extraction_flag: None,
        };
        let stale = "2026-01-02";
        assert_eq!(
            classify(
                &row("complete", Some("hi"), true, 9, "2026-01-03"),
                stale,
                false
            )
            .0,
            Class::Complete
        );
        assert_eq!(
            classify(
                &row("complete", Some(" "), true, 9, "2026-01-03"),
                stale,
                false
            )
            .0,
            Class::Incomplete
        );
        assert_eq!(
            classify(&row("failed", None, true, 9, "2026-01-03"), stale, false).0,
            Class::Incomplete
        );
        assert_eq!(
            classify(&row("pending", None, true, 9, "2026-01-01"), stale, false).0,
            Class::Incomplete
        );
        assert_eq!(
            classify(&row("pending", None, true, 9, "2026-01-03"), stale, false).0,
            Class::InProgress
        );
        assert_eq!(
            classify(&row("pending", None, true, 9, "2026-01-03"), stale, true).0,
            Class::Empty
        );
        assert_eq!(
            classify(&row("pending", None, true, 0, "2026-01-03"), stale, false).0,
            Class::Empty
        );
        assert_eq!(
            classify(
                &row("complete", Some("x"), false, 9, "2026-01-03"),
                stale,
                false
            )
            .0,
            Class::Orphaned
        );
    }
}
