//! The `ocrs` backend: pure-Rust detection and recognition models run by `rten`.

use super::{OcrEngine, OcrText, Picture};
use anyhow::{Context, Result};
use ocrs::{ImageSource, OcrEngineParams};
use std::path::Path;

/// A loaded ocrs engine.
pub struct Ocrs {
    engine: ocrs::OcrEngine,
}

impl Ocrs {
    /// Loads the two `.rten` models.
    pub fn new(detection: &Path, recognition: &Path) -> Result<Self> {
        let load = |p: &Path| {
            rten::Model::load_file(p)
                .with_context(|| format!("{} is not an rten model", p.display()))
        };
        let engine = ocrs::OcrEngine::new(OcrEngineParams {
            detection_model: Some(load(detection)?),
            recognition_model: Some(load(recognition)?),
            ..Default::default()
        })?;
        Ok(Self { engine })
    }
}

impl OcrEngine for Ocrs {
    fn name(&self) -> &'static str {
        "ocrs"
    }

    fn model(&self) -> String {
        "ocrs-default".into()
    }

    fn recognize(&mut self, picture: &Picture) -> Result<OcrText> {
        let source = ImageSource::from_bytes(picture.rgb.as_raw(), picture.rgb.dimensions())?;
        let input = self.engine.prepare_input(source)?;
        let text = self.engine.get_text(&input)?;
        // ocrs reports no confidence.
        Ok(OcrText {
            text: text.trim().to_string(),
            confidence: None,
            // ocrs locates lines too; only Tesseract's boxes are reported so far.
            layout: Default::default(),
        })
    }
}
