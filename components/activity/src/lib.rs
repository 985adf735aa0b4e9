//! Spin component: the activity log and its verification. Its routes are in `spin.toml`
//! (which requests reach it), `domain::routes` (which handler answers) and
//! `docs/openapi.json` (the contract).

use spin_sdk::http_component;

#[http_component]
fn handle(req: http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
    spin_adapter::serve(req, domain::routes::ACTIVITY)
}
