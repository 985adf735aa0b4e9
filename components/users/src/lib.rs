//! Spin component: accounts (`POST /api/users`, `GET|DELETE /api/me`) and the
//! problem+json 404 for any other `/api/...` path.

use spin_sdk::http_component;

#[http_component]
fn handle(req: http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
    spin_adapter::serve(req, domain::routes::USERS)
}
