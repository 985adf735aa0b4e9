//! `POST /api/unified-input`: one endpoint for all four modalities: parses the body
//! (`body`) and stores it with `usecase::intake` (text is complete at once;
//! media gets a blob and an extraction job), counted for a campaign when it names one
//! or comes from a campaign's participant. `draw` checks drawings against what was
//! asked, storing them the same way.

pub mod body;
pub mod draw;

use super::campaigns::require_campaigns;
use super::{base_url, json, Context, Params, Request, Response};
use crate::auth::{authenticate, Caller};
use crate::error::ApiError;
use crate::store::{campaigns, users};
use crate::usecase::intake::{self, NewContribution, Participation};
use body::CampaignChoice;
use serde_json::Value;

/// `POST /api/unified-input`: stores one contribution (or finds its duplicate).
pub fn contribute(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    let caller = authenticate(ctx, req, true)?;
    let (mut new, choice) = body::parse(req, &ctx.settings)?;
    let campaign = campaign_of(ctx, caller, choice.as_ref(), &mut new)?;
    let participation = campaign.as_ref().map(|campaign| Participation {
        campaign,
        per_hour: ctx.settings.campaign_contributions_per_hour as i64,
    });
    let stored = intake::contribute(
        ctx.db,
        &ctx.origin(req),
        caller,
        &new,
        participation.as_ref(),
    )?;
    let mut body = super::views::contribution(&stored.row, &base_url(ctx, req), true);
    body["duplicate"] = stored.duplicate.into();
    body["job_id"] = stored.job_id.into();
    if caller == Caller::Anonymous {
        body["anonymous"] = true.into();
    }
    let mut resp = json(if stored.duplicate { 200 } else { 201 }, &body);
    if let Ok(location) = format!("/api/training-data/{}", stored.row.id).parse() {
        resp.headers_mut().insert(http::header::LOCATION, location);
    }
    Ok(resp)
}

/// The campaign a contribution counts for: the one it names, or its participant's.
/// It must accept the modality; an answered prompt goes into `metadata.prompt`.
fn campaign_of(
    ctx: &Context,
    caller: Caller,
    choice: Option<&CampaignChoice>,
    new: &mut NewContribution,
) -> Result<Option<campaigns::Campaign>, ApiError> {
    let own = match caller {
        Caller::User(uid) => users::campaign_of(ctx.db, uid)?,
        _ => None,
    };
    let campaign = match (choice, own) {
        (None, None) => return Ok(None),
        (Some(choice), _) => {
            require_campaigns(ctx)?;
            let campaign = campaigns::find_by_slug(ctx.db, &choice.slug)?.ok_or_else(|| {
                ApiError::invalid(format!("campaign: no campaign {:?}", choice.slug))
            })?;
            if caller.user_id().is_none() {
                return Err(ApiError::invalid(format!(
                    "campaign: a campaign's rows belong to people; join it (POST /api/c/{}/join) and send that token",
                    campaign.slug
                )));
            }
            if own.is_some_and(|id| id != campaign.id) {
                return Err(ApiError::invalid(
                    "campaign: this participant belongs to another campaign",
                ));
            }
            campaign
        }
        (None, Some(id)) => {
            require_campaigns(ctx)?;
            campaigns::get(ctx.db, id)?.ok_or_else(|| ApiError::internal("campaign missing"))?
        }
    };
    if !campaign.modalities.contains(&new.modality) {
        let accepted: Vec<&str> = campaign.modalities.iter().map(|m| m.as_str()).collect();
        return Err(ApiError::invalid(format!(
            "modality: campaign {:?} accepts {}, not {}",
            campaign.slug,
            accepted.join(", "),
            new.modality.as_str()
        )));
    }
    if let Some(index) = choice.and_then(|c| c.prompt) {
        let prompt = campaign.prompts.get(index).ok_or_else(|| {
            ApiError::invalid(format!(
                "prompt: campaign {:?} has {} prompts; {index} is not one of them",
                campaign.slug,
                campaign.prompts.len()
            ))
        })?;
        let mut metadata: serde_json::Map<String, Value> =
            serde_json::from_str(&new.metadata).unwrap_or_default();
        metadata.insert("prompt".into(), prompt.clone().into());
        new.metadata = Value::Object(metadata).to_string();
    }
    Ok(Some(campaign))
}
