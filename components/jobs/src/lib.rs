//! Spin component: the worker job protocol (`/api/jobs/...`) and data-quality scans,
//! reports and cleanup (`/api/cleanup-voice-data`).

use spin_sdk::http_component;

#[http_component]
fn handle(req: http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
    let handler = if req.uri().path().starts_with("/api/jobs/") {
        domain::api::jobs::handle
    } else {
        domain::api::cleanup::handle
    };
    spin_adapter::serve(req, handler)
}
