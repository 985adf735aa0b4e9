//! `spin.toml`, the route tables and `docs/openapi.json` agree: every manifest route
//! leads to a handler of its component, every table row is reached by the request it
//! was written for (Spin sends that request to the row's component, and the table
//! picks that row), and the document describes exactly the tables' operations.

use super::*;
use crate::router::best_pattern;
use http::Method;
use std::collections::{BTreeMap, BTreeSet};

/// A table's rows without their handlers.
type Rows = Vec<(&'static [Method], &'static str)>;

fn rows<H>(table: &[Route<H>]) -> Rows {
    table.iter().map(|r| (r.methods, r.pattern)).collect()
}

/// Each component's table, by its `spin.toml` id.
fn tables() -> BTreeMap<&'static str, Rows> {
    BTreeMap::from([
        ("users", rows(USERS)),
        ("unified-input", rows(UNIFIED_INPUT)),
        ("listing", rows(LISTING)),
        ("proofs", rows(PROOFS)),
        ("export", rows(EXPORT)),
        ("jobs", rows(JOBS)),
        ("quality", rows(QUALITY)),
        ("activity", rows(ACTIVITY)),
        ("metrics", rows(METRICS)),
        ("web", rows(WEB)),
        ("lore", rows(LORE)),
        ("review", rows(REVIEW)),
    ])
}

/// `spin.toml`'s HTTP routes as `(route, component)`.
fn manifest_routes() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../spin.toml"))
        .expect("spin.toml");
    let manifest: toml::Value = text.parse().expect("spin.toml is TOML");
    manifest["trigger"]["http"]
        .as_array()
        .expect("[[trigger.http]]")
        .iter()
        .map(|t| {
            let route = t["route"].as_str().expect("a public route").to_string();
            (route, t["component"].as_str().unwrap().to_string())
        })
        .collect()
}

/// Spin's choice among the manifest's routes (`/...` is routefinder's `*`): the route
/// as written, and its component.
fn spin_route(routes: &[(String, String)], path: &str) -> Option<(String, String)> {
    let mut router = routefinder::Router::new();
    for (i, (route, _)) in routes.iter().enumerate() {
        let spec = match route.strip_suffix("/...") {
            Some(prefix) => format!("{prefix}/*"),
            None => route.clone(),
        };
        router
            .add(spec.as_str(), i)
            .expect("a route routefinder parses");
    }
    router
        .best_match(path)
        .map(|m| routes[*m.handler()].clone())
}

/// A request path the pattern matches: `1` for each `:name`, `x` for the `*`.
fn example(pattern: &str) -> String {
    pattern
        .split('/')
        .map(|seg| match seg {
            "*" => "x",
            s if s.starts_with(':') => "1",
            s => s,
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[test]
fn every_component_in_spin_toml_has_a_table_and_no_table_is_left_over() {
    let mut in_manifest: Vec<String> = manifest_routes().into_iter().map(|(_, c)| c).collect();
    in_manifest.sort();
    in_manifest.dedup();
    let with_tables: Vec<String> = tables().keys().map(|k| k.to_string()).collect();
    assert_eq!(in_manifest, with_tables);
}

#[test]
fn every_table_row_is_reached_by_its_own_request() {
    let routes = manifest_routes();
    for (component, rows) in tables() {
        for (methods, pattern) in &rows {
            let path = example(pattern);
            let (_, served_by) = spin_route(&routes, &path)
                .unwrap_or_else(|| panic!("Spin routes no request to {pattern}"));
            assert_eq!(
                served_by, component,
                "spin.toml sends {path} to {served_by}, but the row {pattern} is in {component}'s table"
            );
            let table: Vec<Route<()>> = rows
                .iter()
                .map(|(m, p)| Route {
                    methods: m,
                    pattern: p,
                    handler: (),
                })
                .collect();
            let (matched, _) = best_pattern(&table, &path)
                .unwrap_or_else(|| panic!("{component}'s table cannot parse {pattern}"));
            assert_eq!(&matched, pattern, "{path} in {component}'s table");
            for method in methods.iter() {
                assert!(
                    crate::router::resolve(&table, method, &path).is_ok(),
                    "{method} {path} in {component}"
                );
            }
        }
    }
}

#[test]
fn every_spin_toml_route_reaches_a_handler_of_its_component() {
    let routes = manifest_routes();
    let tables = tables();
    for (route, component) in &routes {
        let rows = tables
            .get(component.as_str())
            .unwrap_or_else(|| panic!("no table for component {component}"));
        let reached = rows.iter().any(|(_, pattern)| {
            spin_route(&routes, &example(pattern)).as_ref()
                == Some(&(route.clone(), component.clone()))
        });
        assert!(
            reached,
            "no row of {component}'s table is served through the route {route}"
        );
    }
}

/// The OpenAPI document's operations as `(METHOD, pattern)`, its `{name}` segments
/// written `:name` and a final `{rest}` written `*`, as the tables write them.
fn documented_operations() -> BTreeSet<(String, String)> {
    let doc: serde_json::Value =
        serde_json::from_str(crate::api::web::OPENAPI).expect("docs/openapi.json is JSON");
    let mut operations = BTreeSet::new();
    for (template, item) in doc["paths"].as_object().expect("paths") {
        let pattern = template
            .split('/')
            .map(|seg| match seg {
                "{rest}" => "*".to_string(),
                s if s.starts_with('{') => format!(":{}", &s[1..s.len() - 1]),
                s => s.to_string(),
            })
            .collect::<Vec<_>>()
            .join("/");
        for method in item.as_object().expect("a path item").keys() {
            if let Ok(m) = method.to_ascii_uppercase().parse::<Method>() {
                operations.insert((m.to_string(), pattern.clone()));
            }
        }
    }
    operations
}

#[test]
fn the_openapi_document_holds_every_table_row_and_nothing_else() {
    // Rows for every method are the fallbacks (a problem+json 404), not operations.
    let served: BTreeSet<(String, String)> = tables()
        .values()
        .flatten()
        .flat_map(|(methods, pattern)| {
            methods
                .iter()
                .map(move |m| (m.to_string(), pattern.to_string()))
        })
        .collect();
    let documented = documented_operations();
    let undocumented: Vec<_> = served.difference(&documented).collect();
    let unserved: Vec<_> = documented.difference(&served).collect();
    assert!(
        undocumented.is_empty() && unserved.is_empty(),
        "served but not in docs/openapi.json: {undocumented:?}\n\
         in docs/openapi.json but in no route table: {unserved:?}"
    );
}
