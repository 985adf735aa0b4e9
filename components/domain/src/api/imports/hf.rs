//! This service's own Hugging Face export (`format=hf`, a tar of Parquet shards and a
//! dataset card) as an import: every row of the modality configs (`voice`,
//! `screenshot`, `drawing`, `text`) becomes an import line with its text, who wrote
//! it, when it was made, its metadata and its media bytes; the exported row's `id` is
//! the line's `source_id`. The `all` config repeats those rows without media and is
//! not read.

use super::archive::File;
use super::Entry;
use crate::error::ApiError;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::{Field, Row};
use serde_json::{json, Map, Value};

/// Whether the archive's files are an hf export: a dataset card and Parquet shards.
pub fn is_bundle(files: &[File]) -> bool {
    files.iter().any(|f| f.path == "README.md")
        && files.iter().any(|f| f.path.ends_with(".parquet"))
}

/// The lines of an hf export: one per row of each modality config's shards, in shard
/// order. A shard that cannot be read is one rejected line.
pub fn entries(files: Vec<File>) -> Vec<Entry> {
    let mut out = Vec::new();
    for file in files {
        if !file.path.ends_with(".parquet") || file.path.starts_with("all/") {
            continue;
        }
        let rows = file.bytes.and_then(|bytes| {
            let shard = |e: parquet::errors::ParquetError| {
                ApiError::invalid(format!("{}: not a readable Parquet shard: {e}", file.path))
            };
            let reader = SerializedFileReader::new(bytes::Bytes::from(bytes)).map_err(shard)?;
            let rows = reader.get_row_iter(None).map_err(shard)?;
            rows.map(|row| row.map_err(shard))
                .collect::<Result<Vec<Row>, _>>()
        });
        match rows {
            Ok(rows) => out.extend(rows.iter().map(|row| line(row, &file.path))),
            Err(e) => out.push(Entry::refused(e)),
        }
    }
    out
}

/// One exported row as an import line, with its media as the line's file.
fn line(row: &Row, shard: &str) -> Entry {
    let mut value = Map::new();
    let mut file = None;
    for (name, field) in row.get_column_iter() {
        match (name.as_str(), field) {
            ("id", Field::Long(id)) => {
                value.insert("source_id".into(), json!(id.to_string()));
            }
            ("modality" | "text" | "text_source" | "created_at", Field::Str(s)) => {
                value.insert(name.clone(), json!(s));
            }
            ("metadata", Field::Str(s)) => {
                let parsed = serde_json::from_str::<Value>(s).unwrap_or(Value::Null);
                value.insert(name.clone(), parsed);
            }
            ("audio" | "image", Field::Group(media)) => {
                file = media
                    .get_column_iter()
                    .find_map(|(n, f)| match (n.as_str(), f) {
                        ("bytes", Field::Bytes(b)) => Some(b.data().to_vec()),
                        _ => None,
                    });
            }
            _ => {}
        }
    }
    if !value.contains_key("modality") {
        return Entry::refused(ApiError::invalid(format!(
            "{shard}: a row without a modality"
        )));
    }
    Entry {
        file,
        ..Entry::line(Value::Object(value))
    }
}
