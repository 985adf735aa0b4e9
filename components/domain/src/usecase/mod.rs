//! The use-case layer: one module per business operation, each owning its
//! transaction and free of HTTP. Handlers in `api/` authenticate, parse, call one of
//! these and render; these call the rules (`text`, `ledger`, `activity_chain`) and the
//! SQL (`store/`). Each returns its own typed error; `api::errors` maps them all to
//! problem+json in one place.
//!
//! - `accounts`: a new contributor or reviewer; a user's new token; the admin's
//!   role changes and token revocations.
//! - `invitations`: making, revoking and redeeming the links people join by.
//! - `campaigns`: opening and closing campaigns, joining one, admitting its rows.
//! - `intake`: a contribution arrives: row, blob, text version, job, log leaf, activity.
//! - `imports`: many arrive at once, in batches, with a per-line report.
//! - `jobs`: the worker protocol's state machine: claim, extend, complete, fail.
//! - `text`: a row's text versions and a person's correction.
//! - `lore`: a user's lore profile kept.
//! - `pii`: personal data found in every text version, and reviewers' decisions on it.
//! - `proofs`: the log's checkpoint, QR scans, witnesses' cosignatures, publication.
//! - `quality`: scanning every contribution and cleaning up what the scan found.
//! - `releases`: cutting, building and publishing numbered dataset releases.
//! - `review`: leasing the next row to review and recording a decision.
//! - `snapshots`: an encrypted snapshot recorded.
//! - `erasure`: deleting a contribution or a whole account.

pub mod accounts;
pub mod campaigns;
pub mod erasure;
pub mod imports;
pub mod intake;
pub mod invitations;
pub mod jobs;
pub mod lore;
pub mod pii;
pub mod proofs;
pub mod quality;
pub mod releases;
pub mod review;
pub mod snapshots;
pub mod text;

/// Gives a use-case error enum its `Db(DbError)` variant's plumbing: `?` on a store call
/// converts, and a busy database is retried by `db::transaction` like any other.
macro_rules! db_failures {
    ($error:ty) => {
        impl From<$crate::db::DbError> for $error {
            fn from(e: $crate::db::DbError) -> Self {
                Self::Db(e)
            }
        }

        impl $crate::db::MaybeBusy for $error {
            fn is_busy(&self) -> bool {
                matches!(self, Self::Db(e) if e.is_busy())
            }
        }
    };
}
pub(crate) use db_failures;

/// What the use-cases' unit tests share: a migrated in-memory SQLite database, users
/// and contributions made through the use-cases themselves.
#[cfg(test)]
pub(crate) mod fixture {
    use super::intake::{self, IntakeError, NewContribution, Participation, Stored};
    use crate::auth::Caller;
    use crate::context::Origin;
    use crate::native_sqlite::SqliteDb;
    use crate::store::users::Role;
    use wire::media::Modality;

    /// A fresh database with every migration applied.
    pub fn db() -> SqliteDb {
        SqliteDb::migrated()
    }

    /// A contributor named `name`; their id.
    pub fn user(db: &SqliteDb, name: &str) -> i64 {
        let hash = format!("hash-of-{name}");
        super::accounts::create(db, &Origin::default(), name, Role::Contributor, &hash)
            .unwrap()
            .0
    }

    /// A text contribution by `uid`.
    pub fn text(db: &SqliteDb, uid: i64, words: &str) -> Stored {
        try_text(db, uid, words, None).unwrap()
    }

    /// A text contribution by `uid`, counted for a campaign when there is one; what
    /// intake answered.
    pub fn try_text(
        db: &SqliteDb,
        uid: i64,
        words: &str,
        campaign: Option<&Participation>,
    ) -> Result<Stored, IntakeError> {
        let new = NewContribution {
            modality: Modality::Text,
            content: words.as_bytes().to_vec(),
            mime: "text/plain",
            strokes: None,
            metadata: "{}".into(),
        };
        intake::contribute(db, &Origin::default(), Caller::User(uid), &new, campaign)
    }

    /// A screenshot by `uid` (PNG magic and `tag`, enough for the store).
    pub fn screenshot(db: &SqliteDb, uid: i64, tag: &str) -> Stored {
        let mut content = b"\x89PNG\r\n\x1a\n".to_vec();
        content.extend_from_slice(tag.as_bytes());
        let new = NewContribution {
            modality: Modality::Screenshot,
            content,
            mime: "image/png",
            strokes: None,
            metadata: "{}".into(),
        };
        intake::contribute(db, &Origin::default(), Caller::User(uid), &new, None).unwrap()
    }

    /// The activity log's entry types, oldest first.
    pub fn activity_types(db: &SqliteDb) -> Vec<String> {
        use crate::db::Db as _;
        db.execute("SELECT log_type FROM activity_log ORDER BY id", &[])
            .unwrap()
            .iter()
            .map(|r| r.text("log_type"))
            .collect()
    }
}
