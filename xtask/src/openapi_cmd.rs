//! `cargo xtask openapi [--pages <DIR|FILE>...] --out <FILE>`: one OpenAPI 3.1 document
//! from `specs/ir/` (default) or from any pages, JSON or YAML by the file's extension.

use std::error::Error;
use std::path::{Path, PathBuf};

use feishu_codegen::openapi;
use feishu_codegen::spec::yaml;
use serde_json::Value;

use crate::files::write_atomic;
use crate::sources::{from_pages, read_ir};

/// The document's format, from the output file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Yaml,
}

pub fn format_of(out: &Path) -> Result<Format, String> {
    match out.extension().and_then(|e| e.to_str()) {
        Some("json") => Ok(Format::Json),
        Some("yaml" | "yml") => Ok(Format::Yaml),
        _ => Err(format!(
            "{}: the output file must end in .json, .yaml or .yml",
            out.display()
        )),
    }
}

/// True when every page (or IR file) went into the document.
pub fn run(root: &Path, pages: &[PathBuf], out: &Path) -> Result<bool, Box<dyn Error>> {
    let format = format_of(out)?;
    let (specs, left_out) = if pages.is_empty() {
        (read_ir(&root.join("specs/ir"))?, Vec::new())
    } else {
        from_pages(pages)?
    };
    let document = openapi::document(&specs)?;
    let text = match format {
        Format::Json => openapi::to_json(&document),
        Format::Yaml => yaml::value_to_string(&document)?,
    };
    write_atomic(out, &text)?;
    for line in &left_out {
        eprintln!("left out: {line}");
    }
    let operations = document["paths"]
        .as_object()
        .map(|p| {
            p.values()
                .filter_map(Value::as_object)
                .map(|i| i.len())
                .sum()
        })
        .unwrap_or(0usize);
    let schemas = document["components"]["schemas"]
        .as_object()
        .map_or(0, |s| s.len());
    eprintln!(
        "openapi: {operations} operation(s), {schemas} component schema(s) in {}; {} page(s) left out",
        out.display(),
        left_out.len()
    );
    Ok(left_out.is_empty())
}
