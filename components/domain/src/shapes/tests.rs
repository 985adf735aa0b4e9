//! Recognizer tests: accuracy on a seeded set of noisy, human-like drawings of every
//! shape, degenerate input, and the stored description.

use super::geometry::{
    arrow, check, closed, ellipse, polyline, rectangle, rotate, sides, star, Head,
};
use super::{describe, recognize, Match, Stroke, SHAPES};
use std::f64::consts::{FRAC_PI_2, PI, TAU};

/// xorshift64*: a tiny deterministic generator, so the test set never changes.
struct Rng(u64);

impl Rng {
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize % n
    }
    fn coin(&mut self) -> bool {
        self.unit() < 0.5
    }
}

/// A clean drawing of `shape` with random proportions, start point and stroke split.
fn clean(shape: &str, rng: &mut Rng) -> Vec<Stroke> {
    match shape {
        "circle" => {
            let sweep = rng.range(0.93, 1.07) * if rng.coin() { TAU } else { -TAU };
            let aspect = rng.range(0.8, 1.25);
            vec![ellipse(aspect, 1.0, rng.range(0.0, TAU), sweep, 80)]
        }
        "rectangle" => {
            let corners = rectangle(rng.range(0.6, 1.7), 1.0);
            if rng.coin() {
                sides(&corners)
            } else {
                vec![closed(&corners, rng.below(4), rng.coin())]
            }
        }
        "triangle" => {
            let (w, apex) = (rng.range(0.8, 1.3), rng.range(-0.15, 0.15));
            let corners = [(apex, -0.5), (w / 2.0, 0.5), (-w / 2.0, 0.5)];
            if rng.coin() {
                sides(&corners)
            } else {
                vec![closed(&corners, rng.below(3), rng.coin())]
            }
        }
        "line" => rotate(&[polyline(&[(-0.5, 0.0), (0.5, 0.0)])], rng.range(0.0, PI)),
        "arrow" => {
            let head = [Head::Joined, Head::Chevron, Head::Barbs][rng.below(3)];
            let spread = rng.range(25.0, 45.0).to_radians();
            let drawn = arrow(rng.range(0.2, 0.35), spread, head);
            rotate(&drawn, FRAC_PI_2 * rng.below(4) as f64)
        }
        "star" => vec![star(rng.below(5), rng.coin())],
        "check" => vec![check(rng.range(0.3, 0.55), 1.0)],
        other => panic!("no generator for {other}"),
    }
}

/// `drawing` as a person's input: tilted up to ±15°, scaled and moved anywhere, strokes
/// in any order and direction, sampled unevenly at any density, with 3% jitter.
fn noisy(drawing: Vec<Stroke>, rng: &mut Rng) -> Vec<Stroke> {
    let mut strokes = rotate(&drawing, rng.range(-15.0, 15.0).to_radians());
    if rng.coin() {
        strokes.reverse();
    }
    let (size, dx, dy) = (
        rng.range(20.0, 400.0),
        rng.range(-500.0, 500.0),
        rng.range(-500.0, 500.0),
    );
    let density = rng.range(8.0, 60.0);
    strokes
        .into_iter()
        .map(|mut s| {
            if rng.coin() {
                s.reverse();
            }
            sample(&s, density, rng)
                .into_iter()
                .map(|(x, y)| {
                    let jx = rng.range(-0.03, 0.03);
                    let jy = rng.range(-0.03, 0.03);
                    ((x + jx) * size + dx, (y + jy) * size + dy)
                })
                .collect()
        })
        .collect()
}

/// About `density` points per unit of length along `stroke`, unevenly spaced as a
/// hand's changing speed spaces them; the end points are kept.
fn sample(stroke: &[(f64, f64)], density: f64, rng: &mut Rng) -> Stroke {
    let mut at = vec![0.0];
    for w in stroke.windows(2) {
        at.push(at[at.len() - 1] + (w[1].0 - w[0].0).hypot(w[1].1 - w[0].1));
    }
    let length = at[at.len() - 1];
    let k = ((length * density) as usize).max(2);
    (0..k)
        .map(|i| {
            let wobble = if i == 0 || i == k - 1 {
                0.0
            } else {
                rng.range(-0.4, 0.4)
            };
            let target = length * ((i as f64 + wobble) / (k - 1) as f64);
            let seg = at
                .partition_point(|&a| a < target)
                .clamp(1, stroke.len() - 1);
            let span = at[seg] - at[seg - 1];
            let t = if span > 0.0 {
                (target - at[seg - 1]) / span
            } else {
                0.0
            };
            let ((x0, y0), (x1, y1)) = (stroke[seg - 1], stroke[seg]);
            (x0 + t * (x1 - x0), y0 + t * (y1 - y0))
        })
        .collect()
}

#[test]
fn recognizes_noisy_drawings_of_every_shape() {
    const SAMPLES: usize = 100;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut failures = Vec::new();
    for &shape in SHAPES {
        let mut right = 0;
        let mut confusions = Vec::new();
        for _ in 0..SAMPLES {
            let drawing = noisy(clean(shape, &mut rng), &mut rng);
            let got = recognize(&drawing).expect("a drawing has extent");
            assert!((0.0..=1.0).contains(&got.score), "{got:?}");
            if got.shape == shape {
                right += 1;
            } else {
                confusions.push(got.shape);
            }
        }
        let accuracy = right as f64 / SAMPLES as f64;
        println!("{shape:>10}: {:5.1}% {confusions:?}", accuracy * 100.0);
        if accuracy < 0.95 {
            failures.push(shape);
        }
    }
    assert!(failures.is_empty(), "below 95%: {failures:?}");
}

#[test]
fn recognition_is_fast() {
    let mut rng = Rng(7);
    let drawings: Vec<_> = (0..70)
        .map(|i| noisy(clean(SHAPES[i % SHAPES.len()], &mut rng), &mut rng))
        .collect();
    recognize(&drawings[0]);
    let start = std::time::Instant::now();
    for d in &drawings {
        recognize(d);
    }
    let each = start.elapsed() / drawings.len() as u32;
    println!("one recognition: {each:?}");
    if !cfg!(debug_assertions) {
        assert!(each.as_millis() < 10, "{each:?}");
    }
}

#[test]
fn every_template_is_a_listed_shape() {
    assert!(super::templates::all()
        .iter()
        .all(|t| SHAPES.contains(&t.shape)));
}

#[test]
fn degenerate_input_has_no_shape() {
    let dot = vec![(3.0, 4.0)];
    assert_eq!(recognize(&[]), None);
    assert_eq!(recognize(&[vec![]]), None);
    assert_eq!(recognize(std::slice::from_ref(&dot)), None);
    assert_eq!(recognize(&[vec![(3.0, 4.0), (3.0, 4.0)]]), None);
    assert_eq!(
        recognize(&[dot, vec![(9.0, 9.0)]]),
        None,
        "dots have no path"
    );
    assert_eq!(
        recognize(&[vec![(f64::NAN, 1.0), (2.0, f64::INFINITY)]]),
        None
    );
}

#[test]
fn a_stray_non_finite_point_is_ignored() {
    let mut line = polyline(&[(0.0, 0.0), (10.0, 10.0)]);
    line.insert(3, (f64::NAN, 0.0));
    assert_eq!(recognize(&[line]).map(|m| m.shape), Some("line"));
}

#[test]
fn a_copy_of_a_template_scores_one_and_scale_does_not_matter() {
    let small = ellipse(1.0, 1.0, 0.0, TAU, 64);
    let big: Stroke = small
        .iter()
        .map(|&(x, y)| (x * 300.0 + 7.0, y * 300.0 - 2.0))
        .collect();
    for circle in [small, big] {
        let m = recognize(&[circle]).unwrap();
        assert_eq!(m.shape, "circle");
        assert!(m.score > 0.999, "{m:?}");
    }
}

#[test]
fn describe_rounds_to_two_decimals() {
    let m = Match {
        shape: "circle",
        score: 0.9137,
    };
    assert_eq!(describe(&m), "shape: circle (0.91)");
    let m = Match {
        shape: "star",
        score: 1.0,
    };
    assert_eq!(describe(&m), "shape: star (1.00)");
}
