//! Every response the end-to-end suites see is held to the OpenAPI document
//! (`docs/openapi.json`, the one HTTP contract): the request's operation must document
//! the status, the content type, and (for JSON) a schema the body matches. With
//! `TDS_CONTRACT_SEEN=DIR` each checked response is also noted as
//! `METHOD TEMPLATE STATUS` in `DIR/e2e-<pid>.txt`, so `tests/contract/coverage.py` can
//! tell which documented statuses no test ever produced.

use serde_json::Value;
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

/// The document, parsed once.
fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        let path = crate::workspace_root().join("docs/openapi.json");
        let text = std::fs::read_to_string(&path).expect("docs/openapi.json");
        serde_json::from_str(&text).expect("docs/openapi.json is JSON")
    })
}

/// The documented path template `path` falls under: literal segments beat `{name}`
/// ones, segment by segment, as the route tables choose; a final `{rest}` takes the
/// remaining segments.
pub fn template_for(doc: &Value, path: &str) -> Option<String> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let mut best: Option<(Vec<bool>, &String)> = None;
    for template in doc["paths"].as_object()?.keys() {
        let parts: Vec<&str> = template.trim_end_matches('/').split('/').collect();
        let Some(score) = matches(&parts, &segments) else {
            continue;
        };
        if best.as_ref().is_none_or(|(b, _)| score > *b) {
            best = Some((score, template));
        }
    }
    best.map(|(_, t)| t.clone())
}

/// Whether the template's parts match the path's segments; if so, which positions
/// matched literally (more, earlier literals rank higher).
fn matches(parts: &[&str], segments: &[&str]) -> Option<Vec<bool>> {
    let mut literal = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        if *part == "{rest}" && i + 1 == parts.len() {
            return (segments.len() > i).then_some(literal);
        }
        let segment = segments.get(i)?;
        if part.starts_with('{') && part.ends_with('}') {
            if segment.is_empty() {
                return None;
            }
            literal.push(false);
        } else if part == segment {
            literal.push(true);
        } else {
            return None;
        }
    }
    (parts.len() == segments.len()).then_some(literal)
}

/// Follows a `$ref` to `#/...` within the document.
fn resolve<'a>(doc: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => doc
            .pointer(r.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("docs/openapi.json: dangling $ref {r}")),
        None => node,
    }
}

/// One reference token as it appears in a `$ref`'s fragment: JSON-pointer escaped,
/// and percent-encoded where a URI fragment may not hold the character.
fn escape(token: &str) -> String {
    token
        .replace('~', "~0")
        .replace('/', "~1")
        .replace('{', "%7B")
        .replace('}', "%7D")
}

/// A validator for the schema at `pointer` (compiled once), with the whole document
/// as its root so that `#/components/schemas/...` references resolve.
fn validator(doc: &Value, pointer: &str) -> Arc<jsonschema::Validator> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<jsonschema::Validator>>>> = OnceLock::new();
    // A panic while compiling (a broken schema) must not poison the cache for the
    // other tests: that test fails and says why; the rest go on.
    let mut cache = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    cache
        .entry(pointer.to_string())
        .or_insert_with(|| {
            let mut root = doc.clone();
            root["$ref"] = Value::String(format!("#{pointer}"));
            root["$schema"] = Value::String("https://json-schema.org/draft/2020-12/schema".into());
            Arc::new(
                jsonschema::validator_for(&root)
                    .unwrap_or_else(|e| panic!("docs/openapi.json: schema at {pointer}: {e}")),
            )
        })
        .clone()
}

/// The path of `url` (without its origin, query and fragment).
fn path_of(url: &str) -> &str {
    let path = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest.find('/').map_or("/", |i| &rest[i..]));
    path.split(['?', '#']).next().unwrap_or(path)
}

/// Notes a response some other client saw (the fuzzer's) for the coverage report,
/// if its request is a documented operation.
pub fn note_response(method: &str, url: &str, status: u16) {
    let doc = document();
    let method = method.to_ascii_lowercase();
    if let Some(template) = template_for(doc, path_of(url)) {
        if doc["paths"][&template].get(&method).is_some() {
            note_seen(&method, &template, status);
        }
    }
}

/// Checks one response against the document; returns what is wrong, if anything.
/// A path outside the document may only be a 404 or 405 (unknown routes and
/// methods), as may a method the path's item does not document.
pub fn check(
    method: &str,
    url: &str,
    status: u16,
    content_type: &str,
    body: &[u8],
) -> Result<(), String> {
    let doc = document();
    let path = path_of(url);
    let method = method.to_ascii_lowercase();
    let Some(template) = template_for(doc, path) else {
        return match status {
            404 | 405 => Ok(()),
            _ => Err(format!(
                "{path} is in no path of docs/openapi.json, yet answered {status}"
            )),
        };
    };
    let item = &doc["paths"][&template];
    let Some(operation) = item.get(&method) else {
        return match status {
            404 | 405 => Ok(()),
            _ => Err(format!(
                "{method} {template} is not documented, yet answered {status}"
            )),
        };
    };
    note_seen(&method, &template, status);
    let key = status.to_string();
    // The server failed (a storage error, say): no contract lists that, and the
    // fuzzer fails on any 500; what the client gets is still a problem document.
    if status == 500 {
        let problem = "/components/schemas/Problem";
        return match serde_json::from_slice::<Value>(body) {
            Ok(v)
                if content_type.starts_with("application/problem+json")
                    && validator(doc, problem).is_valid(&v) =>
            {
                Ok(())
            }
            _ => Err(format!(
                "{method} {template} answered 500 without a problem document"
            )),
        };
    }
    let Some(response) = operation["responses"].get(&key) else {
        return Err(format!(
            "{method} {template} answered {status}, which it does not document"
        ));
    };
    let response = resolve(doc, response);
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        return if body.is_empty() || method == "head" {
            Ok(())
        } else {
            Err(format!(
                "{method} {template} {status}: documents no body, yet sent {} bytes",
                body.len()
            ))
        };
    };
    let media = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let Some(media_item) = content.get(&media) else {
        return Err(format!(
            "{method} {template} {status}: Content-Type {content_type:?} is not one of {:?}",
            content.keys().collect::<Vec<_>>()
        ));
    };
    let is_json = media == "application/json" || media.ends_with("+json");
    if !is_json || method == "head" || media_item.get("schema").is_none() {
        return Ok(());
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| format!("{method} {template} {status}: the body is not JSON: {e}"))?;
    // Point at the schema through the operation, so a `$ref`'d response resolves too.
    let pointer = match operation["responses"][&key]
        .get("$ref")
        .and_then(Value::as_str)
    {
        Some(r) => format!(
            "{}/content/{}/schema",
            r.trim_start_matches('#'),
            escape(&media)
        ),
        None => format!(
            "/paths/{}/{method}/responses/{key}/content/{}/schema",
            escape(&template),
            escape(&media)
        ),
    };
    let errors: Vec<String> = validator(doc, &pointer)
        .iter_errors(&value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(5)
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{method} {template} {status}: the body does not match its schema: {}\nbody: {}",
            errors.join("; "),
            String::from_utf8_lossy(&body[..body.len().min(2000)])
        ))
    }
}

/// Notes a checked response for the coverage report (only under `TDS_CONTRACT_SEEN`).
fn note_seen(method: &str, template: &str, status: u16) {
    let Some(dir) = std::env::var_os("TDS_CONTRACT_SEEN") else {
        return;
    };
    let path = std::path::Path::new(&dir).join(format!("e2e-{}.txt", std::process::id()));
    let line = format!("{} {template} {status}\n", method.to_ascii_uppercase());
    // One short O_APPEND write per line: lines from concurrent tests never interleave.
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| f.write_all(line.as_bytes()));
    if let Err(e) = written {
        panic!("noting a response in {}: {e}", path.display());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn literal_segments_beat_parameters_and_rest_takes_the_tail() {
        let doc = json!({"paths": {
            "/api/training-data/{id}": {}, "/api/training-data/export": {},
            "/tile/{rest}": {}, "/api/proofs/{id}/qr.svg": {}
        }});
        let t = |p| template_for(&doc, p);
        assert_eq!(
            t("/api/training-data/export").as_deref(),
            Some("/api/training-data/export")
        );
        assert_eq!(
            t("/api/training-data/7").as_deref(),
            Some("/api/training-data/{id}")
        );
        assert_eq!(t("/tile/0/x001/234").as_deref(), Some("/tile/{rest}"));
        assert_eq!(
            t("/api/proofs/3/qr.svg").as_deref(),
            Some("/api/proofs/{id}/qr.svg")
        );
        assert_eq!(t("/tile"), None);
        let root = json!({"paths": {"/": {}, "/submit": {}}});
        assert_eq!(template_for(&root, "/").as_deref(), Some("/"));
        assert_eq!(t("/api/nothing"), None);
    }
}
