//! Blocks → spec, for every dialect. The front ends (pipe markdown, the site's `:::html`
//! source) only turn a page into [`Block`]s; this reader knows the sections
//! (`基本`, `请求头`, `路径参数`, `查询参数`, `请求体`, `响应体`, `错误码`, `调用示例`),
//! nests rows by level, and reads cells with the shared description-cell language.

mod basics;
mod ids;
mod tables;

pub use basics::basics_table;
use basics::{
    content_type_in, explorer_id, is_basics, read_basics, strip_explorer_link, tokens_in,
};
use ids::{four_part_id, id_from_path, sdk_id};
use tables::{Required, noted_objects, read_errors, read_fields};

use std::collections::BTreeMap;

use serde_json::Value;

use super::blocks::{Block, Table};
use super::contradict::clashes;
use super::elements::{arrays_by_name, infer_elements};
use super::infer::fields_from_example;
use super::json::{Example as JsonExample, parse_example, starts_like_json};
use super::sdk;
use super::stated::Stated;
use super::type_notes::TypeNotes;
use crate::diagnostics::{Diagnostic, Kind};
use crate::spec::{
    Auth, ContentType, ErrorCode, Field, FieldType, FieldsFrom, HttpMethod, Response,
};

/// What the front end knows besides the blocks.
#[derive(Debug, Default, Clone)]
pub struct PageInfo {
    /// Title from front matter, used when the page has no heading.
    pub title: Option<String>,
    /// Named types described under `**类型额外说明**` (pipe renderings).
    pub type_notes: TypeNotes,
    /// The site source only ever writes types in type cells, so an unknown word there is a
    /// named model; in hand-made pages it may be a typo.
    pub model_names_are_types: bool,
}

/// The sections of a page a block can sit under.
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
    match heading.trim().to_ascii_lowercase().as_str() {
        "request header" | "request headers" => Section::Headers,
        "path parameters" | "path parameter" => Section::PathParams,
        "query parameters" | "query parameter" => Section::QueryParams,
        "request body" | "request body example" => Section::Body,
        "response" | "response body" | "response body example" => Section::Response,
        "error code" | "error codes" => Section::Errors,
        _ => section_of_chinese(heading),
    }
}

fn section_of_chinese(heading: &str) -> Section {
    match heading.trim() {
        "请求头" => Section::Headers,
        "路径参数" => Section::PathParams,
        "查询参数" => Section::QueryParams,
        "请求体" | "请求参数" | "请求体示例" | "请求示例" => Section::Body,
        "响应" | "响应体" | "响应示例" | "响应体示例" => Section::Response,
        "错误码" => Section::Errors,
        "调用示例" => Section::Samples,
        _ => Section::Other,
    }
}

/// Labels (bold paragraphs or headings) that name the code block after them.
fn example_kind(label: &str) -> Option<Section> {
    match label.trim() {
        "请求体示例" | "请求示例" | "Request body example" => Some(Section::Body),
        "响应示例" | "响应体示例" | "Response body example" => Some(Section::Response),
        _ => None,
    }
}

/// Everything read so far, before it becomes a spec.
#[derive(Default)]
struct Page {
    title: Option<String>,
    summary: Option<String>,
    explorer_id: Option<String>,
    method: Option<HttpMethod>,
    path: Option<String>,
    rate_limit: Option<String>,
    auth: Auth,
    path_params: Vec<Field>,
    query_params: Vec<Field>,
    headers: Vec<Field>,
    content_type: Option<ContentType>,
    body: Option<Vec<Field>>,
    response_fields: Option<Vec<Field>>,
    request_example: Option<Value>,
    response_example: Option<Value>,
    /// First lines of the request and response examples, for diagnostics about them.
    example_lines: (usize, usize),
    /// First lines of the query and body tables, for diagnostics about their fields.
    table_lines: (usize, usize),
    /// The response section says the reply is a file's bytes (`返回文件二进制流`).
    binary_response: bool,
    errors: Vec<ErrorCode>,
    sdk_names: BTreeMap<String, String>,
    diagnostics: Vec<Diagnostic>,
}

/// What reading an endpoint page gave.
#[derive(Debug)]
pub enum Read {
    Stated(Box<Stated>),
    /// The page names no method or path: these diagnostics say why.
    Failed(Vec<Diagnostic>),
}

pub fn read(source: &str, blocks: &[Block], info: &PageInfo) -> Read {
    let mut page = Page::default();
    let mut section = Section::Intro;
    let mut section_level = 0;
    // The label (`**请求体示例**:` or `### 响应体示例`) the next code block belongs to.
    let mut label: Option<Section> = None;
    let mut basics_line = 1;

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
                label = example_kind(text);
            }
            Block::Paragraph { text, .. } => {
                if section == Section::Intro && page.title.is_some() {
                    if page.explorer_id.is_none() {
                        page.explorer_id = explorer_id(text);
                    }
                    if page.summary.is_none() {
                        page.summary = Some(strip_explorer_link(text)).filter(|s| !s.is_empty());
                    }
                }
                if section == Section::Response && text.contains("二进制") {
                    page.binary_response = true;
                }
                if let Some(kind) = bold_label(text).as_deref().and_then(example_kind) {
                    label = Some(kind);
                }
            }
            Block::Table(table) => {
                if is_basics(table) {
                    basics_line = table.line;
                    read_basics(table, &mut page);
                    continue;
                }
                read_section_table(section, table, info, &mut page);
            }
            Block::Code { lang, text, line } => {
                if section == Section::Samples {
                    if let (Some(lang), Some(name)) = (sdk::language(lang), sdk::call_name(text)) {
                        page.sdk_names.entry(lang.to_string()).or_insert(name);
                    }
                    continue;
                }
                let kind = label.take().or(match section {
                    Section::Body | Section::Response => Some(section),
                    _ => None,
                });
                let is_body = match kind {
                    Some(Section::Body) => true,
                    Some(Section::Response) => false,
                    _ => continue,
                };
                if !looks_like_json(lang, text) {
                    continue;
                }
                read_example(is_body, text, *line, &mut page);
            }
        }
    }
    if page.title.is_none() {
        page.title = info.title.clone();
    }
    finish(source, page, basics_line)
}

fn read_section_table(section: Section, table: &Table, info: &PageInfo, page: &mut Page) {
    let diagnostics = &mut page.diagnostics;
    match section {
        Section::PathParams => {
            page.path_params = read_fields(table, Required::Always, info, diagnostics)
        }
        Section::QueryParams => {
            page.table_lines.0 = table.line;
            page.query_params
                .extend(read_fields(table, Required::Column, info, diagnostics))
        }
        Section::Headers => {
            for field in read_fields(table, Required::Column, info, diagnostics) {
                match field.name.to_ascii_lowercase().as_str() {
                    "authorization" => {
                        let text = field.description.as_deref().unwrap_or_default();
                        if page.auth.tokens.is_empty() {
                            page.auth.tokens = tokens_in(text);
                        }
                    }
                    "content-type" => {
                        let text = field.description.as_deref().unwrap_or_default();
                        page.content_type = content_type_in(text);
                    }
                    _ => page.headers.push(field),
                }
            }
        }
        Section::Body => {
            page.table_lines.1 = table.line;
            let mut fields = read_fields(table, Required::Column, info, diagnostics);
            noted_objects(table, &mut fields, &info.type_notes);
            page.body.get_or_insert_with(Vec::new).extend(fields);
        }
        Section::Response => {
            let fields = read_fields(table, Required::Never, info, diagnostics);
            page.response_fields = Some(response_data_fields(fields));
        }
        Section::Errors => page.errors.extend(read_errors(table, diagnostics)),
        _ => {}
    }
}

/// The fields of `data` in a response table whose rows are `code`, `msg`, `data` and its
/// children; tables without a `data` row describe the top level.
fn response_data_fields(fields: Vec<Field>) -> Vec<Field> {
    if let Some(data) = fields.iter().find(|f| f.name == "data") {
        return data.fields.clone();
    }
    fields
        .into_iter()
        .filter(|f| f.name != "code" && f.name != "msg")
        .collect()
}

/// Examples are JSON unless the block says otherwise (a multipart `HTTP` body, say).
fn looks_like_json(lang: &str, text: &str) -> bool {
    matches!(
        lang.to_ascii_lowercase().as_str(),
        "" | "json" | "json5" | "javascript" | "js" | "text" | "plain"
    ) && starts_like_json(text)
}

/// Store a request or response example. JSON the docs got wrong is repaired when it can
/// be (a warning); when it cannot, the example is lost: an error when nothing else on the
/// page describes those fields, a warning when a table does.
fn read_example(is_body: bool, text: &str, line: usize, page: &mut Page) {
    let (slot, name, covered) = if is_body {
        (&mut page.request_example, "请求体示例", page.body.is_some())
    } else {
        (
            &mut page.response_example,
            "响应示例",
            page.response_fields.is_some(),
        )
    };
    if slot.is_some() {
        return;
    }
    if is_body {
        page.example_lines.0 = line;
    } else {
        page.example_lines.1 = line;
    }
    match parse_example(text) {
        Ok(JsonExample::Strict(value)) => *slot = Some(value),
        Ok(JsonExample::Repaired(value)) => {
            *slot = Some(value);
            page.diagnostics.push(Diagnostic::warning(
                line,
                Kind::InvalidExample,
                format!("{name} is not valid JSON as written (comments, trailing commas or `...`); read after repairs"),
            ));
        }
        Err(err) => {
            let at = line + err.line().saturating_sub(1);
            let message = format!("{name} is not valid JSON: {err}");
            page.diagnostics.push(if covered {
                Diagnostic::warning(
                    at,
                    Kind::InvalidExample,
                    format!("{message}; the table describes these fields"),
                )
            } else {
                Diagnostic::error(at, Kind::InvalidExample, message)
            });
        }
    }
}

/// `**请求体示例**:` → `请求体示例`.
fn bold_label(paragraph: &str) -> Option<String> {
    let inner = paragraph.strip_prefix("**")?.split_once("**")?.0;
    Some(inner.trim_end_matches([':', '：']).trim().to_string())
}

/// The page's facts → what it states: the endpoint's id, its examples checked against
/// its tables (and filling the element types the tables leave open), and its reply.
/// Nothing here decides what the page leaves open: that is
/// [`crate::parse::normalize`]'s.
fn finish(source: &str, mut page: Page, basics_line: usize) -> Read {
    let (Some(method), Some(path)) = (page.method.take(), page.path.take()) else {
        page.diagnostics.push(Diagnostic::error(
            basics_line,
            Kind::MissingBasics,
            "the 基本 table has no `HTTP URL` or no `HTTP Method` row",
        ));
        return Read::Failed(page.diagnostics);
    };
    complete_path_params(
        &path,
        &mut page.path_params,
        basics_line,
        &mut page.diagnostics,
    );
    let id = endpoint_id(&mut page, method, &path, basics_line);
    let clashes = clashes_of(&page);
    page.diagnostics.extend(clashes);
    if let (Some(fields), Some(Value::Object(example))) =
        (page.body.as_mut(), page.request_example.as_ref())
    {
        super::infer::fill_from_example(fields, example);
    }
    open_elements(&mut page);
    let response = build_response(
        page.response_fields,
        page.response_example,
        basics_line,
        &mut page.diagnostics,
    );
    Read::Stated(Box::new(Stated {
        id,
        title: page.title.unwrap_or_default(),
        summary: page.summary,
        source: source.to_string(),
        method,
        path,
        rate_limit: page.rate_limit,
        auth: page.auth,
        path_params: page.path_params,
        query_params: page.query_params,
        headers: page.headers,
        content_type: page.content_type,
        body: page.body,
        request_example: page.request_example,
        response,
        binary_response: page.binary_response,
        errors: page.errors,
        sdk_names: page.sdk_names,
        basics_line,
        diagnostics: page.diagnostics,
    }))
}

/// Arrays the tables and the example leave untyped take their element type from their
/// own cell (see [`infer_elements`]).
fn open_elements(page: &mut Page) {
    let (query_line, body_line) = page.table_lines;
    let examples = [&page.request_example, &page.response_example];
    let elsewhere = arrays_by_name(examples.into_iter().flatten());
    let diagnostics = &mut page.diagnostics;
    infer_elements(
        &mut page.query_params,
        "query",
        query_line,
        &elsewhere,
        diagnostics,
    );
    if let Some(body) = page.body.as_mut() {
        infer_elements(body, "body", body_line, &elsewhere, diagnostics);
    }
}

/// The id the API explorer link or an SDK sample gives, else one derived from the path
/// (with a warning).
fn endpoint_id(page: &mut Page, method: HttpMethod, path: &str, line: usize) -> String {
    page.explorer_id
        .clone()
        .or_else(|| sdk_id(&page.sdk_names))
        .and_then(|id| four_part_id(&id))
        .unwrap_or_else(|| {
            page.diagnostics.push(Diagnostic::warning(
                line,
                Kind::IdFromPath,
                "no SDK sample or API explorer link names this endpoint; id derived from the path",
            ));
            id_from_path(method, path)
        })
}

/// Where the examples show other types than the tables, one warning per field.
fn clashes_of(page: &Page) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let sides = [
        (
            page.body.as_deref(),
            page.request_example.as_ref(),
            "body",
            page.example_lines.0,
        ),
        (
            page.response_fields.as_deref(),
            page.response_example.as_ref().and_then(|e| e.get("data")),
            "response",
            page.example_lines.1,
        ),
    ];
    for (fields, example, prefix, line) in sides {
        if let (Some(fields), Some(Value::Object(example))) = (fields, example) {
            out.extend(
                clashes(fields, example, prefix).into_iter().map(|message| {
                    Diagnostic::warning(line, Kind::ExampleContradictsTable, message)
                }),
            );
        }
    }
    out
}

/// Every `:param` of the path gets a parameter: pages (and renderings) that leave the
/// table out still name it in the URL.
fn complete_path_params(
    path: &str,
    params: &mut Vec<Field>,
    line: usize,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for name in crate::spec::check::path_param_names(path) {
        if params.iter().any(|p| p.name == name) {
            continue;
        }
        diagnostics.push(Diagnostic::warning(
            line,
            Kind::MissingCell,
            format!("path parameter `:{name}` has no row in 路径参数; read as a required string"),
        ));
        let mut field = Field::new(name, FieldType::String);
        field.required = Some(true);
        params.push(field);
    }
}

/// Response fields from the table when there is one (the example fills element types the
/// table leaves open), else inferred from the example.
fn build_response(
    table: Option<Vec<Field>>,
    example: Option<Value>,
    line: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Response> {
    if table.is_none() && example.is_none() {
        return None;
    }
    let data = example
        .as_ref()
        .and_then(|e| e.get("data"))
        .and_then(Value::as_object);
    let (fields, from) = match table {
        Some(mut fields) => {
            if let Some(data) = data {
                super::infer::fill_from_example(&mut fields, data);
                let mut added = Vec::new();
                super::infer::add_missing(&mut fields, data, "", &mut added);
                for path in added {
                    diagnostics.push(Diagnostic::warning(
                        line,
                        Kind::ExampleOnlyField,
                        format!(
                            "response field `{path}` is in the example but not in the table; \
                             added, typed from the example"
                        ),
                    ));
                }
            }
            (fields, FieldsFrom::Table)
        }
        None => {
            let mut untyped = Vec::new();
            let fields = data
                .map(|d| fields_from_example(d, &mut untyped))
                .unwrap_or_default();
            for path in untyped {
                diagnostics.push(Diagnostic::warning(
                    line,
                    Kind::UntypedExample,
                    format!("response field `{path}`: the example gives no type; read as `any`"),
                ));
            }
            (fields, FieldsFrom::Example)
        }
    };
    Some(Response {
        content_type: ContentType::Json,
        fields_from: (!fields.is_empty()).then_some(from),
        fields,
        example,
    })
}

#[cfg(test)]
mod tests {
    use super::tables::nest;
    use super::*;
    use crate::parse::types::element;
    use crate::spec::TokenKind;

    #[test]
    fn ids_have_four_parts() {
        assert_eq!(
            four_part_id("authen.v1.oidc.access_token.create").as_deref(),
            Some("authen.v1.oidc_access_token.create")
        );
        assert_eq!(
            four_part_id("aily.v1.aily_session.update").as_deref(),
            Some("aily.v1.aily_session.update")
        );
        assert_eq!(four_part_id("a.v1.b"), None);
        assert_eq!(four_part_id("a.v1.b-c.d"), None);
    }

    #[test]
    fn explorer_links_name_the_endpoint() {
        let text = "更新会话。{尝试一下}(url=/api/tools/api_explore/api_explore_config?project=aily&version=v1&resource=aily_session&method=update)";
        assert_eq!(
            explorer_id(text).as_deref(),
            Some("aily.v1.aily_session.update")
        );
        assert_eq!(strip_explorer_link(text), "更新会话。");
    }

    #[test]
    fn rows_nest_by_level() {
        let f = |name: &str, ty: FieldType| Field::new(name, ty);
        let mut items = f("items", FieldType::Array);
        items.items = Some(element(FieldType::Object));
        let flat = vec![
            (0, f("a", FieldType::String)),
            (0, items),
            (1, f("x", FieldType::Int)),
            (1, f("y", FieldType::Object)),
            (2, f("z", FieldType::Bool)),
            (0, f("b", FieldType::Bool)),
        ];
        let tree = nest(flat);
        let names: Vec<&str> = tree.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["a", "items", "b"]);
        let children: Vec<&str> = tree[1]
            .items
            .as_ref()
            .unwrap()
            .fields
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(children, ["x", "y"]);
        assert_eq!(
            tree[1].items.as_ref().unwrap().fields[1].fields[0].name,
            "z"
        );
    }

    #[test]
    fn tokens_in_order_of_mention() {
        assert_eq!(
            tokens_in("tenant_access_token, user_access_token"),
            [TokenKind::Tenant, TokenKind::User]
        );
        assert_eq!(
            tokens_in("user_access_token\n或\napp_access_token"),
            [TokenKind::User, TokenKind::App]
        );
    }
}
