//! End-to-end tests of feishu-codegen live in this package's test targets
//! (`seed_spec.rs`, `seed_client.rs`, `bad_pages.rs`). The README is included here so its
//! Rust examples compile as doc tests and cannot drift from the generated crate.
#![doc = include_str!("../README.md")]

/// The generated crate's own README (what crates.io shows): its Rust example compiles too.
#[doc = include_str!("../generated/README.md")]
pub mod generated_readme {}
