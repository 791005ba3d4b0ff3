//! File shapes: askama templates wrap formatted Rust (syn proves it parses, prettyplease
//! formats it) and the crate manifest.

use askama::Template;
use proc_macro2::TokenStream;

use super::EmitError;

/// A file of the generated crate, relative to its root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: String,
    pub contents: String,
}

#[derive(Template)]
#[template(path = "rust_file.rs.txt", escape = "none")]
struct RustFile<'a> {
    /// What the file was generated from (a page, or "N pages").
    origin: &'a str,
    body: &'a str,
}

#[derive(Template)]
#[template(path = "Cargo.toml.txt", escape = "none")]
struct CargoToml<'a> {
    crate_name: &'a str,
    version: &'a str,
    runtime_path: &'a str,
    page_count: usize,
    features: &'a [String],
    standalone: bool,
}

/// Parse, format and wrap one Rust file.
pub fn rust_file(
    path: &str,
    origin: &str,
    tokens: TokenStream,
) -> Result<GeneratedFile, EmitError> {
    let file: syn::File = syn::parse2(tokens).map_err(|err| {
        EmitError::new(origin, format!("generated `{path}` does not parse: {err}"))
    })?;
    let body = space_items(&prettyplease::unparse(&file));
    let contents = RustFile {
        origin,
        body: body.trim_end(),
    }
    .render()
    .map_err(|err| EmitError::new(origin, format!("template for `{path}`: {err}")))?;
    Ok(GeneratedFile {
        path: path.to_string(),
        contents: format!("{contents}\n"),
    })
}

pub fn cargo_toml(
    crate_name: &str,
    runtime_path: &str,
    page_count: usize,
    features: &[String],
    standalone: bool,
) -> Result<GeneratedFile, EmitError> {
    let contents = CargoToml {
        crate_name,
        version: env!("CARGO_PKG_VERSION"),
        runtime_path,
        features,
        standalone,
        page_count,
    }
    .render()
    .map_err(|err| EmitError::new("Cargo.toml", err.to_string()))?;
    Ok(GeneratedFile {
        path: "Cargo.toml".to_string(),
        contents: format!("{}\n", contents.trim_end()),
    })
}

/// Starts of items that get a blank line before them when they follow a closed item at the
/// same indent. JSON in raw strings never starts a line with these.
const ITEM_STARTS: &[&str] = &[
    "///", "#[", "pub ", "pub(", "impl", "mod ", "fn ", "async fn", "const ", "struct ", "enum ",
    "use ", "static ", "type ",
];

/// prettyplease puts items flush against each other; a blank line between items (and after
/// the module docs and `mod` / `use` lists) is how people write Rust.
fn space_items(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut prev: Option<&str> = None;
    for line in text.lines() {
        if prev.is_some_and(|prev| needs_blank(prev, line)) {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        prev = Some(line);
    }
    out
}

fn needs_blank(prev: &str, line: &str) -> bool {
    let indent = |s: &str| s.len() - s.trim_start().len();
    let (p, l) = (prev.trim_start(), line.trim_start());
    if l.is_empty() || p.is_empty() || indent(prev) != indent(line) {
        return false;
    }
    if !ITEM_STARTS.iter().any(|s| l.starts_with(s)) {
        return false;
    }
    let closed = p == "}" || p == "};" || p == "];";
    let after_docs = (p.starts_with("//!") && !l.starts_with("//!")) || p.starts_with("#![");
    let list_kind = |s: &str| {
        ["pub mod ", "mod ", "pub use ", "use "]
            .into_iter()
            .find(|k| s.starts_with(k))
    };
    let after_list = p.ends_with(';') && list_kind(p).is_some() && list_kind(p) != list_kind(l);
    closed || after_docs || after_list
}
