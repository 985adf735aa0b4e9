//! The contributor's pages (`/`, `/write`, `/submit`, `/screenshot`, `/draw`, `/me`,
//! `/join` for invited people and `/c/<slug>` for a campaign's participants), the
//! reviewer's (`/review`, and `/adjudicate` for adjudicators), the admin's (`/admin/logs`, `/admin/people`) and their
//! scripts, served by the app itself (no CDN). The pages call the same public API as
//! curl.
//!
//! Every contributor page is static HTML in the shared frame ([`crate::web::page`]): a header with
//! the navigation, the token bar (the bearer token is kept in `localStorage` under
//! `tds-token` and sent as `Authorization: Bearer …`; no cookies), the page's own
//! body, and `<script src="/static/…" defer>` tags. The content security policy the
//! server sends forbids inline scripts, so all behaviour lives in the `.js` assets. The
//! admin pages have their own admin sign-in instead of the token bar, under the same
//! policy. A page opened with `?campaign=<slug>` shows that campaign's banner and
//! prompts (`app.js`).

mod adjudicate;
mod campaign;
mod dashboard;
mod draw;
mod index;
mod join;
mod me;
mod people;
mod review;
mod screenshot;
mod submit;
mod write;

/// Content type of the scripts.
const JS: &str = "text/javascript; charset=utf-8";

/// The HTML of the page at `path` (a trailing slash ignored, as the router does), if
/// there is one.
pub fn page(path: &str) -> Option<String> {
    let path = path.trim_end_matches('/');
    if let Some(slug) = path.strip_prefix("/c/") {
        return (!slug.is_empty() && !slug.contains('/'))
            .then(|| frame("Campaign", path, &campaign::body(), "campaign.js"));
    }
    let html = match path {
        "" => frame("Training-data service", "/", &index::body(), "index.js"),
        "/write" => frame("Write a text", "/write", &write::body(), "write.js"),
        "/submit" => frame(
            "Record a voice memo",
            "/submit",
            &submit::body(),
            "recorder.js",
        ),
        "/screenshot" => frame(
            "Upload a screenshot",
            "/screenshot",
            &screenshot::body(),
            "screenshot.js",
        ),
        "/draw" => frame("Draw", "/draw", &draw::body(), "draw.js"),
        "/me" => frame("My data", "/me", &me::body(), "me.js"),
        "/review" => frame("Review", "/review", &review::body(), "review.js"),
        "/adjudicate" => frame(
            "Adjudicate",
            "/adjudicate",
            &adjudicate::body(),
            "adjudicate.js",
        ),
        "/join" => frame("Join", "/join", &join::body(), "join.js"),
        "/admin/logs" => admin_page("Admin dashboard", &dashboard::body(), "dashboard.js"),
        "/admin/people" => admin_page("People", people::BODY, "people.js"),
        _ => return None,
    };
    Some(html)
}

/// A static asset by file name: (content type, body).
pub fn asset(name: &str) -> Option<(&'static str, &'static str)> {
    let body = match name {
        "app.js" => include_str!("app.js"),
        "index.js" => include_str!("index.js"),
        "recorder.js" => include_str!("recorder.js"),
        "recorder-worklet.js" => include_str!("recorder-worklet.js"),
        "screenshot.js" => include_str!("screenshot.js"),
        "draw.js" => include_str!("draw.js"),
        "admin.js" => include_str!("admin.js"),
        "dashboard.js" => include_str!("dashboard.js"),
        "me.js" => include_str!("me.js"),
        "review.js" => include_str!("review.js"),
        "adjudicate.js" => include_str!("adjudicate.js"),
        "join.js" => include_str!("join.js"),
        "write.js" => include_str!("write.js"),
        "campaign.js" => include_str!("campaign.js"),
        "people.js" => include_str!("people.js"),
        _ => return None,
    };
    Some((JS, body))
}

/// The pages in the navigation: (path, label).
const NAV: [(&str, &str); 7] = [
    ("/", "Home"),
    ("/write", "Text"),
    ("/submit", "Voice"),
    ("/screenshot", "Screenshot"),
    ("/draw", "Draw"),
    ("/me", "My data"),
    ("/review", "Review"),
];

/// Wraps a page body in the site header, navigation and token bar, and loads the
/// shared script and the page's own script.
fn frame(title: &str, current: &str, body: &str, script: &str) -> String {
    let links: String = NAV
        .iter()
        .map(|(href, label)| {
            let aria = if *href == current {
                " aria-current=\"page\""
            } else {
                ""
            };
            format!("<a href=\"{href}\"{aria}>{label}</a>")
        })
        .collect();
    let html = format!(
        r#"<header class="site">
  <a class="brand" href="/">training<span>data</span></a>
  <nav aria-label="Pages" class="site-nav">{links}</nav>
</header>
<form id="token-bar" class="token-bar" autocomplete="off">
  <label for="token-input">Your API token</label>
  <div class="row">
    <input id="token-input" name="token" type="password" spellcheck="false" placeholder="paste the token POST /api/users gave you" aria-describedby="token-state">
    <button type="submit" id="token-save">Save</button>
    <button type="button" id="token-clear" class="secondary">Forget</button>
  </div>
  <p id="token-state" role="status" aria-live="polite">No token saved yet.</p>
</form>
<section id="campaign" class="card purple campaign-banner" hidden aria-labelledby="campaign-name">
  <p class="muted">For the campaign <a id="campaign-name" href="/"></a></p>
  <div id="campaign-prompt-box" hidden>
    <p>Prompt <span id="campaign-prompt-number"></span>:</p>
    <blockquote id="campaign-prompt"></blockquote>
    <p><button type="button" id="campaign-next" class="secondary" hidden>Another prompt</button></p>
  </div>
  <p id="campaign-status" role="status" aria-live="polite"></p>
</section>
{body}
<script src="/static/app.js" defer></script>
<script src="/static/{script}" defer></script>
"#
    );
    crate::web::page(title, &html)
}

/// The admin pages' sign-in card (`admin.js` wires it).
const ADMIN_SIGN_IN: &str = r#"<section class="card" id="login-card">
  <h2>Sign in</h2>
  <form id="login">
    <label for="token">Admin token</label>
    <input id="token" type="password" autocomplete="off" required>
    <p><button type="submit">Open</button> <span id="login-error" role="alert"></span></p>
  </form>
</section>"#;

/// An admin page: the sign-in card instead of the token bar, then its body, shown once
/// signed in, and its script after the shared `admin.js`.
fn admin_page(title: &str, body: &str, script: &str) -> String {
    let (heading, rest) = body.split_once('\n').unwrap_or((body, ""));
    crate::web::page(
        title,
        &format!(
            "{heading}\n{ADMIN_SIGN_IN}\n{rest}\n<script src=\"/static/admin.js\" defer></script>\n<script src=\"/static/{script}\" defer></script>\n"
        ),
    )
}

/// A `<select>` of the modalities with an "any" first option labelled `any`.
fn modality_select(id: &str, any: &str) -> String {
    let options: String = wire::media::Modality::ALL
        .iter()
        .map(|m| format!("<option value=\"{0}\">{0}</option>", m.as_str()))
        .collect();
    format!("<select id=\"{id}\"><option value=\"\">{any}</option>{options}</select>")
}

/// The shared result panel: status, extracted text, error and the proof.
/// `text_label` names the extracted text ("Transcript", "Text found").
fn result_panel(text_label: &str) -> String {
    let label = crate::web::escape(text_label);
    format!(
        r#"<section class="card result" id="result" hidden aria-labelledby="result-title">
  <h2 id="result-title">Your contribution <span id="result-id" class="mono"></span></h2>
  <p>Status: <span id="result-status" class="status pending">pending</span> <span id="result-engine" class="muted"></span></p>
  <h3>{label}</h3>
  <blockquote id="result-text" class="extracted" aria-live="polite">Waiting for the worker…</blockquote>
  <p id="result-error" class="error" role="alert" hidden></p>
  <div id="proof" class="proof" hidden>
    <h3>Proof</h3>
    <div class="proof-codes">
      <figure><img id="proof-qr" alt="QR code linking to the public verify page"><figcaption>QR: <a id="proof-verify" href="/">verify page</a></figcaption></figure>
      <figure><img id="proof-upc" alt="UPC-A barcode of the content hash"><figcaption>UPC-A <span id="proof-upc-number" class="mono"></span></figcaption></figure>
    </div>
    <dl>
      <dt>BIP-39 words</dt><dd id="proof-bip39" class="mono"></dd>
      <dt>EIP-55</dt><dd id="proof-eip55" class="mono"></dd>
      <dt>SHA-256</dt><dd id="proof-sha256" class="mono"></dd>
    </dl>
  </div>
</section>"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATHS: [&str; 10] = [
        "/",
        "/write",
        "/submit",
        "/screenshot",
        "/draw",
        "/me",
        "/review",
        "/adjudicate",
        "/join",
        "/c/voices",
    ];

    #[test]
    fn every_page_is_served_with_its_scripts() {
        for path in PATHS {
            let html = page(path).unwrap_or_else(|| panic!("no page at {path}"));
            assert!(html.starts_with("<!doctype html>"), "{path}");
            assert!(html.contains("<main>"), "{path}");
            assert!(html.contains("id=\"token-bar\""), "{path}");
            let in_nav = NAV.iter().any(|(href, _)| *href == path);
            assert_eq!(html.contains("aria-current=\"page\""), in_nav, "{path}");
            for src in html.split("<script src=\"/static/").skip(1) {
                let name = &src[..src.find('"').unwrap()];
                let (ct, body) =
                    asset(name).unwrap_or_else(|| panic!("{path} loads missing {name}"));
                assert!(ct.starts_with("text/javascript"));
                assert!(!body.is_empty());
            }
        }
        assert!(page("/nope").is_none());
        assert!(page("/c/").is_none() && page("/c/a/b").is_none());
        assert!(asset("../mod.rs").is_none());
        assert!(asset("recorder-worklet.js").is_some());
    }

    #[test]
    fn pages_respect_the_content_security_policy() {
        for path in PATHS.into_iter().chain(["/admin/logs", "/admin/people"]) {
            let html = page(path).unwrap();
            // Every script is external; no inline handlers, no external origins.
            assert_eq!(
                html.matches("<script").count(),
                html.matches("<script src=\"/static/").count(),
                "{path} has an inline script"
            );
            let lower = html.to_ascii_lowercase();
            for handler in [
                " onclick=",
                " onload=",
                " onchange=",
                " onsubmit=",
                " oninput=",
                "javascript:",
            ] {
                assert!(!lower.contains(handler), "{path} has {handler}");
            }
            assert!(
                !lower.contains("src=\"http"),
                "{path} loads an external resource"
            );
        }
    }

    #[test]
    fn every_control_has_a_label() {
        for path in PATHS {
            let html = page(path).unwrap();
            for tag in html
                .split("<input")
                .skip(1)
                .chain(html.split("<select").skip(1))
            {
                let tag = &tag[..tag.find('>').unwrap()];
                let id = tag
                    .split("id=\"")
                    .nth(1)
                    .map(|s| &s[..s.find('"').unwrap()])
                    .unwrap_or_else(|| panic!("{path}: control without id: {tag}"));
                assert!(
                    html.contains(&format!("for=\"{id}\"")) || tag.contains("aria-label"),
                    "{path}: #{id} has no label"
                );
            }
        }
    }
}
