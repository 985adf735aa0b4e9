//! `/api/docs`: the OpenAPI document (`docs/openapi.json`) as a readable page, rendered
//! here from the document itself, so it needs no CDN and no script and says exactly
//! what the document says: per component, each operation with its summary, the
//! tokens it takes, its parameters, its body's media types and its responses.

use crate::web::{escape, page};
use serde_json::Value;

/// The page for `document` (the OpenAPI JSON), or `None` if it is not one.
pub fn render(document: &str) -> Option<String> {
    let doc: Value = serde_json::from_str(document).ok()?;
    let paths = doc["paths"].as_object()?;
    let mut sections = String::new();
    let mut contents = String::new();
    for tag in doc["tags"].as_array()? {
        let name = tag["name"].as_str()?;
        contents.push_str(&format!("<a href=\"#tag-{0}\">{0}</a> ", escape(name)));
        let mut operations = String::new();
        for (template, item) in paths {
            for (method, operation) in item.as_object()? {
                let tagged = operation["tags"]
                    .as_array()
                    .is_some_and(|tags| tags.iter().any(|t| t == name));
                if tagged {
                    operations.push_str(&render_operation(&doc, method, template, operation));
                }
            }
        }
        sections.push_str(&format!(
            "<section class=\"card\" id=\"tag-{id}\"><h2>{name}</h2>{about}{operations}</section>\n",
            id = escape(name),
            name = escape(name),
            about = paragraph(tag["description"].as_str()),
        ));
    }
    let title = doc["info"]["title"].as_str().unwrap_or("API");
    let body = format!(
        "<h1>{title} — HTTP API</h1>\n{about}\n<p>The machine-readable contract: \
         <a href=\"/openapi.json\">/openapi.json</a> (OpenAPI {version}).</p>\n\
         <nav aria-label=\"Components\">{contents}</nav>\n{sections}",
        title = escape(title),
        about = paragraph(doc["info"]["description"].as_str()),
        version = escape(doc["openapi"].as_str().unwrap_or("")),
    );
    Some(page(&format!("{title}: HTTP API"), &body))
}

/// One operation: method and path, summary, tokens, parameters, body and responses.
fn render_operation(doc: &Value, method: &str, template: &str, op: &Value) -> String {
    let security: Vec<String> = op["security"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|req| {
            req.as_object()
                .and_then(|o| o.keys().next().cloned())
                .unwrap_or_else(|| "no token".into())
        })
        .collect();
    let tokens = if security.is_empty() {
        "public".to_string()
    } else {
        security.join(" or ")
    };
    let parameters: String = op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            format!(
                "<li><code>{name}</code> ({place}{required}) {about}</li>",
                name = escape(p["name"].as_str().unwrap_or("")),
                place = escape(p["in"].as_str().unwrap_or("")),
                required = if p["required"] == true {
                    ", required"
                } else {
                    ""
                },
                about = prose(p["description"].as_str().unwrap_or("")),
            )
        })
        .collect();
    let body = op["requestBody"]["content"]
        .as_object()
        .map(|content| {
            let types: Vec<String> = content
                .keys()
                .map(|k| format!("<code>{}</code>", escape(k)))
                .collect();
            format!("<p>Body: {}</p>", types.join(", "))
        })
        .unwrap_or_default();
    let responses: String = op["responses"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(status, response)| {
            let response = match response["$ref"].as_str() {
                Some(r) => doc.pointer(r.trim_start_matches('#')).unwrap_or(response),
                None => response,
            };
            format!(
                "<li><strong>{}</strong> {}</li>",
                escape(status),
                prose(response["description"].as_str().unwrap_or(""))
            )
        })
        .collect();
    let parameters = if parameters.is_empty() {
        String::new()
    } else {
        format!("<ul class=\"params\">{parameters}</ul>")
    };
    format!(
        "<article class=\"operation\" id=\"{id}\"><h3><span class=\"method\">{method}</span> \
         <code>{path}</code></h3>{summary}<p class=\"muted\">Token: {tokens}</p>{parameters}{body}\
         <ul class=\"responses\">{responses}</ul></article>\n",
        id = escape(op["operationId"].as_str().unwrap_or("")),
        method = method.to_ascii_uppercase(),
        path = escape(template),
        summary = paragraph(op["summary"].as_str()),
        tokens = escape(&tokens),
    )
}

/// `text` as an escaped paragraph (nothing without text).
fn paragraph(text: Option<&str>) -> String {
    text.map(|t| format!("<p>{}</p>", prose(t)))
        .unwrap_or_default()
}

/// Escaped text with the document's `code spans` as `<code>`.
fn prose(text: &str) -> String {
    escape(text)
        .split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{part}</code>")
            } else {
                part.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_become_code_and_the_rest_is_escaped() {
        assert_eq!(prose("a `b<c>` d"), "a <code>b&lt;c&gt;</code> d");
    }

    #[test]
    fn every_operation_of_the_document_is_on_the_page() {
        let html = render(crate::api::web::OPENAPI).expect("the document renders");
        let doc: Value = serde_json::from_str(crate::api::web::OPENAPI).unwrap();
        let mut count = 0;
        for (template, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let id = op["operationId"].as_str().unwrap();
                let heading = format!(
                    "<span class=\"method\">{}</span> <code>{}</code>",
                    method.to_ascii_uppercase(),
                    escape(template)
                );
                assert!(html.contains(&format!("id=\"{id}\"")), "{id} is missing");
                assert!(html.contains(&heading), "{heading} is missing");
                count += 1;
            }
        }
        assert!(count > 60);
        assert!(!html.contains("<script"), "the page needs no script");
    }
}
