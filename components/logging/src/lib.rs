//! Spin component: `/api/activity[/verify]` and `/api/admin/metrics` (the dashboard
//! page itself is static, served by the `web` component).

use spin_sdk::http_component;

#[http_component]
fn handle(req: http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
    let handler = if req.uri().path().starts_with("/api/admin/metrics") {
        domain::api::metrics::handle
    } else {
        domain::api::activity::handle
    };
    spin_adapter::serve(req, handler)
}
