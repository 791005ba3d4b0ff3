//! Corrections to the docs (`specs/overrides.yaml`): where the API sends something other
//! than the page says (a type, a required flag, a missing field). They are applied between
//! parse and emit, so they show in the checked-in IR, and each applied one is listed in
//! the spec's `overrides`.
//!
//! ```yaml
//! - endpoint: im.v1.message.create
//!   field: body.content            # path | query | header | body | response, then a.b[].c
//!   set: {type: string, required: true}
//! - endpoint: okr.v1.period.list
//!   field: response.items[].extra  # a field the page leaves out
//!   add: {type: string, description: 扩展字段}
//! - endpoint: okr.v1.period.list
//!   field: query.legacy
//!   remove: true
//! ```

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{EnumValue, Field, FieldType, Rules, Spec};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// Endpoint id, `service.version.resource.method`.
    pub endpoint: String,
    /// `body.a.b[].c`: section, then field names; `[]` steps into array items.
    pub field: String,
    /// Facts to change on an existing field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set: Option<Patch>,
    /// A field to add (its parent must exist).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add: Option<Patch>,
    /// Drop the field.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub remove: bool,
}

/// The facts an override may state; absent keys leave the field as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Patch {
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub ty: Option<FieldType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    #[serde(default, rename = "enum", skip_serializing_if = "Option::is_none")]
    pub enum_values: Option<Vec<EnumValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<Rules>,
    /// For `type: array`: the element type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<FieldType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<bool>,
}

/// Apply every override to the spec it names. Returns one message per override that
/// matched nothing (the endpoint or field is gone, or the override says nothing to do).
pub fn apply(specs: &mut [Spec], overrides: &[Override]) -> Vec<String> {
    let mut unmatched = Vec::new();
    for (i, o) in overrides.iter().enumerate() {
        let Some(spec) = specs.iter_mut().find(|s| s.id == o.endpoint) else {
            unmatched.push(format!(
                "override #{} ({} {}): no endpoint with this id",
                i + 1,
                o.endpoint,
                o.field
            ));
            continue;
        };
        match apply_one(spec, o) {
            Ok(note) => spec.overrides.push(note),
            Err(why) => unmatched.push(format!(
                "override #{} ({} {}): {why}",
                i + 1,
                o.endpoint,
                o.field
            )),
        }
    }
    unmatched
}

fn apply_one(spec: &mut Spec, o: &Override) -> Result<String, String> {
    let (section, rest) = o
        .field
        .split_once('.')
        .ok_or("field must be `<section>.<name>`")?;
    let fields = section_fields(spec, section).ok_or_else(|| format!("no section `{section}`"))?;
    let mut path: Vec<&str> = rest.split('.').collect();
    let last = path.pop().unwrap_or_default();
    let parent = descend(fields, &path).ok_or("no such parent field")?;
    let (name, into_items) = match last.strip_suffix("[]") {
        Some(name) => (name, true),
        None => (last, false),
    };
    if o.remove {
        let before = parent.len();
        parent.retain(|f| f.name != name);
        return if parent.len() < before {
            Ok(format!("{}: removed", o.field))
        } else {
            Err("no such field".into())
        };
    }
    if let Some(patch) = &o.add {
        if parent.iter().any(|f| f.name == name) {
            return Err("field exists already; use `set`".into());
        }
        let mut field = Field::new(name, patch.ty.unwrap_or(FieldType::String));
        field.required = Some(false);
        patch_field(&mut field, patch);
        parent.push(field);
        return Ok(format!("{}: added", o.field));
    }
    let patch = o
        .set
        .as_ref()
        .ok_or("nothing to do: give `set`, `add` or `remove`")?;
    let field = parent
        .iter_mut()
        .find(|f| f.name == name)
        .ok_or("no such field")?;
    let field = if into_items {
        field.items.as_deref_mut().ok_or("field has no items")?
    } else {
        field
    };
    patch_field(field, patch);
    Ok(format!("{}: set {}", o.field, describe(patch)))
}

fn section_fields<'a>(spec: &'a mut Spec, section: &str) -> Option<&'a mut Vec<Field>> {
    match section {
        "path" => Some(&mut spec.path_params),
        "query" => Some(&mut spec.query_params),
        "header" => Some(&mut spec.headers),
        "body" => spec.request.as_mut().map(|r| &mut r.fields),
        "response" => spec.response.as_mut().map(|r| &mut r.fields),
        _ => None,
    }
}

/// Follow `a`, `b[]`… from a field list to the list that holds the last segment.
fn descend<'a>(mut fields: &'a mut Vec<Field>, path: &[&str]) -> Option<&'a mut Vec<Field>> {
    for segment in path {
        let (name, into_items) = match segment.strip_suffix("[]") {
            Some(name) => (name, true),
            None => (*segment, false),
        };
        let field = fields.iter_mut().find(|f| f.name == name)?;
        fields = if into_items {
            &mut field.items.as_deref_mut()?.fields
        } else {
            &mut field.fields
        };
    }
    Some(fields)
}

fn patch_field(field: &mut Field, patch: &Patch) {
    if let Some(ty) = patch.ty {
        field.ty = ty;
        if ty == FieldType::Array && field.items.is_none() {
            field.items = Some(Box::new(Field::new(
                "",
                patch.items.unwrap_or(FieldType::Any),
            )));
        }
    }
    if let (Some(items), Some(element)) = (patch.items, field.items.as_deref_mut()) {
        element.ty = items;
    }
    if patch.required.is_some() {
        field.required = patch.required;
    }
    if patch.description.is_some() {
        field.description = patch.description.clone();
    }
    if patch.example.is_some() {
        field.example = patch.example.clone();
    }
    if patch.default.is_some() {
        field.default = patch.default.clone();
    }
    if let Some(values) = &patch.enum_values {
        field.enum_values = values.clone();
    }
    if let Some(rules) = &patch.rules {
        field.rules = rules.clone();
    }
    if let Some(deprecated) = patch.deprecated {
        field.deprecated = deprecated;
    }
}

/// `type=string, required=true`: what a `set` changed, for the spec's `overrides` list.
fn describe(patch: &Patch) -> String {
    let value = serde_json::to_value(patch).unwrap_or_default();
    let parts: Vec<String> = value
        .as_object()
        .map(|o| o.iter().map(|(k, v)| format!("{k}={v}")).collect())
        .unwrap_or_default();
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{ContentType, Http, HttpMethod, Request};

    fn spec() -> Spec {
        let mut items = Field::new("items", FieldType::Array);
        let mut element = Field::new("", FieldType::Object);
        element.fields.push(Field::new("id", FieldType::Int));
        items.items = Some(Box::new(element));
        Spec {
            id: "x.v1.y.list".into(),
            title: "t".into(),
            summary: None,
            source: "p.md".into(),
            http: Http {
                method: HttpMethod::Post,
                path: "/open-apis/x/v1/y".into(),
            },
            rate_limit: None,
            auth: Default::default(),
            path_params: vec![],
            query_params: vec![Field::new("legacy", FieldType::String)],
            headers: vec![],
            request: Some(Request {
                content_type: ContentType::Json,
                fields: vec![items],
                example: None,
            }),
            response: None,
            pagination: None,
            errors: vec![],
            sdk_names: Default::default(),
            overrides: vec![],
            diagnostics: vec![],
        }
    }

    fn o(field: &str) -> Override {
        Override {
            endpoint: "x.v1.y.list".into(),
            field: field.into(),
            set: None,
            add: None,
            remove: false,
        }
    }

    #[test]
    fn set_add_remove_and_report_what_matched_nothing() {
        let mut specs = vec![spec()];
        let overrides = vec![
            Override {
                set: Some(Patch {
                    ty: Some(FieldType::Int64),
                    ..Default::default()
                }),
                ..o("body.items[].id")
            },
            Override {
                add: Some(Patch {
                    ty: Some(FieldType::Bool),
                    ..Default::default()
                }),
                ..o("body.items[].ok")
            },
            Override {
                remove: true,
                ..o("query.legacy")
            },
            Override {
                remove: true,
                ..o("query.gone")
            },
            Override {
                endpoint: "z.v1.y.get".into(),
                ..o("body.items")
            },
        ];
        let unmatched = apply(&mut specs, &overrides);
        let fields = &specs[0].request.as_ref().unwrap().fields[0]
            .items
            .as_ref()
            .unwrap()
            .fields;
        assert_eq!(fields[0].ty, FieldType::Int64);
        assert_eq!(
            (fields[1].name.as_str(), fields[1].ty),
            ("ok", FieldType::Bool)
        );
        assert!(specs[0].query_params.is_empty());
        assert_eq!(
            specs[0].overrides,
            [
                "body.items[].id: set type=\"int64\"",
                "body.items[].ok: added",
                "query.legacy: removed"
            ]
        );
        assert_eq!(
            unmatched,
            [
                "override #4 (x.v1.y.list query.gone): no such field",
                "override #5 (z.v1.y.get body.items): no endpoint with this id"
            ]
        );
    }
}
