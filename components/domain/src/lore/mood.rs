//! The sentiment side of a profile: the mean VADER compound score of the user's texts
//! and the mood it reads as.

use super::sentiment::polarity_scores;
use serde::Serialize;

/// The user's texts in one figure.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SentimentSummary {
    /// Mean VADER compound score over the texts, -1..=1 (0 with no texts).
    pub mean_compound: f64,
    /// How many non-blank texts were scored.
    pub texts: usize,
    pub mood: Mood,
}

/// The mood a mean compound score reads as, using VADER's ±0.05 neutral band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mood {
    /// No texts yet.
    Silent,
    Radiant,
    Hopeful,
    Steady,
    Wistful,
    Stormy,
}

impl SentimentSummary {
    /// Scores every non-blank text and averages the compound scores.
    pub fn of(texts: &[String]) -> SentimentSummary {
        let scores: Vec<f64> = texts
            .iter()
            .filter(|t| !t.trim().is_empty())
            .map(|t| polarity_scores(t).compound)
            .collect();
        let mean = if scores.is_empty() {
            0.0
        } else {
            scores.iter().sum::<f64>() / scores.len() as f64
        };
        SentimentSummary {
            mean_compound: mean,
            texts: scores.len(),
            mood: Mood::of(mean, scores.len()),
        }
    }
}

impl Mood {
    fn of(mean: f64, texts: usize) -> Mood {
        match mean {
            _ if texts == 0 => Mood::Silent,
            m if m >= 0.5 => Mood::Radiant,
            m if m >= 0.05 => Mood::Hopeful,
            m if m > -0.05 => Mood::Steady,
            m if m > -0.5 => Mood::Wistful,
            _ => Mood::Stormy,
        }
    }

    /// The mood as a word.
    pub fn word(self) -> &'static str {
        match self {
            Mood::Silent => "silent",
            Mood::Radiant => "radiant",
            Mood::Hopeful => "hopeful",
            Mood::Steady => "steady",
            Mood::Wistful => "wistful",
            Mood::Stormy => "stormy",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(texts: &[&str]) -> SentimentSummary {
        SentimentSummary::of(&texts.iter().map(|t| t.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn no_texts_is_silent_and_zero() {
        let s = summary(&[]);
        assert_eq!((s.mean_compound, s.texts, s.mood), (0.0, 0, Mood::Silent));
        assert_eq!(
            summary(&["  ", ""]).mood,
            Mood::Silent,
            "blank texts do not count"
        );
    }

    #[test]
    fn averages_compound_scores() {
        let s = summary(&["The book was good.", "Today SUX!", " "]);
        assert_eq!(s.texts, 2);
        assert!((s.mean_compound - (0.4404 - 0.5461) / 2.0).abs() < 1e-12);
        assert_eq!(s.mood, Mood::Wistful);
    }

    #[test]
    fn moods_follow_the_thresholds() {
        assert_eq!(
            summary(&["VADER is smart, handsome, and funny."]).mood,
            Mood::Radiant
        );
        assert_eq!(summary(&["The book was good."]).mood, Mood::Hopeful);
        assert_eq!(summary(&["The sky is above the town."]).mood, Mood::Steady);
        assert_eq!(
            summary(&["VADER is not smart, handsome, nor funny."]).mood,
            Mood::Stormy
        );
    }
}
