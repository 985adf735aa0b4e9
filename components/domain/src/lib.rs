//! The training-data service's domain: everything the Spin components share, written
//! against small traits (`Db`) so it compiles and unit-tests natively.

pub mod activity_chain;
pub mod api;
pub mod auth;
pub mod clock;
pub mod config;
pub mod context;
pub mod db;
pub mod error;
pub mod export;
pub mod extraction;
pub mod hashing;
pub mod ledger;
pub mod lore;
pub mod media;
pub mod migrations;
pub mod proof;
pub mod quality;
pub mod redaction;
pub mod review;
pub mod router;
pub mod routes;
pub mod shapes;
pub mod signing;
pub mod store;
pub mod usecase;
pub mod web;

#[cfg(feature = "native-sqlite")]
pub mod native_sqlite;
