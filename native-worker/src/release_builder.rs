//! The daemon's background work: while the extraction queue is empty, a release the
//! admin cut but that one request could not finish (a large one) is stepped on with
//! `POST /api/releases/{n}/build` until it is published, and an import one request
//! could not finish with `POST /api/imports/{id}/continue` until it is finished.

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

/// Steps every running import on once; whether any step was taken. Failures are
/// logged, never fatal.
pub fn step_imports(client: &Client, worker: &str, log: impl Fn(Value)) -> bool {
    let listed = match client.get_json("/api/imports?state=running") {
        Ok(listed) => listed,
        Err(e) => {
            log(
                json!({"event": "imports_unreadable", "worker": worker, "error": format!("{e:#}")}),
            );
            return false;
        }
    };
    let running: Vec<i64> = listed["imports"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["id"].as_i64())
        .collect();
    let mut stepped = false;
    for id in &running {
        match client.post_status(&format!("/api/imports/{id}/continue"), &json!({})) {
            Ok((200, answer)) => {
                stepped = true;
                let import = &answer["import"];
                log(json!({
                    "event": "import_step", "worker": worker, "import": id, "state": import["state"],
                    "lines": import["lines"], "created": import["created"],
                }))
            }
            Ok((status, answer)) => log(json!({
                "event": "import_step_refused", "worker": worker, "import": id, "status": status,
                "detail": answer["detail"],
            })),
            Err(e) => log(
                json!({"event": "app_unreachable", "worker": worker, "error": format!("{e:#}")}),
            ),
        }
    }
    stepped
}
