//! What each colour family brings to a story: titles, homelands, elements, powers and
//! weaknesses.

use crate::lore::psychology::Family;

/// A family's story material.
pub struct FamilyLore {
    pub titles: &'static [&'static str],
    pub realms: &'static [&'static str],
    pub elements: &'static [&'static str],
    pub powers: &'static [&'static str],
    pub weaknesses: &'static [&'static str],
}

/// The story material of `family`.
pub fn lore(family: Family) -> &'static FamilyLore {
    match family {
        Family::Red => &RED,
        Family::Orange => &ORANGE,
        Family::Yellow => &YELLOW,
        Family::Green => &GREEN,
        Family::Teal => &TEAL,
        Family::Blue => &BLUE,
        Family::Purple => &PURPLE,
        Family::Pink => &PINK,
        Family::Brown => &BROWN,
        Family::Black => &BLACK,
        Family::White => &WHITE,
        Family::Gray => &GRAY,
    }
}

const RED: FamilyLore = FamilyLore {
    titles: &["Ember Knight", "Crimson Vanguard", "Flame Warden"],
    realms: &[
        "the Cinder Steppes",
        "a forge-city carved into a volcano",
        "the Scarlet Wastes",
    ],
    elements: &["embers", "wildfire", "molten iron"],
    powers: &[
        "Kindle courage in anyone within earshot",
        "Walk through fire unburned",
        "Turn anger into a shield of heat",
        "Charge faster than doubt can follow",
        "Read a rival's resolve at a glance",
        "Reignite a dying hearth with a word",
    ],
    weaknesses: &[
        "Charges in before the plan is finished",
        "Burns out after a long fight",
        "Cannot walk away from a dare",
        "Impatient with slow, careful work",
    ],
};

const ORANGE: FamilyLore = FamilyLore {
    titles: &["Sunset Trailblazer", "Amber Wayfarer", "Marigold Tinkerer"],
    realms: &[
        "the Harvest Dunes",
        "a caravan town that never stops moving",
        "the Copper Canyons",
    ],
    elements: &["sunset light", "desert wind", "burnished copper"],
    powers: &[
        "Find a path where maps show none",
        "Build a working gadget from pocket scraps",
        "Warm a frozen room with laughter",
        "Talk strangers into an adventure",
        "Glow brighter the longer the journey",
        "Sense the nearest open door",
    ],
    weaknesses: &[
        "Starts ten projects and finishes two",
        "Restless when nothing is happening",
        "Loses things in every town visited",
        "Promises more than a day can hold",
    ],
};

const YELLOW: FamilyLore = FamilyLore {
    titles: &["Dawn Scholar", "Sunbeam Herald", "Golden Riddler"],
    realms: &[
        "the Lantern Archives",
        "a meadow where the sun never fully sets",
        "the Citrine Spires",
    ],
    elements: &["morning light", "pollen storms", "spun gold"],
    powers: &[
        "Light up any dark place with an idea",
        "Solve a riddle by hearing it once",
        "Lift a crowd's spirits instantly",
        "See the bright side of any outcome",
        "Make any lesson unforgettable",
        "Spot the one clue everyone missed",
    ],
    weaknesses: &[
        "Distracted by every shiny question",
        "Overlooks real danger while staying upbeat",
        "Talks faster than others can follow",
        "Wilts on long grey days",
    ],
};

const GREEN: FamilyLore = FamilyLore {
    titles: &["Grove Keeper", "Verdant Mender", "Moss Ranger"],
    realms: &[
        "the Whispering Canopy",
        "a valley of terraced gardens",
        "the Fernlight Marsh",
    ],
    elements: &["new leaves", "river moss", "deep roots"],
    powers: &[
        "Make seeds sprout with a touch",
        "Mend what others have broken",
        "Speak with old trees",
        "Find calm in the middle of chaos",
        "Grow stronger with every season",
        "Track anything across any ground",
    ],
    weaknesses: &[
        "Slow to trust anything new",
        "Stubborn about the old ways",
        "Wilts far from open sky",
        "Waits too long to act",
    ],
};

const TEAL: FamilyLore = FamilyLore {
    titles: &["Tidewalker", "Lagoon Oracle", "Reef Navigator"],
    realms: &[
        "the Glass Lagoons",
        "a lighthouse at the edge of the charts",
        "the Coral Terraces",
    ],
    elements: &["tide pools", "sea glass", "cool currents"],
    powers: &[
        "Breathe beneath any water",
        "Heal small wounds with cool light",
        "Steer through any storm by instinct",
        "Hear the truth under spoken words",
        "Calm a panicked crowd",
        "Map a maze after walking it once",
    ],
    weaknesses: &[
        "Keeps others at arm's length",
        "Dislikes being rushed",
        "Goes quiet when it matters",
        "Homesick for the shore",
    ],
};

const BLUE: FamilyLore = FamilyLore {
    titles: &["Sky Sentinel", "Azure Sage", "Tide Guardian"],
    realms: &[
        "the Cloudreach Citadel",
        "a harbour city of blue-tiled roofs",
        "the Sapphire Deeps",
    ],
    elements: &["open sky", "deep water", "moonlit ice"],
    powers: &[
        "Stay calm when everyone else panics",
        "Hold any secret forever",
        "Summon a steadying rain",
        "See far across sea and sky",
        "Earn the trust of wary strangers",
        "Remember every promise ever made",
    ],
    weaknesses: &[
        "Overthinks every decision",
        "Carries other people's worries",
        "Hides feelings too well",
        "Slow to forgive a broken promise",
    ],
};

const PURPLE: FamilyLore = FamilyLore {
    titles: &["Twilight Seer", "Amethyst Dreamer", "Violet Conjurer"],
    realms: &[
        "the Dusk Observatory",
        "a city that only appears at twilight",
        "the Velvet Hollows",
    ],
    elements: &["starlight", "dream mist", "amethyst"],
    powers: &[
        "Walk through other people's dreams",
        "Glimpse a moment of the future",
        "Conjure illusions real enough to touch",
        "Inspire impossible ideas",
        "Read the mood of a room instantly",
        "Open doors that were never built",
    ],
    weaknesses: &[
        "Lost in thought at the worst moments",
        "Drawn to secrets that should stay buried",
        "Finds ordinary days unbearable",
        "Ambition outruns patience",
    ],
};

const PINK: FamilyLore = FamilyLore {
    titles: &["Blossom Champion", "Candy-Heart Bard", "Rosewind Healer"],
    realms: &[
        "the Petal Isles",
        "a festival town lit by paper lanterns",
        "the Sugarcloud Heights",
    ],
    elements: &["cherry blossom", "sugar glass", "rose light"],
    powers: &[
        "Turn enemies into friends with one song",
        "Heal hearts as well as wounds",
        "Make anyone laugh, even on their worst day",
        "Feel what others feel",
        "Grow courage out of kindness",
        "Throw a celebration out of nothing",
    ],
    weaknesses: &[
        "Cannot say no to someone in need",
        "Takes harsh words to heart",
        "Trusts too easily",
        "Avoids conflict until it boils over",
    ],
};

const BROWN: FamilyLore = FamilyLore {
    titles: &["Hearthstone Warden", "Oakbound Builder", "Earthen Steward"],
    realms: &[
        "the Oakroot Hills",
        "a village built inside a great tree",
        "the Clay Terraces",
    ],
    elements: &["river clay", "old oak", "warm bread"],
    powers: &[
        "Build shelter anywhere before nightfall",
        "Stand firm against any storm",
        "Make strangers feel at home",
        "Carry three times their own weight",
        "Remember every path ever walked",
        "Coax a harvest from stony ground",
    ],
    weaknesses: &[
        "Resists every change of plan",
        "Forgets to rest",
        "Underestimates their own worth",
        "Holds on to things long past their use",
    ],
};

const BLACK: FamilyLore = FamilyLore {
    titles: &["Night Sovereign", "Obsidian Shade", "Midnight Tactician"],
    realms: &[
        "the Obsidian Court",
        "a city of lamplit alleys and locked doors",
        "the Starless Reach",
    ],
    elements: &["shadow", "obsidian", "the quiet between stars"],
    powers: &[
        "Move unseen through any crowd",
        "Plan ten moves ahead",
        "Command a room without a word",
        "See clearly in total darkness",
        "Keep perfect composure under pressure",
        "Turn an opponent's strength against them",
    ],
    weaknesses: &[
        "Trusts almost no one",
        "Hard to read, even for friends",
        "Holds grudges in perfect detail",
        "Demands perfection from everyone",
    ],
};

const WHITE: FamilyLore = FamilyLore {
    titles: &["Dawnlight Pilgrim", "Snowfield Oracle", "Pearl Wanderer"],
    realms: &[
        "the Snowlit Plateau",
        "a monastery above the clouds",
        "the Salt Flats of Morning",
    ],
    elements: &["fresh snow", "first light", "sea foam"],
    powers: &[
        "Start over from any ending",
        "Clear a clouded mind with a word",
        "Reflect any attack back at its source",
        "Find the simple answer to a tangled problem",
        "Leave no trace behind",
        "Shine a light that reveals the truth",
    ],
    weaknesses: &[
        "Uneasy with mess and noise",
        "Keeps a distance that reads as coldness",
        "Sees everything as right or wrong",
        "Forgets to plan for bad days",
    ],
};

const GRAY: FamilyLore = FamilyLore {
    titles: &["Fog Diplomat", "Silver Arbiter", "Ashen Strategist"],
    realms: &[
        "the Fogbound Coast",
        "a stone city where every street is a compromise",
        "the Ashen Moors",
    ],
    elements: &["morning fog", "river stone", "quicksilver"],
    powers: &[
        "Broker peace between sworn enemies",
        "Blend into any setting",
        "Weigh both sides perfectly",
        "Stay unshaken through any upheaval",
        "Turn any argument into a plan",
        "Notice the detail that changes everything",
    ],
    weaknesses: &[
        "Struggles to choose a side",
        "Mistaken for indifferent",
        "Plays it safe for too long",
        "Forgets their own wishes",
    ],
};
