//! A contribution arrives: in one transaction its blob (media), its row with a salted
//! commitment, its first text version (text) or extraction job (media), its leaf in
//! the contribution log and its `contribution_created` activity entry. The same
//! content from the same owner is not stored twice: the existing row comes back.

use super::campaigns::{self, CampaignError};
use super::db_failures;
use super::text;
use crate::auth::Caller;
use crate::context::Origin;
use crate::db::{transaction, Db, DbError};
use crate::proof::{commitment, encodings};
use crate::shapes;
use crate::store::activity::Activity;
use crate::store::campaigns::Campaign;
use crate::store::contributions::{self, Contribution, NewRow};
use crate::store::{blobs, jobs, merkle};
use serde_json::json;
use wire::lifecycle::{Status, TextSource};
use wire::media::Modality;

/// A contribution that passed every check and can be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewContribution {
    /// Which kind of content.
    pub modality: Modality,
    /// The raw content: UTF-8 text or the media file's bytes.
    pub content: Vec<u8>,
    /// The content's real media type.
    pub mime: &'static str,
    /// Drawing strokes as compact JSON.
    pub strokes: Option<String>,
    /// Client metadata as a compact JSON object.
    pub metadata: String,
}

impl NewContribution {
    /// The text known at ingest: the text itself, or the shape a drawing's strokes make
    /// (e.g. `shape: circle (0.91)`, kept until OCR finds words).
    pub fn initial_text(&self) -> Option<String> {
        match self.modality {
            Modality::Text => Some(String::from_utf8_lossy(&self.content).into_owned()),
            Modality::Drawing => self.shape().map(|m| shapes::describe(&m)),
            _ => None,
        }
    }

    /// The shape recognised in a drawing's strokes, if it has any.
    pub fn shape(&self) -> Option<shapes::Match> {
        self.strokes
            .as_deref()
            .and_then(|s| shapes::recognize(&shapes::stroke_points(s)))
    }
}

/// Why a contribution was not stored.
#[derive(Debug)]
pub enum IntakeError {
    /// The row reported as a duplicate could not be read back.
    DuplicateVanished,
    /// The campaign refused it (over, or a limit reached).
    Campaign(CampaignError),
    /// The database failed.
    Db(DbError),
}

db_failures!(IntakeError);

impl From<CampaignError> for IntakeError {
    fn from(e: CampaignError) -> Self {
        match e {
            CampaignError::Db(e) => Self::Db(e),
            other => Self::Campaign(other),
        }
    }
}

/// A contribution to a campaign: the campaign, and how many campaign contributions
/// one client address may make in an hour.
pub struct Participation<'a> {
    /// The campaign the row counts for.
    pub campaign: &'a Campaign,
    /// The per-address hourly limit.
    pub per_hour: i64,
}

/// A contribution as stored.
pub struct Stored {
    /// The new row, or the caller's existing row with the same content.
    pub row: Contribution,
    /// Its extraction job, if it has one.
    pub job_id: Option<i64>,
    /// True when the same content from the same owner was already there.
    pub duplicate: bool,
}

/// Who a row belongs to and how it is placed, beyond its content.
pub struct Placement<'a> {
    /// Its owner (`None`: anonymous, or an ownerless import).
    pub owner: Option<i64>,
    /// Who wrote its text, as text versions name authors (`user:<id>`, `admin`).
    pub author: Option<String>,
    /// When it was made: now, or the original time an import carries.
    pub created_at: &'a str,
    /// Whether it goes into training exports.
    pub included_in_training: bool,
}

/// Stores a validated contribution from `caller` (or finds the owner's duplicate),
/// counted for a campaign when it is part of one, with its `contribution_created`
/// entry, in one transaction.
pub fn contribute(
    db: &dyn Db,
    origin: &Origin,
    caller: Caller,
    new: &NewContribution,
    campaign: Option<&Participation>,
) -> Result<Stored, IntakeError> {
    let now = crate::clock::now();
    let placement = Placement {
        owner: caller.user_id(),
        author: caller.actor(),
        created_at: &now,
        included_in_training: true,
    };
    transaction(db, || {
        let stored = store(db, origin, &placement, new, campaign, &now)?;
        if !stored.duplicate {
            let data = json!({ "contribution_id": stored.row.id, "modality": stored.row.modality, "leaf_index": stored.row.leaf_index });
            origin.log(
                db,
                Activity::ContributionCreated,
                placement.owner,
                data,
                &now,
            )?;
        }
        Ok(stored)
    })
}

/// Stores a validated contribution inside the caller's transaction, or finds the
/// owner's row with the same content: its blob, row with a salted commitment, first
/// text version or extraction job, and leaf. The caller writes the activity entry
/// (one per contribution, or one per batch of an import).
pub fn store(
    db: &dyn Db,
    origin: &Origin,
    placement: &Placement,
    new: &NewContribution,
    campaign: Option<&Participation>,
    now: &str,
) -> Result<Stored, IntakeError> {
    let (hash_bytes, content_hash) = encodings::content_hash(&new.content);
    let salt = commitment::new_salt();
    let commitment = commitment::commitment(&salt, &hash_bytes);
    let code = commitment::new_verification_code();
    let ethereum_checksum = encodings::ethereum_checksum(&new.content);
    let owner = placement.owner;
    let job_kind = new.modality.job_kind();
    let blob = job_kind.map(|_| content_hash.as_str());
    if blob.is_some() {
        blobs::put(db, &content_hash, new.mime, &new.content, now)?;
    }
    let leaf_index = merkle::size(db)?;
    let inserted = contributions::insert_unless_duplicate(
        db,
        &NewRow {
            user_id: owner,
            campaign_id: campaign.map(|p| p.campaign.id),
            modality: new.modality,
            status: if job_kind.is_some() {
                Status::Pending
            } else {
                Status::Complete
            },
            mime: new.mime,
            byte_size: new.content.len() as i64,
            content_hash: &content_hash,
            blob_sha256: blob,
            extracted_text: new.initial_text(),
            text_source: job_kind.is_none().then_some(TextSource::Contributor),
            strokes: new.strokes.as_deref(),
            metadata: &new.metadata,
            created_at: placement.created_at,
            now,
            included_in_training: placement.included_in_training,
            commitment: &commitment,
            commitment_salt: &salt,
            ethereum_checksum: &ethereum_checksum,
            leaf_index,
            verification_code: &code,
        },
    )?;
    let Some(mut row) = inserted else {
        let existing = contributions::find_by_owner_and_hash(db, owner, &content_hash)?
            .ok_or(IntakeError::DuplicateVanished)?;
        let job = jobs::latest_for(db, existing.id)?;
        return Ok(Stored {
            row: existing,
            job_id: job,
            duplicate: true,
        });
    };
    if let (Some(p), Some(uid)) = (campaign, owner) {
        campaigns::admit_contribution(db, origin, p.campaign, uid, p.per_hour)?;
    }
    let job = match job_kind {
        Some(kind) => Some(jobs::enqueue(db, kind, row.id, now)?),
        None => {
            row.pii_count = Some(text::record_contributed(
                db,
                &row,
                placement.author.clone(),
                now,
            )?);
            None
        }
    };
    crate::ledger::append(db, leaf_index, row.id, &commitment, now)?;
    Ok(Stored {
        row,
        job_id: job,
        duplicate: false,
    })
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use crate::store::{contributions, jobs, merkle, text_versions};
    use wire::lifecycle::{Status, TextSource};

    #[test]
    fn text_is_complete_at_once_with_its_first_version_leaf_and_entry() {
        let db = fixture::db();
        let ada = fixture::user(&db, "Ada");
        let stored = fixture::text(&db, ada, "Thank you for your order.");
        assert!(!stored.duplicate);
        assert_eq!(stored.job_id, None);
        let row = contributions::get(&db, stored.row.id).unwrap().unwrap();
        assert_eq!(row.status, Status::Complete);
        assert_eq!(row.text_source, Some(TextSource::Contributor));
        let history = text_versions::list(&db, row.id).unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(
            history[0].author.as_deref(),
            Some(format!("user:{ada}").as_str())
        );
        assert_eq!(merkle::size(&db).unwrap(), 1);
        assert_eq!(row.leaf_index, Some(0));
        assert_eq!(
            fixture::activity_types(&db),
            ["user_created", "contribution_created"]
        );
    }

    #[test]
    fn media_waits_for_its_job_and_a_duplicate_is_the_same_row_with_no_new_leaf() {
        let db = fixture::db();
        let ada = fixture::user(&db, "Ada");
        let first = fixture::screenshot(&db, ada, "invoice");
        assert_eq!(first.row.status, Status::Pending);
        let job = first.job_id.expect("a job");
        assert_eq!(jobs::latest_for(&db, first.row.id).unwrap(), Some(job));
        let again = fixture::screenshot(&db, ada, "invoice");
        assert!(again.duplicate);
        assert_eq!((again.row.id, again.job_id), (first.row.id, Some(job)));
        assert_eq!(merkle::size(&db).unwrap(), 1);
        // Another owner's identical bytes are their own contribution.
        let grace = fixture::user(&db, "Grace");
        let theirs = fixture::screenshot(&db, grace, "invoice");
        assert!(!theirs.duplicate && theirs.row.id != first.row.id);
        assert_eq!(merkle::size(&db).unwrap(), 2);
    }
}
