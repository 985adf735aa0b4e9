//! VADER sentiment (Hutto & Gilbert, 2014), a faithful port of vaderSentiment 3.3.2 with
//! its lexicons embedded, so texts are scored inside the WASM component with no model
//! or server.

mod lexicon;
mod rules;
#[cfg(test)]
mod tests;

use rules::Tokens;
use serde::Serialize;

/// VADER's scores for one text, rounded as the reference rounds them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Scores {
    /// Share of the text that is negative, 0..=1 (3 decimals).
    pub neg: f64,
    /// Share of the text that is neutral, 0..=1 (3 decimals).
    pub neu: f64,
    /// Share of the text that is positive, 0..=1 (3 decimals).
    pub pos: f64,
    /// Normalised overall valence, -1 (most negative) ..= 1 (most positive), 4 decimals.
    pub compound: f64,
}

/// The VADER scores of `text`; all zeros for text with no words.
pub fn polarity_scores(text: &str) -> Scores {
    let text = describe_emoji(text);
    let text = text.trim();
    let sentiments = Tokens::new(text).sentiments();
    if sentiments.is_empty() {
        return Scores {
            neg: 0.0,
            neu: 0.0,
            pos: 0.0,
            compound: 0.0,
        };
    }
    let emphasis = punctuation_emphasis(text);
    let sum: f64 = sentiments.iter().sum();
    let compound = normalize(sum + emphasis * sign(sum));

    let mut pos: f64 = sentiments
        .iter()
        .filter(|&&s| s > 0.0)
        .map(|s| s + 1.0)
        .sum();
    let mut neg: f64 = sentiments
        .iter()
        .filter(|&&s| s < 0.0)
        .map(|s| s - 1.0)
        .sum();
    let neu = sentiments.iter().filter(|&&s| s == 0.0).count() as f64;
    if pos > neg.abs() {
        pos += emphasis;
    } else if pos < neg.abs() {
        neg -= emphasis;
    }
    let total = pos + neg.abs() + neu;
    Scores {
        neg: round(neg.abs() / total, 3),
        neu: round(neu / total, 3),
        pos: round(pos.abs() / total, 3),
        compound: round(compound, 4),
    }
}

/// Replaces every emoji with its description ("💘" → "heart with arrow").
fn describe_emoji(text: &str) -> String {
    let emoji = lexicon::emoji();
    let mut out = String::with_capacity(text.len());
    let mut after_space = true;
    for c in text.chars() {
        match emoji.get(&c) {
            Some(description) => {
                if !after_space {
                    out.push(' ');
                }
                out.push_str(description);
                after_space = false;
            }
            None => {
                out.push(c);
                after_space = c == ' ';
            }
        }
    }
    out
}

/// Emphasis from up to four "!" and from two or more "?".
fn punctuation_emphasis(text: &str) -> f64 {
    let bangs = text.matches('!').count().min(4) as f64 * 0.292;
    let questions = match text.matches('?').count() {
        n @ 2..=3 => n as f64 * 0.18,
        n if n > 3 => 0.96,
        _ => 0.0,
    };
    bangs + questions
}

fn sign(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// Maps a valence sum into -1..=1 (alpha 15 approximates the largest expected sum).
fn normalize(score: f64) -> f64 {
    (score / (score * score + 15.0).sqrt()).clamp(-1.0, 1.0)
}

/// Python's `round(x, places)`: half to even on the exact binary value, which Rust's
/// fixed-precision formatting also does.
fn round(x: f64, places: usize) -> f64 {
    format!("{x:.places$}").parse().unwrap_or(x)
}
