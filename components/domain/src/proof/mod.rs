//! Proofs for contributions that are the app's own: encodings of a content hash (BIP-39
//! words, an Ethereum-style checksum, a UPC) and salted commitments. The log they go
//! into (Merkle tree, tiles, checkpoints, cosignatures) is the `tlog` crate.

pub mod commitment;
pub mod encodings;
