//! Markdown → a flat list of [`Block`]s (headings, paragraphs, tables, code), each with its
//! 1-based line. Table cells and paragraphs keep their markdown source, because the
//! description-cell language (`**示例**`, `<br>`, links) is read from the source, not from
//! rendered text.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading {
        level: u8,
        text: String,
        line: usize,
    },
    /// Markdown source of the paragraph, trimmed.
    Paragraph {
        text: String,
        line: usize,
    },
    Table(Table),
    Code {
        lang: String,
        text: String,
        line: usize,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub line: usize,
    pub header: Vec<Cell>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<Cell>,
    /// Cells the row's source really has; pulldown-cmark pads short rows with empty cells.
    pub written_cells: usize,
    /// Nesting depth (`<md-dt-tr level="N">`); 0 for pipe tables.
    pub level: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// Markdown source, trimmed, with `\|` unescaped.
    pub text: String,
    /// Spaces before the text in the source: rendered tables indent child rows' names.
    pub indent: usize,
}

impl Block {
    pub fn line(&self) -> usize {
        match self {
            Block::Heading { line, .. }
            | Block::Paragraph { line, .. }
            | Block::Code { line, .. } => *line,
            Block::Table(table) => table.line,
        }
    }
}

impl Table {
    /// Index of the first header cell whose text is one of `names`.
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        self.header
            .iter()
            .position(|cell| names.contains(&cell.text.as_str()))
    }
}

impl Row {
    /// The cell at `index`, or `""` when the row has no such cell.
    pub fn cell(&self, index: usize) -> &str {
        self.cells.get(index).map_or("", |cell| cell.text.as_str())
    }
}

/// Byte offset → 1-based line number.
pub struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }

    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset)
    }
}

/// Split a page into blocks. Never fails: markdown has no syntax errors, only surprises,
/// which the dialect front ends report.
pub fn blocks(text: &str) -> Vec<Block> {
    blocks_from(text, 0)
}

/// Blocks of a piece of a page that starts after `skipped_lines` lines; lines in the blocks
/// are page lines.
pub fn blocks_from(text: &str, skipped_lines: usize) -> Vec<Block> {
    let (joined, line_map) = join_table_rows(text);
    let mut out = markdown_blocks(&joined);
    let page_line = |line: usize| line_map.get(line - 1).copied().unwrap_or(line) + skipped_lines;
    for block in &mut out {
        match block {
            Block::Heading { line, .. }
            | Block::Paragraph { line, .. }
            | Block::Code { line, .. } => *line = page_line(*line),
            Block::Table(table) => {
                table.line = page_line(table.line);
                for row in &mut table.rows {
                    row.line = page_line(row.line);
                }
            }
        }
    }
    out
}

/// Pipe tables as scraped: cells that hold raw newlines (a row that does not end with `|`
/// goes on until a line that does), and headings glued to a table's last row
/// (`| a | b | ### Response body`). Returns the repaired text and, for each of its lines,
/// the 1-based page line it came from.
fn join_table_rows(text: &str) -> (String, Vec<usize>) {
    // Each line, with a glued heading split off onto a line of its own, and the page line
    // every piece came from.
    let mut lines: Vec<&str> = Vec::new();
    let mut origin = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let (row, heading) = split_glued_heading(line);
        for piece in std::iter::once(row).chain(heading) {
            lines.push(piece);
            origin.push(i + 1);
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(lines.len());
    let mut in_table = false;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim();
        let is_separator = trimmed.starts_with('|')
            && trimmed.contains('-')
            && trimmed.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '));
        if is_separator && i > 0 && lines[i - 1].trim_start().starts_with('|') {
            in_table = true;
        } else if !trimmed.starts_with('|') {
            in_table = false;
        }
        out.push_str(line);
        map.push(origin[i]);
        i += 1;
        let open = in_table
            && !is_separator
            && trimmed.starts_with('|')
            && !(trimmed.len() > 1 && trimmed.ends_with('|'));
        if open && let Some(end) = row_end(&lines, i) {
            for continuation in &lines[i..=end] {
                out.push_str("<br>");
                out.push_str(continuation.trim());
            }
            i = end + 1;
        }
        out.push('\n');
    }
    (out, map)
}

/// Where an open row's cell ends: the first line ending with `|` before anything that
/// starts a new row or block. `None`: the row just lacks its closing pipe.
fn row_end(lines: &[&str], from: usize) -> Option<usize> {
    const MAX_CONTINUATION: usize = 60;
    for (offset, line) in lines[from..].iter().take(MAX_CONTINUATION).enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with('|') || trimmed.starts_with('#') || trimmed.starts_with("```") {
            return None;
        }
        if trimmed.ends_with('|') {
            return Some(from + offset);
        }
    }
    None
}

/// `| a | b | ### Request header` → (`| a | b |`, `### Request header`).
fn split_glued_heading(line: &str) -> (&str, Option<&str>) {
    if !line.trim_start().starts_with('|') {
        return (line, None);
    }
    match line.find("| #") {
        Some(at) => {
            let heading = line[at + 1..].trim_start();
            if heading.trim_start_matches('#').starts_with(' ') {
                (&line[..=at], Some(heading))
            } else {
                (line, None)
            }
        }
        None => (line, None),
    }
}

fn markdown_blocks(text: &str) -> Vec<Block> {
    let lines = Lines::new(text);
    let mut out = Vec::new();
    let mut builder: Option<Builder> = None;
    let mut tables = Tables::default();

    let parser = Parser::new_ext(text, Options::ENABLE_TABLES).into_offset_iter();
    for (event, range) in parser {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                builder = Some(Builder::heading(level as u8, lines.line_of(range.start)));
            }
            Event::Start(Tag::Paragraph) if tables.table.is_none() => {
                out.push(Block::Paragraph {
                    text: text[range.clone()].trim().to_string(),
                    line: lines.line_of(range.start),
                });
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                // The content starts on the line after the fence.
                let line =
                    lines.line_of(range.start) + usize::from(is_fenced(&text[range.clone()]));
                builder = Some(Builder::code(lang, line));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(b) = builder.as_mut() {
                    b.text.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) | Event::End(TagEnd::CodeBlock) => {
                if let Some(b) = builder.take() {
                    out.push(b.finish());
                }
            }
            event => tables.on(&event, range, text, &lines, &mut out),
        }
    }
    out
}

/// The table being read, and its row.
#[derive(Default)]
struct Tables {
    table: Option<Table>,
    row: Option<Row>,
}

impl Tables {
    /// A table event; others are ignored. A finished table goes to `out`.
    fn on(
        &mut self,
        event: &Event,
        range: Range<usize>,
        text: &str,
        lines: &Lines,
        out: &mut Vec<Block>,
    ) {
        match event {
            Event::Start(Tag::Table(_)) => {
                self.table = Some(Table {
                    line: lines.line_of(range.start),
                    header: Vec::new(),
                    rows: Vec::new(),
                });
            }
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => {
                self.row = Some(Row {
                    line: lines.line_of(range.start),
                    cells: Vec::new(),
                    written_cells: count_cells(&text[range.clone()]),
                    level: 0,
                });
            }
            Event::Start(Tag::TableCell) => {
                if let Some(r) = self.row.as_mut() {
                    r.cells.push(Cell {
                        indent: cell_indent(text, &range),
                        text: cell_text(text, range),
                    });
                }
            }
            Event::End(TagEnd::TableHead) => {
                if let (Some(t), Some(r)) = (self.table.as_mut(), self.row.take()) {
                    t.header = r.cells;
                }
            }
            Event::End(TagEnd::TableRow) => {
                if let (Some(t), Some(r)) = (self.table.as_mut(), self.row.take()) {
                    t.rows.push(r);
                }
            }
            Event::End(TagEnd::Table) => {
                if let Some(t) = self.table.take() {
                    out.push(Block::Table(t));
                }
            }
            _ => {}
        }
    }
}

fn is_fenced(source: &str) -> bool {
    let start = source.trim_start();
    start.starts_with("```") || start.starts_with("~~~")
}

struct Builder {
    kind: BuilderKind,
    line: usize,
    text: String,
}

enum BuilderKind {
    Heading(u8),
    Code(String),
}

impl Builder {
    fn heading(level: u8, line: usize) -> Self {
        Builder {
            kind: BuilderKind::Heading(level),
            line,
            text: String::new(),
        }
    }

    fn code(lang: String, line: usize) -> Self {
        Builder {
            kind: BuilderKind::Code(lang),
            line,
            text: String::new(),
        }
    }

    fn finish(self) -> Block {
        match self.kind {
            BuilderKind::Heading(level) => Block::Heading {
                level,
                text: self.text.trim().to_string(),
                line: self.line,
            },
            BuilderKind::Code(lang) => Block::Code {
                lang,
                text: self.text,
                line: self.line,
            },
        }
    }
}

fn cell_text(text: &str, range: Range<usize>) -> String {
    text[range].trim().replace("\\|", "|")
}

/// Spaces between the cell's opening `|` and its text.
fn cell_indent(text: &str, range: &Range<usize>) -> usize {
    let before = &text[..range.start];
    let opening = before.rfind(['|', '\n']).map_or(0, |i| i + 1);
    let leading = &text[opening..range.end];
    leading.len() - leading.trim_start_matches(' ').len()
}

/// Cells written in a row's source: unescaped `|` separators (GFM splits inside code spans
/// too), leading and trailing pipes not counted.
fn count_cells(row_source: &str) -> usize {
    let row = row_source.trim();
    let mut separators: usize = 0;
    let mut escaped = false;
    for c in row.chars() {
        match c {
            '\\' if !escaped => {
                escaped = true;
                continue;
            }
            '|' if !escaped => separators += 1,
            _ => {}
        }
        escaped = false;
    }
    let leading: usize = usize::from(row.starts_with('|'));
    let trailing = usize::from(row.len() > 1 && row.ends_with('|') && !row.ends_with("\\|"));
    (separators + 1).saturating_sub(leading + trailing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_written_cells() {
        assert_eq!(count_cells("| a | b |"), 2);
        assert_eq!(count_cells("| a | b \\| c |"), 2);
        assert_eq!(count_cells("| a |"), 1);
    }

    #[test]
    fn lines_are_one_based() {
        let lines = Lines::new("a\nb\nc");
        assert_eq!(lines.line_of(0), 1);
        assert_eq!(lines.line_of(2), 2);
        assert_eq!(lines.line_of(4), 3);
    }

    #[test]
    fn rows_with_raw_newlines_are_joined() {
        let page = "| a | b |\n| - | - |\n| 1 | x\n\ny |\n| 2 | z |\n\ntext\n";
        let parsed = blocks(page);
        let Block::Table(table) = &parsed[0] else {
            panic!("{parsed:?}")
        };
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[0].cell(1), "x<br><br>y");
        assert_eq!((table.rows[0].line, table.rows[1].line), (3, 6));
        assert_eq!(
            parsed[1],
            Block::Paragraph {
                text: "text".into(),
                line: 8
            }
        );
    }

    #[test]
    fn rows_without_closing_pipe_and_glued_headings() {
        let page = "|a|b|\n|-|-|\n|x|1\n|  ∟y|2| ### Next\n\ntext\n";
        let parsed = blocks(page);
        let Block::Table(table) = &parsed[0] else {
            panic!("{parsed:?}")
        };
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[0].cell(1), "1");
        assert_eq!(
            parsed[1],
            Block::Heading {
                level: 3,
                text: "Next".into(),
                line: 4
            }
        );
        assert_eq!(
            parsed[2],
            Block::Paragraph {
                text: "text".into(),
                line: 6
            }
        );
    }

    #[test]
    fn short_rows_are_padded_but_counted() {
        let page = "| a | b | c |\n| - | - | - |\n| 1 | 2 |\n";
        let parsed = blocks(page);
        let [Block::Table(table)] = parsed.as_slice() else {
            panic!("one table")
        };
        assert_eq!(table.rows[0].written_cells, 2);
        assert_eq!(table.rows[0].line, 3);
    }
}
