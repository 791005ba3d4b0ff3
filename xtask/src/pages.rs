//! Finding pages and parsing them, one result per page whatever happens to it.

use std::collections::HashMap;
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use feishu_codegen::diagnostics::{Diagnostic, Kind};
use feishu_codegen::parse::{Outcome, parse_page};

/// One page and what came of it.
pub struct Parsed {
    /// The page's path as shown to the user and written into `source:`.
    pub file: String,
    pub outcome: Outcome,
}

impl Parsed {
    /// The page gave no usable spec, or its spec carries errors.
    pub fn failed(&self) -> bool {
        match &self.outcome {
            Outcome::Endpoint(spec) => spec.has_errors(),
            Outcome::Skipped { .. } => false,
            Outcome::Failed { .. } => true,
        }
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        match &self.outcome {
            Outcome::Endpoint(spec) => &spec.diagnostics,
            Outcome::Skipped { .. } => &[],
            Outcome::Failed { diagnostics } => diagnostics,
        }
    }
}

/// Every `.md` file under the inputs (files given directly are taken as they are), sorted,
/// so output never depends on directory order.
pub fn collect(inputs: &[PathBuf]) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for input in inputs {
        let meta = std::fs::metadata(input)
            .map_err(|err| io::Error::new(err.kind(), format!("{}: {err}", input.display())))?;
        if meta.is_dir() {
            walk(input, &mut files)?;
        } else {
            files.push(input.clone());
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "md")
            && path.file_name().is_some_and(|n| n != "README.md")
        {
            files.push(path);
        }
    }
    Ok(())
}

/// `path` shown relative to `base` when it lies under it.
pub fn display(path: &Path, base: Option<&Path>) -> String {
    let shown = base.and_then(|b| path.strip_prefix(b).ok()).unwrap_or(path);
    shown.to_string_lossy().replace('\\', "/")
}

/// Parse every page. A page that cannot be read, or on which the parser panics, becomes a
/// failed result; the others go on. Two pages with one id: the later one fails.
pub fn parse_all(files: &[PathBuf], base: Option<&Path>) -> Vec<Parsed> {
    let mut parsed: Vec<Parsed> = files
        .iter()
        .map(|path| parse_one(path, display(path, base)))
        .collect();
    let mut seen: HashMap<String, String> = HashMap::new();
    for page in &mut parsed {
        let Outcome::Endpoint(spec) = &page.outcome else {
            continue;
        };
        if let Some(first) = seen.get(&spec.id) {
            page.outcome = Outcome::Failed {
                diagnostics: vec![Diagnostic::error(
                    1,
                    Kind::DuplicateId,
                    format!("endpoint id `{}` is also described by {first}", spec.id),
                )],
            };
        } else {
            seen.insert(spec.id.clone(), page.file.clone());
        }
    }
    parsed
}

fn parse_one(path: &Path, file: String) -> Parsed {
    let failed = |kind, message: String| Outcome::Failed {
        diagnostics: vec![Diagnostic::error(1, kind, message)],
    };
    let outcome = match std::fs::read(path) {
        Err(err) => failed(Kind::Unreadable, format!("cannot read: {err}")),
        Ok(bytes) => match String::from_utf8(bytes) {
            Err(err) => {
                let offset = err.utf8_error().valid_up_to();
                let line = err.as_bytes()[..offset]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
                    + 1;
                Outcome::Failed {
                    diagnostics: vec![Diagnostic::error(
                        line,
                        Kind::Unreadable,
                        format!("not UTF-8 text (byte {offset})"),
                    )],
                }
            }
            Ok(text) => {
                catch_unwind(AssertUnwindSafe(|| parse_page(&file, &text))).unwrap_or_else(|_| {
                    failed(Kind::Panic, "the parser panicked on this page".to_string())
                })
            }
        },
    };
    Parsed { file, outcome }
}

/// Print each diagnostic as `file:line: level[kind]: message`.
pub fn print_diagnostics(parsed: &[Parsed]) {
    for page in parsed {
        for diagnostic in page.diagnostics() {
            eprintln!("{}", diagnostic.display(&page.file));
        }
    }
}
