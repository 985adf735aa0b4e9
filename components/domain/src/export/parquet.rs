//! One Parquet file of export rows, as the Hugging Face Hub stores datasets: a column
//! per flat export column (`super::columns`, as CSV writes them); for media rows what
//! the engine located (voice: `language` and `segments`, a list of `{start, end, text}`;
//! images: `words`, a list of `{x, y, w, h, text, confidence}`), and an `audio` or
//! `image` column holding `{bytes, path}`, the struct the `datasets` library's `Audio`
//! and `Image` features decode. The features are also written into the file's
//! `huggingface` metadata, so one file loads on its own.

use super::columns::{self, Values};
use crate::error::ApiError;
use crate::store::contributions::Contribution;
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use parquet::schema::types::ColumnPath;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::Arc;
use wire::layout::{Layout, Segment, WordBox};

/// The media column of a shard, by the `datasets` feature that decodes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    /// `Audio`: voice memos.
    Audio,
    /// `Image`: screenshots and drawings.
    Image,
}

impl Media {
    /// The media column a modality's config carries (`None` for text).
    pub fn of(modality: &str) -> Option<Self> {
        match modality {
            "voice" => Some(Media::Audio),
            "screenshot" | "drawing" => Some(Media::Image),
            _ => None,
        }
    }

    /// The column's name, which is also the feature's `dtype` in the dataset card.
    pub fn name(self) -> &'static str {
        match self {
            Media::Audio => "audio",
            Media::Image => "image",
        }
    }

    fn feature(self) -> &'static str {
        match self {
            Media::Audio => "Audio",
            Media::Image => "Image",
        }
    }
}

/// A row's media for the shard: a file name (the extension tells decoders the format)
/// and the bytes; `None` when the row has none.
pub type MediaCell = Option<(String, Vec<u8>)>;

/// A column's line in the Parquet schema.
fn schema_line(name: &str, values: &Values) -> String {
    match values {
        Values::Int64(_) => format!("required int64 {name};"),
        Values::Text(_) => format!("optional binary {name} (STRING);"),
        Values::Float(_) => format!("optional double {name};"),
    }
}

/// A feature of a shard, as the dataset card and the file's metadata describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Feature {
    /// A plain value of this `datasets` dtype.
    Value(&'static str),
    /// A list of structs with these `(field, dtype)` fields.
    ListOf(&'static [(&'static str, &'static str)]),
    /// The media column (`audio` or `image`).
    Media(Media),
}

/// The fields of a voice row's `segments` (milliseconds; a segment a person edited has
/// no times).
const SEGMENT_FIELDS: &[(&str, &str)] = &[("start", "int64"), ("end", "int64"), ("text", "string")];
/// The fields of an image row's `words` (a box in image pixels, the word, the engine's
/// confidence).
const WORD_FIELDS: &[(&str, &str)] = &[
    ("x", "int64"),
    ("y", "int64"),
    ("w", "int64"),
    ("h", "int64"),
    ("text", "string"),
    ("confidence", "float64"),
];

/// What a media config carries besides the flat columns, in column order.
fn located(media: Media) -> Vec<(&'static str, Feature)> {
    match media {
        Media::Audio => vec![
            ("language", Feature::Value("string")),
            ("segments", Feature::ListOf(SEGMENT_FIELDS)),
        ],
        Media::Image => vec![("words", Feature::ListOf(WORD_FIELDS))],
    }
}

/// The features of a shard with this media column, in column order, as the dataset
/// card's `dataset_info` lists them.
pub fn features(media: Option<Media>) -> Vec<(&'static str, Feature)> {
    let mut out: Vec<_> = columns::of(&[], &[])
        .iter()
        .map(|(name, values)| (*name, Feature::Value(values.dtype())))
        .collect();
    if let Some(m) = media {
        out.extend(located(m));
        out.push((m.name(), Feature::Media(m)));
    }
    out
}

/// The same features as `datasets` writes them into a file's `huggingface` metadata
/// (a list of structs as `[ {field: Value} ]`, which every `datasets` version reads).
fn features_json(media: Option<Media>) -> String {
    let value = |dtype: &str| json!({ "dtype": dtype, "_type": "Value" });
    let mut all = Map::new();
    for (name, feature) in features(media) {
        let described = match feature {
            Feature::Value(dtype) => value(dtype),
            Feature::ListOf(fields) => {
                let item: Map<String, Value> = fields
                    .iter()
                    .map(|(field, dtype)| (field.to_string(), value(dtype)))
                    .collect();
                json!([Value::Object(item)])
            }
            Feature::Media(m) => json!({ "_type": m.feature() }),
        };
        all.insert(name.into(), described);
    }
    json!({ "info": { "features": Value::Object(all) } }).to_string()
}

fn fail(e: parquet::errors::ParquetError) -> ApiError {
    ApiError::internal(format!("parquet: {e}"))
}

/// Appends `rows` (and, for a media config, each row's media in `media`, moved into
/// the file rather than copied) to `out` as one Parquet file with one row group.
pub fn write(
    out: &mut Vec<u8>,
    rows: &[Contribution],
    key: &[u8],
    media: Option<(Media, Vec<MediaCell>)>,
    layouts: &HashMap<i64, Layout>,
) -> Result<(), ApiError> {
    let cols = columns::of(rows, key);
    let mut schema: String = cols.iter().map(|(name, v)| schema_line(name, v)).collect();
    let located_kind = media.as_ref().map(|(m, _)| *m);
    for (name, feature) in located_kind.map(located).unwrap_or_default() {
        schema.push_str(&match feature {
            Feature::ListOf(fields) => {
                let leaves: String = fields
                    .iter()
                    .map(|(field, dtype)| match *dtype {
                        "int64" => format!("optional int64 {field}; "),
                        "float64" => format!("optional double {field}; "),
                        _ => format!("optional binary {field} (STRING); "),
                    })
                    .collect();
                format!("optional group {name} (LIST) {{ repeated group list {{ optional group element {{ {leaves}}} }} }}")
            }
            _ => format!("optional binary {name} (STRING);"),
        });
    }
    let mut props = WriterProperties::builder()
        .set_created_by("training-data-service".into())
        .set_key_value_metadata(Some(vec![KeyValue::new(
            "huggingface".into(),
            features_json(media.as_ref().map(|(m, _)| *m)),
        )]));
    if let Some((m, _)) = &media {
        let name = m.name();
        schema.push_str(&format!(
            "optional group {name} {{ optional binary bytes; optional binary path (STRING); }}"
        ));
        // Media bytes repeat rarely and are not ordered: no dictionary, no min/max. And
        // a data page is closed as soon as it passes its size limit (1 MiB), checked
        // after every value rather than every 1,024, so the writer never buffers more
        // than about one file beyond the page limit.
        let bytes = ColumnPath::from(vec![name.to_string(), "bytes".to_string()]);
        props = props
            .set_write_batch_size(1)
            .set_column_dictionary_enabled(bytes.clone(), false)
            .set_column_statistics_enabled(bytes, EnabledStatistics::None);
    }
    let schema = parse_message_type(&format!("message export {{ {schema} }}")).map_err(fail)?;
    let mut writer =
        SerializedFileWriter::new(out, Arc::new(schema), Arc::new(props.build())).map_err(fail)?;
    let mut group = writer.next_row_group().map_err(fail)?;
    for (_, values) in &cols {
        let mut column = group
            .next_column()
            .map_err(fail)?
            .ok_or_else(|| ApiError::internal("parquet: fewer columns than the schema"))?;
        match values {
            Values::Int64(v) => {
                column
                    .typed::<Int64Type>()
                    .write_batch(v, None, None)
                    .map_err(fail)?;
            }
            Values::Text(v) => {
                let (present, defs) = optional(v.iter().map(|t| t.as_deref().map(ByteArray::from)));
                column
                    .typed::<ByteArrayType>()
                    .write_batch(&present, Some(&defs), None)
                    .map_err(fail)?;
            }
            Values::Float(v) => {
                let (present, defs) = optional(v.iter().copied());
                column
                    .typed::<DoubleType>()
                    .write_batch(&present, Some(&defs), None)
                    .map_err(fail)?;
            }
        }
        column.close().map_err(fail)?;
    }
    let layout_of = |r: &Contribution| layouts.get(&r.id);
    match located_kind {
        Some(Media::Audio) => {
            let language: Vec<Option<ByteArray>> = rows
                .iter()
                .map(|r| {
                    layout_of(r)
                        .and_then(|l| l.language.as_deref())
                        .map(ByteArray::from)
                })
                .collect();
            let (present, defs) = optional(language.into_iter());
            let mut column = next(&mut group)?;
            column
                .typed::<ByteArrayType>()
                .write_batch(&present, Some(&defs), None)
                .map_err(fail)?;
            column.close().map_err(fail)?;
            let lists: Vec<Option<&Vec<Segment>>> = rows
                .iter()
                .map(|r| layout_of(r).and_then(|l| l.segments.as_ref()))
                .collect();
            write_list(&mut group, &lists, |s: &Segment| s.start_ms, Leaf::Int)?;
            write_list(&mut group, &lists, |s: &Segment| s.end_ms, Leaf::Int)?;
            write_list(
                &mut group,
                &lists,
                |s: &Segment| Some(s.text.clone()),
                Leaf::Text,
            )?;
        }
        Some(Media::Image) => {
            let lists: Vec<Option<&Vec<WordBox>>> = rows
                .iter()
                .map(|r| layout_of(r).and_then(|l| l.boxes.as_ref()))
                .collect();
            write_list(&mut group, &lists, |b: &WordBox| Some(b.rect.x), Leaf::Int)?;
            write_list(&mut group, &lists, |b: &WordBox| Some(b.rect.y), Leaf::Int)?;
            write_list(&mut group, &lists, |b: &WordBox| Some(b.rect.w), Leaf::Int)?;
            write_list(&mut group, &lists, |b: &WordBox| Some(b.rect.h), Leaf::Int)?;
            write_list(
                &mut group,
                &lists,
                |b: &WordBox| Some(b.text.clone()),
                Leaf::Text,
            )?;
            write_list(&mut group, &lists, |b: &WordBox| b.confidence, Leaf::Float)?;
        }
        None => {}
    }
    if let Some((_, cells)) = media {
        // The group is absent (level 0) for a row without media; present, its two
        // fields are at level 2.
        let defs: Vec<i16> = cells
            .iter()
            .map(|c| if c.is_some() { 2 } else { 0 })
            .collect();
        let (paths, bytes): (Vec<ByteArray>, Vec<ByteArray>) = cells
            .into_iter()
            .flatten()
            .map(|(path, data)| (ByteArray::from(path.as_str()), ByteArray::from(data)))
            .unzip();
        let leaves = [bytes, paths];
        for values in leaves {
            let mut column = group
                .next_column()
                .map_err(fail)?
                .ok_or_else(|| ApiError::internal("parquet: no media column"))?;
            column
                .typed::<ByteArrayType>()
                .write_batch(&values, Some(&defs), None)
                .map_err(fail)?;
            column.close().map_err(fail)?;
        }
    }
    group.close().map_err(fail)?;
    writer.close().map_err(fail)?;
    Ok(())
}

/// The row group's next column.
fn next<'a, 'g, W: std::io::Write + Send>(
    group: &'g mut parquet::file::writer::SerializedRowGroupWriter<'a, W>,
) -> Result<parquet::file::writer::SerializedColumnWriter<'g>, ApiError> {
    group
        .next_column()
        .map_err(fail)?
        .ok_or_else(|| ApiError::internal("parquet: fewer columns than the schema"))
}

/// A list field's leaf type.
#[derive(Clone, Copy)]
enum Leaf {
    /// `int64`.
    Int,
    /// A string.
    Text,
    /// `double`.
    Float,
}

/// Writes one leaf of a list-of-structs column: per row, a missing list (level 0), an
/// empty one (1), or its items (repetition 0 for the first, 1 for the rest), each
/// field present (level 4) or null (3).
fn write_list<'a, W: std::io::Write + Send, I, V>(
    group: &mut parquet::file::writer::SerializedRowGroupWriter<'a, W>,
    lists: &[Option<&Vec<I>>],
    field: impl Fn(&I) -> Option<V>,
    leaf: Leaf,
) -> Result<(), ApiError>
where
    V: Into<LeafValue>,
{
    let (mut values, mut defs, mut reps): (Vec<LeafValue>, Vec<i16>, Vec<i16>) =
        (Vec::new(), Vec::new(), Vec::new());
    for list in lists {
        match list {
            None => {
                defs.push(0);
                reps.push(0);
            }
            Some(items) if items.is_empty() => {
                defs.push(1);
                reps.push(0);
            }
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    reps.push(i16::from(i > 0));
                    match field(item) {
                        Some(v) => {
                            defs.push(4);
                            values.push(v.into());
                        }
                        None => defs.push(3),
                    }
                }
            }
        }
    }
    let mut column = next(group)?;
    match leaf {
        Leaf::Int => {
            let v: Vec<i64> = values.iter().map(LeafValue::int).collect();
            column
                .typed::<Int64Type>()
                .write_batch(&v, Some(&defs), Some(&reps))
        }
        Leaf::Float => {
            let v: Vec<f64> = values.iter().map(LeafValue::float).collect();
            column
                .typed::<DoubleType>()
                .write_batch(&v, Some(&defs), Some(&reps))
        }
        Leaf::Text => {
            let v: Vec<ByteArray> = values.iter().map(LeafValue::bytes).collect();
            column
                .typed::<ByteArrayType>()
                .write_batch(&v, Some(&defs), Some(&reps))
        }
    }
    .map_err(fail)?;
    column.close().map_err(fail)
}

/// One value of a list field's leaf.
pub enum LeafValue {
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Text(String),
}

impl LeafValue {
    fn int(&self) -> i64 {
        match self {
            LeafValue::Int(v) => *v,
            _ => 0,
        }
    }
    fn float(&self) -> f64 {
        match self {
            LeafValue::Float(v) => *v,
            _ => 0.0,
        }
    }
    fn bytes(&self) -> ByteArray {
        match self {
            LeafValue::Text(v) => ByteArray::from(v.as_str()),
            _ => ByteArray::from(""),
        }
    }
}

impl From<i64> for LeafValue {
    fn from(v: i64) -> Self {
        LeafValue::Int(v)
    }
}

impl From<f64> for LeafValue {
    fn from(v: f64) -> Self {
        LeafValue::Float(v)
    }
}

impl From<String> for LeafValue {
    fn from(v: String) -> Self {
        LeafValue::Text(v)
    }
}

/// The present values of an optional column and its definition levels (1 present, 0
/// null).
fn optional<T>(values: impl Iterator<Item = Option<T>>) -> (Vec<T>, Vec<i16>) {
    let mut present = Vec::new();
    let mut defs = Vec::new();
    for v in values {
        defs.push(i16::from(v.is_some()));
        present.extend(v);
    }
    (present, defs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::{ListAccessor, RowAccessor};

    fn row(id: i64, text: Option<&str>) -> Contribution {
        Contribution {
            id,
            user_id: Some(1),
            campaign_id: None,
            modality: wire::media::Modality::Voice,
            status: wire::lifecycle::Status::Complete,
            mime: "audio/wav".into(),
            byte_size: 3,
            content_hash: "ab".into(),
            extracted_text: text.map(str::to_string),
            strokes: None,
            metadata: "{}".into(),
            extraction_engine: Some("whisper.cpp".into()),
            extraction_model: None,
            extraction_confidence: Some(0.5),
            last_error: None,
            extraction_flag: None,
            included_in_training: true,
            user_can_export: true,
            user_can_delete: true,
            created_at: "2026-12-04T00:00:00.000Z".into(),
            updated_at: "2026-12-04T00:00:00.000Z".into(),
            commitment: None,
            commitment_salt: Vec::new(),
            ethereum_checksum: None,
            leaf_index: Some(0),
            verification_code: None,
            text_version: Some(1),
            text_source: Some(wire::lifecycle::TextSource::Machine),
            review_state: wire::lifecycle::ReviewState::Unreviewed,
            review_votes: 0,
            pii_count: None,
            reviewed_by: None,
            reviewed_at: None,
            review_wer: None,
        }
    }

    #[test]
    fn a_shard_reads_back_with_its_features_and_media() {
        let rows = [row(7, Some("hello")), row(8, None)];
        let media = vec![Some(("7.wav".to_string(), b"RIFF".to_vec())), None];
        let mut file = Vec::new();
        let segment = |start: Option<i64>, end: Option<i64>, text: &str| Segment {
            start_ms: start,
            end_ms: end,
            text: text.into(),
            probability: None,
            no_speech: None,
        };
        let layouts = HashMap::from([(
            7,
            Layout {
                language: Some("en".into()),
                segments: Some(vec![
                    segment(Some(0), Some(900), "hel"),
                    segment(None, None, "lo"),
                ]),
                ..Layout::default()
            },
        )]);
        write(
            &mut file,
            &rows,
            b"key",
            Some((Media::Audio, media)),
            &layouts,
        )
        .unwrap();
        let reader = SerializedFileReader::new(bytes::Bytes::from(file)).unwrap();
        let meta = reader.metadata().file_metadata();
        assert_eq!(meta.num_rows(), 2);
        let hf = meta.key_value_metadata().unwrap();
        assert_eq!(hf[0].key, "huggingface");
        assert!(hf[0]
            .value
            .as_deref()
            .unwrap()
            .contains(r#""audio":{"_type":"Audio"}"#));
        let names: Vec<String> = meta
            .schema_descr()
            .columns()
            .iter()
            .map(|c| c.path().string())
            .collect();
        let expected: Vec<String> = features(None)
            .iter()
            .map(|(n, _)| n.to_string())
            .chain(
                [
                    "language",
                    "segments.list.element.start",
                    "segments.list.element.end",
                    "segments.list.element.text",
                    "audio.bytes",
                    "audio.path",
                ]
                .map(String::from),
            )
            .collect();
        assert_eq!(names, expected);
        let records: Vec<_> = reader
            .get_row_iter(None)
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(records[0].get_long(0).unwrap(), 7);
        assert_eq!(records[0].get_string(2).unwrap(), "hello");
        assert_eq!(records[0].get_string(14).unwrap(), "en");
        let segments = records[0].get_list(15).unwrap();
        assert_eq!(segments.len(), 2);
        let first = segments.get_group(0).unwrap();
        assert_eq!(
            (
                first.get_long(0).unwrap(),
                first.get_string(2).unwrap().as_str()
            ),
            (0, "hel")
        );
        assert!(
            segments.get_group(1).unwrap().get_long(0).is_err(),
            "an edited segment has no time"
        );
        assert!(
            records[1].get_list(15).is_err(),
            "a row with no layout has no list"
        );
        let audio = records[0].get_group(16).unwrap();
        assert_eq!(audio.get_bytes(0).unwrap().data(), b"RIFF");
        assert_eq!(audio.get_string(1).unwrap(), "7.wav");
        assert!(records[1].get_string(2).is_err(), "a missing text is null");
        assert!(
            records[1].get_group(16).is_err(),
            "a row without media has no group"
        );
    }
}
