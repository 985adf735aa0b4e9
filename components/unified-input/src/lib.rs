//! Spin component: `POST /api/unified-input` (contributions of every modality) and
//! `/api/draw/verify[/{id}]` (does a drawing show the expected shape or words).

use spin_sdk::http_component;

#[http_component]
fn handle(req: http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
    let handler = if req.uri().path().starts_with("/api/draw/") {
        domain::api::draw::handle
    } else {
        domain::api::unified_input::handle
    };
    spin_adapter::serve(req, handler)
}
