//! The document's `paths`: `:param` templates become `{param}`, and endpoints on one path
//! whose pages name its parameters differently share one spelling, the most used (OpenAPI treats
//! `/a/{x}` and `/a/{y}` as the same path, which may appear only once).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::spec::Spec;
use crate::spec::check::path_param_names;

use super::OpenApiError;
use super::operation::operation;
use super::schema::Schemas;
use super::shapes::{Shared, service_of};
use super::wire;

/// Path key → method → operation, sorted by path; methods in OpenAPI's order.
pub fn paths(specs: &[Spec], shared: &Shared) -> Result<Value, OpenApiError> {
    // Normalised path (parameters unnamed) → the endpoints on it.
    let mut groups: BTreeMap<String, Vec<&Spec>> = BTreeMap::new();
    for spec in specs {
        groups
            .entry(normalized(&spec.http.path))
            .or_default()
            .push(spec);
    }
    let mut out: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    for group in groups.values() {
        // The spelling most of its endpoints use names the parameters (ties: the
        // alphabetically first).
        let mut spellings: BTreeMap<&str, usize> = BTreeMap::new();
        for spec in group {
            *spellings.entry(spec.http.path.as_str()).or_default() += 1;
        }
        let Some(first) = spellings
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(path, _)| *path)
        else {
            continue;
        };
        let key = template(first);
        let names: Vec<String> = path_param_names(first)
            .into_iter()
            .map(String::from)
            .collect();
        let item = out.entry(key.clone()).or_default();
        for spec in group {
            let method = wire::method(spec);
            if let Some(other) = item.get(method) {
                return Err(OpenApiError(format!(
                    "{} and endpoint `{}` are both {} {key}",
                    spec.source,
                    other["operationId"].as_str().unwrap_or_default(),
                    wire::method_text(spec)
                )));
            }
            let schemas = Schemas {
                shared,
                service: service_of(spec),
            };
            item.insert(method.to_string(), operation(spec, &schemas, &names));
        }
    }
    const ORDER: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let mut paths = Map::new();
    for (key, mut item) in out {
        let mut sorted = Map::new();
        for method in ORDER {
            if let Some(op) = item.remove(method) {
                sorted.insert(method.to_string(), op);
            }
        }
        paths.insert(key, Value::Object(sorted));
    }
    Ok(Value::Object(paths))
}

/// `/open-apis/a/:id/b` → `/open-apis/a/{id}/b`.
pub fn template(path: &str) -> String {
    path.split('/')
        .map(|segment| match segment.strip_prefix(':') {
            Some(name) => format!("{{{name}}}"),
            None => segment.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// `/a/:x/b` and `/a/:y/b` are one path.
fn normalized(path: &str) -> String {
    path.split('/')
        .map(|s| if s.starts_with(':') { ":" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}
