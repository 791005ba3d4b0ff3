//! `cargo xtask codegen [--check]`: specs/pages → specs/ir + generated/, all or nothing.

use std::error::Error;
use std::path::{Path, PathBuf};

use feishu_codegen::emit::{EmitOptions, emit_crate};
use feishu_codegen::parse::Outcome;
use feishu_codegen::spec::{Spec, check, overrides, yaml};

use crate::files::{Tree, differences, replace_dir};
use crate::pages::{collect, parse_all, print_diagnostics};

/// The workspace root: xtask lives one level below it.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The two trees codegen owns, computed in memory; `None` (after saying why) when any page
/// failed, so nothing is written.
pub fn outputs(root: &Path, deny_warnings: bool) -> Result<Option<(Tree, Tree)>, Box<dyn Error>> {
    let files = collect(&[root.join("specs/pages")])?;
    let parsed = parse_all(&files, Some(root));
    print_diagnostics(&parsed);
    let mut problems = Vec::new();
    if deny_warnings {
        problems.extend(parsed.iter().filter(|p| p.warnings() > 0).map(|p| {
            format!(
                "{}: {} warning(s), denied by --deny-warnings",
                p.file,
                p.warnings()
            )
        }));
    }
    let mut specs: Vec<Spec> = Vec::new();
    for page in parsed {
        if page.failed() {
            problems.push(format!("{}: page has errors (see above)", page.file));
            continue;
        }
        if let Outcome::Endpoint(spec) = page.outcome {
            specs.push(*spec);
        }
    }
    // Checked after the overrides, which may be what makes a spec usable.
    apply_overrides(root, &mut specs)?;
    for spec in &specs {
        problems.extend(
            check::check(spec)
                .into_iter()
                .map(|p| format!("{}: {p}", spec.source)),
        );
    }
    if !problems.is_empty() {
        eprintln!(
            "codegen failed; nothing was written:\n  {}",
            problems.join("\n  ")
        );
        return Ok(None);
    }
    let mut ir = Tree::new();
    for spec in &specs {
        ir.insert(spec.ir_path(), yaml::to_string(spec)?);
    }
    let generated = emit_crate(&specs, &EmitOptions::default())?
        .into_iter()
        .map(|file| (file.path, file.contents))
        .collect();
    Ok(Some((ir, generated)))
}

/// Apply `specs/overrides.yaml` when it exists; overrides that match nothing are warned
/// about (the docs or the page changed under them), not fatal.
fn apply_overrides(root: &Path, specs: &mut [Spec]) -> Result<(), Box<dyn Error>> {
    let path = root.join(OVERRIDES);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(err) => return Err(format!("{OVERRIDES}: {err}").into()),
    };
    let overrides = yaml::overrides_from_str(&text).map_err(|err| format!("{OVERRIDES}: {err}"))?;
    for warning in overrides::apply(specs, &overrides) {
        eprintln!("{OVERRIDES}: warning: {warning}");
    }
    Ok(())
}

const OVERRIDES: &str = "specs/overrides.yaml";

/// True when everything is (or now is) up to date.
pub fn run(root: &Path, check_only: bool, deny_warnings: bool) -> Result<bool, Box<dyn Error>> {
    let Some((ir, generated)) = outputs(root, deny_warnings)? else {
        return Ok(false);
    };
    let targets = [
        (root.join("specs/ir"), ir),
        (root.join("generated"), generated),
    ];
    // Each directory is read and compared once; its differences decide both the report
    // and whether it is rewritten.
    let mut per_target = Vec::new();
    for (dir, tree) in &targets {
        per_target.push(differences(dir, tree)?);
    }
    let stale: Vec<&String> = per_target.iter().flatten().collect();
    if stale.is_empty() {
        eprintln!("codegen: specs/ir and generated/ are up to date");
        if !check_only {
            // A merge may have brought generated/ without the lock.
            refresh_lock(root)?;
        }
        return Ok(true);
    }
    if check_only {
        for line in &stale {
            eprintln!("{line}");
        }
        eprintln!(
            "codegen --check: {} file(s) differ; run `cargo xtask codegen`",
            stale.len()
        );
        return Ok(false);
    }
    for ((dir, tree), differs) in targets.iter().zip(&per_target) {
        if !differs.is_empty() {
            replace_dir(dir, tree)?;
        }
    }
    eprintln!(
        "codegen: wrote specs/ir and generated/ ({} file(s) changed)",
        stale.len()
    );
    refresh_lock(root)?;
    Ok(true)
}

/// The generated crate's version follows its IR, and `Cargo.lock` records the version of
/// every workspace member: bring the lock along, so `--locked` builds (CI) pass. Only the
/// workspace's own entries change, and nothing is downloaded.
fn refresh_lock(root: &Path) -> Result<(), Box<dyn Error>> {
    if !root.join("Cargo.lock").exists() {
        return Ok(());
    }
    let status = std::process::Command::new(env!("CARGO"))
        .args([
            "update",
            "--workspace",
            "--offline",
            "--quiet",
            "--manifest-path",
        ])
        .arg(root.join("Cargo.toml"))
        .status()?;
    if !status.success() {
        return Err(format!(
            "`cargo update --workspace` in {} failed ({status})",
            root.display()
        )
        .into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workspace whose member's version moved on since its lock was written gets the
    /// lock brought along, as `--locked` builds need.
    #[test]
    fn refresh_lock_records_the_members_new_version() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |path: &str, text: &str| {
            std::fs::create_dir_all(root.join(path).parent().unwrap()).unwrap();
            std::fs::write(root.join(path), text).unwrap();
        };
        write("Cargo.toml", "[workspace]\nmembers = [\"member\"]\n");
        write(
            "member/Cargo.toml",
            "[package]\nname = \"member\"\nversion = \"0.1.0-ir-0123abcd\"\nedition = \"2024\"\n",
        );
        write("member/src/lib.rs", "");
        write(
            "Cargo.lock",
            "version = 4\n\n[[package]]\nname = \"member\"\nversion = \"0.1.0\"\n",
        );
        refresh_lock(root).unwrap();
        let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap();
        assert!(
            lock.contains("[[package]]\nname = \"member\"\nversion = \"0.1.0-ir-0123abcd\"\n"),
            "{lock}"
        );

        // No lock, nothing to refresh (a `--root` of pages only).
        std::fs::remove_file(root.join("Cargo.lock")).unwrap();
        refresh_lock(root).unwrap();
        assert!(!root.join("Cargo.lock").exists());
    }

    /// The checked-in `specs/ir/` and `generated/` are what codegen writes, so plain
    /// `cargo test` fails on a stale tree (as rust-analyzer's xtask does); the fix is
    /// `cargo xtask codegen`.
    #[test]
    fn checked_in_output_is_current() {
        let root = repo_root();
        let (ir, generated) = outputs(&root, false)
            .expect("codegen runs")
            .expect("every page in specs/pages reads cleanly");
        let mut stale = differences(&root.join("specs/ir"), &ir).expect("specs/ir reads");
        stale.extend(differences(&root.join("generated"), &generated).expect("generated reads"));
        assert!(
            stale.is_empty(),
            "stale generated files; run `cargo xtask codegen`:\n{}",
            stale.join("\n")
        );
    }
}
