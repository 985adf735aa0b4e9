//! SQL, one module per table: the only place each table's statements are written.

pub mod activity;
pub mod blobs;
pub mod contributions;
pub mod jobs;
pub mod lore;
pub mod merkle;
pub mod quality;
pub mod review_leases;
pub mod secrets;
pub mod snapshots;
pub mod text_versions;
pub mod users;
pub mod witnesses;
