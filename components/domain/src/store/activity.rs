//! The `activity_log` table: an append-only hash chain. Each row's `proof_hash` is
//! SHA-256 over the previous row's `proof_hash` and this row's canonical bytes (its id,
//! type, user, data, a keyed digest of the IP, user agent and time), so any edit or
//! deletion breaks the chain from that row on. Append inside the caller's transaction
//! (`BEGIN IMMEDIATE`), which serializes writers so the chain never forks.
//!
//! Privacy: the chain covers `ip_digest` = SHA-256(per-database secret ‖ IP), not the
//! address, so addresses can be truncated after the retention period (IPv4 to /24,
//! IPv6 to /48) while every row still verifies.

use crate::db::{Db, DbError, Value as Sql};
use crate::hashing::sha256_hex;
use serde_json::{json, Value};

/// The `proof_hash` the first row chains to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// Name of the secret keying IP digests.
const IP_KEY: &str = "activity_ip_digest";

/// One action to record.
pub struct Entry {
    /// What happened (`contribution_created`, `qr_scan`, …).
    pub log_type: &'static str,
    /// Who did it, when known.
    pub user_id: Option<i64>,
    /// Details (JSON object).
    pub action_data: Value,
    /// Client IP address.
    pub ip_address: Option<String>,
    /// Client user agent.
    pub user_agent: Option<String>,
}

/// The bytes a row's hash covers.
pub fn canonical_bytes(
    id: i64,
    log_type: &str,
    user_id: Option<i64>,
    action_data: &str,
    ip_digest: Option<&str>,
    user_agent: Option<&str>,
    created_at: &str,
) -> Vec<u8> {
    json!([
        id,
        log_type,
        user_id,
        action_data,
        ip_digest,
        user_agent,
        created_at
    ])
    .to_string()
    .into_bytes()
}

/// The chain link: SHA-256(previous proof_hash || canonical bytes), hex.
pub fn chain_hash(previous: &str, canonical: &[u8]) -> String {
    let mut bytes = previous.as_bytes().to_vec();
    bytes.extend_from_slice(canonical);
    sha256_hex(&bytes)
}

/// Appends an entry to the chain (id = previous id + 1).
pub fn append(db: &dyn Db, entry: &Entry, now: &str) -> Result<(), DbError> {
    let head = db.execute(
        "SELECT a.id, a.proof_hash, s.value AS ip_key FROM (SELECT 1) \
         LEFT JOIN (SELECT id, proof_hash FROM activity_log ORDER BY id DESC LIMIT 1) a \
         LEFT JOIN app_secrets s ON s.name = ?",
        &[IP_KEY.into()],
    )?;
    let row = head.first();
    let (previous_id, previous) = row
        .as_ref()
        .and_then(|r| r.opt_int("id").map(|id| (id, r.text("proof_hash"))))
        .unwrap_or((0, GENESIS.to_string()));
    let mut key = row.map(|r| r.blob("ip_key")).unwrap_or_default();
    if key.is_empty() && entry.ip_address.is_some() {
        key = crate::store::secrets::get_or_create(db, IP_KEY)?;
    }
    let ip_digest = entry.ip_address.as_deref().map(|ip| {
        let mut bytes = key.clone();
        bytes.extend_from_slice(ip.as_bytes());
        sha256_hex(&bytes)
    });
    let id = previous_id + 1;
    let action_data = entry.action_data.to_string();
    let canonical = canonical_bytes(
        id,
        entry.log_type,
        entry.user_id,
        &action_data,
        ip_digest.as_deref(),
        entry.user_agent.as_deref(),
        now,
    );
    db.execute(
        "INSERT INTO activity_log (id, log_type, user_id, action_data, ip_address, ip_digest, user_agent, created_at, proof_hash) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            id.into(),
            entry.log_type.into(),
            entry.user_id.into(),
            action_data.into(),
            entry.ip_address.clone().into(),
            ip_digest.into(),
            entry.user_agent.clone().into(),
            now.into(),
            chain_hash(&previous, &canonical).into(),
        ],
    )?;
    Ok(())
}

/// The result of recomputing the chain.
#[derive(Debug, Clone, PartialEq)]
pub struct Verification {
    /// Every row matched its link.
    pub ok: bool,
    /// Rows checked.
    pub checked: u64,
    /// The first row that does not verify (or the first missing id).
    pub first_bad_id: Option<i64>,
    /// The last row's (id, proof_hash).
    pub head: Option<(i64, String)>,
}

/// Recomputes the whole chain, a page at a time.
pub fn verify(db: &dyn Db) -> Result<Verification, DbError> {
    let mut previous = GENESIS.to_string();
    let mut previous_id = 0i64;
    let mut checked = 0u64;
    loop {
        let rows = db.execute(
            "SELECT id, log_type, user_id, action_data, ip_digest, user_agent, created_at, proof_hash \
             FROM activity_log WHERE id > ? ORDER BY id LIMIT 2000",
            &[previous_id.into()],
        )?;
        if rows.rows.is_empty() {
            break;
        }
        for r in rows.iter() {
            let id = r.int("id");
            let canonical = canonical_bytes(
                id,
                &r.text("log_type"),
                r.opt_int("user_id"),
                &r.text("action_data"),
                r.opt_text("ip_digest").as_deref(),
                r.opt_text("user_agent").as_deref(),
                &r.text("created_at"),
            );
            let stored = r.text("proof_hash");
            if id != previous_id + 1 {
                return Ok(Verification {
                    ok: false,
                    checked,
                    first_bad_id: Some(previous_id + 1),
                    head: None,
                });
            }
            if chain_hash(&previous, &canonical) != stored {
                return Ok(Verification {
                    ok: false,
                    checked,
                    first_bad_id: Some(id),
                    head: None,
                });
            }
            checked += 1;
            previous = stored;
            previous_id = id;
        }
    }
    let head = (previous_id > 0).then_some((previous_id, previous));
    Ok(Verification {
        ok: true,
        checked,
        first_bad_id: None,
        head,
    })
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
    log_type: &str,
    since: &str,
) -> Result<Vec<(String, i64)>, DbError> {
    let rows = db.execute(
        "SELECT substr(created_at, 1, 10) AS day, COUNT(*) AS n FROM activity_log \
         WHERE log_type = ? AND created_at >= ? GROUP BY day",
        &[log_type.into(), since.into()],
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::native_sqlite::SqliteDb;

    fn entry(n: i64) -> Entry {
        Entry {
            log_type: "test",
            user_id: Some(n),
            action_data: json!({ "n": n }),
            ip_address: Some("203.0.113.9".into()),
            user_agent: None,
        }
    }

    #[test]
    fn chain_verifies_and_detects_edits_and_deletions() {
        let db = SqliteDb::migrated();
        for n in 0..10 {
            append(&db, &entry(n), "2026-01-01T00:00:00.000Z").unwrap();
        }
        let v = verify(&db).unwrap();
        assert_eq!(
            (v.ok, v.checked, v.head.as_ref().map(|h| h.0)),
            (true, 10, Some(10))
        );
        db.execute(
            "UPDATE activity_log SET action_data = '{\"n\":99}' WHERE id = 4",
            &[],
        )
        .unwrap();
        assert_eq!(verify(&db).unwrap().first_bad_id, Some(4));
        let db = SqliteDb::migrated();
        for n in 0..10 {
            append(&db, &entry(n), "2026-01-01T00:00:00.000Z").unwrap();
        }
        db.execute("DELETE FROM activity_log WHERE id = 6", &[])
            .unwrap();
        assert_eq!(verify(&db).unwrap().first_bad_id, Some(6));
    }

    #[test]
    fn ip_retention_keeps_the_chain_valid() {
        let db = SqliteDb::migrated();
        append(&db, &entry(1), "2026-01-01T00:00:00.000Z").unwrap();
        append(&db, &entry(2), "2026-03-01T00:00:00.000Z").unwrap();
        assert_eq!(
            apply_ip_retention(&db, "2026-02-01T00:00:00.000Z").unwrap(),
            1
        );
        let ips: Vec<String> = db
            .execute("SELECT ip_address FROM activity_log ORDER BY id", &[])
            .unwrap()
            .iter()
            .map(|r| r.text("ip_address"))
            .collect();
        assert_eq!(ips, ["203.0.113.0", "203.0.113.9"]);
        assert!(verify(&db).unwrap().ok);
        assert_eq!(truncate_ip("2001:db8:abcd:12::1"), "2001:db8:abcd::");
    }
}
