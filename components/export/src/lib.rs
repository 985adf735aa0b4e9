//! Spin component: `GET /api/training-data/export` (streamed) and `GET /api/me/export`.

use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    spin_adapter::serve_streaming(req, out, domain::api::export::handle).await
}
