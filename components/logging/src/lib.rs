//! Spin component: `/api/activity[/verify]`, `/api/admin/metrics` and the `/admin/logs`
//! dashboard page.

use spin_sdk::http_component;

#[http_component]
fn handle(req: http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
    let path = req.uri().path();
    let handler = if path.starts_with("/admin/") {
        domain::api::dashboard::handle
    } else if path.starts_with("/api/admin/metrics") {
        domain::api::metrics::handle
    } else {
        domain::api::activity::handle
    };
    spin_adapter::serve(req, handler)
}
