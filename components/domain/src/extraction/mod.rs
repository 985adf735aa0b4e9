//! What the engines located, as the app takes it: the checks a worker's layout must
//! pass before anything is written (`check`), and how a person's correction keeps the
//! timing of the segments it left alone (`retime`).

pub mod check;
pub mod retime;
