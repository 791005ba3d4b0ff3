//! Front end for the "pipe" rendering: `## 请求` with a `| 基本 | |` table, then
//! `### 路径参数` / `### 查询参数` / `### 请求体` tables, `**请求体示例**`, `### 响应` with
//! `**响应示例**`, `### 错误码` and `### 调用示例`.

use std::collections::BTreeMap;

use heck::ToSnakeCase;
use serde_json::Value;

use super::blocks::{Block, Row, Table};
use super::cell::{parse_rules, read_cell, typed_value};
use super::infer::fields_from_example;
use super::types::{element, read_type};
use super::{Outcome, sdk};
use crate::diagnostics::{Diagnostic, Kind};
use crate::spec::{
    Auth, EnumValue, ErrorCode, Field, FieldType, FieldsFrom, Http, Pagination, Request, Response,
    Scope, Spec,
};

const BASICS: &str = "基本";

/// The sections of a pipe page a block can sit under.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Section {
    Intro,
    Other,
    Headers,
    PathParams,
    QueryParams,
    Body,
    Response,
    Errors,
    Samples,
}

fn section_of(heading: &str) -> Section {
    match heading {
        "请求头" => Section::Headers,
        "路径参数" => Section::PathParams,
        "查询参数" => Section::QueryParams,
        "请求体" => Section::Body,
        "响应" | "响应体" => Section::Response,
        "错误码" => Section::Errors,
        "调用示例" => Section::Samples,
        _ => Section::Other,
    }
}

pub fn is_pipe_page(blocks: &[Block]) -> bool {
    blocks.iter().any(|b| basics_table(b).is_some())
}

fn basics_table(block: &Block) -> Option<&Table> {
    match block {
        Block::Table(t) if t.header.first().is_some_and(|c| c.text == BASICS) => Some(t),
        _ => None,
    }
}

/// Everything read so far, before it becomes a spec.
#[derive(Default)]
struct Page {
    title: Option<String>,
    summary: Option<String>,
    method: Option<String>,
    path: Option<String>,
    rate_limit: Option<String>,
    auth: Auth,
    path_params: Vec<Field>,
    query_params: Vec<Field>,
    headers: Vec<Field>,
    body: Vec<Field>,
    request_example: Option<Value>,
    response_example: Option<Value>,
    errors: Vec<ErrorCode>,
    sdk_names: BTreeMap<String, String>,
    diagnostics: Vec<Diagnostic>,
}

pub fn read(source: &str, blocks: &[Block]) -> Outcome {
    let mut page = Page::default();
    let mut section = Section::Intro;
    // The bold label (`**请求体示例**:`) that the next code block belongs to.
    let mut label: Option<String> = None;
    let mut basics_line = 1;
    let mut section_level = 0;

    for block in blocks {
        match block {
            Block::Heading { text, level, .. } => {
                if page.title.is_none() && *level <= 2 {
                    page.title = Some(text.clone());
                    continue;
                }
                // Sub-headings (`#### Golang SDK`) stay in their section.
                let named = section_of(text);
                if named != Section::Other || *level <= section_level {
                    section = named;
                    section_level = *level;
                }
                label = None;
            }
            Block::Paragraph { text, .. } => {
                if section == Section::Intro && page.summary.is_none() && page.title.is_some() {
                    page.summary = Some(text.clone());
                }
                label = bold_label(text);
            }
            Block::Table(table) => {
                if basics_table(block).is_some() {
                    basics_line = table.line;
                    read_basics(table, &mut page);
                    continue;
                }
                match section {
                    Section::PathParams => {
                        page.path_params = read_fields(table, true, &mut page.diagnostics)
                    }
                    Section::QueryParams => {
                        page.query_params = read_fields(table, false, &mut page.diagnostics)
                    }
                    Section::Headers => {
                        page.headers = read_fields(table, false, &mut page.diagnostics)
                    }
                    Section::Body => page.body = read_fields(table, false, &mut page.diagnostics),
                    Section::Errors => page.errors = read_errors(table, &mut page.diagnostics),
                    _ => {}
                }
            }
            Block::Code { lang, text, line } => {
                if section == Section::Samples {
                    if let (Some(lang), Some(name)) = (sdk::language(lang), sdk::call_name(text)) {
                        page.sdk_names.entry(lang.to_string()).or_insert(name);
                    }
                    continue;
                }
                let slot = match label.as_deref() {
                    Some("请求体示例") => &mut page.request_example,
                    Some("响应示例") | Some("响应体示例") => &mut page.response_example,
                    _ => continue,
                };
                match serde_json::from_str::<Value>(text) {
                    Ok(value) => *slot = Some(value),
                    Err(err) => page.diagnostics.push(Diagnostic::error(
                        line + err.line().saturating_sub(1),
                        Kind::InvalidExample,
                        format!(
                            "{} is not valid JSON: {err}",
                            label.as_deref().unwrap_or_default()
                        ),
                    )),
                }
                label = None;
            }
        }
    }
    finish(source, page, basics_line)
}

/// `**请求体示例**:` → `请求体示例`.
fn bold_label(paragraph: &str) -> Option<String> {
    let inner = paragraph.strip_prefix("**")?.split_once("**")?.0;
    Some(inner.trim_end_matches([':', '：']).trim().to_string())
}

fn read_basics(table: &Table, page: &mut Page) {
    let mut scope_names = Vec::new();
    let mut scope_descriptions = Vec::new();
    for row in &table.rows {
        let value = strip_code(row.cell(1));
        match row.cell(0) {
            "HTTP URL" => page.path = Some(path_of(value)),
            "HTTP Method" => page.method = Some(value.to_ascii_uppercase()),
            "支持的访问令牌" => {
                page.auth.tokens = list(value)
                    .filter_map(token_kind)
                    .map(str::to_string)
                    .collect()
            }
            "支持的应用类型" => {
                page.auth.app_types = list(value).map(str::to_string).collect()
            }
            "权限要求" => {
                for item in value.split("<br>").map(str::trim).filter(|s| !s.is_empty()) {
                    if is_scope_name(item) {
                        scope_names.push(item.to_string());
                    } else {
                        scope_descriptions.push(item.to_string());
                    }
                }
            }
            "频率限制" => page.rate_limit = Some(value.to_string()),
            _ => {}
        }
        if row.written_cells < 2 {
            page.diagnostics.push(Diagnostic::error(
                row.line,
                Kind::MissingCell,
                format!("`{}` row of the 基本 table has no value cell", row.cell(0)),
            ));
        }
    }
    // The pages list descriptions and names in two rows, in the same order.
    page.auth.scopes = scope_names
        .into_iter()
        .enumerate()
        .map(|(i, name)| Scope {
            name,
            description: scope_descriptions.get(i).cloned(),
        })
        .collect();
}

/// `https://open.feishu.cn/open-apis/x` → `/open-apis/x`.
fn path_of(url: &str) -> String {
    let without_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    match without_scheme.find('/') {
        Some(i) if url.contains("://") => without_scheme[i..].to_string(),
        _ => without_scheme.to_string(),
    }
}

fn strip_code(text: &str) -> &str {
    text.trim().trim_matches('`').trim()
}

fn list(text: &str) -> impl Iterator<Item = &str> {
    text.split([',', '，', '、', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "<br>")
}

fn token_kind(token: &str) -> Option<&str> {
    token.strip_suffix("_access_token")
}

/// Scope names are ASCII like `aily:session:write`; descriptions are prose.
fn is_scope_name(text: &str) -> bool {
    text.contains(':') && text.chars().all(|c| c.is_ascii_graphic())
}

/// A parameter or body table: 参数名 | 类型 | 必填 | 描述.
fn read_fields(
    table: &Table,
    always_required: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Field> {
    let name_col = table.column(&["参数名", "名称", "参数"]).unwrap_or(0);
    let type_col = table.column(&["类型"]).unwrap_or(1);
    let required_col = table.column(&["必填", "是否必填"]);
    let description_col = table.column(&["描述", "说明"]);
    let mut fields = Vec::new();
    for row in &table.rows {
        if !row_complete(table, row, diagnostics) {
            continue;
        }
        let name = strip_code(row.cell(name_col));
        let spelling = read_type(row.cell(type_col));
        if !spelling.known {
            diagnostics.push(Diagnostic::warning(
                row.line,
                Kind::UnknownType,
                format!(
                    "field `{name}`: unknown type `{}`, read as `any`",
                    row.cell(type_col)
                ),
            ));
        }
        let mut field = Field::new(name, spelling.ty);
        match spelling.ty {
            FieldType::Array => {
                field.items = Some(element(spelling.inner.unwrap_or(FieldType::Any)))
            }
            FieldType::Map => {
                field.values = Some(element(spelling.inner.unwrap_or(FieldType::Any)))
            }
            _ => {}
        }
        field.required = Some(always_required || required_col.is_some_and(|c| row.cell(c) == "是"));
        if let Some(col) = description_col {
            describe(&mut field, row.cell(col), row.line, diagnostics);
        }
        fields.push(field);
    }
    fields
}

/// A row with fewer cells than the header loses facts: report it and skip the row.
fn row_complete(table: &Table, row: &Row, diagnostics: &mut Vec<Diagnostic>) -> bool {
    if row.written_cells >= table.header.len() {
        return true;
    }
    diagnostics.push(Diagnostic::error(
        row.line,
        Kind::MissingCell,
        format!(
            "row `{}` has {} of the table's {} cells; row skipped",
            row.cell(0),
            row.written_cells,
            table.header.len()
        ),
    ));
    false
}

/// Fill a field from its description cell.
fn describe(field: &mut Field, text: &str, line: usize, diagnostics: &mut Vec<Diagnostic>) {
    let facts = read_cell(text);
    let value_type = match (&field.items, field.ty) {
        (Some(items), FieldType::Array) => items.ty,
        _ => field.ty,
    };
    field.description = facts.description;
    field.example = facts.example.map(|e| typed_value(&e, field.ty));
    field.default = facts.default.map(|d| typed_value(&d, field.ty));
    field.enum_values = facts
        .enum_values
        .into_iter()
        .map(|(value, description)| EnumValue {
            value: typed_value(&value, value_type),
            description,
        })
        .collect();
    if let Some(rules) = facts.rules {
        let (rules, unknown) = parse_rules(&rules);
        field.rules = rules;
        for phrase in unknown {
            diagnostics.push(Diagnostic::warning(
                line,
                Kind::UnknownRule,
                format!("field `{}`: rule `{phrase}` not understood", field.name),
            ));
        }
    }
    if field.ty == FieldType::Array {
        if let Some(items) = field.rules.min_length.take() {
            field.rules.min_items = Some(items);
        }
        if let Some(items) = field.rules.max_length.take() {
            field.rules.max_items = Some(items);
        }
    }
}

/// HTTP状态码 | 错误码 | 描述 | 排查建议.
fn read_errors(table: &Table, diagnostics: &mut Vec<Diagnostic>) -> Vec<ErrorCode> {
    let status_col = table.column(&["HTTP状态码"]).unwrap_or(0);
    let code_col = table.column(&["错误码"]).unwrap_or(1);
    let message_col = table.column(&["描述"]).unwrap_or(2);
    let hint_col = table.column(&["排查建议"]);
    let mut errors = Vec::new();
    for row in &table.rows {
        if !row_complete(table, row, diagnostics) {
            continue;
        }
        let (Ok(http_status), Ok(code)) =
            (row.cell(status_col).parse(), row.cell(code_col).parse())
        else {
            diagnostics.push(Diagnostic::error(
                row.line,
                Kind::BadValue,
                format!(
                    "error row: HTTP status `{}` or code `{}` is not a number",
                    row.cell(status_col),
                    row.cell(code_col)
                ),
            ));
            continue;
        };
        errors.push(ErrorCode {
            http_status,
            code,
            message: row.cell(message_col).to_string(),
            hint: hint_col
                .map(|c| row.cell(c).to_string())
                .filter(|h| !h.is_empty()),
        });
    }
    errors
}

fn finish(source: &str, mut page: Page, basics_line: usize) -> Outcome {
    let (Some(method), Some(path)) = (page.method.take(), page.path.take()) else {
        page.diagnostics.push(Diagnostic::error(
            basics_line,
            Kind::MissingBasics,
            "the 基本 table has no `HTTP URL` or no `HTTP Method` row",
        ));
        return Outcome::Failed {
            diagnostics: page.diagnostics,
        };
    };
    let id = endpoint_id(&page.sdk_names).unwrap_or_else(|| {
        page.diagnostics.push(Diagnostic::warning(
            basics_line,
            Kind::IdFromPath,
            "no SDK sample names this endpoint; id derived from the path",
        ));
        id_from_path(&method, &path)
    });

    let request = (!page.body.is_empty() || page.request_example.is_some()).then(|| Request {
        content_type: "application/json".to_string(),
        fields: page.body,
        example: page.request_example,
    });

    let response = page.response_example.map(|example| {
        let mut untyped = Vec::new();
        let fields = match example.get("data") {
            Some(Value::Object(data)) => fields_from_example(data, &mut untyped),
            _ => Vec::new(),
        };
        for path in untyped {
            page.diagnostics.push(Diagnostic::warning(
                basics_line,
                Kind::UntypedExample,
                format!("response field `{path}`: the example gives no type; read as `any`"),
            ));
        }
        Response {
            content_type: "application/json".to_string(),
            fields_from: (!fields.is_empty()).then_some(FieldsFrom::Example),
            fields,
            example: Some(example),
        }
    });

    let pagination = pagination(&page.query_params, response.as_ref());
    let mut diagnostics = page.diagnostics;
    diagnostics.sort_by_key(|d| d.line);
    Outcome::Endpoint(Box::new(Spec {
        id,
        title: page.title.unwrap_or_default(),
        summary: page.summary,
        source: source.to_string(),
        http: Http { method, path },
        rate_limit: page.rate_limit,
        auth: page.auth,
        path_params: page.path_params,
        query_params: page.query_params,
        headers: page.headers,
        request,
        response,
        pagination,
        errors: page.errors,
        sdk_names: page.sdk_names,
        diagnostics,
    }))
}

/// `service.version.resource.method` from the Python sample, or another language's.
fn endpoint_id(names: &BTreeMap<String, String>) -> Option<String> {
    if let Some(python) = names.get("python") {
        return python.strip_prefix("client.").map(str::to_string);
    }
    let other = names
        .get("go")
        .or_else(|| names.get("java"))
        .or_else(|| names.get("nodejs"))?;
    let parts: Vec<String> = other
        .strip_prefix("client.")?
        .split('.')
        .map(|p| p.to_snake_case())
        .collect();
    Some(parts.join("."))
}

/// `PUT /open-apis/aily/v1/sessions/:id` → `aily.v1.sessions.put`.
fn id_from_path(method: &str, path: &str) -> String {
    let segments: Vec<&str> = path
        .trim_start_matches("/open-apis/")
        .split('/')
        .filter(|s| !s.is_empty() && !s.starts_with(':'))
        .collect();
    let service = segments.first().copied().unwrap_or("api");
    let (version, rest) = match segments.get(1) {
        Some(v) if v.starts_with('v') && v[1..].chars().all(|c| c.is_ascii_digit()) => {
            (*v, &segments[2..])
        }
        _ => ("unversioned", segments.get(1..).unwrap_or(&[])),
    };
    let resource = if rest.is_empty() {
        service.to_string()
    } else {
        rest.join("_")
    };
    format!(
        "{}.{}.{}.{}",
        service.to_snake_case(),
        version,
        resource.to_snake_case(),
        method.to_ascii_lowercase()
    )
}

/// An endpoint pages when it takes `page_token` and answers `has_more`.
fn pagination(query: &[Field], response: Option<&Response>) -> Option<Pagination> {
    let token = query.iter().find(|f| f.name == "page_token")?;
    let fields = &response?.fields;
    let has_more = fields.iter().find(|f| f.name == "has_more")?;
    let next = fields
        .iter()
        .find(|f| f.name == "page_token" || f.name == "next_page_token")?;
    let items = fields
        .iter()
        .find(|f| f.ty == FieldType::Array)
        .map(|f| f.name.clone());
    Some(Pagination {
        token_param: token.name.clone(),
        token_in: "query".to_string(),
        size_param: query
            .iter()
            .find(|f| f.name == "page_size")
            .map(|f| f.name.clone()),
        items_field: items,
        has_more_field: has_more.name.clone(),
        next_token_field: next.name.clone(),
    })
}
