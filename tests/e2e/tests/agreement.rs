//! Krippendorff's alpha as the app computes it (`domain::review::agreement::alpha`,
//! which `/api/admin/metrics` and the cleanup report show) against an independent
//! implementation, PyPI's `krippendorff` (installed by `scripts/prepare-krippendorff`),
//! on generated vote sets with missing votes, two and three categories, and degenerate
//! sets where alpha is undefined; equal to 1e-9.

use domain::review::agreement::alpha;
use e2e::python;
use serde_json::{json, Value};

/// A small deterministic generator (xorshift64*), so every run checks the same sets.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A reliability matrix: `coders` rows of `units` votes (`None`: did not vote), with
/// values below `categories`; reviewers agree with a unit's "truth" most of the time.
fn matrix(
    rng: &mut Rng,
    coders: usize,
    units: usize,
    categories: u64,
    missing: u64,
) -> Vec<Vec<Option<u64>>> {
    let truths: Vec<u64> = (0..units).map(|_| rng.below(categories)).collect();
    (0..coders)
        .map(|_| {
            truths
                .iter()
                .map(|t| {
                    if rng.below(100) < missing {
                        None
                    } else if rng.below(100) < 75 {
                        Some(*t)
                    } else {
                        Some(rng.below(categories))
                    }
                })
                .collect()
        })
        .collect()
}

/// The app's alpha of a matrix: its columns are the units.
fn ours(m: &[Vec<Option<u64>>]) -> Option<f64> {
    let units: Vec<Vec<u64>> = (0..m[0].len())
        .map(|u| m.iter().filter_map(|row| row[u]).collect())
        .collect();
    alpha(&units)
}

#[test]
fn alpha_matches_krippendorff_on_generated_vote_sets() {
    let mut rng = Rng(20261207);
    let mut sets: Vec<Vec<Vec<Option<u64>>>> = Vec::new();
    for i in 0..60 {
        let coders = 2 + rng.below(5) as usize;
        let units = 3 + rng.below(40) as usize;
        let categories = if i % 4 == 3 { 3 } else { 2 };
        let missing = [0, 10, 30, 60][i % 4];
        sets.push(matrix(&mut rng, coders, units, categories, missing));
    }
    // Degenerate sets: one value everywhere, and nothing pairable.
    sets.push(vec![vec![Some(1), Some(1)], vec![Some(1), Some(1)]]);
    sets.push(vec![vec![Some(1), None], vec![None, Some(0)]]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sets.json");
    let as_json: Vec<Value> = sets.iter().map(|m| json!(m)).collect();
    std::fs::write(&file, serde_json::to_vec(&as_json).unwrap()).unwrap();
    let py = python::prepared("TDS_KRIPPENDORFF_PYTHON", "prepare-krippendorff").unwrap();
    let out = python::check(
        std::path::Path::new(&py),
        "tests/agreement/krippendorff_alpha.py",
        &[file.as_os_str()],
    );
    let theirs: Vec<Option<f64>> = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(theirs.len(), sets.len());
    let mut compared = 0;
    for (i, (m, expected)) in sets.iter().zip(&theirs).enumerate() {
        match (ours(m), expected) {
            (Some(a), Some(b)) => {
                assert!((a - b).abs() < 1e-9, "set {i}: ours {a}, krippendorff {b}");
                compared += 1;
            }
            (None, None) => {}
            (a, b) => panic!("set {i}: ours {a:?}, krippendorff {b:?}"),
        }
    }
    assert!(compared >= 55, "only {compared} sets had an alpha");
}
