//! A user's lore profile: their colour read through colour psychology, their texts read
//! through VADER sentiment, and what is made from the two — an archetype, origin story,
//! powers and weaknesses (built in, or from Ollama) and a legible CSS theme.

pub mod color;
pub mod mood;
pub mod ollama;
pub mod psychology;
pub mod sentiment;
pub mod story;
pub mod theme;

use color::{ColorError, Hsl, Rgb};
use mood::SentimentSummary;
use psychology::Reading;
use serde::Serialize;
use theme::Theme;

/// Everything the generators need to know about a user.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    pub color: Rgb,
    pub hsl: Hsl,
    pub reading: Reading,
    pub sentiment: SentimentSummary,
}

/// A generated profile, from the built-in generator or from Ollama.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Generated {
    pub archetype: String,
    pub origin_story: String,
    pub powers: Vec<String>,
    pub weaknesses: Vec<String>,
}

/// Reads the colour and scores the texts; fails only on a colour it cannot parse.
pub fn analyse(color_input: &str, texts: &[String]) -> Result<Analysis, ColorError> {
    let color = color::parse(color_input)?;
    let hsl = color.hsl();
    Ok(Analysis {
        color,
        hsl,
        reading: psychology::read(hsl),
        sentiment: SentimentSummary::of(texts),
    })
}

/// The deterministic profile, used when no Ollama is configured or its reply is unusable.
pub fn builtin(analysis: &Analysis) -> Generated {
    story::generate(analysis)
}

/// The profile page's theme.
pub fn theme(analysis: &Analysis) -> Theme {
    Theme::from_color(analysis.color)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analyse_reads_colour_and_texts() {
        let texts = vec!["The book was good.".to_string(), "Today SUX!".to_string()];
        let a = analyse("Teal", &texts).unwrap();
        assert_eq!(a.color, Rgb::new(0x00, 0x89, 0x7b));
        assert_eq!(a.reading.family, psychology::Family::Teal);
        assert_eq!(a.sentiment.texts, 2);
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(json["color"], "#00897b");
        assert_eq!(json["reading"]["family"], "teal");
        assert_eq!(json["sentiment"]["mood"], "wistful");
    }

    #[test]
    fn analyse_rejects_an_unknown_colour() {
        let err = analyse("chartreuse-ish", &[]).unwrap_err();
        assert_eq!(err.input, "chartreuse-ish");
    }

    #[test]
    fn theme_follows_the_colour() {
        let a = analyse("#ff69b4", &[]).unwrap();
        assert_eq!(theme(&a), Theme::from_color(a.color));
    }
}
