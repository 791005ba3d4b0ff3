//! Specs → one OpenAPI 3.1 document, so tools other than this generator can read the IR.
//! Pure, like the emitter: the caller reads the specs and writes the file.
//!
//! Every endpoint is an operation (`operationId` = the endpoint id, tagged with its
//! service); nested objects that the Rust crate shares are `components.schemas` under the
//! same names (`<service>.<Type>`); what OpenAPI has no keyword for (error tables, paged
//! lists, rate limits, scopes' descriptions) is in `x-feishu-…` extensions.

mod operation;
mod paths;
mod schema;
mod shapes;
#[cfg(test)]
mod tests;
mod wire;

use serde_json::{Map, Value, json};

use crate::spec::Spec;

pub use shapes::service_of;

/// The version of OpenAPI the document follows.
pub const OPENAPI_VERSION: &str = "3.1.0";

/// Specs the exporter cannot put in one document, with the endpoints concerned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct OpenApiError(pub String);

/// The document for these specs. Deterministic: the same specs in any order give the
/// same document (paths, components and tags are sorted).
pub fn document(specs: &[Spec]) -> Result<Value, OpenApiError> {
    let mut specs: Vec<Spec> = specs.to_vec();
    specs.sort_by(|a, b| a.id.cmp(&b.id));
    for pair in specs.windows(2) {
        if pair[0].id == pair[1].id {
            return Err(OpenApiError(format!(
                "endpoint id `{}` is used by both {} and {}",
                pair[0].id, pair[0].source, pair[1].source
            )));
        }
    }
    let shared = shapes::collect(&specs);
    let paths = paths::paths(&specs, &shared)?;
    let mut tags: Vec<&str> = specs.iter().map(service_of).collect();
    tags.dedup();
    let tags: Vec<Value> = tags
        .into_iter()
        .map(|t| json!({"name": t, "description": format!("The `{t}` service.")}))
        .collect();
    let mut schemas = Map::new();
    schemas.insert("feishu.Error".into(), operation::error_schema());
    for (name, component) in &shared.components {
        let service = name.split('.').next().unwrap_or_default();
        let builder = schema::Schemas {
            shared: &shared,
            service,
        };
        let mut value = builder.object(&component.fields, component.side);
        value["description"] = component.description.clone().into();
        schemas.insert(name.clone(), value);
    }
    for (name, field) in &shared.enums {
        let mut value = Map::new();
        value.insert("type".into(), enum_type(field).into());
        schema::enum_keywords(&mut value, field);
        value.insert(
            "description".into(),
            format!("The values of `{}` several endpoints list.", field.name).into(),
        );
        schemas.insert(name.clone(), Value::Object(value));
    }
    schemas.sort_keys();
    Ok(json!({
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Feishu / Lark Open Platform API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": format!(
                "Exported by feishu-codegen {} from {} endpoint spec(s) read from the Feishu \
                 documentation. Every reply is the `{{code, msg, data}}` envelope; a request \
                 that Feishu refuses still has HTTP status 200 for many errors, with a \
                 non-zero `code`.",
                env!("CARGO_PKG_VERSION"),
                specs.len()
            ),
        },
        "servers": [
            {"url": "https://open.feishu.cn", "description": "Feishu"},
            {"url": "https://open.larksuite.com", "description": "Lark"},
        ],
        "tags": tags,
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": security_schemes(),
        },
    }))
}

/// A listed value's JSON type.
fn enum_type(field: &crate::spec::Field) -> &'static str {
    match field.ty {
        crate::spec::FieldType::Int => "integer",
        _ => "string",
    }
}

/// The three access tokens, each sent as `Authorization: Bearer <token>`. Operations list
/// the scopes (permissions) they need as the requirement's roles.
fn security_schemes() -> Value {
    let mut schemes = Map::new();
    for token in wire::Token::ALL {
        let description = match token {
            wire::Token::Tenant => {
                "tenant_access_token: the app acting in one tenant (from `auth/v3/tenant_access_token`)."
            }
            wire::Token::User => {
                "user_access_token: the app acting for a signed-in user (from the OAuth flow)."
            }
            wire::Token::App => {
                "app_access_token: the app itself (from `auth/v3/app_access_token`)."
            }
        };
        schemes.insert(
            token.scheme().into(),
            json!({"type": "http", "scheme": "bearer", "description": description}),
        );
    }
    Value::Object(schemes)
}

/// The document as pretty JSON with a final newline.
pub fn to_json(document: &Value) -> String {
    let mut text = serde_json::to_string_pretty(document).unwrap_or_default();
    text.push('\n');
    text
}
