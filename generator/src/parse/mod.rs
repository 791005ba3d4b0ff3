//! Markdown page → [`Spec`], in four steps:
//! 1. a front end per dialect turns the page into [`blocks::Block`]s (the pipe rendering
//!    through pulldown-cmark, the site's `:::html` source through [`html`]);
//! 2. one [`reader`] reads those blocks into what the page states ([`stated::Stated`]),
//!    with the shared modules for cells, types, examples and SDK samples;
//! 3. [`normalize`] applies the project's conventions where the page leaves something
//!    open (a GET's body, default content types, inferred pagination) and makes the spec;
//! 4. [`links`] puts every documentation link of the page's prose on its site as an
//!    absolute URL.

pub mod blocks;
pub mod cell;
pub mod contradict;
pub mod elements;
pub mod html;
pub mod infer;
pub mod json;
pub mod links;
pub mod normalize;
mod reader;
pub mod sdk;
pub mod stated;
pub mod type_notes;
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

/// The markdown dialect of a page, told from its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// The documentation site's source: front matter, `:::html` md-* tables.
    SiteSource,
    /// Pipe tables (`| 基本 | |`), with or without front matter.
    Pipe,
}

pub fn dialect(text: &str) -> Dialect {
    if html::is_site_source(text) {
        Dialect::SiteSource
    } else {
        Dialect::Pipe
    }
}

/// Parse one page. `source` is the page's path as it should appear in the spec and in
/// diagnostics. Never panics.
pub fn parse_page(source: &str, text: &str) -> Outcome {
    let (matter, body_start) = html::front_matter(text);
    let dialect = dialect(text);
    let blocks = match dialect {
        Dialect::SiteSource => html::site_blocks(text, body_start),
        Dialect::Pipe => {
            let body: Vec<&str> = text.lines().skip(body_start).collect();
            blocks::blocks_from(&body.join("\n"), body_start)
        }
    };
    let info = reader::PageInfo {
        title: matter.title,
        type_notes: type_notes::TypeNotes::read(text),
        model_names_are_types: dialect == Dialect::SiteSource,
    };
    if reader::basics_table(&blocks).is_some() {
        return match reader::read(source, &blocks, &info) {
            reader::Read::Stated(stated) => {
                let mut spec = Box::new(normalize::spec(*stated));
                let page = links::Page {
                    site: links::Site::of_page(matter.url.as_deref(), text),
                    full_path: matter.full_path.as_deref(),
                };
                links::resolve_spec(&mut spec, page, text);
                Outcome::Endpoint(spec)
            }
            reader::Read::Failed(diagnostics) => Outcome::Failed { diagnostics },
        };
    }
    if !looks_like_endpoint(text) {
        return Outcome::Skipped {
            reason: "not an endpoint page: no HTTP URL and no /open-apis/ path".to_string(),
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

fn looks_like_endpoint(text: &str) -> bool {
    text.contains("HTTP URL") || text.contains("/open-apis/")
}
