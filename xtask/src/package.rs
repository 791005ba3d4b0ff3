//! `cargo xtask package [--generated <DIR>]`: `cargo package` for the runtime and for a
//! generated crate, each verified (the packaged copy is unpacked and built), with the size
//! of each `.crate` against crates.io's upload limit.
//!
//! A generated crate depends on `feishu-runtime` by version, which crates.io does not have
//! until the runtime is published: cargo could neither write the package's lock file nor
//! build the packaged copy. Instead of `--no-verify`, the runtime is patched in from this
//! repository (`--config patch.crates-io.feishu-runtime.path=…`) for both, so cargo's own
//! verify step builds the packaged copy, with every service on (`--features full`).

use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::codegen::repo_root;

/// crates.io refuses a `.crate` file over 10 MiB.
pub const CRATES_IO_LIMIT: u64 = 10 * 1024 * 1024;

/// What to package besides the runtime.
pub struct Options {
    /// A crate written by `cargo xtask codegen --pages`.
    pub generated: Option<PathBuf>,
    /// Package uncommitted changes (cargo refuses a dirty work tree by default).
    pub allow_dirty: bool,
}

/// True when every `.crate` was written, verified and is under the limit.
pub fn run(options: &Options) -> Result<bool, Box<dyn Error>> {
    let root = repo_root();
    let runtime_manifest = root.join("runtime/Cargo.toml");
    let mut args = vec!["package".to_string(), "--locked".to_string()];
    if options.allow_dirty {
        args.push("--allow-dirty".to_string());
    }
    cargo(&args, &runtime_manifest)?;
    let mut fits = report(&runtime_manifest)?;
    if let Some(dir) = &options.generated {
        let manifest = dir.join("Cargo.toml");
        cargo(
            &generated_args(&root.join("runtime"), options.allow_dirty),
            &manifest,
        )?;
        fits &= report(&manifest)?;
    }
    Ok(fits)
}

/// `cargo package` for a generated crate: every service built in the verify step, and the
/// runtime taken from this repository instead of crates.io.
pub fn generated_args(runtime: &Path, allow_dirty: bool) -> Vec<String> {
    let mut args = vec![
        "package".to_string(),
        "--features".to_string(),
        "full".to_string(),
        "--config".to_string(),
        format!(
            "patch.crates-io.feishu-runtime.path={}",
            toml_string(&runtime.to_string_lossy())
        ),
    ];
    if allow_dirty {
        args.push("--allow-dirty".to_string());
    }
    args
}

/// A TOML basic string: quotes and backslashes escaped (a Windows path has backslashes).
fn toml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Run cargo on one manifest, from the package's own directory: run from inside another
/// crate (CI packages the runtime from the whole-corpus crate's directory), cargo's check
/// for uncommitted files reports that crate's `Cargo.toml` as a change of this package's.
/// An error names the command when it fails.
fn cargo(args: &[String], manifest: &Path) -> Result<(), Box<dyn Error>> {
    // Absolute, since the command runs from another directory.
    let manifest = &std::path::absolute(manifest)?;
    let mut command = Command::new(env!("CARGO"));
    if let Some(dir) = manifest.parent() {
        command.current_dir(dir);
    }
    let status = command
        .args(args)
        .arg("--manifest-path")
        .arg(manifest)
        .status()?;
    if !status.success() {
        return Err(format!(
            "`cargo {} --manifest-path {}` failed ({status})",
            args.join(" "),
            manifest.display()
        )
        .into());
    }
    Ok(())
}

/// Print where the package's `.crate` is and its size; true when it is under the limit.
fn report(manifest: &Path) -> Result<bool, Box<dyn Error>> {
    let (name, version, target) = package_of(manifest)?;
    let file = target.join(format!("package/{name}-{version}.crate"));
    let bytes = std::fs::metadata(&file)
        .map_err(|err| format!("{}: {err}", file.display()))?
        .len();
    println!("{}", size_line(&name, &version, &file, bytes));
    Ok(bytes <= CRATES_IO_LIMIT)
}

/// `name version: file, size` with the share of crates.io's limit, and a verdict.
pub fn size_line(name: &str, version: &str, file: &Path, bytes: u64) -> String {
    let mib = bytes as f64 / (1024.0 * 1024.0);
    let share = bytes as f64 * 100.0 / CRATES_IO_LIMIT as f64;
    let verdict = if bytes <= CRATES_IO_LIMIT {
        "under"
    } else {
        "OVER"
    };
    format!(
        "package: {name} {version}: {}, {bytes} bytes ({mib:.2} MiB, {share:.0}% of crates.io's 10 MiB limit: {verdict})",
        file.display()
    )
}

/// The package's name and version and the target directory cargo writes it to.
fn package_of(manifest: &Path) -> Result<(String, String, PathBuf), Box<dyn Error>> {
    let output = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--manifest-path",
        ])
        .arg(manifest)
        .output()?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata for {}: {}",
            manifest.display(),
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    let metadata: Value = serde_json::from_slice(&output.stdout)?;
    let manifest = std::fs::canonicalize(manifest)?;
    let package = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["manifest_path"].as_str().map(Path::new) == Some(manifest.as_path()))
        .ok_or_else(|| format!("cargo metadata does not list {}", manifest.display()))?;
    let text = |value: &Value| value.as_str().unwrap_or_default().to_string();
    Ok((
        text(&package["name"]),
        text(&package["version"]),
        PathBuf::from(text(&metadata["target_directory"])),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runtime_is_patched_in_as_a_toml_string() {
        let args = generated_args(Path::new(r#"C:\work\"odd"\runtime"#), true);
        assert_eq!(
            args,
            [
                "package",
                "--features",
                "full",
                "--config",
                r#"patch.crates-io.feishu-runtime.path="C:\\work\\\"odd\"\\runtime""#,
                "--allow-dirty",
            ]
        );
        assert_eq!(generated_args(Path::new("/r"), false).len(), 5);
    }

    #[test]
    fn sizes_are_measured_against_ten_mebibytes() {
        let file = Path::new("target/package/feishu-api-0.1.0.crate");
        assert_eq!(
            size_line("feishu-api", "0.1.0", file, 5 * 1024 * 1024),
            "package: feishu-api 0.1.0: target/package/feishu-api-0.1.0.crate, 5242880 bytes \
             (5.00 MiB, 50% of crates.io's 10 MiB limit: under)"
        );
        assert!(size_line("x", "1.0.0", file, CRATES_IO_LIMIT + 1).ends_with("limit: OVER)"));
        assert!(size_line("x", "1.0.0", file, CRATES_IO_LIMIT).ends_with("limit: under)"));
    }
}
