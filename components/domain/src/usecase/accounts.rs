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
        let new = users::NewUser {
            name,
            role,
            token_hash,
            invitation_id: None,
            campaign_id: None,
        };
        let id = add(db, origin, &new, &now)?;
        Ok((id, now.clone()))
    })
}

/// Inside the caller's transaction: the user row and its `user_created` entry; the
/// new id.
pub(crate) fn add(
    db: &dyn Db,
    origin: &Origin,
    new: &users::NewUser,
    now: &str,
) -> Result<i64, DbError> {
    let id = users::insert(db, new, now)?;
    let mut data = json!({ "user_id": id, "role": new.role });
    if let Some(campaign) = new.campaign_id {
        data["campaign_id"] = campaign.into();
    }
    origin.log(db, Activity::UserCreated, None, data, now)?;
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

/// The admin gives active user `id` the role `role`, with a `role_changed` entry
/// (none when it already had it); false when there is no such active user.
pub fn change_role(db: &dyn Db, origin: &Origin, id: i64, role: Role) -> Result<bool, DbError> {
    let now = crate::clock::now();
    transaction(db, || {
        let before = users::role(db, id)?;
        if !users::set_role(db, id, role)? {
            return Ok(false);
        }
        if before != Some(role) {
            let data = json!({ "user_id": id, "role": role, "was": before });
            origin.log(db, Activity::RoleChanged, Some(id), data, &now)?;
        }
        Ok(true)
    })
}

/// The admin revokes active user `id`'s token: it is dead when this returns. The user
/// gets the token whose hash is `token_hash`, which the admin either hands over
/// (`reissued`) or throws away. A `token_revoked` entry; false when there is no such
/// active user.
pub fn revoke_token(
    db: &dyn Db,
    origin: &Origin,
    id: i64,
    token_hash: &str,
    reissued: bool,
) -> Result<bool, DbError> {
    let now = crate::clock::now();
    transaction(db, || {
        if !users::set_token_hash(db, id, token_hash)? {
            return Ok(false);
        }
        let data = json!({ "user_id": id, "reissued": reissued });
        origin.log(db, Activity::TokenRevoked, Some(id), data, &now)?;
        Ok(true)
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
