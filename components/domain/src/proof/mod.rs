//! Proofs for contributions: encodings of a content hash, salted commitments, the
//! RFC 6962 Merkle log and its signed checkpoints.

pub mod checkpoint;
pub mod commitment;
pub mod encodings;
pub mod merkle;
pub mod tiles;
