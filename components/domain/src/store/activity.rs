//! The `activity_log` table's SQL: the rows of the hash chain (`crate::activity_chain`
//! computes and checks the links), listing and filtering, per-day counts, and the IP
//! retention that truncates stored addresses (the chain covers only their keyed digests).

use crate::db::{Db, DbError, Value as Sql};
use serde_json::{json, Value};

/// Name of the secret keying IP digests.
const IP_KEY: &str = "activity_ip_digest";

wire::names! {
    /// What an activity-log entry records: the closed set of entry types the app writes.
    pub enum Activity {
        /// The admin created a user.
        UserCreated = "user_created",
        /// A user replaced their token (every copy of the old one stopped working).
        TokenRotated = "token_rotated",
        /// The admin changed a user's role.
        RoleChanged = "role_changed",
        /// The admin revoked a user's token (and perhaps issued a new one).
        TokenRevoked = "token_revoked",
        /// The admin opened a campaign.
        CampaignOpened = "campaign_opened",
        /// The admin closed a campaign.
        CampaignClosed = "campaign_closed",
        /// Someone joined a campaign as an anonymous participant.
        ParticipantJoined = "participant_joined",
        /// The admin made an invitation.
        InvitationCreated = "invitation_created",
        /// The admin revoked an invitation.
        InvitationRevoked = "invitation_revoked",
        /// Someone joined by an invitation.
        InvitationRedeemed = "invitation_redeemed",
        /// A user's first request of the (UTC) day.
        UserLogin = "user_login",
        /// A contribution was stored.
        ContributionCreated = "contribution_created",
        /// A row was opted back into training.
        OptIn = "opt_in",
        /// A row was opted out of training.
        OptOut = "opt_out",
        /// A person corrected a row's text.
        TextCorrected = "text_corrected",
        /// A contribution was erased.
        ContributionDeleted = "contribution_deleted",
        /// An account was closed and its contributions erased.
        AccountDeleted = "account_deleted",
        /// A training export was downloaded.
        Export = "export",
        /// A user downloaded everything they own.
        PersonalDataExport = "personal_data_export",
        /// A verify page was opened (a QR code scanned).
        QrScan = "qr_scan",
        /// An owner read a row's inclusion proof.
        ProofViewed = "proof_viewed",
        /// A worker's extraction was recorded.
        ExtractionCompleted = "extraction_completed",
        /// A worker reported a failed attempt.
        ExtractionFailed = "extraction_failed",
        /// A reviewer decided on a row.
        ReviewDecided = "review_decided",
        /// An adjudicator settled a row whose reviewers disagreed.
        ReviewAdjudicated = "review_adjudicated",
        /// A reviewer confirmed, dismissed or added a personal-data finding.
        PiiReviewed = "pii_reviewed",
        /// A data-quality scan ran.
        CleanupScan = "cleanup_scan",
        /// A confirmed cleanup ran.
        CleanupExecute = "cleanup_execute",
        /// A lore profile was written.
        LoreGenerated = "lore_generated",
        /// A witness's cosignature was kept.
        WitnessCosigned = "witness_cosigned",
        /// A published checkpoint's rows were marked.
        Published = "published",
        /// An encrypted snapshot was recorded.
        Snapshot = "snapshot",
        /// The admin cut a numbered release.
        ReleaseCut = "release_cut",
        /// A release's statement was signed and its leaf appended to the log.
        ReleasePublished = "release_published",
        /// A batch of an import was written (its counts and the SHA-256 of its lines).
        ImportBatch = "import_batch",
    }
}

/// One action to record.
pub struct Entry {
    /// What happened (`contribution_created`, `qr_scan`, …).
    pub log_type: Activity,
    /// Who did it, when known.
    pub user_id: Option<i64>,
    /// Details (JSON object).
    pub action_data: Value,
    /// Client IP address.
    pub ip_address: Option<String>,
    /// Client user agent.
    pub user_agent: Option<String>,
}

/// What appending needs, read in one statement.
pub struct AppendContext {
    /// The chain head (id, proof_hash), if any.
    pub head: Option<(i64, String)>,
    /// The key of IP digests (empty until the first address is recorded).
    pub ip_key: Vec<u8>,
}

/// Reads the [`AppendContext`].
pub fn append_context(db: &dyn Db) -> Result<AppendContext, DbError> {
    let head = db.execute(
        "SELECT a.id, a.proof_hash, s.value AS ip_key FROM (SELECT 1) \
         LEFT JOIN (SELECT id, proof_hash FROM activity_log ORDER BY id DESC LIMIT 1) a \
         LEFT JOIN app_secrets s ON s.name = ?",
        &[IP_KEY.into()],
    )?;
    let row = head.first();
    let previous = row
        .as_ref()
        .and_then(|r| r.opt_int("id").map(|id| (id, r.text("proof_hash"))));
    Ok(AppendContext {
        head: previous,
        ip_key: row.map(|r| r.blob("ip_key")).unwrap_or_default(),
    })
}

/// The key of IP digests, made on first use.
pub fn ip_key(db: &dyn Db) -> Result<Vec<u8>, DbError> {
    crate::store::secrets::get_or_create(db, IP_KEY)
}

/// One stored row of the chain, as hashing needs it.
pub struct Link {
    /// Row id (1, 2, …).
    pub id: i64,
    /// What happened.
    pub log_type: String,
    /// Who did it.
    pub user_id: Option<i64>,
    /// Details, as stored (JSON text).
    pub action_data: String,
    /// Keyed digest of the client IP.
    pub ip_digest: Option<String>,
    /// Client user agent.
    pub user_agent: Option<String>,
    /// When.
    pub created_at: String,
    /// The stored chain hash.
    pub proof_hash: String,
}

/// Inserts one row of the chain.
pub fn insert(db: &dyn Db, link: &Link, ip_address: Option<&str>) -> Result<(), DbError> {
    db.execute(
        "INSERT INTO activity_log (id, log_type, user_id, action_data, ip_address, ip_digest, user_agent, created_at, proof_hash) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            link.id.into(),
            link.log_type.as_str().into(),
            link.user_id.into(),
            link.action_data.as_str().into(),
            ip_address.into(),
            link.ip_digest.clone().into(),
            link.user_agent.clone().into(),
            link.created_at.as_str().into(),
            link.proof_hash.as_str().into(),
        ],
    )?;
    Ok(())
}

/// Up to `limit` rows after `after_id`, in id order (a page of a verification walk).
pub fn links_after(db: &dyn Db, after_id: i64, limit: usize) -> Result<Vec<Link>, DbError> {
    let rows = db.execute(
        "SELECT id, log_type, user_id, action_data, ip_digest, user_agent, created_at, proof_hash \
         FROM activity_log WHERE id > ? ORDER BY id LIMIT ?",
        &[after_id.into(), (limit as i64).into()],
    )?;
    Ok(rows
        .iter()
        .map(|r| Link {
            id: r.int("id"),
            log_type: r.text("log_type"),
            user_id: r.opt_int("user_id"),
            action_data: r.text("action_data"),
            ip_digest: r.opt_text("ip_digest"),
            user_agent: r.opt_text("user_agent"),
            created_at: r.text("created_at"),
            proof_hash: r.text("proof_hash"),
        })
        .collect())
}

/// The stored proof_hash of row `id`.
pub fn hash_of(db: &dyn Db, id: i64) -> Result<Option<String>, DbError> {
    Ok(db
        .execute(
            "SELECT proof_hash FROM activity_log WHERE id = ?",
            &[id.into()],
        )?
        .first()
        .map(|r| r.text("proof_hash")))
}

/// The current chain head (id, proof_hash).
pub fn head(db: &dyn Db) -> Result<Option<(i64, String)>, DbError> {
    let rows = db.execute(
        "SELECT id, proof_hash FROM activity_log ORDER BY id DESC LIMIT 1",
        &[],
    )?;
    Ok(rows.first().map(|r| (r.int("id"), r.text("proof_hash"))))
}

/// An IP address reduced to its network: IPv4 /24, IPv6 /48.
pub fn truncate_ip(ip: &str) -> String {
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(v4)) => {
            let o = v4.octets();
            format!("{}.{}.{}.0", o[0], o[1], o[2])
        }
        Ok(std::net::IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}::", s[0], s[1], s[2])
        }
        Err(_) => String::new(),
    }
}

/// Truncates the IP addresses of rows created before `cutoff`. Returns how many.
pub fn apply_ip_retention(db: &dyn Db, cutoff: &str) -> Result<u64, DbError> {
    let rows = db.execute(
        "SELECT id, ip_address FROM activity_log WHERE ip_truncated = 0 AND created_at < ? LIMIT 5000",
        &[cutoff.into()],
    )?;
    for r in rows.iter() {
        let truncated = r.opt_text("ip_address").map(|ip| truncate_ip(&ip));
        db.execute(
            "UPDATE activity_log SET ip_address = ?, ip_truncated = 1 WHERE id = ?",
            &[truncated.into(), r.int("id").into()],
        )?;
    }
    Ok(rows.rows.len() as u64)
}

/// Filters for listing the log.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    /// Only this log type.
    pub log_type: Option<String>,
    /// Only this user.
    pub user_id: Option<i64>,
    /// At or after.
    pub since: Option<String>,
    /// Before.
    pub until: Option<String>,
    /// Keyset cursor: ids below this.
    pub before_id: Option<i64>,
}

/// Newest-first page of log rows.
pub fn list(db: &dyn Db, filter: &Filter, limit: usize) -> Result<Vec<Value>, DbError> {
    let mut sql = String::from(
        "SELECT id, log_type, user_id, action_data, ip_address, user_agent, created_at, proof_hash FROM activity_log WHERE 1 = 1",
    );
    let mut params: Vec<Sql> = Vec::new();
    let mut narrow = |clause: &str, v: Sql| {
        sql.push_str(clause);
        params.push(v);
    };
    if let Some(t) = &filter.log_type {
        narrow(" AND log_type = ?", t.as_str().into());
    }
    if let Some(u) = filter.user_id {
        narrow(" AND user_id = ?", u.into());
    }
    if let Some(s) = &filter.since {
        narrow(" AND created_at >= ?", s.as_str().into());
    }
    if let Some(u) = &filter.until {
        narrow(" AND created_at < ?", u.as_str().into());
    }
    if let Some(b) = filter.before_id {
        narrow(" AND id < ?", b.into());
    }
    sql.push_str(" ORDER BY id DESC LIMIT ?");
    params.push((limit as i64).into());
    Ok(db
        .execute(&sql, &params)?
        .iter()
        .map(|r| {
            json!({
                "id": r.int("id"),
                "log_type": r.text("log_type"),
                "user_id": r.opt_int("user_id"),
                "action_data": serde_json::from_str::<Value>(&r.text("action_data")).unwrap_or(Value::Null),
                "ip_address": r.opt_text("ip_address"),
                "user_agent": r.opt_text("user_agent"),
                "created_at": r.text("created_at"),
                "proof_hash": r.text("proof_hash"),
            })
        })
        .collect())
}

/// Entries of one type per day (YYYY-MM-DD) since `since`.
pub fn count_per_day(
    db: &dyn Db,
    log_type: Activity,
    since: &str,
) -> Result<Vec<(String, i64)>, DbError> {
    let rows = db.execute(
        "SELECT substr(created_at, 1, 10) AS day, COUNT(*) AS n FROM activity_log \
         WHERE log_type = ? AND created_at >= ? GROUP BY day",
        &[log_type.as_str().into(), since.into()],
    )?;
    Ok(rows.iter().map(|r| (r.text("day"), r.int("n"))).collect())
}

/// Extraction outcomes per day and engine since `since`: (day, engine, completed, failed).
pub fn extraction_outcomes(
    db: &dyn Db,
    since: &str,
) -> Result<Vec<(String, String, i64, i64)>, DbError> {
    let rows = db.execute(
        "SELECT substr(created_at, 1, 10) AS day, IFNULL(json_extract(action_data, '$.engine'), 'unknown') AS engine, \
         SUM(log_type = 'extraction_completed') AS ok, SUM(log_type = 'extraction_failed') AS failed \
         FROM activity_log WHERE log_type IN ('extraction_completed', 'extraction_failed') AND created_at >= ? \
         GROUP BY day, engine",
        &[since.into()],
    )?;
    Ok(rows
        .iter()
        .map(|r| {
            (
                r.text("day"),
                r.text("engine"),
                r.int("ok"),
                r.int("failed"),
            )
        })
        .collect())
}

/// A user's own activity entries, oldest first, as JSON objects.
pub fn of_user(db: &dyn Db, user_id: i64) -> Result<Vec<Value>, DbError> {
    let rows = db.execute(
        "SELECT id, log_type, action_data, created_at FROM activity_log WHERE user_id = ? ORDER BY id",
        &[user_id.into()],
    )?;
    Ok(rows
        .iter()
        .map(|r| {
            json!({
                "id": r.int("id"),
                "log_type": r.text("log_type"),
                "action_data": serde_json::from_str::<Value>(&r.text("action_data")).unwrap_or(Value::Null),
                "created_at": r.text("created_at"),
            })
        })
        .collect())
}
