//! Page text cannot change what the generated code does: descriptions, examples and titles
//! with `*/`, quotes, backticks, `#[…]`, HTML and code fences end up only inside doc
//! strings, and every fence there is a `text` block, never a doc test. The page is
//! `tests/pages/injection.md`; `.ci/run` also builds its crate, runs clippy and its doc
//! tests.

mod syntax;

use std::path::Path;

use feishu_codegen::emit::{EmitOptions, emit_crate};
use feishu_codegen::parse::{Outcome, parse_page};
use syntax::Source;

fn generated() -> Vec<(String, String)> {
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("pages/injection.md");
    let text = std::fs::read_to_string(page).unwrap();
    let Outcome::Endpoint(spec) = parse_page("tests/pages/injection.md", &text) else {
        panic!("the injection page is an endpoint page")
    };
    emit_crate(&[*spec], &EmitOptions::default())
        .unwrap()
        .into_iter()
        .filter(|f| f.path.ends_with(".rs"))
        .map(|f| (f.path, f.contents))
        .collect()
}

fn is_doc(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with("///") || line.starts_with("//!") || line.starts_with("//")
}

#[test]
fn page_text_stays_inside_doc_comments() {
    // The library; the generated tests hold the examples as raw string literals, by design.
    for (path, source) in generated().iter().filter(|(p, _)| p.starts_with("src/")) {
        for (n, line) in source.lines().enumerate() {
            if is_doc(line) {
                continue;
            }
            for payload in [
                "evil",
                "exit(1)",
                "alert(1)",
                "panic!(\"a fence",
                "cfg(any())",
            ] {
                assert!(
                    !line.contains(payload),
                    "{path}:{}: `{payload}` in code: {line}",
                    n + 1
                );
            }
        }
    }
}

#[test]
fn fences_in_docs_are_text_blocks() {
    let mut fences = 0;
    // Not lib.rs: its example is the generator's own, a real doc test.
    let pages = generated();
    let from_pages = pages
        .iter()
        .filter(|(p, _)| p.starts_with("src/") && p != "src/lib.rs");
    for (path, source) in from_pages {
        for line in source.lines().filter(|l| is_doc(l)) {
            let doc = line.trim_start().trim_start_matches(['/', '!']).trim();
            if let Some(info) = doc.strip_prefix("```") {
                fences += 1;
                assert!(info.is_empty() || info == "text", "{path}: fence `{doc}`");
            }
        }
    }
    // The `code` field's block, on the body member (its setter links there).
    assert_eq!(
        fences, 2,
        "the page's code block was kept as text once: {fences} fence lines"
    );
}

#[test]
fn strings_in_code_are_escaped_literals() {
    let sources: Vec<Source> = generated()
        .into_iter()
        .filter(|(path, _)| path.ends_with(".rs"))
        .map(|(_, text)| Source::parse(&text))
        .collect();
    // The path template and the wire names are string literals, the title only a doc.
    let has = |code: &str| sources.iter().any(|s| s.contains_code(code));
    assert!(has("\"/open-apis/inject/v1/items/:item_id\""));
    assert!(has("call = call.path_param(\"item_id\", &self.item_id);"));
}
