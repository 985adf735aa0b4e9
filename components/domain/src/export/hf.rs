//! The Hugging Face datasets bundle: a tar of Parquet shards, as the Hub stores
//! datasets, and a dataset card (`README.md`, written last, when every count is known).
//! Each page of rows becomes one shard of the `all` config (every row's text and
//! metadata; the default) and shards of each modality config present (`voice` with an
//! `audio` column, `screenshot` and `drawing` with an `image` column, `text`); a media
//! shard closes at [`MAX_SHARD_MEDIA_BYTES`], and each shard is one chunk of the
//! response, so memory stays flat however large the media are. Every config is
//! Parquet, so `datasets` loads any mix of modalities with one builder; the card's
//! `dataset_info` gives each config's features and row count, so
//! `verification_mode="all_checks"` passes.

use super::parquet::{self, Media, MediaCell};
use super::{CardOptions, PageFindings, PiiPolicy, PiiSummary};
use crate::context::Context;
use crate::error::ApiError;
use crate::redaction::Redacted;
use crate::store::contributions::{self, Contribution};
use crate::store::text_versions;
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;
use wire::media::Modality;

/// Media bytes after which a shard is closed (the shard in hand, one chunk of the
/// response, stays near this size; a single larger file makes a shard of its own).
pub const MAX_SHARD_MEDIA_BYTES: usize = 16 * 1024 * 1024;

/// A tar stream written one shard (one tar entry) at a time.
pub struct Bundle {
    card: CardOptions,
    date: String,
    written: BTreeMap<&'static str, Written>,
    /// Rows of the current page still to be written, per config, with the page's
    /// personal data (masked already in the rows' texts; its layouts and images are
    /// masked as each shard is written).
    pending: VecDeque<(&'static str, Vec<Contribution>, Rc<PageFindings>)>,
}

fn io(e: std::io::Error) -> ApiError {
    ApiError::internal(format!("tar: {e}"))
}

/// A tar entry: the header, then `write`'s bytes appended in place (no copy of the
/// file), then the padding to a 512-byte block. `size_hint` (about how many bytes
/// `write` adds) reserves the buffer once instead of growing it by doubling.
fn entry(
    path: &str,
    size_hint: usize,
    write: impl FnOnce(&mut Vec<u8>) -> Result<(), ApiError>,
) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::with_capacity(512 + size_hint + 64 * 1024);
    out.resize(512, 0);
    write(&mut out)?;
    let size = out.len() - 512;
    let mut header = tar::Header::new_gnu();
    header.set_path(path).map_err(io)?;
    header.set_size(size as u64);
    header.set_mode(0o644);
    header.set_mtime(0);
    header.set_entry_type(tar::EntryType::Regular);
    header.set_cksum();
    out[..512].copy_from_slice(header.as_bytes());
    out.resize(out.len() + (512 - size % 512) % 512, 0);
    Ok(out)
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

/// What one config holds so far.
#[derive(Debug, Default, Clone, Copy)]
struct Written {
    files: u32,
    rows: u64,
    bytes: u64,
}

/// The card's YAML header, written by a YAML serializer (never pasted together, so no
/// value can add keys).
#[derive(serde::Serialize)]
struct CardHeader<'a> {
    license: &'a str,
    language: Vec<&'a str>,
    task_categories: Vec<&'static str>,
    size_categories: Vec<&'static str>,
    pretty_name: &'static str,
    configs: Vec<ConfigEntry>,
    dataset_info: Vec<InfoEntry>,
}

/// A `configs:` entry: where a config's files are.
#[derive(serde::Serialize)]
struct ConfigEntry {
    config_name: &'static str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    default: bool,
    data_files: Vec<DataFiles>,
}

#[derive(serde::Serialize)]
struct DataFiles {
    split: &'static str,
    path: String,
}

/// A `dataset_info:` entry: a config's features and its split's size.
#[derive(serde::Serialize)]
struct InfoEntry {
    config_name: &'static str,
    features: Vec<Feature>,
    splits: Vec<SplitInfo>,
    download_size: u64,
    dataset_size: u64,
}

/// A feature as the card's YAML lists it: a value's or media's `dtype`, or a list of
/// structs as `list:` with its fields.
#[derive(serde::Serialize)]
struct Feature {
    name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    dtype: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    list: Option<Vec<Feature>>,
}

impl Feature {
    fn of(name: &'static str, feature: parquet::Feature) -> Self {
        let value = |name, dtype| Feature {
            name,
            dtype: Some(dtype),
            list: None,
        };
        match feature {
            parquet::Feature::Value(dtype) => value(name, dtype),
            parquet::Feature::Media(m) => value(name, m.name()),
            parquet::Feature::ListOf(fields) => Feature {
                name,
                dtype: None,
                list: Some(fields.iter().map(|(f, d)| value(f, d)).collect()),
            },
        }
    }
}

#[derive(serde::Serialize)]
struct SplitInfo {
    name: &'static str,
    num_bytes: u64,
    num_examples: u64,
}

/// What the bundle carries of one row's media.
pub enum ExportedMedia {
    /// These bytes under this file name (an image with findings: redacted, as PNG).
    Kept {
        /// `<id>.<extension>`.
        name: String,
        /// The file.
        bytes: Vec<u8>,
    },
    /// The row has no stored media.
    Missing,
    /// Left out of its config: a recording whose transcript holds personal data (it
    /// cannot be masked; left unread), or an image whose findings cannot be located.
    LeftOut,
}

/// Row `row`'s media as the bundle's `kind` column carries it, given what was found
/// in its text (`found`, located by `layout`); `pii` counts what was redacted or left
/// out. Release builds hash media through it, so a manifest names the same bytes.
pub fn exported_media(
    db: &dyn crate::db::Db,
    row: &Contribution,
    kind: Media,
    found: &PageFindings,
    layout: Option<&wire::layout::Layout>,
    pii: &mut PiiSummary,
) -> Result<ExportedMedia, ApiError> {
    if kind == Media::Audio && found.has(row.id) {
        pii.audio_left_out += 1;
        return Ok(ExportedMedia::LeftOut);
    }
    let name = format!("{}.{}", row.id, extension(&row.mime));
    Ok(match contributions::media(db, row.id)? {
        Some(bytes) if kind == Media::Image => match found.redact_image(row.id, bytes, layout) {
            Redacted::Unchanged(bytes) => ExportedMedia::Kept { name, bytes },
            Redacted::Filled(png) => {
                pii.images_redacted += 1;
                ExportedMedia::Kept {
                    name: format!("{}.png", row.id),
                    bytes: png,
                }
            }
            Redacted::Withheld => {
                pii.images_left_out += 1;
                ExportedMedia::LeftOut
            }
        },
        Some(bytes) => ExportedMedia::Kept { name, bytes },
        None => ExportedMedia::Missing,
    })
}

/// The default config: every row, without media.
const ALL: &str = "all";

impl Bundle {
    /// A bundle with this card's license and language, dated `date`.
    pub fn new(card: &CardOptions, date: &str) -> Self {
        Self {
            card: card.clone(),
            date: date.to_string(),
            written: BTreeMap::new(),
            pending: VecDeque::new(),
        }
    }

    /// Takes a page of rows (their texts masked as the policy asks) and what was found
    /// in them: its `all` shard, then its rows per modality.
    pub fn queue(&mut self, rows: Vec<Contribution>, found: PageFindings) {
        let found = Rc::new(found);
        for modality in Modality::ALL {
            let name = modality.as_str();
            let of: Vec<Contribution> = rows
                .iter()
                .filter(|r| r.modality == *modality)
                .cloned()
                .collect();
            if !of.is_empty() {
                self.pending.push_back((name, of, found.clone()));
            }
        }
        self.pending.push_front((ALL, rows, found));
    }

    /// Whether rows of the current page wait to be written.
    pub fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// The next shard as a tar entry (empty when nothing waits). A media shard takes
    /// rows, reading their media one at a time, until [`MAX_SHARD_MEDIA_BYTES`]; the
    /// rest of the page's rows of that modality wait for the next call. An image with
    /// findings is redacted (its words that hold one filled, written as PNG), or left
    /// out of its config when they cannot be located in it; `pii` keeps count.
    pub fn next_shard(
        &mut self,
        ctx: &Context,
        key: &[u8],
        pii: &mut PiiSummary,
    ) -> Result<Vec<u8>, ApiError> {
        let Some((config, mut rows, found)) = self.pending.pop_front() else {
            return Ok(Vec::new());
        };
        let mut media_bytes = 0;
        // What the engine located in each row's current text (media configs only).
        let mut layouts = match Media::of(config) {
            Some(_) => text_versions::current_layouts(ctx.db, &rows)?,
            None => Default::default(),
        };
        let media = match Media::of(config) {
            Some(kind) => {
                let mut cells: Vec<MediaCell> = Vec::new();
                let mut kept = Vec::new();
                let mut taken = 0;
                for row in &rows {
                    if media_bytes >= MAX_SHARD_MEDIA_BYTES {
                        break;
                    }
                    taken += 1;
                    let cell =
                        match exported_media(ctx.db, row, kind, &found, layouts.get(&row.id), pii)?
                        {
                            ExportedMedia::LeftOut => continue,
                            ExportedMedia::Kept { name, bytes } => Some((name, bytes)),
                            ExportedMedia::Missing => None,
                        };
                    media_bytes += cell.as_ref().map_or(0, |(_, b)| b.len());
                    cells.push(cell);
                    kept.push(row.clone());
                }
                let rest = rows.split_off(taken);
                if !rest.is_empty() {
                    self.pending.push_front((config, rest, found.clone()));
                }
                rows = kept;
                Some((kind, cells))
            }
            None => None,
        };
        if rows.is_empty() {
            // Every image of this stretch was left out: no shard.
            return Ok(Vec::new());
        }
        found.mask_layouts(&mut layouts);
        let written = self.written.entry(config).or_default();
        let path = format!("{config}/train-{:05}.parquet", written.files);
        // About 300 bytes of columns per row besides the media.
        let hint = media_bytes + 300 * rows.len();
        let out = entry(&path, hint, |out| {
            parquet::write(out, &rows, key, media, &layouts)
        })?;
        written.files += 1;
        written.rows += rows.len() as u64;
        written.bytes += out.len() as u64 - 512;
        Ok(out)
    }

    /// The dataset card, then the end-of-archive marker.
    pub fn finish(self, pii: &PiiSummary) -> Result<Vec<u8>, ApiError> {
        let mut out = Vec::new();
        let card = self.card_text(pii)?;
        out.extend(entry("README.md", card.len(), |out| {
            out.extend_from_slice(card.as_bytes());
            Ok(())
        })?);
        out.extend([0u8; 1024]);
        Ok(out)
    }

    /// The configs in card order: `all` first, then the modalities.
    fn configs(&self) -> Vec<(&'static str, Written)> {
        std::iter::once(ALL)
            .chain(Modality::ALL.iter().map(|m| m.as_str()))
            .filter_map(|c| self.written.get(c).map(|w| (c, *w)))
            .collect()
    }

    fn card_text(&self, pii: &PiiSummary) -> Result<String, ApiError> {
        let configs = self.configs();
        let total = self.written.get(ALL).map(|w| w.rows).unwrap_or(0);
        let mut tasks = Vec::new();
        for (config, _) in &configs {
            let task = match *config {
                "voice" => "automatic-speech-recognition",
                "screenshot" | "drawing" => "image-to-text",
                "text" => "text-generation",
                _ => continue,
            };
            if !tasks.contains(&task) {
                tasks.push(task);
            }
        }
        let header = CardHeader {
            license: &self.card.license,
            language: vec![&self.card.language],
            task_categories: tasks,
            size_categories: vec![size_category(total)],
            pretty_name: "Contributed multi-modal training data",
            configs: configs
                .iter()
                .map(|(config, _)| ConfigEntry {
                    config_name: config,
                    default: *config == ALL,
                    data_files: vec![DataFiles {
                        split: "train",
                        path: format!("{config}/*.parquet"),
                    }],
                })
                .collect(),
            dataset_info: configs
                .iter()
                .map(|(config, w)| InfoEntry {
                    config_name: config,
                    features: parquet::features(Media::of(config))
                        .into_iter()
                        .map(|(name, feature)| Feature::of(name, feature))
                        .collect(),
                    splits: vec![SplitInfo {
                        name: "train",
                        num_bytes: w.bytes,
                        num_examples: w.rows,
                    }],
                    download_size: w.bytes,
                    dataset_size: w.bytes,
                })
                .collect(),
        };
        let yaml = serde_norway::to_string(&header)
            .map_err(|e| ApiError::internal(format!("the dataset card's header: {e}")))?;
        let counts = configs
            .iter()
            .map(|(config, w)| format!("| `{config}` | {} |", w.rows))
            .collect::<Vec<_>>()
            .join("\n");
        let loads = configs
            .iter()
            .map(|(config, _)| match *config {
                ALL => "ds = load_dataset(\"path/to/this/folder\")  # config all: every row's text and metadata".to_string(),
                c => format!("{c} = load_dataset(\"path/to/this/folder\", \"{c}\", split=\"train\")"),
            })
            .collect::<Vec<_>>()
            .join("\n");
        Ok(format!(
            "---\n{yaml}---\n\n\
# Contributed multi-modal training data\n\nExported on {date} from the training-data service: {total} rows.\n\n\
| config | rows |\n|---|---|\n{counts}\n\n{release}\
## Loading\n\n```python\nfrom datasets import load_dataset\n{loads}\n```\n\n\
Voice rows decode with `datasets` 3.x, `soundfile` and `librosa` (4.x and later decode audio through torchcodec), images \
with Pillow.\n\n\
## Structure\n\nEvery config is Parquet under `<config>/train-NNNNN.parquet`, one file per page of rows (a media file closes \
at 16 MiB of media). Columns: \
`id`, `modality`, `text` (the current text), `text_source` (`machine`: Whisper, OCR or the shape recogniser; \
`contributor`: a text contribution's own words; `human`: a correction by the contributor or a reviewer), \
`review_state` (`unreviewed`: waiting for votes; `accepted`: validated by enough reviewers; `rejected`: invalidated; \
`adjudication`: reviewers accepted different texts), `review_votes` (the reviewers' votes on it), `created_at`, `content_hash` (SHA-256 of the content), \
`commitment`, `extraction_engine`, `extraction_model`, `extraction_confidence`, `user` and `metadata` (JSON). \
`voice` adds `language` and `segments` (a list of `{{start, end, text}}`, milliseconds; a stretch a person edited \
has no times) and `audio`; `screenshot` and `drawing` add `words` (a list of `{{x, y, w, h, text, confidence}}` boxes in \
image pixels) and `image`: the contributed file's bytes and its name.\n\n\
## Personal and sensitive information\n\nContributions were made by people who own them and may contain personal \
information in their content (voices, faces, handwriting, names in screenshots or text). Contributors are \
identified only by a pseudonymous `user` id, a keyed hash that is stable within this export's source database \
and cannot be reversed without its key; no names, e-mail or IP addresses are included. Contributors may opt a \
contribution out of training or delete it at any time: such rows leave every later export, so refresh your \
copy from a new export (or drop rows listed in the source's published deletion list) rather than keeping \
deleted data. Each row's `commitment` is its salted entry in the service's public transparency log.\n\n\
## Personal data\n\n{policy}\n",
            date = self.date,
            policy = policy_text(pii),
            release = self
                .card
                .release
                .as_ref()
                .map(|r| format!("## Release\n\n{r}\n\n"))
                .unwrap_or_default(),
        ))
    }
}

/// The card's account of what was done with personal data: the policy and the counts.
fn policy_text(pii: &PiiSummary) -> String {
    let counts = if pii.masked.is_empty() {
        "none".to_string()
    } else {
        pii.masked
            .iter()
            .map(|(kind, n)| format!("{} {n}", kind.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match pii.policy {
        PiiPolicy::Mask => format!(
            "Policy `pii=mask`: every text was scanned for e-mail addresses, phone numbers, payment cards, IBANs, IP \
addresses, URLs with credentials, secrets and the contributor's own name, and each finding a reviewer did not \
dismiss is replaced by a typed placeholder (`[EMAIL]`, `[PHONE]`, `[CARD]`, `[IBAN]`, `[IP]`, `[URL]`, \
`[SECRET]`, `[NAME]`), in `text` and in segments and word boxes alike. Findings masked: {counts}, in {rows} rows. \
Images: {redacted} redacted (the words holding a finding filled in black), {left_out} left out because a finding could \
not be located in them. Voice recordings whose transcripts hold findings are left out of the `voice` config (audio \
cannot be masked; their masked text stays in `all`) unless a reviewer dismissed every finding: {audio} left out. Detection is automatic and may miss personal data (names other than the \
contributor's own, addresses, faces and voices are not detected).",
            rows = pii.rows_masked,
            redacted = pii.images_redacted,
            left_out = pii.images_left_out,
            audio = pii.audio_left_out,
        ),
        PiiPolicy::Drop => "Policy `pii=drop`: rows in which personal data was found (and rows not scanned yet) are left \
out; the rest are as contributed. Detection is automatic and may miss personal data."
            .to_string(),
        PiiPolicy::Keep => "Policy `pii=keep`: the texts and media are as contributed, personal data included. The \
administrator exported them so, with a reason, which the service's activity log records."
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_card_header_is_serialized_and_its_values_are_checked() {
        let card = CardOptions::validated("cc-by-4.0", "pt-BR").unwrap();
        let mut bundle = Bundle::new(&card, "2026-12-03");
        let w = |rows, bytes| Written {
            files: 1,
            rows,
            bytes,
        };
        bundle.written.insert(ALL, w(3, 10));
        bundle.written.insert("voice", w(1, 7));
        bundle.written.insert("text", w(2, 5));
        let text = bundle.card_text(&PiiSummary::default()).unwrap();
        assert!(
            text.starts_with(
                "---\nlicense: cc-by-4.0\nlanguage:\n- pt-BR\ntask_categories:\n- automatic-speech-recognition\n- text-generation\nsize_categories:\n- n<1K\npretty_name: Contributed multi-modal training data\nconfigs:\n- config_name: all\n  default: true\n  data_files:\n  - split: train\n    path: all/*.parquet\n- config_name: voice\n"
            ),
            "{text}"
        );
        assert!(text.contains("- name: audio\n    dtype: audio\n"), "{text}");
        assert!(
            text.contains("  splits:\n  - name: train\n    num_bytes: 7\n    num_examples: 1\n"),
            "{text}"
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
