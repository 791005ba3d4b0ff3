//! Types several endpoints of one service spell the same way (`i18n_name`, `user`,
//! `department`…) are written once, in `<service>/models.rs`, and every endpoint refers to
//! that one type. A name whose fields differ between endpoints stays local to each endpoint
//! module, where the module path says which endpoint's shape it is.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::EmitError;
use super::endpoint::is_multipart;
use super::naming::camel;
use super::types::{PRELUDE, Side, Types, element_of, value_of};
use crate::spec::{Field, FieldType, Spec};

/// The shared types of one service.
#[derive(Debug, Default)]
pub struct Shared {
    /// `crate::im::models`, the path endpoint modules name the types by.
    pub module_path: String,
    /// Struct name → the side and fields it has; exactly these are shared.
    pub types: BTreeMap<String, (Side, Vec<Field>)>,
    /// Shared request types that have a `validate` method.
    pub validating: HashSet<String>,
}

impl Shared {
    /// The shared type's path, when `name` with these fields on this side is shared.
    pub fn path_of(&self, name: &str, side: Side, fields: &[Field]) -> Option<String> {
        let (shared_side, shared_fields) = self.types.get(name)?;
        (*shared_side == side && shared_fields == fields)
            .then(|| format!("{}::{name}", self.module_path))
    }

    /// Whether the type at `path` (from [`Shared::path_of`]) has a `validate` method.
    pub fn validates(&self, path: &str) -> bool {
        path.strip_prefix(&self.module_path)
            .and_then(|rest| rest.strip_prefix("::"))
            .is_some_and(|name| self.validating.contains(name))
    }
}

/// Every nested object type the endpoints of one service would define, by the name the
/// emitter would give it; those used by two or more endpoints with the same fields (and,
/// for each name, only the most used shape) are shared.
pub fn collect(specs: &[&Spec], module_path: String) -> Shared {
    type Shape = (Side, Vec<Field>);
    // Fields hold JSON examples, which cannot be hashed: their JSON text is the key.
    let mut users: HashMap<(String, u8, String), (Shape, BTreeSet<&str>)> = HashMap::new();
    for spec in specs {
        let mut seen = Vec::new();
        let params = spec
            .path_params
            .iter()
            .chain(&spec.query_params)
            .chain(&spec.headers);
        for field in params {
            walk(field, Side::Request, &mut seen);
        }
        if let Some(request) = spec.request.as_ref().filter(|_| !is_multipart(spec)) {
            for field in &request.fields {
                walk(field, Side::Request, &mut seen);
            }
        }
        for field in spec.response.iter().flat_map(|r| &r.fields) {
            walk(field, Side::Response, &mut seen);
        }
        for (name, side, fields) in seen {
            let key = (
                name,
                side as u8,
                serde_json::to_string(&fields).unwrap_or_default(),
            );
            users
                .entry(key)
                .or_insert_with(|| ((side, fields), BTreeSet::new()))
                .1
                .insert(spec.id.as_str());
        }
    }
    // Per name, the shape most endpoints use (ties: the first in a stable order).
    let mut best: BTreeMap<String, (usize, Shape)> = BTreeMap::new();
    let mut candidates: Vec<((String, u8, String), Shape, usize)> = users
        .into_iter()
        .map(|(key, (shape, endpoints))| (key, shape, endpoints.len()))
        .filter(|(_, _, count)| *count >= 2)
        .collect();
    // A stable order, so the same pages always share the same types.
    candidates.sort_by(|(a, _, a_count), (b, _, b_count)| {
        (&a.0, a.1, usize::MAX - a_count, &a.2).cmp(&(&b.0, b.1, usize::MAX - b_count, &b.2))
    });
    for ((name, _, _), shape, count) in candidates {
        if PRELUDE.contains(&name.as_str()) || name == "Models" {
            continue;
        }
        // The first of a name in that order is its most used shape.
        best.entry(name).or_insert((count, shape));
    }
    let types: BTreeMap<String, Shape> = best
        .into_iter()
        .map(|(name, (_, shape))| (name, shape))
        .collect();
    let validating = types
        .iter()
        .filter(|(_, (side, fields))| *side == Side::Request && fields.iter().any(checked))
        .map(|(name, _)| name.clone())
        .collect();
    Shared {
        module_path,
        types,
        validating,
    }
}

/// Whether a request field's value is checked before sending, so the struct holding it
/// gets a `validate` method (the same rules `types::value_checks` writes checks for).
fn checked(field: &Field) -> bool {
    let r = &field.rules;
    match field.ty {
        FieldType::String => {
            r.min_length.is_some() || r.max_length.is_some() || r.pattern.is_some()
        }
        FieldType::Int | FieldType::Int64 | FieldType::Float => r.min.is_some() || r.max.is_some(),
        FieldType::Array => {
            r.min_items.is_some()
                || r.max_items.is_some()
                || field.items.as_deref().is_some_and(checked)
        }
        FieldType::Object => field.fields.iter().any(checked),
        _ => false,
    }
}

/// `<service>/models.rs`: the shared structs, `None` when the service has none.
pub fn models_items(shared: &Shared, service: &str) -> Result<Option<TokenStream>, EmitError> {
    if shared.types.is_empty() {
        return Ok(None);
    }
    let names: Vec<&str> = shared.types.keys().map(String::as_str).collect();
    let id = format!("{service} models");
    let mut types = Types::new(&id, &names, shared);
    for (name, (side, fields)) in &shared.types {
        let doc = format!("`{name}`, as several `{service}` endpoints spell it.");
        types.define_named(name, &doc, fields, *side)?;
    }
    let doc = format!(
        "Types that several `{service}` endpoints share: one type where their fields agree."
    );
    let items = types.into_items();
    Ok(Some(quote! { #![doc = #doc] #items }))
}

/// The object types inside `field`, named as `Types::rust_type` names them.
fn walk(field: &Field, side: Side, out: &mut Vec<(String, Side, Vec<Field>)>) {
    match field.ty {
        FieldType::Object if !field.fields.is_empty() => {
            out.push((camel(&field.name), side, field.fields.clone()));
            for child in &field.fields {
                walk(child, side, out);
            }
        }
        FieldType::Array => {
            if let Some(element) = element_of(field) {
                walk(&element, side, out);
            }
        }
        FieldType::Map => {
            if let Some(value) = value_of(field) {
                walk(&value, side, out);
            }
        }
        _ => {}
    }
}
