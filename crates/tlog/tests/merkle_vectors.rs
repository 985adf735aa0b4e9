//! The public transparency-dev/merkle test vectors (Apache-2.0, copied under
//! tests/fixtures with their LICENSE): every happy path must verify and every
//! tampered case must be rejected, exactly as `wantErr` says.

use base64::Engine as _;
use serde_json::Value;
use std::path::{Path, PathBuf};
use tlog::merkle::{verify_consistency, verify_inclusion};

fn cases(kind: &str) -> Vec<(PathBuf, Value)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/transparency-dev-merkle")
        .join(kind);
    let mut out = Vec::new();
    let mut dirs = vec![root];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                let v: Value =
                    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
                out.push((path, v));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn bytes(v: &Value) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(v.as_str().unwrap_or(""))
        .unwrap()
}

fn list(v: &Value) -> Vec<Vec<u8>> {
    v.as_array()
        .map(|a| a.iter().map(bytes).collect())
        .unwrap_or_default()
}

#[test]
fn inclusion_vectors() {
    let cases = cases("inclusion");
    assert!(
        cases.len() > 60,
        "only {} inclusion vectors found",
        cases.len()
    );
    for (path, c) in cases {
        let result = verify_inclusion(
            c["leafIdx"].as_u64().unwrap(),
            c["treeSize"].as_u64().unwrap(),
            &bytes(&c["leafHash"]),
            &list(&c["proof"]),
            &bytes(&c["root"]),
        );
        assert_eq!(
            result.is_err(),
            c["wantErr"].as_bool().unwrap(),
            "{}: {result:?}",
            path.display()
        );
    }
}

#[test]
fn consistency_vectors() {
    let cases = cases("consistency");
    assert!(
        cases.len() > 60,
        "only {} consistency vectors found",
        cases.len()
    );
    for (path, c) in cases {
        let result = verify_consistency(
            c["size1"].as_u64().unwrap(),
            c["size2"].as_u64().unwrap(),
            &bytes(&c["root1"]),
            &bytes(&c["root2"]),
            &list(&c["proof"]),
        );
        assert_eq!(
            result.is_err(),
            c["wantErr"].as_bool().unwrap(),
            "{}: {result:?}",
            path.display()
        );
    }
}
