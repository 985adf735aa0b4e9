//! Spin component: `GET /api/training-data/export` (streamed), `GET /api/me/export`,
//! and database snapshots (`/api/admin/snapshot`, `/api/admin/snapshots`).

use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    spin_adapter::serve_streaming(req, out, domain::routes::EXPORT).await
}
