//! Spin component: the admin dashboard's numbers (`GET /api/admin/metrics`); the page
//! itself is static, served by `web`.

use spin_sdk::http_component;

#[http_component]
fn handle(req: http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
    spin_adapter::serve(req, domain::routes::METRICS)
}
