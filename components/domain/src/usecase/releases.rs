//! Numbered dataset releases. `cut` freezes one at the current signed checkpoint: the
//! rows an export would select, each with its text version, review and extraction
//! state and the personal data that counted, in one transaction (nothing of it is
//! left when it fails). `build` then works through it in bounded steps (a request
//! never runs more than the `release_build_steps` setting of them): hash rows, hash the manifest,
//! build each frozen format's file once, and publish: the statement (release, its
//! checkpoint, row count and manifest hash) signed as a note under the log's key and
//! the release leaf appended to the log, so witnesses cosign it with the next
//! checkpoint. An erased row leaves a release that is building, and is listed as
//! withdrawn from each published release that holds it (`erasure`).

use crate::context::{Context, Origin};
use crate::db::{transaction, Db, DbError};
use crate::error::ApiError;
use crate::export::release::{self as frozen, manifest_line, RELEASE_VERSION};
use crate::export::{
    CardOptions, ChatOptions, ExportSpec, Exporter, Format, PiiPolicy, Rows, DEFAULT_SYSTEM,
};
use crate::ledger;
use crate::store::activity::Activity;
use crate::store::contributions::Filter;
use crate::store::release_withdrawals::{self, Withdrawal};
use crate::store::releases::{self, File, Inserted, NewRelease, Release, State};
use crate::store::{merkle, release_pii, release_rows, secrets};
use base64::Engine as _;
use serde_json::json;
use sha2::{Digest, Sha256};
use tlog::checkpoint::LogKey;

/// Rows hashed per build step.
pub const STEP_ROWS: usize = 2000;

/// Manifest lines read per page while hashing it.
const MANIFEST_PAGE: usize = 5000;

/// What a release is cut with.
pub struct Cut {
    /// Its name (`None`: `v<number>`).
    pub name: Option<String>,
    /// Notes.
    pub notes: String,
    /// Which rows (complete and opted in, as every export).
    pub filter: Filter,
    /// The selection as given, stored with the release (filters, license, language).
    pub selection: serde_json::Value,
    /// What happens to personal data.
    pub pii: PiiPolicy,
    /// The formats frozen.
    pub formats: Vec<Format>,
}

/// Why a release was not cut, built or read.
#[derive(Debug)]
pub enum ReleaseError {
    /// No release has this number.
    NotFound(i64),
    /// Another release has this name.
    NameTaken(String),
    /// The log has no signed checkpoint yet (nothing was ever contributed).
    NoCheckpoint,
    /// No row below the checkpoint matches the selection.
    NothingMatches,
    /// The release is still building.
    Building(i64),
    /// The release did not freeze this format.
    FormatNotFrozen {
        /// The format asked for.
        format: Format,
        /// The formats it froze.
        frozen: Vec<String>,
    },
    /// The log's key or the export failed.
    Api(ApiError),
    /// The database failed.
    Db(DbError),
}

super::db_failures!(ReleaseError);

impl From<ApiError> for ReleaseError {
    fn from(e: ApiError) -> Self {
        ReleaseError::Api(e)
    }
}

/// The key of the pseudonymous user ids every export (and release) writes.
pub fn pseudonym_key(db: &dyn Db) -> Result<Vec<u8>, DbError> {
    transaction(db, || secrets::get_or_create(db, "export_pseudonym"))
}

/// Cuts a release at the current signed checkpoint: its number.
pub fn cut(db: &dyn Db, origin: &Origin, key: &LogKey, cut: &Cut) -> Result<i64, ReleaseError> {
    let now = crate::clock::now();
    let formats: Vec<String> = cut.formats.iter().map(|f| f.name().to_string()).collect();
    let selection = cut.selection.to_string();
    transaction(db, || {
        let checkpoint =
            ledger::current_checkpoint(db, Some(key), &now)?.ok_or(ReleaseError::NoCheckpoint)?;
        let new = NewRelease {
            name: cut.name.as_deref(),
            notes: &cut.notes,
            selection: &selection,
            pii: cut.pii.as_str(),
            formats: &formats,
            checkpoint: (checkpoint.size as i64, &checkpoint.note),
            created_by: "admin",
        };
        let number = match releases::insert(db, &new, &now)? {
            Inserted::Number(number) => number,
            Inserted::NameTaken(name) => return Err(ReleaseError::NameTaken(name)),
        };
        let rows = release_rows::freeze(db, number, &cut.filter, checkpoint.size as i64)?;
        if rows == 0 {
            return Err(ReleaseError::NothingMatches);
        }
        release_pii::freeze(db, number)?;
        releases::set_row_count(db, number, rows)?;
        let data = json!({ "release": number, "rows": rows, "checkpoint_size": checkpoint.size, "formats": formats, "selection": cut.selection });
        origin.log(db, Activity::ReleaseCut, None, data, &now)?;
        Ok(number)
    })
}

/// Runs up to `release_build_steps` build steps of release `number`: a small release
/// is published by the request that cuts it, a larger one goes on in the background
/// (`POST /api/releases/{n}/build`, which the worker calls). The release as it then
/// stands.
pub fn build(ctx: &Context, origin: &Origin, number: i64) -> Result<Release, ReleaseError> {
    for _ in 0..ctx.settings.release_build_steps {
        if !step(ctx, origin, number)? {
            break;
        }
    }
    get(ctx.db, number)
}

/// Release `number`.
pub fn get(db: &dyn Db, number: i64) -> Result<Release, ReleaseError> {
    releases::get(db, number)?.ok_or(ReleaseError::NotFound(number))
}

/// One build step; whether there is more to do.
fn step(ctx: &Context, origin: &Origin, number: i64) -> Result<bool, ReleaseError> {
    let db = ctx.db;
    let release = get(db, number)?;
    if release.state == State::Published {
        return Ok(false);
    }
    let policy = PiiPolicy::parse(&release.pii)?;
    let key = pseudonym_key(db)?;
    let hashes = frozen::hash_rows(db, number, policy, &key, STEP_ROWS)?;
    if !hashes.is_empty() {
        transaction(db, || release_rows::set_hashes(db, number, &hashes))?;
        return Ok(true);
    }
    let Some(manifest) = release.manifest_sha256.clone() else {
        let (sha, rows) = manifest_sha256(db, number)?;
        transaction(db, || {
            releases::set_row_count(db, number, rows)?;
            releases::set_manifest(db, number, &sha)
        })?;
        return Ok(true);
    };
    let missing = release
        .formats
        .iter()
        .find(|f| !release.files.contains_key(*f))
        .cloned();
    if let Some(format) = missing {
        let file = build_file(ctx, &release, Format::parse(&format)?)?;
        transaction(db, || {
            releases::add_file(db, number, &format, &manifest, &file)
        })?;
        return Ok(true);
    }
    publish(ctx, origin, &release, &manifest)?;
    Ok(false)
}

/// The manifest's SHA-256 and its number of lines, read a page at a time.
fn manifest_sha256(db: &dyn Db, number: i64) -> Result<(String, i64), DbError> {
    let (mut hasher, mut after, mut rows) = (Sha256::new(), 0, 0);
    loop {
        let page = release_rows::manifest(db, number, after, MANIFEST_PAGE)?;
        let Some(last) = page.last() else { break };
        after = last.id;
        rows += page.len() as i64;
        for line in &page {
            hasher.update(manifest_line(line).as_bytes());
        }
    }
    Ok((hex::encode(hasher.finalize()), rows))
}

/// The export of release `number` in `format`, as every download writes it.
pub fn export(
    db: &dyn Db,
    release: &Release,
    format: Format,
    on_finish: crate::export::OnFinish,
) -> Result<ExportSpec, ReleaseError> {
    if !release.formats.iter().any(|f| f == format.name()) {
        return Err(ReleaseError::FormatNotFrozen {
            format,
            frozen: release.formats.clone(),
        });
    }
    let selection: serde_json::Value = serde_json::from_str(&release.selection).unwrap_or_default();
    let text = |name: &str, default: &str| selection[name].as_str().unwrap_or(default).to_string();
    let mut card = CardOptions::validated(&text("license", "other"), &text("language", "en"))?;
    card.release = Some(card_section(release));
    Ok(ExportSpec {
        format,
        rows: Rows::Release {
            number: release.number,
            after: 0,
        },
        chat: ChatOptions {
            system: DEFAULT_SYSTEM.to_string(),
            prompt: None,
        },
        card,
        pii: PiiPolicy::parse(&release.pii)?,
        pseudonym_key: pseudonym_key(db)?,
        date: release.created_at.chars().take(10).collect(),
        on_finish,
    })
}

/// The dataset card's section about the release.
fn card_section(release: &Release) -> String {
    format!(
        "Release **{name}** (number {number}), cut on {date} at the log's signed checkpoint of {size} leaves. \
         Its manifest (one line per row: leaf index, commitment, SHA-256 of the row's jsonl line, SHA-256 of its media) \
         has SHA-256 `{manifest}`; the manifest hash is signed under the log's key and appended to the log as a \
         release leaf. Rows erased later are listed, by leaf and commitment, at `/releases/deletions`. Verify a \
         download with `native-worker verify-release`.",
        name = release.name,
        number = release.number,
        date = release.created_at.chars().take(10).collect::<String>(),
        size = release.checkpoint_size,
        manifest = release.manifest_sha256.as_deref().unwrap_or("(not yet hashed)"),
    )
}

/// Builds a file of the release once, to record its SHA-256 and length.
fn build_file(ctx: &Context, release: &Release, format: Format) -> Result<File, ReleaseError> {
    let spec = export(ctx.db, release, format, Box::new(|_, _, _, _| Ok(())))?;
    let mut exporter = Exporter::start(ctx, spec)?;
    let (mut hasher, mut bytes) = (Sha256::new(), 0u64);
    use crate::context::ChunkSource as _;
    while let Some(chunk) = exporter.next_chunk(ctx)? {
        hasher.update(&chunk);
        bytes += chunk.len() as u64;
    }
    Ok(File {
        sha256: hex::encode(hasher.finalize()),
        bytes,
    })
}

/// The statement a release is published with: the log's origin, the release format,
/// the release's number and name, its checkpoint, rows and manifest hash.
pub fn statement_body(origin: &str, release: &Release, root: &[u8; 32], manifest: &str) -> String {
    format!(
        "{origin}\n{RELEASE_VERSION}\nrelease {} {}\ncheckpoint {} {}\nrows {}\nmanifest {manifest}\n",
        release.number,
        release.name,
        release.checkpoint_size,
        base64::engine::general_purpose::STANDARD.encode(root),
        release.rows,
    )
}

/// Signs the statement, appends the release leaf and a checkpoint that holds it, and
/// marks the release published, in one transaction (a release whose rows changed
/// since its manifest was hashed is not published: its next steps hash it again).
fn publish(
    ctx: &Context,
    origin: &Origin,
    release: &Release,
    manifest: &str,
) -> Result<(), ReleaseError> {
    let db = ctx.db;
    let key = crate::signing::log_key(db, &ctx.settings)?;
    let now = crate::clock::now();
    transaction(db, || {
        let current = get(db, release.number)?;
        if current.state == State::Published || current.manifest_sha256.as_deref() != Some(manifest)
        {
            return Ok(());
        }
        let root = merkle::checkpoint_at(db, current.checkpoint_size as u64)?
            .map(|c| c.root)
            .ok_or(ReleaseError::NoCheckpoint)?;
        let statement = key.sign_note(&statement_body(key.name(), &current, &root, manifest));
        let leaf = ledger::append_release(db, current.number, manifest, &now)?;
        releases::publish(db, current.number, &statement, leaf as i64, &now)?;
        ledger::current_checkpoint(db, Some(&key), &now)?;
        let data = json!({ "release": current.number, "leaf_index": leaf, "manifest_sha256": manifest, "rows": current.rows });
        origin.log(db, Activity::ReleasePublished, None, data, &now)?;
        Ok::<_, ReleaseError>(())
    })
}

/// The unsigned deletions list: every row withdrawn from a published release.
pub fn deletions_body(origin: &str, withdrawn: &[Withdrawal]) -> String {
    let mut body = format!("{origin}\ntds-release-deletions/v1\n{}\n", withdrawn.len());
    for w in withdrawn {
        body.push_str(&format!(
            "{} {} {} {}\n",
            w.release, w.leaf_index, w.commitment, w.withdrawn_at
        ));
    }
    body
}

/// The signed deletions list.
pub fn deletions(ctx: &Context) -> Result<String, ReleaseError> {
    let key = crate::signing::log_key(ctx.db, &ctx.settings)?;
    let withdrawn = release_withdrawals::list(ctx.db)?;
    Ok(key.sign_note(&deletions_body(key.name(), &withdrawn)))
}
