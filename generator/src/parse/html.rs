//! The documentation site's source format: markdown with `:::html` regions holding
//! `<md-table>` / `<md-dt-table>` tables (nested rows as `<md-dt-tr level="N">`) and
//! `<md-code-json>` examples. This module turns a whole page into the same [`Block`]s the
//! markdown reader gives, so one reader serves every dialect.
//!
//! The tags are a small, regular vocabulary, so a tolerant scanner reads them: unknown tags
//! stay in the cell text (for [`clean_cell`]), unclosed ones end at the region's end.

use super::blocks::{Block, Cell, Lines, Row, Table, blocks_from};

/// YAML front matter values the site writes (`title`, `fullPath`).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub full_path: Option<String>,
    /// The page's own address (English Lark renderings).
    pub url: Option<String>,
}

/// Split off `---` front matter; returns it and the line (0-based) where the body starts.
pub fn front_matter(text: &str) -> (FrontMatter, usize) {
    let mut matter = FrontMatter::default();
    let mut lines = text.lines();
    if lines.next().map(str::trim_end) != Some("---") {
        return (matter, 0);
    }
    for (i, line) in lines.enumerate() {
        if line.trim_end() == "---" {
            return (matter, i + 2);
        }
        if let Some((key, value)) = line.split_once(':') {
            let value = value.trim().trim_matches('"').to_string();
            match key.trim() {
                "title" => matter.title = Some(value),
                "fullPath" => matter.full_path = Some(value),
                "url" => matter.url = Some(value),
                _ => {}
            }
        }
    }
    (FrontMatter::default(), 0)
}

/// True when the page uses `:::html` regions with md-* tables.
pub fn is_site_source(text: &str) -> bool {
    text.contains(":::html") && (text.contains("<md-table") || text.contains("<md-dt-table"))
}

/// Blocks of a site-source page, in page order, with 1-based page lines.
pub fn site_blocks(text: &str, body_start: usize) -> Vec<Block> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut markdown_start = body_start;
    let mut i = body_start;
    while i < lines.len() {
        if lines[i].trim() == ":::html" {
            out.extend(markdown_blocks(&lines, markdown_start, i));
            let end = (i + 1..lines.len())
                .find(|&j| lines[j].trim() == ":::")
                .unwrap_or(lines.len());
            out.extend(region_blocks(&lines[i + 1..end], i + 2));
            i = end + 1;
            markdown_start = i;
        } else {
            i += 1;
        }
    }
    out.extend(markdown_blocks(&lines, markdown_start, lines.len()));
    out
}

fn markdown_blocks(lines: &[&str], start: usize, end: usize) -> Vec<Block> {
    if start >= end {
        return Vec::new();
    }
    let text = lines[start..end].join("\n");
    blocks_from(&text, start)
}

/// What the scanner is inside of.
#[derive(Default)]
struct RegionState {
    table: Option<Table>,
    in_head: bool,
    row: Option<Row>,
}

/// Blocks of one `:::html` region. `first_line` is the page line of `lines[0]`.
fn region_blocks(lines: &[&str], first_line: usize) -> Vec<Block> {
    let text = lines.join("\n");
    let index = Lines::new(&text);
    let line_of = |offset: usize| first_line + index.line_of(offset) - 1;
    let mut out = Vec::new();
    let mut state = RegionState::default();
    let mut pos = 0;
    while let Some(found) = text[pos..].find('<') {
        let start = pos + found;
        let Some(tag) = Tag::read(&text[start..]) else {
            pos = start + 1;
            continue;
        };
        let after = start + tag.len;
        pos = after;
        match (tag.name, tag.closing) {
            ("md-table" | "md-dt-table", false) => {
                state.table = Some(Table {
                    line: line_of(start),
                    header: Vec::new(),
                    rows: Vec::new(),
                });
            }
            ("md-table" | "md-dt-table", true) => {
                finish_row(&mut state);
                if let Some(table) = state.table.take() {
                    out.push(Block::Table(table));
                }
            }
            ("md-thead" | "md-dt-thead", closing) => state.in_head = !closing,
            ("md-tr" | "md-dt-tr" | "tr", false) => {
                finish_row(&mut state);
                let level = tag.attr("level").and_then(|l| l.parse().ok()).unwrap_or(0);
                state.row = Some(Row {
                    line: line_of(start),
                    cells: Vec::new(),
                    written_cells: 0,
                    level,
                });
            }
            ("md-tr" | "md-dt-tr" | "tr", true) => finish_row(&mut state),
            ("md-th" | "md-dt-th" | "md-td" | "md-dt-td", false) => {
                pos = read_cell(&text, after, tag.name, &mut state);
            }
            ("md-code-json", false) => {
                let (block, next) = code_json(&text, after, &line_of);
                out.push(block);
                pos = next;
            }
            _ => {}
        }
    }
    finish_row(&mut state);
    if let Some(table) = state.table.take() {
        out.push(Block::Table(table));
    }
    out
}

/// A header or body cell whose text starts at `after` (past its opening tag); returns
/// where reading goes on, past the closing tag.
fn read_cell(text: &str, after: usize, name: &str, state: &mut RegionState) -> usize {
    let close = format!("</{name}>");
    let end = text[after..].find(&close).map_or(text.len(), |e| after + e);
    let cell = Cell {
        text: clean_cell(&text[after..end]),
        indent: 0,
    };
    if state.in_head {
        if let Some(table) = state.table.as_mut() {
            table.header.push(cell);
        }
    } else if let Some(row) = state.row.as_mut() {
        row.cells.push(cell);
        row.written_cells += 1;
    }
    (end + close.len()).min(text.len())
}

/// An `<md-code-json>` block whose text starts at `after`, and where reading goes on.
fn code_json(text: &str, after: usize, line_of: &impl Fn(usize) -> usize) -> (Block, usize) {
    let close = "</md-code-json>";
    let end = text[after..].find(close).map_or(text.len(), |e| after + e);
    let body = &text[after..end];
    // The JSON starts on the line after the tag when the tag ends its line.
    let skip = body.len() - body.trim_start_matches([' ', '\t']).len();
    let body = &body[skip..];
    let (body, line) = match body.strip_prefix('\n') {
        Some(rest) => (rest, line_of(after) + 1),
        None => (body, line_of(after)),
    };
    let block = Block::Code {
        lang: "json".to_string(),
        text: body.to_string(),
        line,
    };
    (block, (end + close.len()).min(text.len()))
}

fn finish_row(state: &mut RegionState) {
    if let Some(row) = state.row.take() {
        if row.cells.is_empty() {
            return;
        }
        if let Some(table) = state.table.as_mut() {
            if state.in_head && table.header.is_empty() {
                table.header = row.cells;
            } else {
                table.rows.push(row);
            }
        }
    }
}

/// One HTML-ish tag: `<name attr="v" …>` or `</name>`.
struct Tag<'a> {
    name: &'a str,
    closing: bool,
    attrs: &'a str,
    /// Bytes from `<` to `>` inclusive.
    len: usize,
}

impl<'a> Tag<'a> {
    fn read(text: &'a str) -> Option<Tag<'a>> {
        let rest = text.strip_prefix('<')?;
        let (closing, rest) = match rest.strip_prefix('/') {
            Some(r) => (true, r),
            None => (false, rest),
        };
        let name_len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))?;
        if name_len == 0 {
            return None;
        }
        let name = &rest[..name_len];
        let end = rest.find('>')?;
        let attrs = rest[name_len..end].trim_end_matches('/');
        let len = 1 + usize::from(closing) + end + 1;
        Some(Tag {
            name,
            closing,
            attrs,
            len,
        })
    }

    fn attr(&self, key: &str) -> Option<&'a str> {
        attr(self.attrs, key)
    }
}

/// `key="value"` in an attribute list.
fn attr<'a>(attrs: &'a str, key: &str) -> Option<&'a str> {
    let mut search = attrs;
    while let Some(i) = search.find(key) {
        let before_ok = i == 0 || search.as_bytes()[i - 1].is_ascii_whitespace();
        let rest = search[i + key.len()..].trim_start();
        if before_ok && let Some(value) = rest.strip_prefix('=') {
            let value = value.trim_start();
            let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'')?;
            let value = &value[1..];
            return value.find(quote).map(|end| &value[..end]);
        }
        search = &search[i + key.len()..];
    }
    None
}

/// A cell's content as markdown: site tags replaced by what they mean, entities decoded.
/// - `<md-text …>x</md-text>`, `<md-tag …>x</md-tag>` → `x`
/// - `<md-perm name="n" desc="d">…</md-perm>` → `n (d)` on a line of its own
/// - `<md-app-support types="custom, isv">` → `custom isv`
/// - `<md-enum-item key="k">d</md-enum-item>` → `- k：d`
/// - `<md-tooltip>…</md-tooltip>` → removed (it explains the column, not the value)
pub fn clean_cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    while let Some(found) = text[pos..].find('<') {
        let start = pos + found;
        out.push_str(&text[pos..start]);
        let Some(tag) = Tag::read(&text[start..]).filter(|t| t.name.starts_with("md-")) else {
            out.push('<');
            pos = start + 1;
            continue;
        };
        pos = start + tag.len;
        if tag.closing {
            if matches!(tag.name, "md-perm" | "md-enum-item") {
                out.push('\n');
            }
            continue;
        }
        match tag.name {
            "md-tooltip" => {
                let close = "</md-tooltip>";
                pos = text[pos..]
                    .find(close)
                    .map_or(text.len(), |e| pos + e + close.len());
            }
            "md-perm" => {
                let name = tag.attr("name").unwrap_or_default();
                let desc = tag.attr("desc").unwrap_or_default();
                out.push_str(&format!("\n{name} ({desc})"));
                let close = "</md-perm>";
                pos = text[pos..].find(close).map_or(text.len(), |e| pos + e);
            }
            "md-app-support" => {
                out.push_str(&tag.attr("types").unwrap_or_default().replace(',', " "));
            }
            "md-enum-item" => {
                out.push_str(&format!("\n- {}：", tag.attr("key").unwrap_or_default()));
            }
            _ => {}
        }
    }
    out.push_str(&text[pos..]);
    decode_entities(out.trim())
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') && !text.contains('\\') {
        return text.to_string();
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
        .replace("\\-", "-")
        .replace("\\[", "[")
        .replace("\\]", "]")
        .replace("\\_", "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_lose_their_tags() {
        assert_eq!(
            clean_cell("\t<md-text type=\"field-name\" >aily_session_id</md-text>\n\t"),
            "aily_session_id"
        );
        assert_eq!(
            clean_cell("权限要求\n<md-tooltip type=\"info\">调用该 API 所需的权限</md-tooltip>\n"),
            "权限要求"
        );
        assert_eq!(
            clean_cell("<md-app-support types=\"custom, isv\"></md-app-support>"),
            "custom  isv"
        );
        assert_eq!(
            clean_cell(
                "<md-perm name=\"aily:session:write\" desc=\"读写会话信息\" tags=\"\">读写会话信息</md-perm>"
            ),
            "aily:session:write (读写会话信息)"
        );
        assert_eq!(
            clean_cell(
                "类型\n**可选值有**：\n<md-enum>\n<md-enum-item key=\"chat\" >chat 会话类型</md-enum-item>\n</md-enum>"
            ),
            "类型\n**可选值有**：\n\n\n- chat：chat 会话类型\n".trim()
        );
        assert_eq!(
            clean_cell("map&lt;string, string&gt;"),
            "map<string, string>"
        );
    }

    #[test]
    fn nested_rows_keep_level_and_line() {
        let page = "# T\n\n:::html\n<md-dt-table>\n<md-dt-thead><md-dt-tr><md-dt-th>名称</md-dt-th><md-dt-th>类型</md-dt-th></md-dt-tr></md-dt-thead>\n<md-dt-tbody>\n<md-dt-tr level=\"1\">\n<md-dt-td><md-text type=\"field-name\" >id</md-text></md-dt-td>\n<md-dt-td>string</md-dt-td>\n</md-dt-tr>\n</md-dt-tbody>\n</md-dt-table>\n:::\n";
        let blocks = site_blocks(page, 0);
        let [Block::Heading { .. }, Block::Table(table)] = blocks.as_slice() else {
            panic!("{blocks:?}")
        };
        assert_eq!(table.line, 4);
        assert_eq!(table.header.len(), 2);
        assert_eq!(table.rows.len(), 1);
        assert_eq!((table.rows[0].level, table.rows[0].line), (1, 7));
        assert_eq!(table.rows[0].cell(0), "id");
    }

    #[test]
    fn front_matter_fields() {
        let (matter, body) =
            front_matter("---\ntitle: \"更新会话\"\nfullPath: \"/a/b\"\n---\n\n# 更新会话\n");
        assert_eq!(matter.title.as_deref(), Some("更新会话"));
        assert_eq!(matter.full_path.as_deref(), Some("/a/b"));
        assert_eq!(body, 4);
    }
}
