//! SQL, one module per table: the only place each table's statements are written.

pub mod activity;
pub mod blobs;
pub mod contributions;
pub mod jobs;
pub mod lore;
pub mod merkle;
pub mod quality;
pub mod secrets;
pub mod snapshots;
pub mod users;
pub mod witnesses;
