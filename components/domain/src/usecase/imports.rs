//! A bulk import: rows written in batches of [`BATCH_ROWS`] lines, one transaction each,
//! every row exactly as a single contribution (`intake::store`: salt, commitment, leaf,
//! text version or job), the batch's line outcomes recorded with it and one
//! `import_batch` activity entry for the batch, not one per row. The same content from
//! the same owner is reported as a duplicate, so running an import again after an
//! interruption finishes it without creating anything twice. One request writes no
//! more than its [`Budget`] allows; a large import keeps its body and goes on where it
//! stopped with the next request ([`resume`]), so no request is held open past a
//! deadline.

use super::intake::{self, Incoming, IntakeError, KnownText, NewContribution, Placement, Stored};
use crate::auth::Caller;
use crate::context::Origin;
use crate::db::{transaction, Db, DbError};
use crate::store::activity::Activity;
use crate::store::imports::{self, Format, Import, LineResult, Outcome};
use crate::store::users;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant};

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
    /// No import has this id.
    NotFound(i64),
    /// A running import's body is no longer kept (the request that started it was
    /// cut short): sending the same body again finishes it.
    BodyGone(i64),
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

impl crate::db::MaybeBusy for ImportError {
    fn is_busy(&self) -> bool {
        matches!(self, Self::Intake(e) if crate::db::MaybeBusy::is_busy(e))
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

/// What was read: the body itself, its media type, format and SHA-256 (the import
/// record keeps the last two; the body is kept while the import runs).
pub struct Body<'a> {
    /// The bytes.
    pub bytes: &'a [u8],
    /// Their media type, as sent.
    pub content_type: &'a str,
    /// What the body was.
    pub format: Format,
    /// SHA-256 of the body, hex.
    pub sha256: &'a str,
}

/// How long one request may write batches of an import.
pub const REQUEST_TIME: Duration = Duration::from_secs(20);

/// What one request may write of an import: at least one batch, then more while
/// [`REQUEST_TIME`] lasts and, when set, up to a number of batches.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    started: Instant,
    batches: Option<usize>,
}

impl Budget {
    /// A budget starting now; `batches`: the most batches (0: no count, time only).
    pub fn new(batches: usize) -> Self {
        Self {
            started: Instant::now(),
            batches: (batches > 0).then_some(batches),
        }
    }

    fn allows(&self, written: usize) -> bool {
        written == 0
            || (self.batches.is_none_or(|most| written < most)
                && self.started.elapsed() < REQUEST_TIME)
    }
}

/// Starts an import of `lines` read from `body` and writes what `budget` allows; the
/// import. An import left running keeps its body, and [`resume`] goes on with it; so
/// does a failure after some batches, which leaves those batches written.
pub fn run(
    db: &dyn Db,
    origin: &Origin,
    importer: Caller,
    body: &Body,
    lines: &[Line],
    budget: Budget,
) -> Result<Import, ImportError> {
    check_importer(db, importer)?;
    let started = crate::clock::now();
    let id = transaction(db, || {
        let count = lines.len() as i64;
        imports::start(
            db,
            importer.user_id(),
            body.format,
            body.sha256,
            count,
            &started,
        )
    })?;
    write(db, origin, importer, id, lines, budget, Some(body))
}

/// Goes on with a running import whose kept body gave `lines` again (checked as its
/// importer's): the lines after those with an outcome, as far as `budget` allows.
pub fn resume(
    db: &dyn Db,
    origin: &Origin,
    import: &Import,
    lines: &[Line],
    budget: Budget,
) -> Result<Import, ImportError> {
    write(
        db,
        origin,
        importer_of(import),
        import.id,
        lines,
        budget,
        None,
    )
}

/// A running import's kept body: (media type, bytes); the import must be sent again
/// when the request that started it was cut short before keeping it.
pub fn kept_body(db: &dyn Db, import: &Import) -> Result<(String, Vec<u8>), ImportError> {
    imports::body(db, import.id)?.ok_or(ImportError::BodyGone(import.id))
}

/// Who an import's lines are checked and written as: its importer, or the admin.
pub fn importer_of(import: &Import) -> Caller {
    match import.user_id {
        Some(uid) => Caller::User(uid),
        None => Caller::Admin,
    }
}

/// Writes the batches of `lines` after those with an outcome, as far as `budget`
/// allows, and finishes the import when none is left; the import as it stands. An
/// import left running keeps `body` (a new import's), so a later request goes on.
fn write(
    db: &dyn Db,
    origin: &Origin,
    importer: Caller,
    id: i64,
    lines: &[Line],
    budget: Budget,
    body: Option<&Body>,
) -> Result<Import, ImportError> {
    let mut written = 0;
    loop {
        if !budget.allows(written) {
            if let Some(body) = body {
                transaction(db, || {
                    imports::keep_body(db, id, body.content_type, body.bytes)
                })?;
            }
            return imports::get(db, id)?.ok_or(ImportError::NotFound(id));
        }
        // The next batch is read inside its transaction, so two requests going on with
        // one import (the importer's and the worker's) never write the same lines.
        let wrote = transaction(db, || {
            let import = imports::get(db, id)?.ok_or(ImportError::NotFound(id))?;
            let from = (import.done() as usize).min(lines.len());
            let batch = &lines[from..(from + BATCH_ROWS).min(lines.len())];
            if batch.is_empty() {
                return Ok(false);
            }
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
                "sha256": import.sha256,
            });
            origin.log(db, Activity::ImportBatch, importer.user_id(), data, &now)?;
            Ok::<_, ImportError>(true)
        })?;
        if !wrote {
            break;
        }
        written += 1;
    }
    transaction(db, || imports::finish(db, id, &crate::clock::now()))?;
    imports::get(db, id)?.ok_or(ImportError::NotFound(id))
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
