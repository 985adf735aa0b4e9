//! Which code answers a request: one table per Spin component, named like it, of
//! `(methods, pattern, handler)` rows. `spin.toml` sends a request to a component,
//! the component hands its table to the adapter, and `crate::router` picks the row.
//! A test checks every `spin.toml` route against these tables.

use crate::api::{
    activity, campaigns, export, imports, invitations, jobs, listing, lore, metrics, pii, proofs,
    quality, releases, review, unified_input, users, web,
};
use crate::context::{Handler, StaticHandler, StreamingHandler};
use crate::router::{Route, ANY, DELETE, GET, GET_HEAD, PATCH, POST};

const fn row<H>(methods: &'static [http::Method], pattern: &'static str, handler: H) -> Route<H> {
    Route {
        methods,
        pattern,
        handler,
    }
}

/// `users`: accounts, the people page's API, the invitations and campaigns people
/// join by, and the problem+json 404 for any `/api/...` path no other component
/// serves.
pub const USERS: &[Route<Handler>] = &[
    row(POST, "/api/users", users::create),
    row(GET, "/api/users", users::list),
    row(PATCH, "/api/users/:id", users::update),
    row(DELETE, "/api/users/:id", users::close),
    row(POST, "/api/users/:id/token", users::revoke_token),
    row(GET, "/api/me", users::me),
    row(DELETE, "/api/me", users::delete_me),
    row(POST, "/api/me/token", users::rotate_token),
    row(POST, "/api/invitations", invitations::create),
    row(GET, "/api/invitations", invitations::list),
    row(DELETE, "/api/invitations/:id", invitations::revoke),
    row(POST, "/api/join", invitations::join),
    row(POST, "/api/campaigns", campaigns::create),
    row(GET, "/api/campaigns", campaigns::list),
    row(DELETE, "/api/campaigns/:id", campaigns::close),
    row(GET, "/api/c/:slug", campaigns::show),
    row(POST, "/api/c/:slug/join", campaigns::join),
    row(ANY, "/api/*", crate::api::unknown_route),
];

/// `unified-input`: contributions of every modality, bulk imports, and drawing checks.
pub const UNIFIED_INPUT: &[Route<Handler>] = &[
    row(POST, "/api/unified-input", unified_input::contribute),
    row(POST, "/api/import", imports::create),
    row(GET, "/api/imports", imports::list),
    row(GET, "/api/imports/:id", imports::show),
    row(POST, "/api/imports/:id/continue", imports::resume),
    row(POST, "/api/draw/verify", unified_input::draw::verify),
    row(GET, "/api/draw/verify/:id", unified_input::draw::status),
];

/// `listing`: reading, opting out, correcting and deleting rows.
pub const LISTING: &[Route<Handler>] = &[
    row(GET, "/api/training-data", listing::list),
    row(GET, "/api/training-data/:id", listing::get),
    row(PATCH, "/api/training-data/:id", listing::patch),
    row(DELETE, "/api/training-data/:id", listing::delete),
    row(GET, "/api/training-data/:id/versions", listing::versions),
    row(GET, "/api/training-data/:id/media", listing::media),
];

/// `review`: the review queue, reviewers' votes and adjudication, and the personal
/// data found in a row (listed, confirmed, dismissed, added).
pub const REVIEW: &[Route<Handler>] = &[
    row(GET, "/api/review/next", review::next),
    row(POST, "/api/training-data/:id/review", review::decide),
    row(GET, "/api/review/adjudications", review::adjudications),
    row(
        POST,
        "/api/training-data/:id/adjudicate",
        review::adjudicate,
    ),
    row(GET, "/api/training-data/:id/pii", pii::list),
    row(POST, "/api/training-data/:id/pii", pii::add),
    row(PATCH, "/api/training-data/:id/pii/:finding", pii::decide),
];

/// `proofs`: hashes and barcodes, the Merkle log's proofs, the public verify page,
/// the log as tlog-tiles, its witnesses and the publication feed.
pub const PROOFS: &[Route<Handler>] = &[
    row(POST, "/api/qr-to-proof", proofs::qr_to_proof),
    row(GET, "/api/proofs/checkpoint", proofs::checkpoint),
    row(GET, "/api/proofs/consistency", proofs::consistency),
    row(GET, "/api/proofs/:id/inclusion", proofs::inclusion),
    row(GET, "/api/proofs/:id/qr.svg", proofs::qr_svg),
    row(GET, "/api/proofs/:id/upc.svg", proofs::upc_svg),
    row(GET, "/verify/:code", proofs::verify::proof_page),
    row(GET, "/checkpoint", proofs::tiled_log::checkpoint),
    row(GET, "/tile/*", proofs::tiled_log::tile),
    row(GET, "/api/witnesses", proofs::witness::targets),
    row(POST, "/api/witnesses/cosignatures", proofs::witness::record),
    row(GET, "/api/publish/summary", proofs::publish::summary),
    row(POST, "/api/publish/mark", proofs::publish::mark),
];

/// `export`: streamed training exports, the personal-data zip, snapshots, and the
/// numbered releases with their deletions list.
pub const EXPORT: &[Route<StreamingHandler>] = &[
    row(GET, "/api/training-data/export", export::training_export),
    row(GET, "/api/me/export", export::my_data),
    row(GET, "/api/admin/snapshot", export::snapshot::dump),
    row(POST, "/api/admin/snapshots", export::snapshot::record),
    row(POST, "/api/releases", releases::create),
    row(GET, "/api/releases", releases::list),
    row(GET, "/api/releases/:n", releases::show),
    row(POST, "/api/releases/:n/build", releases::build),
    row(GET, "/api/releases/:n/download", releases::download),
    row(GET, "/api/releases/:n/manifest", releases::manifest),
    row(GET, "/releases/deletions", releases::deletions),
];

/// `jobs`: the worker protocol.
pub const JOBS: &[Route<Handler>] = &[
    row(POST, "/api/jobs/claim", jobs::claim),
    row(GET, "/api/jobs/:id/input", jobs::input),
    row(POST, "/api/jobs/:id/heartbeat", jobs::heartbeat),
    row(POST, "/api/jobs/:id/complete", jobs::complete),
    row(POST, "/api/jobs/:id/fail", jobs::fail),
];

/// `quality`: data-quality scans, their reports, and cleanup.
pub const QUALITY: &[Route<Handler>] = &[
    row(POST, "/api/cleanup-voice-data", quality::scan),
    row(GET, "/api/cleanup-voice-data/report", quality::report),
    row(POST, "/api/cleanup-voice-data/execute", quality::execute),
];

/// `activity`: the activity log and its verification.
pub const ACTIVITY: &[Route<Handler>] = &[
    row(GET, "/api/activity", activity::list),
    row(GET, "/api/activity/verify", activity::verify),
];

/// `metrics`: the admin dashboard's numbers.
pub const METRICS: &[Route<Handler>] = &[row(GET, "/api/admin/metrics", metrics::get)];

/// `web`: the pages, their assets and the OpenAPI document (served without the
/// database).
pub const WEB: &[Route<StaticHandler>] = &[
    row(GET_HEAD, "/", web::page),
    row(GET_HEAD, "/submit", web::page),
    row(GET_HEAD, "/screenshot", web::page),
    row(GET_HEAD, "/draw", web::page),
    row(GET_HEAD, "/me", web::page),
    row(GET_HEAD, "/review", web::page),
    row(GET_HEAD, "/adjudicate", web::page),
    row(GET_HEAD, "/join", web::page),
    row(GET_HEAD, "/write", web::page),
    row(GET_HEAD, "/c/:slug", web::page),
    row(GET_HEAD, "/admin/people", web::page),
    row(GET_HEAD, "/admin/logs", web::page),
    row(GET_HEAD, "/static/*", web::asset),
    row(GET_HEAD, "/openapi.json", web::openapi),
    row(GET_HEAD, "/api/docs", web::api_docs),
];

/// `lore`: profiles, their public pages and themes.
pub const LORE: &[Route<Handler>] = &[
    row(POST, "/api/lore", lore::generate),
    row(GET_HEAD, "/api/users/:id/lore", lore::get),
    row(GET_HEAD, "/u/:id", lore::public_profile),
    row(GET_HEAD, "/u/:id/theme.css", lore::theme),
];

#[cfg(test)]
mod tests;
