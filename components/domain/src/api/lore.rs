//! The lore profile: `POST /api/lore` generates it from a colour and the sentiment of
//! the user's own texts; `GET /api/users/{id}/lore`, `GET /u/{id}` (a public page in
//! the user's own theme) and `GET /u/{id}/theme.css` show it. Only public-safe facts
//! appear: the profile and contribution counts, never content or names.

use super::{json, json_body, Context, Params, Request, Response};
use crate::auth::{authenticate, Caller};
use crate::error::ApiError;
use crate::lore::{self, ollama, Analysis, Generated};
use crate::store::{contributions, lore as store};
use crate::web::{escape, page};
use serde_json::Value;
use wire::lifecycle::Status;

/// `GET /api/users/{id}/lore`: the profile as JSON.
pub fn get(ctx: &Context, _: &Request, params: &Params) -> Result<Response, ApiError> {
    Ok(json(200, &profile(ctx, params.id("id", "user")?)?))
}

/// `GET /u/{id}/theme.css`: the user's theme.
pub fn theme(ctx: &Context, _: &Request, params: &Params) -> Result<Response, ApiError> {
    let uid = params.id("id", "user")?;
    let css = store::theme_css(ctx.db, uid)?.ok_or_else(|| no_profile(uid))?;
    Ok(text(200, "text/css; charset=utf-8", css))
}

/// `GET /u/{id}`: the public profile page, in the user's theme.
pub fn public_profile(ctx: &Context, _: &Request, params: &Params) -> Result<Response, ApiError> {
    let uid = params.id("id", "user")?;
    let lore = profile(ctx, uid)?;
    let counts = contributions::count_by_modality(
        ctx.db,
        &contributions::Filter {
            user_id: Some(uid),
            status: Some(Status::Complete),
            ..Default::default()
        },
    )?;
    Ok(text(
        200,
        "text/html; charset=utf-8",
        profile_page(uid, &lore, &counts),
    ))
}

fn no_profile(id: impl std::fmt::Display) -> ApiError {
    ApiError::not_found(format!(
        "user {id} has no lore profile yet (POST /api/lore)"
    ))
}

fn profile(ctx: &Context, uid: i64) -> Result<Value, ApiError> {
    let mut lore = store::get(ctx.db, uid)?.ok_or_else(|| no_profile(uid))?;
    lore["profile_url"] = format!("/u/{uid}").into();
    lore["theme_url"] = format!("/u/{uid}/theme.css").into();
    Ok(lore)
}

fn text(status: u16, content_type: &str, body: String) -> Response {
    http::Response::builder()
        .status(status)
        .header("content-type", content_type)
        .header("x-content-type-options", "nosniff")
        .body(body.into_bytes())
        .unwrap_or_default()
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct LoreRequest {
    color: Option<String>,
}

/// `POST /api/lore`: (re)writes the caller's profile from a colour and their texts.
pub fn generate(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    let Caller::User(uid) = authenticate(ctx, req, false)? else {
        return Err(ApiError::forbidden(
            "a lore profile belongs to a user: use a user's token",
        ));
    };
    let body: LoreRequest = json_body(req)?;
    let color = body
        .color
        .ok_or_else(|| ApiError::invalid("color is required (#rrggbb, #rgb or a palette name)"))?;
    let texts = store::texts_of(ctx.db, uid)?;
    let analysis = lore::analyse(&color, &texts).map_err(|e| ApiError::invalid(e.to_string()))?;
    let (generated, generator, fallback) = write_story(ctx, &analysis);
    let theme = lore::theme(&analysis).css();
    let hex = analysis.color.to_string();
    let kept = store::NewLore {
        user_id: uid,
        color: &hex,
        archetype: &generated.archetype,
        origin_story: &generated.origin_story,
        powers: &generated.powers,
        weaknesses: &generated.weaknesses,
        theme_css: &theme,
        generator: &generator,
    };
    crate::usecase::lore::keep(ctx.db, &ctx.origin(req), &kept, fallback.as_deref())?;
    let mut answer = profile(ctx, uid)?;
    answer["sentiment"] = serde_json::to_value(analysis.sentiment).unwrap_or(Value::Null);
    answer["traits"] = serde_json::to_value(analysis.reading).unwrap_or(Value::Null);
    if let Some(why) = fallback {
        answer["fallback_reason"] = why.into();
    }
    Ok(json(201, &answer))
}

/// The story from Ollama when configured and usable, else the built-in generator:
/// (story, generator name, why Ollama was not used).
fn write_story(ctx: &Context, analysis: &Analysis) -> (Generated, String, Option<String>) {
    let Some(base) = &ctx.settings.ollama_url else {
        return (lore::builtin(analysis), "builtin".into(), None);
    };
    let model = &ctx.settings.ollama_model;
    let body = ollama::request_body(model, &ollama::prompt(analysis)).to_string();
    let reply = ctx.outbound.post_json(
        &format!("{base}/api/generate"),
        body.as_bytes(),
        ctx.settings.ollama_timeout_ms as u64,
    );
    match reply.and_then(|bytes| ollama::parse_response(&bytes)) {
        Ok(story) => (story, format!("ollama:{model}"), None),
        Err(why) => (
            lore::builtin(analysis),
            "builtin".into(),
            Some(format!("Ollama: {why}")),
        ),
    }
}

fn profile_page(uid: i64, lore: &Value, counts: &[(String, u64)]) -> String {
    let items = |key: &str| -> String {
        lore[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(|s| format!("<li>{}</li>", escape(s)))
                    .collect()
            })
            .unwrap_or_default()
    };
    let total: u64 = counts.iter().map(|(_, n)| n).sum();
    let count_items: String = counts
        .iter()
        .map(|(m, n)| format!("<li>{}: {n}</li>", escape(m)))
        .collect();
    let body = format!(
        "<article class=\"card lore\"><p class=\"muted\">Contributor #{uid} · colour {color}</p>\
         <h1>{archetype}</h1><p>{story}</p></article>\
         <section class=\"card\"><h2>Powers</h2><ul>{powers}</ul></section>\
         <section class=\"card\"><h2>Weaknesses</h2><ul>{weaknesses}</ul></section>\
         <section class=\"card\"><h2>Contributions</h2><p>{total} complete</p><ul>{count_items}</ul>\
         <p class=\"muted\">Story by the {generator} generator. <a href=\"/\">Contribute</a></p></section>",
        color = escape(lore["color"].as_str().unwrap_or_default()),
        archetype = escape(lore["archetype"].as_str().unwrap_or_default()),
        story = escape(lore["origin_story"].as_str().unwrap_or_default()),
        powers = items("powers"),
        weaknesses = items("weaknesses"),
        generator = escape(lore["generator"].as_str().unwrap_or_default()),
    );
    // The user's theme comes last so it wins over the shared style.
    let html = page(&format!("Contributor #{uid}"), &body);
    html.replacen(
        "</head>",
        &format!("<link rel=\"stylesheet\" href=\"/u/{uid}/theme.css\"></head>"),
        1,
    )
}
