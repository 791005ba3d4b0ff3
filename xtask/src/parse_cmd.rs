//! `cargo xtask parse <FILE|DIR>... --out <DIR>`: YAML per endpoint plus report.json, for any
//! pages, touching nothing but `--out`. Other tools call it exactly like this.

use std::error::Error;
use std::path::{Path, PathBuf};

use feishu_codegen::parse::Outcome;
use feishu_codegen::spec::yaml;

use crate::files::write_atomic;
use crate::pages::{collect, parse_all, print_diagnostics, warnings};
use crate::report::Report;

/// True when every page parsed without errors (and, with `deny_warnings`, without warnings).
pub fn run(inputs: &[PathBuf], out: &Path, deny_warnings: bool) -> Result<bool, Box<dyn Error>> {
    let files = collect(inputs)?;
    let parsed = parse_all(&files, None);
    print_diagnostics(&parsed);
    for page in &parsed {
        if let Outcome::Endpoint(spec) = &page.outcome {
            write_atomic(&out.join(spec.ir_path()), &yaml::to_string(spec)?)?;
        }
    }
    let report = Report::new(&parsed);
    write_atomic(
        &out.join("report.json"),
        &format!("{}\n", serde_json::to_string_pretty(&report)?),
    )?;
    print!("{}", report.table());
    eprintln!(
        "parsed {} page(s): {} endpoint(s) written to {}, {} skipped, {} failed",
        report.pages,
        report.endpoints,
        out.display(),
        report.skipped.len(),
        report.failed
    );
    let warnings = warnings(&parsed);
    if deny_warnings && warnings > 0 {
        eprintln!("{warnings} warning(s), and --deny-warnings makes them fatal");
        return Ok(false);
    }
    Ok(report.failed == 0)
}
