//! Agreement you can measure: Krippendorff's alpha (nominal data) over rows that at
//! least two reviewers decided, and per-reviewer figures (decisions, agreement with
//! the final state, how far the text they accepted was from the final text, median
//! time per decision).

use std::collections::BTreeMap;

/// Krippendorff's alpha for nominal values: `units` are the values each unit (a row)
/// got, one per coder (missing votes simply absent). Units with fewer than two values
/// are not pairable and do not count. `None` when nothing is pairable, or every value
/// is the same (no expected disagreement).
pub fn alpha<V: Ord + Copy>(units: &[Vec<V>]) -> Option<f64> {
    // The coincidence matrix: each ordered pair of values within a unit adds 1/(m-1).
    let mut coincidences: BTreeMap<(V, V), f64> = BTreeMap::new();
    for values in units.iter().filter(|u| u.len() >= 2) {
        let weight = 1.0 / (values.len() - 1) as f64;
        for (i, a) in values.iter().enumerate() {
            for (j, b) in values.iter().enumerate() {
                if i != j {
                    *coincidences.entry((*a, *b)).or_default() += weight;
                }
            }
        }
    }
    let mut marginals: BTreeMap<V, f64> = BTreeMap::new();
    for ((a, _), n) in &coincidences {
        *marginals.entry(*a).or_default() += n;
    }
    let total: f64 = marginals.values().sum();
    if total <= 1.0 {
        return None;
    }
    let observed: f64 = coincidences
        .iter()
        .filter(|((a, b), _)| a != b)
        .map(|(_, n)| n)
        .sum();
    let expected: f64 = marginals
        .iter()
        .flat_map(|(a, na)| {
            marginals
                .iter()
                .filter(move |(b, _)| *b != a)
                .map(move |(_, nb)| na * nb)
        })
        .sum();
    if expected == 0.0 {
        return None;
    }
    Some(1.0 - (total - 1.0) * observed / expected)
}

/// The median of `values` (`None` when empty).
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_agreement_is_one_and_systematic_disagreement_below_zero() {
        assert_eq!(alpha(&[vec![1, 1], vec![0, 0]]), Some(1.0));
        assert!(alpha(&[vec![1, 0], vec![0, 1]]).unwrap() < 0.0);
        assert_eq!(alpha(&[vec![1, 1], vec![1, 1]]), None, "no variation");
        assert_eq!(alpha::<u8>(&[vec![1], vec![0]]), None, "nothing pairable");
    }

    #[test]
    fn krippendorffs_worked_example() {
        // Krippendorff (2011), "Computing Krippendorff's alpha-reliability", the
        // nominal example with missing values: alpha = 0.743.
        let units: Vec<Vec<u8>> = vec![
            vec![1, 1, 1],
            vec![2, 2, 3, 2],
            vec![3, 3, 3, 3],
            vec![3, 3, 3, 3],
            vec![2, 2, 2, 2],
            vec![1, 2, 3, 4],
            vec![4, 4, 4, 4],
            vec![1, 1, 2, 1],
            vec![2, 2, 2, 2],
            vec![5, 5, 5],
            vec![1, 1],
            vec![3],
        ];
        let a = alpha(&units).unwrap();
        assert!((a - 0.743).abs() < 0.0005, "{a}");
    }

    #[test]
    fn medians() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }
}
