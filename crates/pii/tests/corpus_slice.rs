//! The regression floor: on a fixed slice of the generated corpus
//! (`tests/fixtures/pii/slice.jsonl`, Faker texts with every piece of personal data at a
//! known span, and look-alikes that are none), the detector keeps recall >= 0.98 and
//! precision >= 0.95 on every kind, matching as `tests/bench/pii_bench.py` does: a gold
//! span is found when a finding of its kind covers at least 90% of it, and a finding is
//! right when it overlaps a gold span of its kind.

use pii::Kind;
use serde_json::Value;
use std::collections::BTreeMap;

/// Per kind: (gold spans, gold spans found, findings, findings that are right).
type Tally = BTreeMap<Kind, (usize, usize, usize, usize)>;

fn overlap(a: (usize, usize), b: (usize, usize)) -> isize {
    a.1.min(b.1) as isize - a.0.max(b.0) as isize
}

fn tally() -> Tally {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/pii/slice.jsonl"
    );
    let mut tally = Tally::new();
    for line in std::fs::read_to_string(path).unwrap().lines() {
        let record: Value = serde_json::from_str(line).unwrap();
        let names: Vec<&str> = record["names"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap())
            .collect();
        let found = pii::detect(record["text"].as_str().unwrap(), &names);
        let gold: Vec<(Kind, (usize, usize))> = record["spans"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let at = |k: &str| s[k].as_u64().unwrap() as usize;
                (
                    Kind::parse(s["kind"].as_str().unwrap()).unwrap(),
                    (at("start"), at("end")),
                )
            })
            .collect();
        for (kind, span) in &gold {
            let need = 0.9 * (span.1 - span.0) as f64;
            let hit = found.iter().any(|f| {
                f.kind == *kind && overlap((f.start, f.end), *span) as f64 >= need.max(1.0)
            });
            let t = tally.entry(*kind).or_default();
            t.0 += 1;
            t.1 += usize::from(hit);
        }
        for f in &found {
            let right = gold
                .iter()
                .any(|(k, s)| *k == f.kind && overlap((f.start, f.end), *s) > 0);
            let t = tally.entry(f.kind).or_default();
            t.2 += 1;
            t.3 += usize::from(right);
        }
    }
    tally
}

#[test]
fn every_kind_keeps_its_recall_and_precision_floor() {
    let tally = tally();
    assert_eq!(
        tally.len(),
        Kind::ALL.len(),
        "every kind is in the slice: {tally:?}"
    );
    for (kind, (support, found, findings, right)) in &tally {
        let recall = *found as f64 / *support as f64;
        let precision = if *findings == 0 {
            1.0
        } else {
            *right as f64 / *findings as f64
        };
        assert!(*support >= 10, "{kind:?}: only {support} gold spans");
        assert!(
            recall >= 0.98,
            "{kind:?}: recall {recall:.3} ({found}/{support})"
        );
        assert!(
            precision >= 0.95,
            "{kind:?}: precision {precision:.3} ({right}/{findings})"
        );
    }
}
