//! The app's HTTP API as the worker uses it: bearer auth, JSON, and problem+json
//! errors turned into readable messages.

use anyhow::{bail, Context, Result};
use serde_json::Value;

/// A client for one app.
pub struct Client {
    base: String,
    token: String,
    http: reqwest::blocking::Client,
}

impl Client {
    /// A client for the app at `base` using `token`.
    pub fn new(base: &str, token: &str) -> Self {
        let http = reqwest::blocking::Client::builder()
            .timeout(std::time::Duration::from_secs(600))
            .build()
            .expect("an HTTP client");
        Self {
            base: base.trim_end_matches('/').to_string(),
            token: token.to_string(),
            http,
        }
    }

    /// The request with the bearer token, if there is one (an empty token reads the
    /// public endpoints only).
    fn authorized(
        &self,
        request: reqwest::blocking::RequestBuilder,
    ) -> reqwest::blocking::RequestBuilder {
        match self.token.is_empty() {
            true => request,
            false => request.bearer_auth(&self.token),
        }
    }

    fn check(resp: reqwest::blocking::Response, what: &str) -> Result<reqwest::blocking::Response> {
        if resp.status().is_success() {
            return Ok(resp);
        }
        let status = resp.status();
        let body: Value = resp.json().unwrap_or(Value::Null);
        bail!(
            "{what}: {status}: {}",
            body["detail"].as_str().unwrap_or("no detail")
        )
    }

    /// GET a JSON document.
    pub fn get_json(&self, path: &str) -> Result<Value> {
        Ok(self.get_stream(path)?.json()?)
    }

    /// GET a response to stream its body.
    pub fn get_stream(&self, path: &str) -> Result<reqwest::blocking::Response> {
        let resp = self.http.get(format!("{}{path}", self.base));
        let resp = self
            .authorized(resp)
            .send()
            .with_context(|| format!("GET {path}"))?;
        Self::check(resp, &format!("GET {path}"))
    }

    fn post(
        &self,
        path: &str,
        body: &impl serde::Serialize,
    ) -> Result<reqwest::blocking::Response> {
        self.authorized(self.http.post(format!("{}{path}", self.base)))
            .json(body)
            .send()
            .with_context(|| format!("POST {path}"))
    }

    /// POST JSON, answer JSON.
    pub fn post_json(&self, path: &str, body: &impl serde::Serialize) -> Result<Value> {
        let resp = self.post(path, body)?;
        Ok(Self::check(resp, &format!("POST {path}"))?.json()?)
    }

    /// POST JSON and answer the status with the JSON body (null when empty), so
    /// callers can act on 204/409 themselves; only transport errors are errors.
    pub fn post_status(&self, path: &str, body: &impl serde::Serialize) -> Result<(u16, Value)> {
        let resp = self.post(path, body)?;
        let status = resp.status().as_u16();
        let bytes = resp
            .bytes()
            .with_context(|| format!("POST {path}: reading the answer"))?;
        Ok((
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        ))
    }

    /// POST a JSONL body, answer JSON.
    pub fn post_jsonl(&self, path: &str, body: Vec<u8>) -> Result<Value> {
        let resp = self
            .authorized(self.http.post(format!("{}{path}", self.base)))
            .header(reqwest::header::CONTENT_TYPE, "application/x-ndjson")
            .body(body)
            .send()
            .with_context(|| format!("POST {path}"))?;
        Ok(Self::check(resp, &format!("POST {path}"))?.json()?)
    }

    /// GET raw bytes.
    pub fn get_bytes(&self, path: &str) -> Result<Vec<u8>> {
        Ok(self.get_stream(path)?.bytes()?.to_vec())
    }
}
