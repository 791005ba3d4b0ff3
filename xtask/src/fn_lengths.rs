//! `cargo xtask fn-lengths`: the longest functions of the generator and xtask, and a
//! failure when one is over the limit, so a function stays one a person can hold in their
//! head (issue 17). Lengths are source lines from `fn` to the closing brace, doc comments
//! and attributes left out; syn finds the functions, so nested ones and methods count too.

use std::error::Error;
use std::path::{Path, PathBuf};

use syn::spanned::Spanned;
use syn::visit::Visit;

/// The most lines a function may have.
pub const LIMIT: usize = 80;

/// One function and how long it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FnLength {
    pub file: String,
    pub name: String,
    pub line: usize,
    pub lines: usize,
}

/// The source directories the limit holds for, relative to the repository root.
pub const DIRS: &[&str] = &["generator/src", "xtask/src"];

/// Print the `show` longest functions; `Ok(false)` when any is over [`LIMIT`].
pub fn run(root: &Path, show: usize) -> Result<bool, Box<dyn Error>> {
    let mut all = Vec::new();
    for dir in DIRS {
        all.extend(lengths_under(root, &root.join(dir))?);
    }
    all.sort_by(|a, b| b.lines.cmp(&a.lines).then(a.file.cmp(&b.file)));
    for f in all.iter().take(show) {
        println!("{:>4}  {}:{}  {}", f.lines, f.file, f.line, f.name);
    }
    let over: Vec<&FnLength> = all.iter().filter(|f| f.lines > LIMIT).collect();
    if over.is_empty() {
        println!(
            "fn-lengths: {} functions, none over {LIMIT} lines",
            all.len()
        );
        return Ok(true);
    }
    for f in &over {
        eprintln!(
            "{}:{}: `{}` has {} lines (limit {LIMIT}); split it",
            f.file, f.line, f.name, f.lines
        );
    }
    Ok(false)
}

/// Every function in the `.rs` files under `dir`, with paths shown relative to `root`.
pub fn lengths_under(root: &Path, dir: &Path) -> Result<Vec<FnLength>, Box<dyn Error>> {
    let mut files = Vec::new();
    rust_files(dir, &mut files)?;
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let shown = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string();
        out.extend(lengths_in(&shown, &text)?);
    }
    Ok(out)
}

/// Every function in one file's text.
pub fn lengths_in(file: &str, text: &str) -> Result<Vec<FnLength>, Box<dyn Error>> {
    let parsed = syn::parse_file(text).map_err(|e| {
        let at = e.span().start();
        format!("{file}:{}:{}: {e}", at.line, at.column + 1)
    })?;
    let mut visitor = Lengths {
        file,
        found: Vec::new(),
    };
    visitor.visit_file(&parsed);
    Ok(visitor.found)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), Box<dyn Error>> {
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            rust_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

struct Lengths<'a> {
    file: &'a str,
    found: Vec<FnLength>,
}

impl Lengths<'_> {
    fn record(&mut self, name: &syn::Ident, sig: &syn::Signature, block: &syn::Block) {
        let start = sig.span().start().line;
        let end = block.span().end().line;
        self.found.push(FnLength {
            file: self.file.to_string(),
            name: name.to_string(),
            line: start,
            lines: end + 1 - start,
        });
    }
}

impl<'ast> Visit<'ast> for Lengths<'_> {
    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        self.record(&item.sig.ident, &item.sig, &item.block);
        syn::visit::visit_item_fn(self, item);
    }

    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        self.record(&item.sig.ident, &item.sig, &item.block);
        syn::visit::visit_impl_item_fn(self, item);
    }

    fn visit_trait_item_fn(&mut self, item: &'ast syn::TraitItemFn) {
        if let Some(block) = &item.default {
            self.record(&item.sig.ident, &item.sig, block);
        }
        syn::visit::visit_trait_item_fn(self, item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_from_fn_to_closing_brace() {
        let text =
            "/// doc\n#[inline]\nfn a() {\n    let x = 1;\n}\n\nimpl S {\n    fn b(&self) {}\n}\n";
        let found = lengths_in("x.rs", text).unwrap();
        let got: Vec<(&str, usize, usize)> = found
            .iter()
            .map(|f| (f.name.as_str(), f.line, f.lines))
            .collect();
        assert_eq!(got, [("a", 3, 3), ("b", 8, 1)]);
    }

    #[test]
    fn a_file_that_does_not_parse_is_named() {
        let err = lengths_in("bad.rs", "fn (").unwrap_err().to_string();
        assert!(err.starts_with("bad.rs:1:"), "{err}");
    }
}
