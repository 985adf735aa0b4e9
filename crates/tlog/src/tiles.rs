//! The C2SP `tlog-tiles` layout of the log: hash tiles of height 8 (`tile/<L>/<N>`,
//! partial ones `tile/<L>/<N>.p/<W>`) and entry bundles (`tile/entries/<N>`), plus a
//! `Nodes` source that reads perfect-subtree hashes back out of tiles, so proofs can
//! be computed from the static files alone.

use crate::merkle::{node_hash, Hash, NodeId, Nodes};

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
    let nodes = size.checked_shr(HEIGHT * level).unwrap_or(0);
    nodes.saturating_sub(index.saturating_mul(WIDTH)).min(WIDTH)
}

/// Every tile of a tree of `size` leaves, as `(level, index, width)`, level by level.
pub fn tiles_of(size: u64) -> Vec<(u32, u64, u64)> {
    let mut out = Vec::new();
    let mut level = 0;
    while tile_width(level, 0, size) > 0 {
        let mut index = 0;
        while let w @ 1.. = tile_width(level, index, size) {
            out.push((level, index, w));
            index += 1;
        }
        level += 1;
    }
    out
}

/// A resource of the tlog-tiles API, named by its path after `tile/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TilePath {
    /// `tile/<L>/<N>[.p/<W>]`: `width` hashes of the tree at level `level`.
    Hashes {
        /// The tile level (0 holds leaf hashes).
        level: u32,
        /// The tile's index within its level.
        index: u64,
        /// Hashes in it: 256, or fewer for a partial tile.
        width: u64,
    },
    /// `tile/entries/<N>[.p/<W>]`: the entries behind level-0 tile `index`.
    Entries {
        /// The bundle's index.
        index: u64,
        /// Entries in it: 256, or fewer for a partial bundle.
        width: u64,
    },
}

impl TilePath {
    /// Parses the part of a path after `tile/`, exactly as the specification writes
    /// it (no leading zeroes, `x`-prefixed groups of three digits, widths 1 to 255
    /// after `.p/`); anything else names no tile.
    pub fn parse(rest: &str) -> Option<Self> {
        let (head, tail) = rest.split_once('/')?;
        let (index_part, width) = match tail.split_once(".p/") {
            Some((i, w)) => (i, decimal(w).filter(|w| (1..WIDTH).contains(w))?),
            None => (tail, WIDTH),
        };
        let digits: String = index_part.chars().filter(char::is_ascii_digit).collect();
        let index: u64 = digits.parse().ok()?;
        if encode_index(index) != index_part {
            return None;
        }
        if head == "entries" {
            return Some(Self::Entries { index, width });
        }
        let level = decimal(head).filter(|l| *l <= 63)? as u32;
        Some(Self::Hashes {
            level,
            index,
            width,
        })
    }

    /// The resource's path (`tile/...`), as `native-worker publish` writes it.
    pub fn path(&self) -> String {
        match *self {
            Self::Hashes {
                level,
                index,
                width,
            } => tile_path(level, index, width),
            Self::Entries { index, width } => entries_path(index, width),
        }
    }
}

/// A decimal with no leading zeroes.
fn decimal(s: &str) -> Option<u64> {
    if s.is_empty() || (s.len() > 1 && s.starts_with('0')) || !s.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    s.parse().ok()
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

/// Every hash tile of a tree: (path, contents), computed from all leaf hashes (the
/// reference a stored log's tiles are tested against).
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
    use crate::merkle::{inclusion_proof, leaf_hash, root, verify_inclusion};
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
    fn tile_paths_parse_exactly_as_the_spec_writes_them() {
        let hashes = |level, index, width| TilePath::Hashes {
            level,
            index,
            width,
        };
        assert_eq!(TilePath::parse("0/000"), Some(hashes(0, 0, 256)));
        assert_eq!(
            TilePath::parse("2/x001/x234/067.p/9"),
            Some(hashes(2, 1234067, 9))
        );
        assert_eq!(
            TilePath::parse("entries/001.p/255"),
            Some(TilePath::Entries {
                index: 1,
                width: 255
            })
        );
        for bad in [
            "0/0",
            "0/1234",
            "0/x000/001",
            "00/000",
            "64/000",
            "0/000.p/0",
            "0/000.p/256",
            "0/000.p/07",
            "entries/000.p/",
            "0/000/",
            "x/000",
            "0/-01",
            "0",
            "",
        ] {
            assert_eq!(TilePath::parse(bad), None, "{bad}");
        }
        for path in ["tile/0/x001/234.p/7", "tile/entries/005", "tile/3/000.p/1"] {
            let parsed = TilePath::parse(path.strip_prefix("tile/").unwrap()).unwrap();
            assert_eq!(parsed.path(), path);
        }
    }

    #[test]
    fn a_tree_has_the_tiles_the_spec_lists() {
        // "a tree of size 70,000 will be represented by 273 full level 0 tiles, one
        // partial level 0 tile of width 112, one full level 1 tile, one partial level 1
        // tile of width 17, and one partial level 2 tile of width 1."
        let tiles = tiles_of(70_000);
        let level = |l: u32| tiles.iter().filter(move |t| t.0 == l);
        assert_eq!(level(0).filter(|t| t.2 == 256).count(), 273);
        assert_eq!(level(0).next_back(), Some(&(0, 273, 112)));
        assert_eq!(level(1).collect::<Vec<_>>(), [&(1, 0, 256), &(1, 1, 17)]);
        assert_eq!(level(2).collect::<Vec<_>>(), [&(2, 0, 1)]);
        assert_eq!(tiles.len(), 277);
        assert_eq!(tiles_of(256), [(0, 0, 256), (1, 0, 1)]);
        assert!(tiles_of(0).is_empty());
        assert_eq!(tile_width(63, 0, u64::MAX), 0);
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
