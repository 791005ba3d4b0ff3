//! What changed between two sets of specs (two documentation snapshots), per endpoint,
//! each change classed as breaking or not for the generated Rust API: whether code that
//! uses the old crate stops compiling or behaves differently against the new one.
//!
//! The classing follows what the emitter makes of the IR: a required request field is a
//! `builder(…)` argument and an optional one a setter; reply members are all `Option`
//! and unchecked; listed values are enums (an exhaustive `match` breaks on a new value,
//! and a value that used to arrive as `Unknown` gets its own variant); request rules are
//! checked by `validate()` before sending; each error code is a constant. A new optional
//! member is not counted as breaking, on the assumption that struct literals use
//! `..Default::default()` (every generated struct derives `Default`).

mod fields;
mod render;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::spec::Spec;

/// One difference, in one endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The endpoint id.
    pub endpoint: String,
    pub kind: Kind,
    /// The field (`body.items[].id`, `query.page_size`, `response.session.id`), or the
    /// error code, when the change concerns one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// What changed, old → new, in words.
    pub detail: String,
    pub breaking: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    EndpointAdded,
    EndpointRemoved,
    HttpChanged,
    FieldAdded,
    FieldRemoved,
    TypeChanged,
    RequiredAdded,
    RequiredDropped,
    EnumValueAdded,
    EnumValueRemoved,
    RuleTightened,
    RuleLoosened,
    ErrorCodeAdded,
    ErrorCodeRemoved,
}

impl Kind {
    /// Whether a change of this kind adds to the API (a minor version) rather than only
    /// relaxing something (a patch).
    fn adds(self) -> bool {
        matches!(
            self,
            Kind::EndpointAdded | Kind::FieldAdded | Kind::EnumValueAdded | Kind::ErrorCodeAdded
        )
    }
}

/// The semver bump a regenerated crate needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bump {
    None,
    Patch,
    Minor,
    Major,
}

/// Every change between two snapshots, endpoints in id order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub changes: Vec<Change>,
    pub breaking: bool,
    pub bump: Bump,
}

/// Compare two snapshots; endpoints are matched by id.
pub fn diff(old: &[Spec], new: &[Spec]) -> Report {
    let old: BTreeMap<&str, &Spec> = old.iter().map(|s| (s.id.as_str(), s)).collect();
    let new: BTreeMap<&str, &Spec> = new.iter().map(|s| (s.id.as_str(), s)).collect();
    let mut ids: Vec<&str> = old.keys().chain(new.keys()).copied().collect();
    ids.sort_unstable();
    ids.dedup();
    let mut changes = Vec::new();
    for id in ids {
        let mut out = Out {
            endpoint: id,
            changes: &mut changes,
        };
        match (old.get(id), new.get(id)) {
            (Some(_), None) => out.push(
                Kind::EndpointRemoved,
                None,
                "the endpoint is gone: its method and types are removed".into(),
                true,
            ),
            (None, Some(spec)) => out.push(
                Kind::EndpointAdded,
                None,
                format!("new endpoint {}", http(spec)),
                false,
            ),
            (Some(old), Some(new)) => endpoint(old, new, &mut out),
            (None, None) => {}
        }
    }
    let breaking = changes.iter().any(|c| c.breaking);
    let bump = if breaking {
        Bump::Major
    } else if changes.iter().any(|c| c.kind.adds()) {
        Bump::Minor
    } else if changes.is_empty() {
        Bump::None
    } else {
        Bump::Patch
    };
    Report {
        changes,
        breaking,
        bump,
    }
}

pub use render::{to_json, to_markdown};

/// Collects one endpoint's changes.
struct Out<'a> {
    endpoint: &'a str,
    changes: &'a mut Vec<Change>,
}

impl Out<'_> {
    fn push(&mut self, kind: Kind, subject: Option<String>, detail: String, breaking: bool) {
        self.changes.push(Change {
            endpoint: self.endpoint.to_string(),
            kind,
            subject,
            detail,
            breaking,
        });
    }
}

fn endpoint(old: &Spec, new: &Spec, out: &mut Out) {
    let (old_http, new_http) = (http(old), http(new));
    if normalized(&old_http) != normalized(&new_http) {
        out.push(
            Kind::HttpChanged,
            None,
            format!("{old_http} → {new_http}: calls go elsewhere"),
            true,
        );
    }
    fields::path_params(&old.path_params, &new.path_params, out);
    fields::compare(
        "query",
        &old.query_params,
        &new.query_params,
        fields::Side::Request,
        out,
    );
    fields::compare(
        "header",
        &old.headers,
        &new.headers,
        fields::Side::Request,
        out,
    );
    let body = |s: &Spec| {
        s.request
            .as_ref()
            .map(|r| r.fields.clone())
            .unwrap_or_default()
    };
    fields::compare("body", &body(old), &body(new), fields::Side::Request, out);
    let reply = |s: &Spec| {
        s.response
            .as_ref()
            .map(|r| r.fields.clone())
            .unwrap_or_default()
    };
    fields::compare(
        "response",
        &reply(old),
        &reply(new),
        fields::Side::Response,
        out,
    );
    errors(old, new, out);
}

/// `PUT /open-apis/…`: the one place the diff reads the IR's HTTP method.
fn http(spec: &Spec) -> String {
    format!("{} {}", spec.http.method, spec.http.path)
}

/// `/a/:x` and `/a/:y` are one path (a parameter's name is not part of the Rust API).
fn normalized(http: &str) -> String {
    http.split('/')
        .map(|s| if s.starts_with(':') { ":" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

/// Error codes, by code: each is a constant in the endpoint's module.
fn errors(old: &Spec, new: &Spec, out: &mut Out) {
    let codes = |s: &Spec| -> BTreeMap<i64, String> {
        s.errors
            .iter()
            .map(|e| (e.code, e.message.clone()))
            .collect()
    };
    let (old_codes, new_codes) = (codes(old), codes(new));
    for (code, message) in &new_codes {
        if !old_codes.contains_key(code) {
            out.push(
                Kind::ErrorCodeAdded,
                Some(code.to_string()),
                format!("documented error `{code}` {message}: a new constant"),
                false,
            );
        }
    }
    for (code, message) in &old_codes {
        if !new_codes.contains_key(code) {
            out.push(
                Kind::ErrorCodeRemoved,
                Some(code.to_string()),
                format!(
                    "error `{code}` {message} is no longer documented: its constant is removed"
                ),
                true,
            );
        }
    }
}
