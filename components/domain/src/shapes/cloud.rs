//! The $P point-cloud steps (Vatavu, Anthony & Wobbrock, 2012): resample the strokes to
//! `N` points, scale uniformly, translate to the centroid, and compare two clouds by
//! greedy weighted matching.

use super::{Point, Stroke};

/// Points per normalised cloud (the paper's n).
pub const N: usize = 32;

/// How many starting points the greedy matcher tries: every ⌊N^(1-ε)⌋-th point.
const EPSILON: f64 = 0.5;

/// A normalised cloud of exactly `N` points.
pub type Cloud = Vec<Point>;

/// The strokes as one normalised cloud; `None` when they hold fewer than two finite
/// points or have no length or extent to scale by.
pub fn normalize(strokes: &[Stroke]) -> Option<Cloud> {
    let points: Vec<Point> = strokes
        .iter()
        .enumerate()
        .flat_map(|(stroke, s)| s.iter().map(move |&(x, y)| Point { x, y, stroke }))
        .filter(|p| p.x.is_finite() && p.y.is_finite())
        .collect();
    if points.len() < 2 {
        return None;
    }
    let mut cloud = resample(&points)?;
    scale(&mut cloud)?;
    translate(&mut cloud);
    Some(cloud)
}

/// The $P distance between two normalised clouds: the smallest weighted greedy matching
/// over the tried starting points, in both directions. Matching stops early once it
/// cannot beat `best`, so the result is exact only when it is below `best`.
pub fn distance(a: &[Point], b: &[Point], mut best: f64) -> f64 {
    let step = (N as f64).powf(1.0 - EPSILON).floor() as usize;
    for start in (0..N).step_by(step) {
        best = best.min(cloud_distance(a, b, start, best));
        best = best.min(cloud_distance(b, a, start, best));
    }
    best
}

fn dist(a: Point, b: Point) -> f64 {
    (a.x - b.x).hypot(a.y - b.y)
}

/// `N` points evenly spaced along the strokes' combined path; jumps between strokes do
/// not count as path.
fn resample(points: &[Point]) -> Option<Cloud> {
    let length: f64 = points
        .windows(2)
        .filter(|w| w[0].stroke == w[1].stroke)
        .map(|w| dist(w[0], w[1]))
        .sum();
    if length <= 0.0 {
        return None;
    }
    let interval = length / (N - 1) as f64;
    let mut out = vec![points[0]];
    let mut walked = 0.0;
    let mut prev = points[0];
    for &p in &points[1..] {
        if p.stroke == prev.stroke {
            let mut d = dist(prev, p);
            while walked + d >= interval && out.len() < N {
                let t = (interval - walked) / d;
                let q = Point {
                    x: prev.x + t * (p.x - prev.x),
                    y: prev.y + t * (p.y - prev.y),
                    stroke: p.stroke,
                };
                out.push(q);
                prev = q;
                walked = 0.0;
                d = dist(prev, p);
            }
            walked += d;
        }
        prev = p;
    }
    // Rounding can leave the last point short.
    let last = points[points.len() - 1];
    out.resize(N, last);
    Some(out)
}

/// Scales to the unit box, keeping the aspect ratio.
fn scale(cloud: &mut [Point]) -> Option<()> {
    let (mut min_x, mut min_y) = (f64::INFINITY, f64::INFINITY);
    let (mut max_x, mut max_y) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
    for p in cloud.iter() {
        (min_x, max_x) = (min_x.min(p.x), max_x.max(p.x));
        (min_y, max_y) = (min_y.min(p.y), max_y.max(p.y));
    }
    let size = (max_x - min_x).max(max_y - min_y);
    if size <= 0.0 {
        return None;
    }
    for p in cloud.iter_mut() {
        p.x = (p.x - min_x) / size;
        p.y = (p.y - min_y) / size;
    }
    Some(())
}

/// Moves the centroid to the origin.
fn translate(cloud: &mut [Point]) {
    let n = cloud.len() as f64;
    let cx = cloud.iter().map(|p| p.x).sum::<f64>() / n;
    let cy = cloud.iter().map(|p| p.y).sum::<f64>() / n;
    for p in cloud.iter_mut() {
        p.x -= cx;
        p.y -= cy;
    }
}

/// Greedily matches every point of `a`, from `start` on, to its nearest unmatched point
/// of `b`; earlier matches weigh more (1 down to 1/N). Gives up once past `cutoff`.
fn cloud_distance(a: &[Point], b: &[Point], start: usize, cutoff: f64) -> f64 {
    let mut matched = [false; N];
    let mut sum = 0.0;
    for k in 0..N {
        let p = a[(start + k) % N];
        let (mut nearest, mut min) = (0, f64::INFINITY);
        for (j, &q) in b.iter().enumerate() {
            let d = (p.x - q.x).powi(2) + (p.y - q.y).powi(2);
            if !matched[j] && d < min {
                (nearest, min) = (j, d);
            }
        }
        matched[nearest] = true;
        sum += (1.0 - k as f64 / N as f64) * min.sqrt();
        if sum >= cutoff {
            break;
        }
    }
    sum
}
