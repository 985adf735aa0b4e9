//! Spin component: proofs (`/api/qr-to-proof`, `/api/proofs/...`) and the public
//! verify page (`/verify/{code}`).

use spin_sdk::http_component;

#[http_component]
fn handle(req: http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
    let path = req.uri().path();
    let handler = if path.starts_with("/verify/") {
        domain::api::verify::handle
    } else if path.starts_with("/api/publish/") {
        domain::api::publish::handle
    } else {
        domain::api::proofs::handle
    };
    spin_adapter::serve(req, handler)
}
