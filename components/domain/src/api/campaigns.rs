//! Open collection campaigns (only when the `campaigns` setting is on; otherwise every
//! route here is a 404): the admin opens, lists and closes them; anyone reads a
//! campaign by its slug and joins it as an anonymous participant, whose token is
//! shown once and kept by the page.

use super::{base_url, json, json_body, Context, Params, Request, Response};
use crate::auth::{new_token, require_admin, token_hash};
use crate::error::ApiError;
use crate::store::campaigns::{self, Campaign, NewCampaign};
use crate::usecase::campaigns::{self as usecase, Ended};
use serde::Deserialize;
use serde_json::{json, Value};
use wire::media::Modality;

/// Longest slug, in characters.
pub const MAX_SLUG_CHARS: usize = 64;
/// Most prompts a campaign may have.
pub const MAX_PROMPTS: usize = 200;
/// Longest prompt, in characters.
pub const MAX_PROMPT_CHARS: usize = 500;
/// Largest total cap.
pub const MAX_CONTRIBUTIONS: i64 = 10_000_000;
/// Largest daily cap per participant.
pub const MAX_DAILY_CAP: i64 = 10_000;

/// 404 unless campaigns are on.
pub fn require_campaigns(ctx: &Context) -> Result<(), ApiError> {
    if ctx.settings.campaigns {
        Ok(())
    } else {
        Err(ApiError::not_found(
            "campaigns are off on this service (the Spin variable campaigns is false)",
        ))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewCampaignBody {
    slug: Option<String>,
    name: Option<String>,
    modalities: Option<Vec<String>>,
    prompts: Option<Vec<String>>,
    max_contributions: Option<i64>,
    daily_cap: Option<i64>,
    ends_at: Option<String>,
}

/// `POST /api/campaigns` (admin): opens a campaign; 422 naming the field for bad
/// input (a taken slug too), nothing written.
pub fn create(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    require_campaigns(ctx)?;
    require_admin(ctx, req)?;
    let body: NewCampaignBody = json_body(req)?;
    let slug = slug(body.slug.unwrap_or_default())?;
    let name = super::users::display_name(body.name)?;
    let modalities = modalities(body.modalities.unwrap_or_default())?;
    let prompts = prompts(body.prompts.unwrap_or_default())?;
    let max_contributions = cap(
        "max_contributions",
        body.max_contributions,
        MAX_CONTRIBUTIONS,
    )?;
    let daily_cap = cap("daily_cap", body.daily_cap, MAX_DAILY_CAP)?;
    let now = crate::clock::now();
    let ends_at = match body.ends_at {
        None => None,
        Some(raw) => Some(
            crate::clock::parse(&raw)
                .filter(|t| *t > now)
                .ok_or_else(|| {
                    ApiError::invalid("ends_at must be an RFC 3339 timestamp in the future")
                })?,
        ),
    };
    let new = NewCampaign {
        slug: &slug,
        name: &name,
        modalities: &modalities,
        prompts: &prompts,
        max_contributions,
        daily_cap,
        ends_at: ends_at.as_deref(),
    };
    let campaign = usecase::open(ctx.db, &ctx.origin(req), &new)?
        .ok_or_else(|| ApiError::invalid(format!("slug {slug:?} is taken by another campaign")))?;
    Ok(json(
        201,
        &admin_view(&campaign, None, &base_url(ctx, req), &now),
    ))
}

/// `GET /api/campaigns` (admin): every campaign, newest first, with its state, what it
/// has taken and its number of participants.
pub fn list(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    require_campaigns(ctx)?;
    require_admin(ctx, req)?;
    let now = crate::clock::now();
    let base = base_url(ctx, req);
    let items: Vec<Value> = campaigns::list(ctx.db)?
        .iter()
        .map(|(c, participants)| admin_view(c, Some(*participants), &base, &now))
        .collect();
    Ok(json(200, &json!({ "items": items })))
}

/// `DELETE /api/campaigns/{id}` (admin): closes it at once (again: no change).
pub fn close(ctx: &Context, req: &Request, params: &Params) -> Result<Response, ApiError> {
    require_campaigns(ctx)?;
    require_admin(ctx, req)?;
    let id = params.id("id", "campaign")?;
    let campaign = usecase::close(ctx.db, &ctx.origin(req), id)?
        .ok_or_else(|| ApiError::not_found(format!("no campaign {id}")))?;
    let now = crate::clock::now();
    Ok(json(
        200,
        &admin_view(&campaign, None, &base_url(ctx, req), &now),
    ))
}

/// `GET /api/c/{slug}` (public): what a participant sees of a campaign.
pub fn show(ctx: &Context, req: &Request, params: &Params) -> Result<Response, ApiError> {
    require_campaigns(ctx)?;
    let campaign = campaigns::find_by_slug(ctx.db, params.get("slug"))?
        .ok_or_else(|| ApiError::not_found("no campaign has this address"))?;
    let now = crate::clock::now();
    Ok(json(
        200,
        &public_view(&campaign, &base_url(ctx, req), &now),
    ))
}

/// `POST /api/c/{slug}/join` (no token): an anonymous participant of the campaign; its
/// token, shown once.
pub fn join(ctx: &Context, req: &Request, params: &Params) -> Result<Response, ApiError> {
    require_campaigns(ctx)?;
    let token = new_token();
    let joined = usecase::join(
        ctx.db,
        &ctx.origin(req),
        params.get("slug"),
        &token_hash(&token),
        ctx.settings.campaign_joins_per_hour as i64,
    )?;
    Ok(json(
        201,
        &json!({
            "id": joined.user_id, "anonymous": true, "campaign": joined.campaign.slug,
            "token": token, "created_at": joined.created_at,
        }),
    ))
}

/// The campaign's state at `now`: `active`, `closed`, `ended` or `full`.
fn state(campaign: &Campaign, now: &str) -> &'static str {
    match Ended::of(campaign, now) {
        None => "active",
        Some(Ended::Closed) => "closed",
        Some(Ended::Ended) => "ended",
        Some(Ended::Full) => "full",
    }
}

/// What anyone sees of a campaign.
fn public_view(campaign: &Campaign, base: &str, now: &str) -> Value {
    json!({
        "slug": campaign.slug,
        "name": campaign.name,
        "modalities": campaign.modalities,
        "prompts": campaign.prompts,
        "ends_at": campaign.ends_at,
        "state": state(campaign, now),
        "url": format!("{base}/c/{}", campaign.slug),
    })
}

/// What the admin sees: the public view with the caps, the counts and the id.
fn admin_view(campaign: &Campaign, participants: Option<i64>, base: &str, now: &str) -> Value {
    let mut view = public_view(campaign, base, now);
    view["id"] = campaign.id.into();
    view["max_contributions"] = campaign.max_contributions.into();
    view["daily_cap"] = campaign.daily_cap.into();
    view["contributions"] = campaign.contributions.into();
    view["contributions_left"] = campaign
        .max_contributions
        .map(|max| (max - campaign.contributions).max(0))
        .into();
    view["closed_at"] = campaign.closed_at.clone().into();
    view["created_at"] = campaign.created_at.clone().into();
    if let Some(n) = participants {
        view["participants"] = n.into();
    }
    view
}

/// A slug: lower-case letters, digits and inner hyphens, 1 to [`MAX_SLUG_CHARS`].
fn slug(raw: String) -> Result<String, ApiError> {
    let ok = !raw.is_empty()
        && raw.len() <= MAX_SLUG_CHARS
        && !raw.starts_with('-')
        && !raw.ends_with('-')
        && raw
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(raw)
    } else {
        Err(ApiError::invalid(format!(
            "slug must be 1 to {MAX_SLUG_CHARS} lower-case letters, digits and inner hyphens (got {raw:?})"
        )))
    }
}

/// At least one known modality, each once.
fn modalities(raw: Vec<String>) -> Result<Vec<Modality>, ApiError> {
    let mut out = Vec::new();
    for name in &raw {
        let m = Modality::parse(name).ok_or_else(|| {
            ApiError::invalid(format!(
                "modalities: {name:?} is not one of {}",
                Modality::names(", ")
            ))
        })?;
        if !out.contains(&m) {
            out.push(m);
        }
    }
    if out.is_empty() {
        return Err(ApiError::invalid(format!(
            "modalities must name at least one of {}",
            Modality::names(", ")
        )));
    }
    Ok(out)
}

/// At most [`MAX_PROMPTS`] prompts of 1 to [`MAX_PROMPT_CHARS`] printable characters.
fn prompts(raw: Vec<String>) -> Result<Vec<String>, ApiError> {
    if raw.len() > MAX_PROMPTS {
        return Err(ApiError::invalid(format!(
            "prompts: at most {MAX_PROMPTS} (got {})",
            raw.len()
        )));
    }
    raw.into_iter()
        .enumerate()
        .map(|(i, p)| {
            let p = p.trim().to_string();
            if p.is_empty()
                || p.chars().count() > MAX_PROMPT_CHARS
                || p.chars().any(char::is_control)
            {
                Err(ApiError::invalid(format!(
                    "prompts[{i}] must be 1 to {MAX_PROMPT_CHARS} printable characters"
                )))
            } else {
                Ok(p)
            }
        })
        .collect()
}

/// An optional cap between 1 and `max`.
fn cap(field: &str, value: Option<i64>, max: i64) -> Result<Option<i64>, ApiError> {
    match value {
        Some(n) if !(1..=max).contains(&n) => Err(ApiError::invalid(format!(
            "{field} must be between 1 and {max}"
        ))),
        other => Ok(other),
    }
}
