//! Shared pieces of the HTML pages: the neubrutalist style, the page frame, HTML
//! escaping and the in-browser Merkle/signature verifier.

/// The site's stylesheet: bold borders, hard shadows, candy pink, hot pink and purple.
pub const STYLE: &str = include_str!("style.css");

pub mod api_docs;
pub mod charts;
pub mod pages;

/// The browser-side verifier: RFC 9162 inclusion check, checkpoint signature check
/// (WebCrypto Ed25519) and salted-commitment check. No external scripts.
pub const VERIFIER_JS: &str = include_str!("verifier.js");

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A complete HTML page with the shared style (and an empty icon, so browsers do not
/// ask for a `/favicon.ico` that is not there). `body` must already be escaped.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <link rel=\"icon\" href=\"data:,\">\
         <title>{}</title><style>{STYLE}</style></head><body><main>{body}</main></body></html>\n",
        escape(title)
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup() {
        assert_eq!(
            super::escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
