//! The witness loop's messages: what `GET /api/witnesses` answers and what
//! `POST /api/witnesses/cosignatures` takes and answers.

use serde::{Deserialize, Serialize};

/// The checkpoint to have cosigned, and the witnesses to ask.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Targets {
    /// The checkpoint's tree size.
    pub tree_size: u64,
    /// The checkpoint as the log signed it (no cosignatures).
    pub checkpoint: String,
    /// The configured witnesses.
    pub witnesses: Vec<Target>,
}

/// One witness and how far it has cosigned this log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// The cosigner name.
    pub name: String,
    /// Its cosignature verifier key (type 0x04).
    pub verifier_key: String,
    /// Its submission prefix (`<url>/add-checkpoint`).
    pub url: String,
    /// The largest tree size it has cosigned here (0: none yet).
    pub cosigned_size: u64,
}

/// A cosignature a witness returned for the checkpoint of `tree_size`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cosignature {
    /// The witness's name.
    pub witness: String,
    /// The cosigned checkpoint's size.
    pub tree_size: u64,
    /// The signature line, `— <name> <base64>`.
    pub line: String,
}

/// A kept cosignature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stored {
    /// The witness's name.
    pub witness: String,
    /// The cosigned checkpoint's size.
    pub tree_size: u64,
    /// The cosignature's timestamp (POSIX seconds).
    pub signed_at: u64,
}
