//! Spin component: lore profiles, their public pages and themes; stories come from
//! Ollama when `ollama_url` is set, else from the built-in generator. Its routes are in
//! `spin.toml` (which requests reach it), `domain::routes` (which handler answers) and
//! `docs/openapi.json` (the contract).

use spin_sdk::http_component;

#[http_component]
fn handle(req: http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
    spin_adapter::serve(req, domain::routes::LORE)
}
