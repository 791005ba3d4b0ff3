//! A bounded fuzz run inside the test suite: pages mutated the ways scrapers, copy-paste and
//! old exports break them (truncated, lines deleted, shuffled or repeated, tables and HTML
//! blocks cut, fences left open, huge cells, absurd nesting, random bytes), each parsed and,
//! when it still reads as an endpoint, checked and emitted. Nothing may panic.
//!
//! Inputs: the project's own pages, plus every 10th corpus page when `../shared/corpus` is
//! present (read in place). The run is deterministic; set `FUZZ_SEED` to explore others and
//! `FUZZ_ROUNDS` for more mutations per page. The open-ended libFuzzer target is in `fuzz/`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use feishu_codegen::emit::{EmitOptions, emit_crate};
use feishu_codegen::parse::{Outcome, parse_page};
use feishu_codegen::spec::check;

fn pages_in(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            pages_in(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") && !path.ends_with("README.md") {
            out.push(path);
        }
    }
}

fn inputs() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    pages_in(&root.join("specs/pages"), &mut files);
    let corpus = root.join("../shared/corpus");
    if corpus.is_dir() {
        let mut corpus_files = Vec::new();
        pages_in(&corpus, &mut corpus_files);
        corpus_files.sort();
        files.extend(corpus_files.into_iter().step_by(10));
    } else {
        eprintln!("note: ../shared/corpus is absent; fuzzing the project's own pages only");
    }
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            (path.to_string_lossy().into_owned(), text)
        })
        .collect()
}

/// One way to break a page.
type Mutation = fn(&str, &mut fastrand::Rng) -> String;

const MUTATIONS: &[(&str, Mutation)] = &[
    ("truncate", truncate),
    ("delete lines", delete_lines),
    ("shuffle lines", shuffle_lines),
    ("repeat lines", repeat_lines),
    ("cut table cells", cut_cells),
    ("cut html tags", cut_tags),
    ("open fence", open_fence),
    ("huge cell", huge_cell),
    ("deep nesting", deep_nesting),
    ("random bytes", random_bytes),
];

fn char_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn truncate(text: &str, rng: &mut fastrand::Rng) -> String {
    text[..char_boundary(text, rng.usize(..=text.len()))].to_string()
}

fn delete_lines(text: &str, rng: &mut fastrand::Rng) -> String {
    text.lines()
        .filter(|_| rng.u8(..) > 40)
        .collect::<Vec<_>>()
        .join("\n")
}

fn shuffle_lines(text: &str, rng: &mut fastrand::Rng) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    // Swap a few neighbourhoods rather than everything, so structure half survives.
    for _ in 0..(lines.len() / 8).max(1) {
        if lines.len() > 1 {
            let a = rng.usize(..lines.len());
            let b = rng.usize(..lines.len());
            lines.swap(a, b);
        }
    }
    lines.join("\n")
}

fn repeat_lines(text: &str, rng: &mut fastrand::Rng) -> String {
    let mut out = Vec::new();
    for line in text.lines() {
        out.push(line);
        if rng.u8(..) < 20 {
            out.extend(std::iter::repeat_n(line, rng.usize(1..50)));
        }
    }
    out.join("\n")
}

fn cut_cells(text: &str, rng: &mut fastrand::Rng) -> String {
    text.lines()
        .map(|line| {
            if line.starts_with('|') && rng.bool() {
                let cut = char_boundary(line, rng.usize(..=line.len()));
                line[..cut].to_string()
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn cut_tags(text: &str, rng: &mut fastrand::Rng) -> String {
    let mut out = String::with_capacity(text.len());
    for piece in text.split_inclusive('>') {
        if piece.contains('<') && rng.u8(..) < 30 {
            // Drop the tag's end, or the whole closing tag, or the `:::` around the block.
            out.push_str(piece.trim_end_matches('>'));
        } else if piece.contains(":::") && rng.bool() {
            out.push_str(&piece.replace(":::", ""));
        } else {
            out.push_str(piece);
        }
    }
    out
}

fn open_fence(text: &str, rng: &mut fastrand::Rng) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let at = rng.usize(..=lines.len());
    let mut out = lines[..at].join("\n");
    out.push_str("\n```json\n{\"a\": [1, {\"b\":\n");
    out.push_str(&lines[at..].join("\n"));
    out
}

fn huge_cell(text: &str, rng: &mut fastrand::Rng) -> String {
    let filler = "长".repeat(rng.usize(10_000..60_000));
    text.lines()
        .map(|line| {
            if line.starts_with('|') && rng.u8(..) < 25 {
                format!("| {filler} | {filler} | 是 | {filler} |")
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn deep_nesting(text: &str, rng: &mut fastrand::Rng) -> String {
    let depth = rng.usize(100..3_000);
    let mut out = String::from(text);
    out = out.replacen(
        "| --- |",
        &format!(
            "| --- |\n{}",
            (0..depth)
                .map(|d| format!("| {}f{d} | object | 否 | x |\n", "∟".repeat(d)))
                .collect::<String>()
        ),
        1,
    );
    out = out.replacen(
        "<md-dt-tbody>",
        &format!(
            "<md-dt-tbody>\n{}",
            (0..depth)
                .map(|d| format!("<md-dt-tr level=\"{d}\"><md-dt-td>f{d}</md-dt-td><md-dt-td>object</md-dt-td><md-dt-td>否</md-dt-td><md-dt-td>x</md-dt-td></md-dt-tr>\n"))
                .collect::<String>()
        ),
        1,
    );
    out
}

fn random_bytes(text: &str, rng: &mut fastrand::Rng) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..(bytes.len() / 50).max(1) {
        if bytes.is_empty() {
            break;
        }
        let at = rng.usize(..bytes.len());
        bytes[at] = *rng.choice(b"|<>`*\\\n:-[]{}\" \xff\xe4".iter()).unwrap();
    }
    // Invalid UTF-8 is what a file read would reject; the parser sees the lossy text.
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Parse, and when the page still reads as an endpoint, check and emit it.
fn exercise(name: &str, text: &str) {
    if let Outcome::Endpoint(spec) = parse_page(name, text)
        && check::check(&spec).is_empty()
    {
        let _ = emit_crate(&[*spec], &EmitOptions::default());
    }
}

#[test]
fn mutated_pages_never_panic() {
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20261127);
    let rounds: usize = std::env::var("FUZZ_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let mut rng = fastrand::Rng::with_seed(seed);
    let inputs = inputs();
    let mut failures = Vec::new();
    let mut runs = 0;
    // The default panic hook would print every caught panic; keep the output for the summary.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for (name, text) in &inputs {
        for _ in 0..rounds {
            for (mutation, mutate) in MUTATIONS {
                let case_seed = rng.u64(..);
                let mutated = mutate(text, &mut fastrand::Rng::with_seed(case_seed));
                runs += 1;
                if catch_unwind(AssertUnwindSafe(|| exercise(name, &mutated))).is_err() {
                    failures.push(format!("{name}: {mutation} (case seed {case_seed})"));
                }
            }
        }
    }
    std::panic::set_hook(hook);
    eprintln!(
        "{runs} mutated pages from {} inputs, seed {seed}",
        inputs.len()
    );
    assert!(failures.is_empty(), "panics:\n{}", failures.join("\n"));
    assert!(runs >= MUTATIONS.len() * 4, "too few inputs: {runs} runs");
}
