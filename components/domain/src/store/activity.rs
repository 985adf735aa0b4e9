//! The `activity_log` table: an append-only hash chain. Each row's `proof_hash` is
//! SHA-256 over the previous row's `proof_hash` and this row's canonical bytes, so any
//! edit or deletion breaks every later link. Append inside the caller's transaction
//! (`BEGIN IMMEDIATE`), which serializes writers so the chain never forks.

use crate::db::{Db, DbError};
use crate::hashing::sha256_hex;
use serde_json::{json, Value};

/// The `proof_hash` the first row chains to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

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

/// The bytes a row's hash covers: every stored field except the id and the hash.
pub fn canonical_bytes(
    log_type: &str,
    user_id: Option<i64>,
    action_data: &str,
    ip: Option<&str>,
    ua: Option<&str>,
    created_at: &str,
) -> Vec<u8> {
    json!([log_type, user_id, action_data, ip, ua, created_at])
        .to_string()
        .into_bytes()
}

/// The chain link: SHA-256(previous proof_hash || canonical bytes), hex.
pub fn chain_hash(previous: &str, canonical: &[u8]) -> String {
    let mut bytes = previous.as_bytes().to_vec();
    bytes.extend_from_slice(canonical);
    sha256_hex(&bytes)
}

/// Appends an entry to the chain.
pub fn append(db: &dyn Db, entry: &Entry, now: &str) -> Result<(), DbError> {
    let previous = db
        .execute(
            "SELECT proof_hash FROM activity_log ORDER BY id DESC LIMIT 1",
            &[],
        )?
        .first()
        .map(|r| r.text("proof_hash"))
        .unwrap_or_else(|| GENESIS.to_string());
    let action_data = entry.action_data.to_string();
    let canonical = canonical_bytes(
        entry.log_type,
        entry.user_id,
        &action_data,
        entry.ip_address.as_deref(),
        entry.user_agent.as_deref(),
        now,
    );
    db.execute(
        "INSERT INTO activity_log (log_type, user_id, action_data, ip_address, user_agent, created_at, proof_hash) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
        &[
            entry.log_type.into(),
            entry.user_id.into(),
            action_data.into(),
            entry.ip_address.clone().into(),
            entry.user_agent.clone().into(),
            now.into(),
            chain_hash(&previous, &canonical).into(),
        ],
    )?;
    Ok(())
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
