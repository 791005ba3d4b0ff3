//! feishu-codegen: Feishu / Lark API documentation pages → YAML spec (IR) → Rust client crate.
//!
//! Three pure stages; the caller (xtask) does all file I/O:
//! [`parse::parse_page`] turns one markdown page into a [`spec::Spec`],
//! [`spec::yaml`] writes and reads that spec as YAML, and
//! [`emit::emit_crate`] turns a set of specs into the files of a Rust crate, and
//! [`openapi::document`] into one OpenAPI 3.1 document.

pub mod diagnostics;
pub mod diff;
pub mod emit;
pub mod openapi;
pub mod parse;
pub mod spec;
