//! OCR behind one interface, with two real backends: Tesseract (Debian's
//! `tesseract-ocr` + `tesseract-ocr-eng`; what CI runs) and `ocrs` (pure Rust; its
//! two `.rten` models are supplied by path). Images are decoded here, once, with the
//! `image` crate under memory limits, and handed to the engine as 8-bit grey or RGB.

mod boxes;
mod ocrs_engine;
mod picture;
mod tesseract_engine;

use anyhow::{bail, Result};
use std::path::PathBuf;

pub use picture::{decode, Picture};

/// Text found in an image, the engine's confidence in it (0..1) and where its words
/// and lines are.
pub struct OcrText {
    /// The text, trimmed; empty when none was found.
    pub text: String,
    /// Mean word confidence, if the engine reports one.
    pub confidence: Option<f64>,
    /// Word and line boxes in the uploaded image's pixels, when the engine gives them.
    pub layout: wire::layout::Layout,
}

/// An OCR engine. One instance per worker thread.
pub trait OcrEngine {
    /// Short engine name recorded with the text (`tesseract`, `ocrs`).
    fn name(&self) -> &'static str;
    /// The model or language data used, recorded with the text.
    fn model(&self) -> String;
    /// Reads the text in `picture`.
    fn recognize(&mut self, picture: &Picture) -> Result<OcrText>;
}

/// Which engine to build and with what files.
#[derive(Clone, Debug)]
pub enum OcrConfig {
    Tesseract {
        tessdata: Option<PathBuf>,
        language: String,
    },
    Ocrs {
        detection: PathBuf,
        recognition: PathBuf,
    },
}

impl OcrConfig {
    /// Builds the engine, failing clearly when its data files are missing.
    pub fn build(&self) -> Result<Box<dyn OcrEngine>> {
        Ok(match self {
            Self::Tesseract { tessdata, language } => Box::new(tesseract_engine::Tesseract::new(
                tessdata.clone(),
                language,
            )?),
            Self::Ocrs {
                detection,
                recognition,
            } => {
                for (what, path) in [
                    ("text-detection.rten", detection),
                    ("text-recognition.rten", recognition),
                ] {
                    if !path.is_file() {
                        bail!(
                            "the ocrs engine needs {what}, not found at {}: get ocrs's models \
                             (text-detection.rten and text-recognition.rten, from the ocrs-models project) \
                             and pass --ocrs-detection-model/--ocrs-recognition-model, or use --ocr-engine tesseract",
                            path.display()
                        );
                    }
                }
                Box::new(ocrs_engine::Ocrs::new(detection, recognition)?)
            }
        })
    }
}
