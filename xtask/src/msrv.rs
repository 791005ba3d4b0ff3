//! `cargo xtask msrv`: the published crates' dependencies, as `Cargo.lock` resolves them,
//! declare no `rust-version` above ours.
//!
//! No Rust as old as our MSRV can be installed here, so this is half of the MSRV check:
//! the other half is clippy's `incompatible_msrv` lint (on by default, run by CI), which
//! reads `rust-version` and flags standard library items stabilised after it. Neither
//! proves that a 1.88 compiler accepts the code (a newer language feature would pass both).

use std::collections::{BTreeMap, BTreeSet};
use std::error::Error;
use std::process::Command;

use serde_json::Value;

use crate::codegen::repo_root;

/// The crates users depend on; their normal and build dependencies are checked.
const PUBLISHED: &[&str] = &["feishu-runtime", "feishu-api"];

/// A `rust-version` as numbers: `1.88` is `[1, 88, 0]`.
pub fn parse_version(text: &str) -> Option<[u64; 3]> {
    let mut parts = [0; 3];
    let mut count = 0;
    for (slot, part) in parts.iter_mut().zip(text.split('.')) {
        *slot = part.parse().ok()?;
        count += 1;
    }
    (count >= 2 && text.split('.').count() <= 3).then_some(parts)
}

/// One resolved package: `name version` and its declared `rust-version`, if any.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Declared {
    pub package: String,
    pub rust_version: Option<String>,
}

/// True when no dependency of the published crates needs a newer Rust than they declare.
pub fn run() -> Result<bool, Box<dyn Error>> {
    let metadata = metadata()?;
    let mut ok = true;
    for root in PUBLISHED {
        let (ours, deps) = closure(&metadata, root)?;
        let ours_parsed = parse_version(&ours).ok_or(format!("{root}: rust-version `{ours}`"))?;
        let newer = newer_than(&deps, ours_parsed);
        let undeclared = deps.iter().filter(|d| d.rust_version.is_none()).count();
        let highest = deps
            .iter()
            .filter_map(|d| d.rust_version.as_deref().and_then(parse_version))
            .max()
            .map_or("none".to_string(), |[a, b, c]| format!("{a}.{b}.{c}"));
        println!(
            "msrv: {root} declares rust-version {ours}; {} dependencies, the highest rust-version \
             among them {highest}, {undeclared} declare none",
            deps.len()
        );
        for dep in &newer {
            println!(
                "  {} needs Rust {}",
                dep.package,
                dep.rust_version.as_deref().unwrap_or("?")
            );
        }
        ok &= newer.is_empty();
    }
    Ok(ok)
}

/// The dependencies whose declared `rust-version` is above `ours`.
pub fn newer_than(deps: &BTreeSet<Declared>, ours: [u64; 3]) -> Vec<&Declared> {
    deps.iter()
        .filter(|d| {
            d.rust_version
                .as_deref()
                .and_then(parse_version)
                .is_some_and(|theirs| theirs > ours)
        })
        .collect()
}

/// `cargo metadata` of the workspace as locked, for this machine's target only (other
/// targets' dependencies would be downloaded just to be listed).
fn metadata() -> Result<Value, Box<dyn Error>> {
    let host = Command::new("rustc").arg("-vV").output()?;
    let host = String::from_utf8_lossy(&host.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: ").map(str::to_string))
        .ok_or("`rustc -vV` names no host")?;
    let output = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--locked",
            "--filter-platform",
        ])
        .arg(&host)
        .arg("--manifest-path")
        .arg(repo_root().join("Cargo.toml"))
        .output()?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata: {}",
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    Ok(serde_json::from_slice(&output.stdout)?)
}

/// The root's own `rust-version` and every package its normal and build dependencies reach.
pub fn closure(
    metadata: &Value,
    root: &str,
) -> Result<(String, BTreeSet<Declared>), Box<dyn Error>> {
    let packages: BTreeMap<&str, &Value> = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| Some((p["id"].as_str()?, p)))
        .collect();
    let nodes: BTreeMap<&str, &Value> = metadata["resolve"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| Some((n["id"].as_str()?, n)))
        .collect();
    let (root_id, root_package) = packages
        .iter()
        .find(|(_, p)| p["name"] == root)
        .ok_or(format!("cargo metadata does not list {root}"))?;
    let ours = root_package["rust_version"]
        .as_str()
        .ok_or(format!("{root} declares no rust-version"))?;
    let mut seen = BTreeSet::new();
    let mut todo = vec![*root_id];
    while let Some(id) = todo.pop() {
        if !seen.insert(id) {
            continue;
        }
        let deps = nodes
            .get(id)
            .and_then(|n| n["deps"].as_array())
            .into_iter()
            .flatten();
        for dep in deps {
            let runtime_kind = dep["dep_kinds"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|k| k["kind"].is_null() || k["kind"] == "build");
            if let (true, Some(pkg)) = (runtime_kind, dep["pkg"].as_str()) {
                todo.push(pkg);
            }
        }
    }
    seen.remove(root_id);
    let declared = seen
        .into_iter()
        .filter_map(|id| packages.get(id))
        .map(|p| Declared {
            package: format!(
                "{} {}",
                p["name"].as_str().unwrap_or("?"),
                p["version"].as_str().unwrap_or("?")
            ),
            rust_version: p["rust_version"].as_str().map(str::to_string),
        })
        .collect();
    Ok((ours.to_string(), declared))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn versions_compare_as_numbers() {
        assert_eq!(parse_version("1.88"), Some([1, 88, 0]));
        assert_eq!(parse_version("1.9.2"), Some([1, 9, 2]));
        assert!(parse_version("1.100").unwrap() > parse_version("1.88").unwrap());
        assert_eq!(parse_version("1"), None);
        assert_eq!(parse_version("1.88.0.1"), None);
        assert_eq!(parse_version("1.x"), None);
    }

    /// `app` → `lib` (normal) → `deep` (build); `app` → `tool` (dev only, not followed).
    fn fixture() -> Value {
        let package = |name: &str, rust: Value| json!({"id": name, "name": name, "version": "1.0.0", "rust_version": rust});
        let dep = |pkg: &str, kind: Value| json!({"pkg": pkg, "dep_kinds": [{"kind": kind}]});
        json!({
            "packages": [package("app", json!("1.88")), package("lib", json!("1.90")),
                         package("deep", Value::Null), package("tool", json!("1.95"))],
            "resolve": {"nodes": [
                {"id": "app", "deps": [dep("lib", Value::Null), dep("tool", json!("dev"))]},
                {"id": "lib", "deps": [dep("deep", json!("build"))]},
                {"id": "deep", "deps": []},
                {"id": "tool", "deps": []},
            ]}
        })
    }

    #[test]
    fn normal_and_build_dependencies_are_checked_and_dev_ones_are_not() {
        let (ours, deps) = closure(&fixture(), "app").unwrap();
        assert_eq!(ours, "1.88");
        let names: Vec<&str> = deps.iter().map(|d| d.package.as_str()).collect();
        assert_eq!(names, ["deep 1.0.0", "lib 1.0.0"]);
        let newer = newer_than(&deps, [1, 88, 0]);
        assert_eq!(newer.len(), 1);
        assert_eq!(newer[0].package, "lib 1.0.0");
        assert!(newer_than(&deps, [1, 90, 0]).is_empty());
        assert_eq!(
            closure(&fixture(), "nope").unwrap_err().to_string(),
            "cargo metadata does not list nope"
        );
    }
}
