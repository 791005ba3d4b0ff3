//! `cargo xtask codegen --pages <DIR>... --out <DIR>`: a standalone crate from any pages,
//! depending on this repository's runtime by path. Pages that fail to parse or check are
//! left out and listed; the rest is written at once (built beside `--out`, then swapped in).

use std::error::Error;
use std::path::{Path, PathBuf};
use std::time::Instant;

use feishu_codegen::emit::{EmitOptions, emit_crate};
use feishu_codegen::parse::Outcome;
use feishu_codegen::spec::{Spec, check};

use crate::codegen::repo_root;
use crate::files::{Tree, replace_dir};
use crate::pages::{collect, parse_all, print_diagnostics, warnings};

/// True when every page became part of the crate (and, with `deny_warnings`, had no
/// warning).
pub fn run(pages: &[PathBuf], out: &Path, deny_warnings: bool) -> Result<bool, Box<dyn Error>> {
    let started = Instant::now();
    let files = collect(pages)?;
    let parsed = parse_all(&files, None);
    print_diagnostics(&parsed);
    let warnings = warnings(&parsed);
    let mut left_out = Vec::new();
    let mut specs: Vec<Spec> = Vec::new();
    for page in parsed {
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
        let problems = check::check(&spec);
        if !problems.is_empty() {
            left_out.push(format!("{}: {}", page.file, problems.join("; ")));
        } else {
            specs.push(*spec);
        }
    }
    specs.sort_by(|a, b| a.id.cmp(&b.id));
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
    let written_at = Instant::now();
    for line in &left_out {
        eprintln!("left out: {line}");
    }
    eprintln!(
        "codegen: {} endpoint(s) in {} ({} file(s)); {} page(s) left out",
        specs.len(),
        out.display(),
        tree.len(),
        left_out.len()
    );
    let seconds = |from: Instant, to: Instant| (to - from).as_secs_f64();
    eprintln!(
        "codegen: {:.2} s: parse and check {:.2} s, emit and format {:.2} s, write {:.2} s",
        seconds(started, written_at),
        seconds(started, parsed_at),
        seconds(parsed_at, emitted_at),
        seconds(emitted_at, written_at),
    );
    if deny_warnings && warnings > 0 {
        eprintln!("{warnings} warning(s), and --deny-warnings makes them fatal");
        return Ok(false);
    }
    Ok(left_out.is_empty())
}
