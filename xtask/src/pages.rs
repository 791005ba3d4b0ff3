//! Finding pages and parsing them, one result per page whatever happens to it.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use feishu_codegen::diagnostics::{Diagnostic, Kind};
use feishu_codegen::parse::{Dialect, Outcome, dialect, parse_page};
use feishu_codegen::spec::Spec;
use rayon::prelude::*;

/// One page and what came of it.
pub struct Parsed {
    /// The page's path as shown to the user and written into `source:`.
    pub file: String,
    pub outcome: Outcome,
    /// The page's dialect, when it could be read as text.
    pub dialect: Option<Dialect>,
    /// The page's text, kept for diagnostics with a snippet (only when it has diagnostics).
    pub source: Option<String>,
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

    pub fn warnings(&self) -> usize {
        self.diagnostics().iter().filter(|d| !d.is_error()).count()
    }
}

/// Warnings over all pages: with `--deny-warnings` any of them fails the run.
pub fn warnings(parsed: &[Parsed]) -> usize {
    parsed.iter().map(Parsed::warnings).sum()
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

/// One page's name (as shown and written into `source:`) and its bytes, read or made in
/// memory; a page that could not be read carries the reason instead.
#[derive(Debug, Clone)]
pub struct Page {
    pub file: String,
    pub contents: Result<Vec<u8>, String>,
}

/// Read every file into memory (in parallel), named as [`display`] shows it.
pub fn read_pages(files: &[PathBuf], base: Option<&Path>) -> Vec<Page> {
    files
        .par_iter()
        .map(|path| Page {
            file: display(path, base),
            contents: std::fs::read(path).map_err(|err| format!("cannot read: {err}")),
        })
        .collect()
}

/// Parse every page. A page that cannot be read, or on which the parser panics, becomes a
/// failed result; the others go on. Several pages with one id: the best one (no errors,
/// then the site source over renderings, then file order) is kept; the others are skipped
/// when they describe the same method and path, and fail when they describe another.
pub fn parse_all(files: &[PathBuf], base: Option<&Path>) -> Vec<Parsed> {
    parse_pages(&read_pages(files, base))
}

/// [`parse_all`] on pages already in memory.
pub fn parse_pages(pages: &[Page]) -> Vec<Parsed> {
    let mut parsed: Vec<Parsed> = pages.par_iter().map(parse_one).collect();
    resolve_duplicates(&mut parsed);
    parsed
}

/// One endpoint in several pages keeps the best; one id for different endpoints fails the
/// others.
fn resolve_duplicates(parsed: &mut [Parsed]) {
    // One endpoint (method + path, whatever the parameters are called) in several pages.
    for group in groups(parsed, |spec| {
        format!("{} {}", spec.http.method, normalized_path(&spec.http.path))
    }) {
        let keep = best(parsed, group.clone());
        let kept_file = parsed[keep].file.clone();
        for other in group.into_iter().filter(|&i| i != keep) {
            parsed[other].outcome = Outcome::Skipped {
                reason: format!("same endpoint as {kept_file}"),
            };
        }
    }
    // One id for different endpoints.
    for group in groups(parsed, |spec| spec.id.clone()) {
        let keep = best(parsed, group.clone());
        let Outcome::Endpoint(kept) = &parsed[keep].outcome else {
            continue;
        };
        let message = |spec: &Spec| {
            format!(
                "endpoint id `{}` ({} {}) is also used by {} ({} {})",
                spec.id,
                spec.http.method,
                spec.http.path,
                parsed[keep].file,
                kept.http.method,
                kept.http.path
            )
        };
        let failures: Vec<(usize, String)> = group
            .into_iter()
            .filter(|&i| i != keep)
            .filter_map(|i| match &parsed[i].outcome {
                Outcome::Endpoint(spec) => Some((i, message(spec))),
                _ => None,
            })
            .collect();
        for (i, message) in failures {
            parsed[i].outcome = Outcome::Failed {
                diagnostics: vec![Diagnostic::error(1, Kind::DuplicateId, message)],
            };
        }
    }
}

/// Indexes of endpoint pages sharing a key, for each key shared by more than one.
fn groups(parsed: &[Parsed], key: impl Fn(&Spec) -> String) -> Vec<Vec<usize>> {
    let mut by_key: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, page) in parsed.iter().enumerate() {
        if let Outcome::Endpoint(spec) = &page.outcome {
            by_key.entry(key(spec)).or_default().push(i);
        }
    }
    by_key.into_values().filter(|g| g.len() > 1).collect()
}

/// The page to keep: no errors first, then the site source (the richest dialect), then
/// file order.
fn best(parsed: &[Parsed], group: Vec<usize>) -> usize {
    group
        .into_iter()
        .min_by_key(|&i| {
            (
                parsed[i].failed(),
                parsed[i].dialect != Some(Dialect::SiteSource),
                i,
            )
        })
        .unwrap_or(0)
}

/// `/a/:app_token/b` and `/a/:appToken/b` are one path.
fn normalized_path(path: &str) -> String {
    path.split('/')
        .map(|s| if s.starts_with(':') { ":" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

fn parse_one(page: &Page) -> Parsed {
    let file = page.file.clone();
    let failed = |line, message: String| Parsed {
        file: file.clone(),
        outcome: Outcome::Failed {
            diagnostics: vec![Diagnostic::error(line, Kind::Unreadable, message)],
        },
        dialect: None,
        source: None,
    };
    let bytes = match &page.contents {
        Err(reason) => return failed(1, reason.clone()),
        Ok(bytes) => bytes,
    };
    let text = match std::str::from_utf8(bytes) {
        Err(err) => {
            let offset = err.valid_up_to();
            let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
            return failed(line, format!("not UTF-8 text (byte {offset})"));
        }
        Ok(text) => text,
    };
    let outcome = guarded(&file, text, parse_page);
    let has_diagnostics = match &outcome {
        Outcome::Endpoint(spec) => !spec.diagnostics.is_empty(),
        Outcome::Skipped { .. } => false,
        Outcome::Failed { .. } => true,
    };
    Parsed {
        file,
        outcome,
        dialect: Some(dialect(text)),
        source: has_diagnostics.then(|| text.to_string()),
    }
}

/// `parse` on one page, with a panic turned into a failed page (a `panic` diagnostic)
/// instead of ending the run.
fn guarded(file: &str, text: &str, parse: fn(&str, &str) -> Outcome) -> Outcome {
    catch_unwind(AssertUnwindSafe(|| parse(file, text))).unwrap_or_else(|_| Outcome::Failed {
        diagnostics: vec![Diagnostic::error(
            1,
            Kind::Panic,
            "the parser panicked on this page (a bug: please report it with the page)",
        )],
    })
}

/// Print each diagnostic as `file:line:column: level[kind]: message` with the page line
/// and the spot underlined (rendered on rayon's threads, printed in page order).
pub fn print_diagnostics(parsed: &[Parsed]) {
    let rendered: Vec<String> = parsed
        .par_iter()
        .flat_map_iter(|page| {
            page.diagnostics()
                .iter()
                .map(|diagnostic| diagnostic.render(&page.file, page.source.as_deref()))
        })
        .collect();
    let mut stderr = io::stderr().lock();
    for line in rendered {
        // Nowhere to report a closed stderr; the run goes on.
        let _ = writeln!(stderr, "{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_parser_fails_the_page_with_a_panic_diagnostic() {
        fn broken(_: &str, _: &str) -> Outcome {
            panic!("parser bug")
        }
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let outcome = guarded("p.md", "## page", broken);
        std::panic::set_hook(hook);
        let Outcome::Failed { diagnostics } = outcome else {
            panic!("{outcome:?}")
        };
        assert_eq!(
            diagnostics[0].render("p.md", None),
            "p.md:1: error[panic]: the parser panicked on this page (a bug: please report it with the page)"
        );
        assert!(matches!(
            guarded("p.md", "## page", parse_page),
            Outcome::Skipped { .. }
        ));
    }
}
