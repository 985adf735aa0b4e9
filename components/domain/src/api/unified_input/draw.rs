//! `POST /api/draw/verify` and `GET /api/draw/verify/{id}`: does a drawing show what
//! was asked? A shape is checked at once from the strokes (the $P recognizer); text
//! needs OCR, so the image is stored as a drawing contribution whose job the worker
//! runs, and the poll URL compares the words once they are there.

use super::body::{checked_strokes, verification_drawing};
use crate::api::{json, json_body, listing::visible_row, Context, Params, Request, Response};
use crate::auth::authenticate;
use crate::error::ApiError;
use crate::shapes;
use crate::shapes::stroke_points;
use serde::Deserialize;
use serde_json::{json, Value};
use wire::lifecycle::Status;

/// A text match needs at least this similarity (1 = identical after normalising).
pub const TEXT_MATCH_THRESHOLD: f64 = 0.8;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Verify {
    expected_shape: Option<String>,
    expected_text: Option<String>,
    strokes: Option<Value>,
    image: Option<String>,
}

/// `GET /api/draw/verify/{id}`: the state of a text verification.
pub fn status(ctx: &Context, req: &Request, params: &Params) -> Result<Response, ApiError> {
    let caller = authenticate(ctx, req, false)?;
    poll(&visible_row(ctx, caller, params)?)
}

/// `POST /api/draw/verify`: checks a shape at once, or stores a drawing for OCR.
pub fn verify(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    let caller = authenticate(ctx, req, true)?;
    let body: Verify = json_body(req)?;
    match (body.expected_shape, body.expected_text) {
        (Some(shape), None) => {
            let expected = shape.trim().to_lowercase();
            if !shapes::SHAPES.contains(&expected.as_str()) {
                return Err(ApiError::invalid(format!(
                    "expected_shape must be one of {}",
                    shapes::SHAPES.join(", ")
                )));
            }
            let strokes = body.strokes.ok_or_else(|| {
                ApiError::invalid("a shape is checked from its strokes: send strokes")
            })?;
            let found = shapes::recognize(&stroke_points(&checked_strokes(strokes)?));
            Ok(json(
                200,
                &json!({
                    "expected_shape": expected,
                    "shape": found.as_ref().map(|m| m.shape),
                    "score": found.as_ref().map_or(0.0, |m| (m.score * 100.0).round() / 100.0),
                    "match": found.is_some_and(|m| m.shape == expected),
                }),
            ))
        }
        (None, Some(text)) => {
            let expected = text.trim().to_string();
            if expected.is_empty() || expected.len() > 200 {
                return Err(ApiError::invalid(
                    "expected_text must be 1 to 200 characters",
                ));
            }
            let image = body.image.ok_or_else(|| {
                ApiError::invalid(
                    "text is checked by OCR: send the drawing as a base64 PNG in image",
                )
            })?;
            let metadata = json!({ "draw_verify": { "expected_text": expected } });
            let new = verification_drawing(image, body.strokes, metadata, &ctx.settings)?;
            let stored =
                crate::usecase::intake::contribute(ctx.db, &ctx.origin(req), caller, &new, None)?;
            let mut answer = poll(&stored.row)?;
            if !stored.row.status.is_final() {
                *answer.status_mut() = http::StatusCode::ACCEPTED;
            }
            Ok(answer)
        }
        _ => Err(ApiError::invalid(
            "send exactly one of expected_shape or expected_text",
        )),
    }
}

/// The verification's state: pending until OCR finished, then the comparison.
fn poll(row: &crate::store::contributions::Contribution) -> Result<Response, ApiError> {
    let metadata: Value = serde_json::from_str(&row.metadata).unwrap_or(Value::Null);
    let expected = metadata["draw_verify"]["expected_text"]
        .as_str()
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "contribution {} is not a drawing verification",
                row.id
            ))
        })?;
    let mut body = json!({
        "id": row.id,
        "status": row.status,
        "expected_text": expected,
        "poll": format!("/api/draw/verify/{}", row.id),
    });
    match row.status {
        Status::Complete => {
            let text = row.extracted_text.clone().unwrap_or_default();
            // The shape line stands in for words only while OCR has found none.
            let words = if text.starts_with("shape: ") {
                ""
            } else {
                text.as_str()
            };
            let score = similarity(expected, words);
            body["text"] = words.into();
            body["score"] = ((score * 100.0).round() / 100.0).into();
            body["match"] = (score >= TEXT_MATCH_THRESHOLD).into();
        }
        Status::Failed => body["error"] = row.last_error.clone().into(),
        Status::Pending | Status::Processing => {}
    }
    Ok(json(200, &body))
}

/// Letters and digits, lower-cased, words separated by single spaces.
fn normalise(s: &str) -> String {
    let cleaned: String = s
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// 1 − (edit distance / longer length) over the normalised strings.
pub fn similarity(expected: &str, found: &str) -> f64 {
    strsim::normalized_levenshtein(&normalise(expected), &normalise(found))
}

#[cfg(test)]
mod tests {
    use super::similarity;

    #[test]
    fn similarity_ignores_case_and_punctuation_and_counts_edits() {
        assert_eq!(similarity("Hello, World!", "hello world"), 1.0);
        assert!((similarity("hello", "hallo") - 0.8).abs() < 1e-9);
        assert_eq!(similarity("cat", ""), 0.0);
        assert!(similarity("HELLO WORLD", "HELL0 W0RLD") < 0.9);
    }
}
