//! People in the loop. A row's text is a history of versions (`usecase::text`): what
//! the engine extracted, what a text contribution said, and every correction since;
//! the current one is what lists and exports show. Reviewers lease rows one at a time
//! (`queue`) and accept or reject each once (`usecase::review`); their votes lead to a
//! state (`consensus`: validated, invalidated, or adjudication when accepts disagree on
//! the text), `agreement` measures how far reviewers agree (Krippendorff's alpha, and
//! per reviewer; `report` puts it together for the dashboard and the cleanup report),
//! and the word error rate between the machine text and the accepted
//! text (`wer`) measures the engines.
//!
//! None of this touches the row's content commitment or its Merkle leaf: those commit
//! to the contributed bytes, not to any text derived from them.

pub mod agreement;
pub mod consensus;
pub mod queue;
pub mod report;
pub mod wer;
