//! Embeds every `migrations/NNNN_name.sql` file, in order, so a new migration needs no
//! code change.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("migrations/ directory")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    files.sort();
    let mut out = String::from("/// Every migration: (version, name, SQL), in order.\npub const MIGRATIONS: &[(u32, &str, &str)] = &[\n");
    for path in files {
        println!("cargo:rerun-if-changed={}", path.display());
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let (num, name) = stem
            .split_once('_')
            .expect("migration files are named NNNN_name.sql");
        let version: u32 = num.parse().expect("migration files start with a number");
        // Relative to this crate, not absolute: builds of two checkouts that share one
        // target directory must each read their own files.
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        writeln!(
            out,
            "    ({version}, {name:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/../../migrations/{file}\"))),"
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("migrations.rs");
    std::fs::write(dest, out).unwrap();
}
