//! Blocks → spec, for every dialect. The front ends (pipe markdown, the site's `:::html`
//! source) only turn a page into [`Block`]s; this reader knows the sections
//! (`基本`, `请求头`, `路径参数`, `查询参数`, `请求体`, `响应体`, `错误码`, `调用示例`),
//! nests rows by level, and reads cells with the shared description-cell language.

use std::collections::BTreeMap;

use heck::ToSnakeCase;
use serde_json::Value;

use super::blocks::{Block, Row, Table};
use super::cell::{parse_rules, read_cell, typed_value};
use super::contradict::clashes;
use super::infer::fields_from_example;
use super::json::{Example as JsonExample, parse_example, starts_like_json};
use super::type_notes::{TypeNotes, plain_field, spelling_of};
use super::types::{element, read_type};
use super::{Outcome, sdk};
use crate::diagnostics::{Diagnostic, Kind};
use crate::spec::{
    Auth, EnumValue, ErrorCode, Field, FieldType, FieldsFrom, Http, Pagination, Request, Response,
    Scope, Spec,
};

/// First header cells of the table with URL, method and scopes, in the dialects seen:
/// `基本` (pipe, site), `项目` (variants), `Facts` (Lark English), or the URL row itself.
const BASICS: &[&str] = &["基本", "项目", "Facts", "HTTP URL"];

fn is_basics(table: &Table) -> bool {
    table
        .header
        .first()
        .is_some_and(|c| BASICS.contains(&c.text.trim()))
}

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

pub fn basics_table(blocks: &[Block]) -> Option<&Table> {
    blocks.iter().find_map(|block| match block {
        Block::Table(t) if is_basics(t) => Some(t),
        _ => None,
    })
}

/// Everything read so far, before it becomes a spec.
#[derive(Default)]
struct Page {
    title: Option<String>,
    summary: Option<String>,
    explorer_id: Option<String>,
    method: Option<String>,
    path: Option<String>,
    rate_limit: Option<String>,
    auth: Auth,
    path_params: Vec<Field>,
    query_params: Vec<Field>,
    headers: Vec<Field>,
    content_type: Option<String>,
    body: Option<Vec<Field>>,
    response_fields: Option<Vec<Field>>,
    request_example: Option<Value>,
    response_example: Option<Value>,
    /// First lines of the request and response examples, for diagnostics about them.
    example_lines: (usize, usize),
    /// The response section says the reply is a file's bytes (`返回文件二进制流`).
    binary_response: bool,
    errors: Vec<ErrorCode>,
    sdk_names: BTreeMap<String, String>,
    diagnostics: Vec<Diagnostic>,
}

pub fn read(source: &str, blocks: &[Block], info: &PageInfo) -> Outcome {
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

/// The API explorer link on site pages names the endpoint:
/// `{尝试一下}(url=/api/tools/api_explore/api_explore_config?project=aily&version=v1&resource=aily_session&method=update)`.
fn explorer_id(text: &str) -> Option<String> {
    let query = text.split("api_explore_config?").nth(1)?;
    let query = query.split([')', ' ', '"']).next()?;
    let get = |key: &str| {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
            .filter(|v| !v.is_empty())
    };
    Some(format!(
        "{}.{}.{}.{}",
        get("project")?,
        get("version")?,
        get("resource")?,
        get("method")?
    ))
}

fn strip_explorer_link(text: &str) -> String {
    match text.find("{尝试一下}") {
        Some(start) => {
            let end = text[start..]
                .find(')')
                .map_or(text.len(), |e| start + e + 1);
            format!("{}{}", &text[..start], &text[end..])
                .trim()
                .to_string()
        }
        None => text.trim().to_string(),
    }
}

fn read_basics(table: &Table, page: &mut Page) {
    let mut scope_names = Vec::new();
    let mut scope_descriptions = Vec::new();
    // Lark English pages put the URL row in the header.
    let header_row = (table
        .header
        .first()
        .is_some_and(|c| c.text.trim() == "HTTP URL"))
    .then(|| Row {
        line: table.line,
        cells: table.header.clone(),
        written_cells: table.header.len(),
        level: 0,
    });
    for row in header_row.iter().chain(&table.rows) {
        if row.written_cells < 2 {
            page.diagnostics.push(Diagnostic::error(
                row.line,
                Kind::MissingCell,
                format!("`{}` row of the 基本 table has no value cell", row.cell(0)),
            ));
            continue;
        }
        let value = strip_code(row.cell(1));
        match basics_key(row.cell(0)) {
            "HTTP URL" => page.path = Some(path_of(value)),
            "HTTP Method" => page.method = Some(value.to_ascii_uppercase()),
            "支持的访问令牌" => page.auth.tokens = tokens_in(value),
            "支持的应用类型" => {
                page.auth.app_types = list(value).map(str::to_string).collect()
            }
            "权限要求" if row.cell(1).contains('`') => {
                page.auth.scopes.extend(ticked_scopes(row.cell(1)))
            }
            "权限要求" => {
                for item in value
                    .split(['\n'])
                    .flat_map(|l| l.split("<br>"))
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                {
                    // Site source: `name (description)` per line.
                    if let Some((name, description)) =
                        item.strip_suffix(')').and_then(|i| i.split_once(" ("))
                        && is_scope_name(name)
                    {
                        page.auth.scopes.push(Scope {
                            name: name.to_string(),
                            description: Some(description.to_string()).filter(|d| !d.is_empty()),
                        });
                        continue;
                    }
                    if is_scope_name(item) {
                        scope_names.push(item.to_string());
                    } else {
                        scope_descriptions.push(item.to_string());
                    }
                }
            }
            "频率限制" => page.rate_limit = Some(link_text(value).to_string()),
            _ => {}
        }
    }
    // Pipe pages list descriptions and names in two rows, in the same order.
    page.auth
        .scopes
        .extend(scope_names.into_iter().enumerate().map(|(i, name)| Scope {
            name,
            description: scope_descriptions.get(i).cloned(),
        }));
}

/// The 基本 table's row names, in any dialect, as the Chinese pipe page spells them.
fn basics_key(cell: &str) -> &str {
    let cell = cell.trim();
    let keys: &[(&str, &str)] = &[
        ("HTTP URL", "HTTP URL"),
        ("HTTP Method", "HTTP Method"),
        ("支持的访问令牌", "支持的访问令牌"),
        ("Supported access tokens", "支持的访问令牌"),
        ("支持的应用类型", "支持的应用类型"),
        ("Supported app types", "支持的应用类型"),
        ("权限要求", "权限要求"),
        ("Required scopes", "权限要求"),
        ("接口频率限制", "频率限制"),
        ("频率限制", "频率限制"),
        ("Rate limit", "频率限制"),
    ];
    keys.iter()
        .find(|(prefix, _)| cell.starts_with(prefix))
        .map_or(cell, |(_, key)| key)
}

/// `` `corehr:corehr` 更新核心人事信息 `` or `` `drive:drive` `sheets:spreadsheet` ``: names
/// in backticks; the text after a name describes it.
fn ticked_scopes(text: &str) -> Vec<Scope> {
    let mut scopes: Vec<Scope> = Vec::new();
    for (i, part) in text.split('`').enumerate() {
        let part = part.trim();
        if i % 2 == 1 && is_scope_name(part) {
            scopes.push(Scope {
                name: part.to_string(),
                description: None,
            });
        } else if i % 2 == 0
            && !part.is_empty()
            && let Some(last) = scopes.last_mut()
        {
            last.description = Some(part.to_string());
        }
    }
    scopes
}

/// `[1000 次/分钟](/ssl:…)` → `1000 次/分钟`.
fn link_text(text: &str) -> &str {
    text.strip_prefix('[')
        .and_then(|t| t.split_once("]("))
        .map_or(text, |(inner, _)| inner)
}

/// `https://open.feishu.cn/open-apis/x` → `/open-apis/x`.
fn path_of(url: &str) -> String {
    // Some pages write an example query string into the URL: it is not part of the path.
    let url = url.split_whitespace().next().unwrap_or_default();
    let url = url.split(['?', '#']).next().unwrap_or_default();
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
    text.split([',', '，', '、', ' ', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "<br>")
}

/// The token kinds named in a text: `tenant_access_token, user_access_token` → tenant, user.
fn tokens_in(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    for kind in ["tenant", "user", "app"] {
        if let Some(at) = text.find(&format!("{kind}_access_token")) {
            tokens.push((at, kind.to_string()));
        }
    }
    tokens.sort();
    tokens.into_iter().map(|(_, kind)| kind).collect()
}

/// `**固定值**："multipart/form-data; boundary=…"` → `multipart/form-data`.
fn content_type_in(text: &str) -> Option<String> {
    [
        "multipart/form-data",
        "application/json",
        "application/octet-stream",
    ]
    .into_iter()
    .find(|t| text.contains(t))
    .map(str::to_string)
}

/// Scope names are ASCII like `aily:session:write`; descriptions are prose.
fn is_scope_name(text: &str) -> bool {
    text.contains(':') && text.chars().all(|c| c.is_ascii_graphic())
}

/// Where a table's required flags come from.
#[derive(Clone, Copy, PartialEq)]
enum Required {
    /// Path parameters.
    Always,
    /// The `必填` column, when the table has one.
    Column,
    /// Response fields: the page does not say.
    Never,
}

/// The deepest nesting read. Real pages nest under ten levels; the cap keeps every later
/// walk over the fields (and the generated types) bounded on a hostile page.
const MAX_DEPTH: usize = 24;

/// A parameter, body or response table, rows nested by their level.
fn read_fields(
    table: &Table,
    required: Required,
    info: &PageInfo,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Field> {
    let name_col = table
        .column(&[
            "参数名",
            "名称",
            "参数",
            "字段",
            "属性",
            "Parameter",
            "Name",
        ])
        .unwrap_or(0);
    let type_col = table.column(&["类型", "Type"]);
    let required_col = table.column(&["必填", "是否必填", "必选", "必须", "Required"]);
    let description_col = table.column(&["描述", "说明", "Description"]);
    // (level, field) pairs in page order, nested at the end.
    let rows: Vec<&Row> = table
        .rows
        .iter()
        .filter(|row| {
            row_complete(table, row, diagnostics) && !name_and_level(row, name_col).0.is_empty()
        })
        .collect();
    if type_col.is_none() && !rows.is_empty() {
        diagnostics.push(Diagnostic::warning(
            table.line,
            Kind::UnknownType,
            "the table has no 类型 column; types are taken from the example where it has one",
        ));
    }
    let mut flat: Vec<(usize, Field)> = Vec::new();
    let mut too_deep = false;
    for (i, row) in rows.iter().enumerate() {
        let (name, level) = name_and_level(row, name_col);
        if level > MAX_DEPTH && !too_deep {
            too_deep = true;
            diagnostics.push(Diagnostic::warning(
                row.line,
                Kind::TooDeep,
                format!(
                    "field `{name}` is nested {level} levels deep; rows deeper than {MAX_DEPTH} \
                     levels are kept at level {MAX_DEPTH}"
                ),
            ));
        }
        let level = level.min(MAX_DEPTH);
        let has_children = rows
            .get(i + 1)
            .is_some_and(|next| name_and_level(next, name_col).1.min(MAX_DEPTH) > level);
        let mut field = match type_col {
            Some(c) => {
                let type_text = strip_code(row.cell(c)).replace('\\', "");
                typed_field(&name, &type_text, row, has_children, info, diagnostics)
            }
            // No type column: children make it an object; otherwise the example decides.
            None if has_children => Field::new(name.as_str(), FieldType::Object),
            None => Field::new(name.as_str(), FieldType::Any),
        };
        field.required = match required {
            Required::Always => Some(true),
            Required::Column => Some(required_col.is_some_and(|c| is_yes(row.cell(c)))),
            Required::Never => None,
        };
        if let Some(col) = description_col {
            describe(&mut field, row.cell(col), row.line, diagnostics);
        }
        flat.push((level, field));
    }
    nest(flat)
}

fn is_yes(cell: &str) -> bool {
    let cell = cell.trim();
    cell == "是" || cell.eq_ignore_ascii_case("yes") || cell.eq_ignore_ascii_case("true")
}

/// A row's field name and nesting level. Site tables give the level as an attribute;
/// rendered tables mark children in the name: `  ∟range`, `&emsp;∟id`, `└ id`.
fn name_and_level(row: &Row, name_col: usize) -> (String, usize) {
    let mut rest = row.cell(name_col).trim_end();
    let mut indent = row.cells.get(name_col).map_or(0, |c| c.indent);
    let mut marked = false;
    loop {
        if let Some(r) = rest
            .strip_prefix("&emsp;")
            .or_else(|| rest.strip_prefix("&nbsp;&nbsp;"))
        {
            indent += 2;
            rest = r;
        } else if let Some(r) = rest
            .strip_prefix(' ')
            .or_else(|| rest.strip_prefix('\u{3000}'))
        {
            indent += 1;
            rest = r;
        } else if let Some(r) = rest.strip_prefix('∟').or_else(|| rest.strip_prefix('└')) {
            marked = true;
            rest = r;
        } else if let Some(r) = rest
            .strip_prefix("&nbsp;")
            .or_else(|| rest.strip_prefix("</span>"))
        {
            rest = r;
        } else if rest.starts_with("<span") && rest.contains('>') {
            // `<span style="color: #8F959E">∟</span>`: the site greys the marker.
            rest = &rest[rest.find('>').map_or(0, |at| at + 1)..];
        } else {
            break;
        }
    }
    let name = strip_code(rest).to_string();
    let level = if marked {
        row.level + (indent / 2).max(1)
    } else {
        row.level
    };
    (name, level)
}

/// Pipe renderings type a body object `object` and describe it in the type notes as the
/// next top-level model: in row order, each top-level row typed by a model name or
/// `object` has one (`content` → `content_block`). An `object` row without children takes
/// its model's fields. The first row whose model name is not the next one listed stops
/// the matching: from there on the order cannot be trusted.
fn noted_objects(table: &Table, fields: &mut [Field], notes: &TypeNotes) {
    let (Some(type_col), false) = (table.column(&["类型", "Type"]), notes.is_empty()) else {
        return;
    };
    let name_col = table
        .column(&["参数名", "名称", "参数", "字段"])
        .unwrap_or(0);
    let mut models = notes.top_level().iter();
    for row in table.rows.iter().filter(|row| row.level == 0) {
        let (name, level) = name_and_level(row, name_col);
        let spelling = strip_code(row.cell(type_col)).replace('\\', "");
        let base = spelling.strip_suffix("[]").unwrap_or(&spelling);
        let named = !read_type(&spelling).known && is_model_name(base) && base != "undefined";
        if level != 0 || !(named || base == "object") {
            continue;
        }
        let Some(model) = models.next() else { return };
        if named {
            if model != base {
                return;
            }
            continue;
        }
        let Some(field) = fields.iter_mut().find(|f| f.name == name) else {
            continue;
        };
        let members = notes.fields_of(model);
        if field.ty == FieldType::Object && field.fields.is_empty() {
            // `- **map<string, string>** 类型说明:`: the `object` row is that type.
            if let Some(plain) = plain_field(&field.name, model).filter(|_| members.is_empty()) {
                field.ty = plain.ty;
                field.items = plain.items;
                field.values = plain.values;
                continue;
            }
            // `- **array** 类型说明:` with members: the `object` row is an array of them.
            if spelling_of(model) == "array" {
                let mut element = Field::new("", FieldType::Object);
                element.fields = members;
                field.ty = FieldType::Array;
                field.items = Some(Box::new(element));
                continue;
            }
        }
        let object = match field.ty {
            FieldType::Object => field,
            FieldType::Array => match field.items.as_deref_mut() {
                Some(items) if items.ty == FieldType::Object => items,
                _ => continue,
            },
            _ => continue,
        };
        if object.fields.is_empty() {
            object.fields = members;
        }
    }
}

/// A field of a type spelling; named models (`i18n`, `user_id`…) become objects whose
/// fields are the rows below them (or the page's type notes).
fn typed_field(
    name: &str,
    spelling: &str,
    row: &Row,
    has_children: bool,
    info: &PageInfo,
    diagnostics: &mut Vec<Diagnostic>,
) -> Field {
    let read = read_type(spelling);
    let mut field = Field::new(name, read.ty);
    if read.known {
        match read.ty {
            FieldType::Array => field.items = Some(element(read.inner.unwrap_or(FieldType::Any))),
            FieldType::Map => field.values = Some(element(read.inner.unwrap_or(FieldType::Any))),
            _ => {}
        }
        return field;
    }
    let (model, is_array) = match spelling.strip_suffix("[]") {
        Some(model) => (model, true),
        None => (spelling, false),
    };
    let noted = info.type_notes.fields_of(model);
    // A model is an object when rows below it or the page's type notes give its fields, or
    // when the site source names it (its type cells only ever hold types); `-` and `/` are
    // how pages type a container row such as `data`.
    let container = model.is_empty() || model == "-" || (model == "/" && has_children);
    let described = has_children || !noted.is_empty();
    if container || (is_model_name(model) && (described || info.model_names_are_types)) {
        if !described && !container {
            diagnostics.push(Diagnostic::warning(
                row.line,
                Kind::UnknownType,
                format!("field `{name}`: type `{spelling}` has no fields on this page; read as an object with free keys"),
            ));
        }
        let mut object = Field::new("", FieldType::Object);
        object.fields = noted;
        if is_array {
            field.ty = FieldType::Array;
            field.items = Some(Box::new(object));
        } else {
            field.ty = FieldType::Object;
            field.fields = object.fields;
        }
        return field;
    }
    diagnostics.push(Diagnostic::warning(
        row.line,
        Kind::UnknownType,
        format!("field `{name}`: unknown type `{spelling}`; typed from the example where it has one, else `any`"),
    ));
    field
}

/// `i18n`, `user_id`, `text_element_style`: a model the docs describe by its child rows.
fn is_model_name(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        && text.starts_with(|c: char| c.is_ascii_alphabetic())
}

/// Rows with levels → a tree: a row one level deeper than the previous belongs to it (to
/// its `items` when it is an array).
fn nest(flat: Vec<(usize, Field)>) -> Vec<Field> {
    let mut stack: Vec<(usize, Field)> = Vec::new();
    let mut roots = Vec::new();
    for (level, field) in flat {
        while stack.last().is_some_and(|(l, _)| *l >= level) {
            let (_, done) = stack.pop().unwrap_or((0, Field::new("", FieldType::Any)));
            attach(&mut stack, &mut roots, done);
        }
        stack.push((level, field));
    }
    while let Some((_, done)) = stack.pop() {
        attach(&mut stack, &mut roots, done);
    }
    roots
}

fn attach(stack: &mut [(usize, Field)], roots: &mut Vec<Field>, child: Field) {
    let Some((_, parent)) = stack.last_mut() else {
        roots.push(child);
        return;
    };
    let target = match parent.ty {
        FieldType::Array => {
            let items = parent
                .items
                .get_or_insert_with(|| element(FieldType::Object));
            if items.ty != FieldType::Object {
                items.ty = FieldType::Object;
            }
            &mut items.fields
        }
        FieldType::Map => {
            let values = parent
                .values
                .get_or_insert_with(|| element(FieldType::Object));
            values.ty = FieldType::Object;
            &mut values.fields
        }
        _ => {
            parent.ty = FieldType::Object;
            &mut parent.fields
        }
    };
    // Children close in page order, so pushing keeps it.
    target.push(child);
}

/// A row with fewer cells than the header loses facts: report it and skip the row.
fn row_complete(table: &Table, row: &Row, diagnostics: &mut Vec<Diagnostic>) -> bool {
    if row.written_cells >= table.header.len() || table.header.is_empty() {
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
    field.deprecated = facts.description.as_deref().is_some_and(is_deprecated);
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

/// Descriptions mark retired fields in words: `已废弃`, `不推荐使用`, `deprecated`.
fn is_deprecated(description: &str) -> bool {
    ["已废弃", "已弃用", "不推荐使用", "废弃字段"]
        .iter()
        .any(|w| description.contains(w))
        || description.to_ascii_lowercase().contains("deprecated")
}

/// HTTP状态码 | 错误码 | 描述 | 排查建议.
fn read_errors(table: &Table, diagnostics: &mut Vec<Diagnostic>) -> Vec<ErrorCode> {
    let status_col = table
        .column(&["HTTP状态码", "HTTP 状态码", "HTTP status code"])
        .unwrap_or(0);
    let code_col = table.column(&["错误码", "Error code"]).unwrap_or(1);
    let message_col = table.column(&["描述", "Description"]).unwrap_or(2);
    let hint_col = table.column(&["排查建议", "Troubleshooting suggestions"]);
    let mut errors = Vec::new();
    for row in &table.rows {
        if !row_complete(table, row, diagnostics) {
            continue;
        }
        let (Ok(http_status), Ok(code)) = (
            row.cell(status_col).trim().parse(),
            row.cell(code_col).trim().parse(),
        ) else {
            diagnostics.push(Diagnostic::warning(
                row.line,
                Kind::BadValue,
                format!(
                    "error row: HTTP status `{}` or code `{}` is not a number; row skipped",
                    row.cell(status_col),
                    row.cell(code_col)
                ),
            ));
            continue;
        };
        errors.push(ErrorCode {
            http_status,
            code,
            message: row.cell(message_col).trim().to_string(),
            hint: hint_col
                .map(|c| row.cell(c).trim().to_string())
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
    complete_path_params(
        &path,
        &mut page.path_params,
        basics_line,
        &mut page.diagnostics,
    );
    if method == "GET"
        && page.query_params.is_empty()
        && let Some(body) = page.body.take()
    {
        // Older pages list a GET's query parameters under 请求体; a GET body is never sent.
        if !body.is_empty() {
            page.diagnostics.push(Diagnostic::warning(
                basics_line,
                Kind::BadValue,
                "a GET request documents a body; its fields are read as query parameters",
            ));
        }
        page.query_params = body;
        page.request_example = None;
    }
    let id = page
        .explorer_id
        .clone()
        .or_else(|| sdk_id(&page.sdk_names))
        .and_then(|id| four_part_id(&id))
        .unwrap_or_else(|| {
            page.diagnostics.push(Diagnostic::warning(
                basics_line,
                Kind::IdFromPath,
                "no SDK sample or API explorer link names this endpoint; id derived from the path",
            ));
            id_from_path(&method, &path)
        });

    let clashes = clashes_of(&page);
    page.diagnostics.extend(clashes);
    if let (Some(fields), Some(Value::Object(example))) =
        (page.body.as_mut(), page.request_example.as_ref())
    {
        super::infer::fill_from_example(fields, example);
    }
    let content_type = page
        .content_type
        .take()
        .filter(|t| t != "application/octet-stream");
    let has_file = page.body.iter().flatten().any(|f| f.ty == FieldType::File);
    let request = (page.body.is_some() || page.request_example.is_some()).then(|| Request {
        content_type: content_type.unwrap_or_else(|| {
            if has_file {
                "multipart/form-data"
            } else {
                "application/json"
            }
            .to_string()
        }),
        fields: page.body.unwrap_or_default(),
        example: page.request_example,
    });

    let mut response = build_response(
        page.response_fields,
        page.response_example,
        basics_line,
        &mut page.diagnostics,
    );
    if page.binary_response {
        let response = response.get_or_insert_with(|| Response {
            content_type: String::new(),
            fields: Vec::new(),
            fields_from: None,
            example: None,
        });
        response.content_type = "application/octet-stream".to_string();
    }
    let pagination = pagination(&page.query_params, request.as_ref(), response.as_ref());
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
        overrides: Vec::new(),
        diagnostics,
    }))
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
        content_type: "application/json".to_string(),
        fields_from: (!fields.is_empty()).then_some(from),
        fields,
        example,
    })
}

/// `service.version.resource.method` from the Python sample, or another language's.
/// Ids are `service.version.resource.method`; a nested resource (`authen.v1.oidc.
/// access_token.create`) joins its parts with `_`. Anything else is not an id.
fn four_part_id(id: &str) -> Option<String> {
    let parts: Vec<&str> = id.split('.').collect();
    let valid =
        |p: &&str| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if parts.len() < 4 || !parts.iter().all(valid) {
        return None;
    }
    let resource = parts[2..parts.len() - 1].join("_");
    Some(format!(
        "{}.{}.{resource}.{}",
        parts[0],
        parts[1],
        parts[parts.len() - 1]
    ))
}

fn sdk_id(names: &BTreeMap<String, String>) -> Option<String> {
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

/// An id in the SDKs' style from the path: the literal segments name the resource, the
/// method and whether the path ends in a parameter name the action.
/// `GET /open-apis/okr/v1/periods` → `okr.v1.periods.list`,
/// `PUT /open-apis/aily/v1/sessions/:id` → `aily.v1.sessions.update`.
fn id_from_path(method: &str, path: &str) -> String {
    let segments: Vec<&str> = path
        .trim_start_matches("/open-apis/")
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let service = segments.first().copied().unwrap_or("api");
    let (version, rest) = match segments.get(1) {
        Some(v)
            if v.starts_with('v') && v.len() > 1 && v[1..].chars().all(|c| c.is_ascii_digit()) =>
        {
            (*v, &segments[2..])
        }
        _ => ("unversioned", segments.get(1..).unwrap_or(&[])),
    };
    let literal: Vec<&str> = rest
        .iter()
        .copied()
        .filter(|s| !s.starts_with(':'))
        .collect();
    let ends_in_param = rest.last().is_some_and(|s| s.starts_with(':'));
    let action = match (method.to_ascii_uppercase().as_str(), ends_in_param) {
        ("GET", true) => "get",
        ("GET", false) => "list",
        ("POST", _) => "create",
        ("PUT", _) => "update",
        ("PATCH", _) => "patch",
        ("DELETE", _) => "delete",
        (other, _) => {
            return format!(
                "{}.{version}.{}.{}",
                service.to_snake_case(),
                resource_name(service, &literal),
                other.to_ascii_lowercase()
            );
        }
    };
    format!(
        "{}.{version}.{}.{action}",
        service.to_snake_case(),
        resource_name(service, &literal)
    )
}

fn resource_name(service: &str, literal: &[&str]) -> String {
    if literal.is_empty() {
        service.to_snake_case()
    } else {
        literal.join("_").to_snake_case()
    }
}

/// An endpoint pages when it takes `page_token` (query or body) and answers `has_more`.
fn pagination(
    query: &[Field],
    request: Option<&Request>,
    response: Option<&Response>,
) -> Option<Pagination> {
    let body = request.map(|r| r.fields.as_slice()).unwrap_or_default();
    let (token, token_in, params) = match query.iter().find(|f| f.name == "page_token") {
        Some(token) => (token, "query", query),
        None => (body.iter().find(|f| f.name == "page_token")?, "body", body),
    };
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
        token_in: token_in.to_string(),
        size_param: params
            .iter()
            .find(|f| f.name == "page_size")
            .map(|f| f.name.clone()),
        items_field: items,
        has_more_field: has_more.name.clone(),
        next_token_field: next.name.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
            ["tenant", "user"]
        );
        assert_eq!(
            tokens_in("user_access_token\n或\napp_access_token"),
            ["user", "app"]
        );
    }
}
