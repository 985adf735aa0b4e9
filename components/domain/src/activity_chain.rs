//! The activity log as a hash chain: every action is a row whose `proof_hash` is
//! SHA-256 over the previous row's `proof_hash` and this row's canonical bytes (its id,
//! type, user, data, a keyed digest of the IP, user agent and time), so any edit or
//! deletion breaks the chain from that row on. Shaped like [`crate::ledger`]: the
//! hashing here, the SQL in [`crate::store::activity`]. Append inside the caller's
//! transaction (`BEGIN IMMEDIATE`), which serializes writers so the chain never forks.
//!
//! Privacy: the chain covers `ip_digest` = SHA-256(per-database secret ‖ IP), not the
//! address, so addresses can be truncated after the retention period (IPv4 to /24,
//! IPv6 to /48) while every row still verifies.

use crate::db::{Db, DbError};
use crate::hashing::sha256_hex;
use crate::store::activity::{self as store, Entry, Link};
use serde_json::json;

/// The `proof_hash` the first row chains to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
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
    let context = store::append_context(db)?;
    let (previous_id, previous_hash) = context.head.unwrap_or((0, GENESIS.to_string()));
    let mut key = context.ip_key;
    if key.is_empty() && entry.ip_address.is_some() {
        key = store::ip_key(db)?;
    }
    let ip_digest = entry.ip_address.as_deref().map(|ip| {
        let mut bytes = key.clone();
        bytes.extend_from_slice(ip.as_bytes());
        sha256_hex(&bytes)
    });
    let mut link = Link {
        id: previous_id + 1,
        log_type: entry.log_type.to_string(),
        user_id: entry.user_id,
        action_data: entry.action_data.to_string(),
        ip_digest,
        user_agent: entry.user_agent.clone(),
        created_at: now.to_string(),
        proof_hash: String::new(),
    };
    link.proof_hash = chain_hash(&previous_hash, &link_bytes(&link));
    store::insert(db, &link, entry.ip_address.as_deref())
}

/// The canonical bytes of a stored link.
fn link_bytes(link: &Link) -> Vec<u8> {
    canonical_bytes(
        link.id,
        &link.log_type,
        link.user_id,
        &link.action_data,
        link.ip_digest.as_deref(),
        link.user_agent.as_deref(),
        &link.created_at,
    )
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
        let links = store::links_after(db, previous_id, 2000)?;
        if links.is_empty() {
            break;
        }
        for link in links {
            let bad = if link.id != previous_id + 1 {
                Some(previous_id + 1)
            } else if chain_hash(&previous, &link_bytes(&link)) != link.proof_hash {
                Some(link.id)
            } else {
                None
            };
            if bad.is_some() {
                return Ok(Verification {
                    ok: false,
                    checked,
                    first_bad_id: bad,
                    head: None,
                });
            }
            checked += 1;
            previous = link.proof_hash;
            previous_id = link.id;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::native_sqlite::SqliteDb;
    use crate::store::activity::{apply_ip_retention, truncate_ip};

    fn entry(n: i64) -> Entry {
        Entry {
            log_type: crate::store::activity::Activity::Export,
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
