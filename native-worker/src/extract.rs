//! What a job does with its input: Whisper for voice memos, OCR for screenshots and
//! drawings. Failures say whether another attempt could succeed.

use crate::ocr::{self, OcrEngine};
use crate::transcribe::Transcriber;
use std::sync::Arc;
use wire::jobs::{Extraction, JobKind};
use wire::layout::Layout;
use wire::media::Modality;

/// Below this OCR confidence a drawing's "words" are taken for strokes, not text.
pub const MIN_DRAWING_CONFIDENCE: f64 = 0.5;

/// Why a job failed, and whether retrying could help.
pub struct Failure {
    pub error: String,
    pub retryable: bool,
}

impl Failure {
    fn permanent(error: impl Into<String>) -> Self {
        Self {
            error: error.into(),
            retryable: false,
        }
    }

    fn retryable(error: impl std::fmt::Display) -> Self {
        Self {
            error: format!("{error:#}"),
            retryable: true,
        }
    }
}

/// The engines one worker thread uses.
pub struct Engines {
    pub transcriber: Option<Arc<Transcriber>>,
    pub ocr: Option<Box<dyn OcrEngine>>,
}

impl Engines {
    /// Runs the job of `kind` on `bytes` from a `modality` contribution.
    pub fn extract(
        &mut self,
        kind: JobKind,
        modality: Modality,
        mime: &str,
        bytes: &[u8],
    ) -> Result<Extraction, Failure> {
        match kind {
            JobKind::Transcribe => self.transcribe(mime, bytes),
            JobKind::Ocr => self.ocr(modality, bytes),
        }
    }

    fn transcribe(&self, mime: &str, bytes: &[u8]) -> Result<Extraction, Failure> {
        let whisper = self
            .transcriber
            .as_ref()
            .ok_or_else(|| Failure::retryable("this worker has no Whisper model"))?;
        let samples = crate::audio::decode_to_16k_mono(bytes, mime)
            .map_err(|e| Failure::permanent(format!("could not decode the voice memo: {e:#}")))?;
        let t = whisper.transcribe(&samples).map_err(Failure::retryable)?;
        if t.text.is_empty() {
            return Err(Failure::permanent("no speech found in the voice memo"));
        }
        Ok(Extraction {
            text: t.text,
            confidence: t.confidence,
            engine: "whisper.cpp".into(),
            model: whisper.model().to_string(),
            layout: t.layout,
        })
    }

    fn ocr(&mut self, modality: Modality, bytes: &[u8]) -> Result<Extraction, Failure> {
        let engine = self
            .ocr
            .as_mut()
            .ok_or_else(|| Failure::retryable("this worker has no OCR engine"))?;
        let picture = ocr::decode(bytes)
            .map_err(|e| Failure::permanent(format!("could not decode the image: {e:#}")))?;
        let mut found = engine.recognize(&picture).map_err(Failure::retryable)?;
        // Engines read stray marks as symbols (a bare circle comes back as "©)"):
        // without a letter or digit it is not text.
        // Strokes of a sketch read at low confidence ("OO)" for a circle, 0.25) are
        // not words either: the shape the app recognised stays the drawing's text.
        let unsure = modality == Modality::Drawing
            && found.confidence.is_some_and(|c| c < MIN_DRAWING_CONFIDENCE);
        if unsure || !found.text.chars().any(char::is_alphanumeric) {
            found.text.clear();
        }
        // A drawing may hold only shapes (already recognised by the app); a
        // screenshot without text has nothing to train on.
        if found.text.is_empty() && modality != Modality::Drawing {
            return Err(Failure::permanent("no text found in the image"));
        }
        // Boxes go with the words they frame: none when the text was dropped.
        let layout = if found.text.is_empty() {
            Layout::default()
        } else {
            found.layout
        };
        Ok(Extraction {
            text: found.text,
            confidence: found.confidence,
            engine: engine.name().into(),
            model: engine.model(),
            layout,
        })
    }
}
