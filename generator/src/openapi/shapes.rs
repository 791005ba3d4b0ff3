//! Which nested objects become `components.schemas`: the same ones the Rust crate writes
//! once in `<service>/models.rs`, under the same names (`generator/src/emit/shared.rs`
//! decides that for the crate; the emitter keeps its tables private, so the rule is
//! followed here step by step: a shape is the field names, types, listed values and
//! nesting, plus required flags and rules on the request side; two or more endpoints of a
//! service with one shape share it; each name's most used shape keeps the name, other
//! shapes get a name that says how they differ, or stay inline).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::emit::naming::camel;
/// The crate's own rules for a shape's side, key and element names: the document shares
/// exactly what the Rust crate shares.
pub use crate::emit::shapes::{Side, element_named as element, shape_key, side_of, singular};
use crate::spec::{Field, FieldType, Spec};

use super::wire::{self, Body};

/// The shared shapes of every service.
#[derive(Debug, Default)]
pub struct Shared {
    /// (service, name endpoints would give it, side, shape key) → component name.
    names: HashMap<(String, String, Side, String), String>,
    /// Component name → the fields (the first endpoint's wording), side and description.
    pub components: BTreeMap<String, Component>,
    /// (service, enum name, [`enum_key`]) → component name.
    enum_names: HashMap<(String, String, String), String>,
    /// Component name → a field with the values (the first endpoint's wording).
    pub enums: BTreeMap<String, Field>,
}

#[derive(Debug)]
pub struct Component {
    pub side: Side,
    pub fields: Vec<Field>,
    pub description: String,
}

impl Shared {
    /// The component for an object called `name` (as endpoints would call its type), with
    /// these fields, seen on `side` in `service`.
    pub fn component_of(
        &self,
        service: &str,
        name: &str,
        side: Side,
        fields: &[Field],
    ) -> Option<&str> {
        let side = side_of(side, fields);
        let key = (
            service.to_string(),
            camel(name),
            side,
            shape_key(fields, side),
        );
        self.names.get(&key).map(String::as_str)
    }

    /// The component for a field with listed values, when several endpoints share them.
    pub fn enum_of(&self, service: &str, field: &Field) -> Option<&str> {
        let key = (service.to_string(), camel(&field.name), enum_key(field));
        self.enum_names.get(&key).map(String::as_str)
    }
}

/// Names the Rust crate uses unqualified, which it never gives a shared struct.
const PRELUDE: &[&str] = &[
    "Option", "Result", "String", "Vec", "Box", "Some", "None", "Ok", "Err", "Default", "Self",
    "From", "Models",
];

/// One shape of a name that two or more endpoints of a service use.
struct Candidate<'a> {
    name: String,
    side: Side,
    key: String,
    fields: &'a [Field],
    users: usize,
}

/// The shared shapes of all the specs, per service.
pub fn collect(specs: &[Spec]) -> Shared {
    let mut by_service: BTreeMap<&str, Vec<&Spec>> = BTreeMap::new();
    for spec in specs {
        by_service.entry(service_of(spec)).or_default().push(spec);
    }
    let mut shared = Shared::default();
    for (service, specs) in by_service {
        collect_service(service, &specs, &mut shared);
    }
    shared
}

/// The service an endpoint belongs to: the first part of its id.
pub fn service_of(spec: &Spec) -> &str {
    spec.id.split('.').next().unwrap_or("api")
}

fn collect_service(service: &str, specs: &[&Spec], shared: &mut Shared) {
    type Users<'a> = HashMap<(String, Side, String), (&'a [Field], BTreeSet<&'a str>)>;
    let mut users = Users::new();
    // Per enum name and values: the first endpoint's field, and who uses them.
    let mut enum_users: HashMap<(String, String), (Field, BTreeSet<&str>)> = HashMap::new();
    for spec in specs {
        let mut seen = Vec::new();
        let mut enums = Vec::new();
        for field in spec
            .path_params
            .iter()
            .chain(&spec.query_params)
            .chain(&spec.headers)
        {
            walk(&field.name, field, Side::Request, &mut seen);
            walk_enums(&field.name, field, &mut enums);
        }
        if let Some(request) = &spec.request
            && wire::request_body(request) == Body::Json
        {
            for field in &request.fields {
                walk(&field.name, field, Side::Request, &mut seen);
                walk_enums(&field.name, field, &mut enums);
            }
        }
        for field in spec.response.iter().flat_map(|r| &r.fields) {
            walk(&field.name, field, Side::Response, &mut seen);
            walk_enums(&field.name, field, &mut enums);
        }
        for field in enums {
            let key = (camel(&field.name), enum_key(&field));
            enum_users
                .entry(key)
                .or_insert_with(|| (field, BTreeSet::new()))
                .1
                .insert(spec.id.as_str());
        }
        for (name, side, fields) in seen {
            let key = (name, side, shape_key(fields, side));
            users
                .entry(key)
                .or_insert_with(|| (fields, BTreeSet::new()))
                .1
                .insert(spec.id.as_str());
        }
    }
    let mut candidates: Vec<Candidate> = users
        .into_iter()
        .filter(|((name, _, _), (_, ids))| ids.len() >= 2 && !PRELUDE.contains(&name.as_str()))
        .map(|((name, side, key), (fields, ids))| Candidate {
            name,
            side,
            key,
            fields,
            users: ids.len(),
        })
        .collect();
    // Per name, the most used shape first (ties: requests first, then by key).
    candidates.sort_by(|a, b| {
        (&a.name, usize::MAX - a.users, a.side, &a.key).cmp(&(
            &b.name,
            usize::MAX - b.users,
            b.side,
            &b.key,
        ))
    });
    name_shapes(service, candidates, shared);
    shared_enums(service, enum_users, shared);
}

/// Per enum name, the values most endpoints list, when two or more do; a name a shared
/// struct has is left to the struct (as the crate does).
fn shared_enums(
    service: &str,
    users: HashMap<(String, String), (Field, BTreeSet<&str>)>,
    shared: &mut Shared,
) {
    let mut candidates: Vec<(String, String, Field, usize)> = users
        .into_iter()
        .map(|((name, key), (field, ids))| (name, key, field, ids.len()))
        .filter(|(name, _, _, count)| {
            *count >= 2
                && !PRELUDE.contains(&name.as_str())
                && !shared.components.contains_key(&format!("{service}.{name}"))
        })
        .collect();
    // The crate's order: by name, most used first, then by the values and their wording.
    candidates.sort_by_cached_key(|(name, _, field, count)| {
        (name.clone(), usize::MAX - count, shape_text(field))
    });
    for (name, key, field, _) in candidates {
        let component = format!("{service}.{name}");
        if shared.enums.contains_key(&component) {
            continue;
        }
        shared
            .enum_names
            .insert((service.to_string(), name, key), component.clone());
        shared.enums.insert(component, field);
    }
}

/// The fields with listed values inside `field`, named as the crate names their enums:
/// an array's element after the array, a map's values as `<name>_value`.
fn walk_enums(name: &str, field: &Field, out: &mut Vec<Field>) {
    match field.ty {
        FieldType::Object => {
            for child in &field.fields {
                walk_enums(&child.name, child, out);
            }
        }
        FieldType::Array => {
            if let Some(element) = element(field, name) {
                let name = element.name.clone();
                walk_enums(&name, &element, out);
            }
        }
        FieldType::Map => {
            if let Some(values) = field.values.as_deref() {
                let mut values = values.clone();
                values.name = format!("{name}_value");
                let name = values.name.clone();
                walk_enums(&name, &values, out);
            }
        }
        _ if is_enum(field) => {
            let mut named = field.clone();
            named.name = name.to_string();
            out.push(named);
        }
        _ => {}
    }
}

/// The listed values as the wire has them, each once: what makes two enums one.
pub fn enum_key(field: &Field) -> String {
    format!(
        "{:?}",
        enum_values(field)
            .into_iter()
            .map(|(v, _)| v)
            .collect::<Vec<_>>()
    )
}

/// The values with their descriptions, each value once (pages list some twice, as `1`
/// and `"1"`); integers for an `int` field, text otherwise.
pub fn enum_values(field: &Field) -> Vec<(serde_json::Value, Option<String>)> {
    let mut out: Vec<(serde_json::Value, Option<String>)> = Vec::new();
    for listed in &field.enum_values {
        let value = match field.ty {
            FieldType::Int => match int_value(&listed.value) {
                Some(n) => serde_json::Value::from(n),
                None => continue,
            },
            _ => match &listed.value {
                serde_json::Value::String(s) => serde_json::Value::String(s.clone()),
                other => serde_json::Value::String(other.to_string()),
            },
        };
        if !out.iter().any(|(v, _)| *v == value) {
            out.push((value, listed.description.clone()));
        }
    }
    out
}

/// The crate's tie-break text for two value lists of one name: `Str([("a", None)])`.
fn shape_text(field: &Field) -> String {
    match field.ty {
        FieldType::Int => {
            let values: Vec<(i64, Option<String>)> = enum_values(field)
                .into_iter()
                .filter_map(|(v, d)| v.as_i64().map(|n| (n, d)))
                .collect();
            format!("Int({values:?})")
        }
        _ => {
            let values: Vec<(String, Option<String>)> = enum_values(field)
                .into_iter()
                .map(|(v, d)| (v.as_str().unwrap_or_default().to_string(), d))
                .collect();
            format!("Str({values:?})")
        }
    }
}

/// Each name's most used shape keeps the name; the others get a [`variant_name`] where it
/// is free, or stay inline.
fn name_shapes(service: &str, candidates: Vec<Candidate>, shared: &mut Shared) {
    let mut groups: Vec<Vec<Candidate>> = Vec::new();
    for candidate in candidates {
        match groups.last_mut() {
            Some(group) if group[0].name == candidate.name => group.push(candidate),
            _ => groups.push(vec![candidate]),
        }
    }
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let share = |name: String, shape: &Candidate, description: String, shared: &mut Shared| {
        let component = format!("{service}.{name}");
        shared.names.insert(
            (
                service.to_string(),
                shape.name.clone(),
                shape.side,
                shape.key.clone(),
            ),
            component.clone(),
        );
        shared.components.insert(
            component,
            Component {
                side: shape.side,
                fields: shape.fields.to_vec(),
                description,
            },
        );
    };
    for group in &groups {
        let first = &group[0];
        let description = format!(
            "`{}`, as several `{service}` endpoints spell it.",
            first.name
        );
        taken.insert(first.name.clone());
        share(first.name.clone(), first, description, shared);
    }
    for group in &groups {
        let mut side_firsts: Vec<(&Candidate, String)> = vec![(&group[0], group[0].name.clone())];
        for shape in &group[1..] {
            let side_first = side_firsts.iter().find(|(s, _)| s.side == shape.side);
            let Some((name, description)) = variant_name(&group[0], side_first, shape, service)
            else {
                continue;
            };
            if !taken.insert(name.clone()) {
                continue;
            }
            if side_first.is_none() {
                side_firsts.push((shape, name.clone()));
            }
            share(name, shape, description, shared);
        }
    }
}

/// `NameItemInput` / `NameItemReply` for the other side's most used shape,
/// `WorkShiftWithDisplay` for a shape with a member the common one lacks,
/// `WorkShiftWithoutDisplay` for one that lacks a member; `None` when only the members'
/// types or rules differ.
fn variant_name(
    first: &Candidate,
    side_first: Option<&(&Candidate, String)>,
    shape: &Candidate,
    service: &str,
) -> Option<(String, String)> {
    let Some((base, base_name)) = side_first else {
        let (suffix, who) = match shape.side {
            Side::Request => ("Input", "requests"),
            Side::Response => ("Reply", "replies"),
        };
        let description = format!(
            "`{}`, as several `{service}` {who} spell it; `{service}.{}` is how the others do.",
            shape.name, first.name
        );
        return Some((format!("{}{suffix}", shape.name), description));
    };
    let names =
        |c: &Candidate| -> Vec<String> { c.fields.iter().map(|f| f.name.clone()).collect() };
    let (ours, theirs) = (names(shape), names(base));
    let (how, member) = if let Some(extra) = ours.iter().find(|n| !theirs.contains(n)) {
        ("With", extra)
    } else if let Some(missing) = theirs.iter().find(|n| !ours.contains(n)) {
        ("Without", missing)
    } else {
        return None;
    };
    let description = format!(
        "`{}` {} `{member}`, as several `{service}` endpoints spell it; `{service}.{base_name}` \
         is the more common shape.",
        shape.name,
        how.to_lowercase(),
    );
    Some((format!("{base_name}{how}{}", camel(member)), description))
}

/// The objects inside a field, by the name the Rust emitter gives their types: array
/// elements after the array (`items` → `Item`), map values as `<name>_value`.
fn walk<'a>(name: &str, field: &'a Field, side: Side, out: &mut Vec<(String, Side, &'a [Field])>) {
    match field.ty {
        FieldType::Object if !field.fields.is_empty() => {
            let side = side_of(side, &field.fields);
            out.push((camel(name), side, &field.fields));
            for child in &field.fields {
                walk(&child.name, child, side, out);
            }
        }
        FieldType::Array => {
            if let Some(items) = field.items.as_deref()
                && matches!(
                    items.ty,
                    FieldType::Object | FieldType::Array | FieldType::Map
                )
            {
                walk(&singular(name), items, side, out);
            }
        }
        FieldType::Map => {
            if let Some(values) = field.values.as_deref() {
                walk(&format!("{name}_value"), values, side, out);
            }
        }
        _ => {}
    }
}

/// A `string` or `int` field whose listed values all read as its type.
pub fn is_enum(field: &Field) -> bool {
    !field.enum_values.is_empty()
        && match field.ty {
            FieldType::String => true,
            FieldType::Int => field
                .enum_values
                .iter()
                .all(|v| int_value(&v.value).is_some()),
            _ => false,
        }
}

/// A listed value as an integer (pages write some as `"1"`).
pub fn int_value(value: &serde_json::Value) -> Option<i64> {
    match value {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}
