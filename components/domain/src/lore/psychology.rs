//! Colour psychology: reads a colour's hue, saturation and lightness as a colour family
//! with the traits popular colour psychology gives it, and a shade word.

use super::color::Hsl;
use serde::Serialize;

/// The colour families the lore speaks of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Red,
    Orange,
    Yellow,
    Green,
    Teal,
    Blue,
    Purple,
    Pink,
    Brown,
    Black,
    White,
    Gray,
}

/// How light and how saturated the colour is, in one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Shade {
    Pale,
    Deep,
    Muted,
    Vivid,
    Soft,
}

/// What a colour says about its chooser.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Reading {
    pub family: Family,
    pub shade: Shade,
    pub traits: &'static [&'static str],
}

/// The family, shade and traits of a colour.
pub fn read(c: Hsl) -> Reading {
    let family = family(c);
    Reading {
        family,
        shade: shade(c),
        traits: family.traits(),
    }
}

/// Near-greys by lightness first, then very dark and very light colours, then hue
/// bands, with dark oranges read as brown and light reds and magentas as pink.
fn family(c: Hsl) -> Family {
    let chroma = (1.0 - (2.0 * c.l - 1.0).abs()) * c.s;
    if chroma < 0.08 {
        return match c.l {
            l if l < 0.2 => Family::Black,
            l if l > 0.85 => Family::White,
            _ => Family::Gray,
        };
    }
    if c.l < 0.1 {
        return Family::Black;
    }
    if c.l > 0.95 {
        return Family::White;
    }
    match c.h {
        h if (10.0..65.0).contains(&h) && (c.l < 0.35 || (c.l < 0.45 && c.s < 0.6)) => {
            Family::Brown
        }
        h if !(15.0..345.0).contains(&h) => {
            if c.l >= 0.65 {
                Family::Pink
            } else {
                Family::Red
            }
        }
        h if h < 42.0 => Family::Orange,
        h if h < 70.0 => Family::Yellow,
        h if h < 160.0 => Family::Green,
        h if h < 195.0 => Family::Teal,
        h if h < 260.0 => Family::Blue,
        h if h < 290.0 => Family::Purple,
        _ if c.l >= 0.45 => Family::Pink,
        _ => Family::Purple,
    }
}

fn shade(c: Hsl) -> Shade {
    match (c.l, c.s) {
        (l, _) if l > 0.75 => Shade::Pale,
        (l, _) if l < 0.3 => Shade::Deep,
        (_, s) if s < 0.3 => Shade::Muted,
        (_, s) if s > 0.75 => Shade::Vivid,
        _ => Shade::Soft,
    }
}

impl Family {
    /// The family's name, as the story and prompt write it.
    pub fn name(self) -> &'static str {
        match self {
            Family::Red => "red",
            Family::Orange => "orange",
            Family::Yellow => "yellow",
            Family::Green => "green",
            Family::Teal => "teal",
            Family::Blue => "blue",
            Family::Purple => "purple",
            Family::Pink => "pink",
            Family::Brown => "brown",
            Family::Black => "black",
            Family::White => "white",
            Family::Gray => "gray",
        }
    }

    /// The traits colour psychology associates with the family.
    pub fn traits(self) -> &'static [&'static str] {
        match self {
            Family::Red => &["passion", "courage", "energy", "determination"],
            Family::Orange => &["enthusiasm", "creativity", "warmth", "adventure"],
            Family::Yellow => &["optimism", "curiosity", "joy", "clarity of mind"],
            Family::Green => &["growth", "harmony", "renewal", "patience"],
            Family::Teal => &["clarity", "healing", "calm focus", "independence"],
            Family::Blue => &["calm", "trust", "loyalty", "wisdom"],
            Family::Purple => &["imagination", "mystery", "ambition", "intuition"],
            Family::Pink => &["compassion", "playfulness", "tenderness", "hope"],
            Family::Brown => &["reliability", "resilience", "groundedness", "comfort"],
            Family::Black => &["power", "elegance", "discipline", "mystery"],
            Family::White => &["purity", "openness", "simplicity", "new beginnings"],
            Family::Gray => &["balance", "composure", "neutrality", "pragmatism"],
        }
    }
}

impl Shade {
    /// The shade as an adjective.
    pub fn word(self) -> &'static str {
        match self {
            Shade::Pale => "pale",
            Shade::Deep => "deep",
            Shade::Muted => "muted",
            Shade::Vivid => "vivid",
            Shade::Soft => "soft",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lore::color::parse;

    fn family_of(input: &str) -> Family {
        read(parse(input).unwrap().hsl()).family
    }

    #[test]
    fn palette_names_land_in_their_own_family() {
        let expect = [
            ("red", Family::Red),
            ("orange", Family::Orange),
            ("yellow", Family::Yellow),
            ("gold", Family::Yellow),
            ("green", Family::Green),
            ("lime", Family::Green),
            ("teal", Family::Teal),
            ("cyan", Family::Teal),
            ("blue", Family::Blue),
            ("navy", Family::Blue),
            ("purple", Family::Purple),
            ("pink", Family::Pink),
            ("candy-pink", Family::Pink),
            ("hot-pink", Family::Pink),
            ("brown", Family::Brown),
            ("black", Family::Black),
            ("white", Family::White),
            ("gray", Family::Gray),
        ];
        for (name, family) in expect {
            assert_eq!(family_of(name), family, "{name}");
        }
    }

    #[test]
    fn hex_colours_read_sensibly() {
        assert_eq!(family_of("#ff0000"), Family::Red);
        assert_eq!(family_of("#8b4513"), Family::Brown);
        assert_eq!(family_of("#ff00ff"), Family::Pink);
        assert_eq!(family_of("#4b0082"), Family::Purple);
        assert_eq!(family_of("#050510"), Family::Black);
        assert_eq!(family_of("#fdfdfd"), Family::White);
        assert_eq!(family_of("#777777"), Family::Gray);
    }

    #[test]
    fn shade_follows_lightness_then_saturation() {
        let shade_of = |s: &str| read(parse(s).unwrap().hsl()).shade;
        assert_eq!(shade_of("pink"), Shade::Pale);
        assert_eq!(shade_of("navy"), Shade::Deep);
        assert_eq!(shade_of("gray"), Shade::Muted);
        assert_eq!(shade_of("#ff0000"), Shade::Vivid);
        assert_eq!(shade_of("brown"), Shade::Muted);
    }

    #[test]
    fn every_family_has_traits() {
        let reading = read(parse("teal").unwrap().hsl());
        assert_eq!(reading.traits, Family::Teal.traits());
        assert_eq!(reading.family.name(), "teal");
    }
}
