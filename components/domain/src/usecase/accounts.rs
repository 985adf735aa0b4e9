//! Accounts: the admin creates a contributor or a reviewer, with its
//! `user_created` entry. (Closing an account is `erasure::close_account`.)

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
        let id = users::insert(db, name, role, token_hash, &now)?;
        origin.log(
            db,
            Activity::UserCreated,
            None,
            json!({ "user_id": id, "role": role }),
            &now,
        )?;
        Ok((id, now.clone()))
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
}
