//! The basics table (URL, method, tokens, app types, scopes, rate limit) and the API
//! explorer link that names an endpoint.

use super::Page;
use super::tables::strip_code;
use crate::diagnostics::{Diagnostic, Kind};
use crate::parse::blocks::{Block, Row, Table};
use crate::spec::{AppType, ContentType, HttpMethod, Scope, TokenKind};

/// First header cells of the table with URL, method and scopes, in the dialects seen:
/// `基本` (pipe, site), `项目` (variants), `Facts` (Lark English), or the URL row itself.
pub(super) const BASICS: &[&str] = &["基本", "项目", "Facts", "HTTP URL"];

pub(super) fn is_basics(table: &Table) -> bool {
    table
        .header
        .first()
        .is_some_and(|c| BASICS.contains(&c.text.trim()))
}

pub fn basics_table(blocks: &[Block]) -> Option<&Table> {
    blocks.iter().find_map(|block| match block {
        Block::Table(t) if is_basics(t) => Some(t),
        _ => None,
    })
}

/// The API explorer link on site pages names the endpoint:
/// `{尝试一下}(url=/api/tools/api_explore/api_explore_config?project=aily&version=v1&resource=aily_session&method=update)`.
pub(super) fn explorer_id(text: &str) -> Option<String> {
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

pub(super) fn strip_explorer_link(text: &str) -> String {
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

pub(super) fn read_basics(table: &Table, page: &mut Page) {
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
            "HTTP Method" => match HttpMethod::from_name(value) {
                Some(method) => page.method = Some(method),
                None => page.diagnostics.push(Diagnostic::error(
                    row.line,
                    Kind::BadValue,
                    format!("HTTP Method `{value}` is not GET, POST, PUT, PATCH or DELETE"),
                )),
            },
            "支持的访问令牌" => {
                page.auth.tokens = tokens_in(value);
                page.diagnostics.extend(unknown_tokens(value, row.line));
            }
            "支持的应用类型" => page.auth.app_types = app_types(value, row.line, page),
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
pub(super) fn basics_key(cell: &str) -> &str {
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
pub(super) fn ticked_scopes(text: &str) -> Vec<Scope> {
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
pub(super) fn link_text(text: &str) -> &str {
    text.strip_prefix('[')
        .and_then(|t| t.split_once("]("))
        .map_or(text, |(inner, _)| inner)
}

/// `https://open.feishu.cn/open-apis/x` → `/open-apis/x`.
pub(super) fn path_of(url: &str) -> String {
    // Some pages write an example query string into the URL: it is not part of the path.
    let url = url.split_whitespace().next().unwrap_or_default();
    let url = url.split(['?', '#']).next().unwrap_or_default();
    let without_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    match without_scheme.find('/') {
        Some(i) if url.contains("://") => without_scheme[i..].to_string(),
        _ => without_scheme.to_string(),
    }
}

pub(super) fn list(text: &str) -> impl Iterator<Item = &str> {
    text.split([',', '，', '、', ' ', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "<br>")
}

/// The token kinds named in a text: `tenant_access_token, user_access_token` → tenant, user.
pub(super) fn tokens_in(text: &str) -> Vec<TokenKind> {
    let mut tokens = Vec::new();
    for kind in TokenKind::ALL {
        if let Some(at) = text.find(&kind.token_name()) {
            tokens.push((at, kind));
        }
    }
    tokens.sort();
    tokens.into_iter().map(|(_, kind)| kind).collect()
}

/// A warning for each `…_access_token` a text names whose kind the IR does not know
/// (`refresh_access_token`): it is not a token the endpoint can be called with, and is
/// left out of `auth.tokens`, so say so instead of dropping it silently.
pub(super) fn unknown_tokens(text: &str, line: usize) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices("_access_token") {
        let start = text[..at]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |i| i + 1);
        let kind = &text[start..at];
        if kind.is_empty() || TokenKind::from_name(kind).is_some() {
            continue;
        }
        out.push(Diagnostic::warning(
            line,
            Kind::UnknownToken,
            format!("`{kind}_access_token` is not a token kind the IR knows (tenant, user, app); left out"),
        ));
    }
    out
}

/// The app types of a 支持的应用类型 cell; a word that names none is a warning.
fn app_types(text: &str, line: usize, page: &mut Page) -> Vec<AppType> {
    let mut types = Vec::new();
    for word in list(text) {
        match AppType::from_name(word) {
            Some(app_type) => types.push(app_type),
            None => page.diagnostics.push(Diagnostic::warning(
                line,
                Kind::BadValue,
                format!("app type `{word}` is not `custom` or `isv`; left out"),
            )),
        }
    }
    types
}

/// `**固定值**："multipart/form-data; boundary=…"` → `multipart/form-data`.
pub(super) fn content_type_in(text: &str) -> Option<ContentType> {
    [
        ContentType::Multipart,
        ContentType::Json,
        ContentType::OctetStream,
    ]
    .into_iter()
    .find(|t| text.contains(t.as_str()))
}

/// Scope names are ASCII like `aily:session:write`; descriptions are prose.
pub(super) fn is_scope_name(text: &str) -> bool {
    text.contains(':') && text.chars().all(|c| c.is_ascii_graphic())
}
