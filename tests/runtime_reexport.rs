//! Every runtime item a generated crate names is reachable as `feishu_api::runtime::…`
//! (issue 16 point 7): the `use` below names each one through that path, so this file
//! compiles only while they all are, and the test checks that the checked-in crate names
//! no runtime item missing from it. `corpus.rs` checks the whole-corpus crate against the
//! same list. (The runtime denies `unnameable_types`, so its public types all have a path.)

#![allow(unused_imports)]

mod runtime_paths;

#[rustfmt::skip]
use feishu_api::runtime::{
    ApiError, ApiRequest, AsyncWrite, Call, Client, DocumentedError, Download, Endpoint,
    FileUpload, Int64, ItemStream, Method, Method::Delete, Method::Get, Method::Patch,
    Method::Post, Method::Put, MultipartForm, Page, PageRequest, RequestOptions, Result,
    Secret, TokenKind, TokenKind::App, TokenKind::Tenant, TokenKind::User, ValidationError,
    lenient::i64, lenient::read_enum, lenient::read_f64, lenient::read_i64,
    object::Members, object::Object, object::Placeholder, object::debug,
    object::deserialize, object::read, object::string_enum,
    validate::each, validate::int_range, validate::items, validate::length,
    validate::pattern, validate::range,
};

#[test]
fn the_checked_in_crate_names_only_reexported_runtime_items() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated");
    let mut used = std::collections::BTreeSet::new();
    runtime_paths::in_dir(&root, &mut used);
    assert!(used.len() > 20, "only {} runtime items found", used.len());
    let missing = runtime_paths::missing(&used);
    assert!(
        missing.is_empty(),
        "not in runtime_reexport.rs's `use`: {missing:?}"
    );
}
