//! The Tesseract backend (libtesseract through the `tesseract` crate).

use super::{OcrEngine, OcrText, Picture};
use anyhow::{Context, Result};
use std::path::PathBuf;

/// Tesseract with one language's data, initialised once and reused per image.
pub struct Tesseract {
    tessdata: Option<String>,
    language: String,
    api: Option<tesseract::Tesseract>,
}

impl Tesseract {
    /// Checks that the language data loads, so a missing package fails at start-up.
    pub fn new(tessdata: Option<PathBuf>, language: &str) -> Result<Self> {
        let tessdata = tessdata.map(|p| p.to_string_lossy().into_owned());
        let mut engine = Self {
            tessdata,
            language: language.to_string(),
            api: None,
        };
        engine.api = Some(engine.init()?);
        Ok(engine)
    }

    fn init(&self) -> Result<tesseract::Tesseract> {
        let language = &self.language;
        tesseract::Tesseract::new(self.tessdata.as_deref(), Some(language)).with_context(|| {
            format!(
                "Tesseract could not load its '{language}' data: install tesseract-ocr and tesseract-ocr-{language} \
                 (Debian), or point --tessdata at a directory with {language}.traineddata"
            )
        })
    }
}

impl OcrEngine for Tesseract {
    fn name(&self) -> &'static str {
        "tesseract"
    }

    fn model(&self) -> String {
        format!("tesseract-{}", self.language)
    }

    fn recognize(&mut self, picture: &Picture) -> Result<OcrText> {
        let grey = picture.grey();
        let (w, h) = (grey.width() as i32, grey.height() as i32);
        // The engine is handed back only after a successful page, so a failure
        // leaves no half-used state behind: the next image gets a fresh one.
        let api = match self.api.take() {
            Some(api) => api,
            None => self.init()?,
        };
        let mut api = api
            .set_frame(grey.as_raw(), w, h, 1, w)
            .context("handing the image to Tesseract")?
            // Screenshots carry no resolution; 300 dpi keeps Tesseract from guessing.
            .set_source_resolution(300)
            .recognize()
            .context("Tesseract failed on this image")?;
        let text = api.get_text().context("reading Tesseract's text")?;
        let confidence = api.mean_text_conf();
        let tsv = api
            .get_tsv_text(0)
            .context("reading Tesseract's word boxes")?;
        self.api = Some(api);
        Ok(OcrText {
            text: text.trim().to_string(),
            confidence: (confidence >= 0).then(|| confidence as f64 / 100.0),
            layout: super::boxes::from_tsv(&tsv, (w as u32, h as u32), picture.original),
        })
    }
}
