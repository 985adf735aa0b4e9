//! Shape recognition for drawings: the $P point-cloud recognizer (Vatavu, Anthony &
//! Wobbrock, 2012) names what a set of strokes looks like, and `describe` turns the
//! answer into the text stored as the drawing's extraction.

mod cloud;
mod geometry;
mod templates;
#[cfg(test)]
mod tests;

use serde::Serialize;
use serde_json::Value as Json;

/// One input point tagged with the stroke it belongs to, as $P needs to resample each
/// stroke along its own path.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
    pub stroke: usize,
}

/// One pen-down-to-pen-up stroke, as (x, y) points in drawing order.
pub type Stroke = Vec<(f64, f64)>;

/// The best-matching shape and how closely it matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Match {
    pub shape: &'static str,
    /// In 0..=1, higher is better: `max(0, 1 - d/2)` for the $P distance `d`, the
    /// normalisation of the authors' original $P code (the tests' noisy drawings mostly
    /// score 0.4–0.9; an exact copy of a template scores 1).
    pub score: f64,
}

/// The shape classes the recognizer can answer with.
pub const SHAPES: &[&str] = &[
    "circle",
    "rectangle",
    "triangle",
    "line",
    "arrow",
    "star",
    "check",
];

/// The shape the strokes look most like; `None` for drawings with fewer than two points
/// or no extent (a dot, an empty canvas).
pub fn recognize(strokes: &[Stroke]) -> Option<Match> {
    let candidate = cloud::normalize(strokes)?;
    let mut best: Option<(&templates::Template, f64)> = None;
    for t in templates::all() {
        let so_far = best.map_or(f64::INFINITY, |(_, d)| d);
        let d = cloud::distance(&candidate, &t.cloud, so_far);
        if d < so_far {
            best = Some((t, d));
        }
    }
    best.map(|(t, d)| Match {
        shape: t.shape,
        score: (1.0 - d / 2.0).max(0.0),
    })
}

/// The drawing's extracted text, e.g. `shape: circle (0.91)`.
pub fn describe(m: &Match) -> String {
    format!("shape: {} ({:.2})", m.shape, m.score)
}

/// Validated strokes (compact JSON) as the recognizer's point lists.
pub fn stroke_points(strokes: &str) -> Vec<Stroke> {
    let parsed: Json = serde_json::from_str(strokes).unwrap_or(Json::Null);
    let point = |p: &Json| match p {
        Json::Array(a) => Some((a.first()?.as_f64()?, a.get(1)?.as_f64()?)),
        Json::Object(o) => Some((o.get("x")?.as_f64()?, o.get("y")?.as_f64()?)),
        _ => None,
    };
    parsed
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(Json::as_array)
                .map(|stroke| stroke.iter().filter_map(point).collect())
                .collect()
        })
        .unwrap_or_default()
}
