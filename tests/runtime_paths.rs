//! The runtime items generated code names (`feishu_runtime::object::read`), and which of
//! them `runtime_reexport.rs` does not import through `feishu_api::runtime`. Shared by
//! that test and `corpus.rs`, which each use part of it.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::Path;

/// The `feishu_runtime::…` paths in `text`, without the crate name and without a trailing
/// associated item (`ApiRequest::new` → `ApiRequest`), which a `use` cannot name.
pub fn in_text(text: &str, out: &mut BTreeSet<String>) {
    for (start, _) in text.match_indices("feishu_runtime::") {
        let rest = &text[start + "feishu_runtime::".len()..];
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        let mut segments: Vec<&str> = rest[..end].split("::").filter(|s| !s.is_empty()).collect();
        let is_type = |s: &str| s.starts_with(|c: char| c.is_ascii_uppercase());
        if let [.., owner, item] = segments.as_slice()
            && is_type(owner)
            && !is_type(item)
        {
            segments.pop();
        }
        if !segments.is_empty() {
            out.insert(segments.join("::"));
        }
    }
}

/// Every `.rs` file under `dir`.
pub fn in_dir(dir: &Path, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            in_dir(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            in_text(&std::fs::read_to_string(&path).unwrap(), out);
        }
    }
}

/// The paths `runtime_reexport.rs` imports from `feishu_api::runtime`, read as syntax.
fn imported() -> BTreeSet<String> {
    fn walk(tree: &syn::UseTree, prefix: &str, out: &mut BTreeSet<String>) {
        match tree {
            syn::UseTree::Path(p) => walk(&p.tree, &format!("{prefix}{}::", p.ident), out),
            syn::UseTree::Name(n) => {
                out.insert(format!("{prefix}{}", n.ident));
            }
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| walk(t, prefix, out)),
            _ => {}
        }
    }
    let file = syn::parse_file(include_str!("runtime_reexport.rs")).unwrap();
    let mut out = BTreeSet::new();
    for item in &file.items {
        if let syn::Item::Use(u) = item {
            walk(&u.tree, "", &mut out);
        }
    }
    out.into_iter()
        .filter_map(|p| p.strip_prefix("feishu_api::runtime::").map(String::from))
        .collect()
}

/// The runtime paths in `used` that `runtime_reexport.rs` does not import.
pub fn missing(used: &BTreeSet<String>) -> Vec<String> {
    let imported = imported();
    used.difference(&imported).cloned().collect()
}
