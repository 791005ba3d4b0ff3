//! Consistency checks on a finished spec: facts the emitter relies on.

use super::{FieldType, Spec};

/// Problems that would make the spec unusable for code generation, as plain messages.
pub fn check(spec: &Spec) -> Vec<String> {
    let mut problems = Vec::new();
    let parts: Vec<&str> = spec.id.split('.').collect();
    if parts.len() != 4 || parts.iter().any(|p| p.is_empty()) {
        problems.push(format!(
            "id `{}` is not service.version.resource.method",
            spec.id
        ));
    }
    for param in path_param_names(&spec.http.path) {
        if !spec.path_params.iter().any(|f| f.name == param) {
            problems.push(format!(
                "path parameter `:{param}` of {} has no row in 路径参数",
                spec.http.path
            ));
        }
    }
    for field in spec.all_fields() {
        if field.ty == FieldType::Array && field.items.is_none() {
            problems.push(format!("array field `{}` has no items", field.name));
        }
    }
    problems
}

/// The `:name` segments of a documented path, in order.
pub fn path_param_names(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|segment| segment.strip_prefix(':'))
        .collect()
}
