//! Spin component: the pages (`/`, `/submit`, `/screenshot`, `/draw`, `/admin/logs`)
//! and `/static/...`; static, so it never opens the database.

use spin_sdk::http_component;

#[http_component]
fn handle(req: http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
    spin_adapter::serve_static(req, domain::routes::WEB)
}
