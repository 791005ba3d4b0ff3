//! File shapes: askama templates wrap formatted Rust (syn proves it parses, prettyplease
//! formats it) and the crate manifest.

use askama::Template;
use proc_macro2::TokenStream;

use super::EmitError;
use super::version::{GENERATOR_VERSION, RUNTIME_VERSION, crate_version};

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

/// What the generated crate's `Cargo.toml` and `README.md` say about it.
#[derive(Debug, Clone)]
pub struct Manifest<'a> {
    pub crate_name: &'a str,
    /// [`super::version::ir_hash`] of the specs the crate is generated from.
    pub ir_hash: &'a str,
    pub runtime_path: &'a str,
    pub page_count: usize,
    pub features: &'a [String],
    pub standalone: bool,
}

#[derive(Template)]
#[template(path = "Cargo.toml.txt", escape = "none")]
struct CargoToml<'a> {
    crate_name: &'a str,
    version: &'a str,
    rust_version: &'a str,
    repository: &'a str,
    runtime_version: &'a str,
    runtime_path: &'a str,
    page_count: usize,
    features: &'a [String],
    standalone: bool,
}

#[derive(Template)]
#[template(path = "README.md.txt", escape = "none")]
struct Readme<'a> {
    crate_name: &'a str,
    crate_ident: &'a str,
    version: &'a str,
    generator_version: &'a str,
    ir_hash: &'a str,
    repository: &'a str,
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

/// The crate's `Cargo.toml` (package metadata for crates.io and docs.rs, one feature per
/// service) and the `README.md` it names.
pub fn manifest_and_readme(m: &Manifest) -> Result<Vec<GeneratedFile>, EmitError> {
    let version = crate_version(m.ir_hash);
    // The generator's own metadata, so the workspace's `Cargo.toml` says it once.
    let (rust_version, repository) = (env!("CARGO_PKG_RUST_VERSION"), env!("CARGO_PKG_REPOSITORY"));
    let manifest = CargoToml {
        crate_name: m.crate_name,
        version: &version,
        rust_version,
        repository,
        runtime_version: RUNTIME_VERSION,
        runtime_path: m.runtime_path,
        page_count: m.page_count,
        features: m.features,
        standalone: m.standalone,
    }
    .render();
    let readme = Readme {
        crate_name: m.crate_name,
        crate_ident: &m.crate_name.replace('-', "_"),
        version: &version,
        generator_version: GENERATOR_VERSION,
        ir_hash: m.ir_hash,
        repository,
        page_count: m.page_count,
        features: m.features,
        standalone: m.standalone,
    }
    .render();
    let file = |path: &str, rendered: askama::Result<String>| {
        let contents = rendered.map_err(|err| EmitError::new(path, err.to_string()))?;
        Ok(GeneratedFile {
            path: path.to_string(),
            contents: format!("{}\n", contents.trim_end()),
        })
    };
    Ok(vec![
        file("Cargo.toml", manifest)?,
        file("README.md", readme)?,
    ])
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
