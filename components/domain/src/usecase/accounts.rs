//! Accounts: the admin creates a contributor or a reviewer, with its
//! `user_created` entry; a user replaces their own token, with a `token_rotated`
//! entry. (Closing an account is `erasure::close_account`.)

use crate::context::Origin;
use crate::db::{transaction, Db, DbError};
use crate::store::activity::Activity;
use crate::store::users::{self, Role};
use serde_json::json;

/// Creates user `name` with `role` and the hash of its token; the new id and when it
/// was created.
pub fn create(
    db: &dyn Db,
    origin: &Origin,
    name: &str,
    role: Role,
    token_hash: &str,
) -> Result<(i64, String), DbError> {
    let now = crate::clock::now();
    transaction(db, || {
        let id = add(db, origin, name, role, token_hash, None, &now)?;
        Ok((id, now.clone()))
    })
}

/// Inside the caller's transaction: the user row (joined by `invitation`, if any) and
/// its `user_created` entry; the new id.
pub(crate) fn add(
    db: &dyn Db,
    origin: &Origin,
    name: &str,
    role: Role,
    token_hash: &str,
    invitation: Option<i64>,
    now: &str,
) -> Result<i64, DbError> {
    let id = users::insert(db, name, role, token_hash, invitation, now)?;
    origin.log(
        db,
        Activity::UserCreated,
        None,
        json!({ "user_id": id, "role": role }),
        now,
    )?;
    Ok(id)
}

/// Gives active user `id` the token whose hash is `token_hash`; the old token is dead
/// when this returns. The time of the change, or `None` if the account is closed.
pub fn rotate_token(
    db: &dyn Db,
    origin: &Origin,
    id: i64,
    token_hash: &str,
) -> Result<Option<String>, DbError> {
    let now = crate::clock::now();
    transaction(db, || {
        if !users::set_token_hash(db, id, token_hash)? {
            return Ok(None);
        }
        origin.log(
            db,
            Activity::TokenRotated,
            Some(id),
            json!({ "user_id": id }),
            &now,
        )?;
        Ok(Some(now.clone()))
    })
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    #[test]
    fn a_new_reviewer_has_the_role_and_an_entry() {
        let db = fixture::db();
        let (id, _) = create(&db, &Origin::default(), "Rita", Role::Reviewer, "h").unwrap();
        assert_eq!(users::role(&db, id).unwrap(), Some(Role::Reviewer));
        assert_eq!(
            users::find_active_by_token_hash(&db, "h")
                .unwrap()
                .map(|u| u.0),
            Some(id)
        );
        assert_eq!(fixture::activity_types(&db), ["user_created"]);
    }

    #[test]
    fn a_rotated_token_replaces_the_old_one_at_once_and_is_logged() {
        let db = fixture::db();
        let (id, _) = create(&db, &Origin::default(), "Ada", Role::Contributor, "old").unwrap();
        let at = rotate_token(&db, &Origin::default(), id, "new").unwrap();
        assert!(at.is_some());
        assert_eq!(users::find_active_by_token_hash(&db, "old").unwrap(), None);
        assert_eq!(
            users::find_active_by_token_hash(&db, "new")
                .unwrap()
                .map(|u| u.0),
            Some(id)
        );
        assert_eq!(
            fixture::activity_types(&db),
            ["user_created", "token_rotated"]
        );
        users::close(&db, id).unwrap();
        assert_eq!(
            rotate_token(&db, &Origin::default(), id, "newer").unwrap(),
            None
        );
    }
}
