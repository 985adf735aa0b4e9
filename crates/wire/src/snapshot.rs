//! The snapshot format (`tds-snapshot/v1`), written by `GET /api/admin/snapshot` and
//! read by `native-worker restore`: JSON lines, a [`Header`] first, then for each
//! table a [`TableStart`] and its [`Row`]s, and an [`End`] that counts the rows so a
//! truncated dump is detected. Plus the [`Record`] the worker files with
//! `POST /api/admin/snapshots` once the encrypted file is written.
//!
//! Fields are declared in alphabetical order, so the lines keep the bytes they had
//! when they were written from `serde_json::json!` maps.

use serde::{Deserialize, Serialize};

/// The format's name, in every header.
pub const FORMAT: &str = "tds-snapshot/v1";

/// One line of the dump.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Line {
    /// The first line.
    Header(Header),
    /// A table begins.
    Table(TableStart),
    /// One row of the current table.
    Row(Row),
    /// The last line.
    End(End),
}

/// What the dump is: format, schema version, time, and the tables it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// When the dump's read transaction began (RFC 3339).
    pub created_at: String,
    /// Always [`FORMAT`].
    pub format: String,
    /// The schema version the rows follow (`migrations::latest_version`).
    pub schema_version: u32,
    /// Table names, in dump order.
    pub tables: Vec<String>,
}

/// A table begins: its name and columns; its rows follow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableStart {
    /// Column names, in the rows' order.
    pub columns: Vec<String>,
    /// The table's name.
    pub table: String,
}

/// One row's values, in the columns' order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// The values.
    pub r: Vec<Cell>,
}

/// The end marker with the number of rows before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct End {
    /// Always true.
    pub end: bool,
    /// Rows in the whole dump.
    pub rows: u64,
}

/// A value as JSON: numbers and text as themselves, blobs as `{"b64": …}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Cell {
    /// SQL NULL.
    Null,
    /// An integer.
    Integer(i64),
    /// A floating-point number.
    Real(f64),
    /// Text.
    Text(String),
    /// A blob, base64.
    Blob {
        /// The bytes, standard base64.
        b64: String,
    },
}

/// An encrypted snapshot the worker wrote: its file, hash and the checkpoint it
/// matches (size 0 and an empty root when the log had none).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The file's name (no directories).
    pub file_name: String,
    /// SHA-256 of the encrypted file, hex.
    pub sha256: String,
    /// The tree size of the checkpoint taken just before the dump.
    pub tree_size: i64,
    /// That checkpoint's root hash (base64), or empty.
    #[serde(default)]
    pub root_hash: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_read_back_as_what_was_written() {
        let lines = [
            r#"{"created_at":"2026-01-01T00:00:00Z","format":"tds-snapshot/v1","schema_version":5,"tables":["users"]}"#,
            r#"{"columns":["id","name"],"table":"users"}"#,
            r#"{"r":[1,"Ada",null,2.5,{"b64":"AAE="}]}"#,
            r#"{"end":true,"rows":1}"#,
        ];
        for text in lines {
            let line: Line = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_string(&line).unwrap(), text);
        }
        let Line::Row(row) = serde_json::from_str(lines[2]).unwrap() else {
            panic!("a row");
        };
        assert_eq!(row.r[3], Cell::Real(2.5));
        assert_eq!(row.r[4], Cell::Blob { b64: "AAE=".into() });
    }
}
