//! One endpoint → one OpenAPI operation object.

use serde_json::{Map, Value, json};

use crate::spec::{Field, Spec};

use super::schema::Schemas;
use super::shapes::Side;
use super::wire::{self, Body, Reply};

/// Headers OpenAPI describes elsewhere (security schemes, media types) and forbids as
/// header parameters.
const IMPLIED_HEADERS: &[&str] = &["authorization", "content-type", "accept"];

/// The operation for `spec`. `path_names` are the path template's parameter names in
/// order, as the document's path key spells them (another endpoint on the same path may
/// have given them their names).
pub fn operation(spec: &Spec, schemas: &Schemas, path_names: &[String]) -> Value {
    let mut op = Map::new();
    op.insert("operationId".into(), spec.id.clone().into());
    op.insert("tags".into(), json!([schemas.service]));
    op.insert("summary".into(), spec.title.clone().into());
    if let Some(summary) = spec.summary.as_ref().filter(|s| !s.is_empty()) {
        op.insert("description".into(), summary.clone().into());
    }
    let parameters = parameters(spec, schemas, path_names);
    if !parameters.is_empty() {
        op.insert("parameters".into(), Value::Array(parameters));
    }
    if let Some(body) = request_body(spec, schemas) {
        op.insert("requestBody".into(), body);
    }
    op.insert("responses".into(), responses(spec, schemas));
    let tokens = wire::tokens(spec);
    if !tokens.is_empty() {
        let scopes: Vec<Value> = spec
            .auth
            .scopes
            .iter()
            .map(|s| s.name.clone().into())
            .collect();
        let security: Vec<Value> = tokens
            .iter()
            .map(|t| json!({ t.scheme(): scopes }))
            .collect();
        op.insert("security".into(), Value::Array(security));
    }
    extensions(spec, &mut op);
    Value::Object(op)
}

/// Path parameters in template order (every template name has one, documented or not),
/// then query parameters, then the headers a caller sets.
fn parameters(spec: &Spec, schemas: &Schemas, path_names: &[String]) -> Vec<Value> {
    let documented = crate::spec::check::path_param_names(&spec.http.path);
    let mut out = Vec::new();
    for (position, name) in path_names.iter().enumerate() {
        let own = documented.get(position).copied().unwrap_or(name.as_str());
        let field = spec.path_params.iter().find(|f| f.name == own);
        let mut param = match field {
            Some(field) => parameter(field, "path", schemas),
            None => json!({
                "in": "path",
                "schema": {"type": "string"},
                "description": "Not described on the page.",
            }),
        };
        param["name"] = name.clone().into();
        param["required"] = true.into();
        out.push(param);
    }
    // A name listed twice in one place is one parameter (the first row).
    let mut seen = std::collections::HashSet::new();
    for field in &spec.query_params {
        if seen.insert(("query", field.name.clone())) {
            out.push(parameter(field, "query", schemas));
        }
    }
    for field in &spec.headers {
        let lower = field.name.to_ascii_lowercase();
        if !IMPLIED_HEADERS.contains(&lower.as_str()) && seen.insert(("header", lower)) {
            out.push(parameter(field, "header", schemas));
        }
    }
    out
}

fn parameter(field: &Field, place: &str, schemas: &Schemas) -> Value {
    let mut schema = schemas.field(field, Side::Request);
    let description = schema.as_object_mut().and_then(|s| s.remove("description"));
    let mut param = Map::new();
    param.insert("name".into(), field.name.clone().into());
    param.insert("in".into(), place.into());
    if let Some(description) = description {
        param.insert("description".into(), description);
    }
    if field.is_required() {
        param.insert("required".into(), true.into());
    }
    if field.deprecated {
        param.insert("deprecated".into(), true.into());
    }
    param.insert("schema".into(), schema);
    Value::Object(param)
}

/// The JSON body or multipart form, when the page documents one.
fn request_body(spec: &Spec, schemas: &Schemas) -> Option<Value> {
    let request = spec.request.as_ref()?;
    if request.fields.is_empty() && request.example.is_none() {
        return None;
    }
    let body = wire::request_body(request);
    let media_type = match body {
        Body::Json => "application/json",
        Body::Multipart => "multipart/form-data",
    };
    let mut media = Map::new();
    media.insert(
        "schema".into(),
        schemas.object(&request.fields, Side::Request),
    );
    // A form's example is a JSON rendering of its parts, not what is sent.
    if body == Body::Json
        && let Some(example) = &request.example
    {
        media.insert("example".into(), example.clone());
    }
    let required = request.fields.iter().any(Field::is_required);
    Some(json!({
        "required": required,
        "content": { media_type: media },
    }))
}

/// `200` with the `{code, msg, data}` envelope (or the file's bytes), one response per
/// HTTP status the error table names, and `default` for any other error envelope.
fn responses(spec: &Spec, schemas: &Schemas) -> Value {
    let mut out = Map::new();
    let response = spec.response.as_ref();
    let ok = match wire::reply(response) {
        Reply::Bytes => json!({
            "description": "The file's bytes.",
            "content": {"application/octet-stream": {"schema": {
                "type": "string", "format": "binary", "contentMediaType": "application/octet-stream"
            }}},
        }),
        Reply::Json => {
            let fields = response.map(|r| r.fields.as_slice()).unwrap_or_default();
            let mut data = schemas.object(fields, Side::Response);
            if fields.is_empty() {
                data = json!({"type": "object"});
            }
            let mut media = Map::new();
            media.insert("schema".into(), envelope(data));
            if let Some(example) = response.and_then(|r| r.example.as_ref()) {
                media.insert("example".into(), example.clone());
            }
            json!({
                "description": "Success: `code` is 0 and `data` holds the reply.",
                "content": {"application/json": media},
            })
        }
    };
    out.insert("200".into(), ok);
    let mut statuses: Vec<u16> = spec
        .errors
        .iter()
        .map(|e| e.http_status)
        .filter(|s| (400..600).contains(s))
        .collect();
    statuses.sort_unstable();
    statuses.dedup();
    for status in statuses {
        let codes: Vec<String> = spec
            .errors
            .iter()
            .filter(|e| e.http_status == status)
            .map(|e| format!("`{}` {}", e.code, e.message))
            .collect();
        out.insert(
            status.to_string(),
            json!({
                "description": format!("Documented errors: {}", codes.join("; ")),
                "content": {"application/json": {"schema": {"$ref": ERROR_REF}}},
            }),
        );
    }
    out.insert(
        "default".into(),
        json!({
            "description": "Any other error: the envelope with a non-zero `code`.",
            "content": {"application/json": {"schema": {"$ref": ERROR_REF}}},
        }),
    );
    Value::Object(out)
}

pub const ERROR_REF: &str = "#/components/schemas/feishu.Error";

/// The reply envelope around `data`.
fn envelope(data: Value) -> Value {
    json!({
        "type": "object",
        "properties": {
            "code": {"type": "integer", "description": "0 on success, else the error code."},
            "msg": {"type": "string"},
            "data": data,
        },
        "required": ["code"],
    })
}

/// The envelope of an error reply, shared by every operation.
pub fn error_schema() -> Value {
    json!({
        "type": "object",
        "description": "A Feishu error reply: `code` is not 0; `msg` says why.",
        "properties": {
            "code": {"type": "integer"},
            "msg": {"type": "string"},
            "error": {"type": "object", "description": "Details such as `log_id`, when Feishu sends them."},
        },
        "required": ["code"],
    })
}

/// What OpenAPI has no keyword for: errors, pagination, rate limit, scopes with their
/// descriptions, app types, SDK call names and the source page.
fn extensions(spec: &Spec, op: &mut Map<String, Value>) {
    if !spec.errors.is_empty() {
        let errors: Vec<Value> = spec
            .errors
            .iter()
            .map(|e| {
                let mut error = json!({
                    "http_status": e.http_status,
                    "code": e.code,
                    "message": e.message,
                });
                if let Some(hint) = &e.hint {
                    error["hint"] = hint.clone().into();
                }
                error
            })
            .collect();
        op.insert("x-feishu-errors".into(), Value::Array(errors));
    }
    if let Some(paging) = &spec.pagination {
        let mut value = json!({
            "token_param": paging.token_param,
            "token_in": wire::token_in(paging),
            "has_more_field": paging.has_more_field,
            "next_token_field": paging.next_token_field,
        });
        if let Some(size) = &paging.size_param {
            value["size_param"] = size.clone().into();
        }
        if let Some(items) = &paging.items_field {
            value["items_field"] = items.clone().into();
        }
        op.insert("x-feishu-pagination".into(), value);
    }
    if let Some(limit) = &spec.rate_limit {
        op.insert("x-feishu-rate-limit".into(), limit.clone().into());
    }
    if !spec.auth.scopes.is_empty() {
        let scopes: Vec<Value> = spec
            .auth
            .scopes
            .iter()
            .map(|s| match &s.description {
                Some(d) => json!({"name": s.name, "description": d}),
                None => json!({"name": s.name}),
            })
            .collect();
        op.insert("x-feishu-scopes".into(), Value::Array(scopes));
    }
    let app_types = wire::app_types(spec);
    if !app_types.is_empty() {
        op.insert("x-feishu-app-types".into(), json!(app_types));
    }
    if !spec.sdk_names.is_empty() {
        op.insert("x-feishu-sdk-names".into(), json!(spec.sdk_names));
    }
    op.insert("x-feishu-source".into(), spec.source.clone().into());
}
