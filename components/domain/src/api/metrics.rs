//! `GET /api/admin/metrics?days=N` (admin): the dashboard's numbers per day, with the
//! charts rendered as SVG.

use super::{json, query, Context, Params, Request, Response};
use crate::auth::require_admin;
use crate::error::ApiError;
use crate::store::activity::Activity;
use crate::store::{activity, contributions, jobs, pii_findings, quality};
use crate::web::charts;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use wire::media::Modality;

/// Default and largest window.
const DEFAULT_DAYS: i64 = 14;
const MAX_DAYS: i64 = 366;
const COLOURS: [&str; 4] = ["#ff2e93", "#7b2ff7", "#ffc6e5", "#44d4ff"];

/// `GET /api/admin/metrics?days=N`: the dashboard's numbers and charts.
pub fn get(ctx: &Context, req: &Request, _: &Params) -> Result<Response, ApiError> {
    require_admin(ctx, req)?;
    let mut days_n = DEFAULT_DAYS;
    for (key, value) in query(req) {
        match key.as_str() {
            "days" => {
                days_n = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=MAX_DAYS).contains(n))
                    .ok_or_else(|| {
                        ApiError::invalid(format!("days must be between 1 and {MAX_DAYS}"))
                    })?
            }
            other => {
                return Err(ApiError::invalid(format!(
                    "unknown query parameter {other:?}"
                )))
            }
        }
    }
    super::activity::apply_retention(ctx)?;
    Ok(json(200, &metrics(ctx, days_n)?))
}

/// What the admin should fix: set while the app's own generated key signs the log.
fn warnings(ctx: &Context) -> Vec<&'static str> {
    ctx.settings
        .log_signing_key
        .is_none()
        .then_some(crate::signing::GENERATED_KEY_WARNING)
        .into_iter()
        .collect()
}

/// Personal data found in live rows' current texts: per kind, the findings that count,
/// the rows they are in, reviewers' confirmations and dismissals and the precision
/// those decisions give the detector (confirmed / decided; none before a decision);
/// the rows with any finding and those not scanned yet.
fn pii_metrics(ctx: &Context) -> Result<Value, ApiError> {
    let by_kind: Map<String, Value> = pii_findings::totals(ctx.db)?
        .into_iter()
        .map(|t| {
            let decided = t.confirmed + t.dismissed;
            let precision = (decided > 0).then(|| t.confirmed as f64 / decided as f64);
            let figures = json!({
                "findings": t.findings, "rows": t.rows, "confirmed": t.confirmed,
                "dismissed": t.dismissed, "precision": precision,
            });
            (t.kind.as_str().to_string(), figures)
        })
        .collect();
    Ok(json!({
        "by_kind": by_kind,
        "rows_with_findings": contributions::rows_with_pii(ctx.db)?,
        "unscanned_rows": contributions::unscanned_for_pii_count(ctx.db)?,
    }))
}

/// The metrics document for the last `n` days (today included).
pub fn metrics(ctx: &Context, n: i64) -> Result<Value, ApiError> {
    let today = time::OffsetDateTime::now_utc().date();
    let days: Vec<String> = (0..n)
        .rev()
        .map(|k| (today - time::Duration::days(k)).to_string())
        .collect();
    let since = format!("{}T00:00:00.000Z", days[0]);
    let index: BTreeMap<&str, usize> = days
        .iter()
        .enumerate()
        .map(|(i, d)| (d.as_str(), i))
        .collect();
    let zeros = vec![0.0f64; days.len()];
    let per_day = |pairs: Vec<(String, i64)>| -> Vec<f64> {
        let mut v = zeros.clone();
        for (d, c) in pairs {
            if let Some(i) = index.get(d.as_str()) {
                v[*i] = c as f64;
            }
        }
        v
    };
    let logins = per_day(activity::count_per_day(
        ctx.db,
        Activity::UserLogin,
        &since,
    )?);
    let scans = per_day(activity::count_per_day(ctx.db, Activity::QrScan, &since)?);
    let mut by_modality: BTreeMap<String, Vec<f64>> = Modality::ALL
        .iter()
        .map(|m| (m.as_str().to_string(), zeros.clone()))
        .collect();
    for (d, m, c) in contributions::created_per_day(ctx.db, &since)? {
        if let (Some(i), Some(v)) = (index.get(d.as_str()), by_modality.get_mut(&m)) {
            v[*i] = c as f64;
        }
    }
    let mut engines: BTreeMap<String, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    for (d, engine, ok, failed) in activity::extraction_outcomes(ctx.db, &since)? {
        let e = engines
            .entry(engine)
            .or_insert_with(|| (zeros.clone(), zeros.clone()));
        if let Some(i) = index.get(d.as_str()) {
            e.0[*i] += ok as f64;
            e.1[*i] += failed as f64;
        }
    }
    let baseline = contributions::training_rows_before(ctx.db, &since)? as f64;
    let training: Vec<f64> = per_day(contributions::training_rows_per_day(ctx.db, &since)?)
        .iter()
        .scan(baseline, |acc, n| {
            *acc += n;
            Some(*acc)
        })
        .collect();
    let mut quality_trend = vec![None; days.len()];
    for (d, score) in quality::daily_scores(ctx.db, &since)? {
        if let Some(i) = index.get(d.as_str()) {
            quality_trend[*i] = Some(score);
        }
    }
    let (queued, dead) = jobs::queue_depth(ctx.db)?;
    let extraction: Map<String, Value> = engines
        .iter()
        .map(|(engine, (ok, failed))| {
            let rate: Vec<Option<f64>> = ok
                .iter()
                .zip(failed)
                .map(|(o, f)| (o + f > 0.0).then(|| o / (o + f)))
                .collect();
            (
                engine.clone(),
                json!({ "completed": ok, "failed": failed, "success_rate": rate }),
            )
        })
        .collect();
    let modality_series: Vec<(&str, &str, Vec<f64>)> = by_modality
        .iter()
        .zip(COLOURS)
        .map(|((m, v), c)| (m.as_str(), c, v.clone()))
        .collect();
    let overall_rate: Vec<Option<f64>> = (0..days.len())
        .map(|i| {
            let (ok, failed) = engines
                .values()
                .fold((0.0, 0.0), |(o, f), (a, b)| (o + a[i], f + b[i]));
            (ok + failed > 0.0).then(|| ok / (ok + failed))
        })
        .collect();
    Ok(json!({
        "days": days,
        "logins": logins,
        "qr_scans": scans,
        "contributions": by_modality,
        "extraction": extraction,
        "training_rows": training,
        "quality_score": quality_trend,
        "jobs": { "queued": queued, "dead": dead },
        "review": crate::review::report::report(ctx.db)?,
        "pii": pii_metrics(ctx)?,
        "warnings": warnings(ctx),
        "charts": {
            "contributions": charts::stacked_bars("Contributions per day", &days, &modality_series),
            "logins": charts::stacked_bars("Logins per day", &days, &[("logins", COLOURS[1], logins.clone())]),
            "qr_scans": charts::stacked_bars("QR scans per day", &days, &[("scans", COLOURS[0], scans.clone())]),
            "training_rows": charts::line("Training rows (total)", &days, &training.iter().map(|v| Some(*v)).collect::<Vec<_>>(), None, false),
            "quality": charts::line("Data quality score", &days, &quality_trend, Some(1.0), true),
            "extraction": charts::line("Extraction success rate", &days, &overall_rate, Some(1.0), true),
        },
    }))
}
