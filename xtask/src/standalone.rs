//! `cargo xtask codegen --pages <DIR>... --out <DIR>`: a standalone crate from any pages,
//! depending on this repository's runtime by path. Pages that fail to parse or check are
//! left out and listed; the rest is written at once (built beside `--out`, then swapped in).

use std::error::Error;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use feishu_codegen::emit::{EmitOptions, emit_crate};
use feishu_codegen::parse::Outcome;
use feishu_codegen::spec::{Spec, check};
use rayon::prelude::*;

use crate::codegen::repo_root;
use crate::files::{Tree, replace_dir};
use crate::pages::{Page, Parsed, collect, parse_pages, print_diagnostics, read_pages, warnings};

/// What one generation did, and how long each phase took.
#[derive(Debug, Clone, Default)]
pub struct Generated {
    pub endpoints: usize,
    pub files: usize,
    /// `file: reason` for each page that is not in the crate.
    pub left_out: Vec<String>,
    pub warnings: usize,
    /// Reading the pages (when [`run`] reads them), parsing and checking.
    pub parse: Duration,
    pub emit: Duration,
    pub write: Duration,
}

/// True when every page became part of the crate (and, with `deny_warnings`, had no
/// warning).
pub fn run(pages: &[PathBuf], out: &Path, deny_warnings: bool) -> Result<bool, Box<dyn Error>> {
    let started = Instant::now();
    let pages = read_pages(&collect(pages)?, None);
    let read = started.elapsed();
    let mut generated = generate(&pages, out, true)?;
    generated.parse += read;
    for line in &generated.left_out {
        eprintln!("left out: {line}");
    }
    eprintln!(
        "codegen: {} endpoint(s) in {} ({} file(s)); {} page(s) left out",
        generated.endpoints,
        out.display(),
        generated.files,
        generated.left_out.len()
    );
    let (parse, emit, write) = (generated.parse, generated.emit, generated.write);
    eprintln!(
        "codegen: {:.2} s: parse and check {:.2} s, emit and format {:.2} s, write {:.2} s",
        (parse + emit + write).as_secs_f64(),
        parse.as_secs_f64(),
        emit.as_secs_f64(),
        write.as_secs_f64(),
    );
    if deny_warnings && generated.warnings > 0 {
        eprintln!(
            "{} warning(s), and --deny-warnings makes them fatal",
            generated.warnings
        );
        return Ok(false);
    }
    Ok(generated.left_out.is_empty())
}

/// Parse, check, emit and write the crate for pages already in memory; diagnostics are
/// printed when `show_diagnostics`.
pub fn generate(
    pages: &[Page],
    out: &Path,
    show_diagnostics: bool,
) -> Result<Generated, Box<dyn Error>> {
    let started = Instant::now();
    let parsed = parse_pages(pages);
    if show_diagnostics {
        print_diagnostics(&parsed);
    }
    let warnings = warnings(&parsed);
    let (specs, left_out) = usable_specs(parsed);
    let parsed_at = Instant::now();
    let runtime = repo_root().join("runtime");
    let options = EmitOptions {
        runtime_path: runtime.to_string_lossy().replace('\\', "/"),
        standalone: true,
        ..EmitOptions::default()
    };
    let tree: Tree = emit_crate(&specs, &options)?
        .into_iter()
        .map(|f| (f.path, f.contents))
        .collect();
    let emitted_at = Instant::now();
    replace_dir(out, &tree)?;
    Ok(Generated {
        endpoints: specs.len(),
        files: tree.len(),
        left_out,
        warnings,
        parse: parsed_at - started,
        emit: emitted_at - parsed_at,
        write: emitted_at.elapsed(),
    })
}

/// The specs that parsed and check cleanly, sorted by id, and why each other page was
/// left out.
fn usable_specs(parsed: Vec<Parsed>) -> (Vec<Spec>, Vec<String>) {
    // Checked on rayon's threads; the pages stay in order.
    let checked: Vec<(Parsed, Vec<String>)> = parsed
        .into_par_iter()
        .map(|page| {
            let problems = match &page.outcome {
                Outcome::Endpoint(spec) if !page.failed() => check::check(spec),
                _ => Vec::new(),
            };
            (page, problems)
        })
        .collect();
    let mut left_out = Vec::new();
    let mut specs: Vec<Spec> = Vec::new();
    for (page, problems) in checked {
        if page.failed() {
            left_out.push(format!(
                "{}: the page has errors (`cargo xtask parse` shows them)",
                page.file
            ));
            continue;
        }
        let Outcome::Endpoint(spec) = page.outcome else {
            continue;
        };
        if !problems.is_empty() {
            left_out.push(format!("{}: {}", page.file, problems.join("; ")));
        } else {
            specs.push(*spec);
        }
    }
    specs.sort_by(|a, b| a.id.cmp(&b.id));
    (specs, left_out)
}
