//! A profile's CSS theme: a palette derived from the user's colour whose every
//! text/background pair meets WCAG 2.x contrast (4.5:1), rendered as custom properties
//! on `:root` plus the rules that use them.

use super::color::{Hsl, Rgb};
use serde::Serialize;
use std::fmt::Write;

/// The contrast every text colour keeps against every background it is used on (WCAG
/// 2.x level AA for body text).
pub const MIN_TEXT_CONTRAST: f64 = 4.5;

/// The contrast the accent keeps against the page, so buttons stay visible (WCAG 2.x
/// non-text contrast).
const MIN_ACCENT_CONTRAST: f64 = 3.0;

/// The palette of one profile page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Theme {
    /// A dark page, chosen for very dark colours.
    pub dark: bool,
    pub bg: Rgb,
    pub surface: Rgb,
    pub text: Rgb,
    pub muted: Rgb,
    pub accent: Rgb,
    pub accent_text: Rgb,
    pub border: Rgb,
    pub link: Rgb,
}

/// One text colour on one background, as a CSS rule of the theme uses them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pair {
    pub selector: &'static str,
    pub text: &'static str,
    pub background: &'static str,
    pub ratio: f64,
}

/// One rule of the stylesheet: its text colour, the background it sits on, whether it
/// paints that background, and any other declarations.
struct Rule {
    selector: &'static str,
    text: &'static str,
    on: &'static str,
    paints: bool,
    extra: &'static str,
}

/// The stylesheet's rules; `Theme::pairs` reads the same table, so every pair the CSS
/// uses is checked.
const RULES: &[Rule] = &[
    Rule {
        selector: "body",
        text: "text",
        on: "bg",
        paints: true,
        extra: "",
    },
    Rule {
        selector: ".card",
        text: "text",
        on: "surface",
        paints: true,
        extra: "border: 1px solid var(--border); border-radius: 8px; padding: 1rem;",
    },
    Rule {
        selector: "a",
        text: "link",
        on: "bg",
        paints: false,
        extra: "",
    },
    Rule {
        selector: ".card a",
        text: "link",
        on: "surface",
        paints: false,
        extra: "",
    },
    Rule {
        selector: ".muted",
        text: "muted",
        on: "bg",
        paints: false,
        extra: "",
    },
    Rule {
        selector: ".card .muted",
        text: "muted",
        on: "surface",
        paints: false,
        extra: "",
    },
    Rule {
        selector: ".button, button",
        text: "accent-text",
        on: "accent",
        paints: true,
        extra: "border: 0; border-radius: 6px; padding: 0.5em 1em;",
    },
];

/// WCAG 2.x relative luminance of an sRGB colour.
pub fn relative_luminance(c: Rgb) -> f64 {
    let linear = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(c.r) + 0.7152 * linear(c.g) + 0.0722 * linear(c.b)
}

/// WCAG 2.x contrast ratio of two colours, 1..=21, in either order.
pub fn contrast_ratio(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (relative_luminance(a), relative_luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

const BLACK: Rgb = Rgb::new(0, 0, 0);
const WHITE: Rgb = Rgb::new(255, 255, 255);

/// `fg`, made darker (or lighter) a step at a time until it has `min` contrast with
/// every colour in `against`; black or white, whichever contrasts more, if no step does.
fn legible(fg: Hsl, against: &[Rgb], min: f64, darker: bool) -> Rgb {
    let ok = |c: Rgb| against.iter().all(|&b| contrast_ratio(c, b) >= min);
    let mut l = fg.l;
    loop {
        let c = fg.with_lightness(l).rgb();
        if ok(c) {
            return c;
        }
        if (darker && l <= 0.0) || (!darker && l >= 1.0) {
            break;
        }
        l = if darker {
            (l - 0.01).max(0.0)
        } else {
            (l + 0.01).min(1.0)
        };
    }
    let worst = |c: Rgb| {
        against
            .iter()
            .map(|&b| contrast_ratio(c, b))
            .fold(f64::INFINITY, f64::min)
    };
    if worst(BLACK) >= worst(WHITE) {
        BLACK
    } else {
        WHITE
    }
}

impl Theme {
    /// The theme for a user's colour: a light page tinted with its hue (dark for very
    /// dark colours), the colour itself as the accent where it stands out enough, and
    /// text, muted text and links made legible on both page and cards.
    pub fn from_color(color: Rgb) -> Theme {
        let hsl = color.hsl();
        let dark = relative_luminance(color) < 0.05;
        let tint = Hsl {
            s: hsl.s.min(0.5),
            ..hsl
        };
        let quiet = Hsl {
            s: hsl.s.min(0.25),
            ..hsl
        };
        let (bg, surface, border) = if dark {
            (
                tint.with_lightness(0.08),
                tint.with_lightness(0.14),
                tint.with_lightness(0.3),
            )
        } else {
            (
                tint.with_lightness(0.95),
                tint.with_lightness(0.99),
                tint.with_lightness(0.8),
            )
        };
        let (bg, surface) = (bg.rgb(), surface.rgb());
        let pages = [bg, surface];
        let accent = legible(hsl, &[bg], MIN_ACCENT_CONTRAST, !dark);
        let accent_text = if contrast_ratio(BLACK, accent) >= contrast_ratio(WHITE, accent) {
            BLACK
        } else {
            WHITE
        };
        let (text, muted, link) = if dark {
            (
                quiet.with_lightness(0.93),
                quiet.with_lightness(0.75),
                hsl.with_lightness(hsl.l.max(0.72)),
            )
        } else {
            (
                quiet.with_lightness(0.12),
                quiet.with_lightness(0.38),
                hsl.with_lightness(hsl.l.min(0.4)),
            )
        };
        Theme {
            dark,
            bg,
            surface,
            text: legible(text, &pages, MIN_TEXT_CONTRAST, !dark),
            muted: legible(muted, &pages, MIN_TEXT_CONTRAST, !dark),
            accent,
            accent_text,
            border: border.rgb(),
            link: legible(link, &pages, MIN_TEXT_CONTRAST, !dark),
        }
    }

    /// Every custom property, by name.
    fn vars(&self) -> [(&'static str, Rgb); 8] {
        [
            ("bg", self.bg),
            ("surface", self.surface),
            ("text", self.text),
            ("muted", self.muted),
            ("accent", self.accent),
            ("accent-text", self.accent_text),
            ("border", self.border),
            ("link", self.link),
        ]
    }

    fn var(&self, name: &str) -> Rgb {
        self.vars()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map_or(BLACK, |(_, c)| c)
    }

    /// Every (text, background) pair the stylesheet uses, with its contrast ratio.
    pub fn pairs(&self) -> Vec<Pair> {
        RULES
            .iter()
            .map(|r| Pair {
                selector: r.selector,
                text: r.text,
                background: r.on,
                ratio: contrast_ratio(self.var(r.text), self.var(r.on)),
            })
            .collect()
    }

    /// The stylesheet: the palette as custom properties on `:root`, then the rules.
    pub fn css(&self) -> String {
        let scheme = if self.dark { "dark" } else { "light" };
        let mut css = format!(":root {{\n  color-scheme: {scheme};\n");
        for (name, c) in self.vars() {
            let _ = writeln!(css, "  --{name}: {c};");
        }
        css.push_str("}\n");
        for r in RULES {
            let _ = write!(css, "{} {{ color: var(--{});", r.selector, r.text);
            if r.paints {
                let _ = write!(css, " background: var(--{});", r.on);
            }
            if !r.extra.is_empty() {
                let _ = write!(css, " {}", r.extra);
            }
            css.push_str(" }\n");
        }
        css
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lore::color::{parse, NAMED};

    fn hex(s: &str) -> Rgb {
        parse(s).unwrap()
    }

    #[test]
    fn known_wcag_ratios() {
        assert!((contrast_ratio(BLACK, WHITE) - 21.0).abs() < 1e-9);
        assert!((contrast_ratio(WHITE, BLACK) - 21.0).abs() < 1e-9);
        assert!((contrast_ratio(hex("#777777"), WHITE) - 4.48).abs() < 0.005);
        assert!((contrast_ratio(hex("#767676"), WHITE) - 4.54).abs() < 0.005);
        assert_eq!(contrast_ratio(hex("#123456"), hex("#123456")), 1.0);
    }

    /// Every named colour, a sweep of hues × lightness × saturation, and the awkward
    /// ones: near-white, near-black, pure yellow, mid-grey.
    fn colours() -> Vec<Rgb> {
        let mut out: Vec<Rgb> = NAMED.iter().map(|&(_, c)| c).collect();
        for h in (0..360).step_by(15) {
            for l in [
                0.02, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.97, 0.995,
            ] {
                for s in [0.0, 0.3, 0.7, 1.0] {
                    out.push(
                        Hsl {
                            h: f64::from(h),
                            s,
                            l,
                        }
                        .rgb(),
                    );
                }
            }
        }
        for s in [
            "#ffff00", "#777777", "#fefefe", "#010101", "#808080", "#00ff00", "#0000ff",
        ] {
            out.push(hex(s));
        }
        out
    }

    #[test]
    fn every_pair_in_every_theme_is_legible() {
        let all = colours();
        for &c in &all {
            let theme = Theme::from_color(c);
            for p in theme.pairs() {
                assert!(p.ratio >= MIN_TEXT_CONTRAST, "{c}: {p:?} in {theme:?}");
            }
            assert!(
                contrast_ratio(theme.accent, theme.bg) >= MIN_ACCENT_CONTRAST,
                "{c}"
            );
        }
        println!("{} colours checked", all.len());
    }

    #[test]
    fn pairs_cover_every_colour_rule_in_the_css() {
        let theme = Theme::from_color(hex("teal"));
        let css = theme.css();
        let rules = css.lines().filter(|l| l.contains("color: var(--")).count();
        assert_eq!(rules, theme.pairs().len());
        let declared: Vec<_> = theme.vars().iter().map(|(n, _)| *n).collect();
        for p in theme.pairs() {
            assert!(
                declared.contains(&p.text) && declared.contains(&p.background),
                "{p:?}"
            );
            assert!(
                css.contains(&format!("{} {{ color: var(--{});", p.selector, p.text)),
                "{p:?}"
            );
        }
    }

    #[test]
    fn css_declares_every_property_on_root() {
        let theme = Theme::from_color(hex("#fdd835"));
        let css = theme.css();
        assert!(css.starts_with(":root {\n  color-scheme: light;\n"));
        for name in [
            "bg",
            "surface",
            "text",
            "muted",
            "accent",
            "accent-text",
            "border",
            "link",
        ] {
            assert!(css.contains(&format!("  --{name}: #")), "{name} in {css}");
        }
        assert!(css.contains(&format!("--bg: {};", theme.bg)));
    }

    #[test]
    fn very_dark_colours_get_a_dark_page_and_others_a_tinted_light_one() {
        let black = Theme::from_color(hex("black"));
        assert!(black.dark && black.css().contains("color-scheme: dark;"));
        assert!(relative_luminance(black.text) > 0.7);
        let blue = Theme::from_color(hex("blue"));
        assert!(!blue.dark);
        assert!(
            blue.bg.b > blue.bg.r,
            "the page is tinted with the hue: {}",
            blue.bg
        );
        assert_eq!(
            blue.accent,
            hex("blue"),
            "a legible colour is its own accent"
        );
    }
}
