//! Type spellings in the docs → IR types.

use crate::spec::{Field, FieldType};

/// What a type cell says: the type, and for arrays / maps the element type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeSpelling {
    pub ty: FieldType,
    /// Element (array) or value (map) type, when the spelling names one.
    pub inner: Option<FieldType>,
    /// False when the spelling was not recognised and `ty` fell back to `any`.
    pub known: bool,
}

/// Read a type cell: `string`, `int64`, `string[]`, `list<int>`, `map<string, string>`…
pub fn read_type(text: &str) -> TypeSpelling {
    let t = text.trim().trim_matches('`').trim().to_ascii_lowercase();
    if let Some(inner) = t.strip_suffix("[]") {
        return array_of(inner);
    }
    for prefix in ["array<", "list<"] {
        if let Some(inner) = t.strip_prefix(prefix).and_then(|s| s.strip_suffix('>')) {
            return array_of(inner);
        }
    }
    if let Some(inner) = t.strip_prefix("map<").and_then(|s| s.strip_suffix('>')) {
        let value = inner.split_once(',').map_or("any", |(_, v)| v);
        let value = scalar(value.trim());
        return TypeSpelling {
            ty: FieldType::Map,
            inner: Some(value.unwrap_or(FieldType::Any)),
            known: value.is_some(),
        };
    }
    match t.as_str() {
        "array" | "list" => TypeSpelling {
            ty: FieldType::Array,
            inner: None,
            known: true,
        },
        "map" => TypeSpelling {
            ty: FieldType::Map,
            inner: None,
            known: true,
        },
        other => match scalar(other) {
            Some(ty) => TypeSpelling {
                ty,
                inner: None,
                known: true,
            },
            None => TypeSpelling {
                ty: FieldType::Any,
                inner: None,
                known: false,
            },
        },
    }
}

fn array_of(inner: &str) -> TypeSpelling {
    // `undefined[]`: the rendering lost the element type; the example may recover it.
    if inner == "undefined" {
        return TypeSpelling {
            ty: FieldType::Array,
            inner: None,
            known: true,
        };
    }
    // `array<array<interface>>`: an array of arrays (the example may type the inner one).
    if read_type(inner).ty == FieldType::Array {
        return TypeSpelling {
            ty: FieldType::Array,
            inner: Some(FieldType::Array),
            known: true,
        };
    }
    let element = scalar(inner);
    TypeSpelling {
        ty: FieldType::Array,
        inner: Some(element.unwrap_or(FieldType::Any)),
        known: element.is_some(),
    }
}

fn scalar(t: &str) -> Option<FieldType> {
    Some(match t {
        "string" | "str" => FieldType::String,
        "int" | "integer" | "int32" => FieldType::Int,
        "int64" | "long" => FieldType::Int64,
        "float" | "number" | "number(float)" | "double" | "float64" => FieldType::Float,
        "boolean" | "bool" => FieldType::Bool,
        "object" | "struct" => FieldType::Object,
        "file" | "binary" => FieldType::File,
        "any" | "interface" | "union" => FieldType::Any,
        _ => return None,
    })
}

/// A nameless field of the given type: the `items` of an array or `values` of a map.
pub fn element(ty: FieldType) -> Box<Field> {
    Box::new(Field::new("", ty))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings() {
        assert_eq!(read_type("string").ty, FieldType::String);
        let nested = read_type("array<array<interface>>");
        assert_eq!(
            (nested.ty, nested.inner, nested.known),
            (FieldType::Array, Some(FieldType::Array), true)
        );
        assert_eq!(read_type("integer").ty, FieldType::Int);
        assert_eq!(read_type("int64").ty, FieldType::Int64);
        assert_eq!(read_type("boolean").ty, FieldType::Bool);
        let array = read_type("string[]");
        assert_eq!(
            (array.ty, array.inner),
            (FieldType::Array, Some(FieldType::String))
        );
        let undefined = read_type("undefined[]");
        assert_eq!(
            (undefined.ty, undefined.inner, undefined.known),
            (FieldType::Array, None, true)
        );
        let map = read_type("map<string, string>");
        assert_eq!(
            (map.ty, map.inner),
            (FieldType::Map, Some(FieldType::String))
        );
        let unknown = read_type("strnig");
        assert_eq!((unknown.ty, unknown.known), (FieldType::Any, false));
    }
}
