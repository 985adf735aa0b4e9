//! End-to-end: open collection campaigns. Anyone with the link joins as an anonymous
//! participant with every right a contributor has; rows carry their campaign and the
//! prompt answered; racing participants never overrun the total cap; the per-address
//! limits and the daily cap answer 429 with `Retry-After`; closing stops everyone at
//! once; bad campaigns are 422s that write nothing; with campaigns off every campaign
//! route is a 404.

use e2e::{Body, TestHost};
use serde_json::{json, Value};

const ADMIN: &str = "campaign-admin";

fn app(extra: &[(&str, &str)]) -> TestHost {
    let mut env = vec![
        ("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN),
        ("SPIN_VARIABLE_CAMPAIGNS", "true"),
        ("SPIN_VARIABLE_PUBLIC_BASE_URL", "https://data.example.org"),
    ];
    env.extend_from_slice(extra);
    TestHost::app(&env).unwrap()
}

fn open(host: &TestHost, body: Value) -> Value {
    let r = host.call("POST", "/api/campaigns", Some(ADMIN), Body::Json(body));
    assert_eq!(r.status, 201, "{:?}", r.json());
    r.json()
}

fn join(host: &TestHost, slug: &str) -> e2e::Resp {
    host.call("POST", &format!("/api/c/{slug}/join"), None, Body::None)
}

fn participant(host: &TestHost, slug: &str) -> String {
    let r = join(host, slug);
    assert_eq!(r.status, 201, "{:?}", r.json());
    r.json()["token"].as_str().unwrap().to_string()
}

fn text(host: &TestHost, token: &str, body: Value) -> e2e::Resp {
    host.call("POST", "/api/unified-input", Some(token), Body::Json(body))
}

fn retry_after(r: &e2e::Resp) -> u64 {
    r.header("retry-after")
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no Retry-After on {}: {:?}", r.status, r.json()))
}

#[test]
fn a_participant_contributes_to_prompts_and_holds_every_contributor_right() {
    let host = app(&[]);
    let made = open(
        &host,
        json!({
            "slug": "voices-2027", "name": "Voices 2027", "modalities": ["text", "drawing"],
            "prompts": ["Describe your morning.", "Name three fruits."], "max_contributions": 100,
        }),
    );
    assert_eq!(made["url"], "https://data.example.org/c/voices-2027");
    assert_eq!(
        (made["state"].as_str(), made["contributions_left"].as_i64()),
        (Some("active"), Some(100))
    );
    let public = host.call("GET", "/api/c/voices-2027", None, Body::None);
    assert_eq!(public.status, 200);
    assert_eq!(public.json()["prompts"][1], "Name three fruits.");
    assert!(
        public.json().get("contributions").is_none(),
        "counts are the admin's"
    );
    for method in ["GET", "HEAD"] {
        let page = host.call(method, "/c/voices-2027", None, Body::None);
        assert_eq!(page.status, 200, "{method} the campaign's page");
    }

    let token = participant(&host, "voices-2027");
    let me = host.call("GET", "/api/me", Some(&token), Body::None).json();
    assert_eq!(
        (me["anonymous"].as_bool(), me["campaign"].as_str()),
        (Some(true), Some("voices-2027"))
    );
    // The prompt answered is stored with the row; the campaign is implied.
    let row = text(
        &host,
        &token,
        json!({ "modality": "text", "text": "Apple, pear, plum.", "campaign": "voices-2027", "prompt": 1 }),
    );
    assert_eq!(row.status, 201, "{:?}", row.json());
    assert_eq!(row.json()["metadata"]["prompt"], "Name three fruits.");
    assert_eq!(row.json()["campaign_id"], made["id"]);
    let implied = text(
        &host,
        &token,
        json!({ "modality": "text", "text": "Coffee first." }),
    );
    assert_eq!(implied.status, 201);
    // Not a modality it takes; a prompt it does not have: 422, nothing stored.
    let b64 = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        hex::decode("524946462400000057415645666d7420").unwrap(),
    );
    let voice = text(&host, &token, json!({ "modality": "voice", "data": b64 }));
    assert_eq!(voice.status, 422);
    assert!(voice.json()["detail"]
        .as_str()
        .unwrap()
        .contains("modality"));
    let far = text(
        &host,
        &token,
        json!({ "modality": "text", "text": "x", "campaign": "voices-2027", "prompt": 7 }),
    );
    assert_eq!(far.status, 422);
    assert_eq!(
        host.call("GET", "/api/me", Some(&token), Body::None).json()["contributions"],
        2
    );

    // Listings and exports filter by campaign; a named person's row is not in it.
    let ada = host.new_user(ADMIN, "Ada");
    host.contribute(
        &ada,
        json!({ "modality": "text", "text": "Not in a campaign." }),
    );
    let listed = |q: &str| {
        let r = host.call(
            "GET",
            &format!("/api/training-data?{q}"),
            Some(ADMIN),
            Body::None,
        );
        assert_eq!(r.status, 200);
        r.json()["items"].as_array().unwrap().len()
    };
    assert_eq!(
        (
            listed(""),
            listed("campaign=voices-2027"),
            listed("campaign=other")
        ),
        (3, 2, 0)
    );
    let export = host.call(
        "GET",
        "/api/training-data/export?format=jsonl&campaign=voices-2027",
        Some(ADMIN),
        Body::None,
    );
    assert_eq!(export.status, 200);
    let lines = String::from_utf8(export.body.clone()).unwrap();
    assert_eq!(lines.lines().count(), 2, "{lines}");
    assert!(lines.contains("Apple, pear, plum.") && !lines.contains("Not in a campaign"));

    // The participant's own rights: their rows, their data, closing the account.
    let mine = host.call("GET", "/api/training-data", Some(&token), Body::None);
    assert_eq!(mine.json()["items"].as_array().unwrap().len(), 2);
    let zip = host.call("GET", "/api/me/export", Some(&token), Body::None);
    assert_eq!(zip.status, 200);
    assert_eq!(&zip.body[..2], b"PK");
    let closed = host.call("DELETE", "/api/me", Some(&token), Body::None);
    assert_eq!(closed.status, 200);
    assert_eq!(closed.json()["erased_contributions"], 2);
    assert_eq!(
        host.call("GET", "/api/me", Some(&token), Body::None).status,
        401
    );
    assert_eq!(listed("campaign=voices-2027"), 0);
    assert_eq!(host.activity_count(ADMIN, "participant_joined"), 1);
}

#[test]
fn the_last_allowed_contribution_goes_to_exactly_one_of_racing_participants() {
    let host = app(&[("SPIN_VARIABLE_CAMPAIGN_JOINS_PER_HOUR", "100")]);
    open(
        &host,
        json!({ "slug": "last-one", "name": "Last one", "modalities": ["text"], "max_contributions": 1 }),
    );
    let tokens: Vec<String> = (0..8).map(|_| participant(&host, "last-one")).collect();
    let host = std::sync::Arc::new(host);
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(tokens.len()));
    let racers: Vec<_> = tokens
        .into_iter()
        .enumerate()
        .map(|(i, token)| {
            let (host, barrier) = (host.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                let body = json!({ "modality": "text", "text": format!("racer {i}") });
                text(&host, &token, body).status
            })
        })
        .collect();
    let mut statuses: Vec<u16> = racers.into_iter().map(|t| t.join().unwrap()).collect();
    statuses.sort();
    assert_eq!(statuses, [201, 410, 410, 410, 410, 410, 410, 410]);
    let listed = host
        .call("GET", "/api/campaigns", Some(ADMIN), Body::None)
        .json();
    let campaign = &listed["items"][0];
    assert_eq!(
        (
            campaign["contributions"].as_i64(),
            campaign["state"].as_str(),
            campaign["participants"].as_i64()
        ),
        (Some(1), Some("full"), Some(8))
    );
    let rows = host.call(
        "GET",
        "/api/training-data?campaign=last-one",
        Some(ADMIN),
        Body::None,
    );
    assert_eq!(rows.json()["items"].as_array().unwrap().len(), 1);
    // Full: nobody new joins either.
    assert_eq!(join(&host, "last-one").status, 410);
}

#[test]
fn limits_answer_429_with_retry_after_and_closing_stops_everyone_at_once() {
    let host = app(&[
        ("SPIN_VARIABLE_CAMPAIGN_JOINS_PER_HOUR", "2"),
        ("SPIN_VARIABLE_CAMPAIGN_CONTRIBUTIONS_PER_HOUR", "3"),
    ]);
    let made = open(
        &host,
        json!({ "slug": "drive", "name": "Drive", "modalities": ["text"], "daily_cap": 2 }),
    );
    let first = participant(&host, "drive");
    let second = participant(&host, "drive");
    let third = join(&host, "drive");
    assert_eq!(third.status, 429, "{:?}", third.json());
    assert!((1..=3600).contains(&retry_after(&third)));
    assert!(third.json()["detail"].as_str().unwrap().contains("joined"));

    let say =
        |token: &str, words: &str| text(&host, token, json!({ "modality": "text", "text": words }));
    assert_eq!(say(&first, "one").status, 201);
    assert_eq!(say(&first, "two").status, 201);
    // The daily cap (any 24 hours): refused, nothing stored, the address not charged.
    let capped = say(&first, "three");
    assert_eq!(capped.status, 429, "{:?}", capped.json());
    assert!((1..=86_400).contains(&retry_after(&capped)));
    assert!(capped.json()["detail"]
        .as_str()
        .unwrap()
        .contains("per day"));
    // The address's third campaign contribution goes through; its fourth is refused.
    assert_eq!(say(&second, "four").status, 201);
    let over = say(&second, "five");
    assert_eq!(over.status, 429, "{:?}", over.json());
    assert!((1..=3600).contains(&retry_after(&over)));
    assert!(over.json()["detail"].as_str().unwrap().contains("address"));
    let rows = host.call(
        "GET",
        "/api/training-data?campaign=drive",
        Some(ADMIN),
        Body::None,
    );
    assert_eq!(rows.json()["items"].as_array().unwrap().len(), 3);

    // Closed: no one joins or contributes from now on; the page says so.
    let closed = host.call(
        "DELETE",
        &format!("/api/campaigns/{}", made["id"]),
        Some(ADMIN),
        Body::None,
    );
    assert_eq!(
        (closed.status, closed.json()["state"].as_str()),
        (200, Some("closed"))
    );
    let late = say(&first, "too late");
    assert_eq!(late.status, 410);
    assert!(late.json()["detail"].as_str().unwrap().contains("closed"));
    assert_eq!(join(&host, "drive").status, 410);
    let public = host.call("GET", "/api/c/drive", None, Body::None).json();
    assert_eq!(public["state"], "closed");
    // The participant keeps their rows and rights.
    let mine = host.call("GET", "/api/training-data", Some(&first), Body::None);
    assert_eq!(mine.json()["items"].as_array().unwrap().len(), 2);
    assert_eq!(host.activity_count(ADMIN, "campaign_closed"), 1);
}

#[test]
fn bad_campaigns_are_422s_that_write_nothing_and_only_the_admin_opens_them() {
    let host = app(&[]);
    open(
        &host,
        json!({ "slug": "taken", "name": "Taken", "modalities": ["voice"] }),
    );
    let ok = json!({ "slug": "fine", "name": "Fine", "modalities": ["text"] });
    let with = |field: &str, value: Value| {
        let mut body = ok.clone();
        body[field] = value;
        body
    };
    for (field, body) in [
        ("slug", with("slug", json!("taken"))),
        ("slug", with("slug", json!("Not Safe"))),
        ("slug", with("slug", json!("-edge"))),
        ("slug", with("slug", json!("a/b"))),
        ("slug", with("slug", json!("x".repeat(65)))),
        ("slug", json!({ "name": "No slug", "modalities": ["text"] })),
        ("name", with("name", json!("n".repeat(101)))),
        ("name", with("name", json!("bell\u{7}"))),
        ("modalities", with("modalities", json!([]))),
        ("modalities", with("modalities", json!(["smell"]))),
        ("prompts", with("prompts", json!(["p".repeat(501)]))),
        ("prompts", with("prompts", json!(["line\u{0}break"]))),
        ("prompts", with("prompts", json!(vec!["p"; 201]))),
        ("max_contributions", with("max_contributions", json!(0))),
        ("daily_cap", with("daily_cap", json!(-1))),
        ("ends_at", with("ends_at", json!("2001-01-01T00:00:00Z"))),
        ("ends_at", with("ends_at", json!("next week"))),
    ] {
        let r = host.call(
            "POST",
            "/api/campaigns",
            Some(ADMIN),
            Body::Json(body.clone()),
        );
        assert_eq!(r.status, 422, "{body}: {:?}", r.json());
        let detail = r.json()["detail"].as_str().unwrap().to_string();
        assert!(detail.contains(field), "{body}: {detail}");
    }
    let listed = host
        .call("GET", "/api/campaigns", Some(ADMIN), Body::None)
        .json();
    assert_eq!(
        listed["items"].as_array().unwrap().len(),
        1,
        "only the first"
    );
    assert_eq!(host.activity_count(ADMIN, "campaign_opened"), 1);

    let user = host.new_user(ADMIN, "Ada");
    for (method, path) in [
        ("POST", "/api/campaigns"),
        ("GET", "/api/campaigns"),
        ("DELETE", "/api/campaigns/1"),
    ] {
        let body = if method == "POST" {
            Body::Json(ok.clone())
        } else {
            Body::None
        };
        assert_eq!(
            host.call(method, path, Some(&user), body).status,
            403,
            "{method} {path}"
        );
    }
    // Unknown campaigns: 404 to read or join; 422 to name in a contribution. A
    // participant's rows count only for their own campaign; the admin has no rows.
    assert_eq!(
        host.call("GET", "/api/c/nope", None, Body::None).status,
        404
    );
    assert_eq!(join(&host, "nope").status, 404);
    let named = |token: &str, slug: &str| {
        text(
            &host,
            token,
            json!({ "modality": "text", "text": "hi", "campaign": slug }),
        )
    };
    assert_eq!(named(&user, "nope").status, 422);
    let voice_only = participant(&host, "taken");
    open(
        &host,
        json!({ "slug": "other", "name": "Other", "modalities": ["text"] }),
    );
    let elsewhere = named(&voice_only, "other");
    assert_eq!(elsewhere.status, 422);
    assert!(elsewhere.json()["detail"]
        .as_str()
        .unwrap()
        .contains("another campaign"));
    assert_eq!(named(ADMIN, "other").status, 422);
    // A named person may give a row to an open campaign.
    assert_eq!(named(&user, "other").status, 201);
}

#[test]
fn with_campaigns_off_every_campaign_route_is_a_404() {
    let host = TestHost::app(&[("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN)]).unwrap();
    let body = json!({ "slug": "off", "name": "Off", "modalities": ["text"] });
    for (method, path, token, body) in [
        ("POST", "/api/campaigns", Some(ADMIN), Body::Json(body)),
        ("GET", "/api/campaigns", Some(ADMIN), Body::None),
        ("DELETE", "/api/campaigns/1", Some(ADMIN), Body::None),
        ("GET", "/api/c/off", None, Body::None),
        ("POST", "/api/c/off/join", None, Body::None),
    ] {
        let r = host.call(method, path, token, body);
        assert_eq!(r.status, 404, "{method} {path}: {:?}", r.json());
        assert!(r.json()["detail"]
            .as_str()
            .unwrap()
            .contains("campaigns are off"));
    }
    let ada = host.new_user(ADMIN, "Ada");
    let r = text(
        &host,
        &ada,
        json!({ "modality": "text", "text": "hi", "campaign": "off" }),
    );
    assert_eq!(r.status, 404, "{:?}", r.json());
}
