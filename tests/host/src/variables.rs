//! Spin variables: application variables resolved from `SPIN_VARIABLE_<NAME>` or their
//! defaults, component variables rendered from `{{ name }}` templates, and the
//! `fermyon:spin/variables@2.0.0` host interface.

use crate::bindings::fermyon::spin::variables;
use crate::manifest::Manifest;
use anyhow::{bail, Result};
use std::collections::{BTreeMap, HashMap};

/// Checks a variable name the way Spin does: lowercase ASCII letters, digits and
/// single underscores, starting with a letter.
pub fn check_name(name: &str) -> Result<()> {
    let ok = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.ends_with('_')
        && !name.contains("__");
    if !ok {
        bail!("invalid variable name {name:?}: use lowercase letters, digits and single underscores, starting with a letter");
    }
    Ok(())
}

/// One piece of a template: literal text or a `{{ variable }}` reference.
enum Part {
    Literal(String),
    Reference(String),
}

fn parse_template(template: &str) -> Result<Vec<Part>> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        if start > 0 {
            parts.push(Part::Literal(rest[..start].to_string()));
        }
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            bail!("unterminated '{{{{' in template {template:?}");
        };
        let name = after[..end].trim();
        check_name(name)?;
        parts.push(Part::Reference(name.to_string()));
        rest = &after[end + 2..];
    }
    if !rest.is_empty() {
        parts.push(Part::Literal(rest.to_string()));
    }
    Ok(parts)
}

/// The application variables a template refers to.
pub fn template_references(template: &str) -> Result<Vec<String>> {
    Ok(parse_template(template)?
        .into_iter()
        .filter_map(|p| match p {
            Part::Reference(name) => Some(name),
            Part::Literal(_) => None,
        })
        .collect())
}

/// Resolved variables for the whole app: per component, name -> value (or the reason
/// it has none).
#[derive(Clone, Debug, Default)]
pub struct Resolved {
    by_component: HashMap<String, BTreeMap<String, Result<String, String>>>,
}

impl Resolved {
    /// Resolves every variable once at start-up; a required variable with no value is an
    /// error, exactly as `spin up` refuses to start.
    pub fn resolve(manifest: &Manifest, env: &HashMap<String, String>) -> Result<Self> {
        let mut app: BTreeMap<&str, Option<String>> = BTreeMap::new();
        let mut missing = Vec::new();
        for (name, decl) in &manifest.variables {
            let from_env = env.get(&format!("SPIN_VARIABLE_{}", name.to_ascii_uppercase()));
            let value = from_env.cloned().or_else(|| decl.default.clone());
            if value.is_none() && decl.required {
                missing.push(name.as_str());
            }
            app.insert(name, value);
        }
        if !missing.is_empty() {
            bail!(
                "required variable(s) not set: {} (set SPIN_VARIABLE_<NAME> in the environment)",
                missing.join(", ")
            );
        }
        let mut by_component = HashMap::new();
        for (id, component) in &manifest.component {
            let mut vars = BTreeMap::new();
            for (name, template) in &component.variables {
                let mut value = String::new();
                let mut failure = None;
                for part in parse_template(template)? {
                    match part {
                        Part::Literal(text) => value.push_str(&text),
                        Part::Reference(reference) => match app.get(reference.as_str()) {
                            Some(Some(v)) => value.push_str(v),
                            _ => {
                                failure =
                                    Some(format!("no provider resolved variable {reference:?}"))
                            }
                        },
                    }
                }
                vars.insert(name.clone(), failure.map_or(Ok(value), Err));
            }
            by_component.insert(id.clone(), vars);
        }
        Ok(Self { by_component })
    }

    /// The component's view, handed to each of its instances.
    pub fn for_component(&self, id: &str) -> ComponentVariables {
        ComponentVariables {
            vars: self.by_component.get(id).cloned().unwrap_or_default(),
        }
    }
}

/// One component's variables, as its guest sees them through `variables.get`.
#[derive(Clone, Debug, Default)]
pub struct ComponentVariables {
    vars: BTreeMap<String, Result<String, String>>,
}

impl ComponentVariables {
    /// Looks a name up with Spin's error mapping.
    pub fn get(&self, name: &str) -> Result<String, variables::Error> {
        if let Err(e) = check_name(name) {
            return Err(variables::Error::InvalidName(e.to_string()));
        }
        match self.vars.get(name) {
            None => Err(variables::Error::Undefined(format!(
                "no variable for component named {name:?}"
            ))),
            Some(Ok(value)) => Ok(value.clone()),
            Some(Err(reason)) => Err(variables::Error::Provider(reason.clone())),
        }
    }
}

impl variables::Host for crate::server::InstanceState {
    async fn get(&mut self, name: String) -> Result<String, variables::Error> {
        self.variables.get(&name)
    }
}
