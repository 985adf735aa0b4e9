//! Spin component: `POST /api/lore`, `GET /api/users/{id}/lore`, `GET /u/{id}` and
//! `/u/{id}/theme.css`. Stories come from Ollama when `ollama_url` is set (through
//! the adapter's outbound client), else from the built-in generator.

use spin_sdk::http_component;

#[http_component]
fn handle(req: http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
    spin_adapter::serve(req, |ctx, req| {
        domain::api::lore::handle(ctx, req, &spin_adapter::Outbound)
    })
}
