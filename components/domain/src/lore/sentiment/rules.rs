//! VADER's word-order rules: the valence of one token given its neighbours (boosters,
//! ALL-CAPS emphasis, negation, "least", special idioms) and the contrastive "but".

use super::lexicon::{booster, negates, special_case, valences, C_INCR, N_SCALAR};

/// One text's tokens as written and in lower case, with whether only some are ALL CAPS.
pub struct Tokens {
    pub words: Vec<String>,
    pub lower: Vec<String>,
    pub cap_differential: bool,
}

impl Tokens {
    /// Splits on whitespace and strips surrounding punctuation from words, keeping
    /// tokens of two or fewer characters (emoticons such as `:)`) whole.
    pub fn new(text: &str) -> Tokens {
        let words: Vec<String> = text
            .split(is_python_space)
            .filter(|t| !t.is_empty())
            .map(|t| {
                let stripped = t.trim_matches(|c: char| c.is_ascii_punctuation());
                if stripped.chars().count() <= 2 {
                    t
                } else {
                    stripped
                }
                .to_string()
            })
            .collect();
        let caps = words.iter().filter(|w| is_upper(w)).count();
        Tokens {
            lower: words.iter().map(|w| w.to_lowercase()).collect(),
            cap_differential: caps > 0 && caps < words.len(),
            words,
        }
    }

    /// The valence of every token, after the "but" rule.
    pub fn sentiments(&self) -> Vec<f64> {
        let n = self.lower.len();
        let mut out: Vec<f64> = (0..n)
            .map(|i| {
                let kind_of = i + 1 < n && self.lower[i] == "kind" && self.lower[i + 1] == "of";
                if booster(&self.lower[i]).is_some() || kind_of {
                    0.0
                } else {
                    self.valence(i)
                }
            })
            .collect();
        self.but(&mut out);
        out
    }

    fn in_lexicon(&self, i: usize) -> bool {
        valences().contains_key(self.lower[i].as_str())
    }

    /// The valence of token `i` in context (the reference's `sentiment_valence`).
    fn valence(&self, i: usize) -> f64 {
        let l = &self.lower;
        let Some(&base) = valences().get(l[i].as_str()) else {
            return 0.0;
        };
        let mut valence = base;
        if l[i] == "no" && i + 1 < l.len() && self.in_lexicon(i + 1) {
            valence = 0.0;
        }
        if (i > 0 && l[i - 1] == "no")
            || (i > 1 && l[i - 2] == "no")
            || (i > 2 && l[i - 3] == "no" && (l[i - 1] == "or" || l[i - 1] == "nor"))
        {
            valence = base * N_SCALAR;
        }
        if self.cap_differential && is_upper(&self.words[i]) {
            valence += if valence > 0.0 { C_INCR } else { -C_INCR };
        }
        for back in 0..3 {
            if i > back && !self.in_lexicon(i - back - 1) {
                let s = self.scalar(i - back - 1, valence);
                valence += s * [1.0, 0.95, 0.9][back];
                valence = self.negation(valence, back, i);
                if back == 2 {
                    valence = self.idioms(valence, i);
                }
            }
        }
        self.least(valence, i)
    }

    /// What booster token `j` adds to a neighbour of valence `valence`.
    fn scalar(&self, j: usize, valence: f64) -> f64 {
        let Some(b) = booster(&self.lower[j]) else {
            return 0.0;
        };
        let mut scalar = if valence < 0.0 { -b } else { b };
        if self.cap_differential && is_upper(&self.words[j]) {
            scalar += if valence > 0.0 { C_INCR } else { -C_INCR };
        }
        scalar
    }

    /// Negation by the token `back + 1` places before `i` ("never so" and "without
    /// doubt" excepted).
    fn negation(&self, valence: f64, back: usize, i: usize) -> f64 {
        let l = &self.lower;
        let so_this = |w: &str| w == "so" || w == "this";
        match back {
            0 if negates(&l[i - 1]) => valence * N_SCALAR,
            1 if l[i - 2] == "never" && so_this(&l[i - 1]) => valence * 1.25,
            1 if l[i - 2] == "without" && l[i - 1] == "doubt" => valence,
            1 if negates(&l[i - 2]) => valence * N_SCALAR,
            2 if (l[i - 3] == "never" && so_this(&l[i - 2])) || so_this(&l[i - 1]) => {
                valence * 1.25
            }
            2 if l[i - 3] == "without" && (l[i - 2] == "doubt" || l[i - 1] == "doubt") => valence,
            2 if negates(&l[i - 3]) => valence * N_SCALAR,
            _ => valence,
        }
    }

    /// Special-case phrases around `i` (i ≥ 3) and booster n-grams before it.
    fn idioms(&self, mut valence: f64, i: usize) -> f64 {
        let l = &self.lower;
        let before = [
            format!("{} {}", l[i - 1], l[i]),
            format!("{} {} {}", l[i - 2], l[i - 1], l[i]),
            format!("{} {}", l[i - 2], l[i - 1]),
            format!("{} {} {}", l[i - 3], l[i - 2], l[i - 1]),
            format!("{} {}", l[i - 3], l[i - 2]),
        ];
        if let Some(v) = before.iter().find_map(|p| special_case(p)) {
            valence = v;
        }
        if i + 1 < l.len() {
            if let Some(v) = special_case(&format!("{} {}", l[i], l[i + 1])) {
                valence = v;
            }
        }
        if i + 2 < l.len() {
            if let Some(v) = special_case(&format!("{} {} {}", l[i], l[i + 1], l[i + 2])) {
                valence = v;
            }
        }
        for n_gram in [&before[3], &before[4], &before[2]] {
            valence += booster(n_gram).unwrap_or(0.0);
        }
        valence
    }

    /// "least" before a word negates it, except in "at least" and "very least".
    fn least(&self, valence: f64, i: usize) -> f64 {
        let l = &self.lower;
        let least = i > 0 && l[i - 1] == "least" && !self.in_lexicon(i - 1);
        let idiom = i > 1 && (l[i - 2] == "at" || l[i - 2] == "very");
        if least && !idiom {
            valence * N_SCALAR
        } else {
            valence
        }
    }

    /// Halves what comes before a "but" and boosts what follows by half. Replays the
    /// reference's lookup of each value by its first equal value, so repeated values
    /// are scaled exactly as vaderSentiment scales them.
    fn but(&self, sentiments: &mut [f64]) {
        let Some(at) = self.lower.iter().position(|w| w == "but") else {
            return;
        };
        for k in 0..sentiments.len() {
            let value = sentiments[k];
            let first = sentiments.iter().position(|&s| s == value).unwrap_or(k);
            if first < at {
                sentiments[first] = value * 0.5;
            } else if first > at {
                sentiments[first] = value * 1.5;
            }
        }
    }
}

/// Python's `str.isspace`, which `str.split()` splits on.
fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `str.isupper`: some cased letter, and none in lower case.
fn is_upper(word: &str) -> bool {
    let mut cased = false;
    for c in word.chars() {
        if c.is_lowercase() {
            return false;
        }
        cased |= c.is_uppercase();
    }
    cased
}
