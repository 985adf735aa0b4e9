//! Spin component: the review queue (`GET /api/review/next`) and reviewers'
//! decisions (`POST /api/training-data/{id}/review`).

use spin_sdk::http_component;

#[http_component]
fn handle(req: http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
    spin_adapter::serve(req, domain::routes::REVIEW)
}
