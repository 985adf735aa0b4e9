//! Spin component: proofs (`/api/qr-to-proof`, `/api/proofs/...`), the public verify
//! page (`/verify/{code}`) and the publication feed (`/api/publish/...`).

use spin_sdk::http_component;

#[http_component]
fn handle(req: http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
    spin_adapter::serve(req, domain::routes::PROOFS)
}
