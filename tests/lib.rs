//! End-to-end tests of feishu-codegen live in this package's test targets
//! (`seed_spec.rs`, `seed_client.rs`, `bad_pages.rs`); there is no library code.
