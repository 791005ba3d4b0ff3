//! The intermediate spec (IR): one [`Spec`] per endpoint.
//!
//! This is the contract between parser and emitter, and other tools read its YAML form, so
//! the key names follow the format document, `docs/spec-format.md` in the repository,
//! exactly. Empty values are skipped so the YAML carries only what the page said. Every
//! closed set of values is an enum here with the document's spellings as serde names, so
//! neither side can write or read a value the other does not know.

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
    pub method: HttpMethod,
    /// As documented, `:param` form, no host.
    pub path: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Auth {
    /// The `…_access_token` kinds the endpoint accepts, in the order the page names them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tokens: Vec<TokenKind>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub app_types: Vec<AppType>,
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
    /// `application/json` or `multipart/form-data`; never octet-stream.
    pub content_type: ContentType,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// `application/json`, or `application/octet-stream` for a file's bytes.
    pub content_type: ContentType,
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
    pub token_in: TokenIn,
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

/// An HTTP method, upper case on the wire and in the YAML.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl HttpMethod {
    pub const ALL: [HttpMethod; 5] = [
        HttpMethod::Get,
        HttpMethod::Post,
        HttpMethod::Put,
        HttpMethod::Patch,
        HttpMethod::Delete,
    ];

    /// `GET`, as pages and the YAML write it.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
        }
    }

    /// The method a page names, in any case; `None` for any other word.
    pub fn from_name(name: &str) -> Option<HttpMethod> {
        Self::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(name.trim()))
    }
}

impl std::fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kind of access token an endpoint accepts (`tenant` for `tenant_access_token`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    Tenant,
    User,
    App,
}

impl TokenKind {
    pub const ALL: [TokenKind; 3] = [TokenKind::Tenant, TokenKind::User, TokenKind::App];

    /// `tenant`, as the YAML writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Tenant => "tenant",
            TokenKind::User => "user",
            TokenKind::App => "app",
        }
    }

    /// `tenant_access_token`, as pages write it.
    pub fn token_name(self) -> String {
        format!("{}_access_token", self.as_str())
    }

    /// The kind whose YAML name is `name`.
    pub fn from_name(name: &str) -> Option<TokenKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// The kind of app an endpoint is for: a self-built (`custom`) or marketplace (`isv`) one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppType {
    Custom,
    Isv,
}

impl AppType {
    /// The type a page's 支持的应用类型 cell names (`custom`, `isv`); `None` for others.
    pub fn from_name(name: &str) -> Option<AppType> {
        match name {
            "custom" => Some(AppType::Custom),
            "isv" => Some(AppType::Isv),
            _ => None,
        }
    }
}

/// The content types the IR knows, as their MIME names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ContentType {
    #[serde(rename = "application/json")]
    Json,
    #[serde(rename = "multipart/form-data")]
    Multipart,
    #[serde(rename = "application/octet-stream")]
    OctetStream,
}

impl ContentType {
    pub const ALL: [ContentType; 3] = [
        ContentType::Json,
        ContentType::Multipart,
        ContentType::OctetStream,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ContentType::Json => "application/json",
            ContentType::Multipart => "multipart/form-data",
            ContentType::OctetStream => "application/octet-stream",
        }
    }
}

/// Where a paged request carries its page token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenIn {
    Query,
    Body,
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
    /// A JSON number. The docs call it int32; the emitter writes `i64`, so any 64-bit
    /// integer fits (`docs/spec-format.md`, Types).
    Int,
    /// A 64-bit integer, sent as a JSON string (numbers are read too).
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
