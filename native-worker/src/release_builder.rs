//! The daemon's background work on dataset releases: while the extraction queue is
//! empty, a release the admin cut but that one request could not finish (a large
//! one) is stepped on with `POST /api/releases/{n}/build` until it is published.

use crate::api::Client;
use serde_json::{json, Value};

/// Steps every building release on once; whether any step was taken (so the daemon
/// polls again soon rather than backing off). Failures are logged, never fatal.
pub fn step_building(client: &Client, worker: &str, log: impl Fn(Value)) -> bool {
    let listed = match client.get_json("/api/releases") {
        Ok(listed) => listed,
        Err(e) => {
            log(
                json!({"event": "releases_unreadable", "worker": worker, "error": format!("{e:#}")}),
            );
            return false;
        }
    };
    let building: Vec<i64> = listed["releases"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["state"] == "building")
        .filter_map(|r| r["number"].as_i64())
        .collect();
    let mut stepped = false;
    for number in &building {
        match client.post_status(&format!("/api/releases/{number}/build"), &json!({})) {
            Ok((200, release)) => {
                stepped = true;
                log(json!({
                    "event": "release_step", "worker": worker, "release": number, "state": release["state"],
                    "rows_hashed": release["rows_hashed"], "rows": release["rows"],
                }))
            }
            Ok((status, answer)) => log(json!({
                "event": "release_step_refused", "worker": worker, "release": number, "status": status,
                "detail": answer["detail"],
            })),
            Err(e) => log(
                json!({"event": "app_unreachable", "worker": worker, "error": format!("{e:#}")}),
            ),
        }
    }
    stepped
}
