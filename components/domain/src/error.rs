//! API errors, answered as RFC 9457 `application/problem+json`.

use serde_json::json;

/// A failure the client sees: an HTTP status plus a human-readable explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status code.
    pub status: u16,
    /// Short, stable summary of the problem type.
    pub title: &'static str,
    /// What exactly went wrong with this request.
    pub detail: String,
    /// Extra headers (e.g. `WWW-Authenticate`, `Allow`).
    pub headers: Vec<(&'static str, String)>,
}

impl ApiError {
    fn new(status: u16, title: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            title,
            detail: detail.into(),
            headers: Vec::new(),
        }
    }
    /// 400: the request could not be parsed.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(400, "Bad Request", detail)
    }
    /// 401: no or unknown credentials.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        let mut e = Self::new(401, "Unauthorized", detail);
        e.headers.push(("www-authenticate", "Bearer".into()));
        e
    }
    /// 403: authenticated but not allowed.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(403, "Forbidden", detail)
    }
    /// 404: absent, or not visible to this caller.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(404, "Not Found", detail)
    }
    /// 405: the route exists but not with this method.
    pub fn method_not_allowed(allowed: &str) -> Self {
        let mut e = Self::new(
            405,
            "Method Not Allowed",
            format!("allowed methods: {allowed}"),
        );
        e.headers.push(("allow", allowed.to_string()));
        e
    }
    /// 409: conflicts with the current state.
    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(409, "Conflict", detail)
    }
    /// 410: existed, and is gone for good (a used-up, expired or revoked invitation).
    pub fn gone(detail: impl Into<String>) -> Self {
        Self::new(410, "Gone", detail)
    }
    /// 429 with `Retry-After`: the client reached a limit; it may go on after
    /// `retry_after` seconds.
    pub fn too_many(detail: impl Into<String>, retry_after: u64) -> Self {
        let mut e = Self::new(429, "Too Many Requests", detail);
        e.headers.push(("retry-after", retry_after.to_string()));
        e
    }
    /// 413: body or field larger than the configured limit.
    pub fn too_large(detail: impl Into<String>) -> Self {
        Self::new(413, "Payload Too Large", detail)
    }
    /// 415: media type not accepted.
    pub fn unsupported_media(detail: impl Into<String>) -> Self {
        Self::new(415, "Unsupported Media Type", detail)
    }
    /// 422: well-formed request with an invalid field.
    pub fn invalid(detail: impl Into<String>) -> Self {
        Self::new(422, "Unprocessable Content", detail)
    }
    /// 500: a failure on our side; the detail is safe to show.
    pub fn internal(detail: impl Into<String>) -> Self {
        Self::new(500, "Internal Server Error", detail)
    }
    /// 503: the service is not configured for this request.
    pub fn unavailable(detail: impl Into<String>) -> Self {
        Self::new(503, "Service Unavailable", detail)
    }
    /// 503 with `Retry-After`: the database stayed busy for the whole retry budget;
    /// nothing of the request was written.
    pub fn busy() -> Self {
        let mut e = Self::unavailable(
            "the database is busy with other requests; nothing was written, try again shortly",
        );
        e.headers.push(("retry-after", "1".into()));
        e
    }

    /// The problem+json document.
    pub fn body(&self) -> Vec<u8> {
        let slug = self.title.to_ascii_lowercase().replace(' ', "-");
        serde_json::to_vec(&json!({
            "type": format!("/problems/{slug}"),
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }))
        .unwrap_or_default()
    }

    /// The full HTTP response.
    pub fn into_response(self) -> http::Response<Vec<u8>> {
        let mut builder = http::Response::builder()
            .status(self.status)
            .header("content-type", "application/problem+json");
        for (name, value) in &self.headers {
            builder = builder.header(*name, value.as_str());
        }
        builder.body(self.body()).unwrap_or_default()
    }
}

impl From<crate::db::DbError> for ApiError {
    fn from(e: crate::db::DbError) -> Self {
        if e.is_busy() {
            eprintln!("database busy past the retry budget: {}", e.0);
            return ApiError::busy();
        }
        eprintln!("database error: {}", e.0);
        ApiError::internal("the database could not complete the request")
    }
}

impl crate::db::MaybeBusy for ApiError {
    fn is_busy(&self) -> bool {
        self.status == 503 && self.headers.iter().any(|(name, _)| *name == "retry-after")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_json_shape() {
        let r = ApiError::invalid("modality must be one of voice, screenshot, drawing, text")
            .into_response();
        assert_eq!(r.status(), 422);
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let v: serde_json::Value = serde_json::from_slice(r.body()).unwrap();
        assert_eq!(v["status"], 422);
        assert_eq!(v["type"], "/problems/unprocessable-content");
        assert!(v["detail"].as_str().unwrap().contains("modality"));
    }

    #[test]
    fn unauthorized_asks_for_bearer() {
        let r = ApiError::unauthorized("no token").into_response();
        assert_eq!(r.headers()["www-authenticate"], "Bearer");
    }
}
