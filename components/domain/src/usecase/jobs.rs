//! The extraction jobs' state machine, as the worker protocol drives it. At-least-once
//! with idempotent effects: claiming is atomic (one write transaction), an expired lease
//! can be claimed again (attempt + 1), a stale lease token or a second completion is
//! [`JobError::NotLeased`] and changes nothing, retryable failures back off
//! exponentially with jitter, and after `max_attempts` the job is `dead` and its
//! contribution `failed` with the last error kept for the quality report.

use super::db_failures;
use super::text;
use crate::context::Origin;
use crate::db::{transaction, Db, DbError};
use crate::extraction::check::{check, ImageSize};
use crate::store::activity::Activity;
use crate::store::{contributions, jobs};
use serde_json::json;
use wire::jobs::{Completed, Extended, Extraction, Failed, JobKind, Lease};
use wire::lifecycle::{JobState, Status};
use wire::media::Modality;

/// Why a job operation did not happen.
#[derive(Debug)]
pub enum JobError {
    /// No job has this id.
    NotFound(i64),
    /// The job is not leased with this token (stale, finished or expired): its state.
    NotLeased(i64, JobState),
    /// The job's contribution was deleted while the job ran.
    ContributionDeleted(i64),
    /// The job's input is gone (its contribution was deleted).
    InputGone,
    /// What the engine located does not fit the input (why).
    BadLayout(String),
    /// The database failed.
    Db(DbError),
}

db_failures!(JobError);

/// What a worker asks for when it claims.
pub struct ClaimRequest<'a> {
    /// Who claims (kept on the lease).
    pub worker: &'a str,
    /// The kinds it runs.
    pub kinds: &'a [JobKind],
    /// Lease length in seconds.
    pub lease_seconds: i64,
}

/// Leases the next due job of the asked kinds; `None` when none is due. An expired
/// lease on a job's last attempt ends it (`dead`, contribution `failed`) on the way.
pub fn claim(db: &dyn Db, ask: &ClaimRequest) -> Result<Option<Lease>, JobError> {
    let now = crate::clock::now();
    // An idle worker's poll only reads: the write lock (which every other writer then
    // waits for) is taken only when a job is due, and the claim re-checks inside it.
    if jobs::next_due(db, ask.kinds, &now)?.is_none() {
        return Ok(None);
    }
    transaction(db, || {
        while let Some(job) = jobs::next_due(db, ask.kinds, &now)? {
            if job.attempts >= job.max_attempts {
                let error = "the lease expired on the last attempt";
                jobs::finish(db, job.id, JobState::Dead, Some(error), &now)?;
                contributions::set_status(
                    db,
                    job.contribution_id,
                    Status::Failed,
                    Some(error),
                    &now,
                )?;
                continue;
            }
            let Some((modality, mime)) = contributions::media_info(db, job.contribution_id)? else {
                // Its contribution is gone (deletion cancels jobs; this one slipped by).
                jobs::finish(
                    db,
                    job.id,
                    JobState::Cancelled,
                    Some("the contribution is gone"),
                    &now,
                )?;
                continue;
            };
            let token = crate::proof::commitment::new_verification_code();
            let expires = crate::clock::from_now(ask.lease_seconds as f64);
            jobs::lease(db, job.id, ask.worker, &token, &expires, &now)?;
            contributions::set_status(db, job.contribution_id, Status::Processing, None, &now)?;
            return Ok::<_, JobError>(Some(Lease {
                id: job.id,
                kind: job.kind,
                contribution_id: job.contribution_id,
                attempt: job.attempts + 1,
                lease_token: token,
                lease_expires_at: expires,
                modality,
                mime,
            }));
        }
        Ok(None)
    })
}

/// The media type and bytes a job extracts text from.
pub fn input(db: &dyn Db, id: i64) -> Result<(String, Vec<u8>), JobError> {
    let job = jobs::get(db, id)?.ok_or(JobError::NotFound(id))?;
    contributions::input(db, job.contribution_id)?.ok_or(JobError::InputGone)
}

/// The job, if `token` is its live lease.
fn live_lease(db: &dyn Db, id: i64, token: &str, now: &str) -> Result<jobs::Job, JobError> {
    let job = jobs::get(db, id)?.ok_or(JobError::NotFound(id))?;
    let live = job.state == JobState::Leased
        && job.lease_token.as_deref() == Some(token)
        && job.lease_expires_at.as_deref().is_some_and(|e| e > now);
    if !live {
        return Err(JobError::NotLeased(id, job.state));
    }
    Ok(job)
}

/// Extends a live lease by `lease_seconds` from now.
pub fn extend(db: &dyn Db, id: i64, token: &str, lease_seconds: i64) -> Result<Extended, JobError> {
    let now = crate::clock::now();
    let expires = crate::clock::from_now(lease_seconds as f64);
    transaction(db, || {
        live_lease(db, id, token, &now)?;
        jobs::extend(db, id, &expires, &now)?;
        Ok::<_, JobError>(())
    })?;
    Ok(Extended {
        id,
        lease_expires_at: expires,
    })
}

/// Records what the engine found: the job is done, the contribution complete, the
/// text a new version (`text::record_machine`), and the activity log says so.
pub fn complete(
    db: &dyn Db,
    origin: &Origin,
    id: i64,
    token: &str,
    found: &Extraction,
    duration_ms: Option<i64>,
) -> Result<Completed, JobError> {
    let now = crate::clock::now();
    let contribution_id = transaction(db, || {
        let job = live_lease(db, id, token, &now)?;
        jobs::finish(db, id, JobState::Done, None, &now)?;
        let row = contributions::get(db, job.contribution_id)?
            .ok_or(JobError::ContributionDeleted(job.contribution_id))?;
        let image = match row.modality {
            Modality::Screenshot | Modality::Drawing => image_size(db, row.id)?,
            _ => None,
        };
        check(&found.layout, image).map_err(JobError::BadLayout)?;
        text::record_machine(db, &row, found, &now)?;
        let layout = &found.layout;
        let data = json!({
            "job_id": id, "contribution_id": job.contribution_id, "kind": job.kind, "engine": found.engine, "model": found.model,
            "language": layout.language, "duration_ms": duration_ms, "audio_ms": layout.audio_ms,
            "segments": layout.segments.as_ref().map(Vec::len), "boxes": layout.boxes.as_ref().map(Vec::len),
        });
        origin.log(db, Activity::ExtractionCompleted, None, data, &now)?;
        Ok::<_, JobError>(job.contribution_id)
    })?;
    Ok(Completed {
        id,
        state: JobState::Done,
        contribution_id,
    })
}

/// The size of a row's image, read from the head of its bytes.
fn image_size(db: &dyn Db, id: i64) -> Result<Option<ImageSize>, DbError> {
    Ok(contributions::media_head(db, id, 256 * 1024)?
        .and_then(|head| imagesize::blob_size(&head).ok())
        .map(|size| ImageSize {
            width: size.width as i64,
            height: size.height as i64,
        }))
}

/// A failed attempt as the worker reports it.
pub struct Attempt<'a> {
    /// What went wrong.
    pub error: &'a str,
    /// The engine that failed, when known.
    pub engine: Option<&'a str>,
    /// Worth another attempt while attempts remain.
    pub retryable: bool,
}

/// Records a failed attempt: retried after an exponential back-off with ±50 % jitter
/// (2, 4, 8 … seconds) while attempts remain and it is retryable, else the job is
/// `dead` and its contribution `failed`.
pub fn fail(
    db: &dyn Db,
    origin: &Origin,
    id: i64,
    token: &str,
    attempt: &Attempt,
) -> Result<Failed, JobError> {
    let now = crate::clock::now();
    let error = attempt.error;
    let (state, not_before) = transaction(db, || {
        let job = live_lease(db, id, token, &now)?;
        let data = json!({ "job_id": id, "contribution_id": job.contribution_id, "engine": attempt.engine, "error": error, "attempt": job.attempts });
        origin.log(db, Activity::ExtractionFailed, None, data, &now)?;
        if attempt.retryable && job.attempts < job.max_attempts {
            let jitter = 0.5 + f64::from(crate::hashing::random_bytes(1)[0]) / 255.0;
            let delay = 2f64.powi(job.attempts.clamp(1, 12) as i32) * jitter;
            let not_before = crate::clock::from_now(delay);
            jobs::retry_later(db, id, error, &not_before, &now)?;
            contributions::set_status(db, job.contribution_id, Status::Pending, Some(error), &now)?;
            return Ok::<_, JobError>((JobState::Pending, Some(not_before)));
        }
        jobs::finish(db, id, JobState::Dead, Some(error), &now)?;
        contributions::set_status(db, job.contribution_id, Status::Failed, Some(error), &now)?;
        Ok((JobState::Dead, None))
    })?;
    Ok(Failed {
        id,
        state,
        not_before,
    })
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;
    use crate::store::text_versions;
    use wire::media::Modality;

    fn claim_ocr(db: &dyn Db) -> Option<Lease> {
        let ask = ClaimRequest {
            worker: "w1",
            kinds: &[JobKind::Ocr],
            lease_seconds: 60,
        };
        claim(db, &ask).unwrap()
    }

    fn found(text: &str) -> Extraction {
        Extraction {
            text: text.into(),
            engine: "tesseract".into(),
            model: "eng".into(),
            confidence: Some(0.9),
            ..Extraction::default()
        }
    }

    #[test]
    fn a_claim_leases_the_due_job_once_and_only_of_the_asked_kinds() {
        let db = fixture::db();
        let ada = fixture::user(&db, "Ada");
        let shot = fixture::screenshot(&db, ada, "a");
        let only_voice = ClaimRequest {
            worker: "w1",
            kinds: &[JobKind::Transcribe],
            lease_seconds: 60,
        };
        assert!(claim(&db, &only_voice).unwrap().is_none());
        let lease = claim_ocr(&db).expect("the screenshot's job");
        assert_eq!(
            (lease.kind, lease.modality),
            (JobKind::Ocr, Modality::Screenshot)
        );
        assert_eq!((lease.contribution_id, lease.attempt), (shot.row.id, 1));
        assert_eq!(lease.mime, "image/png");
        let row = contributions::get(&db, shot.row.id).unwrap().unwrap();
        assert_eq!(row.status, Status::Processing);
        assert!(
            claim_ocr(&db).is_none(),
            "a leased job is not handed out twice"
        );
        let (mime, bytes) = input(&db, lease.id).unwrap();
        assert_eq!((mime.as_str(), &bytes[8..]), ("image/png", &b"a"[..]));
        assert!(matches!(input(&db, 999), Err(JobError::NotFound(999))));
    }

    #[test]
    fn completion_needs_the_live_lease_records_the_text_and_happens_once() {
        let db = fixture::db();
        let ada = fixture::user(&db, "Ada");
        let shot = fixture::screenshot(&db, ada, "a");
        let lease = claim_ocr(&db).unwrap();
        let origin = Origin::default();
        let stale = complete(&db, &origin, lease.id, "not-the-token", &found("x"), None);
        assert!(matches!(
            stale,
            Err(JobError::NotLeased(_, JobState::Leased))
        ));
        let extended = extend(&db, lease.id, &lease.lease_token, 120).unwrap();
        assert!(extended.lease_expires_at >= lease.lease_expires_at);
        let done = complete(
            &db,
            &origin,
            lease.id,
            &lease.lease_token,
            &found(" Invoice 4521 "),
            Some(5),
        )
        .unwrap();
        assert_eq!(
            (done.state, done.contribution_id),
            (JobState::Done, shot.row.id)
        );
        let row = contributions::get(&db, shot.row.id).unwrap().unwrap();
        assert_eq!(row.status, Status::Complete);
        assert_eq!(row.extracted_text.as_deref(), Some("Invoice 4521"));
        assert_eq!(text_versions::list(&db, row.id).unwrap().len(), 1);
        let again = complete(
            &db,
            &origin,
            lease.id,
            &lease.lease_token,
            &found("y"),
            None,
        );
        assert!(matches!(again, Err(JobError::NotLeased(_, JobState::Done))));
        assert_eq!(
            fixture::activity_types(&db),
            [
                "user_created",
                "contribution_created",
                "extraction_completed"
            ]
        );
    }

    #[test]
    fn a_retryable_failure_backs_off_and_a_permanent_one_ends_the_job() {
        let db = fixture::db();
        let ada = fixture::user(&db, "Ada");
        let origin = Origin::default();
        let shot = fixture::screenshot(&db, ada, "a");
        let lease = claim_ocr(&db).unwrap();
        let retry = Attempt {
            error: "engine busy",
            engine: Some("tesseract"),
            retryable: true,
        };
        let failed = fail(&db, &origin, lease.id, &lease.lease_token, &retry).unwrap();
        assert_eq!(failed.state, JobState::Pending);
        assert!(failed.not_before.is_some());
        let row = contributions::get(&db, shot.row.id).unwrap().unwrap();
        assert_eq!(
            (row.status, row.last_error.as_deref()),
            (Status::Pending, Some("engine busy"))
        );
        assert_eq!(
            jobs::get(&db, lease.id).unwrap().unwrap().state,
            JobState::Pending
        );

        // A fresh database, so the first job's back-off (1 to 3 s) cannot matter.
        let db = fixture::db();
        let ada = fixture::user(&db, "Ada");
        let other = fixture::screenshot(&db, ada, "b");
        let lease = claim_ocr(&db).unwrap();
        let permanent = Attempt {
            error: "not an image",
            engine: None,
            retryable: false,
        };
        let failed = fail(&db, &origin, lease.id, &lease.lease_token, &permanent).unwrap();
        assert_eq!((failed.state, failed.not_before), (JobState::Dead, None));
        let row = contributions::get(&db, other.row.id).unwrap().unwrap();
        assert_eq!(row.status, Status::Failed);
    }
}
