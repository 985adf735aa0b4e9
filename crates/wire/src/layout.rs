//! Where an extraction's text sits in its input: a transcript's timed segments and
//! words (with the language and the audio's length), or an image's word and line boxes.
//! The worker's engines fill it; the app checks it, keeps it with the text version and
//! exports it.

use serde::{Deserialize, Serialize};

/// A stretch of a transcript with its time. A person's correction keeps the time of a
/// segment whose text it did not change; an edited stretch has no time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// Start, in milliseconds from the beginning of the audio (`None`: edited, untimed).
    #[serde(default)]
    pub start_ms: Option<i64>,
    /// End, in milliseconds (`None`: edited, untimed).
    #[serde(default)]
    pub end_ms: Option<i64>,
    /// What was said.
    pub text: String,
    /// Mean probability of its tokens (0..=1), when the engine gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    /// The engine's probability that the stretch holds no speech (0..=1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_speech: Option<f64>,
}

/// A transcribed word with its time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimedWord {
    /// Start, in milliseconds.
    pub start_ms: i64,
    /// End, in milliseconds.
    pub end_ms: i64,
    /// The word.
    pub text: String,
    /// Its probability (0..=1), when the engine gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
}

/// A rectangle in image pixels: left, top, width, height.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rect {
    /// Left edge.
    pub x: i64,
    /// Top edge.
    pub y: i64,
    /// Width.
    pub w: i64,
    /// Height.
    pub h: i64,
}

/// A word found in an image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WordBox {
    /// Where it is.
    #[serde(flatten)]
    pub rect: Rect,
    /// The word.
    pub text: String,
    /// The engine's confidence (0..=1), when it gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    /// Which of `lines` it belongs to (an index).
    pub line: usize,
}

/// A line of text found in an image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineBox {
    /// Where it is.
    #[serde(flatten)]
    pub rect: Rect,
    /// Its words, joined by spaces.
    pub text: String,
}

/// Everything an extraction located, whichever kind of input it read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Layout {
    /// A transcript's segments, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segments: Option<Vec<Segment>>,
    /// A transcript's words, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub words: Option<Vec<TimedWord>>,
    /// The spoken or written language (a BCP 47 tag).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The audio's length, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_ms: Option<i64>,
    /// An image's words with their boxes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boxes: Option<Vec<WordBox>>,
    /// An image's lines with their boxes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<LineBox>>,
}

impl Layout {
    /// True when nothing was located.
    pub fn is_empty(&self) -> bool {
        *self == Layout::default()
    }
}
