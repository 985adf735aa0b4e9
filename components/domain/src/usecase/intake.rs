//! A contribution arrives: in one transaction its blob (media), its row with a salted
//! commitment, its first text version (text) or extraction job (media), its leaf in
//! the contribution log and its `contribution_created` activity entry. The same
//! content from the same owner is not stored twice: the existing row comes back.
//! [`store`] takes any number of contributions at once, so an import's batch costs a
//! few multi-row statements rather than several statements a row; a single
//! contribution is a batch of one.

use super::campaigns::{self, CampaignError};
use super::db_failures;
use super::{pii, text};
use crate::auth::Caller;
use crate::context::Origin;
use crate::db::{transaction, Db, DbError};
use crate::proof::{commitment, encodings};
use crate::shapes;
use crate::store::activity::Activity;
use crate::store::campaigns::Campaign;
use crate::store::contributions::{self, Contribution, NewRow};
use crate::store::{blobs, jobs, merkle, text_versions, users};
use serde_json::json;
use std::collections::HashMap;
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
    /// A row checked as new met a live duplicate on insert (the write lock should make
    /// this impossible).
    DuplicateRace,
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

/// A media row's text as already known when it is imported (an earlier transcript,
/// an export's text), and who wrote it: the row is stored complete with it.
pub type KnownText = (String, TextSource);

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
    let incoming = Incoming {
        new,
        known_text: None,
        placement: Placement {
            owner: caller.user_id(),
            author: caller.actor(),
            created_at: &now,
            included_in_training: true,
        },
    };
    transaction(db, || {
        let stored = store(db, origin, std::slice::from_ref(&incoming), campaign, &now)?
            .pop()
            .ok_or(IntakeError::DuplicateRace)?;
        if !stored.duplicate {
            let data = json!({ "contribution_id": stored.row.id, "modality": stored.row.modality, "leaf_index": stored.row.leaf_index });
            origin.log(
                db,
                Activity::ContributionCreated,
                caller.user_id(),
                data,
                &now,
            )?;
        }
        Ok(stored)
    })
}

/// One contribution to store: its content and its placement.
pub struct Incoming<'a> {
    /// The checked content.
    pub new: &'a NewContribution,
    /// A media row's known text (imports only): no extraction is queued for it.
    pub known_text: Option<&'a KnownText>,
    /// Whose it is and how it is placed.
    pub placement: Placement<'a>,
}

/// What a contribution's row is sealed with before it is stored.
struct Sealed {
    content_hash: String,
    salt: Vec<u8>,
    commitment: String,
    verification_code: String,
    ethereum_checksum: String,
}

impl Sealed {
    fn new(content: &[u8]) -> Self {
        let (hash_bytes, content_hash) = encodings::content_hash(content);
        let salt = commitment::new_salt();
        Self {
            commitment: commitment::commitment(&salt, &hash_bytes),
            content_hash,
            salt,
            verification_code: commitment::new_verification_code(),
            ethereum_checksum: encodings::ethereum_checksum(content),
        }
    }
}

/// Owners' names, read once per batch: the personal-data detector looks for the
/// owner's own name in their text.
#[derive(Default)]
struct OwnerNames(HashMap<i64, Option<String>>);

impl OwnerNames {
    fn of(&mut self, db: &dyn Db, owner: Option<i64>) -> Result<Option<&str>, DbError> {
        let Some(uid) = owner else { return Ok(None) };
        if let std::collections::hash_map::Entry::Vacant(e) = self.0.entry(uid) {
            e.insert(users::get(db, uid)?.map(|(name, _, _)| name));
        }
        Ok(self.0.get(&uid).and_then(|n| n.as_deref()))
    }
}

/// What became of one incoming contribution while its batch is planned.
enum Plan {
    /// The owner already has it: that row.
    Existing(Box<Contribution>),
    /// It becomes the batch's new row at this position.
    New(usize),
    /// It repeats the batch's new row at this position.
    Repeat(usize),
}

/// Stores validated contributions inside the caller's transaction, each as its own
/// row or, when its owner already has the same content (stored before or earlier in
/// `incoming`), as that row: blobs, rows with salted commitments and first text
/// versions with their personal-data findings or extraction jobs, and leaves, written
/// with multi-row statements. The caller writes the activity (one entry per
/// contribution, or one per batch of an import). One [`Stored`] per incoming, in order.
pub fn store(
    db: &dyn Db,
    origin: &Origin,
    incoming: &[Incoming],
    campaign: Option<&Participation>,
    now: &str,
) -> Result<Vec<Stored>, IntakeError> {
    let sealed: Vec<Sealed> = incoming
        .iter()
        .map(|i| Sealed::new(&i.new.content))
        .collect();
    let keys: Vec<(Option<i64>, &str)> = incoming
        .iter()
        .zip(&sealed)
        .map(|(i, s)| (i.placement.owner, s.content_hash.as_str()))
        .collect();
    let existing = contributions::live_by_owner_and_hash(db, &keys)?;
    let first_leaf = merkle::size(db)?;
    let mut names = OwnerNames::default();
    let mut plans = Vec::with_capacity(incoming.len());
    let mut new_rows = Vec::new();
    let mut findings = Vec::new();
    let mut new_of = Vec::new();
    let mut positions: HashMap<(i64, &str), usize> = HashMap::new();
    for ((inc, seal), (owner, hash)) in incoming.iter().zip(&sealed).zip(&keys) {
        let key = (owner.unwrap_or(0), *hash);
        if let Some(row) = existing.get(&(key.0, key.1.to_string())) {
            plans.push(Plan::Existing(Box::new(row.clone())));
            continue;
        }
        if let Some(&at) = positions.get(&key) {
            plans.push(Plan::Repeat(at));
            continue;
        }
        let new = inc.new;
        let media = new.modality.job_kind().is_some();
        let blob = media.then_some(seal.content_hash.as_str());
        if media {
            blobs::put(db, &seal.content_hash, new.mime, &new.content, now)?;
        }
        // A row with a text source gets its first version now; one without waits for
        // its extraction job (a drawing keeps its recognised shape meanwhile).
        let (text, text_source) = match inc.known_text {
            Some((text, source)) => (Some(text.clone()), Some(*source)),
            None if media => (new.initial_text(), None),
            None => (new.initial_text(), Some(TextSource::Contributor)),
        };
        let found = match (text_source, &text) {
            (Some(source), Some(text)) => {
                let name = names.of(db, *owner)?;
                let names: Vec<&str> = name.into_iter().collect();
                crate::redaction::detect(new.modality, Some(source), text, &names)
            }
            _ => Vec::new(),
        };
        let at = new_rows.len();
        new_rows.push(NewRow {
            user_id: *owner,
            campaign_id: campaign.map(|p| p.campaign.id),
            modality: new.modality,
            status: match text_source {
                Some(_) => Status::Complete,
                None => Status::Pending,
            },
            mime: new.mime,
            byte_size: new.content.len() as i64,
            content_hash: &seal.content_hash,
            blob_sha256: blob,
            pii_count: text_source.map(|_| found.len() as i64),
            extracted_text: text,
            text_source,
            strokes: new.strokes.as_deref(),
            metadata: &new.metadata,
            created_at: inc.placement.created_at,
            now,
            included_in_training: inc.placement.included_in_training,
            commitment: &seal.commitment,
            commitment_salt: &seal.salt,
            ethereum_checksum: &seal.ethereum_checksum,
            leaf_index: first_leaf + at as u64,
            verification_code: &seal.verification_code,
        });
        findings.push(found);
        new_of.push(inc);
        positions.insert(key, at);
        plans.push(Plan::New(at));
    }
    let rows = contributions::insert_many(db, &new_rows)?;
    if rows.len() != new_rows.len() {
        return Err(IntakeError::DuplicateRace);
    }
    // What each new row comes with: its campaign's count, its first text version and
    // the personal data found in it, or its extraction job.
    let mut firsts = Vec::new();
    let mut queued = Vec::new();
    for ((row, inc), found) in rows.iter().zip(&new_of).zip(&findings) {
        if let (Some(p), Some(uid)) = (campaign, inc.placement.owner) {
            campaigns::admit_contribution(db, origin, p.campaign, uid, p.per_hour)?;
        }
        match (row.text_source, row.modality.job_kind()) {
            (Some(source), _) => {
                let words = row.extracted_text.as_deref().unwrap_or_default();
                pii::record_first(db, row.id, words, found, now)?;
                let author = inc.placement.author.clone();
                firsts.push((row.id, text::first(words, source, author, now)));
            }
            (None, Some(kind)) => queued.push((kind, row.id)),
            (None, None) => {}
        }
    }
    text_versions::insert_first(db, &firsts)?;
    let jobs = jobs::enqueue_many(db, &queued, now)?;
    let leaves: Vec<(i64, &str)> = rows
        .iter()
        .zip(&new_rows)
        .map(|(r, n)| (r.id, n.commitment))
        .collect();
    crate::ledger::append(db, first_leaf, &leaves, now)?;
    // The existing rows' newest jobs, in one read.
    let existing_ids: Vec<i64> = plans
        .iter()
        .filter_map(|p| match p {
            Plan::Existing(row) => Some(row.id),
            _ => None,
        })
        .collect();
    let existing_jobs = jobs::latest_for_many(db, &existing_ids)?;
    Ok(plans
        .into_iter()
        .map(|plan| match plan {
            Plan::New(at) => Stored {
                job_id: jobs.get(&rows[at].id).copied(),
                row: rows[at].clone(),
                duplicate: false,
            },
            Plan::Repeat(at) => Stored {
                job_id: jobs.get(&rows[at].id).copied(),
                row: rows[at].clone(),
                duplicate: true,
            },
            Plan::Existing(row) => Stored {
                job_id: existing_jobs.get(&row.id).copied(),
                row: *row,
                duplicate: true,
            },
        })
        .collect())
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
        let latest = jobs::latest_for_many(&db, &[first.row.id]).unwrap();
        assert_eq!(latest.get(&first.row.id), Some(&job));
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

    #[test]
    fn a_batch_stores_each_content_once_in_log_order_with_what_a_single_one_gets() {
        use super::{store, Incoming, NewContribution, Placement};
        use crate::context::Origin;
        use crate::store::pii_findings;
        use wire::media::Modality;
        let db = fixture::db();
        let ada = fixture::user(&db, "Ada");
        let before = fixture::text(&db, ada, "already here");
        let text = |words: &str| NewContribution {
            modality: Modality::Text,
            content: words.as_bytes().to_vec(),
            mime: "text/plain",
            strokes: None,
            metadata: "{}".into(),
        };
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend_from_slice(b"batch");
        let shot = NewContribution {
            modality: Modality::Screenshot,
            content: png,
            mime: "image/png",
            ..text("")
        };
        let news = [
            text("write to ada@example.org"),
            shot,
            text("write to ada@example.org"),
            text("already here"),
        ];
        let incoming: Vec<Incoming> = news
            .iter()
            .map(|new| Incoming {
                new,
                known_text: None,
                placement: Placement {
                    owner: Some(ada),
                    author: Some(format!("user:{ada}")),
                    created_at: "2020-01-01T00:00:00.000Z",
                    included_in_training: false,
                },
            })
            .collect();
        let now = crate::clock::now();
        let stored = store(&db, &Origin::default(), &incoming, None, &now).unwrap();
        let outcome: Vec<(i64, bool)> = stored.iter().map(|s| (s.row.id, s.duplicate)).collect();
        let (mail, image) = (stored[0].row.id, stored[1].row.id);
        assert_eq!(
            outcome,
            [
                (mail, false),
                (image, false),
                (mail, true),
                (before.row.id, true)
            ]
        );
        // Leaves follow the single contribution's, in the batch's order.
        assert_eq!(stored[0].row.leaf_index, Some(1));
        assert_eq!(stored[1].row.leaf_index, Some(2));
        assert_eq!(merkle::size(&db).unwrap(), 3);
        let row = contributions::get(&db, mail).unwrap().unwrap();
        assert_eq!(row.created_at, "2020-01-01T00:00:00.000Z");
        assert!(!row.included_in_training);
        assert_eq!(row.pii_count, Some(1));
        assert_eq!(pii_findings::of_version(&db, mail, 1).unwrap().len(), 1);
        assert_eq!(text_versions::list(&db, mail).unwrap().len(), 1);
        let latest = jobs::latest_for_many(&db, &[image]).unwrap();
        assert_eq!(stored[1].job_id, latest.get(&image).copied());
        assert!(stored[1].job_id.is_some() && stored[0].job_id.is_none());
    }

    #[test]
    fn a_media_row_with_its_known_text_is_complete_without_a_job() {
        use super::{store, Incoming, NewContribution, Placement};
        use crate::context::Origin;
        use wire::media::Modality;
        let db = fixture::db();
        let ada = fixture::user(&db, "Ada");
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend_from_slice(b"known");
        let shot = NewContribution {
            modality: Modality::Screenshot,
            content: png,
            mime: "image/png",
            strokes: None,
            metadata: "{}".into(),
        };
        let known = ("Invoice 42".to_string(), TextSource::Machine);
        let incoming = Incoming {
            new: &shot,
            known_text: Some(&known),
            placement: Placement {
                owner: Some(ada),
                author: Some(format!("user:{ada}")),
                created_at: "2020-01-01T00:00:00.000Z",
                included_in_training: true,
            },
        };
        let now = crate::clock::now();
        let stored = store(&db, &Origin::default(), &[incoming], None, &now).unwrap();
        let row = contributions::get(&db, stored[0].row.id).unwrap().unwrap();
        assert_eq!(row.status, Status::Complete);
        assert_eq!(row.extracted_text.as_deref(), Some("Invoice 42"));
        assert_eq!(row.text_source, Some(TextSource::Machine));
        assert_eq!(stored[0].job_id, None);
        let history = text_versions::list(&db, row.id).unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].author, None, "a machine's text names no author");
        assert!(contributions::media(&db, row.id).unwrap().is_some());
    }
}
