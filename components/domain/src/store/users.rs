//! The `users` table.

use crate::db::{Db, DbError, Value};

wire::names! {
    /// What a user may do: every user contributes; a reviewer also reviews; an
    /// adjudicator also settles disagreements.
    pub enum Role {
        /// Contributes (the default).
        Contributor = "contributor",
        /// Contributes and reviews others' rows.
        Reviewer = "reviewer",
        /// Reviews, and settles rows whose reviewers disagree.
        Adjudicator = "adjudicator",
    }
}

/// What a new user row says.
pub struct NewUser<'a> {
    /// Display name.
    pub name: &'a str,
    /// What they may do.
    pub role: Role,
    /// SHA-256 of their token.
    pub token_hash: &'a str,
    /// The invitation they joined by, if any.
    pub invitation_id: Option<i64>,
    /// The campaign an anonymous participant joined, if any.
    pub campaign_id: Option<i64>,
}

/// Creates a user (anonymous when it comes from a campaign); returns the new id.
pub fn insert(db: &dyn Db, new: &NewUser, created_at: &str) -> Result<i64, DbError> {
    let rows = db.execute(
        "INSERT INTO users (name, role, token_hash, invitation_id, campaign_id, anonymous, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        &[
            new.name.into(),
            new.role.as_str().into(),
            new.token_hash.into(),
            new.invitation_id.into(),
            new.campaign_id.into(),
            i64::from(new.campaign_id.is_some()).into(),
            created_at.into(),
        ],
    )?;
    Ok(rows.first().map(|r| r.int("id")).unwrap_or(0))
}

/// The active user holding this token hash: (id, day of the last recorded login).
pub fn find_active_by_token_hash(
    db: &dyn Db,
    token_hash: &str,
) -> Result<Option<(i64, Option<String>)>, DbError> {
    let rows = db.execute(
        "SELECT id, last_login_day FROM users WHERE token_hash = ? AND active = 1",
        &[Value::from(token_hash)],
    )?;
    Ok(rows
        .first()
        .map(|r| (r.int("id"), r.opt_text("last_login_day"))))
}

/// Records the day of a user's login; false when it was already recorded (a racing
/// request got there first).
pub fn mark_login_day(db: &dyn Db, id: i64, day: &str) -> Result<bool, DbError> {
    let rows = db.execute(
        "UPDATE users SET last_login_day = ? WHERE id = ? AND IFNULL(last_login_day, '') <> ? RETURNING id",
        &[day.into(), id.into(), day.into()],
    )?;
    Ok(!rows.rows.is_empty())
}

/// Gives an active user a new token hash: the old token stops working at once.
/// False when the user is closed or absent.
pub fn set_token_hash(db: &dyn Db, id: i64, token_hash: &str) -> Result<bool, DbError> {
    let rows = db.execute(
        "UPDATE users SET token_hash = ? WHERE id = ? AND active = 1 RETURNING id",
        &[token_hash.into(), id.into()],
    )?;
    Ok(!rows.rows.is_empty())
}

/// Gives user `id` a new role; false when there is no such active user.
pub fn set_role(db: &dyn Db, id: i64, role: Role) -> Result<bool, DbError> {
    let rows = db.execute(
        "UPDATE users SET role = ? WHERE id = ? AND active = 1 RETURNING id",
        &[role.as_str().into(), id.into()],
    )?;
    Ok(!rows.rows.is_empty())
}

/// The campaign an anonymous participant belongs to, if they are one.
pub fn campaign_of(db: &dyn Db, id: i64) -> Result<Option<i64>, DbError> {
    let rows = db.execute("SELECT campaign_id FROM users WHERE id = ?", &[id.into()])?;
    Ok(rows.first().and_then(|r| r.opt_int("campaign_id")))
}

/// A user's role.
pub fn role(db: &dyn Db, id: i64) -> Result<Option<Role>, DbError> {
    let rows = db.execute("SELECT role FROM users WHERE id = ?", &[id.into()])?;
    Ok(rows.first().and_then(|r| Role::parse(&r.text("role"))))
}

/// One person as the people list shows them.
pub fn person(db: &dyn Db, id: i64) -> Result<Option<Person>, DbError> {
    let filter = PeopleFilter {
        id: Some(id),
        ..PeopleFilter::default()
    };
    Ok(list(db, &filter, 1)?.pop())
}

/// A user's public account fields: (name, created_at, active).
pub fn get(db: &dyn Db, id: i64) -> Result<Option<(String, String, bool)>, DbError> {
    let rows = db.execute(
        "SELECT name, created_at, active FROM users WHERE id = ?",
        &[id.into()],
    )?;
    Ok(rows
        .first()
        .map(|r| (r.text("name"), r.text("created_at"), r.int("active") != 0)))
}

/// Closes an account for good: the token is revoked and the name erased (the row
/// stays, so ids in the activity log keep pointing at a closed account).
pub fn close(db: &dyn Db, id: i64) -> Result<(), DbError> {
    db.execute(
        "UPDATE users SET active = 0, name = '' WHERE id = ?",
        &[id.into()],
    )?;
    Ok(())
}

/// One user as the admin's people list shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    /// Their id.
    pub id: i64,
    /// Display name (empty once closed).
    pub name: String,
    /// What they may do.
    pub role: Role,
    /// A campaign's anonymous participant.
    pub anonymous: bool,
    /// The slug of the campaign they joined, if any.
    pub campaign: Option<String>,
    /// The invitation they joined by, if any.
    pub invitation_id: Option<i64>,
    /// When the account was made.
    pub created_at: String,
    /// The last (UTC) day they used their token.
    pub last_seen: Option<String>,
    /// Their live contributions.
    pub contributions: i64,
    /// False once the account is closed.
    pub active: bool,
}

/// Which people a listing shows; every field narrows it.
#[derive(Debug, Default, Clone)]
pub struct PeopleFilter {
    /// Only the person with this id.
    pub id: Option<i64>,
    /// Only this role.
    pub role: Option<Role>,
    /// Only anonymous participants (true) or only named people (false).
    pub anonymous: Option<bool>,
    /// Only open (true) or closed (false) accounts.
    pub active: Option<bool>,
    /// Only the participants of the campaign with this slug.
    pub campaign: Option<String>,
    /// Only ids below this (the page cursor).
    pub before_id: Option<i64>,
}

/// A newest-first page of at most `limit` people matching `filter`.
pub fn list(db: &dyn Db, filter: &PeopleFilter, limit: usize) -> Result<Vec<Person>, DbError> {
    let mut sql = String::from(
        "SELECT u.id, u.name, u.role, u.anonymous, c.slug AS campaign, u.invitation_id, u.created_at, \
         u.last_login_day, u.active, (SELECT COUNT(*) FROM training_contributions t \
         WHERE t.user_id = u.id AND t.deleted_at IS NULL) AS contributions \
         FROM users u LEFT JOIN campaigns c ON c.id = u.campaign_id WHERE 1 = 1",
    );
    let mut params: Vec<Value> = Vec::new();
    let mut narrow = |clause: &str, value: Value| {
        sql.push_str(" AND ");
        sql.push_str(clause);
        params.push(value);
    };
    if let Some(id) = filter.id {
        narrow("u.id = ?", id.into());
    }
    if let Some(role) = filter.role {
        narrow("u.role = ?", role.as_str().into());
    }
    if let Some(anonymous) = filter.anonymous {
        narrow("u.anonymous = ?", i64::from(anonymous).into());
    }
    if let Some(active) = filter.active {
        narrow("u.active = ?", i64::from(active).into());
    }
    if let Some(slug) = &filter.campaign {
        narrow("c.slug = ?", slug.as_str().into());
    }
    if let Some(id) = filter.before_id {
        narrow("u.id < ?", id.into());
    }
    sql.push_str(&format!(" ORDER BY u.id DESC LIMIT {limit}"));
    let rows = db.execute(&sql, &params)?;
    Ok(rows
        .iter()
        .map(|r| Person {
            id: r.int("id"),
            name: r.text("name"),
            role: Role::parse(&r.text("role")).unwrap_or(Role::Contributor),
            anonymous: r.int("anonymous") != 0,
            campaign: r.opt_text("campaign"),
            invitation_id: r.opt_int("invitation_id"),
            created_at: r.text("created_at"),
            last_seen: r.opt_text("last_login_day"),
            contributions: r.int("contributions"),
            active: r.int("active") != 0,
        })
        .collect())
}
