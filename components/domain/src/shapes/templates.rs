//! The recognizer's template set: a few canonical drawings of every shape (directions,
//! starting points, stroke splits and orientations people commonly use), normalised once.

use super::cloud::{self, Cloud};
use super::geometry::{arrow, check, closed, ellipse, rectangle, rotate, sides, star, Head};
use super::Stroke;
use std::f64::consts::{FRAC_PI_4, PI, TAU};
use std::sync::OnceLock;

/// How far boxes and checks are tilted either way in the tilted templates: an askew
/// square otherwise sits closer to a circle than to an upright box, and an askew check
/// closer to a line.
const TILT: f64 = 0.2;

/// One normalised template and the shape it stands for.
pub struct Template {
    pub shape: &'static str,
    pub cloud: Cloud,
}

/// Every template, built and normalised on first use.
pub fn all() -> &'static [Template] {
    static TEMPLATES: OnceLock<Vec<Template>> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        drawings()
            .into_iter()
            .filter_map(|(shape, strokes)| {
                cloud::normalize(&strokes).map(|cloud| Template { shape, cloud })
            })
            .collect()
    })
}

/// The raw drawings behind the templates: circles and boxes at three aspect ratios (boxes
/// upright and tilted, in one stroke and in four), triangles in one stroke either way and
/// in three, lines every 22.5°, arrows in eight directions with small and large heads
/// drawn three ways, one-stroke stars, and upright and tilted checks.
fn drawings() -> Vec<(&'static str, Vec<Stroke>)> {
    let mut out = Vec::new();
    for aspect in [1.0, 1.6, 1.0 / 1.6] {
        for start in [0.0, PI] {
            for sweep in [TAU, -TAU] {
                out.push(("circle", vec![ellipse(aspect, 1.0, start, sweep, 64)]));
            }
        }
        for tilt in [0.0, TILT, -TILT] {
            let box_ = rotate(&sides(&rectangle(aspect, 1.0)), tilt);
            out.push(("rectangle", vec![box_.concat()]));
            out.push(("rectangle", box_));
        }
    }
    for aspect in [1.0, 1.4, 0.7] {
        let corners = [(0.0, -0.5), (aspect / 2.0, 0.5), (-aspect / 2.0, 0.5)];
        out.push(("triangle", sides(&corners)));
        for forwards in [true, false] {
            out.push(("triangle", vec![closed(&corners, 0, forwards)]));
        }
    }
    for k in 0..8 {
        let line = vec![(-0.5, 0.0), (0.5, 0.0)];
        out.push(("line", rotate(&[line], PI * k as f64 / 8.0)));
    }
    for k in 0..8 {
        for (head, spread) in [(0.3, 35f64), (0.2, 28.0)] {
            for style in [Head::Joined, Head::Chevron, Head::Barbs] {
                let drawn = arrow(head, spread.to_radians(), style);
                out.push(("arrow", rotate(&drawn, FRAC_PI_4 * k as f64)));
            }
        }
    }
    for start in [0, 2] {
        for forwards in [true, false] {
            out.push(("star", vec![star(start, forwards)]));
        }
    }
    for short in [0.35, 0.5] {
        for tilt in [0.0, TILT, -TILT] {
            out.push(("check", rotate(&[check(short, 1.0)], tilt)));
        }
    }
    out
}
