//! The intermediate spec (IR): one [`Spec`] per endpoint.
//!
//! This is the contract between parser and emitter, and other tools read its YAML form, so
//! the key names follow `spec-format.md` exactly. Empty values are skipped so the YAML
//! carries only what the page said.

pub mod check;
pub mod overrides;
pub mod yaml;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::diagnostics::Diagnostic;

/// One endpoint, as read from one documentation page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Spec {
    /// `service.version.resource.method`, snake_case.
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// The page, relative to the repository root (or as given on the command line).
    pub source: String,
    pub http: Http,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<String>,
    #[serde(default, skip_serializing_if = "Auth::is_empty")]
    pub auth: Auth,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path_params: Vec<Field>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub query_params: Vec<Field>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<Field>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<Request>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<Response>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<Pagination>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ErrorCode>,
    /// SDK language (`python`, `go`, `java`, `nodejs`) → the call the page's sample makes.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sdk_names: BTreeMap<String, String>,
    /// Corrections from `specs/overrides.yaml` applied to this endpoint, one line each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Http {
    /// Upper case: GET POST PUT PATCH DELETE.
    pub method: String,
    /// As documented, `:param` form, no host.
    pub path: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Auth {
    /// `tenant` | `user` | `app` (the `…_access_token` kinds the endpoint accepts).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tokens: Vec<String>,
    /// `custom` | `isv`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub app_types: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<Scope>,
}

impl Auth {
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty() && self.app_types.is_empty() && self.scopes.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scope {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub content_type: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    pub content_type: String,
    /// The fields of `data` (not `code` / `msg`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields_from: Option<FieldsFrom>,
    /// The whole documented reply, `code` and `msg` included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldsFrom {
    Table,
    Example,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pagination {
    pub token_param: String,
    /// `query` | `body`.
    pub token_in: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_param: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items_field: Option<String>,
    pub has_more_field: String,
    pub next_token_field: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorCode {
    pub http_status: u16,
    pub code: i64,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// A parameter, body field or response field. Without a name it describes an array
/// element (`items`) or a map value (`values`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// The wire name, exactly as documented.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(rename = "type")]
    pub ty: FieldType,
    /// Absent for `items` / `values`, where it means nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    #[serde(default, rename = "enum", skip_serializing_if = "Vec::is_empty")]
    pub enum_values: Vec<EnumValue>,
    #[serde(default, skip_serializing_if = "Rules::is_empty")]
    pub rules: Rules,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<Field>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Box<Field>>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
}

impl Field {
    /// A named field of the given type with nothing else known yet.
    pub fn new(name: impl Into<String>, ty: FieldType) -> Self {
        Field {
            name: name.into(),
            ty,
            required: None,
            description: None,
            example: None,
            default: None,
            enum_values: Vec::new(),
            rules: Rules::default(),
            fields: Vec::new(),
            items: None,
            values: None,
            deprecated: false,
        }
    }

    pub fn is_required(&self) -> bool {
        self.required == Some(true)
    }

    /// This field and every field inside it (children, array items, map values), depth first.
    pub fn descendants(&self) -> Vec<&Field> {
        let mut out = vec![self];
        let mut i = 0;
        while i < out.len() {
            let field = out[i];
            let inner = field
                .fields
                .iter()
                .chain(field.items.as_deref())
                .chain(field.values.as_deref());
            out.splice(i + 1..i + 1, inner);
            i += 1;
        }
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    String,
    /// A JSON number that fits i32.
    Int,
    /// A 64-bit integer, sent as a JSON string.
    Int64,
    Float,
    Bool,
    Object,
    Array,
    Map,
    File,
    Any,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnumValue {
    pub value: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Validation rules from `**数据校验规则**`. Lengths count characters, not bytes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Rules {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<serde_json::Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<serde_json::Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
}

impl Rules {
    pub fn is_empty(&self) -> bool {
        *self == Rules::default()
    }
}

impl Spec {
    /// The file this spec is written to, relative to the IR root:
    /// `<service>/<version>/<resource>/<method>.yaml`.
    pub fn ir_path(&self) -> String {
        format!("{}.yaml", self.id.replace('.', "/"))
    }

    /// The top-level fields of every part: parameters, headers, body, response `data`.
    pub fn top_level_fields(&self) -> impl Iterator<Item = &Field> {
        self.path_params
            .iter()
            .chain(&self.query_params)
            .chain(&self.headers)
            .chain(self.request.iter().flat_map(|r| &r.fields))
            .chain(self.response.iter().flat_map(|r| &r.fields))
    }

    /// Every field at any depth.
    pub fn all_fields(&self) -> Vec<&Field> {
        self.top_level_fields()
            .flat_map(Field::descendants)
            .collect()
    }

    /// True when the parser reported an error for this page.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}
