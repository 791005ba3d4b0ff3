//! IR fields → JSON Schema (2020-12, as OpenAPI 3.1 uses it).
//!
//! Request-side schemas carry the page's required flags and rules as JSON Schema keywords;
//! reply-side schemas, like the Rust client's reply types, require and check nothing
//! (a reply may leave anything out), so one shared reply component fits every endpoint
//! that uses it.

use serde_json::{Map, Value, json};

use crate::spec::{Field, FieldType, Rules};

use super::shapes::{Shared, Side, element, enum_values, int_value, is_enum};

/// Builds schemas for one service's fields, referring to its shared components.
pub struct Schemas<'a> {
    pub shared: &'a Shared,
    pub service: &'a str,
}

impl Schemas<'_> {
    /// The schema of one field (its own description, example, default and rules included).
    pub fn field(&self, field: &Field, side: Side) -> Value {
        self.named(&field.name, field, side)
    }

    /// [`Schemas::field`] for a field whose type the Rust emitter names after `name`.
    fn named(&self, name: &str, field: &Field, side: Side) -> Value {
        let mut schema = self.shape(name, field, side);
        if schema.contains_key("$ref") {
            // Beside `$ref` only annotations: the component holds the shape. A shared
            // enum's default and example are this field's own.
            annotate(&mut schema, field, is_enum(field));
            return Value::Object(schema);
        }
        annotate(&mut schema, field, true);
        if side == Side::Request {
            rules(&mut schema, field.ty, &field.rules);
        }
        Value::Object(schema)
    }

    /// The type part of a field's schema.
    fn shape(&self, name: &str, field: &Field, side: Side) -> Map<String, Value> {
        let schema = match field.ty {
            FieldType::String => json!({"type": "string"}),
            FieldType::Int => json!({"type": "integer", "format": "int32"}),
            FieldType::Int64 => json!({"type": "string", "format": "int64"}),
            FieldType::Float => json!({"type": "number"}),
            FieldType::Bool => json!({"type": "boolean"}),
            FieldType::File => binary(),
            FieldType::Any => json!({}),
            FieldType::Object if field.fields.is_empty() => json!({"type": "object"}),
            FieldType::Object => {
                match self
                    .shared
                    .component_of(self.service, name, side, &field.fields)
                {
                    Some(component) => Value::Object(json_ref(component)),
                    None => self.object(&field.fields, side),
                }
            }
            FieldType::Array => {
                let items = element(field, name)
                    .map(|e| {
                        // The element is named after the array (`items` → `item`).
                        let mut schema = self.named(&e.name, &e, side);
                        strip_element_annotations(&mut schema);
                        schema
                    })
                    .unwrap_or_else(|| json!({}));
                json!({"type": "array", "items": items})
            }
            FieldType::Map => {
                let values = field
                    .values
                    .as_deref()
                    .map(|v| self.named(&format!("{}_value", name), v, side))
                    .unwrap_or(Value::Bool(true));
                json!({"type": "object", "additionalProperties": values})
            }
        };
        let Value::Object(mut schema) = schema else {
            return Map::new();
        };
        if is_enum(field) {
            let mut named = field.clone();
            named.name = name.to_string();
            if let Some(component) = self.shared.enum_of(self.service, &named) {
                return json_ref(component);
            }
            enum_keywords(&mut schema, field);
        }
        schema
    }

    /// An object with these members: `required` only on the request side, a member
    /// listed twice taken once (the first time).
    pub fn object(&self, fields: &[Field], side: Side) -> Value {
        let side = super::shapes::side_of(side, fields);
        let mut properties = Map::new();
        let mut required = Vec::new();
        for field in fields {
            if properties.contains_key(&field.name) {
                continue;
            }
            properties.insert(field.name.clone(), self.field(field, side));
            if side == Side::Request && field.is_required() {
                required.push(Value::String(field.name.clone()));
            }
        }
        let mut schema = Map::new();
        schema.insert("type".into(), "object".into());
        schema.insert("properties".into(), Value::Object(properties));
        if !required.is_empty() {
            schema.insert("required".into(), Value::Array(required));
        }
        Value::Object(schema)
    }
}

/// A file's bytes: `contentMediaType` is OpenAPI 3.1's way, `format: binary` the one
/// most generators still read.
fn binary() -> Value {
    json!({"type": "string", "format": "binary", "contentMediaType": "application/octet-stream"})
}

/// Whether a body field holds files (one, or several under one name).
pub fn is_file(field: &Field) -> bool {
    field.ty == FieldType::File
        || (field.ty == FieldType::Array
            && field
                .items
                .as_deref()
                .is_some_and(|i| i.ty == FieldType::File))
}

/// `enum` with the listed values as the wire type has them, and their descriptions in
/// `x-enum-descriptions` (same order), which several generators read.
pub fn enum_keywords(schema: &mut Map<String, Value>, field: &Field) {
    let values = enum_values(field);
    let descriptions: Vec<Value> = values
        .iter()
        .map(|(_, d)| d.clone().unwrap_or_default().into())
        .collect();
    schema.insert(
        "enum".into(),
        Value::Array(values.into_iter().map(|(v, _)| v).collect()),
    );
    if descriptions.iter().any(|d| d != "") {
        schema.insert("x-enum-descriptions".into(), Value::Array(descriptions));
    }
}

/// Description, default, example and deprecation, where the page gives them. `full` is
/// false beside a `$ref`, where only the description and deprecation are said.
fn annotate(schema: &mut Map<String, Value>, field: &Field, full: bool) {
    if let Some(description) = field.description.as_ref().filter(|d| !d.is_empty()) {
        schema.insert("description".into(), description.clone().into());
    }
    if field.deprecated {
        schema.insert("deprecated".into(), true.into());
    }
    if !full {
        return;
    }
    if let Some(default) = &field.default {
        // A default the field's own schema refuses (`"false，即不设置颜色"` for a bool, a
        // value the list leaves out) is kept as the page wrote it, beside the schema.
        let key = if fits(field, default) {
            "default"
        } else {
            "x-feishu-default"
        };
        schema.insert(key.into(), default.clone());
    }
    // A file's example is prose ("二进制文件"), not bytes.
    if let Some(example) = field
        .example
        .as_ref()
        .filter(|_| field.ty != FieldType::File)
    {
        schema.insert("examples".into(), Value::Array(vec![example.clone()]));
    }
}

/// An array element's own description and example repeat the array's: keep them once.
fn strip_element_annotations(schema: &mut Value) {
    if let Value::Object(map) = schema {
        map.remove("description");
        map.remove("examples");
    }
}

/// The page's validation rules as JSON Schema keywords, for the types they apply to. An
/// int64 travels as a string, where `minimum` would mean nothing, so its bounds are
/// `x-feishu-minimum` / `x-feishu-maximum`.
fn rules(schema: &mut Map<String, Value>, ty: FieldType, rules: &Rules) {
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            schema.insert(key.to_string(), value);
        }
    };
    match ty {
        FieldType::String => {
            put("minLength", rules.min_length.map(Value::from));
            put("maxLength", rules.max_length.map(Value::from));
        }
        FieldType::Int | FieldType::Float => {
            put("minimum", rules.min.clone().map(Value::Number));
            put("maximum", rules.max.clone().map(Value::Number));
        }
        FieldType::Int64 => {
            put("x-feishu-minimum", rules.min.clone().map(Value::Number));
            put("x-feishu-maximum", rules.max.clone().map(Value::Number));
        }
        FieldType::Array => {
            put("minItems", rules.min_items.map(Value::from));
            put("maxItems", rules.max_items.map(Value::from));
        }
        _ => {}
    }
    if matches!(ty, FieldType::String | FieldType::Int64) {
        pattern(schema, rules);
    }
}

/// The Rust client checks a pattern against the whole value (`^(?:…)$`) and skips one its
/// regex engine cannot read; the document says the same: an anchored `pattern`, or the
/// page's text in `x-feishu-pattern` when it is no valid regex (`[_-@]`, say).
fn pattern(schema: &mut Map<String, Value>, rules: &Rules) {
    let Some(pattern) = &rules.pattern else {
        return;
    };
    let anchored =
        if pattern.starts_with('^') && pattern.ends_with('$') && !pattern.ends_with("\\$") {
            pattern.clone()
        } else {
            format!("^(?:{pattern})$")
        };
    if regex_syntax::Parser::new().parse(&anchored).is_ok() {
        schema.insert("pattern".into(), anchored.into());
    } else {
        schema.insert("x-feishu-pattern".into(), pattern.clone().into());
    }
}

/// Whether a value is one the field's schema accepts: its type, its listed values and
/// its bounds (not its pattern, which the Rust client may not read either).
fn fits(field: &Field, value: &Value) -> bool {
    let r = &field.rules;
    let within = |n: f64| {
        r.min
            .as_ref()
            .and_then(|m| m.as_f64())
            .is_none_or(|m| n >= m)
            && r.max
                .as_ref()
                .and_then(|m| m.as_f64())
                .is_none_or(|m| n <= m)
    };
    let listed = || {
        !is_enum(field)
            || field.enum_values.iter().any(|v| match field.ty {
                FieldType::Int => int_value(&v.value) == int_value(value),
                _ => v.value == *value,
            })
    };
    match (field.ty, value) {
        (FieldType::String, Value::String(s)) => {
            let chars = s.chars().count() as u64;
            listed()
                && r.min_length.is_none_or(|m| chars >= m)
                && r.max_length.is_none_or(|m| chars <= m)
        }
        (FieldType::Int, Value::Number(n)) => {
            n.as_i64()
                .is_some_and(|i| i32::try_from(i).is_ok() && within(i as f64))
                && listed()
        }
        (FieldType::Int64, Value::String(s)) => s.parse::<i64>().is_ok(),
        (FieldType::Float, Value::Number(n)) => n.as_f64().is_some_and(within),
        (FieldType::Bool, Value::Bool(_)) => true,
        (FieldType::Array, Value::Array(items)) => {
            let len = items.len() as u64;
            r.min_items.is_none_or(|m| len >= m) && r.max_items.is_none_or(|m| len <= m)
        }
        (FieldType::Object | FieldType::Map, Value::Object(_)) => true,
        (FieldType::Any, _) => true,
        _ => false,
    }
}

/// A reference to a component schema.
fn json_ref(component: &str) -> Map<String, Value> {
    let mut schema = Map::new();
    schema.insert(
        "$ref".into(),
        format!("#/components/schemas/{component}").into(),
    );
    schema
}
