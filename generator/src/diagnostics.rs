//! What the parser could not read cleanly. Every lost fact becomes one [`Diagnostic`]
//! with the page line, so nothing disappears silently and one bad page never stops a run.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Warning,
    Error,
}

/// The kinds of problem a page can have; `report.json` counts them by these names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// No `基本` table, or it has no URL / method: not an endpoint we can describe.
    MissingBasics,
    /// A table row with fewer cells than its header.
    MissingCell,
    /// A type spelling the parser does not know; the field becomes `any`.
    UnknownType,
    /// A JSON example that does not parse.
    InvalidExample,
    /// A value in the example whose type cannot be told (e.g. `null`); the field becomes `any`.
    UntypedExample,
    /// A rule phrase in `数据校验规则` the parser did not understand.
    UnknownRule,
    /// The id could not be taken from an SDK sample and was derived from the path.
    IdFromPath,
    /// A table cell whose value could not be read (e.g. a non-numeric error code).
    BadValue,
    /// The file could not be read as UTF-8 text.
    Unreadable,
    /// Another page already describes an endpoint with the same id.
    DuplicateId,
    /// The parser itself failed on the page (a bug: please report it with the page).
    Panic,
    /// The example shows another type than the table says; the table is kept.
    ExampleContradictsTable,
    /// Rows nested deeper than any real page does; they are kept at the deepest level read.
    TooDeep,
    /// The response example has a field its table lacks; it is added, typed from the example.
    ExampleOnlyField,
    /// A `…_access_token` whose kind is not `tenant`, `user` or `app`; it is left out.
    UnknownToken,
    /// A link whose target no page fact places on the documentation site; its text is kept.
    UnresolvedLink,
    /// An array whose element type the page never gives (`undefined[]`, no example value,
    /// description silent); its elements stay `any`.
    UntypedElement,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::MissingBasics => "missing-basics",
            Kind::MissingCell => "missing-cell",
            Kind::UnknownType => "unknown-type",
            Kind::InvalidExample => "invalid-example",
            Kind::UntypedExample => "untyped-example",
            Kind::UnknownRule => "unknown-rule",
            Kind::IdFromPath => "id-from-path",
            Kind::BadValue => "bad-value",
            Kind::Unreadable => "unreadable",
            Kind::DuplicateId => "duplicate-id",
            Kind::Panic => "panic",
            Kind::ExampleContradictsTable => "example-contradicts-table",
            Kind::TooDeep => "too-deep",
            Kind::ExampleOnlyField => "example-only-field",
            Kind::UnknownToken => "unknown-token",
            Kind::UnresolvedLink => "unresolved-link",
            Kind::UntypedElement => "untyped-element",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// 1-based line in the page.
    pub line: usize,
    pub level: Level,
    pub kind: Kind,
    pub message: String,
}

impl Diagnostic {
    pub fn error(line: usize, kind: Kind, message: impl Into<String>) -> Self {
        Diagnostic {
            line,
            level: Level::Error,
            kind,
            message: message.into(),
        }
    }

    pub fn warning(line: usize, kind: Kind, message: impl Into<String>) -> Self {
        Diagnostic {
            line,
            level: Level::Warning,
            kind,
            message: message.into(),
        }
    }

    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }

    /// `file:line: level[kind]: message`, the form printed to the terminal.
    pub fn display<'a>(&'a self, file: &'a str) -> impl fmt::Display + 'a {
        Located {
            file,
            diagnostic: self,
        }
    }
}

/// Where on its line a diagnostic points, and the line itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// 1-based, in characters.
    pub column: usize,
    /// Characters to underline.
    pub width: usize,
    pub text: String,
}

/// Longest part of a line shown in a snippet, in characters.
const SNIPPET_CHARS: usize = 100;

impl Diagnostic {
    /// The column on the diagnostic's line: where the first name the message quotes
    /// (`` `foo` ``) appears on it, else where the line's text starts. `None` when the page
    /// has no such line.
    pub fn span(&self, source: &str) -> Option<Span> {
        let text = source.lines().nth(self.line.checked_sub(1)?)?;
        let quoted = self.message.split('`').skip(1).step_by(2);
        let (at, width) = quoted
            .filter(|q| !q.trim().is_empty())
            .find_map(|q| text.find(q).map(|at| (at, q.chars().count())))
            .unwrap_or_else(|| {
                let at = text.len() - text.trim_start().len();
                (at, text.trim().chars().count())
            });
        Some(Span {
            column: text[..at].chars().count() + 1,
            width: width.max(1),
            text: text.to_string(),
        })
    }

    /// The diagnostic as a terminal shows it: `file:line:column: level[kind]: message`, then
    /// the line with the spot underlined. Without the source (or the line), the first line only.
    pub fn render(&self, file: &str, source: Option<&str>) -> String {
        let level = match self.level {
            Level::Warning => "warning",
            Level::Error => "error",
        };
        let kind = self.kind.as_str();
        let Some(span) = source.and_then(|s| self.span(s)) else {
            return format!("{file}:{}: {level}[{kind}]: {}", self.line, self.message);
        };
        // A window of the line around the spot, so long lines stay readable.
        let chars: Vec<char> = span.text.chars().collect();
        let start = (span.column - 1).saturating_sub(SNIPPET_CHARS / 4);
        let end = (start + SNIPPET_CHARS).min(chars.len());
        let shown: String = chars[start..end]
            .iter()
            .map(|&c| if c == '\t' { ' ' } else { c })
            .collect();
        let pad: usize = chars[start..span.column - 1]
            .iter()
            .map(|&c| display_width(c))
            .sum();
        let underline: usize = chars[span.column - 1..(span.column - 1 + span.width).min(end)]
            .iter()
            .map(|&c| display_width(c))
            .sum();
        let gutter = " ".repeat(self.line.to_string().len());
        let cut = |yes: bool| if yes { "…" } else { "" };
        format!(
            "{file}:{}:{}: {level}[{kind}]: {}\n{gutter} |\n{} | {}{shown}{}\n{gutter} | {}{}{}",
            self.line,
            span.column,
            self.message,
            self.line,
            cut(start > 0),
            cut(end < chars.len()),
            if start > 0 { " " } else { "" },
            " ".repeat(pad),
            "^".repeat(underline.max(1)),
        )
    }
}

/// Terminal columns of a character: CJK and full-width forms take two.
fn display_width(c: char) -> usize {
    match c as u32 {
        0x1100..=0x115F
        | 0x2E80..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD => 2,
        _ => 1,
    }
}

struct Located<'a> {
    file: &'a str,
    diagnostic: &'a Diagnostic,
}

impl fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.diagnostic;
        let level = match d.level {
            Level::Warning => "warning",
            Level::Error => "error",
        };
        write!(
            f,
            "{}:{}: {}[{}]: {}",
            self.file,
            d.line,
            level,
            d.kind.as_str(),
            d.message
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "## 标题\n\n| 参数名 | 类型 | 必填 | 描述 |\n| --- | --- | --- | --- |\n| name | strng | 否 | 名称 |\n";

    #[test]
    fn column_of_the_quoted_name() {
        let d = Diagnostic::warning(5, Kind::UnknownType, "field `name`: unknown type `strng`");
        assert_eq!(
            d.span(PAGE),
            Some(Span {
                column: 3,
                width: 4,
                text: "| name | strng | 否 | 名称 |".into()
            })
        );
        assert_eq!(
            d.render("p.md", Some(PAGE)),
            "p.md:5:3: warning[unknown-type]: field `name`: unknown type `strng`\n  |\n5 | | name | strng | 否 | 名称 |\n  |   ^^^^"
        );
    }

    #[test]
    fn falls_back_to_the_start_of_the_line_and_to_no_snippet() {
        let d = Diagnostic::error(3, Kind::MissingCell, "row has 3 of 4 cells");
        assert_eq!(d.span(PAGE).map(|s| (s.column, s.width)), Some((1, 22)));
        let wide = d.render("p.md", Some(PAGE));
        // 22 characters, nine of them Chinese, which take two columns each.
        assert!(wide.ends_with(&format!("  | {}", "^".repeat(31))), "{wide}");
        let gone = Diagnostic::error(99, Kind::MissingCell, "x");
        assert_eq!(
            gone.render("p.md", Some(PAGE)),
            "p.md:99: error[missing-cell]: x"
        );
        assert_eq!(gone.render("p.md", None), "p.md:99: error[missing-cell]: x");
    }

    #[test]
    fn long_lines_are_cut_around_the_spot() {
        let line = format!("{}`needle`{}", "a".repeat(300), "b".repeat(300));
        let d = Diagnostic::warning(1, Kind::BadValue, "bad `needle`");
        let shown = d.render("p.md", Some(&line));
        let snippet = shown.lines().nth(2).unwrap();
        assert!(snippet.starts_with("1 | …"), "{snippet}");
        assert!(snippet.ends_with('…'), "{snippet}");
        assert!(snippet.chars().count() < 120, "{snippet}");
        let marker = shown.lines().nth(3).unwrap();
        let at = snippet.chars().position(|c| c == 'n').unwrap();
        assert_eq!(marker.chars().position(|c| c == '^'), Some(at));
        assert!(marker.ends_with("^^^^^^"));
    }
}
