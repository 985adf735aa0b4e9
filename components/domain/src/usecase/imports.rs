//! A bulk import: rows written in batches of [`BATCH_ROWS`] lines, one transaction each,
//! every row exactly as a single contribution (`intake::store`: salt, commitment, leaf,
//! text version or job), the batch's line outcomes recorded with it and one
//! `import_batch` activity entry for the batch, not one per row. The same content from
//! the same owner is reported as a duplicate, so running an import again after an
//! interruption finishes it without creating anything twice.

use super::intake::{self, Incoming, IntakeError, KnownText, NewContribution, Placement, Stored};
use crate::auth::Caller;
use crate::context::Origin;
use crate::db::{transaction, Db, DbError};
use crate::store::activity::Activity;
use crate::store::imports::{self, Format, LineResult, Outcome};
use crate::store::users;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// Lines written per transaction: large enough that a commit's fsync is shared by
/// hundreds of rows, small enough that a batch holds the write lock briefly.
pub const BATCH_ROWS: usize = 500;

/// Whose row an import line becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// A user: the importing contributor, or the one the admin named.
    User(i64),
    /// No one (the admin imports ownerless rows).
    Nobody,
}

/// A line that passed the checks a single contribution gets.
#[derive(Debug)]
pub struct Ready {
    /// The contribution.
    pub new: NewContribution,
    /// Whose row it becomes.
    pub owner: Owner,
    /// When it was originally made (`None`: now).
    pub created_at: Option<String>,
    /// Whether it goes into training exports.
    pub included_in_training: bool,
    /// A media row's text as already known (then no extraction is queued).
    pub known_text: Option<KnownText>,
}

/// One line of the body, checked.
#[derive(Debug)]
pub struct Line {
    /// Its 1-based number in the body.
    pub number: i64,
    /// The caller's own id for it.
    pub source_id: Option<String>,
    /// The row to store, or the problem (status, detail) that refused it.
    pub checked: Result<Ready, (u16, String)>,
}

/// Why an import did not run.
#[derive(Debug)]
pub enum ImportError {
    /// The importer takes part in a campaign: its rows count against the campaign's
    /// caps one contribution at a time, so they do not import.
    CampaignParticipant,
    /// Storing a batch failed.
    Intake(IntakeError),
}

impl From<IntakeError> for ImportError {
    fn from(e: IntakeError) -> Self {
        Self::Intake(e)
    }
}

impl From<DbError> for ImportError {
    fn from(e: DbError) -> Self {
        Self::Intake(e.into())
    }
}

/// Refuses an importer who takes part in a campaign, before any line is read.
pub fn check_importer(db: &dyn Db, importer: Caller) -> Result<(), ImportError> {
    match importer.user_id() {
        Some(uid) if users::campaign_of(db, uid)?.is_some() => {
            Err(ImportError::CampaignParticipant)
        }
        _ => Ok(()),
    }
}

/// What was read: the body's format and SHA-256 (the import record keeps both).
pub struct Body<'a> {
    /// What the body was.
    pub format: Format,
    /// SHA-256 of the body, hex.
    pub sha256: &'a str,
}

/// Runs an import of `lines` read from `body`; its id. A failure after some batches
/// leaves those batches and the record (still `running`), so the import can be run
/// again.
pub fn run(
    db: &dyn Db,
    origin: &Origin,
    importer: Caller,
    body: &Body,
    lines: &[Line],
) -> Result<i64, ImportError> {
    let sha256 = body.sha256;
    check_importer(db, importer)?;
    let started = crate::clock::now();
    let id = transaction(db, || {
        let count = lines.len() as i64;
        imports::start(db, importer.user_id(), body.format, sha256, count, &started)
    })?;
    for batch in lines.chunks(BATCH_ROWS) {
        transaction(db, || {
            let now = crate::clock::now();
            let results = store_batch(db, origin, importer, id, batch, &now)?;
            imports::record(db, id, &results)?;
            let count = |o: Outcome| results.iter().filter(|r| r.outcome == o).count();
            let data = json!({
                "import_id": id,
                "lines": [batch.first().map(|l| l.number), batch.last().map(|l| l.number)],
                "created": count(Outcome::Created),
                "duplicates": count(Outcome::Duplicate),
                "rejected": count(Outcome::Rejected),
                "sha256": sha256,
            });
            origin.log(db, Activity::ImportBatch, importer.user_id(), data, &now)?;
            Ok::<_, IntakeError>(())
        })?;
    }
    transaction(db, || imports::finish(db, id, &crate::clock::now()))?;
    Ok(id)
}

/// Stores a batch of lines inside its transaction, the good ones with one
/// `intake::store`: what became of each line, in order.
fn store_batch(
    db: &dyn Db,
    origin: &Origin,
    importer: Caller,
    import: i64,
    batch: &[Line],
    now: &str,
) -> Result<Vec<LineResult>, IntakeError> {
    let mut users_seen: HashMap<i64, bool> = HashMap::new();
    let mut refused: Vec<Option<(u16, String)>> = Vec::with_capacity(batch.len());
    let mut contents = Vec::new();
    for line in batch {
        let ready = match &line.checked {
            Ok(ready) => ready,
            Err(problem) => {
                refused.push(Some(problem.clone()));
                continue;
            }
        };
        let owner = match ready.owner {
            Owner::User(uid) => {
                let exists = match users_seen.get(&uid) {
                    Some(&exists) => exists,
                    None => *users_seen
                        .entry(uid)
                        .or_insert(users::get(db, uid)?.is_some()),
                };
                if !exists {
                    refused.push(Some((422, format!("user_id: no user {uid}"))));
                    continue;
                }
                Some(uid)
            }
            Owner::Nobody => None,
        };
        refused.push(None);
        let new = NewContribution {
            metadata: with_provenance(&ready.new.metadata, import, line.source_id.as_deref()),
            ..ready.new.clone()
        };
        contents.push((new, owner, ready));
    }
    let incoming: Vec<Incoming> = contents
        .iter()
        .map(|(new, owner, ready)| Incoming {
            new,
            known_text: ready.known_text.as_ref(),
            placement: Placement {
                owner: *owner,
                author: importer.actor(),
                created_at: ready.created_at.as_deref().unwrap_or(now),
                included_in_training: ready.included_in_training,
            },
        })
        .collect();
    let mut stored = intake::store(db, origin, &incoming, None, now)?.into_iter();
    let mut results = Vec::with_capacity(batch.len());
    for (line, problem) in batch.iter().zip(refused) {
        let (outcome, id, problem) = match problem {
            Some(problem) => (Outcome::Rejected, None, Some(problem)),
            None => {
                let Stored { row, duplicate, .. } =
                    stored.next().ok_or(IntakeError::DuplicateRace)?;
                let outcome = match duplicate {
                    true => Outcome::Duplicate,
                    false => Outcome::Created,
                };
                (outcome, Some(row.id), None)
            }
        };
        let (status, detail) = problem.unzip();
        results.push(LineResult {
            line: line.number,
            outcome,
            id,
            source_id: line.source_id.clone(),
            status,
            detail,
        });
    }
    Ok(results)
}

/// The line's metadata with where it came from: `source: import`, the import's id and
/// the caller's `source_id`.
fn with_provenance(metadata: &str, import: i64, source_id: Option<&str>) -> String {
    let mut map: Map<String, Value> = serde_json::from_str(metadata).unwrap_or_default();
    map.insert("source".into(), "import".into());
    map.insert("import_id".into(), import.into());
    if let Some(source_id) = source_id {
        map.insert("source_id".into(), source_id.into());
    }
    Value::Object(map).to_string()
}
