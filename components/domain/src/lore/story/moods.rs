//! What the user's mood brings to a story: epithets, a chapter of the origin, and the
//! power and weakness it adds.

use crate::lore::mood::Mood;

/// A mood's story material. Chapters may use `{texts}` ("one message", "3 messages").
pub struct MoodLore {
    pub epithets: &'static [&'static str],
    pub chapters: &'static [&'static str],
    pub powers: &'static [&'static str],
    pub weaknesses: &'static [&'static str],
}

/// The story material of `mood`.
pub fn lore(mood: Mood) -> &'static MoodLore {
    match mood {
        Mood::Silent => &SILENT,
        Mood::Radiant => &RADIANT,
        Mood::Hopeful => &HOPEFUL,
        Mood::Steady => &STEADY,
        Mood::Wistful => &WISTFUL,
        Mood::Stormy => &STORMY,
    }
}

const SILENT: MoodLore = MoodLore {
    epithets: &["Silent", "Unspoken", "Unwritten"],
    chapters: &[
        "They have not yet said a word aloud, and the silence around them hums like a held breath.",
        "No one has heard their voice yet; the story keeps a blank page open for it.",
        "Their first words are still unspoken, which makes every watcher lean a little closer.",
    ],
    powers: &[
        "Listen so closely that secrets surface",
        "Move without making a sound",
    ],
    weaknesses: &[
        "Nobody knows what they really think",
        "Waits too long to speak up",
    ],
};

const RADIANT: MoodLore = MoodLore {
    epithets: &["Radiant", "Jubilant", "Sunlit"],
    chapters: &[
        "Across {texts}, their words have glowed so warmly that listeners swear the air gets brighter.",
        "In {texts}, they have never once sounded defeated, and joy follows them like a second shadow.",
        "Carried through {texts}, their voice is the kind that makes strangers smile without knowing why.",
    ],
    powers: &["Spread joy like a contagion", "Shine brightest in the darkest hour"],
    weaknesses: &["Blind to bad news until it arrives", "Cannot stand a sulking room"],
};

const HOPEFUL: MoodLore = MoodLore {
    epithets: &["Hopeful", "Kindled", "Bright-Eyed"],
    chapters: &[
        "Across {texts}, their words lean toward the light, the way seedlings lean toward a window.",
        "Read together, {texts} from them sound like someone quietly sure that tomorrow will be better.",
        "In {texts}, a steady warmth runs through everything they say, never loud and never gone.",
    ],
    powers: &["Find a way forward when others give up", "Turn small wins into momentum"],
    weaknesses: &["Gives second chances too freely", "Underestimates how hard things will be"],
};

const STEADY: MoodLore = MoodLore {
    epithets: &["Steadfast", "Even-Keeled", "Level-Headed"],
    chapters: &[
        "Across {texts}, they sound calm and even, like someone who has seen storms pass before.",
        "Neither high nor low, their voice in {texts} keeps the measured pace of a long march.",
        "In {texts}, they have kept their feelings level, balanced like a blade on a fingertip.",
    ],
    powers: &[
        "Keep their head when others lose theirs",
        "Outlast any storm",
    ],
    weaknesses: &["Hard to rouse to action", "Mistaken for not caring"],
};

const WISTFUL: MoodLore = MoodLore {
    epithets: &["Wistful", "Rain-Touched", "Twilit"],
    chapters: &[
        "A gentle melancholy runs through {texts} of theirs, like rain heard from indoors.",
        "Across {texts}, they carry old sorrows lightly, the way a river carries fallen leaves.",
        "Something in {texts} of theirs remembers a loss, and that memory made them kinder.",
    ],
    powers: &[
        "Understand sorrow others hide",
        "Turn grief into quiet strength",
    ],
    weaknesses: &[
        "Dwells on what could have been",
        "Expects the worst before it comes",
    ],
};

const STORMY: MoodLore = MoodLore {
    epithets: &["Stormborn", "Tempest-Hearted", "Thunder-Tongued"],
    chapters: &[
        "Across {texts}, they crackle like a storm front, every word charged with lightning.",
        "Thunder rolls through {texts} of theirs; they have never been one to hide a hard truth.",
        "In {texts}, they have shown wild weather, and the wise give them room to blow through.",
    ],
    powers: &[
        "Call down thunder when truly angered",
        "Say the hard thing nobody else will",
    ],
    weaknesses: &[
        "Temper flares before thought arrives",
        "Leaves wreckage when the storm passes",
    ],
};
