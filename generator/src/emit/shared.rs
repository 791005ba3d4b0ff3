//! Types several endpoints of one service spell the same way (`i18n_name`, `user`,
//! `department`…) are written once, in `<service>/models.rs`, and every endpoint refers to
//! that one type. A name whose fields differ between endpoints stays local to each endpoint
//! module, where the module path says which endpoint's shape it is.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::EmitError;
use super::endpoint::is_multipart;
use super::enums::{EnumKey, EnumShape, shape_of};
use super::naming::camel;
use super::types::{PRELUDE, Side, Types, element_of, value_of};
use crate::spec::{EnumValue, Field, FieldType, Spec};

/// The shared types of one service.
#[derive(Debug, Default)]
pub struct Shared {
    /// `crate::im::models`, the path endpoint modules name the types by.
    pub module_path: String,
    /// Struct name → the struct; shared with every endpoint whose fields have its key.
    pub types: BTreeMap<String, SharedStruct>,
    /// Shared request types that have a `validate` method.
    pub validating: HashSet<String>,
    /// Enum name → the enum; shared with every endpoint whose values have its key.
    pub enums: BTreeMap<String, SharedEnum>,
}

/// A shared struct, worded as the first endpoint that has it words it.
#[derive(Debug)]
pub struct SharedStruct {
    pub side: Side,
    pub fields: Vec<Field>,
    /// The fields' [`shape_key`].
    pub key: String,
}

/// A shared enum, worded as the first endpoint that has it words it.
#[derive(Debug)]
pub struct SharedEnum {
    pub shape: EnumShape,
    /// The wire name of a field that has these values, for the enum's doc.
    pub wire_name: String,
    pub key: EnumKey,
}

impl Shared {
    /// The shared type's path, when `name` with fields of this [`shape_key`] on this side
    /// is shared.
    pub fn path_of(&self, name: &str, side: Side, key: &str) -> Option<String> {
        let shared = self.types.get(name)?;
        (shared.side == side && shared.key == key).then(|| format!("{}::{name}", self.module_path))
    }

    /// The shared enum's path, when `name` with values of this key is shared.
    pub fn enum_path_of(&self, name: &str, key: &EnumKey) -> Option<String> {
        let shared = self.enums.get(name)?;
        (shared.key == *key).then(|| format!("{}::{name}", self.module_path))
    }

    /// Whether the type at `path` (from [`Shared::path_of`]) has a `validate` method.
    pub fn validates(&self, path: &str) -> bool {
        path.strip_prefix(&self.module_path)
            .and_then(|rest| rest.strip_prefix("::"))
            .is_some_and(|name| self.validating.contains(name))
    }
}

/// Every nested object type and enum the endpoints of one service would define, by the
/// name the emitter would give it; those used by two or more endpoints the same way (and,
/// for each name, only the most used shape) are shared.
pub fn collect(specs: &[&Spec], module_path: String) -> Shared {
    type Shape = (Side, Vec<Field>);
    // Fields hold JSON examples, which cannot be hashed: their JSON text is the key.
    let mut users: HashMap<(String, u8, String), (Shape, BTreeSet<&str>)> = HashMap::new();
    // Per name and values: the first endpoint's wording of them, and who uses them.
    let mut enum_users: HashMap<(String, EnumKey), (EnumShape, String, BTreeSet<&str>)> =
        HashMap::new();
    for spec in specs {
        let mut seen = Seen::default();
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
        for (name, shape, wire) in seen.enums {
            enum_users
                .entry((name, shape.key()))
                .or_insert_with(|| (shape, wire, BTreeSet::new()))
                .2
                .insert(spec.id.as_str());
        }
        for (name, side, fields) in seen.structs {
            let key = (name, side as u8, shape_key(&fields));
            users
                .entry(key)
                .or_insert_with(|| ((side, fields), BTreeSet::new()))
                .1
                .insert(spec.id.as_str());
        }
    }
    // Per name, the shape most endpoints use (ties: the first in a stable order).
    let mut types: BTreeMap<String, SharedStruct> = BTreeMap::new();
    let mut candidates: Vec<((String, u8, String), Shape, usize)> = users
        .into_iter()
        .map(|(key, (shape, endpoints))| (key, shape, endpoints.len()))
        .filter(|(_, _, count)| *count >= 2)
        .collect();
    // A stable order, so the same pages always share the same types.
    candidates.sort_by(|(a, _, a_count), (b, _, b_count)| {
        (&a.0, a.1, usize::MAX - a_count, &a.2).cmp(&(&b.0, b.1, usize::MAX - b_count, &b.2))
    });
    for ((name, _, key), (side, fields), _) in candidates {
        if PRELUDE.contains(&name.as_str()) || name == "Models" {
            continue;
        }
        // The first of a name in that order is its most used shape.
        types
            .entry(name)
            .or_insert(SharedStruct { side, fields, key });
    }
    let validating = types
        .iter()
        .filter(|(_, s)| s.side == Side::Request && s.fields.iter().any(checked))
        .map(|(name, _)| name.clone())
        .collect();
    let enums = shared_enums(enum_users, &types);
    Shared {
        module_path,
        types,
        validating,
        enums,
    }
}

/// What makes two nested types one: field names, types, required flags, rules, listed
/// values and nesting, not the wording of their docs (pages describe the same `user_id`
/// in many ways). As JSON text, since fields hold JSON examples that cannot be hashed.
pub fn shape_key(fields: &[Field]) -> String {
    let bare: Vec<Field> = fields.iter().map(bare).collect();
    serde_json::to_string(&bare).unwrap_or_default()
}

fn bare(field: &Field) -> Field {
    Field {
        description: None,
        example: None,
        default: None,
        deprecated: false,
        enum_values: field
            .enum_values
            .iter()
            .map(|v| EnumValue {
                value: v.value.clone(),
                description: None,
            })
            .collect(),
        fields: field.fields.iter().map(bare).collect(),
        items: field.items.as_deref().map(|f| Box::new(bare(f))),
        values: field.values.as_deref().map(|f| Box::new(bare(f))),
        ..field.clone()
    }
}

/// Per enum name, the values most endpoints use, when two or more do; a name a shared
/// struct has is left to the struct.
fn shared_enums(
    users: HashMap<(String, EnumKey), (EnumShape, String, BTreeSet<&str>)>,
    structs: &BTreeMap<String, SharedStruct>,
) -> BTreeMap<String, SharedEnum> {
    let mut candidates: Vec<(String, EnumKey, EnumShape, String, usize)> = users
        .into_iter()
        .map(|((name, key), (shape, wire, endpoints))| (name, key, shape, wire, endpoints.len()))
        .filter(|(name, _, _, _, count)| {
            *count >= 2
                && !structs.contains_key(name)
                && !PRELUDE.contains(&name.as_str())
                && name != "Models"
        })
        .collect();
    // A stable order, so the same pages always share the same enums.
    candidates.sort_by_cached_key(|(name, _, shape, _, count)| {
        (name.clone(), usize::MAX - count, format!("{shape:?}"))
    });
    let mut enums = BTreeMap::new();
    for (name, key, shape, wire_name, _) in candidates {
        enums.entry(name).or_insert(SharedEnum {
            shape,
            wire_name,
            key,
        });
    }
    enums
}

/// Whether a request field's value is checked before sending, so the struct holding it
/// gets a `validate` method (the same rules `types::value_checks` writes checks for).
fn checked(field: &Field) -> bool {
    let r = &field.rules;
    if shape_of(field).is_some() {
        return false;
    }
    match field.ty {
        FieldType::String => {
            r.min_length.is_some() || r.max_length.is_some() || r.pattern.is_some()
        }
        FieldType::Int | FieldType::Int64 | FieldType::Float => r.min.is_some() || r.max.is_some(),
        FieldType::Array => {
            r.min_items.is_some()
                || r.max_items.is_some()
                || element_of(field).as_ref().is_some_and(checked)
        }
        FieldType::Object => field.fields.iter().any(checked),
        _ => false,
    }
}

/// `<service>/models.rs`: the shared structs and enums, `None` when the service has none.
pub fn models_items(shared: &Shared, service: &str) -> Result<Option<TokenStream>, EmitError> {
    if shared.types.is_empty() && shared.enums.is_empty() {
        return Ok(None);
    }
    let names: Vec<&str> = shared
        .types
        .keys()
        .chain(shared.enums.keys())
        .map(String::as_str)
        .collect();
    let id = format!("{service} models");
    let mut types = Types::new(&id, &names, shared);
    for (name, shared) in &shared.types {
        let doc = format!("`{name}`, as several `{service}` endpoints spell it.");
        types.define_named(name, &doc, &shared.fields, shared.side)?;
    }
    for (name, shared) in &shared.enums {
        types.define_enum_named(name, &shared.wire_name, &shared.shape, shared.key.clone());
    }
    let doc = format!(
        "Types that several `{service}` endpoints share: one type where their fields agree."
    );
    let items = types.into_items();
    Ok(Some(quote! { #![doc = #doc] #items }))
}

/// The types one endpoint would define.
#[derive(Default)]
struct Seen {
    /// Name, side, fields.
    structs: Vec<(String, Side, Vec<Field>)>,
    /// Name, values, wire name.
    enums: Vec<(String, EnumShape, String)>,
}

/// The object types and enums inside `field`, named as `Types::rust_type` names them.
fn walk(field: &Field, side: Side, out: &mut Seen) {
    if let Some(shape) = shape_of(field) {
        out.enums
            .push((camel(&field.name), shape, field.name.clone()));
        return;
    }
    match field.ty {
        FieldType::Object if !field.fields.is_empty() => {
            out.structs
                .push((camel(&field.name), side, field.fields.clone()));
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
