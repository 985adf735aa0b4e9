//! End-to-end: the admin manages people through the API behind `/admin/people`:
//! lists them (filtered, paged), changes a role (it works at once), revokes a token
//! (401 at once) or revokes and reissues one, and closes an account with the same
//! erasure as `DELETE /api/me`; bad input is a 422 and only the admin gets in.

use e2e::{Body, TestHost};
use serde_json::{json, Value};

const ADMIN: &str = "people-admin";

fn app() -> TestHost {
    TestHost::app(&[
        ("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN),
        ("SPIN_VARIABLE_CAMPAIGNS", "true"),
    ])
    .unwrap()
}

fn people(host: &TestHost, query: &str) -> Value {
    let r = host.call(
        "GET",
        &format!("/api/users?{query}"),
        Some(ADMIN),
        Body::None,
    );
    assert_eq!(r.status, 200, "{query}: {:?}", r.json());
    r.json()
}

fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect()
}

fn id_of(host: &TestHost, token: &str) -> i64 {
    host.call("GET", "/api/me", Some(token), Body::None).json()["id"]
        .as_i64()
        .unwrap()
}

#[test]
fn the_admin_lists_filters_and_pages_people() {
    let host = app();
    let ada = host.new_user(ADMIN, "Ada");
    host.contribute(&ada, json!({ "modality": "text", "text": "Ada's row" }));
    let rita = host.new_user_as(ADMIN, "Rita", "reviewer");
    let invited = host.call(
        "POST",
        "/api/invitations",
        Some(ADMIN),
        Body::Json(json!({})),
    );
    let code = invited.json()["code"].as_str().unwrap().to_string();
    let joined = host.call(
        "POST",
        "/api/join",
        None,
        Body::Json(json!({ "code": code, "name": "Ivy" })),
    );
    assert_eq!(joined.status, 201);
    let made = host.call(
        "POST",
        "/api/campaigns",
        Some(ADMIN),
        Body::Json(json!({ "slug": "drive", "name": "Drive", "modalities": ["text"] })),
    );
    assert_eq!(made.status, 201);
    let anon = host
        .call("POST", "/api/c/drive/join", None, Body::None)
        .json()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let (ada_id, rita_id, anon_id) = (id_of(&host, &ada), id_of(&host, &rita), id_of(&host, &anon));
    let ivy_id = joined.json()["id"].as_i64().unwrap();

    let all = people(&host, "");
    assert_eq!(
        ids(&all),
        [anon_id, ivy_id, rita_id, ada_id],
        "newest first"
    );
    let first = &all["items"][3];
    assert_eq!(
        (
            first["name"].as_str(),
            first["contributions"].as_i64(),
            first["active"].as_bool()
        ),
        (Some("Ada"), Some(1), Some(true))
    );
    assert!(first["last_seen"].is_string(), "Ada used her token today");
    assert_eq!(all["items"][1]["invitation_id"], invited.json()["id"]);
    assert_eq!(
        (
            all["items"][0]["anonymous"].as_bool(),
            all["items"][0]["campaign"].as_str()
        ),
        (Some(true), Some("drive"))
    );
    assert_eq!(ids(&people(&host, "role=reviewer")), [rita_id]);
    assert_eq!(ids(&people(&host, "anonymous=true")), [anon_id]);
    assert_eq!(
        ids(&people(&host, "anonymous=false&role=contributor")),
        [ivy_id, ada_id]
    );
    assert_eq!(ids(&people(&host, "campaign=drive")), [anon_id]);
    assert!(ids(&people(&host, "campaign=nope")).is_empty());
    assert!(ids(&people(&host, "state=closed")).is_empty());
    // Pages of two.
    let page1 = people(&host, "limit=2");
    assert_eq!(ids(&page1), [anon_id, ivy_id]);
    let cursor = page1["next_cursor"].as_str().unwrap();
    let page2 = people(&host, &format!("limit=2&cursor={cursor}"));
    assert_eq!(ids(&page2), [rita_id, ada_id]);
    assert!(page2["next_cursor"].is_null());

    for bad in [
        "role=god",
        "anonymous=maybe",
        "state=gone",
        "limit=0",
        "limit=201",
        "cursor=zz",
        "sort=name",
    ] {
        let r = host.call("GET", &format!("/api/users?{bad}"), Some(ADMIN), Body::None);
        assert_eq!(r.status, 422, "{bad}");
    }
    for token in [&ada, &rita, &anon] {
        assert_eq!(
            host.call("GET", "/api/users", Some(token), Body::None)
                .status,
            403
        );
    }
}

#[test]
fn roles_change_tokens_are_revoked_or_reissued_and_accounts_close_at_once() {
    let host = app();
    let ada = host.new_user(ADMIN, "Ada");
    let id = id_of(&host, &ada);
    host.contribute(&ada, json!({ "modality": "text", "text": "Ada's row" }));
    let path = format!("/api/users/{id}");
    let patch = |body: Value| host.call("PATCH", &path, Some(ADMIN), Body::Json(body));

    // A reviewer at once; an unknown role or no role: 422, nothing changed.
    assert_eq!(
        host.call("GET", "/api/review/next", Some(&ada), Body::None)
            .status,
        403
    );
    let promoted = patch(json!({ "role": "reviewer" }));
    assert_eq!(
        (promoted.status, promoted.json()["role"].as_str()),
        (200, Some("reviewer"))
    );
    assert_ne!(
        host.call("GET", "/api/review/next", Some(&ada), Body::None)
            .status,
        403
    );
    assert_eq!(
        patch(json!({ "role": "reviewer" })).status,
        200,
        "again: no change"
    );
    for body in [
        json!({ "role": "god" }),
        json!({}),
        json!({ "name": "Eve" }),
    ] {
        assert_eq!(patch(body.clone()).status, 422, "{body}");
    }
    assert_eq!(host.activity_count(ADMIN, "role_changed"), 1);

    // Revoked: 401 at once. Reissued: the new token works, the old one does not.
    let token_path = format!("{path}/token");
    let revoked = host.call("POST", &token_path, Some(ADMIN), Body::None);
    assert_eq!(revoked.status, 200);
    assert!(revoked.json().get("token").is_none());
    assert_eq!(
        host.call("GET", "/api/me", Some(&ada), Body::None).status,
        401
    );
    let reissued = host.call(
        "POST",
        &token_path,
        Some(ADMIN),
        Body::Json(json!({ "reissue": true })),
    );
    assert_eq!(reissued.status, 200);
    let fresh = reissued.json()["token"].as_str().unwrap().to_string();
    assert_eq!(
        host.call("GET", "/api/me", Some(&fresh), Body::None).json()["name"],
        "Ada"
    );
    let bad = host.call(
        "POST",
        &token_path,
        Some(ADMIN),
        Body::Json(json!({ "reissue": "yes" })),
    );
    assert_eq!(bad.status, 422);
    assert_eq!(host.activity_count(ADMIN, "token_revoked"), 2);

    // Closed: rows erased, token dead; closing again changes nothing; no more changes.
    let closed = host.call("DELETE", &path, Some(ADMIN), Body::None);
    assert_eq!(closed.status, 200);
    assert_eq!(closed.json()["erased_contributions"], 1);
    assert_eq!(
        host.call("GET", "/api/me", Some(&fresh), Body::None).status,
        401
    );
    let again = host.call("DELETE", &path, Some(ADMIN), Body::None);
    assert_eq!(
        (again.status, again.json()["erased_contributions"].as_i64()),
        (200, Some(0))
    );
    assert_eq!(host.activity_count(ADMIN, "account_deleted"), 1);
    assert_eq!(patch(json!({ "role": "contributor" })).status, 409);
    assert_eq!(
        host.call("POST", &token_path, Some(ADMIN), Body::None)
            .status,
        409
    );
    let listed = people(&host, "state=closed");
    assert_eq!(ids(&listed), [id]);
    assert_eq!(listed["items"][0]["name"], "", "the name is erased");
    // Unknown people: 404.
    for (method, p) in [
        ("PATCH", "/api/users/999"),
        ("POST", "/api/users/999/token"),
        ("DELETE", "/api/users/999"),
    ] {
        let body = if method == "PATCH" {
            Body::Json(json!({ "role": "reviewer" }))
        } else {
            Body::None
        };
        assert_eq!(
            host.call(method, p, Some(ADMIN), body).status,
            404,
            "{method} {p}"
        );
    }
}
