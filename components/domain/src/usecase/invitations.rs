//! Invitations as a use-case: the admin makes one (a role, an expiry, a number of
//! uses) or revokes it; a person redeems its code for an account. Redeeming takes a
//! use and creates the user in one transaction, so two people racing for the last use
//! get exactly one account. Each owns its transaction and its activity entry.

use super::{accounts, db_failures};
use crate::context::Origin;
use crate::db::{transaction, Db, DbError};
use crate::store::activity::Activity;
use crate::store::invitations::{self, Invitation, NewInvitation};
use crate::store::users::{self, Role};
use serde_json::json;

/// Why a code bought no account.
#[derive(Debug)]
pub enum RedeemError {
    /// No invitation has this code.
    Unknown,
    /// The invitation exists but no longer works.
    Gone(Spent),
    /// The database failed.
    Db(DbError),
}

db_failures!(RedeemError);

/// How an invitation stopped working.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spent {
    /// The admin revoked it.
    Revoked,
    /// Its time ran out.
    Expired,
    /// Every use was taken.
    UsedUp,
}

impl Spent {
    /// Why `invitation` takes no more uses at `now`, if it does not.
    pub fn of(invitation: &Invitation, now: &str) -> Option<Spent> {
        if invitation.revoked_at.is_some() {
            Some(Spent::Revoked)
        } else if invitation.expires_at.as_str() <= now {
            Some(Spent::Expired)
        } else if invitation.uses >= invitation.max_uses {
            Some(Spent::UsedUp)
        } else {
            None
        }
    }
}

/// Stores a new invitation with its `invitation_created` entry.
pub fn create(db: &dyn Db, origin: &Origin, new: &NewInvitation) -> Result<Invitation, DbError> {
    let now = crate::clock::now();
    transaction(db, || {
        let invitation = invitations::insert(db, new, &now)?;
        let data = json!({
            "invitation_id": invitation.id, "role": invitation.role,
            "max_uses": invitation.max_uses, "expires_at": invitation.expires_at,
        });
        origin.log(db, Activity::InvitationCreated, None, data, &now)?;
        Ok(invitation)
    })
}

/// Revokes invitation `id` with its `invitation_revoked` entry (once); `None` if there
/// is no such invitation.
pub fn revoke(db: &dyn Db, origin: &Origin, id: i64) -> Result<Option<Invitation>, DbError> {
    let now = crate::clock::now();
    transaction(db, || {
        if invitations::revoke(db, id, &now)? {
            let data = json!({ "invitation_id": id });
            origin.log(db, Activity::InvitationRevoked, None, data, &now)?;
        }
        invitations::get(db, id)
    })
}

/// Who joined: the new user's id, role and creation time.
pub struct Joined {
    /// The new user.
    pub user_id: i64,
    /// The role the invitation gave.
    pub role: Role,
    /// When the account was made.
    pub created_at: String,
}

/// Redeems the invitation whose code has `code_hash` for a new account named `name`
/// holding the token whose hash is `token_hash`.
pub fn redeem(
    db: &dyn Db,
    origin: &Origin,
    code_hash: &str,
    name: &str,
    token_hash: &str,
) -> Result<Joined, RedeemError> {
    let now = crate::clock::now();
    transaction(db, || {
        let invitation =
            invitations::find_by_code_hash(db, code_hash)?.ok_or(RedeemError::Unknown)?;
        if !invitations::take_use(db, invitation.id, &now)? {
            // Read in this same transaction: the state that refused the use.
            let spent = Spent::of(&invitation, &now).unwrap_or(Spent::UsedUp);
            return Err(RedeemError::Gone(spent));
        }
        let new = users::NewUser {
            name,
            role: invitation.role,
            token_hash,
            invitation_id: Some(invitation.id),
            campaign_id: None,
        };
        let user_id = accounts::add(db, origin, &new, &now)?;
        let data = json!({ "invitation_id": invitation.id });
        origin.log(db, Activity::InvitationRedeemed, Some(user_id), data, &now)?;
        Ok(Joined {
            user_id,
            role: invitation.role,
            created_at: now.clone(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    fn invite(db: &dyn Db, code_hash: &str, max_uses: i64, expires_at: &str) -> Invitation {
        let new = NewInvitation {
            code_hash,
            role: Role::Reviewer,
            note: "for Rita",
            max_uses,
            expires_at,
        };
        create(db, &Origin::default(), &new).unwrap()
    }

    #[test]
    fn a_code_buys_one_account_per_use_with_the_invitations_role() {
        let db = fixture::db();
        let invitation = invite(&db, "c", 1, "2999-01-01T00:00:00Z");
        let joined = redeem(&db, &Origin::default(), "c", "Rita", "t1").unwrap();
        assert_eq!(joined.role, Role::Reviewer);
        assert_eq!(
            users::role(&db, joined.user_id).unwrap(),
            Some(Role::Reviewer)
        );
        assert!(matches!(
            redeem(&db, &Origin::default(), "c", "Sam", "t2"),
            Err(RedeemError::Gone(Spent::UsedUp))
        ));
        assert!(matches!(
            redeem(&db, &Origin::default(), "nope", "Sam", "t2"),
            Err(RedeemError::Unknown)
        ));
        assert_eq!(users::find_active_by_token_hash(&db, "t2").unwrap(), None);
        assert_eq!(
            fixture::activity_types(&db),
            ["invitation_created", "user_created", "invitation_redeemed"]
        );
        assert_eq!(invitations::list(&db).unwrap()[0].id, invitation.id);
    }

    #[test]
    fn an_expired_or_revoked_invitation_is_gone_and_says_why() {
        let db = fixture::db();
        invite(&db, "old", 5, "2000-01-01T00:00:00Z");
        assert!(matches!(
            redeem(&db, &Origin::default(), "old", "Sam", "t"),
            Err(RedeemError::Gone(Spent::Expired))
        ));
        let live = invite(&db, "live", 5, "2999-01-01T00:00:00Z");
        let revoked = revoke(&db, &Origin::default(), live.id).unwrap().unwrap();
        assert!(revoked.revoked_at.is_some());
        // Again: the same invitation, and no second entry.
        revoke(&db, &Origin::default(), live.id).unwrap();
        assert!(matches!(
            redeem(&db, &Origin::default(), "live", "Sam", "t"),
            Err(RedeemError::Gone(Spent::Revoked))
        ));
        assert_eq!(revoke(&db, &Origin::default(), 999).unwrap(), None);
        let revocations = fixture::activity_types(&db)
            .into_iter()
            .filter(|t| t == "invitation_revoked")
            .count();
        assert_eq!(revocations, 1);
    }
}
