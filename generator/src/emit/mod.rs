//! Specs → the files of a Rust client crate. Pure: the caller writes the files.
//!
//! The modules import in one direction, each only from those above it in [`LAYERS`]
//! (a test holds them to it):
//! - `naming`, `error_names`, `docs`: identifiers (error constants' too) and rustdoc from
//!   page text;
//! - `facts`: one endpoint's item names and whether it uploads, downloads or pages;
//! - `enums`, `shapes`: documented values as enums; a nested type's side, key, member
//!   names and whether it validates;
//! - `shared`: which shapes several endpoints of a service share, and their names;
//! - `type_facts`: the type-facts pass over a service's specs: with `shared`'s decision,
//!   every module's structs and enums (names, sides, members' types, validation),
//!   decided once before anything is written;
//! - `version`: the crate's version, from the generator's and a hash of the IR;
//! - `files`, `types`: formatted files; the struct and enum writer, which only reads the
//!   facts;
//! - `models`, `endpoint`, `generated_tests`, `tree`: one generator per output kind (a
//!   service's `models.rs`, an endpoint's module and client method, the generated crate's
//!   own tests, the module tree with `lib.rs`).
//!
//! Layout of the generated crate: `src/<service>/<version>/<resource>/<method>.rs` holds an
//! endpoint's types, the `mod.rs` above it the resource struct with the client methods, so
//! a call reads `client.aily().v1().aily_session().update(request)`.

mod docs;
mod endpoint;
mod enums;
pub mod error_names;
mod facts;
mod files;
mod generated_tests;
mod models;
pub mod naming;
pub(crate) mod shapes;
mod shared;
mod tree;
mod type_facts;
mod types;
mod version;

use std::fmt;

pub use files::GeneratedFile;
pub use version::{GENERATOR_VERSION, RUNTIME_VERSION, crate_version, ir_hash};

/// The emit modules from the bottom up: each imports only modules before it.
pub const LAYERS: &[&str] = &[
    "naming",
    "error_names",
    "docs",
    "facts",
    "enums",
    "shapes",
    "shared",
    "type_facts",
    "version",
    "files",
    "types",
    "models",
    "endpoint",
    "generated_tests",
    "tree",
];

/// What the generated crate is called and where it finds the runtime.
#[derive(Debug, Clone)]
pub struct EmitOptions {
    pub crate_name: String,
    /// Path to the runtime crate, relative to the generated crate's directory or absolute.
    pub runtime_path: String,
    /// The crate lives outside this workspace and is its own workspace root.
    pub standalone: bool,
}

impl Default for EmitOptions {
    fn default() -> Self {
        EmitOptions {
            crate_name: "feishu-api".to_string(),
            runtime_path: "../runtime".to_string(),
            standalone: false,
        }
    }
}

/// A spec the emitter cannot turn into Rust, with the endpoint (or file) it concerns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct EmitError {
    pub origin: String,
    pub message: String,
}

impl EmitError {
    pub fn new(origin: impl Into<String>, message: impl Into<String>) -> Self {
        EmitError {
            origin: origin.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for EmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.message)
    }
}

/// Every file of the crate, sorted by path. Specs must have distinct ids.
///
/// The IR hash, the sources and the tests are built side by side on rayon's threads, so a
/// large service finishing late on one thread leaves the other thread work to take.
pub fn emit_crate(
    specs: &[crate::spec::Spec],
    options: &EmitOptions,
) -> Result<Vec<GeneratedFile>, EmitError> {
    let mut features: Vec<String> = specs
        .iter()
        .map(|s| naming::feature(s.id.split('.').next().unwrap_or("api")))
        .collect();
    features.sort();
    features.dedup();
    rayon::broadcast(|_| docs::forget_literals());
    let ((ir_hash, sources), tests) = rayon::join(
        || {
            rayon::join(
                || version::ir_hash(specs),
                || tree::source_files(specs, &options.crate_name),
            )
        },
        || generated_tests::test_files(specs, &options.crate_name),
    );
    let manifest = files::Manifest {
        crate_name: &options.crate_name,
        ir_hash: &ir_hash?,
        runtime_path: &options.runtime_path,
        page_count: specs.len(),
        features: &features,
        standalone: options.standalone,
    };
    rayon::broadcast(|_| docs::forget_literals());
    let mut files = files::manifest_and_readme(&manifest)?;
    files.extend(sources?);
    files.extend(tests?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::LAYERS;

    /// The `use super::<module>` imports of one emit module's source.
    fn imports(source: &str) -> Vec<&str> {
        source
            .lines()
            .filter_map(|line| line.trim_start().strip_prefix("use super::"))
            .map(|rest| rest.split([':', ';', '{']).next().unwrap_or_default())
            .filter(|module| LAYERS.contains(module))
            .collect()
    }

    #[test]
    fn emit_modules_import_only_from_layers_below() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/emit");
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".rs") && name != "mod.rs")
            .collect();
        files.sort();
        let modules: Vec<&str> = files.iter().map(|f| f.trim_end_matches(".rs")).collect();
        let mut layered = LAYERS.to_vec();
        layered.sort();
        assert_eq!(modules, layered, "every emit module has a layer");
        for (at, module) in LAYERS.iter().enumerate() {
            let source = std::fs::read_to_string(dir.join(format!("{module}.rs"))).unwrap();
            for import in imports(&source) {
                let below = LAYERS[..at].contains(&import);
                assert!(
                    below,
                    "`{module}` imports `{import}`, which is not below it"
                );
            }
        }
    }

    #[test]
    fn imports_are_read_from_use_lines() {
        let source = "use super::EmitError;\nuse super::facts::{Names, paging};\n    use super::shapes::Side;\n";
        assert_eq!(imports(source), ["facts", "shapes"]);
    }
}
