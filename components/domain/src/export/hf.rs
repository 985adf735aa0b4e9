//! The Hugging Face datasets bundle: a tar stream with a dataset card (`README.md`,
//! YAML header), then per page of rows a shard directory holding the media files and a
//! `metadata.jsonl` whose `file_name` points at them (text rows have none).

use super::{row_json, CardOptions};
use crate::context::Context;
use crate::error::ApiError;
use crate::store::contributions::{self, Contribution};

/// A tar stream being written shard by shard.
pub struct Bundle {
    tar: tar::Builder<Vec<u8>>,
    card: String,
    shard: u32,
}

fn io(e: std::io::Error) -> ApiError {
    ApiError::internal(format!("tar: {e}"))
}

/// File extension for a media type.
pub fn extension(mime: &str) -> &'static str {
    match mime {
        "audio/wav" => "wav",
        "audio/flac" => "flac",
        "audio/mpeg" => "mp3",
        "audio/ogg" => "ogg",
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/webp" => "webp",
        _ => "bin",
    }
}

fn size_category(n: u64) -> &'static str {
    match n {
        0..1_000 => "n<1K",
        1_000..10_000 => "1K<n<10K",
        10_000..100_000 => "10K<n<100K",
        100_000..1_000_000 => "100K<n<1M",
        _ => "1M<n<10M",
    }
}

/// The card's YAML header, written by a YAML serializer (never pasted together, so no
/// value can add keys).
#[derive(serde::Serialize)]
struct CardHeader<'a> {
    license: &'a str,
    language: Vec<&'a str>,
    task_categories: Vec<&'a str>,
    size_categories: Vec<&'a str>,
    pretty_name: &'a str,
}

impl Bundle {
    /// Prepares the card for `total` rows with these per-modality counts.
    pub fn new(
        total: u64,
        by_modality: &[(String, u64)],
        card: &CardOptions,
        date: &str,
    ) -> Result<Self, ApiError> {
        let mut tasks = Vec::new();
        for (modality, _) in by_modality {
            let task = match modality.as_str() {
                "voice" => "automatic-speech-recognition",
                "screenshot" | "drawing" => "image-to-text",
                _ => "text-generation",
            };
            if !tasks.contains(&task) {
                tasks.push(task);
            }
        }
        let counts = by_modality
            .iter()
            .map(|(m, n)| format!("| {m} | {n} |"))
            .collect::<Vec<_>>()
            .join("\n");
        let header = serde_norway::to_string(&CardHeader {
            license: &card.license,
            language: vec![&card.language],
            task_categories: tasks,
            size_categories: vec![size_category(total)],
            pretty_name: "Contributed multi-modal training data",
        })
        .map_err(|e| ApiError::internal(format!("the dataset card's header: {e}")))?;
        let text = format!(
            "---\n{header}---\n\n\
# Contributed multi-modal training data\n\nExported on {date} from the training-data service: {total} rows.\n\n\
| modality | rows |\n|---|---|\n{counts}\n\n\
## Structure\n\nRows are split into shards under `data/shard-NNNNN/`. Each shard's `metadata.jsonl` has one JSON \
object per row (`id`, `modality`, `text`, `created_at`, `content_hash`, `commitment`, `extraction`, `metadata`, \
`user`); voice, screenshot and drawing rows also carry `file_name`, the media file beside it. `text` is the \
contributed text or the text extracted by Whisper or OCR.\n\n\
## Personal and sensitive information\n\nContributions were made by people who own them and may contain personal \
information in their content (voices, faces, handwriting, names in screenshots or text). Contributors are \
identified only by a pseudonymous `user` id, a keyed hash that is stable within this export's source database \
and cannot be reversed without its key; no names, e-mail or IP addresses are included. Contributors may opt a \
contribution out of training or delete it at any time: such rows leave every later export, so refresh your \
copy from a new export (or drop rows listed in the source's published deletion list) rather than keeping \
deleted data. Each row's `commitment` is its salted entry in the service's public transparency log.\n",
        );
        Ok(Self {
            tar: tar::Builder::new(Vec::new()),
            card: text,
            shard: 0,
        })
    }

    fn append(&mut self, path: &str, data: &[u8]) -> Result<(), ApiError> {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_cksum();
        self.tar.append_data(&mut header, path, data).map_err(io)
    }

    fn drain(&mut self) -> Vec<u8> {
        std::mem::take(self.tar.get_mut())
    }

    /// The dataset card entry.
    pub fn preamble(&mut self) -> Result<Vec<u8>, ApiError> {
        let card = std::mem::take(&mut self.card);
        self.append("README.md", card.as_bytes())?;
        Ok(self.drain())
    }

    /// One shard: the page's media files (read one at a time), then its metadata.
    pub fn shard(
        &mut self,
        ctx: &Context,
        rows: &[Contribution],
        key: &[u8],
    ) -> Result<Vec<u8>, ApiError> {
        let dir = format!("data/shard-{:05}", self.shard);
        self.shard += 1;
        let mut metadata = Vec::new();
        for row in rows {
            let mut line = row_json(row, key);
            if row.modality != "text" {
                if let Some(bytes) = contributions::media(ctx.db, row.id)? {
                    let name = format!("{}.{}", row.id, extension(&row.mime));
                    self.append(&format!("{dir}/{name}"), &bytes)?;
                    line["file_name"] = name.into();
                }
            }
            metadata.extend(line.to_string().into_bytes());
            metadata.push(b'\n');
        }
        self.append(&format!("{dir}/metadata.jsonl"), &metadata)?;
        Ok(self.drain())
    }

    /// The end-of-archive marker.
    pub fn finish(mut self) -> Result<Vec<u8>, ApiError> {
        self.tar.finish().map_err(io)?;
        self.tar.into_inner().map_err(io)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_card_header_is_serialized_and_its_values_are_checked() {
        let card = CardOptions::validated("cc-by-4.0", "pt-BR").unwrap();
        let bundle = Bundle::new(
            3,
            &[("voice".into(), 1), ("text".into(), 2)],
            &card,
            "2026-12-03",
        )
        .unwrap();
        assert!(
            bundle.card.starts_with(
                "---\nlicense: cc-by-4.0\nlanguage:\n- pt-BR\ntask_categories:\n- automatic-speech-recognition\n- text-generation\nsize_categories:\n- n<1K\npretty_name: Contributed multi-modal training data\n---\n"
            ),
            "{}",
            bundle.card
        );
        for (license, language) in [
            ("mit\ninjected_key: pwned", "en"),
            ("mit", "en\npwned: true"),
            ("", "en"),
            ("mit", "e"),
            ("-mit", "en"),
            ("mit", "en-"),
            ("mit licence", "en"),
        ] {
            let err = CardOptions::validated(license, language).unwrap_err();
            assert_eq!(err.status, 422, "{license:?} {language:?}");
        }
    }
}
