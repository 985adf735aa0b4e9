//! The built-in lore generator: composes an archetype, a multi-sentence origin story,
//! powers and weaknesses from the colour reading and the mood, choosing among template
//! pools by a hash of the inputs, so the same inputs always tell the same story.

mod families;
mod moods;

use super::{Analysis, Generated};

/// First sentences. Slots: `{realm}`, `{shade}`, `{family}`, `{element}`, `{hex}`.
const OPENINGS: &[&str] = &[
    "Born in {realm}, where the light is always a {shade} {family}, they learned early that a colour can be a promise.",
    "The old songs say they stepped out of {realm} on the day the sky turned {hex}.",
    "They grew up at the edge of {realm}, collecting {element} the way other children collect pebbles.",
    "Long before anyone knew their name, they were a spark of {shade} {family} drifting through {realm}.",
];

/// Character sentences. Slots: `{trait1}`, `{trait2}`.
const CHARACTER: &[&str] = &[
    "Those who travelled with them spoke first of their {trait1}, and later, more quietly, of their {trait2}.",
    "Their teachers saw {trait1} in them early; {trait2} came later, and cost more.",
    "Wherever they went, they left behind stories of {trait1} and {trait2}.",
];

/// Discovery sentences. Slots: `{power}` (a verb phrase), `{element}`.
const DISCOVERIES: &[&str] = &[
    "The day everything changed, {element} answered their call, and they learned they could {power}.",
    "It was during a long night among {element} that they first found they could {power}.",
    "No one taught them to {power}; it simply happened, the way {element} happens.",
];

/// Last sentences. Slots: `{title}` (the archetype without its "The"), `{element}`.
const CLOSINGS: &[&str] = &[
    "Today the {title} walks on, carrying {element} wherever the road bends.",
    "They are called the {title} now, and their story is far from finished.",
    "Some call them the {title}; they simply call it being themselves.",
];

/// The deterministic story for an analysis.
pub fn generate(a: &Analysis) -> Generated {
    let family = families::lore(a.reading.family);
    let mood = moods::lore(a.sentiment.mood);
    let mut dice = Dice::new(&format!(
        "{}|{}|{:.3}",
        a.color, a.sentiment.texts, a.sentiment.mean_compound
    ));

    let title = format!("{} {}", dice.pick(mood.epithets), dice.pick(family.titles));
    let (more_powers, more_weaknesses) = (dice.below(3), dice.below(3));
    let mut powers = dice.choose(family.powers, 2 + more_powers);
    powers.push(dice.pick(mood.powers));
    let mut weaknesses = dice.choose(family.weaknesses, 1 + more_weaknesses);
    weaknesses.push(dice.pick(mood.weaknesses));

    let traits = dice.choose(a.reading.traits, 2);
    let element = dice.pick(family.elements);
    let texts = match a.sentiment.texts {
        1 => "one message".to_string(),
        n => format!("{n} messages"),
    };
    let story = [
        dice.pick(OPENINGS),
        dice.pick(CHARACTER),
        dice.pick(mood.chapters),
        dice.pick(DISCOVERIES),
        dice.pick(CLOSINGS),
    ]
    .join(" ");
    let origin_story = fill(
        &story,
        &[
            ("{realm}", dice.pick(family.realms)),
            ("{shade}", a.reading.shade.word()),
            ("{family}", a.reading.family.name()),
            ("{element}", element),
            ("{hex}", &a.color.to_string()),
            ("{trait1}", traits[0]),
            ("{trait2}", traits[1]),
            ("{texts}", &texts),
            ("{power}", &lower_first(powers[0])),
            ("{title}", &title),
        ],
    );
    Generated {
        archetype: format!("The {title}"),
        origin_story,
        powers: powers.into_iter().map(String::from).collect(),
        weaknesses: weaknesses.into_iter().map(String::from).collect(),
    }
}

fn fill(template: &str, slots: &[(&str, &str)]) -> String {
    slots.iter().fold(template.to_string(), |s, (slot, value)| {
        s.replace(slot, value)
    })
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map_or(String::new(), |c| c.to_lowercase().chain(chars).collect())
}

/// Choices seeded from a hash of the inputs (FNV-1a, then splitmix64).
struct Dice(u64);

impl Dice {
    fn new(key: &str) -> Dice {
        let hash = key.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        Dice(hash)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// `k` distinct items, in the order drawn.
    fn choose<'a>(&mut self, items: &[&'a str], k: usize) -> Vec<&'a str> {
        let mut pool = items.to_vec();
        (0..k.min(pool.len()))
            .map(|_| pool.swap_remove(self.below(pool.len())))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::lore::{analyse, builtin};

    fn story(color: &str, texts: &[&str]) -> crate::lore::Generated {
        let texts: Vec<String> = texts.iter().map(|t| t.to_string()).collect();
        builtin(&analyse(color, &texts).unwrap())
    }

    #[test]
    fn same_inputs_tell_the_same_story() {
        let texts = ["The book was good.", "Today SUX!"];
        assert_eq!(story("#1e88e5", &texts), story("#1E88E5", &texts));
        assert_eq!(story("blue", &texts), story("#1e88e5", &texts));
    }

    #[test]
    fn stories_have_the_promised_shape() {
        for color in [
            "red",
            "teal",
            "#777",
            "black",
            "white",
            "candy-pink",
            "#8b4513",
        ] {
            for texts in [
                &[][..],
                &["I love this!"][..],
                &["awful", "terrible day", "ok"][..],
            ] {
                let g = story(color, texts);
                assert!(g.archetype.starts_with("The "), "{g:?}");
                assert!((3..=5).contains(&g.powers.len()), "{g:?}");
                assert!((2..=4).contains(&g.weaknesses.len()), "{g:?}");
                let sentences = g.origin_story.matches(". ").count() + 1;
                assert!(sentences >= 5, "{}", g.origin_story);
                assert!(
                    !g.origin_story.contains('{'),
                    "unfilled slot: {}",
                    g.origin_story
                );
                let mut powers = g.powers.clone();
                powers.dedup();
                assert_eq!(powers.len(), g.powers.len());
            }
        }
    }

    #[test]
    fn different_colours_and_moods_tell_different_stories() {
        let happy = ["What a wonderful, happy day!"];
        let sad = ["This is awful and I hate it."];
        let red_happy = story("red", &happy);
        let blue_happy = story("blue", &happy);
        let red_sad = story("red", &sad);
        let red_silent = story("red", &[]);
        assert_ne!(red_happy.origin_story, blue_happy.origin_story);
        assert_ne!(red_happy.powers, blue_happy.powers);
        assert_ne!(red_happy.origin_story, red_sad.origin_story);
        assert_ne!(red_happy.archetype, red_sad.archetype);
        assert!(
            red_silent.origin_story.contains("not yet said a word")
                || red_silent.origin_story.contains("voice yet")
                || red_silent.origin_story.contains("still unspoken")
        );
        println!("{red_happy:#?}\n{red_sad:#?}\n{blue_happy:#?}\n{red_silent:#?}");
    }

    #[test]
    fn many_colours_give_many_stories() {
        let stories: std::collections::HashSet<String> = (0..36)
            .map(|i| story(&format!("#{:02x}{:02x}80", i * 7, 255 - i * 7), &["fine"]).origin_story)
            .collect();
        assert!(
            stories.len() >= 30,
            "only {} distinct stories",
            stories.len()
        );
    }
}
