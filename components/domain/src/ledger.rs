//! The contribution log: appends one leaf per contribution (no personal data: index,
//! salted commitment, time), computes roots and proofs from stored subtrees with
//! O(log n) node reads, and keeps signed checkpoints.

use crate::db::{Db, DbError};
use crate::store::merkle as store;
use crate::store::merkle::{NewLeaf, StoredCheckpoint};
use tlog::checkpoint::LogKey;
use tlog::merkle::{self, Hash, NeededNodes, Nodes};
use tlog::tiles::{self, TilePath};

/// Leaf format version, the first line of every leaf.
pub const LEAF_VERSION: &str = "tds-leaf/v1";

/// The canonical bytes of a leaf: version, index, commitment and time, one per line.
pub fn leaf_bytes(index: u64, commitment: &str, created_at: &str) -> Vec<u8> {
    format!("{LEAF_VERSION}\n{index}\n{commitment}\n{created_at}\n").into_bytes()
}

/// The canonical bytes of a release leaf: the release format's version, index, the
/// release number, its manifest's SHA-256 and time, one per line.
pub fn release_leaf_bytes(
    index: u64,
    number: i64,
    manifest_sha256: &str,
    created_at: &str,
) -> Vec<u8> {
    let version = crate::export::release::RELEASE_VERSION;
    format!("{version}\n{index}\nrelease {number}\nmanifest {manifest_sha256}\n{created_at}\n")
        .into_bytes()
}

/// Appends the leaves of contributions at `first`, `first + 1`, … (`first` is the
/// current log size, read inside the same transaction): (contribution id, commitment)
/// each, in log order.
pub fn append(
    db: &dyn Db,
    first: u64,
    contributions: &[(i64, &str)],
    now: &str,
) -> Result<(), DbError> {
    let leaves = contributions
        .iter()
        .zip(first..)
        .map(|((id, commitment), index)| (Some(*id), leaf_bytes(index, commitment, now)))
        .collect();
    append_leaves(db, first, leaves, now)
}

/// Appends release `number`'s leaf at the end of the log; its index.
pub fn append_release(
    db: &dyn Db,
    number: i64,
    manifest_sha256: &str,
    now: &str,
) -> Result<u64, DbError> {
    let index = store::size(db)?;
    let data = release_leaf_bytes(index, number, manifest_sha256, now);
    append_leaves(db, index, vec![(None, data)], now)?;
    Ok(index)
}

/// Stores leaves (contribution, data) from index `first` on with the perfect subtrees
/// they complete: the stored nodes the run needs (the log's frontier) are read in one
/// query, the rest come from the run itself, and leaves and nodes are written with
/// multi-row statements.
fn append_leaves(
    db: &dyn Db,
    first: u64,
    leaves: Vec<(Option<i64>, Vec<u8>)>,
    now: &str,
) -> Result<(), DbError> {
    let mut known = store::nodes(db, &merkle::frontier(first))?;
    let mut new_nodes = Vec::new();
    let mut new_leaves = Vec::with_capacity(leaves.len());
    for ((contribution_id, data), index) in leaves.into_iter().zip(first..) {
        let hash = merkle::leaf_hash(&data);
        let nodes = merkle::nodes_after_append(index, hash, |id| {
            known.get(&id).copied().unwrap_or([0u8; 32])
        });
        known.extend(nodes.iter().copied());
        new_nodes.extend(nodes);
        new_leaves.push(NewLeaf {
            index,
            contribution_id,
            data,
            hash,
        });
    }
    store::insert_leaves(db, &new_leaves, now)?;
    store::insert_nodes(db, &new_nodes)
}

/// Runs a tree computation in two passes: learn which stored nodes it reads, fetch
/// them in one query, then compute.
fn with_nodes<T>(db: &dyn Db, compute: impl Fn(&mut dyn Nodes) -> T) -> Result<T, DbError> {
    let mut needed = NeededNodes::default();
    compute(&mut needed);
    let mut fetched = store::nodes(db, &needed.0)?;
    Ok(compute(&mut fetched))
}

/// Root hash of the first `size` leaves.
pub fn root(db: &dyn Db, size: u64) -> Result<Hash, DbError> {
    with_nodes(db, |n| merkle::root(n, size))
}

/// Audit path of leaf `index` in the tree of `size` leaves.
pub fn inclusion(db: &dyn Db, index: u64, size: u64) -> Result<Vec<Hash>, DbError> {
    with_nodes(db, |n| merkle::inclusion_proof(n, index, size))
}

/// Consistency proof between two sizes.
pub fn consistency(db: &dyn Db, first: u64, second: u64) -> Result<Vec<Hash>, DbError> {
    with_nodes(db, |n| merkle::consistency_proof(n, first, second))
}

/// The bytes of a tlog-tiles resource of the log as it stands: the tile's hashes, or
/// the entry bundle. `None` when the log does not hold that many hashes or entries
/// at that position (yet). The same bytes whatever the tree grows to: immutable.
pub fn tile(db: &dyn Db, path: TilePath) -> Result<Option<Vec<u8>>, DbError> {
    let size = store::size(db)?;
    match path {
        TilePath::Hashes {
            level,
            index,
            width,
        } => {
            if tiles::tile_width(level, index, size) < width {
                return Ok(None);
            }
            let hashes =
                store::subtree_run(db, level * tiles::HEIGHT, index * tiles::WIDTH, width)?;
            if hashes.len() as u64 != width {
                return Err(DbError(format!(
                    "the log is missing subtree hashes of {}",
                    path.path()
                )));
            }
            Ok(Some(hashes.concat()))
        }
        TilePath::Entries { index, width } => {
            if tiles::tile_width(0, index, size) < width {
                return Ok(None);
            }
            let entries: Vec<Vec<u8>> = store::leaves(db, index * tiles::WIDTH, width)?
                .into_iter()
                .map(|(_, data)| data)
                .collect();
            Ok(Some(tiles::bundle(&entries)))
        }
    }
}

/// The extension line binding the activity log's chain head into a checkpoint.
pub fn activity_extension(head: &(i64, String)) -> String {
    format!("activity {} {}", head.0, head.1)
}

/// Parses an `activity <id> <hash>` extension line.
pub fn parse_activity_extension(line: &str) -> Option<(i64, String)> {
    let mut parts = line.strip_prefix("activity ")?.split(' ');
    Some((parts.next()?.parse().ok()?, parts.next()?.to_string()))
}

/// The latest checkpoint, signing a new one first when the log grew and a key is set.
/// The activity log's chain head at that moment is bound in as an extension line.
/// Call inside a write transaction.
pub fn current_checkpoint(
    db: &dyn Db,
    key: Option<&LogKey>,
    now: &str,
) -> Result<Option<StoredCheckpoint>, DbError> {
    let latest = store::latest_checkpoint(db)?;
    let size = store::size(db)?;
    let Some(key) = key else { return Ok(latest) };
    if size == 0 || latest.as_ref().is_some_and(|c| c.size >= size) {
        return Ok(latest);
    }
    let root = root(db, size)?;
    let extensions: Vec<String> = crate::store::activity::head(db)?
        .iter()
        .map(activity_extension)
        .collect();
    let note = key.sign_checkpoint(size, &root, &extensions);
    store::insert_checkpoint(db, size, &root, &note, now)?;
    store::checkpoint_at(db, size)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::native_sqlite::SqliteDb;
    use tlog::merkle::{leaf_hash, verify_consistency, verify_inclusion};

    /// A contribution row for leaves to point at.
    fn contribution(db: &SqliteDb) -> i64 {
        db.execute(
            "INSERT INTO training_contributions (modality, status, mime, byte_size, content_hash, created_at, updated_at) \
             VALUES ('text', 'complete', 'text/plain', 1, 'h', 't', 't') RETURNING id",
            &[],
        )
        .unwrap()
        .first()
        .unwrap()
        .int("id")
    }

    #[test]
    fn stored_tiles_are_the_tiles_of_the_leaves() {
        let db = SqliteDb::migrated();
        let id = contribution(&db);
        let size = 600u64;
        // Appended in runs of 1 to 37 leaves: a run's nodes must be those of one leaf
        // at a time.
        let commitments: Vec<String> = (0..size).map(|i| format!("{i:064x}")).collect();
        let (mut next, mut run) = (0u64, 1u64);
        while next < size {
            let end = (next + run).min(size);
            let leaves: Vec<(i64, &str)> = (next..end)
                .map(|i| (id, commitments[i as usize].as_str()))
                .collect();
            append(&db, next, &leaves, "2026-01-01T00:00:00.000Z").unwrap();
            (next, run) = (end, run % 37 + 1);
        }
        let leaves: Vec<Vec<u8>> = (0..size)
            .map(|i| store::leaf(&db, i).unwrap().unwrap().data)
            .collect();
        let hashes: Vec<Hash> = leaves.iter().map(|l| leaf_hash(l)).collect();
        let expected = tiles::all_tiles(&hashes);
        let served: Vec<(String, Vec<u8>)> = tiles::tiles_of(size)
            .into_iter()
            .map(|(level, index, width)| {
                let path = TilePath::Hashes {
                    level,
                    index,
                    width,
                };
                (path.path(), tile(&db, path).unwrap().unwrap())
            })
            .collect();
        assert_eq!(served, expected);
        let bundle = tile(
            &db,
            TilePath::Entries {
                index: 2,
                width: 88,
            },
        )
        .unwrap()
        .unwrap();
        assert_eq!(tiles::parse_bundle(&bundle).unwrap(), leaves[512..600]);
        // Not there yet: wider than the log holds, or beyond it.
        for missing in [
            TilePath::Entries {
                index: 2,
                width: 89,
            },
            TilePath::Hashes {
                level: 0,
                index: 2,
                width: 256,
            },
            TilePath::Hashes {
                level: 1,
                index: 0,
                width: 3,
            },
            TilePath::Hashes {
                level: 5,
                index: 0,
                width: 1,
            },
        ] {
            assert_eq!(tile(&db, missing).unwrap(), None, "{missing:?}");
        }
        // A narrower partial tile is a prefix of the wider one.
        let p1 = tile(
            &db,
            TilePath::Hashes {
                level: 0,
                index: 2,
                width: 10,
            },
        )
        .unwrap()
        .unwrap();
        assert_eq!(p1, expected[2].1[..320]);
    }

    #[test]
    fn stored_log_proves_inclusion_and_consistency() {
        let db = SqliteDb::migrated();
        let id = contribution(&db);
        for i in 0..21u64 {
            let commitment = format!("{i:064x}");
            append(&db, i, &[(id, &commitment)], "2026-01-01T00:00:00.000Z").unwrap();
        }
        assert_eq!(store::size(&db).unwrap(), 21);
        for size in [1u64, 2, 7, 8, 13, 21] {
            let r = root(&db, size).unwrap();
            for index in 0..size {
                let leaf = store::leaf(&db, index).unwrap().unwrap();
                let proof: Vec<Vec<u8>> = inclusion(&db, index, size)
                    .unwrap()
                    .iter()
                    .map(|h| h.to_vec())
                    .collect();
                verify_inclusion(index, size, &leaf_hash(&leaf.data), &proof, &r).unwrap();
            }
            let proof: Vec<Vec<u8>> = consistency(&db, size, 21)
                .unwrap()
                .iter()
                .map(|h| h.to_vec())
                .collect();
            verify_consistency(size, 21, &r, &root(&db, 21).unwrap(), &proof).unwrap();
        }
    }

    #[test]
    fn checkpoints_are_signed_when_the_tree_grows() {
        use base64::Engine as _;
        let db = SqliteDb::migrated();
        let key = LogKey::parse(
            &base64::engine::general_purpose::STANDARD.encode([5u8; 32]),
            "test/log",
        )
        .unwrap();
        assert!(
            current_checkpoint(&db, Some(&key), "t").unwrap().is_none(),
            "no checkpoint of an empty log"
        );
        append(&db, 0, &[(contribution(&db), "aa")], "t").unwrap();
        let first = current_checkpoint(&db, Some(&key), "t").unwrap().unwrap();
        assert_eq!(first.size, 1);
        let again = current_checkpoint(&db, Some(&key), "t").unwrap().unwrap();
        assert_eq!(again.note, first.note, "no new checkpoint without growth");
        let cp = tlog::checkpoint::verify_checkpoint(&first.note, &key.verifier_key()).unwrap();
        assert_eq!(cp.root, root(&db, 1).unwrap());
    }
}
