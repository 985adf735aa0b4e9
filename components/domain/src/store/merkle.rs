//! The Merkle log's tables: `log_leaves`, `merkle_nodes` and `checkpoints`.

use crate::db::{Db, DbError, Value};
use std::collections::HashMap;
use tlog::merkle::{Hash, NodeId};

/// Number of leaves in the log.
pub fn size(db: &dyn Db) -> Result<u64, DbError> {
    let rows = db.execute(
        "SELECT IFNULL(MAX(leaf_index) + 1, 0) AS n FROM log_leaves",
        &[],
    )?;
    Ok(rows.first().map(|r| r.int("n") as u64).unwrap_or(0))
}

/// Stored perfect-subtree hashes for the given ids (one query, by primary key).
pub fn nodes(db: &dyn Db, ids: &[NodeId]) -> Result<HashMap<NodeId, Hash>, DbError> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(200) {
        let clause = vec!["(level = ? AND idx = ?)"; chunk.len()].join(" OR ");
        let params: Vec<Value> = chunk
            .iter()
            .flat_map(|(l, i)| [Value::Integer(i64::from(*l)), Value::Integer(*i as i64)])
            .collect();
        let rows = db.execute(
            &format!("SELECT level, idx, hash FROM merkle_nodes WHERE {clause}"),
            &params,
        )?;
        for r in rows.iter() {
            if let Ok(hash) = <Hash>::try_from(r.blob("hash").as_slice()) {
                out.insert((r.int("level") as u32, r.int("idx") as u64), hash);
            }
        }
    }
    Ok(out)
}

/// `count` stored perfect-subtree hashes of height `height` from index `start` on,
/// in order (fewer if the log does not hold them yet).
pub fn subtree_run(db: &dyn Db, height: u32, start: u64, count: u64) -> Result<Vec<Hash>, DbError> {
    let rows = db.execute(
        "SELECT hash FROM merkle_nodes WHERE level = ? AND idx >= ? AND idx < ? ORDER BY idx",
        &[
            i64::from(height).into(),
            (start as i64).into(),
            (start.saturating_add(count) as i64).into(),
        ],
    )?;
    Ok(rows
        .iter()
        .filter_map(|r| <Hash>::try_from(r.blob("hash").as_slice()).ok())
        .collect())
}

/// Stores new perfect subtrees (multi-row inserts).
pub fn insert_nodes(db: &dyn Db, nodes: &[(NodeId, Hash)]) -> Result<(), DbError> {
    const WIDTH: usize = 3;
    let params: Vec<Value> = nodes
        .iter()
        .flat_map(|((l, i), h)| -> [Value; WIDTH] {
            [
                Value::Integer(i64::from(*l)),
                Value::Integer(*i as i64),
                Value::Blob(h.to_vec()),
            ]
        })
        .collect();
    crate::db::insert_rows(
        db,
        "INSERT INTO merkle_nodes (level, idx, hash)",
        WIDTH,
        &params,
        "",
    )?;
    Ok(())
}

/// A leaf about to be appended.
pub struct NewLeaf {
    /// Its position in the log.
    pub index: u64,
    /// The contribution it proves (none for a release's leaf).
    pub contribution_id: Option<i64>,
    /// The canonical leaf bytes.
    pub data: Vec<u8>,
    /// Their leaf hash.
    pub hash: Hash,
}

/// Records leaves' bytes and hashes (multi-row inserts).
pub fn insert_leaves(db: &dyn Db, leaves: &[NewLeaf], now: &str) -> Result<(), DbError> {
    const WIDTH: usize = 5;
    let params: Vec<Value> = leaves
        .iter()
        .flat_map(|l| -> [Value; WIDTH] {
            [
                (l.index as i64).into(),
                l.contribution_id.into(),
                l.data.clone().into(),
                l.hash.to_vec().into(),
                now.into(),
            ]
        })
        .collect();
    crate::db::insert_rows(
        db,
        "INSERT INTO log_leaves (leaf_index, contribution_id, leaf_data, leaf_hash, created_at)",
        WIDTH,
        &params,
        "",
    )?;
    Ok(())
}

/// One stored leaf.
pub struct Leaf {
    /// Position in the log.
    pub index: u64,
    /// The canonical leaf bytes.
    pub data: Vec<u8>,
    /// When it was appended.
    pub created_at: String,
}

/// The leaf at `index`.
pub fn leaf(db: &dyn Db, index: u64) -> Result<Option<Leaf>, DbError> {
    let rows = db.execute(
        "SELECT leaf_index, leaf_data, created_at FROM log_leaves WHERE leaf_index = ?",
        &[(index as i64).into()],
    )?;
    Ok(rows.first().map(|r| Leaf {
        index: r.int("leaf_index") as u64,
        data: r.blob("leaf_data"),
        created_at: r.text("created_at"),
    }))
}

/// A stored signed tree head.
#[derive(Debug, Clone)]
pub struct StoredCheckpoint {
    /// Tree size it commits to.
    pub size: u64,
    /// Root hash.
    pub root: Hash,
    /// The signed note text.
    pub note: String,
    /// When it was made.
    pub created_at: String,
}

fn checkpoint_from(rows: &crate::db::Rows) -> Option<StoredCheckpoint> {
    rows.first().map(|r| StoredCheckpoint {
        size: r.int("tree_size") as u64,
        root: r.blob("root_hash").try_into().unwrap_or([0u8; 32]),
        note: r.text("signed_note"),
        created_at: r.text("created_at"),
    })
}

/// The newest checkpoint.
pub fn latest_checkpoint(db: &dyn Db) -> Result<Option<StoredCheckpoint>, DbError> {
    let rows = db.execute(
        "SELECT tree_size, root_hash, signed_note, created_at FROM checkpoints ORDER BY tree_size DESC LIMIT 1",
        &[],
    )?;
    Ok(checkpoint_from(&rows))
}

/// The checkpoint for exactly `size` leaves, if one was made.
pub fn checkpoint_at(db: &dyn Db, size: u64) -> Result<Option<StoredCheckpoint>, DbError> {
    let rows = db.execute(
        "SELECT tree_size, root_hash, signed_note, created_at FROM checkpoints WHERE tree_size = ?",
        &[(size as i64).into()],
    )?;
    Ok(checkpoint_from(&rows))
}

/// Stores a checkpoint (a second one for the same size is ignored).
pub fn insert_checkpoint(
    db: &dyn Db,
    size: u64,
    root: &Hash,
    note: &str,
    now: &str,
) -> Result<(), DbError> {
    db.execute(
        "INSERT OR IGNORE INTO checkpoints (tree_size, root_hash, signed_note, created_at) VALUES (?, ?, ?, ?)",
        &[(size as i64).into(), root.to_vec().into(), note.into(), now.into()],
    )?;
    Ok(())
}

/// Leaves `[start, start + limit)`: (index, canonical bytes).
pub fn leaves(db: &dyn Db, start: u64, limit: u64) -> Result<Vec<(u64, Vec<u8>)>, DbError> {
    let rows = db.execute(
        "SELECT leaf_index, leaf_data FROM log_leaves WHERE leaf_index >= ? ORDER BY leaf_index LIMIT ?",
        &[(start as i64).into(), (limit as i64).into()],
    )?;
    Ok(rows
        .iter()
        .map(|r| (r.int("leaf_index") as u64, r.blob("leaf_data")))
        .collect())
}
