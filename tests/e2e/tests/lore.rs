//! End-to-end: lore profiles through the real `lore` component — generation from a
//! colour and the user's own texts, the public page and theme, bad input, and the
//! optional Ollama path against a local stand-in that speaks Ollama's API (good
//! answers, errors, malformed answers, timeouts, a host not allowed).

use e2e::{Body, TestHost};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const ADMIN: &str = "lore-admin";

fn lore(host: &TestHost, token: Option<&str>, body: Value) -> e2e::Resp {
    host.call("POST", "/api/lore", token, Body::Json(body))
}

#[test]
fn a_profile_from_colour_and_sentiment_with_its_page_and_theme() {
    let host = TestHost::app(&[("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN)]).unwrap();
    let happy = host.new_user(ADMIN, "happy");
    let gloomy = host.new_user(ADMIN, "gloomy");
    for t in [
        "I love this wonderful sunny day!",
        "What a great, happy team.",
    ] {
        host.contribute(&happy, json!({"modality": "text", "text": t}));
    }
    for t in [
        "This is terrible and sad.",
        "I hate the awful rain, it is horrible.",
    ] {
        host.contribute(&gloomy, json!({"modality": "text", "text": t}));
    }
    let a = lore(&host, Some(&happy), json!({"color": "#ff66cc"}));
    assert_eq!(a.status, 201, "{:?}", a.json());
    let a = a.json();
    assert_eq!(a["color"], "#ff66cc");
    assert_eq!(a["generator"], "builtin");
    assert!(
        a["sentiment"]["mean_compound"].as_f64().unwrap() > 0.5,
        "{a}"
    );
    assert!(
        (3..=5).contains(&a["powers"].as_array().unwrap().len()),
        "{a}"
    );
    assert!(
        (2..=4).contains(&a["weaknesses"].as_array().unwrap().len()),
        "{a}"
    );
    let story = a["origin_story"].as_str().unwrap();
    assert!(
        story.matches(". ").count() >= 2,
        "a paragraph, not one sentence: {story}"
    );

    let b = lore(&host, Some(&gloomy), json!({"color": "blue"})).json();
    assert!(
        b["sentiment"]["mean_compound"].as_f64().unwrap() < -0.5,
        "{b}"
    );
    assert_ne!(a["origin_story"], b["origin_story"]);
    assert_ne!(a["archetype"], b["archetype"]);

    // Same inputs, same profile; the public API and page show it.
    let again = lore(&host, Some(&happy), json!({"color": "#FF66CC"})).json();
    assert_eq!(again["origin_story"], a["origin_story"]);
    let uid = a["user_id"].as_i64().unwrap();
    let public = host.call("GET", &format!("/api/users/{uid}/lore"), None, Body::None);
    assert_eq!(public.status, 200);
    assert_eq!(public.json()["archetype"], a["archetype"]);
    for path in [
        format!("/api/users/{uid}/lore"),
        format!("/u/{uid}"),
        format!("/u/{uid}/theme.css"),
    ] {
        let probe = host.call("HEAD", &path, None, Body::None);
        assert_eq!((probe.status, probe.body.len()), (200, 0), "HEAD {path}");
    }
    let page = host.call("GET", &format!("/u/{uid}"), None, Body::None);
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"));
    let html = String::from_utf8(page.body).unwrap();
    assert!(
        html.contains(&format!("href=\"/u/{uid}/theme.css\"")),
        "{html}"
    );
    assert!(html.contains("2 complete"), "contribution counts: {html}");
    assert!(
        !html.contains("wonderful sunny day"),
        "no private content on the public page"
    );
    let css = host.call("GET", &format!("/u/{uid}/theme.css"), None, Body::None);
    assert_eq!(css.status, 200);
    assert!(css.content_type.starts_with("text/css"));
    assert!(String::from_utf8(css.body).unwrap().contains(":root"));

    // The activity log records each generation.
    let log = host
        .call(
            "GET",
            "/api/activity?type=lore_generated",
            Some(ADMIN),
            Body::None,
        )
        .json();
    assert_eq!(log["items"].as_array().unwrap().len(), 3, "{log}");
}

#[test]
fn bad_lore_requests_get_clear_problems_and_change_nothing() {
    let host = TestHost::app(&[("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN)]).unwrap();
    let user = host.new_user(ADMIN, "u");
    let problem = |r: e2e::Resp, status: u16, needle: &str| {
        assert_eq!(r.status, status, "{:?}", r.json());
        assert_eq!(r.content_type, "application/problem+json");
        let detail = r.json()["detail"].as_str().unwrap_or_default().to_string();
        assert!(
            detail.contains(needle),
            "{detail:?} should mention {needle:?}"
        );
    };
    problem(
        lore(&host, Some(&user), json!({})),
        422,
        "color is required",
    );
    problem(
        lore(&host, Some(&user), json!({"color": "not-a-colour"})),
        422,
        "#rrggbb",
    );
    problem(
        lore(&host, Some(&user), json!({"color": "#12345"})),
        422,
        "#rrggbb",
    );
    problem(
        lore(&host, Some(&user), json!({"color": "red", "extra": 1})),
        422,
        "extra",
    );
    problem(lore(&host, None, json!({"color": "red"})), 401, "");
    problem(
        lore(&host, Some(ADMIN), json!({"color": "red"})),
        403,
        "user",
    );
    problem(
        host.call("GET", "/api/lore", Some(&user), Body::None),
        405,
        "",
    );
    let me = host.call("GET", "/api/me", Some(&user), Body::None).json();
    let uid = me["id"].as_i64().unwrap();
    problem(
        host.call("GET", &format!("/api/users/{uid}/lore"), None, Body::None),
        404,
        "no lore profile",
    );
    problem(
        host.call("GET", &format!("/u/{uid}"), None, Body::None),
        404,
        "no lore profile",
    );
    problem(
        host.call("GET", "/u/abc/theme.css", None, Body::None),
        404,
        "no user",
    );
}

/// A one-connection-at-a-time HTTP server speaking Ollama's `/api/generate`.
struct Stand {
    bodies: Arc<Mutex<Vec<Value>>>,
    mode: Arc<Mutex<&'static str>>,
}

impl Stand {
    fn start(listener: TcpListener) -> Self {
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let mode = Arc::new(Mutex::new("good"));
        let (b, m) = (Arc::clone(&bodies), Arc::clone(&mode));
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let (mut length, mut chunked) = (0usize, false);
                let mut line = String::new();
                let _ = reader.read_line(&mut line); // request line
                loop {
                    line.clear();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    let lower = line.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                    chunked |= lower.starts_with("transfer-encoding:") && lower.contains("chunked");
                }
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                while chunked {
                    line.clear();
                    let _ = reader.read_line(&mut line);
                    let size = usize::from_str_radix(line.trim(), 16).unwrap_or(0);
                    let mut chunk = vec![0; size + 2];
                    let _ = reader.read_exact(&mut chunk);
                    body.extend_from_slice(&chunk[..size]);
                    chunked = size > 0;
                }
                b.lock()
                    .unwrap()
                    .push(serde_json::from_slice(&body).unwrap_or(Value::Null));
                let mode = *m.lock().unwrap();
                let inner = json!({
                    "archetype": "The Stand-in Oracle",
                    "origin_story": "Born in a test. Raised on fixtures. It answers every prompt.",
                    "powers": ["mocking", "answering fast", "never sleeping"],
                    "weaknesses": ["being fake", "one port only"],
                });
                let (status, reply) = match mode {
                    "good" => (
                        "200 OK",
                        json!({"model": "test-model", "response": inner.to_string(), "done": true})
                            .to_string(),
                    ),
                    "error" => (
                        "500 Internal Server Error",
                        json!({"error": "model not found"}).to_string(),
                    ),
                    "malformed" => (
                        "200 OK",
                        json!({"model": "test-model", "response": "not json at all", "done": true})
                            .to_string(),
                    ),
                    // A good answer, too late: only the app's timeout keeps it out.
                    _ => {
                        std::thread::sleep(Duration::from_millis(12_000));
                        (
                            "200 OK",
                            json!({"model": "test-model", "response": inner.to_string(), "done": true})
                                .to_string(),
                        )
                    }
                };
                let mut stream = stream;
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}",
                    reply.len()
                );
            }
        });
        Self { bodies, mode }
    }
}

#[test]
fn ollama_writes_the_story_when_configured_and_failures_fall_back_to_the_builtin_generator() {
    // Ollama's default port, which spin.toml allows for the lore component.
    let listener = TcpListener::bind("127.0.0.1:11434")
        .expect("port 11434 (Ollama's default) must be free for this test");
    let stand = Stand::start(listener);
    let host = TestHost::app(&[
        ("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN),
        ("SPIN_VARIABLE_OLLAMA_URL", "http://127.0.0.1:11434"),
        ("SPIN_VARIABLE_OLLAMA_MODEL", "test-model"),
        ("SPIN_VARIABLE_OLLAMA_TIMEOUT_MS", "3000"),
    ])
    .unwrap();
    let user = host.new_user(ADMIN, "o");
    host.contribute(
        &user,
        json!({"modality": "text", "text": "Such a lovely, kind morning."}),
    );

    let r = lore(&host, Some(&user), json!({"color": "purple"}));
    assert_eq!(r.status, 201, "{:?}", r.json());
    let r = r.json();
    assert_eq!(r["generator"], "ollama:test-model");
    assert_eq!(r["archetype"], "The Stand-in Oracle");
    let sent = stand.bodies.lock().unwrap()[0].clone();
    assert_eq!(sent["model"], "test-model");
    assert_eq!(sent["stream"], false);
    assert!(
        sent["prompt"].as_str().unwrap().contains("purple")
            || sent["prompt"].as_str().unwrap().contains("#"),
        "{sent}"
    );

    for (mode, reason) in [
        ("error", "500"),
        ("malformed", "Ollama"),
        ("slow", "Ollama"),
    ] {
        *stand.mode.lock().unwrap() = mode;
        let r = lore(&host, Some(&user), json!({"color": "purple"}));
        assert_eq!(r.status, 201, "{mode}: {:?}", r.json());
        let r = r.json();
        assert_eq!(r["generator"], "builtin", "{mode}: {r}");
        assert!(
            r["fallback_reason"].as_str().unwrap().contains(reason),
            "{mode}: {r}"
        );
    }
    drop(host);

    // An Ollama URL outside allowed_outbound_hosts is refused by the host: built-in story.
    let host = TestHost::app(&[
        ("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN),
        ("SPIN_VARIABLE_OLLAMA_URL", "http://127.0.0.1:11435"),
    ])
    .unwrap();
    let user = host.new_user(ADMIN, "p");
    let r = lore(&host, Some(&user), json!({"color": "teal"})).json();
    assert_eq!(r["generator"], "builtin", "{r}");
    assert!(r["fallback_reason"].is_string(), "{r}");
}
