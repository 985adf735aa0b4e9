//! One Parquet file of export rows, as the Hugging Face Hub stores datasets: a column
//! per flat export column (`super::columns`, as CSV writes them), and for
//! media rows an `audio` or `image` column holding `{bytes, path}`, the struct the
//! `datasets` library's `Audio` and `Image` features decode. The features are also
//! written into the file's `huggingface` metadata, so one file loads on its own.

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
use std::sync::Arc;

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

/// The features of a shard with this media column: `(name, dtype)` in column order,
/// as the dataset card's `dataset_info` lists them.
pub fn features(media: Option<Media>) -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<_> = columns::of(&[], &[])
        .iter()
        .map(|(name, values)| (*name, values.dtype()))
        .collect();
    if let Some(m) = media {
        out.push((m.name(), m.name()));
    }
    out
}

/// The same features as `datasets` writes them into a file's `huggingface` metadata.
fn features_json(media: Option<Media>) -> String {
    let mut all = Map::new();
    for (name, dtype) in features(None) {
        all.insert(name.into(), json!({ "dtype": dtype, "_type": "Value" }));
    }
    if let Some(m) = media {
        all.insert(m.name().into(), json!({ "_type": m.feature() }));
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
) -> Result<(), ApiError> {
    let cols = columns::of(rows, key);
    let mut schema: String = cols.iter().map(|(name, v)| schema_line(name, v)).collect();
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
    use parquet::record::RowAccessor;

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
        write(&mut file, &rows, b"key", Some((Media::Audio, media))).unwrap();
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
            .chain(["audio.bytes".to_string(), "audio.path".to_string()])
            .collect();
        assert_eq!(names, expected);
        let records: Vec<_> = reader
            .get_row_iter(None)
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(records[0].get_long(0).unwrap(), 7);
        assert_eq!(records[0].get_string(2).unwrap(), "hello");
        let audio = records[0].get_group(14).unwrap();
        assert_eq!(audio.get_bytes(0).unwrap().data(), b"RIFF");
        assert_eq!(audio.get_string(1).unwrap(), "7.wav");
        assert!(records[1].get_string(2).is_err(), "a missing text is null");
        assert!(
            records[1].get_group(14).is_err(),
            "a row without media has no group"
        );
    }
}
