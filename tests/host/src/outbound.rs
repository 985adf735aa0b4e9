//! Outbound HTTP restricted to a component's `allowed_outbound_hosts`, as Spin does:
//! a request to any other destination fails with `HttpRequestDenied`.

use std::sync::Arc;
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody, WasiHttpHooks};

/// One `allowed_outbound_hosts` entry: `scheme://host[:port]`, each part possibly `*`
/// (and `*.domain` for subdomains).
#[derive(Debug, Clone)]
pub struct AllowedHost {
    scheme: String,
    host: String,
    port: Option<String>,
}

impl AllowedHost {
    /// Parses an entry; `None` for entries this host does not understand (they allow nothing).
    pub fn parse(entry: &str) -> Option<Self> {
        let (scheme, rest) = entry.split_once("://")?;
        let rest = rest.trim_end_matches('/');
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), Some(p.to_string())),
            None => (rest.to_string(), None),
        };
        Some(Self {
            scheme: scheme.to_string(),
            host,
            port,
        })
    }

    fn allows(&self, scheme: &str, host: &str, port: u16) -> bool {
        let scheme_ok = self.scheme == "*" || self.scheme.eq_ignore_ascii_case(scheme);
        let host_ok = self.host == "*"
            || self.host.eq_ignore_ascii_case(host)
            || self.host.strip_prefix("*.").is_some_and(|d| {
                host.to_ascii_lowercase()
                    .ends_with(&format!(".{}", d.to_ascii_lowercase()))
            });
        let default_port = if scheme == "https" { 443 } else { 80 };
        let port_ok = match &self.port {
            Some(p) if p == "*" => true,
            Some(p) => p.parse::<u16>().ok() == Some(port),
            None => port == default_port,
        };
        scheme_ok && host_ok && port_ok
    }
}

/// The wasi-http hooks of one instance: checks each outgoing request against the list.
pub struct OutboundHooks {
    /// The component's allowed destinations.
    pub allowed: Arc<Vec<AllowedHost>>,
}

impl WasiHttpHooks for OutboundHooks {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        _fut: Box<dyn std::future::Future<Output = Result<(), Error>> + Send>,
    ) -> Box<
        dyn std::future::Future<
                Output = wasmtime_wasi_http::Result<(
                    http::Response<WasiBody>,
                    Box<dyn std::future::Future<Output = Result<(), Error>> + Send>,
                )>,
            > + Send,
    > {
        let uri = request.uri();
        let scheme = uri.scheme_str().unwrap_or("https").to_string();
        let host = uri.host().unwrap_or_default().to_string();
        let port = uri
            .port_u16()
            .unwrap_or(if scheme == "https" { 443 } else { 80 });
        let allowed = self.allowed.iter().any(|a| a.allows(&scheme, &host, port));
        Box::new(async move {
            if !allowed {
                eprintln!("outbound request to {scheme}://{host}:{port} denied: not in allowed_outbound_hosts");
                return Err(Error::HttpRequestDenied);
            }
            use http_body_util::BodyExt;
            let (res, io) = wasmtime_wasi_http::default_send_request(request, options).await?;
            Ok((
                res.map(BodyExt::boxed_unsync),
                Box::new(io) as Box<dyn std::future::Future<Output = _> + Send>,
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching_rules() {
        let a = AllowedHost::parse("http://127.0.0.1:*").unwrap();
        assert!(a.allows("http", "127.0.0.1", 8080));
        assert!(!a.allows("https", "127.0.0.1", 8080));
        let b = AllowedHost::parse("https://*.example.com").unwrap();
        assert!(b.allows("https", "api.example.com", 443));
        assert!(!b.allows("https", "example.org", 443));
        assert!(!b.allows("https", "api.example.com", 8443));
    }
}
