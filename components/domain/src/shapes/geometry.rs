//! Stroke builders for the shapes the recognizer knows: the canonical templates and the
//! tests' noisy drawings are both made from these, with different parameters.

use super::Stroke;
use std::f64::consts::{PI, TAU};

/// Points per unit of length when a polyline is densified, so that segment lengths
/// (not vertex counts) decide how much of a shape each part contributes.
const DENSITY: f64 = 40.0;

/// An elliptical arc centred on the origin, from angle `start` sweeping `sweep`
/// radians (negative sweeps run clockwise), as `points` points.
pub fn ellipse(rx: f64, ry: f64, start: f64, sweep: f64, points: usize) -> Stroke {
    (0..points)
        .map(|i| {
            let a = start + sweep * i as f64 / (points - 1) as f64;
            (rx * a.cos(), ry * a.sin())
        })
        .collect()
}

/// The polyline through `vertices`, with points spread evenly along each segment.
pub fn polyline(vertices: &[(f64, f64)]) -> Stroke {
    let mut out = vec![vertices[0]];
    for pair in vertices.windows(2) {
        let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
        let steps = (((x1 - x0).hypot(y1 - y0) * DENSITY).ceil() as usize).max(1);
        out.extend((1..=steps).map(|k| {
            let t = k as f64 / steps as f64;
            (x0 + t * (x1 - x0), y0 + t * (y1 - y0))
        }));
    }
    out
}

/// The closed polyline around `vertices`, starting at vertex `start` and walking
/// forwards or backwards.
pub fn closed(vertices: &[(f64, f64)], start: usize, forwards: bool) -> Stroke {
    let n = vertices.len();
    let order: Vec<_> = (0..=n)
        .map(|k| {
            let i = if forwards { start + k } else { start + n - k };
            vertices[i % n]
        })
        .collect();
    polyline(&order)
}

/// The corners of a `w` × `h` rectangle centred on the origin, counter-clockwise.
pub fn rectangle(w: f64, h: f64) -> [(f64, f64); 4] {
    let (x, y) = (w / 2.0, h / 2.0);
    [(-x, -y), (x, -y), (x, y), (-x, y)]
}

/// The sides of a closed polygon as separate strokes, as people draw boxes edge by edge.
pub fn sides(vertices: &[(f64, f64)]) -> Vec<Stroke> {
    let n = vertices.len();
    (0..n)
        .map(|i| polyline(&[vertices[i], vertices[(i + 1) % n]]))
        .collect()
}

/// The one-stroke five-point star (pentagram) of radius 1, starting at vertex `start`.
pub fn star(start: usize, forwards: bool) -> Stroke {
    let tips: Vec<_> = (0..5)
        .map(|k| {
            let a = PI / 2.0 + TAU * (2 * k) as f64 / 5.0;
            (a.cos(), -a.sin())
        })
        .collect();
    closed(&tips, start, forwards)
}

/// A check mark: a short arm falling to the bottom point, then a long arm rising to the
/// right (y grows downwards, as on a screen).
pub fn check(short: f64, long: f64) -> Stroke {
    let rise = 50f64.to_radians();
    let fall = 45f64.to_radians();
    polyline(&[
        (-short * fall.cos(), -short * fall.sin()),
        (0.0, 0.0),
        (long * rise.cos(), -long * rise.sin()),
    ])
}

/// How an arrow's head is drawn: in the same stroke as the shaft, as one extra `>`
/// stroke, or as two separate barbs.
#[derive(Clone, Copy)]
pub enum Head {
    Joined,
    Chevron,
    Barbs,
}

/// A right-pointing arrow: a shaft of length 1 and a head of arm length `head` opening
/// at `spread` radians either side of the shaft.
pub fn arrow(head: f64, spread: f64, style: Head) -> Vec<Stroke> {
    let tip = (0.5, 0.0);
    let up = (0.5 - head * spread.cos(), -head * spread.sin());
    let down = (0.5 - head * spread.cos(), head * spread.sin());
    let tail = (-0.5, 0.0);
    match style {
        Head::Joined => vec![polyline(&[tail, tip, up, tip, down])],
        Head::Chevron => vec![polyline(&[tail, tip]), polyline(&[up, tip, down])],
        Head::Barbs => vec![
            polyline(&[tail, tip]),
            polyline(&[up, tip]),
            polyline(&[down, tip]),
        ],
    }
}

/// `strokes` rotated by `angle` radians about the origin.
pub fn rotate(strokes: &[Stroke], angle: f64) -> Vec<Stroke> {
    let (s, c) = angle.sin_cos();
    strokes
        .iter()
        .map(|st| {
            st.iter()
                .map(|&(x, y)| (x * c - y * s, x * s + y * c))
                .collect()
        })
        .collect()
}
