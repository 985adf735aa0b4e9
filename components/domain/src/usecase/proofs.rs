//! The contribution log's use-cases that write: reading its checkpoint (signed first
//! when the log grew), a QR scan that reads it, a witness's verified cosignature kept,
//! and the rows a published checkpoint covers marked. Each owns its transaction and
//! records its activity entry beside what it writes.

use crate::context::Origin;
use crate::db::{transaction, Db, DbError};
use crate::ledger;
use crate::store::activity::Activity;
use crate::store::merkle::StoredCheckpoint;
use crate::store::{contributions, witnesses};
use serde_json::json;
use tlog::checkpoint::LogKey;

/// The latest checkpoint, signing a new one first when the log grew and a key is given.
pub fn checkpoint(db: &dyn Db, key: Option<&LogKey>) -> Result<Option<StoredCheckpoint>, DbError> {
    let now = crate::clock::now();
    transaction(db, || ledger::current_checkpoint(db, key, &now))
}

/// A verify page was opened for leaf `index` (its QR code was scanned): the `qr_scan`
/// entry, then the checkpoint as [`checkpoint`] reads it (binding that entry in).
pub fn scanned(
    db: &dyn Db,
    origin: &Origin,
    index: u64,
    key: Option<&LogKey>,
) -> Result<Option<StoredCheckpoint>, DbError> {
    let now = crate::clock::now();
    transaction(db, || {
        origin.log(
            db,
            Activity::QrScan,
            None,
            json!({ "leaf_index": index }),
            &now,
        )?;
        ledger::current_checkpoint(db, key, &now)
    })
}

/// A witness's cosignature of the checkpoint of `tree_size`, already verified.
pub struct Cosigned<'a> {
    /// The witness's name.
    pub witness: &'a str,
    /// The cosigned checkpoint's size.
    pub tree_size: u64,
    /// The cosignature's timestamp (POSIX seconds).
    pub signed_at: u64,
    /// The signature line.
    pub line: &'a str,
}

/// Keeps a verified cosignature, with its `witness_cosigned` entry.
pub fn keep_cosignature(db: &dyn Db, origin: &Origin, c: &Cosigned) -> Result<(), DbError> {
    let now = crate::clock::now();
    transaction(db, || {
        witnesses::insert(db, c.witness, c.tree_size, c.signed_at, c.line, &now)?;
        let data =
            json!({ "witness": c.witness, "tree_size": c.tree_size, "signed_at": c.signed_at });
        origin.log(db, Activity::WitnessCosigned, None, data, &now)
    })
}

/// Marks the rows the published checkpoint of `size` (root `root_hex`) covers, with
/// its `published` entry; how many rows were marked.
pub fn mark_published(
    db: &dyn Db,
    origin: &Origin,
    size: u64,
    root_hex: &str,
) -> Result<u64, DbError> {
    let now = crate::clock::now();
    transaction(db, || {
        let marked = contributions::mark_published(db, size, root_hex, &now)?;
        let data = json!({ "tree_size": size, "root_hash": root_hex, "rows": marked });
        origin.log(db, Activity::Published, None, data, &now)?;
        Ok(marked)
    })
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    #[test]
    fn a_scan_is_logged_and_bound_into_the_checkpoint_it_reads() {
        let db = fixture::db();
        let ada = fixture::user(&db, "Ada");
        fixture::text(&db, ada, "one");
        let key = LogKey::from_seed([7; 32], "test.example/log").unwrap();
        assert!(
            checkpoint(&db, None).unwrap().is_none(),
            "no key, nothing signed"
        );
        let cp = scanned(&db, &Origin::default(), 0, Some(&key))
            .unwrap()
            .unwrap();
        assert_eq!(cp.size, 1);
        let head = crate::store::activity::head(&db).unwrap().unwrap();
        assert!(
            cp.note.contains(&ledger::activity_extension(&head)),
            "{}",
            cp.note
        );
        assert_eq!(
            fixture::activity_types(&db).last().map(String::as_str),
            Some("qr_scan")
        );
        // Read again without growth: the same checkpoint.
        assert_eq!(checkpoint(&db, Some(&key)).unwrap().unwrap().note, cp.note);
        assert_eq!(mark_published(&db, &Origin::default(), 1, "00").unwrap(), 1);
    }
}
