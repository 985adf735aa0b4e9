//! People in the loop. A row's text is a history of versions (`usecase::text`): what
//! the engine extracted, what a text contribution said, and every correction since;
//! the current one is what lists and exports show. Reviewers lease rows one at a time
//! (`queue`), accept or reject them once (`usecase::review`), and the word error rate
//! between the machine text and the accepted text (`wer`) measures the engines.
//!
//! None of this touches the row's content commitment or its Merkle leaf: those commit
//! to the contributed bytes, not to any text derived from them.

pub mod queue;
pub mod wer;
