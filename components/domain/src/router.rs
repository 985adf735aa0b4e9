//! Matching a request to a row of a route table: `(methods, pattern, handler)` rows,
//! patterns in `routefinder` syntax (the crate Spin's own router uses: `:name` for a
//! segment, `*` for the rest), the most specific pattern winning. A path no row
//! matches is a problem+json 404; a method the matching pattern does not serve is a
//! 405 with `Allow`. The tables themselves are in `crate::routes`.

use crate::error::ApiError;
use http::Method;

/// One row of a route table.
pub struct Route<H> {
    /// The methods this row serves; empty: every method.
    pub methods: &'static [Method],
    /// The path pattern, e.g. `/api/proofs/:id/inclusion` or `/static/*`.
    pub pattern: &'static str,
    /// The code that answers.
    pub handler: H,
}

/// Serves every method (for catch-all rows).
pub const ANY: &[Method] = &[];
/// `GET` only.
pub const GET: &[Method] = &[Method::GET];
/// `GET` and `HEAD` (pages, which a browser may probe).
pub const GET_HEAD: &[Method] = &[Method::GET, Method::HEAD];
/// `POST` only.
pub const POST: &[Method] = &[Method::POST];
/// `PATCH` only.
pub const PATCH: &[Method] = &[Method::PATCH];
/// `DELETE` only.
pub const DELETE: &[Method] = &[Method::DELETE];

/// The named segments of the matched pattern and what its `*` matched, as the
/// handler reads them.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Params {
    named: Vec<(String, String)>,
    rest: String,
}

impl Params {
    /// Builds parameters from `(name, value)` pairs and the wildcard's match (the
    /// router does this; tests may too).
    pub fn new(pairs: impl IntoIterator<Item = (String, String)>, rest: &str) -> Self {
        Self {
            named: pairs.into_iter().collect(),
            rest: rest.to_string(),
        }
    }

    /// What the pattern's trailing `*` matched (empty without one).
    pub fn rest(&self) -> &str {
        &self.rest
    }

    /// The raw value of segment `name` (empty if the pattern has none: a table bug
    /// that the route-table test catches).
    pub fn get(&self, name: &str) -> &str {
        self.named
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Segment `name` as an integer id; anything else names no resource: 404 with
    /// `no <what> "<value>"`.
    pub fn id(&self, name: &str, what: &str) -> Result<i64, ApiError> {
        let raw = self.get(name);
        raw.parse()
            .map_err(|_| ApiError::not_found(format!("no {what} {raw:?}")))
    }
}

/// The most specific pattern of `table` that matches `path`, with its parameters.
/// A trailing slash is ignored, as the handlers always have.
pub(crate) fn best_pattern<H>(table: &[Route<H>], path: &str) -> Option<(&'static str, Params)> {
    let trimmed = path.trim_end_matches('/');
    let path = if trimmed.is_empty() { "/" } else { trimmed };
    let mut patterns = routefinder::Router::new();
    for (i, row) in table.iter().enumerate() {
        if !table[..i].iter().any(|r| r.pattern == row.pattern) {
            // A pattern routefinder cannot parse never matches; the route-table test
            // fails on it.
            let _ = patterns.add(row.pattern, row.pattern);
        }
    }
    let found = patterns.best_match(path)?;
    let captures = found.captures();
    let params = Params::new(
        captures.iter().map(|(k, v)| (k.to_string(), v.to_string())),
        captures.wildcard().unwrap_or(""),
    );
    Some((*found.handler(), params))
}

/// Finds the row that answers `method path` in `table`, with its parameters: 404
/// when no pattern matches, 405 (with `Allow`) when the pattern's rows serve other
/// methods.
pub fn resolve<H: Copy>(
    table: &[Route<H>],
    method: &Method,
    path: &str,
) -> Result<(H, Params), ApiError> {
    let (pattern, params) = best_pattern(table, path)
        .ok_or_else(|| ApiError::not_found(format!("no API endpoint at {path}")))?;
    let rows = table.iter().filter(|r| r.pattern == pattern);
    if let Some(row) = rows
        .clone()
        .find(|r| r.methods.is_empty() || r.methods.contains(method))
    {
        return Ok((row.handler, params));
    }
    let mut allowed: Vec<&str> = Vec::new();
    for m in rows.flat_map(|r| r.methods.iter()) {
        if !allowed.contains(&m.as_str()) {
            allowed.push(m.as_str());
        }
    }
    Err(ApiError::method_not_allowed(&allowed.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &[Route<u8>] = &[
        Route {
            methods: GET,
            pattern: "/items",
            handler: 1,
        },
        Route {
            methods: POST,
            pattern: "/items",
            handler: 2,
        },
        Route {
            methods: GET,
            pattern: "/items/:id",
            handler: 3,
        },
        Route {
            methods: GET,
            pattern: "/items/special",
            handler: 4,
        },
        Route {
            methods: ANY,
            pattern: "/*",
            handler: 5,
        },
    ];

    fn status(r: Result<(u8, Params), ApiError>) -> u16 {
        r.err().map_or(200, |e| e.status)
    }

    #[test]
    fn the_most_specific_pattern_and_the_method_pick_the_row() {
        assert_eq!(resolve(TABLE, &Method::GET, "/items").unwrap().0, 1);
        assert_eq!(resolve(TABLE, &Method::POST, "/items/").unwrap().0, 2);
        assert_eq!(resolve(TABLE, &Method::GET, "/items/special").unwrap().0, 4);
        let (h, params) = resolve(TABLE, &Method::GET, "/items/42").unwrap();
        assert_eq!((h, params.get("id")), (3, "42"));
        assert_eq!(params.id("id", "item").unwrap(), 42);
        let (h, params) = resolve(TABLE, &Method::DELETE, "/else/where").unwrap();
        assert_eq!((h, params.rest()), (5, "else/where"));
    }

    #[test]
    fn another_method_is_405_with_allow_and_a_bad_id_is_404() {
        let err = resolve(TABLE, &Method::DELETE, "/items").unwrap_err();
        assert_eq!(err.status, 405);
        let resp = err.into_response();
        assert_eq!(resp.headers()["allow"], "GET, POST");
        let (_, params) = resolve(TABLE, &Method::GET, "/items/x").unwrap();
        assert_eq!(params.id("id", "item").unwrap_err().status, 404);
        assert_eq!(status(resolve(&TABLE[..4], &Method::GET, "/nothing")), 404);
    }
}
