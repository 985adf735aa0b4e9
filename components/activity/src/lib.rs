//! Spin component: the activity log (`GET /api/activity`) and its verification
//! (`/api/activity/verify`).

use spin_sdk::http_component;

#[http_component]
fn handle(req: http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
    spin_adapter::serve(req, domain::routes::ACTIVITY)
}
