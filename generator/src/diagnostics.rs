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
