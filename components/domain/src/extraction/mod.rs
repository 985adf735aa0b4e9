//! What the engines located, as the app takes it: the checks a worker's layout must
//! pass before anything is written (`check`), how a person's correction keeps the
//! timing of the segments it left alone (`retime`), and the engines' own signals that
//! an extraction is likely wrong (`signals`).

pub mod check;
pub mod retime;
pub mod signals;
