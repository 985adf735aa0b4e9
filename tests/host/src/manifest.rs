//! Reads a Spin manifest (version 2) into the pieces this host serves: variables,
//! HTTP triggers and components.

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The parts of `spin.toml` that the host understands.
#[derive(Debug, Deserialize)]
pub struct Manifest {
    /// Must be 2: the host rejects older manifests like Spin 3.x/4.x do.
    pub spin_manifest_version: u32,
    /// Application-level variables, keyed by name.
    #[serde(default)]
    pub variables: BTreeMap<String, VariableDecl>,
    /// Triggers; only `http` is served.
    #[serde(default)]
    pub trigger: Triggers,
    /// Components keyed by id.
    #[serde(default)]
    pub component: BTreeMap<String, ComponentDecl>,
}

/// `[variables] name = { default, required, secret }` (`secret` only hides values
/// from Spin's own output; this host never prints values, so it is not read).
#[derive(Debug, Deserialize, Default, Clone)]
pub struct VariableDecl {
    /// Value used when no provider supplies one.
    pub default: Option<String>,
    /// Start-up fails when no provider supplies a value.
    #[serde(default)]
    pub required: bool,
}

/// All trigger tables; only HTTP triggers are served.
#[derive(Debug, Deserialize, Default)]
pub struct Triggers {
    /// `[[trigger.http]]` entries.
    #[serde(default)]
    pub http: Vec<HttpTrigger>,
}

/// One `[[trigger.http]]` entry.
#[derive(Debug, Deserialize)]
pub struct HttpTrigger {
    /// A route pattern, or `{ private = true }`.
    pub route: RouteConfig,
    /// The component id that handles the route.
    pub component: String,
}

/// A route is a pattern string or a private marker (not routable).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RouteConfig {
    /// A route pattern such as `/api/items/:id` or `/static/...`.
    Route(String),
    /// `{ private = true }`: reachable only by service chaining.
    Private {
        /// Must be true.
        private: bool,
    },
}

/// `[component.X]`.
#[derive(Debug, Deserialize)]
pub struct ComponentDecl {
    /// Path of the `.wasm`, relative to the manifest.
    pub source: String,
    /// Databases the component may open.
    #[serde(default)]
    pub sqlite_databases: Vec<String>,
    /// Outbound HTTP destinations the component may reach.
    #[serde(default)]
    pub allowed_outbound_hosts: Vec<String>,
    /// Static files mounted into the guest file system.
    #[serde(default)]
    pub files: Vec<FileMount>,
    /// Component variables: name -> template over application variables.
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    /// Environment variables for the guest.
    #[serde(default)]
    pub environment: BTreeMap<String, String>,
}

/// A `files` entry: a glob/path string, or an explicit source/destination mapping.
#[derive(Debug, Deserialize, Clone)]
#[serde(untagged)]
pub enum FileMount {
    /// A path or glob relative to the app root, mounted at the same path.
    Pattern(String),
    /// A directory mounted at a guest path.
    Mapping {
        /// Host directory, relative to the app root.
        source: String,
        /// Absolute guest path.
        destination: String,
    },
}

impl FileMount {
    /// The host directory to preopen and the guest path to mount it at.
    ///
    /// A glob pattern is mounted by its leading literal directory (the host does not
    /// filter individual files within it; see the README).
    pub fn preopen(&self, root: &Path) -> (PathBuf, String) {
        match self {
            FileMount::Mapping {
                source,
                destination,
            } => (root.join(source), destination.clone()),
            FileMount::Pattern(pattern) => {
                let literal: Vec<&str> = pattern
                    .split('/')
                    .take_while(|seg| !seg.contains(['*', '?', '[', '{']))
                    .collect();
                let dir = literal.join("/");
                let host = root.join(&dir);
                let dir = if host.is_file() {
                    Path::new(&dir)
                        .parent()
                        .map(|p| p.to_string_lossy().into_owned())
                        .unwrap_or_default()
                } else {
                    dir
                };
                (root.join(&dir), format!("/{dir}"))
            }
        }
    }
}

impl Manifest {
    /// Parses and validates a manifest file.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read manifest {}", path.display()))?;
        let manifest: Manifest = toml::from_str(&text)
            .with_context(|| format!("invalid manifest {}", path.display()))?;
        manifest.validate()?;
        Ok(manifest)
    }

    fn validate(&self) -> Result<()> {
        if self.spin_manifest_version != 2 {
            bail!(
                "spin_manifest_version {} is not supported (expected 2)",
                self.spin_manifest_version
            );
        }
        for (name, decl) in &self.variables {
            crate::variables::check_name(name)?;
            if decl.required && decl.default.is_some() {
                bail!("variable {name:?} is required and also has a default");
            }
        }
        for trigger in &self.trigger.http {
            if let RouteConfig::Private { private: false } = trigger.route {
                bail!("route must be a string pattern or '{{ private = true }}': component {:?} has {{ private = false }}", trigger.component);
            }
            if !self.component.contains_key(&trigger.component) {
                bail!(
                    "trigger references unknown component {:?}",
                    trigger.component
                );
            }
        }
        for (id, component) in &self.component {
            for (name, template) in &component.variables {
                crate::variables::check_name(name)?;
                for reference in crate::variables::template_references(template)? {
                    if !self.variables.contains_key(&reference) {
                        bail!("component {id:?} variable {name:?} refers to undeclared application variable {reference:?}");
                    }
                }
            }
        }
        Ok(())
    }
}
