//! Spin component: contributions of every modality (`POST /api/unified-input`) and
//! drawing checks (`/api/draw/verify[/{id}]`).

use spin_sdk::http_component;

#[http_component]
fn handle(req: http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
    spin_adapter::serve(req, domain::routes::UNIFIED_INPUT)
}
