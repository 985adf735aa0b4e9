//! Spin component: streamed training exports, the personal-data export and database
//! snapshots. Its routes are in `spin.toml` (which requests reach it), `domain::routes`
//! (which handler answers) and `docs/openapi.json` (the contract).

use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    spin_adapter::serve_streaming(req, out, domain::routes::EXPORT).await
}
