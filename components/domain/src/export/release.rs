//! A release's rows as its files read them: the live rows with the state the release
//! froze (text version, review, extraction, the personal data that counted), and the
//! hashes its manifest names (each row's jsonl line; its media as the hf files carry
//! it), computed by the same code that writes the files.

use super::hf::{exported_media, ExportedMedia};
use super::parquet::Media;
use super::{jsonl_lines, PageFindings, PiiPolicy, PiiSummary};
use crate::db::Db;
use crate::error::ApiError;
use crate::store::contributions::{self, Contribution};
use crate::store::release_rows::{self, ManifestLine, Pending};
use crate::store::text_versions;
use sha2::{Digest, Sha256};

/// The first version of the release format: the manifest's lines, the statement and
/// the release leaf.
pub const RELEASE_VERSION: &str = "tds-release/v1";

/// Up to `limit` of release `number`'s rows after contribution `after`, as frozen;
/// erased rows are left out.
pub fn page(
    db: &dyn Db,
    number: i64,
    after: i64,
    limit: usize,
    pending: Pending,
) -> Result<Vec<Contribution>, ApiError> {
    let frozen = release_rows::page(db, number, after, limit, pending)?;
    let ids: Vec<i64> = frozen.iter().map(|f| f.id).collect();
    let mut live = contributions::get_many(db, &ids)?;
    Ok(frozen
        .into_iter()
        .filter_map(|f| {
            let mut row = live.remove(&f.id)?;
            f.apply(&mut row);
            Some(row)
        })
        .collect())
}

/// The hashes of up to `limit` rows of release `number` the build has not hashed:
/// (contribution, SHA-256 of its jsonl line, SHA-256 of its media in the hf files).
pub fn hash_rows(
    db: &dyn Db,
    number: i64,
    policy: PiiPolicy,
    key: &[u8],
    limit: usize,
) -> Result<Vec<(i64, String, Option<String>)>, ApiError> {
    let mut rows = page(db, number, 0, limit, Pending::Unhashed)?;
    let found = PageFindings::frozen(db, number, &rows, policy)?;
    // One read of the layouts: the images are redacted by them, then the jsonl lines
    // carry them masked.
    let layouts = text_versions::current_layouts(db, &rows)?;
    found.mask_rows(&mut rows);
    let mut unused = PiiSummary::default();
    let mut media = Vec::with_capacity(rows.len());
    for row in &rows {
        media.push(match Media::of(row.modality.as_str()) {
            Some(kind) => {
                match exported_media(db, row, kind, &found, layouts.get(&row.id), &mut unused)? {
                    ExportedMedia::Kept { bytes, .. } => Some(sha256_hex(&bytes)),
                    ExportedMedia::Missing | ExportedMedia::LeftOut => None,
                }
            }
            None => None,
        });
    }
    let lines = jsonl_lines(&rows, layouts, &found, key);
    Ok(rows
        .iter()
        .zip(lines)
        .zip(media)
        .map(|((row, line), media)| (row.id, sha256_hex(line.as_bytes()), media))
        .collect())
}

/// Hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A manifest line: leaf index, commitment, row SHA-256 and media SHA-256 (`-`: none).
pub fn manifest_line(line: &ManifestLine) -> String {
    format!(
        "{} {} {} {}\n",
        line.leaf_index,
        line.commitment,
        line.row_sha256,
        line.media_sha256.as_deref().unwrap_or("-")
    )
}
