//! Outbound HTTP for the domain (`domain::context::Outbound`) over WASI HTTP, with
//! the connect and first-byte deadlines spin-sdk's `send` cannot set. Only hosts in
//! the component's `allowed_outbound_hosts` are reachable; others fail at once.

use std::time::Instant;
use wasi::http::outgoing_handler;
use wasi::http::types::{Fields, Method, OutgoingBody, OutgoingRequest, RequestOptions, Scheme};
use wasi::io::streams::StreamError;

/// The outbound client every request's `Context` carries.
pub struct Outbound;

impl domain::context::Outbound for Outbound {
    fn post_json(&self, url: &str, body: &[u8], timeout_ms: u64) -> Result<Vec<u8>, String> {
        let started = Instant::now();
        let uri: http::Uri = url.parse().map_err(|e| format!("bad URL {url}: {e}"))?;
        let headers =
            Fields::from_list(&[("content-type".to_string(), b"application/json".to_vec())])
                .map_err(|e| format!("headers: {e:?}"))?;
        let request = OutgoingRequest::new(headers);
        let scheme = match uri.scheme_str() {
            Some("https") => Scheme::Https,
            _ => Scheme::Http,
        };
        let _ = request.set_method(&Method::Post);
        let _ = request.set_scheme(Some(&scheme));
        let _ = request.set_authority(uri.authority().map(|a| a.as_str()));
        let _ = request.set_path_with_query(uri.path_and_query().map(|p| p.as_str()));
        let outgoing = request
            .body()
            .map_err(|_| "request body unavailable".to_string())?;
        let ns = timeout_ms.saturating_mul(1_000_000);
        let options = RequestOptions::new();
        let _ = options.set_connect_timeout(Some(ns));
        let _ = options.set_first_byte_timeout(Some(ns));
        let _ = options.set_between_bytes_timeout(Some(ns));
        // Send first, then stream the body (as spin-sdk does): the host consumes the
        // body while writing it, so a body larger than its pipe cannot stall.
        let future =
            outgoing_handler::handle(request, Some(options)).map_err(|e| format!("{e:?}"))?;
        {
            let stream = outgoing
                .write()
                .map_err(|_| "request stream unavailable".to_string())?;
            for chunk in body.chunks(4096) {
                stream
                    .blocking_write_and_flush(chunk)
                    .map_err(|e| format!("sending: {e:?}"))?;
            }
        }
        OutgoingBody::finish(outgoing, None).map_err(|e| format!("sending: {e:?}"))?;
        future.subscribe().block();
        let response = match future.get() {
            Some(Ok(Ok(r))) => r,
            Some(Ok(Err(e))) => return Err(format!("{e:?}")),
            _ => return Err("no response".into()),
        };
        let status = response.status();
        let incoming = response
            .consume()
            .map_err(|_| "response body unavailable".to_string())?;
        let stream = incoming
            .stream()
            .map_err(|_| "response stream unavailable".to_string())?;
        let mut out = Vec::new();
        loop {
            if started.elapsed().as_millis() as u64 > timeout_ms {
                return Err(format!("no complete answer within {timeout_ms} ms"));
            }
            match stream.blocking_read(64 * 1024) {
                Ok(bytes) => out.extend_from_slice(&bytes),
                Err(StreamError::Closed) => break,
                Err(e) => return Err(format!("reading: {e:?}")),
            }
            if out.len() > 1 << 20 {
                return Err("the answer is larger than 1 MiB".into());
            }
        }
        if !(200..300).contains(&status) {
            return Err(format!(
                "HTTP {status}: {}",
                String::from_utf8_lossy(&out)
                    .chars()
                    .take(200)
                    .collect::<String>()
            ));
        }
        Ok(out)
    }
}
