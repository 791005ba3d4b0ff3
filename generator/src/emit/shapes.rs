//! What makes a nested type: its side, the key two uses of a name must share to be one
//! type, whether it validates, and the names of its members, elements and values. Read by
//! the one type-facts pass (`shared`) and by the struct writer (`types`) alike, so both
//! decide these facts the same way; it imports only `enums` and `naming`.

use std::collections::HashSet;
use std::fmt::Write as _;

use proc_macro2::Ident;

use super::enums::shape_of;
use super::naming::{ident, snake};
use crate::spec::{Field, FieldType};

/// Which way a type travels. Request fields follow the page's required flags; response
/// fields are all `Option`, because a reply may leave out anything and must still decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    Request,
    Response,
}

/// Names generated code uses unqualified; a struct of one of these names would shadow them.
pub const PRELUDE: &[&str] = &[
    "Option", "Result", "String", "Vec", "Box", "Some", "None", "Ok", "Err", "Default", "Self",
    "From",
];

/// Each field with its Rust member name: snake case, unique within the struct (`userId`
/// and `user_id` become `user_id` and `user_id_2`). A wire name listed twice is one field.
pub fn member_names(fields: &[Field]) -> Vec<(Ident, &Field)> {
    member_texts(fields)
        .into_iter()
        .map(|(name, field)| (ident(&name), field))
        .collect()
}

/// [`member_names`] as text, for facts that cross threads (identifiers cannot).
pub fn member_texts(fields: &[Field]) -> Vec<(String, &Field)> {
    let mut seen_wire = HashSet::new();
    let mut taken = HashSet::new();
    let mut out = Vec::new();
    for field in fields {
        if !seen_wire.insert(field.name.as_str()) {
            continue;
        }
        let base = snake(&field.name);
        let mut name = base.clone();
        let mut n = 2;
        while !taken.insert(name.clone()) {
            name = format!("{base}_{n}");
            n += 1;
        }
        out.push((name, field));
    }
    out
}

/// What makes two nested types one: field names, types, listed values and nesting, and
/// for requests also required flags and rules (a reply's members are all optional and
/// unchecked); not the wording of their docs (pages describe the same `user_id` in many
/// ways).
pub fn shape_key(fields: &[Field], side: Side) -> String {
    let mut key = String::new();
    write_shape(fields, side, &mut key);
    key
}

/// Each field as `{"name":Type…}`, in `Debug` text, which quotes and escapes strings, and
/// JSON for listed values, so two different shapes never write the same key.
fn write_shape(fields: &[Field], side: Side, out: &mut String) {
    for field in fields {
        let _ = write!(out, "{{{:?}:{:?}", field.name, field.ty);
        if side == Side::Request {
            let _ = write!(out, ",{:?},{:?}", field.required, field.rules);
        }
        for value in &field.enum_values {
            let _ = write!(out, ",={}", value.value);
        }
        if !field.fields.is_empty() {
            out.push('[');
            write_shape(&field.fields, side, out);
            out.push(']');
        }
        for (mark, inner) in [('*', &field.items), ('%', &field.values)] {
            if let Some(inner) = inner {
                out.push(mark);
                write_shape(std::slice::from_ref(&**inner), side, out);
            }
        }
        out.push('}');
    }
}

/// The side a nested struct is written for. Fields that are all optional and unchecked
/// (down to the last nested one) make the same struct either way but for how leniently
/// a reply's numbers are read, so such a struct is written once, as a reply's, and
/// requests share it.
pub fn side_of(side: Side, fields: &[Field]) -> Side {
    fn free(field: &Field) -> bool {
        !field.is_required()
            && !checked(field)
            && field.fields.iter().all(free)
            && field.items.as_deref().is_none_or(free)
            && field.values.as_deref().is_none_or(free)
    }
    match side {
        Side::Request if fields.iter().all(free) => Side::Response,
        side => side,
    }
}

/// Whether a request field's value is checked before sending, so the struct holding it
/// gets a `validate` method (the same rules `types::value_checks` writes checks for).
pub fn checked(field: &Field) -> bool {
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

/// An array field's element as a field of its own, named for one item (`items` → `item`):
/// the name its struct or enum gets. Values listed on the array are its elements' values.
pub fn element_of(field: &Field) -> Option<Field> {
    element_named(field, &field.name)
}

/// [`element_of`] for an array field called `name`.
pub fn element_named(field: &Field, name: &str) -> Option<Field> {
    let mut element = (**field.items.as_ref()?).clone();
    element.name = singular(name);
    if element.enum_values.is_empty() {
        element.enum_values = field.enum_values.clone();
    }
    Some(element)
}

/// A map field's value as a field of its own (`names` → `names_value`).
pub fn value_of(field: &Field) -> Option<Field> {
    let mut value = (**field.values.as_ref()?).clone();
    value.name = format!("{}_value", field.name);
    Some(value)
}

/// `items` → `item`, `periods` → `period`: the name of one element of an array field.
pub fn singular(name: &str) -> String {
    if let Some(stem) = name.strip_suffix("ies").filter(|s| s.len() > 1) {
        return format!("{stem}y");
    }
    match name.strip_suffix('s') {
        Some(stem) if stem.len() > 2 && !stem.ends_with('s') => stem.to_string(),
        _ => format!("{name}_item"),
    }
}
