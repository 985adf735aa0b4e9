//! The `format=hf` bundle as a dataset user meets it: unpacked from its tar, and the
//! PyPI `datasets` interpreters (`scripts/prepare-datasets`) that load it.

use std::io::Read;
use std::path::{Path, PathBuf};

/// The two interpreters: datasets 3.6.0 (audio) and 5.2.0 (images, text).
pub fn interpreters() -> (PathBuf, PathBuf) {
    let listed = crate::python::prepared("TDS_DATASETS_PYTHONS", "prepare-datasets").unwrap();
    let mut lines = listed.split_whitespace().map(PathBuf::from);
    (lines.next().unwrap(), lines.next().unwrap())
}

/// Writes the bundle's files under `dir`; their names, in archive order.
pub fn unpack(tar_bytes: &[u8], dir: &Path) -> Vec<String> {
    let mut names = Vec::new();
    let mut archive = tar::Archive::new(tar_bytes);
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = entry.path().unwrap().display().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        let path = dir.join(&name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
        names.push(name);
    }
    names
}
