//! An encrypted snapshot the admin's worker wrote, recorded with its `snapshot`
//! entry so the dashboard and the activity log know which checkpoint it matches.

use crate::context::Origin;
use crate::db::{transaction, Db, DbError};
use crate::store::activity::Activity;
use crate::store::snapshots;
use serde_json::json;
use wire::snapshot::Record;

/// Records `snapshot` (already validated); its id and when it was recorded.
pub fn record(db: &dyn Db, origin: &Origin, snapshot: &Record) -> Result<(i64, String), DbError> {
    let now = crate::clock::now();
    let Record {
        file_name,
        sha256,
        tree_size,
        root_hash,
    } = snapshot;
    transaction(db, || {
        let id = snapshots::insert(db, file_name, sha256, *tree_size, root_hash, &now)?;
        let data = json!({ "snapshot_id": id, "file_name": file_name, "sha256": sha256, "tree_size": tree_size });
        origin.log(db, Activity::Snapshot, None, data, &now)?;
        Ok((id, now.clone()))
    })
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    #[test]
    fn a_snapshot_is_recorded_with_its_entry() {
        let db = fixture::db();
        let snapshot = Record {
            file_name: "tds-1.age".into(),
            sha256: "ab".repeat(32),
            tree_size: 0,
            root_hash: String::new(),
        };
        let (id, _) = record(&db, &Origin::default(), &snapshot).unwrap();
        assert!(id > 0);
        assert_eq!(fixture::activity_types(&db), ["snapshot"]);
    }
}
