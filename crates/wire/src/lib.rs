//! Messages that cross the wire between the app and the native worker, typed once and
//! used on both sides (as the Fermyon long-running-jobs pattern's shared crate): the
//! app's handlers deserialize what the worker serializes, and the other way round.
//! `jobs` is the job protocol (its extractions carry a `layout`: timed segments and
//! words, word and line boxes), `snapshot` the database dump format, `witness` the
//! witness loop; `media` and `lifecycle` are the closed sets those messages name
//! (modalities and media types, statuses and states), each an enum whose serde name
//! is its only spelling (`names!`, which the app's own closed sets use too).

#[macro_use]
mod names;

pub mod jobs;
pub mod layout;
pub mod lifecycle;
pub mod media;
pub mod snapshot;
pub mod witness;
