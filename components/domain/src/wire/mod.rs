//! Messages that cross the wire between the app and the native worker, typed once and
//! used on both sides (as the Fermyon long-running-jobs pattern's shared crate): the
//! app's handlers deserialize what the worker serializes, and the other way round:
//! the job protocol (`jobs`), the snapshot format (`snapshot`) and the witness loop
//! (`witness`).

pub mod jobs;
pub mod snapshot;
pub mod witness;
