//! `GET /api/training-data/export` (streamed training export, admin or owner) and
//! `GET /api/me/export` (everything a contributor owns, as a zip); `snapshot` dumps
//! the whole database for backups.

pub mod snapshot;

use crate::api::listing::parse_filter;
use crate::api::{base_url, query, Context, Params, Reply, Request};
use crate::auth::{authenticate, Caller};
use crate::db::transaction;
use crate::error::ApiError;
use crate::export::{
    CardOptions, ChatOptions, ExportSpec, Exporter, Format, PiiPolicy, PiiSummary, Rows,
    DEFAULT_SYSTEM,
};
use crate::store::activity::Activity;
use crate::store::{activity as activity_log, contributions, lore, secrets, text_versions, users};
use serde_json::json;
use std::io::Write as _;
use wire::lifecycle::Status;

/// `GET /api/training-data/export?format=…`: every matching complete, opted-in row,
/// streamed in the chosen format.
pub fn training_export(ctx: &Context, req: &Request, _: &Params) -> Result<Reply, ApiError> {
    let caller = authenticate(ctx, req, false)?;
    let mut format = Format::Jsonl;
    let mut chat = ChatOptions {
        system: DEFAULT_SYSTEM.to_string(),
        prompt: None,
    };
    let (mut license, mut language) = ("other".to_string(), "en".to_string());
    let (mut pii, mut reason) = (PiiPolicy::default(), None::<String>);
    let mut filters = Vec::new();
    for (key, value) in query(req) {
        match key.as_str() {
            "format" => format = Format::parse(&value)?,
            "system" => chat.system = value,
            "prompt" => chat.prompt = Some(value),
            "license" => license = value,
            "language" => language = value,
            "pii" => pii = PiiPolicy::parse(&value)?,
            "reason" => reason = Some(value),
            "limit" | "cursor" => {
                return Err(ApiError::invalid(format!(
                    "{key} does not apply to exports; they stream every matching row"
                )))
            }
            _ => filters.push((key, value)),
        }
    }
    let card = CardOptions::validated(&license, &language)?;
    let reason = pii_reason(caller, pii, reason)?;
    let (mut filter, _) = parse_filter(caller, &filters)?;
    filter.training_only = true;
    // A chat example needs an assistant turn with content: OpenAI's fine-tuning
    // refuses an empty one, so rows whose text is empty are left out of `chat`.
    filter.with_text = format == Format::Chat;
    if filter.status.is_none() {
        filter.status = Some(Status::Complete);
    }
    filter.pii = pii.rows();
    let pseudonym_key = transaction(ctx.db, || {
        secrets::get_or_create(ctx.db, "export_pseudonym")
    })?;
    let mut entry = ctx
        .origin(req)
        .activity(Activity::Export, caller.user_id(), json!({}));
    let described = json!({ "format": format!("{format:?}").to_lowercase(), "filters": req.uri().query().unwrap_or("") });
    let on_finish = Box::new(
        move |ctx: &Context, rows: u64, sha256: String, found: &PiiSummary| {
            let now = crate::clock::now();
            let masked: serde_json::Map<String, serde_json::Value> = found
                .masked
                .iter()
                .map(|(k, n)| (k.as_str().to_string(), json!(n)))
                .collect();
            let personal_data = json!({
                "policy": found.policy.as_str(),
                "reason": reason,
                "masked": masked,
                "rows_masked": found.rows_masked,
                "images_redacted": found.images_redacted,
                "images_left_out": found.images_left_out,
                "audio_left_out": found.audio_left_out,
            });
            entry.action_data = json!({ "export": described, "rows": rows, "sha256": sha256, "pii": personal_data });
            transaction(ctx.db, || {
                crate::activity_chain::append(ctx.db, &entry, &now)
            })?;
            Ok(())
        },
    );
    let date = crate::clock::now()[..10].to_string();
    let spec = ExportSpec {
        format,
        rows: Rows::Live(filter),
        chat,
        card,
        pii,
        pseudonym_key,
        date,
        on_finish,
    };
    Ok(Reply::Stream(Box::new(Exporter::start(ctx, spec)?)))
}

/// The reason an export keeps personal data (`pii=keep`, the admin only, who must give
/// one; it goes into the activity log); none for the other policies, which take none.
fn pii_reason(
    caller: Caller,
    pii: PiiPolicy,
    reason: Option<String>,
) -> Result<Option<String>, ApiError> {
    match (pii, reason) {
        (PiiPolicy::Keep, _) if caller != Caller::Admin => Err(ApiError::forbidden(
            "pii=keep exports personal data unmasked: only the admin may, with a reason",
        )),
        (PiiPolicy::Keep, Some(r)) if !r.trim().is_empty() && r.chars().count() <= 500 => {
            Ok(Some(r.trim().to_string()))
        }
        (PiiPolicy::Keep, _) => Err(ApiError::invalid(
            "pii=keep needs a reason (reason=, 1 to 500 characters): it is recorded in the activity log",
        )),
        (_, Some(_)) => Err(ApiError::invalid("reason applies only to pii=keep")),
        (_, None) => Ok(None),
    }
}

/// GDPR access and portability: the caller's account, contributions (with salts and
/// proofs), media, activity and lore, as a zip. Rows the owner may not export
/// (`user_can_export` off) are listed in `excluded.json` instead.
pub fn my_data(ctx: &Context, req: &Request, _: &Params) -> Result<Reply, ApiError> {
    let Caller::User(uid) = authenticate(ctx, req, false)? else {
        return Err(ApiError::forbidden(
            "/api/me/export is for contributors; the admin has no account row",
        ));
    };
    let (name, created_at, _) =
        users::get(ctx.db, uid)?.ok_or_else(|| ApiError::not_found("no such user"))?;
    let base = base_url(ctx, req);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let fail = |e: &dyn std::fmt::Display| ApiError::internal(format!("zip: {e}"));
    let put = |zip: &mut zip::ZipWriter<_>, path: &str, bytes: &[u8]| -> Result<(), ApiError> {
        zip.start_file(path, options).map_err(|e| fail(&e))?;
        zip.write_all(bytes).map_err(|e| fail(&e))
    };
    put(
        &mut zip,
        "account.json",
        json!({ "id": uid, "name": name, "created_at": created_at })
            .to_string()
            .as_bytes(),
    )?;
    let mut filter = contributions::Filter {
        user_id: Some(uid),
        ..Default::default()
    };
    let (mut included, mut excluded) = (Vec::new(), Vec::new());
    loop {
        let page = contributions::list_oldest_first(ctx.db, &filter, 200)?;
        let Some(last) = page.last() else { break };
        filter.after_id = Some(last.id);
        for row in page {
            if !row.user_can_export {
                excluded
                    .push(json!({ "id": row.id, "reason": "user_can_export is off for this row" }));
                continue;
            }
            if let Some(bytes) = contributions::media(ctx.db, row.id)? {
                put(
                    &mut zip,
                    &format!(
                        "media/{}.{}",
                        row.id,
                        crate::export::media_extension(&row.mime)
                    ),
                    &bytes,
                )?;
            }
            let mut view = super::views::contribution(&row, &base, false);
            view["text_versions"] = json!(text_versions::list(ctx.db, row.id)?);
            included.push(view);
        }
    }
    put(
        &mut zip,
        "contributions.json",
        serde_json::to_string_pretty(&included)
            .unwrap_or_default()
            .as_bytes(),
    )?;
    put(
        &mut zip,
        "excluded.json",
        serde_json::to_string_pretty(&excluded)
            .unwrap_or_default()
            .as_bytes(),
    )?;
    let activity_rows = activity_log::of_user(ctx.db, uid)?;
    put(
        &mut zip,
        "activity.json",
        serde_json::to_string_pretty(&activity_rows)
            .unwrap_or_default()
            .as_bytes(),
    )?;
    put(
        &mut zip,
        "lore.json",
        lore::get(ctx.db, uid)?
            .unwrap_or_default()
            .to_string()
            .as_bytes(),
    )?;
    let bytes = zip.finish().map_err(|e| fail(&e))?.into_inner();
    let now = crate::clock::now();
    let data = json!({ "contributions": included.len(), "excluded": excluded.len(), "bytes": bytes.len() });
    transaction(ctx.db, || {
        ctx.log_activity(
            req,
            Activity::PersonalDataExport,
            Some(uid),
            data.clone(),
            &now,
        )
    })?;
    Ok(Reply::Full(
        http::Response::builder()
            .status(200)
            .header("content-type", "application/zip")
            .header(
                "content-disposition",
                format!("attachment; filename=\"my-data-{}.zip\"", &now[..10]),
            )
            .body(bytes)
            .unwrap_or_default(),
    ))
}
