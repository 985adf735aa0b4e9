//! Spin component: `GET /api/training-data` and `GET|PATCH|DELETE
//! /api/training-data/{id}`.

use spin_sdk::http_component;

#[http_component]
fn handle(req: http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
    spin_adapter::serve(req, domain::routes::LISTING)
}
