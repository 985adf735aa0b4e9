//! Turns a `POST /api/unified-input` body (JSON with base64 `data`, or
//! `multipart/form-data` with a `file` part) into a validated new contribution
//! (`usecase::intake::NewContribution`).

use crate::api::check_text;
use crate::config::Settings;
use crate::error::ApiError;
use crate::media;
use crate::usecase::intake::{KnownText, NewContribution};
use base64::Engine as _;
use serde::Deserialize;
use serde_json::Value as Json;
use wire::lifecycle::TextSource;
use wire::media::Modality;

/// Largest accepted `metadata` object, serialized.
pub const MAX_METADATA_BYTES: usize = 16 * 1024;
/// Largest accepted number of stroke points in a drawing.
pub const MAX_STROKE_POINTS: usize = 100_000;

/// A drawing sent for verification (`POST /api/draw/verify`): the same checks as a
/// unified-input drawing, from base64 `image` and optional `strokes`.
pub fn verification_drawing(
    image: String,
    strokes: Option<Json>,
    metadata: Json,
    settings: &Settings,
) -> Result<NewContribution, ApiError> {
    let fields = Fields {
        modality: Some("drawing".into()),
        data: Some(image),
        strokes,
        metadata: Some(metadata),
        ..Fields::default()
    };
    validate(fields, settings)
}

/// One line of an import: a unified-input body (its `campaign` and `prompt` refused:
/// imports do not count for campaigns) with what an import adds. On a media line
/// `text` is the media's text as already known (an earlier transcript, an export's
/// text): the row is stored complete with it and no extraction is queued.
#[derive(Debug, Deserialize)]
pub struct ImportLine {
    #[serde(flatten)]
    fields: Fields,
    /// Who wrote a media line's known `text` (`machine`, the default, `contributor` or
    /// `human`); a text line's text is always the contributor's.
    pub text_source: Option<String>,
    /// When the row was originally made (RFC 3339, not in the future).
    pub created_at: Option<String>,
    /// Whether it goes into training exports (default true).
    pub included_in_training: Option<bool>,
    /// The caller's own id for the row (kept in its metadata and in the report).
    pub source_id: Option<String>,
    /// Its owner (the admin only; none: an ownerless row).
    pub user_id: Option<i64>,
}

impl ImportLine {
    /// Gives the line a file read from an archive, as a multipart `file` part is given
    /// (no declared type: the bytes are sniffed).
    pub fn set_file(&mut self, bytes: Vec<u8>) {
        self.fields.file = Some((bytes, None));
    }

    /// Whether the line carries its media already (base64 `data` or a file).
    pub fn has_media(&self) -> bool {
        self.fields.data.is_some() || self.fields.file.is_some()
    }

    /// The line's modality as named (unchecked).
    pub fn modality(&self) -> Option<&str> {
        self.fields.modality.as_deref()
    }
}

/// Validates an import line's contribution exactly as `POST /api/unified-input`
/// validates a JSON body; a media line's `text` comes back as its known text.
pub fn import_line(
    mut line: ImportLine,
    settings: &Settings,
) -> Result<(NewContribution, Option<KnownText>), ApiError> {
    if line.fields.campaign.is_some() || line.fields.prompt.is_some() {
        return Err(ApiError::invalid(
            "campaign: imported rows do not count for campaigns; leave out campaign and prompt",
        ));
    }
    let media = line
        .fields
        .modality
        .as_deref()
        .and_then(Modality::parse)
        .is_some_and(|m| m != Modality::Text);
    let known = match media.then(|| line.fields.text.take()).flatten() {
        None => None,
        Some(text) => {
            check_text(&text, settings)?;
            let source = match line.text_source.as_deref() {
                None => TextSource::Machine,
                Some(name) => TextSource::parse(name).ok_or_else(|| {
                    ApiError::invalid(format!(
                        "text_source must be machine, contributor or reviewer (got {name:?})"
                    ))
                })?,
            };
            Some((text, source))
        }
    };
    Ok((validate(line.fields, settings)?, known))
}

/// The largest single contribution body: base64 media (4/3 of `max_media_bytes`), the
/// text, and room for the other fields. An import line may be as large.
pub fn body_limit(settings: &Settings) -> usize {
    settings.max_media_bytes / 3 * 4 + settings.max_text_bytes + 64 * 1024
}

/// The fields a client may send, whichever encoding carried them.
#[derive(Debug, Default, Deserialize)]
struct Fields {
    modality: Option<String>,
    text: Option<String>,
    data: Option<String>,
    mime: Option<String>,
    strokes: Option<Json>,
    metadata: Option<Json>,
    campaign: Option<String>,
    prompt: Option<Json>,
    #[serde(skip)]
    file: Option<(Vec<u8>, Option<String>)>,
}

/// The campaign a contribution names: its slug and, optionally, which of its prompts
/// was answered (an index into the campaign's prompts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignChoice {
    /// The campaign's slug.
    pub slug: String,
    /// The index of the prompt answered.
    pub prompt: Option<usize>,
}

/// Parses and validates a unified-input request: the contribution, and the campaign
/// it names, if any.
pub fn parse(
    req: &http::Request<Vec<u8>>,
    settings: &Settings,
) -> Result<(NewContribution, Option<CampaignChoice>), ApiError> {
    let body = req.body();
    // Base64 inflates by 4/3; anything beyond that (plus room for fields) cannot fit.
    let body_limit = body_limit(settings);
    if body.len() > body_limit {
        return Err(ApiError::too_large(format!(
            "the request body is {} bytes; the limit is {body_limit}",
            body.len()
        )));
    }
    if body.is_empty() {
        return Err(ApiError::bad_request("the request body is empty"));
    }
    let content_type = req
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let base = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let mut fields = match base.as_str() {
        "application/json" => parse_json(body)?,
        "multipart/form-data" => parse_multipart(content_type, body, settings)?,
        _ => {
            return Err(ApiError::unsupported_media(format!(
                "send application/json or multipart/form-data, not {content_type:?}"
            )))
        }
    };
    let choice = campaign_choice(fields.campaign.take(), fields.prompt.take())?;
    Ok((validate(fields, settings)?, choice))
}

/// The `campaign` and `prompt` fields: a prompt needs a campaign and is a
/// non-negative integer.
fn campaign_choice(
    campaign: Option<String>,
    prompt: Option<Json>,
) -> Result<Option<CampaignChoice>, ApiError> {
    let prompt = match prompt {
        None | Some(Json::Null) => None,
        Some(p) => Some(
            p.as_u64()
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| {
                    ApiError::invalid(
                        "prompt must be a non-negative integer (the index of the prompt answered)",
                    )
                })?,
        ),
    };
    match campaign
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
    {
        Some(slug) => Ok(Some(CampaignChoice { slug, prompt })),
        None if prompt.is_some() => Err(ApiError::invalid(
            "prompt is an index into a campaign's prompts: name the campaign too",
        )),
        None => Ok(None),
    }
}

fn parse_json(body: &[u8]) -> Result<Fields, ApiError> {
    crate::api::decode_json(body)
}

fn parse_multipart(
    content_type: &str,
    body: &[u8],
    settings: &Settings,
) -> Result<Fields, ApiError> {
    let boundary = multer::parse_boundary(content_type)
        .map_err(|_| ApiError::bad_request("multipart/form-data needs a boundary parameter"))?;
    let data = bytes::Bytes::copy_from_slice(body);
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(data) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let malformed =
        |e: multer::Error| ApiError::bad_request(format!("malformed multipart body: {e}"));
    futures_executor::block_on(async {
        let mut fields = Fields::default();
        while let Some(field) = multipart.next_field().await.map_err(malformed)? {
            let name = field.name().unwrap_or("").to_string();
            let declared = field.content_type().map(|m| m.to_string());
            let bytes = field.bytes().await.map_err(malformed)?;
            let text = || {
                String::from_utf8(bytes.to_vec())
                    .map_err(|_| ApiError::invalid(format!("field {name:?} is not UTF-8 text")))
            };
            let json = || {
                serde_json::from_slice::<Json>(&bytes).map_err(|e| {
                    ApiError::invalid(format!("field {name:?} is not valid JSON: {e}"))
                })
            };
            match name.as_str() {
                "modality" => fields.modality = Some(text()?),
                "text" => fields.text = Some(text()?),
                "mime" => fields.mime = Some(text()?),
                "strokes" => fields.strokes = Some(json()?),
                "metadata" => fields.metadata = Some(json()?),
                "campaign" => fields.campaign = Some(text()?),
                "prompt" => fields.prompt = Some(json()?),
                "file" => {
                    if bytes.len() > settings.max_media_bytes {
                        return Err(too_large_media(bytes.len(), settings));
                    }
                    fields.file = Some((bytes.to_vec(), declared));
                }
                _ => {} // unknown parts are ignored, like unknown JSON fields
            }
        }
        Ok(fields)
    })
}

fn too_large_media(size: usize, settings: &Settings) -> ApiError {
    ApiError::too_large(format!(
        "the file is {size} bytes; the limit is {} (max_media_bytes)",
        settings.max_media_bytes
    ))
}

fn validate(fields: Fields, settings: &Settings) -> Result<NewContribution, ApiError> {
    let modality = media::parse_modality(
        fields
            .modality
            .as_deref()
            .ok_or_else(|| ApiError::invalid("modality is required"))?,
    )?;
    let metadata = match fields.metadata {
        None | Some(Json::Null) => "{}".to_string(),
        Some(Json::Object(map)) => {
            let s = serde_json::to_string(&map).unwrap_or_default();
            if s.len() > MAX_METADATA_BYTES {
                return Err(ApiError::invalid(format!(
                    "metadata is {} bytes; the limit is {MAX_METADATA_BYTES}",
                    s.len()
                )));
            }
            s
        }
        Some(_) => return Err(ApiError::invalid("metadata must be a JSON object")),
    };
    let strokes = match fields.strokes {
        None | Some(Json::Null) => None,
        Some(_) if modality != Modality::Drawing => {
            return Err(ApiError::invalid(
                "strokes are accepted only with modality drawing",
            ))
        }
        Some(s) => Some(validate_strokes(s)?),
    };
    if modality == Modality::Text {
        if fields.data.is_some() || fields.file.is_some() {
            return Err(ApiError::invalid(
                "a text contribution carries its content in 'text', not in data/file",
            ));
        }
        let text = fields
            .text
            .ok_or_else(|| ApiError::invalid("text is required for modality text"))?;
        check_text(&text, settings)?;
        return Ok(NewContribution {
            modality,
            content: text.into_bytes(),
            mime: "text/plain",
            strokes,
            metadata,
        });
    }
    if fields.text.is_some() {
        return Err(ApiError::invalid(format!(
            "'text' is only for modality text; send the {} file as data or file",
            modality.as_str()
        )));
    }
    let (content, declared) = match (fields.data, fields.file) {
        (Some(_), Some(_)) => return Err(ApiError::invalid("send the media either as base64 'data' or as a 'file' part, not both")),
        (Some(data), None) => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(data.trim())
                .map_err(|e| ApiError::invalid(format!("data is not valid base64: {e}")))?;
            (bytes, fields.mime)
        }
        (None, Some((bytes, part_type))) => (bytes, fields.mime.or(part_type)),
        (None, None) => {
            return Err(ApiError::invalid(format!("a {} contribution needs the media as base64 'data' (JSON) or a 'file' part (multipart)", modality.as_str())))
        }
    };
    if content.is_empty() {
        return Err(ApiError::invalid("the media file is empty"));
    }
    if content.len() > settings.max_media_bytes {
        return Err(too_large_media(content.len(), settings));
    }
    let mime = media::validate(modality, &content, declared.as_deref())?;
    Ok(NewContribution {
        modality,
        content,
        mime,
        strokes,
        metadata,
    })
}

/// Validates strokes (see below); public for the drawing-verification endpoint.
pub fn checked_strokes(strokes: Json) -> Result<String, ApiError> {
    validate_strokes(strokes)
}

/// Strokes: a list of strokes, each a list of points `[x, y]`, `[x, y, t]` or
/// `{"x", "y", "t"?}` with finite numbers.
fn validate_strokes(strokes: Json) -> Result<String, ApiError> {
    let bad = |why: &str| ApiError::invalid(format!("strokes: {why}"));
    let list = strokes
        .as_array()
        .ok_or_else(|| bad("must be a list of strokes"))?;
    let mut points = 0usize;
    for stroke in list {
        let stroke = stroke
            .as_array()
            .ok_or_else(|| bad("each stroke must be a list of points"))?;
        for point in stroke {
            let coords: Vec<Option<f64>> = match point {
                Json::Array(a) if (2..=3).contains(&a.len()) => {
                    a.iter().map(Json::as_f64).collect()
                }
                Json::Object(o) => {
                    let mut c = vec![
                        o.get("x").and_then(Json::as_f64),
                        o.get("y").and_then(Json::as_f64),
                    ];
                    if let Some(t) = o.get("t") {
                        c.push(t.as_f64());
                    }
                    c
                }
                _ => return Err(bad("a point is [x, y], [x, y, t] or {\"x\", \"y\", \"t\"}")),
            };
            if coords.iter().any(|c| !c.is_some_and(f64::is_finite)) {
                return Err(bad("point coordinates must be finite numbers"));
            }
            points += 1;
        }
    }
    if points > MAX_STROKE_POINTS {
        return Err(bad(&format!(
            "{points} points; the limit is {MAX_STROKE_POINTS}"
        )));
    }
    Ok(strokes.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(content_type: &str, body: &[u8]) -> http::Request<Vec<u8>> {
        http::Request::post("/api/unified-input")
            .header("content-type", content_type)
            .body(body.to_vec())
            .unwrap()
    }

    fn json(body: &str) -> Result<NewContribution, ApiError> {
        parse(
            &req("application/json", body.as_bytes()),
            &Settings::default(),
        )
        .map(|(new, _)| new)
    }

    #[test]
    fn a_campaign_and_its_prompt_travel_beside_the_contribution() {
        let (new, choice) = parse(
            &req(
                "application/json",
                br#"{"modality":"text","text":"hi","campaign":" voices ","prompt":2}"#,
            ),
            &Settings::default(),
        )
        .unwrap();
        assert_eq!(new.metadata, "{}");
        let choice = choice.unwrap();
        assert_eq!((choice.slug.as_str(), choice.prompt), ("voices", Some(2)));
        for bad in [
            r#"{"modality":"text","text":"hi","prompt":1}"#,
            r#"{"modality":"text","text":"hi","campaign":"v","prompt":-1}"#,
            r#"{"modality":"text","text":"hi","campaign":"v","prompt":"one"}"#,
        ] {
            let e = json(bad).unwrap_err();
            assert_eq!(e.status, 422, "{bad}");
            assert!(e.detail.contains("prompt"), "{bad}: {}", e.detail);
        }
    }

    #[test]
    fn text_is_accepted() {
        let c = json(r#"{"modality":"text","text":"hello","metadata":{"lang":"en"}}"#).unwrap();
        assert_eq!(c.initial_text().as_deref(), Some("hello"));
        assert_eq!(c.metadata, r#"{"lang":"en"}"#);
    }

    #[test]
    fn statuses_for_bad_input() {
        let status = |b: &str| json(b).unwrap_err().status;
        assert_eq!(status("{not json"), 400);
        assert_eq!(status(r#"{"modality":"smell","text":"x"}"#), 422);
        assert_eq!(status(r#"{"text":"x"}"#), 422);
        assert_eq!(status(r#"{"modality":"text"}"#), 422);
        assert_eq!(status(r#"{"modality":"text","text":"  "}"#), 422);
        assert_eq!(status(r#"{"modality":"voice","data":"!!!"}"#), 422);
        assert_eq!(status(r#"{"modality":"voice","data":"aGVsbG8="}"#), 415);
        assert_eq!(status(r#"{"modality":"text","text":5}"#), 422);
        assert_eq!(
            status(r#"{"modality":"text","text":"x","metadata":[1]}"#),
            422
        );
        assert_eq!(
            status(r#"{"modality":"text","text":"x","strokes":[[[1,2]]]}"#),
            422
        );
        assert_eq!(
            parse(&req("text/plain", b"hi"), &Settings::default())
                .unwrap_err()
                .status,
            415
        );
        assert_eq!(
            parse(&req("application/json", b""), &Settings::default())
                .unwrap_err()
                .status,
            400
        );
    }

    #[test]
    fn limits_answer_413() {
        let s = Settings {
            max_text_bytes: 4,
            max_media_bytes: 8,
            ..Settings::default()
        };
        let e = parse(
            &req("application/json", br#"{"modality":"text","text":"hello"}"#),
            &s,
        )
        .unwrap_err();
        assert_eq!(e.status, 413);
        let png = base64::engine::general_purpose::STANDARD.encode(b"\x89PNG\r\n\x1a\n0123456789");
        let body = format!(r#"{{"modality":"screenshot","data":"{png}"}}"#);
        assert_eq!(
            parse(&req("application/json", body.as_bytes()), &s)
                .unwrap_err()
                .status,
            413
        );
    }

    #[test]
    fn drawing_with_strokes_and_multipart_file() {
        let png = b"\x89PNG\r\n\x1a\nrest";
        let mut body = Vec::new();
        body.extend_from_slice(
            b"--XB\r\nContent-Disposition: form-data; name=\"modality\"\r\n\r\ndrawing\r\n",
        );
        body.extend_from_slice(b"--XB\r\nContent-Disposition: form-data; name=\"strokes\"\r\n\r\n[[[1,2],{\"x\":3,\"y\":4,\"t\":5}]]\r\n");
        body.extend_from_slice(b"--XB\r\nContent-Disposition: form-data; name=\"file\"; filename=\"d.png\"\r\nContent-Type: image/png\r\n\r\n");
        body.extend_from_slice(png);
        body.extend_from_slice(b"\r\n--XB--\r\n");
        let (c, _) = parse(
            &req("multipart/form-data; boundary=XB", &body),
            &Settings::default(),
        )
        .unwrap();
        assert_eq!(c.modality, Modality::Drawing);
        assert_eq!(c.content, png);
        assert_eq!(c.mime, "image/png");
        assert!(c.strokes.unwrap().contains("\"x\":3"));
        let bad = parse(
            &req("multipart/form-data; boundary=XB", b"--XB\r\ngarbage"),
            &Settings::default(),
        )
        .unwrap_err();
        assert_eq!(bad.status, 400);
        let bad_strokes =
            json(r#"{"modality":"drawing","data":"iVBORw0KGgo=","strokes":[[["a",1]]]}"#)
                .unwrap_err();
        assert_eq!(bad_strokes.status, 422);
    }
}
