//! Contributors' data rights: erasing a contribution so nothing of its content stays,
//! while its public log leaf remains and can no longer be linked to anything; and
//! closing an account, which erases every contribution of its owner. The two
//! use-cases own their transactions; `erase_contribution` is the step they (and the
//! quality cleanup) share inside theirs.

use crate::context::Origin;
use crate::db::{transaction, Db, DbError};
use crate::store::activity::Activity;
use crate::store::contributions::{self, Contribution};
use crate::store::{
    blobs, imports, jobs, lore, pii_findings, release_pii, release_rows, release_withdrawals,
    releases, review_leases, review_votes, text_versions, users,
};
use serde_json::json;

/// Deletes one contribution for `user_id` (its owner, or `None` for the admin) with
/// its `contribution_deleted` entry, then flushes the WAL.
pub fn delete_contribution(
    db: &dyn Db,
    origin: &Origin,
    user_id: Option<i64>,
    row: &Contribution,
) -> Result<(), DbError> {
    let now = crate::clock::now();
    transaction(db, || {
        erase_contribution(db, row.id, &now)?;
        let data = json!({ "contribution_id": row.id, "leaf_index": row.leaf_index });
        origin.log(db, Activity::ContributionDeleted, user_id, data, &now)?;
        Ok::<_, DbError>(())
    })?;
    flush_erased(db);
    Ok(())
}

/// Closes user `uid`'s account: every contribution erased, the token revoked, the
/// name and the lore profile gone, with an `account_deleted` entry; how many
/// contributions were erased.
pub fn close_account(db: &dyn Db, origin: &Origin, uid: i64) -> Result<usize, DbError> {
    let now = crate::clock::now();
    let erased = transaction(db, || {
        let ids = contributions::ids_of_user(db, uid)?;
        for id in &ids {
            erase_contribution(db, *id, &now)?;
        }
        users::close(db, uid)?;
        lore::delete(db, uid)?;
        imports::drop_bodies_of(db, uid)?;
        let data = json!({ "erased_contributions": ids.len() });
        origin.log(db, Activity::AccountDeleted, Some(uid), data, &now)?;
        Ok::<_, DbError>(ids.len())
    })?;
    flush_erased(db);
    Ok(erased)
}

/// Erases one contribution inside the caller's transaction: content, every version of
/// its text, salt and owner go, a reviewer's lease ends, the blob goes unless another
/// live row shares it, unfinished jobs are cancelled, and a tombstone keeps the log
/// consistent. A published release that holds the row lists it as withdrawn (by leaf
/// and commitment) in the public deletions list; a release still building drops it.
pub fn erase_contribution(db: &dyn Db, id: i64, now: &str) -> Result<(), DbError> {
    // Where the backend allows it (Spin's SQLite), freed space is zeroed as well,
    // index entries included (the adapter turns it on for every connection, so space
    // freed by earlier page splits was zeroed too); remote libSQL refuses the pragma,
    // and the in-place overwrite in `contributions::erase` and
    // `blobs::delete_if_unreferenced` is what remains there (README, "Your data").
    let _ = db.execute("PRAGMA secure_delete = ON", &[]);
    if let Some(blob) = contributions::erase(db, id, now)? {
        blobs::delete_if_unreferenced(db, &blob)?;
    }
    text_versions::erase(db, id)?;
    pii_findings::erase(db, id)?;
    release_withdrawals::withdraw(db, id, now)?;
    releases::rehash_building_with(db, id)?;
    release_rows::leave_building(db, id)?;
    release_pii::erase(db, id)?;
    review_votes::erase(db, id)?;
    review_leases::release(db, id)?;
    jobs::cancel_for(db, id, now)
}

/// After an erasure has committed: copies the WAL into the database file and empties
/// it, so the erased rows' earlier page images leave the WAL file too. Best effort: a
/// reader holding an old snapshot keeps its frames until the next checkpoint, and
/// remote libSQL manages its own WAL.
pub fn flush_erased(db: &dyn Db) {
    let _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)", &[]);
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;
    use crate::store::merkle;
    use wire::lifecycle::JobState;

    #[test]
    fn deleting_a_contribution_erases_it_cancels_its_job_and_keeps_its_leaf() {
        let db = fixture::db();
        let ada = fixture::user(&db, "Ada");
        let shot = fixture::screenshot(&db, ada, "a");
        let job = shot.job_id.unwrap();
        delete_contribution(&db, &Origin::default(), Some(ada), &shot.row).unwrap();
        assert!(contributions::get(&db, shot.row.id).unwrap().is_none());
        assert_eq!(
            jobs::get(&db, job).unwrap().unwrap().state,
            JobState::Cancelled
        );
        assert!(contributions::media(&db, shot.row.id).unwrap().is_none());
        assert_eq!(merkle::size(&db).unwrap(), 1, "the leaf stays, unlinkable");
        assert_eq!(
            fixture::activity_types(&db).last().map(String::as_str),
            Some("contribution_deleted")
        );
    }

    #[test]
    fn closing_an_account_erases_every_contribution_of_its_owner_only() {
        let db = fixture::db();
        let ada = fixture::user(&db, "Ada");
        let grace = fixture::user(&db, "Grace");
        let a1 = fixture::text(&db, ada, "one").row.id;
        let a2 = fixture::screenshot(&db, ada, "two").row.id;
        let g1 = fixture::text(&db, grace, "mine").row.id;
        assert_eq!(close_account(&db, &Origin::default(), ada).unwrap(), 2);
        assert!(contributions::get(&db, a1).unwrap().is_none());
        assert!(contributions::get(&db, a2).unwrap().is_none());
        assert!(text_versions::list(&db, a1).unwrap().is_empty());
        assert!(contributions::get(&db, g1).unwrap().is_some());
        assert!(users::find_active_by_token_hash(&db, "hash-of-Ada")
            .unwrap()
            .is_none());
        assert!(users::find_active_by_token_hash(&db, "hash-of-Grace")
            .unwrap()
            .is_some());
    }
}
