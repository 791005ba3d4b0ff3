//! Where specs come from: an IR tree (`specs/ir/`), documentation pages, or `specs/ir/` at
//! a git revision. `openapi` and `diff` read them the same way.

use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::Command;

use feishu_codegen::parse::Outcome;
use feishu_codegen::spec::{Spec, check, yaml};

use crate::files::read_tree;
use crate::pages::{collect, parse_all, print_diagnostics};

/// The specs `arg` names, and the pages left out: a directory or file of pages (`.md`),
/// an IR directory or file (`.yaml`), or else a git revision of `root`'s `specs/ir/`.
pub fn load(root: &Path, arg: &str) -> Result<(Vec<Spec>, Vec<String>), Box<dyn Error>> {
    let path = Path::new(arg);
    if path.is_file() {
        return if arg.ends_with(".yaml") {
            let text = std::fs::read_to_string(path)?;
            let spec = yaml::from_str(&text).map_err(|err| format!("{arg}: {err}"))?;
            Ok((vec![spec], Vec::new()))
        } else {
            from_pages(&[path.to_path_buf()])
        };
    }
    if path.is_dir() {
        let files = read_tree(path)?;
        return if files.keys().any(|f| f.ends_with(".md")) {
            from_pages(&[path.to_path_buf()])
        } else {
            Ok((read_ir(path)?, Vec::new()))
        };
    }
    Ok((read_git(root, arg)?, Vec::new()))
}

/// Every `.yaml` spec under the IR directory, in path order.
pub fn read_ir(dir: &Path) -> Result<Vec<Spec>, Box<dyn Error>> {
    if !dir.is_dir() {
        return Err(format!("{}: no IR directory", dir.display()).into());
    }
    let mut specs = Vec::new();
    for (path, text) in read_tree(dir)? {
        if !path.ends_with(".yaml") {
            continue;
        }
        let spec =
            yaml::from_str(&text).map_err(|err| format!("{}/{path}: {err}", dir.display()))?;
        specs.push(spec);
    }
    Ok(specs)
}

/// Parse the pages as `codegen --pages` does: pages with errors or failing the checks
/// are left out and listed.
pub fn from_pages(pages: &[PathBuf]) -> Result<(Vec<Spec>, Vec<String>), Box<dyn Error>> {
    let files = collect(pages)?;
    let parsed = parse_all(&files, None);
    print_diagnostics(&parsed);
    let mut specs = Vec::new();
    let mut left_out = Vec::new();
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
        if problems.is_empty() {
            specs.push(*spec);
        } else {
            left_out.push(format!("{}: {}", page.file, problems.join("; ")));
        }
    }
    Ok((specs, left_out))
}

/// `specs/ir/` as it was at a git revision of the repository at `root`.
fn read_git(root: &Path, revision: &str) -> Result<Vec<Spec>, Box<dyn Error>> {
    let git = |args: &[&str]| -> Result<String, Box<dyn Error>> {
        let output = Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .output()?;
        if !output.status.success() {
            return Err(format!(
                "`{revision}` is neither a file, a directory nor a git revision: git {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr).trim()
            )
            .into());
        }
        Ok(String::from_utf8(output.stdout)?)
    };
    let commit = git(&[
        "rev-parse",
        "--verify",
        "--quiet",
        &format!("{revision}^{{commit}}"),
    ])?;
    let commit = commit.trim();
    let listing = git(&["ls-tree", "-r", "--name-only", commit, "--", "specs/ir"])?;
    let mut specs = Vec::new();
    for file in listing.lines().filter(|f| f.ends_with(".yaml")) {
        let text = git(&["show", &format!("{commit}:{file}")])?;
        let spec = yaml::from_str(&text).map_err(|err| format!("{revision}:{file}: {err}"))?;
        specs.push(spec);
    }
    Ok(specs)
}
