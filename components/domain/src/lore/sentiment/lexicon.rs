//! VADER's word lists: the embedded valence and emoji lexicons from vaderSentiment 3.3.2
//! (MIT, see `assets/VADER-LICENSE.txt`) and the reference implementation's booster,
//! negation and idiom tables.

use std::collections::HashMap;
use std::sync::OnceLock;

/// Mean rating increase for a booster word (Hutto & Gilbert, table 3).
pub const B_INCR: f64 = 0.293;
/// Mean rating decrease for a dampener word.
pub const B_DECR: f64 = -0.293;
/// Mean rating increase for an ALL-CAPS word among lower-case ones.
pub const C_INCR: f64 = 0.733;
/// The factor a negation applies to a valence.
pub const N_SCALAR: f64 = -0.74;

/// Word (lower case) → mean valence, from `vader_lexicon.txt`; a repeated word keeps its
/// last rating, as the reference's dictionary does.
pub fn valences() -> &'static HashMap<&'static str, f64> {
    static MAP: OnceLock<HashMap<&'static str, f64>> = OnceLock::new();
    MAP.get_or_init(|| {
        fields(include_str!("../../../assets/vader_lexicon.txt"))
            .filter_map(|(word, rating)| Some((word, rating.parse().ok()?)))
            .collect()
    })
}

/// Emoji → its text description, from `vader_emoji_lexicon.txt`. Only single-character
/// emoji are kept: the reference replaces emoji one character at a time.
pub fn emoji() -> &'static HashMap<char, &'static str> {
    static MAP: OnceLock<HashMap<char, &'static str>> = OnceLock::new();
    MAP.get_or_init(|| {
        fields(include_str!("../../../assets/vader_emoji_lexicon.txt"))
            .filter_map(|(key, description)| {
                let mut chars = key.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => Some((c, description)),
                    _ => None,
                }
            })
            .collect()
    })
}

/// The first two tab-separated fields of every non-blank line.
fn fields(text: &'static str) -> impl Iterator<Item = (&'static str, &'static str)> {
    text.lines().filter_map(|line| {
        let mut cols = line.trim().split('\t');
        Some((cols.next()?, cols.next()?))
    })
}

/// The intensity a booster or dampener (lower case, n-grams included) adds.
pub fn booster(word: &str) -> Option<f64> {
    match word {
        "absolutely" | "amazingly" | "awfully" | "completely" | "considerable" | "considerably"
        | "decidedly" | "deeply" | "effing" | "enormous" | "enormously" | "entirely"
        | "especially" | "exceptional" | "exceptionally" | "extreme" | "extremely"
        | "fabulously" | "flipping" | "flippin" | "frackin" | "fracking" | "fricking"
        | "frickin" | "frigging" | "friggin" | "fully" | "fuckin" | "fucking" | "fuggin"
        | "fugging" | "greatly" | "hella" | "highly" | "hugely" | "incredible" | "incredibly"
        | "intensely" | "major" | "majorly" | "more" | "most" | "particularly" | "purely"
        | "quite" | "really" | "remarkably" | "so" | "substantially" | "thoroughly" | "total"
        | "totally" | "tremendous" | "tremendously" | "uber" | "unbelievably" | "unusually"
        | "utter" | "utterly" | "very" => Some(B_INCR),
        "almost" | "barely" | "hardly" | "just enough" | "kind of" | "kinda" | "kindof"
        | "kind-of" | "less" | "little" | "marginal" | "marginally" | "occasional"
        | "occasionally" | "partly" | "scarce" | "scarcely" | "slight" | "slightly"
        | "somewhat" | "sort of" | "sorta" | "sortof" | "sort-of" => Some(B_DECR),
        _ => None,
    }
}

/// Whether a (lower-case) word negates what follows it.
pub fn negates(word: &str) -> bool {
    word.contains("n't")
        || matches!(
            word,
            "aint"
                | "arent"
                | "cannot"
                | "cant"
                | "couldnt"
                | "darent"
                | "didnt"
                | "doesnt"
                | "dont"
                | "hadnt"
                | "hasnt"
                | "havent"
                | "isnt"
                | "mightnt"
                | "mustnt"
                | "neither"
                | "neednt"
                | "never"
                | "none"
                | "nope"
                | "nor"
                | "not"
                | "nothing"
                | "nowhere"
                | "oughtnt"
                | "shant"
                | "shouldnt"
                | "uhuh"
                | "wasnt"
                | "werent"
                | "uh-uh"
                | "without"
                | "wont"
                | "wouldnt"
                | "rarely"
                | "seldom"
                | "despite"
        )
}

/// The fixed valence of a special-case phrase that contains lexicon words.
pub fn special_case(phrase: &str) -> Option<f64> {
    match phrase {
        "the shit" | "the bomb" | "to die for" => Some(3.0),
        "bad ass" | "badass" => Some(1.5),
        "bus stop" => Some(0.0),
        "yeah right" => Some(-2.0),
        "kiss of death" => Some(-1.5),
        "beating heart" => Some(3.5),
        _ => None,
    }
}
