//! The flat export columns, one list for every tabular format: CSV writes them as
//! text, the `hf` bundle as typed Parquet columns (and its card lists them as
//! features). jsonl keeps its nested `extraction` object instead.

use super::pseudonym;
use crate::store::contributions::Contribution;

/// The values of one column, typed.
pub enum Values {
    /// A required integer.
    Int64(Vec<i64>),
    /// An optional string.
    Text(Vec<Option<String>>),
    /// An optional float.
    Float(Vec<Option<f64>>),
}

impl Values {
    /// The `datasets` dtype.
    pub fn dtype(&self) -> &'static str {
        match self {
            Values::Int64(_) => "int64",
            Values::Text(_) => "string",
            Values::Float(_) => "float64",
        }
    }

    /// Row `i` as CSV text (empty for null).
    pub fn text(&self, i: usize) -> String {
        match self {
            Values::Int64(v) => v[i].to_string(),
            Values::Text(v) => v[i].clone().unwrap_or_default(),
            Values::Float(v) => v[i].map(|f| f.to_string()).unwrap_or_default(),
        }
    }
}

/// The columns of `rows`, in file order. With no rows it still names every column,
/// which is how headers and the dataset card learn them.
pub fn of(rows: &[Contribution], key: &[u8]) -> Vec<(&'static str, Values)> {
    let text =
        |f: &dyn Fn(&Contribution) -> Option<String>| Values::Text(rows.iter().map(f).collect());
    vec![
        ("id", Values::Int64(rows.iter().map(|r| r.id).collect())),
        ("modality", text(&|r| Some(r.modality.to_string()))),
        ("text", text(&|r| r.extracted_text.clone())),
        (
            "text_source",
            text(&|r| r.text_source.map(|s| s.as_str().to_string())),
        ),
        (
            "review_state",
            text(&|r| Some(r.review_state.as_str().to_string())),
        ),
        (
            "review_votes",
            Values::Int64(rows.iter().map(|r| r.review_votes).collect()),
        ),
        ("created_at", text(&|r| Some(r.created_at.clone()))),
        ("content_hash", text(&|r| Some(r.content_hash.clone()))),
        ("commitment", text(&|r| r.commitment.clone())),
        ("extraction_engine", text(&|r| r.extraction_engine.clone())),
        ("extraction_model", text(&|r| r.extraction_model.clone())),
        (
            "extraction_confidence",
            Values::Float(rows.iter().map(|r| r.extraction_confidence).collect()),
        ),
        (
            "user",
            text(&|r| pseudonym(key, r.user_id).as_str().map(str::to_string)),
        ),
        ("metadata", text(&|r| Some(r.metadata.clone()))),
    ]
}
