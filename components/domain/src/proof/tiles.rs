//! The C2SP `tlog-tiles` layout of the log: hash tiles of height 8 (`tile/<L>/<N>`,
//! partial ones `tile/<L>/<N>.p/<W>`) and entry bundles (`tile/entries/<N>`), plus a
//! `Nodes` source that reads perfect-subtree hashes back out of tiles, so proofs can
//! be computed from the static files alone.

use super::merkle::{node_hash, Hash, NodeId, Nodes};

/// Tile height: each tile holds up to 2^8 hashes.
pub const HEIGHT: u32 = 8;
/// Hashes in a full tile.
pub const WIDTH: u64 = 1 << HEIGHT;

/// The path element of a tile index: groups of three digits, all but the last with an
/// `x` prefix (`1234067` → `x001/x234/067`).
pub fn encode_index(n: u64) -> String {
    let digits = format!("{n}");
    let padded = format!("{}{digits}", "0".repeat((3 - digits.len() % 3) % 3));
    let groups: Vec<&str> = padded
        .as_bytes()
        .chunks(3)
        .map(|c| std::str::from_utf8(c).unwrap_or("000"))
        .collect();
    let last = groups.len() - 1;
    groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            if i < last {
                format!("x{g}")
            } else {
                g.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Path of a tile (`width` < 256: a partial tile).
pub fn tile_path(level: u32, index: u64, width: u64) -> String {
    let base = format!("tile/{level}/{}", encode_index(index));
    if width < WIDTH {
        format!("{base}.p/{width}")
    } else {
        base
    }
}

/// Path of an entry bundle.
pub fn entries_path(index: u64, width: u64) -> String {
    let base = format!("tile/entries/{}", encode_index(index));
    if width < WIDTH {
        format!("{base}.p/{width}")
    } else {
        base
    }
}

/// Width of tile `index` at `level` in a tree of `size` leaves (0: no such tile).
pub fn tile_width(level: u32, index: u64, size: u64) -> u64 {
    let nodes = size >> (HEIGHT * level);
    nodes.saturating_sub(index * WIDTH).min(WIDTH)
}

/// An entry bundle: each entry as a big-endian u16 length and its bytes.
pub fn bundle(entries: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for e in entries {
        out.extend_from_slice(&(e.len() as u16).to_be_bytes());
        out.extend_from_slice(e);
    }
    out
}

/// Splits an entry bundle back into entries (`None` if malformed).
pub fn parse_bundle(bytes: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        if rest.len() < 2 {
            return None;
        }
        let n = u16::from_be_bytes([rest[0], rest[1]]) as usize;
        let entry = rest.get(2..2 + n)?;
        out.push(entry.to_vec());
        rest = &rest[2 + n..];
    }
    Some(out)
}

/// Every hash tile of a tree: (path, contents), computed from all leaf hashes.
pub fn all_tiles(leaf_hashes: &[Hash]) -> Vec<(String, Vec<u8>)> {
    let size = leaf_hashes.len() as u64;
    let mut out = Vec::new();
    let mut level_nodes: Vec<Hash> = leaf_hashes.to_vec();
    let mut level = 0u32;
    while !level_nodes.is_empty() {
        for (index, chunk) in level_nodes.chunks(WIDTH as usize).enumerate() {
            let width = tile_width(level, index as u64, size);
            out.push((
                tile_path(level, index as u64, width),
                chunk.iter().flatten().copied().collect(),
            ));
        }
        // The next level's nodes are the roots of this level's full tiles.
        level_nodes = level_nodes
            .chunks(WIDTH as usize)
            .filter(|c| c.len() as u64 == WIDTH)
            .map(perfect_root)
            .collect();
        level += 1;
    }
    out
}

/// Root of a power-of-two run of sibling hashes.
fn perfect_root(hashes: &[Hash]) -> Hash {
    let mut layer = hashes.to_vec();
    while layer.len() > 1 {
        layer = layer.chunks(2).map(|p| node_hash(&p[0], &p[1])).collect();
    }
    layer[0]
}

/// Reads perfect-subtree hashes out of tiles fetched by `fetch` (a path → bytes
/// lookup: files on disk, HTTP…). Missing or short tiles are recorded in `missing`
/// and read as zeros, so any proof using them fails verification.
pub struct TileNodes<F: FnMut(&str) -> Option<Vec<u8>>> {
    /// Tree size the tiles describe.
    pub size: u64,
    /// Tile source.
    pub fetch: F,
    /// Tiles that could not be read.
    pub missing: Vec<String>,
    cache: std::collections::HashMap<String, Vec<u8>>,
}

impl<F: FnMut(&str) -> Option<Vec<u8>>> TileNodes<F> {
    /// A reader for a tree of `size` leaves.
    pub fn new(size: u64, fetch: F) -> Self {
        Self {
            size,
            fetch,
            missing: Vec::new(),
            cache: Default::default(),
        }
    }
}

impl<F: FnMut(&str) -> Option<Vec<u8>>> Nodes for TileNodes<F> {
    fn node(&mut self, (height, index): NodeId) -> Hash {
        let level = height / HEIGHT;
        let rest = height % HEIGHT;
        let first = index << rest;
        let tile = first >> HEIGHT;
        let path = tile_path(level, tile, tile_width(level, tile, self.size));
        if !self.cache.contains_key(&path) {
            match (self.fetch)(&path) {
                Some(bytes) => {
                    self.cache.insert(path.clone(), bytes);
                }
                None => {
                    self.missing.push(path);
                    return [0u8; 32];
                }
            }
        }
        let bytes = &self.cache[&path];
        let start = ((first % WIDTH) * 32) as usize;
        let count = 1usize << rest;
        let Some(slice) = bytes.get(start..start + 32 * count) else {
            self.missing.push(path);
            return [0u8; 32];
        };
        let hashes: Vec<Hash> = slice
            .chunks(32)
            .map(|c| c.try_into().unwrap_or([0u8; 32]))
            .collect();
        perfect_root(&hashes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proof::merkle::{inclusion_proof, leaf_hash, root, verify_inclusion};
    use std::collections::HashMap;

    #[test]
    fn index_encoding_matches_the_spec() {
        assert_eq!(encode_index(0), "000");
        assert_eq!(encode_index(5), "005");
        assert_eq!(encode_index(1234067), "x001/x234/067");
        assert_eq!(tile_path(0, 1, 7), "tile/0/001.p/7");
        assert_eq!(entries_path(2, 256), "tile/entries/002");
        assert_eq!(
            parse_bundle(&bundle(&[b"a".to_vec(), b"bc".to_vec()])).unwrap(),
            vec![b"a".to_vec(), b"bc".to_vec()]
        );
    }

    #[test]
    fn proofs_from_tiles_match_stored_nodes() {
        for size in [1u64, 255, 256, 257, 700, 66_000] {
            let leaves: Vec<Hash> = (0..size).map(|i| leaf_hash(&i.to_be_bytes())).collect();
            let files: HashMap<String, Vec<u8>> = all_tiles(&leaves).into_iter().collect();
            let mut nodes = TileNodes::new(size, |p: &str| files.get(p).cloned());
            let r = root(&mut nodes, size);
            for index in [0, size / 3, size - 1] {
                let proof: Vec<Vec<u8>> = inclusion_proof(&mut nodes, index, size)
                    .iter()
                    .map(|h| h.to_vec())
                    .collect();
                verify_inclusion(index, size, &leaves[index as usize], &proof, &r).unwrap();
            }
            assert!(nodes.missing.is_empty(), "{:?}", nodes.missing);
        }
    }
}
