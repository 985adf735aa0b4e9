//! A transparency log's pure parts, one C2SP spec (or RFC section) per module, free of
//! storage and HTTP so the app, the native worker and any verifier share one copy:
//! `merkle` (RFC 6962/9162 hashes, roots and proofs over any node source), `tiles`
//! (C2SP tlog-tiles paths, widths and entry bundles), `checkpoint` (C2SP tlog-checkpoint
//! bodies signed as C2SP signed-notes) and `cosignature` (C2SP tlog-cosignature witness
//! keys and lines). Every failure is a typed error enum.

pub mod checkpoint;
pub mod cosignature;
pub mod merkle;
pub mod tiles;
