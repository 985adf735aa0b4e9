//! Spin's HTTP routing: exact routes, `:name` segments and `/...` trailing wildcards,
//! the most specific route winning (the same `routefinder` rules Spin uses), and the
//! `spin-*` request headers Spin computes from the match.

use anyhow::{anyhow, Result};
use std::net::SocketAddr;

/// What a route leads to.
#[derive(Debug, Clone)]
struct Handler {
    component: String,
    raw_route: String,
}

/// The app's routing table.
pub struct Router {
    inner: routefinder::Router<Handler>,
}

/// A request matched to a component, with everything needed for Spin's headers.
#[derive(Debug)]
pub struct RouteMatch {
    /// The component that serves the request.
    pub component: String,
    /// The route as written in the manifest.
    pub raw_route: String,
    /// The trailing wildcard part of the path (`spin-path-info`).
    pub path_info: String,
    /// Named segments (`:name`) and their values.
    pub captures: Vec<(String, String)>,
}

impl Router {
    /// Builds the router from `(route, component)` pairs; a later duplicate route
    /// replaces an earlier one, as in Spin.
    pub fn build<'a>(routes: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self> {
        let mut unique: Vec<(String, String)> = Vec::new();
        for (route, component) in routes {
            let route = normalize(route);
            unique.retain(|(r, _)| *r != route);
            unique.push((route, component.to_string()));
        }
        let mut inner = routefinder::Router::new();
        for (route, component) in unique {
            let spec = match route.strip_suffix("/...") {
                Some(prefix) => format!("{prefix}/*"),
                None => route.clone(),
            };
            inner
                .add(
                    spec.as_str(),
                    Handler {
                        component: component.clone(),
                        raw_route: route.clone(),
                    },
                )
                .map_err(|e| anyhow!("invalid route {route:?} for component {component:?}: {e}"))?;
        }
        Ok(Self { inner })
    }

    /// The best match for a request path, or `None` (Spin answers 404).
    pub fn route(&self, path: &str) -> Option<RouteMatch> {
        let m = self.inner.best_match(path)?;
        let handler = m.handler();
        let captures = m.captures();
        let path_info = captures
            .wildcard()
            .map(|s| match (s.is_empty(), path.ends_with('/')) {
                (true, false) => s.to_owned(),
                (true, true) => "/".to_owned(),
                (false, false) => format!("/{s}"),
                (false, true) => format!("/{s}/"),
            })
            .unwrap_or_default();
        Some(RouteMatch {
            component: handler.component.clone(),
            raw_route: handler.raw_route.clone(),
            path_info,
            captures: captures
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        })
    }
}

/// Spin absolutizes a route and strips one trailing slash (base `/`).
fn normalize(route: &str) -> String {
    let route = if route.starts_with('/') {
        route.to_string()
    } else {
        format!("/{route}")
    };
    match route.strip_suffix('/') {
        Some(stripped) => stripped.to_string(),
        None => route,
    }
}

impl RouteMatch {
    /// The headers Spin adds to every request it hands to a component.
    pub fn spin_headers(
        &self,
        scheme: &str,
        host: &str,
        path_and_query: &str,
        client: SocketAddr,
    ) -> Vec<(String, String)> {
        let component_route = self
            .raw_route
            .strip_suffix("/...")
            .unwrap_or(&self.raw_route)
            .to_string();
        let mut headers = vec![
            ("spin-path-info".into(), self.path_info.clone()),
            (
                "spin-full-url".into(),
                format!("{scheme}://{host}{path_and_query}"),
            ),
            ("spin-matched-route".into(), self.raw_route.clone()),
            ("spin-base-path".into(), "/".into()),
            ("spin-raw-component-route".into(), self.raw_route.clone()),
            ("spin-component-route".into(), component_route),
            ("spin-client-addr".into(), client.to_string()),
        ];
        for (name, value) in &self.captures {
            headers.push((
                format!(
                    "spin-path-match-{}",
                    name.to_ascii_lowercase().replace('_', "-")
                ),
                value.clone(),
            ));
        }
        headers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn router() -> Router {
        Router::build([
            ("/", "root"),
            ("/...", "all"),
            ("/one", "one_exact"),
            ("/one/...", "one_wild"),
            ("/one/two/...", "two_wild"),
            ("/items/:id", "item"),
            ("/items/:id/...", "item_wild"),
        ])
        .unwrap()
    }

    #[test]
    fn exact_beats_wildcard_and_longest_prefix_wins() {
        let r = router();
        assert_eq!(r.route("/one").unwrap().component, "one_exact");
        assert_eq!(r.route("/one/x").unwrap().component, "one_wild");
        assert_eq!(r.route("/one/two/three").unwrap().component, "two_wild");
        assert_eq!(r.route("/").unwrap().component, "root");
        assert_eq!(r.route("/zzz").unwrap().component, "all");
    }

    #[test]
    fn named_segments_and_path_info() {
        let r = router();
        let m = r.route("/items/42").unwrap();
        assert_eq!(m.component, "item");
        assert_eq!(m.captures, vec![("id".to_string(), "42".to_string())]);
        let m = r.route("/items/42/a/b").unwrap();
        assert_eq!(m.component, "item_wild");
        assert_eq!(m.path_info, "/a/b");
        let headers = m.spin_headers(
            "http",
            "h:1",
            "/items/42/a/b?x=1",
            "127.0.0.1:9".parse().unwrap(),
        );
        let get = |k: &str| headers.iter().find(|(n, _)| n == k).unwrap().1.clone();
        assert_eq!(get("spin-full-url"), "http://h:1/items/42/a/b?x=1");
        assert_eq!(get("spin-component-route"), "/items/:id");
        assert_eq!(get("spin-path-match-id"), "42");
    }

    #[test]
    fn unmatched_is_none() {
        let r = Router::build([("/a", "a")]).unwrap();
        assert!(r.route("/b").is_none());
    }
}
