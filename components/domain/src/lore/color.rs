//! A user's colour: parses `#rgb`, `#rrggbb` or a palette name into RGB, and converts
//! between RGB and HSL for the psychology and theme steps.

use serde::{Serialize, Serializer};
use std::fmt;

/// An sRGB colour, written and serialised as `#rrggbb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

/// A colour as hue (degrees, 0..360), saturation and lightness (both 0..=1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Hsl {
    pub h: f64,
    pub s: f64,
    pub l: f64,
}

/// Input that is neither a hex colour nor a palette name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColorError {
    pub input: String,
}

/// The palette names users may pick instead of a hex code.
pub const NAMED: &[(&str, Rgb)] = &[
    ("red", Rgb::new(0xe5, 0x39, 0x35)),
    ("orange", Rgb::new(0xfb, 0x8c, 0x00)),
    ("yellow", Rgb::new(0xfd, 0xd8, 0x35)),
    ("gold", Rgb::new(0xff, 0xc1, 0x07)),
    ("green", Rgb::new(0x43, 0xa0, 0x47)),
    ("lime", Rgb::new(0x7c, 0xb3, 0x42)),
    ("teal", Rgb::new(0x00, 0x89, 0x7b)),
    ("cyan", Rgb::new(0x00, 0xac, 0xc1)),
    ("blue", Rgb::new(0x1e, 0x88, 0xe5)),
    ("navy", Rgb::new(0x1a, 0x23, 0x7e)),
    ("purple", Rgb::new(0x8e, 0x24, 0xaa)),
    ("pink", Rgb::new(0xf4, 0x8f, 0xb1)),
    ("candy-pink", Rgb::new(0xe4, 0x71, 0x7a)),
    ("hot-pink", Rgb::new(0xff, 0x69, 0xb4)),
    ("brown", Rgb::new(0x79, 0x55, 0x48)),
    ("black", Rgb::new(0x00, 0x00, 0x00)),
    ("white", Rgb::new(0xff, 0xff, 0xff)),
    ("gray", Rgb::new(0x80, 0x80, 0x80)),
];

/// Parses `#rgb` or `#rrggbb` (any case) or a palette name (any case; spaces or
/// underscores for hyphens; "grey" for "gray").
pub fn parse(input: &str) -> Result<Rgb, ColorError> {
    let key = input.trim().to_ascii_lowercase().replace([' ', '_'], "-");
    let found = match key.strip_prefix('#') {
        Some(hex) => from_hex(hex),
        None => {
            let name = if key == "grey" { "gray" } else { key.as_str() };
            NAMED.iter().find(|(n, _)| *n == name).map(|&(_, c)| c)
        }
    };
    found.ok_or_else(|| ColorError {
        input: input.to_string(),
    })
}

fn from_hex(hex: &str) -> Option<Rgb> {
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let digit = |i: usize| u8::from_str_radix(&hex[i..=i], 16).ok();
    match hex.len() {
        3 => Some(Rgb::new(digit(0)? * 17, digit(1)? * 17, digit(2)? * 17)),
        6 => Some(Rgb::new(
            digit(0)? * 16 + digit(1)?,
            digit(2)? * 16 + digit(3)?,
            digit(4)? * 16 + digit(5)?,
        )),
        _ => None,
    }
}

impl Rgb {
    /// A colour from its channels.
    pub const fn new(r: u8, g: u8, b: u8) -> Rgb {
        Rgb { r, g, b }
    }

    /// The colour as HSL.
    pub fn hsl(self) -> Hsl {
        let [r, g, b] = [self.r, self.g, self.b].map(|c| f64::from(c) / 255.0);
        let max = r.max(g).max(b);
        let min = r.min(g).min(b);
        let l = (max + min) / 2.0;
        let d = max - min;
        if d == 0.0 {
            return Hsl { h: 0.0, s: 0.0, l };
        }
        let s = d / (1.0 - (2.0 * l - 1.0).abs());
        let h = if max == r {
            60.0 * ((g - b) / d).rem_euclid(6.0)
        } else if max == g {
            60.0 * ((b - r) / d + 2.0)
        } else {
            60.0 * ((r - g) / d + 4.0)
        };
        Hsl { h, s, l }
    }
}

impl Hsl {
    /// The colour as RGB, each channel rounded to the nearest step.
    pub fn rgb(self) -> Rgb {
        let (s, l) = (self.s.clamp(0.0, 1.0), self.l.clamp(0.0, 1.0));
        let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
        let h = self.h.rem_euclid(360.0) / 60.0;
        let x = c * (1.0 - (h.rem_euclid(2.0) - 1.0).abs());
        let (r, g, b) = match h as u8 {
            0 => (c, x, 0.0),
            1 => (x, c, 0.0),
            2 => (0.0, c, x),
            3 => (0.0, x, c),
            4 => (x, 0.0, c),
            _ => (c, 0.0, x),
        };
        let m = l - c / 2.0;
        let channel = |v: f64| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
        Rgb::new(channel(r), channel(g), channel(b))
    }

    /// The same hue and saturation at lightness `l`.
    pub fn with_lightness(self, l: f64) -> Hsl {
        Hsl {
            l: l.clamp(0.0, 1.0),
            ..self
        }
    }
}

impl fmt::Display for Rgb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

impl Serialize for Rgb {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl fmt::Display for ColorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<_> = NAMED.iter().map(|(n, _)| *n).collect();
        write!(
            f,
            "unrecognised colour {:?}: use #rgb or #rrggbb (hex digits, any case) or one of: {}",
            self.input,
            names.join(", ")
        )
    }
}

impl std::error::Error for ColorError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_hex_in_both_lengths_and_any_case() {
        assert_eq!(parse("#FF8000"), Ok(Rgb::new(255, 128, 0)));
        assert_eq!(parse("#ff8000"), Ok(Rgb::new(255, 128, 0)));
        assert_eq!(parse(" #F80 "), Ok(Rgb::new(255, 136, 0)));
        assert_eq!(parse("#000"), Ok(Rgb::new(0, 0, 0)));
    }

    #[test]
    fn parses_every_palette_name_and_its_spellings() {
        for &(name, rgb) in NAMED {
            assert_eq!(parse(name), Ok(rgb));
            assert_eq!(parse(&name.to_uppercase().replace('-', " ")), Ok(rgb));
        }
        assert_eq!(parse("Candy_Pink"), parse("candy-pink"));
        assert_eq!(parse("grey"), parse("gray"));
    }

    #[test]
    fn rejects_anything_else_with_the_accepted_forms() {
        for bad in [
            "", "#", "#12", "#1234", "#12345g", "ff0000", "#ff00001", "mauve", "#+1f",
        ] {
            let err = parse(bad).unwrap_err();
            let message = err.to_string();
            assert!(message.contains("#rgb or #rrggbb"), "{message}");
            assert!(message.contains("candy-pink, hot-pink"), "{message}");
        }
    }

    #[test]
    fn hsl_round_trips_every_palette_colour() {
        for &(name, rgb) in NAMED {
            assert_eq!(rgb.hsl().rgb(), rgb, "{name}");
        }
        let red = Rgb::new(255, 0, 0).hsl();
        assert_eq!((red.h, red.s, red.l), (0.0, 1.0, 0.5));
        let teal = Rgb::new(0, 128, 128).hsl();
        assert!((teal.h - 180.0).abs() < 1e-9 && (teal.s - 1.0).abs() < 1e-9);
        assert_eq!(Rgb::new(0x80, 0x80, 0x80).hsl().s, 0.0);
    }

    #[test]
    fn serialises_as_hex() {
        let json = serde_json::to_string(&Rgb::new(0x1e, 0x88, 0xe5)).unwrap();
        assert_eq!(json, "\"#1e88e5\"");
    }
}
