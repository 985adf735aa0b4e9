//! The `campaigns` table: open collection drives anyone with the link may join,
//! limited by modality, caps and an end; their contribution counter is taken one
//! statement at a time, so the last allowed contribution goes to exactly one caller.

use crate::db::{Db, DbError, Row, Value};
use wire::media::Modality;

/// A campaign as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Campaign {
    /// Its id.
    pub id: i64,
    /// Its URL name (`/c/<slug>`).
    pub slug: String,
    /// Its title.
    pub name: String,
    /// The modalities it accepts.
    pub modalities: Vec<Modality>,
    /// What participants are asked to say or draw, one at a time.
    pub prompts: Vec<String>,
    /// Most contributions in all (`None`: no cap).
    pub max_contributions: Option<i64>,
    /// Most contributions per participant in any 24 hours (`None`: no cap).
    pub daily_cap: Option<i64>,
    /// Contributions taken so far.
    pub contributions: i64,
    /// When it stops taking part (`None`: when the admin closes it).
    pub ends_at: Option<String>,
    /// When the admin closed it.
    pub closed_at: Option<String>,
    /// When it was opened.
    pub created_at: String,
}

const COLUMNS: &str = "id, slug, name, modalities, prompts, max_contributions, daily_cap, \
    contributions, ends_at, closed_at, created_at";

fn from_row(r: Row) -> Campaign {
    Campaign {
        id: r.int("id"),
        slug: r.text("slug"),
        name: r.text("name"),
        modalities: r
            .text("modalities")
            .split(',')
            .filter_map(Modality::parse)
            .collect(),
        prompts: serde_json::from_str(&r.text("prompts")).unwrap_or_default(),
        max_contributions: r.opt_int("max_contributions"),
        daily_cap: r.opt_int("daily_cap"),
        contributions: r.int("contributions"),
        ends_at: r.opt_text("ends_at"),
        closed_at: r.opt_text("closed_at"),
        created_at: r.text("created_at"),
    }
}

/// What a new campaign says.
pub struct NewCampaign<'a> {
    /// Its URL name.
    pub slug: &'a str,
    /// Its title.
    pub name: &'a str,
    /// The modalities it accepts (at least one).
    pub modalities: &'a [Modality],
    /// Its prompts.
    pub prompts: &'a [String],
    /// Total cap.
    pub max_contributions: Option<i64>,
    /// Per participant per day cap.
    pub daily_cap: Option<i64>,
    /// Its end.
    pub ends_at: Option<&'a str>,
}

/// Stores a new campaign; `None` when the slug is taken.
pub fn insert(db: &dyn Db, new: &NewCampaign, now: &str) -> Result<Option<Campaign>, DbError> {
    let modalities: Vec<&str> = new.modalities.iter().map(|m| m.as_str()).collect();
    let prompts = serde_json::to_string(new.prompts).unwrap_or_else(|_| "[]".into());
    let rows = db.execute(
        &format!(
            "INSERT INTO campaigns (slug, name, modalities, prompts, max_contributions, daily_cap, ends_at, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (slug) DO NOTHING RETURNING {COLUMNS}"
        ),
        &[
            new.slug.into(),
            new.name.into(),
            modalities.join(",").into(),
            prompts.into(),
            new.max_contributions.into(),
            new.daily_cap.into(),
            new.ends_at.into(),
            now.into(),
        ],
    )?;
    Ok(rows.first().map(from_row))
}

/// The campaign with this slug, whatever its state.
pub fn find_by_slug(db: &dyn Db, slug: &str) -> Result<Option<Campaign>, DbError> {
    let rows = db.execute(
        &format!("SELECT {COLUMNS} FROM campaigns WHERE slug = ?"),
        &[slug.into()],
    )?;
    Ok(rows.first().map(from_row))
}

/// One campaign.
pub fn get(db: &dyn Db, id: i64) -> Result<Option<Campaign>, DbError> {
    let rows = db.execute(
        &format!("SELECT {COLUMNS} FROM campaigns WHERE id = ?"),
        &[Value::from(id)],
    )?;
    Ok(rows.first().map(from_row))
}

/// Every campaign, newest first, with its number of participants.
pub fn list(db: &dyn Db) -> Result<Vec<(Campaign, i64)>, DbError> {
    let rows = db.execute(
        &format!(
            "SELECT {COLUMNS}, (SELECT COUNT(*) FROM users u WHERE u.campaign_id = campaigns.id) AS participants \
             FROM campaigns ORDER BY id DESC"
        ),
        &[],
    )?;
    Ok(rows
        .iter()
        .map(|r| {
            let participants = r.int("participants");
            (from_row(r), participants)
        })
        .collect())
}

/// Takes one contribution of campaign `id` if it is open at `now` and under its cap;
/// false otherwise. One statement, so two racing contributors cannot both take the
/// last one.
pub fn take_contribution(db: &dyn Db, id: i64, now: &str) -> Result<bool, DbError> {
    let rows = db.execute(
        "UPDATE campaigns SET contributions = contributions + 1 \
         WHERE id = ? AND closed_at IS NULL AND (ends_at IS NULL OR ends_at > ?) \
         AND (max_contributions IS NULL OR contributions < max_contributions) RETURNING id",
        &[id.into(), now.into()],
    )?;
    Ok(!rows.rows.is_empty())
}

/// Closes campaign `id` unless it is already closed; whether this call did.
pub fn close(db: &dyn Db, id: i64, now: &str) -> Result<bool, DbError> {
    let rows = db.execute(
        "UPDATE campaigns SET closed_at = ? WHERE id = ? AND closed_at IS NULL RETURNING id",
        &[now.into(), id.into()],
    )?;
    Ok(!rows.rows.is_empty())
}

/// How many contributions `user_id` made to campaign `id` after `since`, and when the
/// oldest of them was made (for the daily cap's sliding day).
pub fn contributions_since(
    db: &dyn Db,
    id: i64,
    user_id: i64,
    since: &str,
) -> Result<(i64, Option<String>), DbError> {
    let rows = db.execute(
        "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM training_contributions INDEXED BY contributions_campaign \
         WHERE campaign_id = ? AND user_id = ? AND created_at > ?",
        &[id.into(), user_id.into(), since.into()],
    )?;
    Ok(rows
        .first()
        .map(|r| (r.int("n"), r.opt_text("oldest")))
        .unwrap_or((0, None)))
}
