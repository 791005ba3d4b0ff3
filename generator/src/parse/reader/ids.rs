//! Endpoint ids (`service.version.resource.method`) from SDK samples, or from the path.

use std::collections::BTreeMap;

use heck::ToSnakeCase;

use crate::spec::HttpMethod;

/// `service.version.resource.method` from the Python sample, or another language's.
/// Ids are `service.version.resource.method`; a nested resource (`authen.v1.oidc.
/// access_token.create`) joins its parts with `_`. Anything else is not an id.
pub(super) fn four_part_id(id: &str) -> Option<String> {
    let parts: Vec<&str> = id.split('.').collect();
    let valid =
        |p: &&str| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if parts.len() < 4 || !parts.iter().all(valid) {
        return None;
    }
    let resource = parts[2..parts.len() - 1].join("_");
    Some(format!(
        "{}.{}.{resource}.{}",
        parts[0],
        parts[1],
        parts[parts.len() - 1]
    ))
}

pub(super) fn sdk_id(names: &BTreeMap<String, String>) -> Option<String> {
    if let Some(python) = names.get("python") {
        return python.strip_prefix("client.").map(str::to_string);
    }
    let other = names
        .get("go")
        .or_else(|| names.get("java"))
        .or_else(|| names.get("nodejs"))?;
    let parts: Vec<String> = other
        .strip_prefix("client.")?
        .split('.')
        .map(|p| p.to_snake_case())
        .collect();
    Some(parts.join("."))
}

/// An id in the SDKs' style from the path: the literal segments name the resource, the
/// method and whether the path ends in a parameter name the action.
/// `GET /open-apis/okr/v1/periods` → `okr.v1.periods.list`,
/// `PUT /open-apis/aily/v1/sessions/:id` → `aily.v1.sessions.update`.
pub(super) fn id_from_path(method: HttpMethod, path: &str) -> String {
    let segments: Vec<&str> = path
        .trim_start_matches("/open-apis/")
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let service = segments.first().copied().unwrap_or("api");
    let (version, rest) = match segments.get(1) {
        Some(v)
            if v.starts_with('v') && v.len() > 1 && v[1..].chars().all(|c| c.is_ascii_digit()) =>
        {
            (*v, &segments[2..])
        }
        _ => ("unversioned", segments.get(1..).unwrap_or(&[])),
    };
    let literal: Vec<&str> = rest
        .iter()
        .copied()
        .filter(|s| !s.starts_with(':'))
        .collect();
    let ends_in_param = rest.last().is_some_and(|s| s.starts_with(':'));
    let action = match (method, ends_in_param) {
        (HttpMethod::Get, true) => "get",
        (HttpMethod::Get, false) => "list",
        (HttpMethod::Post, _) => "create",
        (HttpMethod::Put, _) => "update",
        (HttpMethod::Patch, _) => "patch",
        (HttpMethod::Delete, _) => "delete",
    };
    format!(
        "{}.{version}.{}.{action}",
        service.to_snake_case(),
        resource_name(service, &literal)
    )
}

pub(super) fn resource_name(service: &str, literal: &[&str]) -> String {
    if literal.is_empty() {
        service.to_snake_case()
    } else {
        literal.join("_").to_snake_case()
    }
}
