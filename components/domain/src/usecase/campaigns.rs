//! Open collection campaigns as a use-case: the admin opens or closes one; anyone
//! with its link joins as an anonymous participant; a participant's contribution is
//! admitted or refused by the campaign's state, its caps and the per-address limits.
//! Joining owns its transaction; [`admit_contribution`] runs inside intake's.

use super::{accounts, db_failures};
use crate::context::Origin;
use crate::db::{transaction, Db, DbError};
use crate::hashing::sha256_hex;
use crate::store::activity::Activity;
use crate::store::campaigns::{self, Campaign, NewCampaign};
use crate::store::client_events::{self, Bucket};
use crate::store::users::{NewUser, Role};
use serde_json::json;
use time::OffsetDateTime;

/// Why taking part in a campaign was refused.
#[derive(Debug)]
pub enum CampaignError {
    /// No campaign has this slug.
    Unknown,
    /// It no longer takes part.
    Gone(Ended),
    /// A limit was reached; the client may try again after `retry_after` seconds.
    TooMany(TooMany),
    /// The database failed.
    Db(DbError),
}

db_failures!(CampaignError);

/// How a campaign stopped taking part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The admin closed it.
    Closed,
    /// Its end date passed.
    Ended,
    /// It has every contribution it asked for.
    Full,
}

impl Ended {
    /// Why `campaign` takes no part at `now`, if it does not.
    pub fn of(campaign: &Campaign, now: &str) -> Option<Ended> {
        if campaign.closed_at.is_some() {
            Some(Ended::Closed)
        } else if campaign.ends_at.as_deref().is_some_and(|end| end <= now) {
            Some(Ended::Ended)
        } else if campaign
            .max_contributions
            .is_some_and(|max| campaign.contributions >= max)
        {
            Some(Ended::Full)
        } else {
            None
        }
    }
}

/// Which limit was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Joins from one client address in an hour.
    JoinsPerAddress,
    /// Campaign contributions from one client address in an hour.
    ContributionsPerAddress,
    /// One participant's contributions to the campaign in 24 hours.
    DailyCap,
}

/// A limit reached, and when the client may go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooMany {
    /// Which limit.
    pub limit: Limit,
    /// Seconds until one more is allowed.
    pub retry_after: u64,
}

/// Opens a campaign with its `campaign_opened` entry; `None` when the slug is taken.
pub fn open(db: &dyn Db, origin: &Origin, new: &NewCampaign) -> Result<Option<Campaign>, DbError> {
    let now = crate::clock::now();
    transaction(db, || {
        let Some(campaign) = campaigns::insert(db, new, &now)? else {
            return Ok(None);
        };
        let data = json!({ "campaign_id": campaign.id, "slug": campaign.slug });
        origin.log(db, Activity::CampaignOpened, None, data, &now)?;
        Ok(Some(campaign))
    })
}

/// Closes campaign `id` with its `campaign_closed` entry (once): nobody joins or
/// contributes to it from now on. `None` if there is no such campaign.
pub fn close(db: &dyn Db, origin: &Origin, id: i64) -> Result<Option<Campaign>, DbError> {
    let now = crate::clock::now();
    transaction(db, || {
        if campaigns::close(db, id, &now)? {
            origin.log(
                db,
                Activity::CampaignClosed,
                None,
                json!({ "campaign_id": id }),
                &now,
            )?;
        }
        campaigns::get(db, id)
    })
}

/// Who joined: the new participant and their campaign.
pub struct Participant {
    /// The new (anonymous) user.
    pub user_id: i64,
    /// The campaign they joined.
    pub campaign: Campaign,
    /// When.
    pub created_at: String,
}

/// Makes an anonymous participant of the campaign `slug`, holding the token whose hash
/// is `token_hash`, unless the campaign is over or the client's address joined
/// `joins_per_hour` times in the last hour.
pub fn join(
    db: &dyn Db,
    origin: &Origin,
    slug: &str,
    token_hash: &str,
    joins_per_hour: i64,
) -> Result<Participant, CampaignError> {
    let at = OffsetDateTime::now_utc();
    let now = crate::clock::format(at);
    transaction(db, || {
        let campaign = campaigns::find_by_slug(db, slug)?.ok_or(CampaignError::Unknown)?;
        if let Some(ended) = Ended::of(&campaign, &now) {
            return Err(CampaignError::Gone(ended));
        }
        within_limit(db, origin, Bucket::Join, joins_per_hour, at)?;
        let new = NewUser {
            name: "",
            role: Role::Contributor,
            token_hash,
            invitation_id: None,
            campaign_id: Some(campaign.id),
        };
        let user_id = accounts::add(db, origin, &new, &now)?;
        let data = json!({ "campaign_id": campaign.id });
        origin.log(db, Activity::ParticipantJoined, Some(user_id), data, &now)?;
        Ok(Participant {
            user_id,
            campaign: campaign.clone(),
            created_at: now.clone(),
        })
    })
}

/// Inside intake's transaction, before a new row of `user_id` counts for `campaign`:
/// the campaign still takes part, the client's address is under `per_hour` campaign
/// contributions in the last hour, the participant under the daily cap, and the
/// campaign under its total cap (taken in one statement, so the last allowed
/// contribution goes to one caller).
pub fn admit_contribution(
    db: &dyn Db,
    origin: &Origin,
    campaign: &Campaign,
    user_id: i64,
    per_hour: i64,
) -> Result<(), CampaignError> {
    let at = OffsetDateTime::now_utc();
    let now = crate::clock::format(at);
    // Over is over, whatever the limits say: that answer comes first.
    let current = campaigns::get(db, campaign.id)?.ok_or(CampaignError::Unknown)?;
    if let Some(ended) = Ended::of(&current, &now) {
        return Err(CampaignError::Gone(ended));
    }
    within_limit(db, origin, Bucket::Contribute, per_hour, at)?;
    if let Some(cap) = campaign.daily_cap {
        // A sliding day: the participant's rows of the last 24 hours.
        let day = time::Duration::days(1);
        let since = crate::clock::format(at - day);
        let (count, oldest) = campaigns::contributions_since(db, campaign.id, user_id, &since)?;
        // The row being admitted is already inserted, so it counts itself.
        if count > cap {
            let free_at = oldest
                .as_deref()
                .and_then(crate::clock::instant)
                .unwrap_or(at)
                + day;
            return Err(CampaignError::TooMany(TooMany {
                limit: Limit::DailyCap,
                retry_after: crate::clock::seconds_until(free_at, at),
            }));
        }
    }
    if !campaigns::take_contribution(db, campaign.id, &now)? {
        // Read above in this same transaction: only the cap can have refused it.
        return Err(CampaignError::Gone(Ended::Full));
    }
    Ok(())
}

/// Records one `bucket` event of the request's client address, or refuses it when the
/// address had `per_hour` of them in the hour before `at`.
fn within_limit(
    db: &dyn Db,
    origin: &Origin,
    bucket: Bucket,
    per_hour: i64,
    at: OffsetDateTime,
) -> Result<(), CampaignError> {
    let client = sha256_hex(origin.ip_address.as_deref().unwrap_or("unknown").as_bytes());
    let hour = time::Duration::hours(1);
    let since = crate::clock::format(at - hour);
    let now = crate::clock::format(at);
    let Some(oldest) = client_events::record_within(db, bucket, &client, &since, per_hour, &now)?
    else {
        return Ok(());
    };
    let free_at = crate::clock::instant(&oldest).unwrap_or(at) + hour;
    Err(CampaignError::TooMany(TooMany {
        limit: match bucket {
            Bucket::Join => Limit::JoinsPerAddress,
            Bucket::Contribute => Limit::ContributionsPerAddress,
        },
        retry_after: crate::clock::seconds_until(free_at, at),
    }))
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::super::intake::{IntakeError, Participation};
    use super::*;
    use crate::native_sqlite::SqliteDb;
    use crate::store::users;
    use wire::media::Modality;

    fn campaign(db: &dyn Db, slug: &str, max: Option<i64>, daily: Option<i64>) -> Campaign {
        let new = NewCampaign {
            slug,
            name: "Voices",
            modalities: &[Modality::Text],
            prompts: &["Say hello".to_string()],
            max_contributions: max,
            daily_cap: daily,
            ends_at: None,
        };
        open(db, &Origin::default(), &new).unwrap().unwrap()
    }

    fn text(
        db: &SqliteDb,
        uid: i64,
        c: &Campaign,
        words: &str,
        per_hour: i64,
    ) -> Result<(), IntakeError> {
        let p = Participation {
            campaign: c,
            per_hour,
        };
        fixture::try_text(db, uid, words, Some(&p)).map(|_| ())
    }

    #[test]
    fn a_participant_is_an_anonymous_user_of_the_campaign_and_its_caps_hold() {
        let db = fixture::db();
        let c = campaign(&db, "voices", Some(3), Some(2));
        assert!(open(
            &db,
            &Origin::default(),
            &NewCampaign {
                slug: "voices",
                ..campaign_parts()
            }
        )
        .unwrap()
        .is_none());
        let p = join(&db, &Origin::default(), "voices", "t1", 10).unwrap();
        assert_eq!(users::campaign_of(&db, p.user_id).unwrap(), Some(c.id));
        let person = users::person(&db, p.user_id).unwrap().unwrap();
        assert!(person.anonymous && person.campaign.as_deref() == Some("voices"));
        text(&db, p.user_id, &c, "one", 100).unwrap();
        text(&db, p.user_id, &c, "two", 100).unwrap();
        // The daily cap: a third within 24 hours is refused, nothing stored.
        let e = text(&db, p.user_id, &c, "three", 100).unwrap_err();
        assert!(matches!(
            e,
            IntakeError::Campaign(CampaignError::TooMany(TooMany { limit: Limit::DailyCap, retry_after })) if (1..=86_400).contains(&retry_after)
        ));
        assert_eq!(person_rows(&db, p.user_id), 2);
        // A second participant takes the last contribution; then the campaign is full.
        let q = join(&db, &Origin::default(), "voices", "t2", 10).unwrap();
        text(&db, q.user_id, &c, "four", 100).unwrap();
        let e = text(&db, q.user_id, &c, "five", 100).unwrap_err();
        assert!(matches!(
            e,
            IntakeError::Campaign(CampaignError::Gone(Ended::Full))
        ));
        assert!(matches!(
            join(&db, &Origin::default(), "voices", "t3", 10),
            Err(CampaignError::Gone(Ended::Full))
        ));
        assert!(matches!(
            join(&db, &Origin::default(), "nope", "t3", 10),
            Err(CampaignError::Unknown)
        ));
    }

    fn campaign_parts() -> NewCampaign<'static> {
        NewCampaign {
            slug: "",
            name: "Again",
            modalities: &[Modality::Voice],
            prompts: &[],
            max_contributions: None,
            daily_cap: None,
            ends_at: None,
        }
    }

    fn person_rows(db: &dyn Db, uid: i64) -> i64 {
        users::person(db, uid).unwrap().unwrap().contributions
    }

    #[test]
    fn one_address_joins_and_contributes_within_its_hourly_limits_and_a_closed_campaign_takes_nobody(
    ) {
        let db = fixture::db();
        let c = campaign(&db, "drive", None, None);
        let here = Origin {
            ip_address: Some("192.0.2.7".into()),
            ..Origin::default()
        };
        let a = join(&db, &here, "drive", "a", 2).unwrap();
        join(&db, &here, "drive", "b", 2).unwrap();
        let e = join(&db, &here, "drive", "c", 2).err().unwrap();
        assert!(matches!(
            e,
            CampaignError::TooMany(TooMany { limit: Limit::JoinsPerAddress, retry_after }) if (1..=3600).contains(&retry_after)
        ));
        // Another address is not held back.
        let there = Origin {
            ip_address: Some("198.51.100.1".into()),
            ..Origin::default()
        };
        join(&db, &there, "drive", "c", 2).unwrap();
        text(&db, a.user_id, &c, "one", 1).unwrap();
        close(&db, &Origin::default(), c.id).unwrap().unwrap();
        close(&db, &Origin::default(), c.id).unwrap().unwrap();
        assert!(matches!(
            join(&db, &there, "drive", "d", 2),
            Err(CampaignError::Gone(Ended::Closed))
        ));
        let e = text(&db, a.user_id, &c, "two", 100).unwrap_err();
        assert!(matches!(
            e,
            IntakeError::Campaign(CampaignError::Gone(Ended::Closed))
        ));
        let types = fixture::activity_types(&db);
        assert_eq!(types.iter().filter(|t| *t == "campaign_closed").count(), 1);
        assert_eq!(
            types.iter().filter(|t| *t == "participant_joined").count(),
            3
        );
    }
}
