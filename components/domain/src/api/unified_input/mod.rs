//! `POST /api/unified-input`: one endpoint for all four modalities: parses the body
//! (`body`) and stores it with `usecase::intake` (text is complete at once;
//! media gets a blob and an extraction job). `draw` checks drawings against what was
//! asked, storing them the same way.

pub mod body;
pub mod draw;

use super::{base_url, json, Context, Params, Request, Response};
use crate::auth::{authenticate, Caller};
use crate::error::ApiError;
use crate::usecase::intake;

/// `POST /api/unified-input`: stores one contribution (or finds its duplicate).
pub fn contribute(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    let caller = authenticate(ctx, req, true)?;
    let new = body::parse(req, &ctx.settings)?;
    let stored = intake::contribute(ctx.db, &ctx.origin(req), caller, &new)?;
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
