//! Spin component: accounts (`POST /api/users`, `GET|DELETE /api/me`) and the
//! problem+json 404 for any other `/api/...` path.

use spin_sdk::http_component;

#[http_component]
fn handle(req: http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
    let path = req.uri().path().trim_end_matches('/');
    let handler = if path == "/api/users" || path == "/api/me" {
        domain::api::users::handle
    } else {
        domain::api::unknown_route
    };
    spin_adapter::serve(req, handler)
}
