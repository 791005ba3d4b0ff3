//! Pages that contradict themselves: the table says one type, the example shows another.
//! The table wins (it is the documented contract); each clash becomes a diagnostic so the
//! page can be listed and fixed, or overridden.

use serde_json::Value;

use crate::spec::{Field, FieldType};

/// Every field (at any depth) whose example value does not fit its documented type, as
/// `path: the table says X, the example has Y`.
pub fn clashes(
    fields: &[Field],
    example: &serde_json::Map<String, Value>,
    prefix: &str,
) -> Vec<String> {
    let mut out = Vec::new();
    object(fields, example, prefix, &mut out);
    out
}

fn object(
    fields: &[Field],
    example: &serde_json::Map<String, Value>,
    prefix: &str,
    out: &mut Vec<String>,
) {
    // A request example that sends a field its table does not document: the body type
    // cannot send it (a reply's extra fields are added to its type instead).
    if prefix.starts_with("body") && !fields.is_empty() {
        for key in example
            .keys()
            .filter(|k| !fields.iter().any(|f| &f.name == *k))
        {
            out.push(format!(
                "`{prefix}.{key}`: the example sends it, the table does not document it"
            ));
        }
    }
    for field in fields {
        let path = format!("{prefix}.{}", field.name);
        match example.get(&field.name) {
            Some(value) => check(field, value, &path, out),
            // Only request tables mark fields required; a reply's example may omit anything.
            None if field.is_required() => out.push(format!(
                "`{path}`: the table says required, the example leaves it out"
            )),
            None => {}
        }
    }
}

fn check(field: &Field, value: &Value, path: &str, out: &mut Vec<String>) {
    if value.is_null() || fits(field.ty, value) {
        match (value, field.ty) {
            (Value::Object(map), FieldType::Object) => object(&field.fields, map, path, out),
            (Value::Object(map), FieldType::Map) => {
                if let Some(values) = &field.values
                    && let Some(value) = map.values().find(|v| !v.is_null() && !fits(values.ty, v))
                {
                    out.push(clash(&format!("{path}{{}}"), values.ty, value));
                }
            }
            (Value::Array(elements), FieldType::Array) => {
                if let Some(items) = &field.items {
                    // Every element (arrays of arrays too), but one clash per array at most.
                    for element in elements.iter().filter(|e| !e.is_null()) {
                        let before = out.len();
                        check(items, element, &format!("{path}[]"), out);
                        if out.len() > before {
                            break;
                        }
                    }
                }
            }
            _ => {}
        }
        return;
    }
    out.push(clash(path, field.ty, value));
}

fn clash(path: &str, ty: FieldType, value: &Value) -> String {
    let shown = serde_json::to_value(ty)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    format!(
        "`{path}`: the table says {shown}, the example has {}",
        kind(value)
    )
}

/// Whether a JSON value can be read as the documented type. Numbers in strings are what
/// the docs do for `int64` and often for `string` ids, so strings and numbers are lenient
/// in that direction only.
fn fits(ty: FieldType, value: &Value) -> bool {
    match ty {
        FieldType::String | FieldType::File => value.is_string(),
        FieldType::Int64 => value.is_string() || value.is_i64() || value.is_u64(),
        FieldType::Int => value.is_i64() || value.is_u64(),
        FieldType::Float => value.is_number(),
        FieldType::Bool => value.is_boolean(),
        FieldType::Object | FieldType::Map => value.is_object(),
        FieldType::Array => value.is_array(),
        FieldType::Any => true,
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a decimal number",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn table_against_example() {
        let mut ids = Field::new("ids", FieldType::Object);
        ids.fields.push(Field::new("x", FieldType::Int));
        let mut list = Field::new("list", FieldType::Array);
        list.items = Some(Box::new(Field::new("", FieldType::Int)));
        let fields = vec![
            Field::new("name", FieldType::String),
            ids,
            list,
            Field::new("n", FieldType::Int64),
        ];
        let example = json!({"name": 1, "ids": [1], "list": [1, "2"], "n": "12"});
        assert_eq!(
            clashes(&fields, example.as_object().unwrap(), "body"),
            [
                "`body.name`: the table says string, the example has an integer",
                "`body.ids`: the table says object, the example has an array",
                "`body.list[]`: the table says int, the example has a string",
            ]
        );
    }

    #[test]
    fn map_values_and_missing_required_fields() {
        let mut names = Field::new("names", FieldType::Map);
        names.values = Some(Box::new(Field::new("", FieldType::String)));
        let mut id = Field::new("id", FieldType::String);
        id.required = Some(true);
        let optional = Field::new("note", FieldType::String);
        let fields = vec![names, id, optional];
        let example = json!({"names": {"zh": "名", "code": 2052}, "extra": 1});
        assert_eq!(
            clashes(&fields, example.as_object().unwrap(), "body"),
            [
                "`body.extra`: the example sends it, the table does not document it",
                "`body.names{}`: the table says string, the example has an integer",
                "`body.id`: the table says required, the example leaves it out",
            ]
        );
        // Replies may carry more than their table says: not a clash.
        assert_eq!(
            clashes(&fields[..1], example.as_object().unwrap(), "response"),
            ["`response.names{}`: the table says string, the example has an integer"]
        );
    }
}
