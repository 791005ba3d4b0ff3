//! The checked-in crate's docs say only what is true of each endpoint (issue 16, point 5):
//! the request's doc claims the documented rules are checked only where `validate` checks
//! them, every error constant has a descriptive name, and doc links go through
//! `crate::runtime`, the path users of the crate write as `feishu_api::runtime`.

mod doc_truth;

use std::path::{Path, PathBuf};

use doc_truth::{DocFacts, facts, is_numbered};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn generated() -> Vec<(String, DocFacts)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated/src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files.sort();
    files
        .iter()
        .map(|path| {
            let name = path
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (name, facts(&std::fs::read_to_string(path).unwrap()))
        })
        .collect()
}

fn endpoint(name: &str) -> DocFacts {
    generated()
        .into_iter()
        .find(|(file, _)| file == name)
        .unwrap_or_else(|| panic!("no {name}"))
        .1
}

#[test]
fn only_requests_with_rules_claim_to_be_checked() {
    let update = endpoint("aily/v1/aily_session/update.rs");
    assert_eq!(update.request.as_deref(), Some("UpdateRequest"));
    assert!(update.validates && update.claims_checks);
    // The download takes one path parameter and states no rules.
    let get = endpoint("im/v1/file/get.rs");
    assert_eq!(get.request.as_deref(), Some("GetRequest"));
    assert!(!get.validates && !get.claims_checks);
    for (file, facts) in generated() {
        assert_eq!(facts.claims_checks, facts.validates, "{file}");
    }
}

#[test]
fn error_constants_have_descriptive_names() {
    assert_eq!(
        endpoint("im/v1/file/get.rs").error_names,
        ["FILE_NOT_IN_MSG", "DOWNLOADED_FILE_SIZE_EXCEEDS_LIMIT"]
    );
    for (file, facts) in generated() {
        let numbered: Vec<&String> = facts
            .error_names
            .iter()
            .filter(|n| is_numbered(n))
            .collect();
        assert!(numbered.is_empty(), "{file}: {numbered:?}");
    }
}

#[test]
fn doc_links_name_paths_users_write() {
    let update = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../generated/src/aily/v1/aily_session/update.rs"),
    )
    .unwrap();
    assert!(update.contains("/// [`runtime::ApiError::code`](crate::runtime::ApiError::code)."));
    for (file, facts) in generated() {
        assert_eq!(facts.runtime_crate_docs, Vec::<String>::new(), "{file}");
    }
}
