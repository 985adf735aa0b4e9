//! Proofs for contributions: encodings of a content hash, salted commitments, the
//! RFC 6962 Merkle log, its tiles, its signed checkpoints and witnesses' cosignatures.

pub mod checkpoint;
pub mod commitment;
pub mod cosignature;
pub mod encodings;
pub mod merkle;
pub mod tiles;
