//! `cargo xtask codegen [--check]`: specs/pages → specs/ir + generated/, all or nothing.

use std::error::Error;
use std::path::{Path, PathBuf};

use feishu_codegen::emit::{EmitOptions, emit_crate};
use feishu_codegen::parse::Outcome;
use feishu_codegen::spec::{Spec, check, overrides, yaml};

use crate::files::{Tree, differences, replace_dir};
use crate::manifest::{Inputs, Manifest, generator_identity, output_hashes};
use crate::pages::{collect, parse_all, print_diagnostics, read_pages};

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
    // `--deny-warnings` always reads the pages: the manifest does not keep their warnings.
    if !deny_warnings && unchanged(root)? {
        eprintln!(
            "codegen: specs/ir and generated/ are up to date (nothing changed since the last run)"
        );
        return Ok(true);
    }
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
    if check_only {
        for line in &stale {
            eprintln!("{line}");
        }
        if stale.is_empty() {
            eprintln!("codegen: specs/ir and generated/ are up to date");
            return Ok(true);
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
    if stale.is_empty() {
        eprintln!("codegen: specs/ir and generated/ are up to date");
    } else {
        eprintln!(
            "codegen: wrote specs/ir and generated/ ({} file(s) changed)",
            stale.len()
        );
    }
    // A merge may have brought generated/ without the lock.
    refresh_lock(root)?;
    let [(_, ir), (_, generated)] = &targets;
    record(root, ir, generated)?;
    Ok(true)
}

/// Where the repository's run keeps its [`Manifest`]: in `target/`, never checked in.
fn manifest_path(root: &Path) -> PathBuf {
    root.join("target/codegen-manifest.json")
}

/// The output directories, each with the prefix its files have in the manifest.
fn output_dirs(root: &Path) -> [(&'static str, PathBuf); 2] {
    [
        ("specs/ir/", root.join("specs/ir")),
        ("generated/", root.join("generated")),
    ]
}

/// Everything the repository's output is made from besides the generator: the pages,
/// the overrides, and `Cargo.lock` (which the run brings along, so a lock changed since
/// means another run).
fn inputs_hash(root: &Path) -> Result<String, Box<dyn Error>> {
    let mut inputs = Inputs::default();
    for page in read_pages(&collect(&[root.join("specs/pages")])?, Some(root)) {
        let bytes = page
            .contents
            .map_err(|reason| format!("{}: {reason}", page.file))?;
        inputs.add(&page.file, &bytes);
    }
    for file in [OVERRIDES, "Cargo.lock"] {
        match std::fs::read(root.join(file)) {
            Ok(bytes) => inputs.add(file, &bytes),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => inputs.add(file, b"none"),
            Err(err) => return Err(format!("{file}: {err}").into()),
        }
    }
    Ok(inputs.finish())
}

/// Whether the last run's manifest still holds: the same generator and inputs, and
/// `specs/ir/` and `generated/` byte for byte as that run wrote them.
fn unchanged(root: &Path) -> Result<bool, Box<dyn Error>> {
    let Some(manifest) = Manifest::load(&manifest_path(root)) else {
        return Ok(false);
    };
    let dirs = output_dirs(root);
    let dirs: Vec<(&str, &Path)> = dirs.iter().map(|(p, d)| (*p, d.as_path())).collect();
    Ok(manifest.still_holds(&generator_identity()?, &inputs_hash(root)?, &dirs))
}

/// Write the manifest of a run that left `specs/ir/` and `generated/` holding these trees.
fn record(root: &Path, ir: &Tree, generated: &Tree) -> Result<(), Box<dyn Error>> {
    let mut outputs = output_hashes("specs/ir/", ir);
    outputs.extend(output_hashes("generated/", generated));
    let manifest = Manifest {
        generator: generator_identity()?,
        inputs: inputs_hash(root)?,
        outputs,
        endpoints: ir.len(),
        warnings: 0,
        left_out: Vec::new(),
    };
    manifest.save(&manifest_path(root))?;
    Ok(())
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

    /// A repository of the project's own pages, without a `Cargo.lock` (nothing to
    /// refresh), generated once.
    fn generated_repo() -> tempfile::TempDir {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        let pages = repo_root().join("specs/pages");
        for page in collect(std::slice::from_ref(&pages)).unwrap() {
            let to = root
                .join("specs/pages")
                .join(page.strip_prefix(&pages).unwrap());
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(&page, &to).unwrap();
        }
        assert!(run(root, false, false).unwrap());
        temp
    }

    /// A run with nothing to do is skipped (nothing read beyond hashes, nothing written);
    /// a hand-edited generated file makes `--check` fail and the next run restore it; an
    /// edited page is generated again.
    #[test]
    fn the_manifest_skips_only_runs_with_nothing_to_do() {
        let temp = generated_repo();
        let root = temp.path();
        assert!(unchanged(root).unwrap());
        let lib = root.join("generated/src/lib.rs");
        let written = std::fs::read_to_string(&lib).unwrap();

        std::fs::write(&lib, format!("{written}// edited by hand\n")).unwrap();
        assert!(!unchanged(root).unwrap());
        assert!(!run(root, true, false).unwrap(), "--check sees the edit");
        assert!(run(root, false, false).unwrap());
        assert_eq!(std::fs::read_to_string(&lib).unwrap(), written);
        assert!(unchanged(root).unwrap());

        let page = root.join("specs/pages/aily/v1/aily_session/update.md");
        let text = std::fs::read_to_string(&page).unwrap();
        std::fs::write(&page, text.replace("更新会话", "更新了会话")).unwrap();
        assert!(!unchanged(root).unwrap());
        assert!(run(root, false, false).unwrap());
        let module = root.join("generated/src/aily/v1/aily_session/update.rs");
        assert!(
            std::fs::read_to_string(module)
                .unwrap()
                .contains("更新了会话")
        );
        assert!(unchanged(root).unwrap());
    }

    #[cfg(unix)]
    #[test]
    fn an_unchanged_repository_run_writes_nothing() {
        use std::os::unix::fs::MetadataExt;
        let temp = generated_repo();
        let root = temp.path();
        let stamps = || -> Vec<(String, u64, std::time::SystemTime)> {
            ["specs/ir", "generated"]
                .iter()
                .flat_map(|dir| {
                    let dir = root.join(dir);
                    crate::files::list_files(&dir)
                        .unwrap()
                        .into_iter()
                        .map(move |rel| {
                            let meta = std::fs::metadata(dir.join(&rel)).unwrap();
                            (rel, meta.ino(), meta.modified().unwrap())
                        })
                })
                .collect()
        };
        let before = stamps();
        assert!(!before.is_empty());
        assert!(unchanged(root).unwrap(), "the run is skipped");
        assert!(run(root, false, false).unwrap());
        assert_eq!(stamps(), before);
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
