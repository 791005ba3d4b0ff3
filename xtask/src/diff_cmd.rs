//! `cargo xtask diff <OLD> <NEW> [--format markdown|json]`: what changed between two
//! documentation snapshots (two page sets, two IR trees, or two git revisions of
//! `specs/ir/`), each change classed as breaking or not for the generated Rust API.

use std::error::Error;
use std::path::Path;

use feishu_codegen::diff;

use crate::sources::load;

/// True when nothing breaking changed.
pub fn run(root: &Path, old: &str, new: &str, json: bool) -> Result<bool, Box<dyn Error>> {
    let (old_specs, old_left_out) = load(root, old)?;
    let (new_specs, new_left_out) = load(root, new)?;
    for line in old_left_out.iter().chain(&new_left_out) {
        eprintln!("left out: {line}");
    }
    let report = diff::diff(&old_specs, &new_specs);
    if json {
        print!("{}", diff::to_json(&report));
    } else {
        print!("{}", diff::to_markdown(&report));
    }
    eprintln!(
        "diff: {} endpoint(s) before, {} after; {} change(s), {}",
        old_specs.len(),
        new_specs.len(),
        report.changes.len(),
        if report.breaking {
            "some breaking"
        } else {
            "none breaking"
        }
    );
    Ok(!report.breaking)
}
