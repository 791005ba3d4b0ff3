//! Specs → the files of a Rust client crate. Pure: the caller writes the files.
//!
//! Layout of the generated crate: `src/<service>/<version>/<resource>/<method>.rs` holds an
//! endpoint's types, the `mod.rs` above it the resource struct with the client methods, so
//! a call reads `client.aily().v1().aily_session().update(request)`.

mod docs;
mod endpoint;
mod enums;
mod files;
mod generated_tests;
pub mod naming;
mod shared;
mod tree;
mod types;

use std::fmt;

pub use files::GeneratedFile;

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
    let mut files = vec![files::cargo_toml(
        &options.crate_name,
        &options.runtime_path,
        specs.len(),
        &features,
        options.standalone,
    )?];
    files.extend(tree::source_files(specs, &options.crate_name)?);
    files.extend(generated_tests::test_files(specs, &options.crate_name)?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}
