//! Fields inferred from a JSON example, for pages that document a response only by its
//! `响应示例`. Objects in arrays are merged across elements, so every key of every element
//! becomes a field.

use serde_json::Value;

use crate::spec::{Field, FieldType};

/// The fields of a JSON object, in the example's key order. Each key whose type cannot be
/// told (`null`, `[]`) is returned in `untyped` as a dotted path.
pub fn fields_from_example(
    object: &serde_json::Map<String, Value>,
    untyped: &mut Vec<String>,
) -> Vec<Field> {
    let mut fields = Vec::new();
    merge_object(&mut fields, object, "", untyped);
    fields
}

fn merge_object(
    fields: &mut Vec<Field>,
    object: &serde_json::Map<String, Value>,
    path: &str,
    untyped: &mut Vec<String>,
) {
    for (key, value) in object {
        let child_path = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        match fields.iter_mut().find(|f| f.name == *key) {
            Some(existing) => merge_value(existing, value, &child_path, untyped),
            None => {
                // Whether the server always sends it, an example cannot tell: `required` stays unset.
                let mut field = Field::new(key.as_str(), FieldType::Any);
                field.ty = type_of(value).unwrap_or(FieldType::Any);
                merge_value(&mut field, value, &child_path, untyped);
                fields.push(field);
            }
        }
    }
}

/// Widen `field` with one more observed value.
fn merge_value(field: &mut Field, value: &Value, path: &str, untyped: &mut Vec<String>) {
    let Some(ty) = type_of(value) else {
        // null says nothing; keep what other elements told us.
        if field.ty == FieldType::Any && !untyped.iter().any(|p| p == path) {
            untyped.push(path.to_string());
        }
        return;
    };
    if field.ty == FieldType::Any {
        field.ty = ty;
        untyped.retain(|p| p != path);
    } else if field.ty != ty {
        field.ty = widen(field.ty, ty);
    }
    // The first scalar seen is the field's example, as a table's `示例值` would be.
    if field.example.is_none()
        && !field.name.is_empty()
        && !matches!(value, Value::Object(_) | Value::Array(_))
    {
        field.example = Some(value.clone());
    }
    match value {
        Value::Object(object) if field.ty == FieldType::Object => {
            merge_object(&mut field.fields, object, path, untyped)
        }
        Value::Array(elements) if field.ty == FieldType::Array => {
            let items = field
                .items
                .get_or_insert_with(|| Box::new(Field::new("", FieldType::Any)));
            let item_path = format!("{path}[]");
            if elements.is_empty() && items.ty == FieldType::Any && !untyped.contains(&item_path) {
                untyped.push(item_path.clone());
            }
            for element in elements {
                merge_value(items, element, &item_path, untyped);
            }
        }
        _ => {}
    }
}

/// Fill what a response table leaves open from the example: element types of arrays the
/// table gives as `undefined[]` / `array`, and fields of objects the table names without
/// child rows. Never overrides what the table says.
pub fn fill_from_example(fields: &mut [Field], object: &serde_json::Map<String, Value>) {
    for field in fields {
        let Some(value) = object.get(&field.name) else {
            continue;
        };
        fill_field(field, value);
    }
}

/// Keys of the example that a table-described object lacks: added, typed from the example
/// (a reply type without them would drop data), and returned as dotted paths so each one
/// gets a diagnostic.
pub fn add_missing(
    fields: &mut Vec<Field>,
    object: &serde_json::Map<String, Value>,
    path: &str,
    added: &mut Vec<String>,
) {
    for (key, value) in object {
        let child = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        match fields.iter_mut().find(|f| f.name == *key) {
            Some(field) => add_missing_within(field, value, &child, added),
            None => {
                let one = serde_json::Map::from_iter([(key.clone(), value.clone())]);
                fields.extend(fields_from_example(&one, &mut Vec::new()));
                added.push(child);
            }
        }
    }
}

fn add_missing_within(field: &mut Field, value: &Value, path: &str, added: &mut Vec<String>) {
    match (field.ty, value) {
        (FieldType::Object, Value::Object(object)) if !field.fields.is_empty() => {
            add_missing(&mut field.fields, object, path, added)
        }
        (FieldType::Array, Value::Array(elements)) => {
            if let Some(items) = field
                .items
                .as_mut()
                .filter(|i| i.ty == FieldType::Object && !i.fields.is_empty())
            {
                for element in elements.iter().filter_map(Value::as_object) {
                    add_missing(&mut items.fields, element, &format!("{path}[]"), added);
                }
            }
        }
        _ => {}
    }
}

fn fill_field(field: &mut Field, value: &Value) {
    match (field.ty, value) {
        (FieldType::Object, Value::Object(object)) => {
            if field.fields.is_empty() {
                let mut untyped = Vec::new();
                field.fields = fields_from_example(object, &mut untyped);
            } else {
                fill_from_example(&mut field.fields, object);
            }
        }
        (FieldType::Array, Value::Array(elements)) => {
            let items = field
                .items
                .get_or_insert_with(|| Box::new(Field::new("", FieldType::Any)));
            if items.ty == FieldType::Any {
                // The table left the element open: every element decides, not the first.
                let mut untyped = Vec::new();
                for element in elements {
                    merge_value(items, element, "", &mut untyped);
                }
            } else if items.ty == FieldType::Array {
                // Arrays of arrays: all inner elements together, for the same reason.
                let inner: Vec<Value> = elements
                    .iter()
                    .filter_map(Value::as_array)
                    .flatten()
                    .cloned()
                    .collect();
                fill_field(items, &Value::Array(inner));
            } else {
                for element in elements {
                    fill_field(items, element);
                }
            }
        }
        (FieldType::Any, value) => {
            let mut untyped = Vec::new();
            merge_value(field, value, "", &mut untyped);
        }
        _ => {}
    }
}

pub(crate) fn type_of(value: &Value) -> Option<FieldType> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(_) => FieldType::Bool,
        Value::Number(n) if n.is_f64() => FieldType::Float,
        Value::Number(n) => match n.as_i64().map(i32::try_from) {
            Some(Ok(_)) => FieldType::Int,
            _ => FieldType::Int64,
        },
        Value::String(_) => FieldType::String,
        Value::Array(_) => FieldType::Array,
        Value::Object(_) => FieldType::Object,
    })
}

/// Two observed types for one field: numbers widen, anything else becomes `any`.
pub(crate) fn widen(a: FieldType, b: FieldType) -> FieldType {
    use FieldType::*;
    match (a, b) {
        (Int, Int64) | (Int64, Int) => Int64,
        (Int | Int64, Float) | (Float, Int | Int64) => Float,
        _ => Any,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merges_array_elements_and_nests() {
        let example =
            json!({"items": [{"a": 1}, {"b": "x", "a": 2}], "s": {"id": "1"}, "n": null, "e": []});
        let mut untyped = Vec::new();
        let fields = fields_from_example(example.as_object().unwrap(), &mut untyped);
        let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["items", "s", "n", "e"]);
        let items = fields[0].items.as_ref().unwrap();
        assert_eq!(items.ty, FieldType::Object);
        let item_names: Vec<&str> = items.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(item_names, ["a", "b"]);
        assert_eq!(fields[1].fields[0].ty, FieldType::String);
        assert_eq!(untyped, ["n", "e[]"]);
    }
}
