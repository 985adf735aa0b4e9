//! End-to-end: joining by invitation. The admin makes an invitation and gets its link
//! once; a person redeems the code for an account with the invitation's role; used-up,
//! revoked and unknown codes are clear problems (410, 404); two people racing for the
//! last use get exactly one account; bad input is a 422 that writes nothing.

use e2e::{Body, TestHost};
use serde_json::{json, Value};

const ADMIN: &str = "invite-admin";

fn app() -> TestHost {
    TestHost::app(&[
        ("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN),
        ("SPIN_VARIABLE_PUBLIC_BASE_URL", "https://data.example.org"),
    ])
    .unwrap()
}

fn invite(host: &TestHost, body: Value) -> Value {
    let r = host.call("POST", "/api/invitations", Some(ADMIN), Body::Json(body));
    assert_eq!(r.status, 201, "{:?}", r.json());
    r.json()
}

fn join(host: &TestHost, code: &str, name: &str) -> e2e::Resp {
    let body = json!({ "code": code, "name": name });
    host.call("POST", "/api/join", None, Body::Json(body))
}

fn invitations(host: &TestHost) -> Vec<Value> {
    let r = host.call("GET", "/api/invitations", Some(ADMIN), Body::None);
    assert_eq!(r.status, 200);
    r.json()["items"].as_array().unwrap().clone()
}

#[test]
fn an_invited_person_joins_with_the_role_and_a_spent_code_is_gone() {
    let host = app();
    let made = invite(
        &host,
        json!({ "role": "reviewer", "max_uses": 2, "note": "annotators" }),
    );
    let code = made["code"].as_str().unwrap();
    assert_eq!(made["url"], format!("https://data.example.org/join#{code}"));
    assert_eq!(
        (made["uses_left"].as_i64(), made["state"].as_str()),
        (Some(2), Some("active"))
    );

    let rita = join(&host, code, "  Rita  ");
    assert_eq!(rita.status, 201, "{:?}", rita.json());
    let token = rita.json()["token"].as_str().unwrap().to_string();
    let me = host.call("GET", "/api/me", Some(&token), Body::None).json();
    assert_eq!(
        (me["name"].as_str(), me["role"].as_str()),
        (Some("Rita"), Some("reviewer"))
    );
    assert_eq!(join(&host, code, "Sam").status, 201);
    let spent = join(&host, code, "Tom");
    assert_eq!(spent.status, 410);
    assert!(spent.json()["detail"].as_str().unwrap().contains("used up"));

    // The list shows uses, never the code.
    let listed = &invitations(&host)[0];
    assert_eq!(
        (listed["uses"].as_i64(), listed["state"].as_str()),
        (Some(2), Some("used_up"))
    );
    assert!(listed.get("code").is_none() && !listed.to_string().contains(code));

    // Revoked: gone at once; revoking again changes nothing; unknown ids and codes: 404.
    let other = invite(&host, json!({}));
    let revoked = host.call(
        "DELETE",
        &format!("/api/invitations/{}", other["id"]),
        Some(ADMIN),
        Body::None,
    );
    assert_eq!(
        (revoked.status, revoked.json()["state"].as_str()),
        (200, Some("revoked"))
    );
    let again = host.call(
        "DELETE",
        &format!("/api/invitations/{}", other["id"]),
        Some(ADMIN),
        Body::None,
    );
    assert_eq!(again.json()["revoked_at"], revoked.json()["revoked_at"]);
    let late = join(&host, other["code"].as_str().unwrap(), "Uma");
    assert_eq!(late.status, 410);
    assert!(late.json()["detail"].as_str().unwrap().contains("revoked"));
    assert_eq!(
        host.call("DELETE", "/api/invitations/999", Some(ADMIN), Body::None)
            .status,
        404
    );
    assert_eq!(join(&host, "no-such-code", "Vic").status, 404);
    assert_eq!(host.activity_count(ADMIN, "invitation_redeemed"), 2);
    assert_eq!(host.activity_count(ADMIN, "invitation_revoked"), 1);
}

#[test]
fn two_people_racing_for_the_last_use_get_exactly_one_account() {
    let host = app();
    let code = invite(&host, json!({ "max_uses": 1 }))["code"]
        .as_str()
        .unwrap()
        .to_string();
    let host = std::sync::Arc::new(host);
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(8));
    let racers: Vec<_> = (0..8)
        .map(|i| {
            let (host, barrier, code) = (host.clone(), barrier.clone(), code.clone());
            std::thread::spawn(move || {
                barrier.wait();
                join(&host, &code, &format!("racer {i}")).status
            })
        })
        .collect();
    let mut statuses: Vec<u16> = racers.into_iter().map(|t| t.join().unwrap()).collect();
    statuses.sort();
    assert_eq!(statuses, [201, 410, 410, 410, 410, 410, 410, 410]);
    assert_eq!(invitations(&host)[0]["uses"], 1);
    assert_eq!(host.activity_count(ADMIN, "user_created"), 1);
}

#[test]
fn bad_invitations_and_joins_are_422s_that_write_nothing_and_only_the_admin_invites() {
    let host = app();
    for body in [
        json!({ "role": "god" }),
        json!({ "max_uses": 0 }),
        json!({ "max_uses": 100_000 }),
        json!({ "expires_in_hours": -1 }),
        json!({ "expires_in_hours": 1_000_000 }),
        json!({ "note": "x".repeat(201) }),
        json!({ "note": "a\u{0}b" }),
        json!({ "uses": 3 }),
    ] {
        let r = host.call(
            "POST",
            "/api/invitations",
            Some(ADMIN),
            Body::Json(body.clone()),
        );
        assert_eq!(r.status, 422, "{body}: {:?}", r.json());
    }
    assert!(invitations(&host).is_empty());
    let user = host.new_user(ADMIN, "Ada");
    for (method, path) in [
        ("POST", "/api/invitations"),
        ("GET", "/api/invitations"),
        ("DELETE", "/api/invitations/1"),
    ] {
        let body = if method == "POST" {
            Body::Json(json!({}))
        } else {
            Body::None
        };
        assert_eq!(
            host.call(method, path, Some(&user), body).status,
            403,
            "{method} {path}"
        );
    }
    let code = invite(&host, json!({}))["code"]
        .as_str()
        .unwrap()
        .to_string();
    for name in ["", "   ", &"n".repeat(101), "tab\there"] {
        assert_eq!(join(&host, &code, name).status, 422, "{name:?}");
    }
    let no_code = host.call(
        "POST",
        "/api/join",
        None,
        Body::Json(json!({ "name": "Ada" })),
    );
    assert_eq!(no_code.status, 422);
    assert_eq!(invitations(&host)[0]["uses"], 0, "nothing was taken");
    assert_eq!(join(&host, &code, "Ada").status, 201);
}
