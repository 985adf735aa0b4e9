//! SQL, one module per table: the only place each table's statements are written.

pub mod activity;
pub mod blobs;
pub mod campaigns;
pub mod client_events;
pub mod contributions;
pub mod imports;
pub mod invitations;
pub mod jobs;
pub mod lore;
pub mod merkle;
pub mod pii_findings;
pub mod quality;
pub mod release_pii;
pub mod release_rows;
pub mod release_withdrawals;
pub mod releases;
pub mod review_leases;
pub mod review_votes;
pub mod secrets;
pub mod snapshots;
pub mod text_versions;
pub mod users;
pub mod witnesses;

/// The SQL that sets the text column `column` to filler of the same byte length
/// (`0`s), so SQLite rewrites the record in place and the old bytes leave the page
/// even where `secure_delete` is refused; erasures run it before clearing or deleting.
pub fn same_size_filler(column: &str) -> String {
    format!("{column} = substr(hex(zeroblob(length(CAST({column} AS BLOB)))), 1, length(CAST({column} AS BLOB)))")
}
