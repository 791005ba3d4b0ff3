//! Markdown page → [`Spec`]. A page is first split into [`blocks::Block`]s; a dialect front
//! end (today the "pipe" rendering: `| 基本 | |` table, pipe parameter tables) reads them into
//! a spec; the shared modules read cells, types, examples and SDK samples.

pub mod blocks;
pub mod cell;
pub mod infer;
mod pipe;
pub mod sdk;
pub mod types;

use crate::diagnostics::{Diagnostic, Kind};
use crate::spec::Spec;

/// What came of one page.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// An endpoint spec. It may carry diagnostics; errors among them mean the page failed
    /// (see [`Spec::has_errors`]) even though the rest of it was read.
    Endpoint(Box<Spec>),
    /// Not an endpoint page (a guide, an event schema): nothing to generate, not a failure.
    Skipped { reason: String },
    /// An endpoint page we could not read at all.
    Failed { diagnostics: Vec<Diagnostic> },
}

/// Parse one page. `source` is the page's path as it should appear in the spec and in
/// diagnostics. Never panics.
pub fn parse_page(source: &str, text: &str) -> Outcome {
    let blocks = blocks::blocks(text);
    if pipe::is_pipe_page(&blocks) {
        return pipe::read(source, &blocks);
    }
    if blocks.is_empty() {
        return Outcome::Skipped {
            reason: "empty page".to_string(),
        };
    }
    Outcome::Failed {
        diagnostics: vec![Diagnostic::error(
            blocks.first().map_or(1, |b| b.line()),
            Kind::MissingBasics,
            "no `| 基本 | |` table with the HTTP URL and method: not a page this parser can read",
        )],
    }
}
