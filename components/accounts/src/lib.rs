//! Spin component: POST /api/users: creates contributors (admin).

use spin_sdk::http_component;

#[http_component]
fn handle(req: http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
    spin_adapter::serve(req, domain::api::users::handle)
}
