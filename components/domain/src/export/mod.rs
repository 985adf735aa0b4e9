//! Training-data export: the rows a filter selects, oldest first, in the formats
//! fine-tuning tools read. Rows are read a page at a time and written out as they go,
//! so memory stays flat however many rows there are.

mod columns;
mod hf;
mod parquet;
mod personal_data;
pub mod release;

pub use hf::extension as media_extension;
pub use personal_data::{PageFindings, PiiPolicy, PiiSummary};

use crate::context::{ChunkSource, Context, Response};
use crate::db::{Db, ReadTransaction};
use crate::error::ApiError;
use crate::store::contributions::{self, Contribution, Filter};
use crate::store::release_rows::{self, Pending};
use crate::store::text_versions;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use wire::layout::Layout;
use wire::media::Modality;

/// Rows read per page (per chunk of output).
pub const PAGE_ROWS: usize = 500;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line.
    Jsonl,
    /// RFC 4180 CSV with a header row.
    Csv,
    /// One text per line; `\`, newline and carriage return escaped as `\\`, `\n`, `\r`.
    Txt,
    /// OpenAI chat fine-tuning JSONL.
    Chat,
    /// A Hugging Face datasets bundle (tar): Parquet shards per config and a dataset card.
    Hf,
}

impl Format {
    /// Every format, in the order pages list them.
    pub const ALL: [Format; 5] = [
        Format::Jsonl,
        Format::Csv,
        Format::Txt,
        Format::Chat,
        Format::Hf,
    ];

    /// Parses the `format` query parameter.
    pub fn parse(name: &str) -> Result<Self, ApiError> {
        Self::ALL
            .into_iter()
            .find(|f| f.name() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|f| f.name()).collect();
                ApiError::invalid(format!(
                    "format must be one of {} (got {name:?})",
                    names.join(", ")
                ))
            })
    }

    /// Its name, as the `format` parameter spells it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Txt => "txt",
            Format::Chat => "chat",
            Format::Hf => "hf",
        }
    }

    fn file_suffix(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Txt => "txt",
            Format::Chat => "chat.jsonl",
            Format::Hf => "hf.tar",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Jsonl | Format::Chat => "application/x-ndjson",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Txt => "text/plain; charset=utf-8",
            Format::Hf => "application/x-tar",
        }
    }
}

/// The default system prompt of chat exports.
pub const DEFAULT_SYSTEM: &str =
    "You are a helpful assistant that transcribes and describes user contributions faithfully.";

/// Chat-format options: the system prompt (empty: none) and the user turn, where
/// `{modality}` is replaced by the row's modality.
#[derive(Debug, Clone)]
pub struct ChatOptions {
    /// System message.
    pub system: String,
    /// User-turn template; `None`: a sentence fitting each modality.
    pub prompt: Option<String>,
}

/// The dataset card's declared license and language (hf format).
#[derive(Debug, Clone)]
pub struct CardOptions {
    /// SPDX-ish license id for the card's YAML header.
    pub license: String,
    /// Language code.
    pub language: String,
    /// A release's own section of the card (its number, checkpoint, manifest hash and
    /// how to verify it); `None` for a plain export.
    pub release: Option<String>,
}

impl CardOptions {
    /// Checks both values: a license is an SPDX-like identifier (`mit`, `cc-by-4.0`,
    /// `other`), a language a BCP 47 tag (`en`, `pt-BR`); anything else is a 422.
    pub fn validated(license: &str, language: &str) -> Result<Self, ApiError> {
        let spdx_like = !license.is_empty()
            && license.len() <= 64
            && license.starts_with(|c: char| c.is_ascii_alphanumeric())
            && license
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'));
        if !spdx_like {
            return Err(ApiError::invalid(format!(
                "license must be an SPDX-like identifier such as mit or cc-by-4.0, not {license:?}"
            )));
        }
        let mut subtags = language.split('-');
        let bcp47 = language.len() <= 35
            && subtags.next().is_some_and(|p| {
                (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic())
            })
            && subtags.all(|t| {
                (1..=8).contains(&t.len()) && t.chars().all(|c| c.is_ascii_alphanumeric())
            });
        if !bcp47 {
            return Err(ApiError::invalid(format!(
                "language must be a BCP 47 tag such as en or pt-BR, not {language:?}"
            )));
        }
        Ok(Self {
            license: license.to_string(),
            language: language.to_string(),
            release: None,
        })
    }
}

/// Called once when an export ends, with (rows written, sha256 of the whole file, what
/// was done with personal data).
pub type OnFinish = Box<dyn FnOnce(&Context, u64, String, &PiiSummary) -> Result<(), ApiError>>;

/// Where an export's rows come from.
#[derive(Debug, Clone)]
pub enum Rows {
    /// The live table, as `Filter` selects it.
    Live(Filter),
    /// A release's frozen rows, walked in id order from after `after`.
    Release {
        /// The release.
        number: i64,
        /// The walk's cursor.
        after: i64,
    },
}

impl Rows {
    /// How many rows an export as `format` will write (a chat file has no example for
    /// an empty text: a live export's filter leaves those rows out, a release's file
    /// skips them).
    fn count(&self, db: &dyn Db, format: Format) -> Result<u64, ApiError> {
        Ok(match self {
            Rows::Live(filter) => contributions::count(db, filter)?,
            Rows::Release { number, .. } => {
                release_rows::live_count(db, *number, format == Format::Chat)?
            }
        })
    }

    /// The next page of rows and what was found in them, moving the cursor on.
    fn next_page(
        &mut self,
        db: &dyn Db,
        policy: PiiPolicy,
    ) -> Result<(Vec<Contribution>, PageFindings), ApiError> {
        match self {
            Rows::Live(filter) => {
                let rows = contributions::list_oldest_first(db, filter, PAGE_ROWS)?;
                filter.after_id = rows.last().map(|r| r.id).or(filter.after_id);
                let found = PageFindings::read(db, &rows, policy)?;
                Ok((rows, found))
            }
            Rows::Release { number, after } => {
                let rows = release::page(db, *number, *after, PAGE_ROWS, Pending::All)?;
                *after = rows.last().map_or(*after, |r| r.id);
                let found = PageFindings::frozen(db, *number, &rows, policy)?;
                Ok((rows, found))
            }
        }
    }
}

/// Everything an export needs besides the database.
pub struct ExportSpec {
    /// Output format.
    pub format: Format,
    /// Which rows.
    pub rows: Rows,
    /// Chat options.
    pub chat: ChatOptions,
    /// Dataset card options.
    pub card: CardOptions,
    /// What happens to personal data (the filter already leaves out the rows the
    /// policy drops).
    pub pii: PiiPolicy,
    /// Key of the keyed hash that turns user ids into pseudonyms.
    pub pseudonym_key: Vec<u8>,
    /// Export date (YYYY-MM-DD) for file names.
    pub date: String,
    /// Called once at the end with (rows, sha256 of the whole file).
    pub on_finish: OnFinish,
}

/// A pseudonymous user id: stable within one database, not reversible without its key.
pub fn pseudonym(key: &[u8], user_id: Option<i64>) -> Value {
    match user_id {
        None => Value::Null,
        Some(id) => {
            let mut h = Sha256::new();
            h.update(key);
            h.update(format!("user:{id}").as_bytes());
            json!(format!("u_{}", &hex::encode(h.finalize())[..16]))
        }
    }
}

/// One row as the jsonl format writes it, with what its current text's engine located
/// (`segments`, `words`, `language`, `duration_ms` for voice; `boxes`, `lines` for
/// images), when known.
pub fn row_json(row: &Contribution, key: &[u8], layout: Option<&Layout>) -> Value {
    let mut line = json!({
        "id": row.id,
        "modality": row.modality,
        "text": row.extracted_text,
        "text_source": row.text_source,
        "review_state": row.review_state,
        "review_votes": row.review_votes,
        "created_at": row.created_at,
        "content_hash": row.content_hash,
        "commitment": row.commitment,
        "extraction": {
            "engine": row.extraction_engine,
            "model": row.extraction_model,
            "confidence": row.extraction_confidence,
        },
        "metadata": serde_json::from_str::<Value>(&row.metadata).unwrap_or(Value::Null),
        "user": pseudonym(key, row.user_id),
    });
    if let Some(layout) = layout {
        let fields = [
            ("segments", json!(layout.segments)),
            ("words", json!(layout.words)),
            ("language", json!(layout.language)),
            ("duration_ms", json!(layout.audio_ms)),
            ("boxes", json!(layout.boxes)),
            ("lines", json!(layout.lines)),
        ];
        for (name, value) in fields {
            if !value.is_null() {
                line[name] = value;
            }
        }
    }
    line
}

/// The jsonl lines of a page of rows whose texts are masked already: each with its
/// layout (`text_versions::current_layouts`), masked here as `found` says.
pub fn jsonl_lines(
    rows: &[Contribution],
    mut layouts: HashMap<i64, Layout>,
    found: &PageFindings,
    key: &[u8],
) -> Vec<String> {
    found.mask_layouts(&mut layouts);
    rows.iter()
        .map(|r| row_json(r, key, layouts.get(&r.id)).to_string())
        .collect()
}

/// The txt format's escaping: one line per text.
pub fn escape_line(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

fn default_prompt(modality: Modality) -> &'static str {
    match modality {
        Modality::Voice => "Transcribe this voice memo.",
        Modality::Screenshot => "Read the text in this screenshot.",
        Modality::Drawing => "Describe this drawing.",
        Modality::Text => "Write a short text.",
    }
}

fn chat_line(row: &Contribution, chat: &ChatOptions) -> Value {
    let prompt = match &chat.prompt {
        Some(t) => t.replace("{modality}", row.modality.as_str()),
        None => default_prompt(row.modality).to_string(),
    };
    let mut messages = Vec::new();
    if !chat.system.is_empty() {
        messages.push(json!({ "role": "system", "content": chat.system }));
    }
    messages.push(json!({ "role": "user", "content": prompt }));
    messages.push(
        json!({ "role": "assistant", "content": row.extracted_text.clone().unwrap_or_default() }),
    );
    json!({ "messages": messages })
}

/// CSV: the flat export columns as text, a header row first when `header`.
fn csv_bytes(rows: &[Contribution], key: &[u8], header: bool) -> Result<Vec<u8>, ApiError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| ApiError::internal(format!("csv: {e}"));
    let cols = columns::of(rows, key);
    if header {
        w.write_record(cols.iter().map(|(name, _)| name))
            .map_err(fail)?;
    }
    for i in 0..rows.len() {
        w.write_record(cols.iter().map(|(_, values)| values.text(i)))
            .map_err(fail)?;
    }
    w.into_inner()
        .map_err(|e| ApiError::internal(format!("csv: {e}")))
}

/// A running export: head, then one chunk per page of rows.
pub struct Exporter {
    spec: Option<ExportSpec>,
    format: Format,
    total: u64,
    rows: u64,
    hasher: Sha256,
    started: bool,
    done: bool,
    hf: Option<hf::Bundle>,
    snapshot: Option<ReadTransaction>,
    pii: PiiSummary,
}

impl Exporter {
    /// Starts an export: opens a read transaction (a consistent snapshot for the count
    /// and every page) and counts the rows.
    pub fn start(ctx: &Context, spec: ExportSpec) -> Result<Self, ApiError> {
        let snapshot = ReadTransaction::begin(ctx.db)?;
        let total = spec.rows.count(ctx.db, spec.format)?;
        if spec.format == Format::Hf && total == 0 {
            snapshot.end(ctx.db)?;
            return Err(ApiError::invalid(
                "no complete, opted-in row matches these filters, and a Hugging Face dataset cannot be \
                 empty (datasets refuses a split without examples); the other formats answer an empty file",
            ));
        }
        let hf = (spec.format == Format::Hf).then(|| hf::Bundle::new(&spec.card, &spec.date));
        Ok(Self {
            format: spec.format,
            pii: PiiSummary {
                policy: spec.pii,
                ..PiiSummary::default()
            },
            spec: Some(spec),
            total,
            rows: 0,
            hasher: Sha256::new(),
            started: false,
            done: false,
            hf,
            snapshot: Some(snapshot),
        })
    }

    /// The next page's bytes (perhaps none, when a chat page holds only empty texts);
    /// `None` once every row was read.
    fn page(&mut self, ctx: &Context) -> Result<Option<Vec<u8>>, ApiError> {
        let spec = self
            .spec
            .as_mut()
            .ok_or_else(|| ApiError::internal("export already finished"))?;
        let (mut rows, found) = spec.rows.next_page(ctx.db, spec.pii)?;
        if rows.is_empty() {
            return Ok(None);
        }
        // A release may hold rows with empty texts, which a chat example cannot.
        if self.format == Format::Chat {
            rows.retain(|r| r.extracted_text.as_deref().is_some_and(|t| !t.is_empty()));
        }
        self.rows += rows.len() as u64;
        self.pii.rows_masked += found.count_into(&mut self.pii.masked);
        found.mask_rows(&mut rows);
        let key = &spec.pseudonym_key;
        let mut out = Vec::new();
        match self.format {
            Format::Jsonl => {
                let layouts = text_versions::current_layouts(ctx.db, &rows)?;
                for line in jsonl_lines(&rows, layouts, &found, key) {
                    out.extend(line.into_bytes());
                    out.push(b'\n');
                }
            }
            Format::Chat => rows.iter().for_each(|r| {
                out.extend(chat_line(r, &spec.chat).to_string().into_bytes());
                out.push(b'\n');
            }),
            Format::Txt => rows.iter().for_each(|r| {
                out.extend(escape_line(r.extracted_text.as_deref().unwrap_or("")).into_bytes());
                out.push(b'\n');
            }),
            Format::Csv => out = csv_bytes(&rows, key, false)?,
            Format::Hf => {
                let bundle = self
                    .hf
                    .as_mut()
                    .ok_or_else(|| ApiError::internal("no bundle"))?;
                bundle.queue(rows, found);
                out = bundle.next_shard(ctx, key, &mut self.pii)?;
            }
        }
        Ok(Some(out))
    }
}

impl ChunkSource for Exporter {
    fn head(&self) -> Response {
        // A release's file is named after it, as its manifest is (`release-<n>.manifest`).
        let stem = match self.spec.as_ref().map(|s| (&s.rows, &s.date)) {
            Some((Rows::Release { number, .. }, _)) => format!("release-{number}"),
            Some((Rows::Live(_), date)) => format!("training-data-{date}"),
            None => "training-data".into(),
        };
        http::Response::builder()
            .status(200)
            .header("content-type", self.format.content_type())
            .header(
                "content-disposition",
                format!(
                    "attachment; filename=\"{stem}.{}\"",
                    self.format.file_suffix()
                ),
            )
            .header("x-row-count", self.total.to_string())
            .header("x-export-format", self.format.name())
            .body(Vec::new())
            .unwrap_or_default()
    }

    fn next_chunk(&mut self, ctx: &Context) -> Result<Option<Vec<u8>>, ApiError> {
        if self.done {
            return Ok(None);
        }
        let mut chunk = Vec::new();
        if !self.started {
            self.started = true;
            if self.format == Format::Csv {
                chunk = csv_bytes(&[], &[], true)?;
            }
        }
        // The hf bundle writes a page as several shards, one per chunk.
        if let (Some(bundle), Some(spec)) = (self.hf.as_mut(), self.spec.as_ref()) {
            if bundle.has_pending() {
                let shard = bundle.next_shard(ctx, &spec.pseudonym_key, &mut self.pii)?;
                self.hasher.update(&shard);
                return Ok(Some(shard));
            }
        }
        let Some(page) = self.page(ctx)? else {
            if let Some(bundle) = self.hf.take() {
                chunk.extend(bundle.finish(&self.pii)?);
            }
            self.done = true;
            self.hasher.update(&chunk);
            if let Some(snapshot) = self.snapshot.take() {
                snapshot.end(ctx.db)?;
            }
            let sha = hex::encode(std::mem::take(&mut self.hasher).finalize());
            if let Some(spec) = self.spec.take() {
                (spec.on_finish)(ctx, self.rows, sha, &self.pii)?;
            }
            return Ok((!chunk.is_empty()).then_some(chunk));
        };
        chunk.extend(page);
        self.hasher.update(&chunk);
        Ok(Some(chunk))
    }
}
