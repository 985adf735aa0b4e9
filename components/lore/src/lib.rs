//! Spin component: `POST /api/lore`, `GET /api/users/{id}/lore`, `GET /u/{id}` and
//! `/u/{id}/theme.css`; stories come from Ollama when `ollama_url` is set, else from
//! the built-in generator.

use spin_sdk::http_component;

#[http_component]
fn handle(req: http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
    spin_adapter::serve(req, domain::routes::LORE)
}
