//! Spin component: `GET /api/training-data/export` (streamed), `GET /api/me/export`,
//! and database snapshots (`/api/admin/snapshot`, `/api/admin/snapshots`).

use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    let handler = if req
        .path_with_query()
        .unwrap_or_default()
        .starts_with("/api/admin/snapshot")
    {
        domain::api::snapshot::handle
    } else {
        domain::api::export::handle
    };
    spin_adapter::serve_streaming(req, out, handler).await
}
