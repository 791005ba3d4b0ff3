//! `cargo xtask codegen --pages <DIR>... --out <DIR>`: a standalone crate from any pages,
//! depending on this repository's runtime by path. Pages that fail to parse or check are
//! left out and listed; the rest is written at once (built beside `--out`, then swapped in).

use std::error::Error;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use feishu_codegen::emit::{EmitOptions, emit_crate};
use feishu_codegen::parse::Outcome;
use feishu_codegen::spec::{Spec, check};
use rayon::prelude::*;

use crate::codegen::repo_root;
use crate::files::{Tree, replace_dir};
use crate::manifest::{Inputs, Manifest, generator_identity, output_hashes};
use crate::pages::{Page, Parsed, collect, parse_pages, print_diagnostics, read_pages, warnings};

/// What one generation did, and how long each phase took.
#[derive(Debug, Clone, Default)]
pub struct Generated {
    pub endpoints: usize,
    pub files: usize,
    /// `file: reason` for each page that is not in the crate.
    pub left_out: Vec<String>,
    pub warnings: usize,
    /// Reading the pages (when [`run`] reads them), parsing and checking.
    pub parse: Duration,
    pub emit: Duration,
    pub write: Duration,
    /// Nothing was parsed or written: the manifest beside `--out` showed the same
    /// generator, the same pages and the output as that run wrote it.
    pub unchanged: bool,
}

/// True when every page became part of the crate (and, with `deny_warnings`, had no
/// warning).
pub fn run(pages: &[PathBuf], out: &Path, deny_warnings: bool) -> Result<bool, Box<dyn Error>> {
    let started = Instant::now();
    let pages = read_pages(&collect(pages)?, None);
    let read = started.elapsed();
    let mut generated = generate(&pages, out, true)?;
    generated.parse += read;
    if generated.unchanged {
        eprintln!(
            "codegen: nothing to do: {} holds what the same generator wrote from the same \
             pages ({} warning(s) then)",
            out.display(),
            generated.warnings
        );
    }
    for line in &generated.left_out {
        eprintln!("left out: {line}");
    }
    eprintln!(
        "codegen: {} endpoint(s) in {} ({} file(s)); {} page(s) left out",
        generated.endpoints,
        out.display(),
        generated.files,
        generated.left_out.len()
    );
    let (parse, emit, write) = (generated.parse, generated.emit, generated.write);
    eprintln!(
        "codegen: {:.2} s: parse and check {:.2} s, emit and format {:.2} s, write {:.2} s",
        (parse + emit + write).as_secs_f64(),
        parse.as_secs_f64(),
        emit.as_secs_f64(),
        write.as_secs_f64(),
    );
    if deny_warnings && generated.warnings > 0 {
        eprintln!(
            "{} warning(s), and --deny-warnings makes them fatal",
            generated.warnings
        );
        return Ok(false);
    }
    Ok(generated.left_out.is_empty())
}

/// Parse, check, emit and write the crate for pages already in memory; diagnostics are
/// printed when `show_diagnostics`. When the manifest beside `out` shows nothing changed
/// since the run that wrote it, nothing is parsed or written.
pub fn generate(
    pages: &[Page],
    out: &Path,
    show_diagnostics: bool,
) -> Result<Generated, Box<dyn Error>> {
    let started = Instant::now();
    let runtime = repo_root().join("runtime");
    let options = EmitOptions {
        runtime_path: runtime.to_string_lossy().replace('\\', "/"),
        standalone: true,
        ..EmitOptions::default()
    };
    let generator = generator_identity()?;
    let inputs = inputs_hash(pages, &options);
    let manifest_path = manifest_path(out);
    if let Some(manifest) = Manifest::load(&manifest_path)
        && manifest.still_holds(&generator, &inputs, &[("", out)])
    {
        return Ok(Generated {
            endpoints: manifest.endpoints,
            files: manifest.outputs.len(),
            left_out: manifest.left_out,
            warnings: manifest.warnings,
            parse: started.elapsed(),
            unchanged: true,
            ..Generated::default()
        });
    }
    let parsed = parse_pages(pages);
    if show_diagnostics {
        print_diagnostics(&parsed);
    }
    let warnings = warnings(&parsed);
    let (specs, left_out) = usable_specs(parsed);
    let parsed_at = Instant::now();
    let tree: Tree = emit_crate(&specs, &options)?
        .into_iter()
        .map(|f| (f.path, f.contents))
        .collect();
    let emitted_at = Instant::now();
    replace_dir(out, &tree)?;
    let manifest = Manifest {
        generator,
        inputs,
        outputs: output_hashes("", &tree),
        endpoints: specs.len(),
        warnings,
        left_out,
    };
    manifest.save(&manifest_path)?;
    Ok(Generated {
        endpoints: specs.len(),
        files: tree.len(),
        left_out: manifest.left_out,
        warnings,
        parse: parsed_at - started,
        emit: emitted_at - parsed_at,
        write: emitted_at.elapsed(),
        unchanged: false,
    })
}

/// Everything the crate is made from besides the generator: each page's name and bytes
/// (or why it could not be read), and the emit options.
fn inputs_hash(pages: &[Page], options: &EmitOptions) -> String {
    let mut inputs = Inputs::default();
    inputs.add("crate", options.crate_name.as_bytes());
    inputs.add("runtime", options.runtime_path.as_bytes());
    inputs.add("standalone", &[u8::from(options.standalone)]);
    for page in pages {
        match &page.contents {
            Ok(bytes) => inputs.add(&page.file, bytes),
            Err(reason) => inputs.add(&page.file, format!("unreadable: {reason}").as_bytes()),
        }
    }
    inputs.finish()
}

/// `.<name>.codegen-manifest.json` beside the crate's directory: outside it, so the crate
/// holds exactly the generated files.
pub(crate) fn manifest_path(out: &Path) -> PathBuf {
    crate::files::sibling(out, "codegen-manifest.json")
}

/// The specs that parse and check cleanly, sorted by id, and why each other page was
/// left out.
fn usable_specs(parsed: Vec<Parsed>) -> (Vec<Spec>, Vec<String>) {
    // Checked on rayon's threads; the pages stay in order.
    let checked: Vec<(Parsed, Vec<String>)> = parsed
        .into_par_iter()
        .map(|page| {
            let problems = match &page.outcome {
                Outcome::Endpoint(spec) if !page.failed() => check::check(spec),
                _ => Vec::new(),
            };
            (page, problems)
        })
        .collect();
    let mut left_out = Vec::new();
    let mut specs: Vec<Spec> = Vec::new();
    for (page, problems) in checked {
        if page.failed() {
            left_out.push(format!(
                "{}: the page has errors (`cargo xtask parse` shows them)",
                page.file
            ));
            continue;
        }
        let Outcome::Endpoint(spec) = page.outcome else {
            continue;
        };
        if !problems.is_empty() {
            left_out.push(format!("{}: {}", page.file, problems.join("; ")));
        } else {
            specs.push(*spec);
        }
    }
    specs.sort_by(|a, b| a.id.cmp(&b.id));
    (specs, left_out)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::files::read_tree;

    /// The repository's own pages, in memory.
    fn own_pages() -> Vec<Page> {
        let root = repo_root();
        read_pages(&collect(&[root.join("specs/pages")]).unwrap(), Some(&root))
    }

    /// The inode and modification time of each file and of the directory itself: what a
    /// write changes (a full run swaps in a new directory, even of linked files).
    #[cfg(unix)]
    fn stamps(dir: &Path) -> BTreeMap<String, (u64, std::time::SystemTime)> {
        use std::os::unix::fs::MetadataExt;
        let stamp = |path: &Path| {
            let meta = std::fs::metadata(path).unwrap();
            (meta.ino(), meta.modified().unwrap())
        };
        let mut stamps: BTreeMap<_, _> = crate::files::list_files(dir)
            .unwrap()
            .into_iter()
            .map(|rel| (rel.clone(), stamp(&dir.join(rel))))
            .collect();
        stamps.insert(".".to_string(), stamp(dir));
        stamps
    }

    #[cfg(unix)]
    #[test]
    fn an_unchanged_run_writes_nothing() {
        let temp = tempfile::tempdir().unwrap();
        let out = temp.path().join("crate");
        let pages = own_pages();
        assert!(!generate(&pages, &out, false).unwrap().unchanged);
        let before = stamps(&out);
        let again = generate(&pages, &out, false).unwrap();
        assert!(again.unchanged);
        assert_eq!(
            (again.endpoints, again.files),
            (pages.len(), before.len() - 1)
        );
        assert_eq!(stamps(&out), before);
    }

    #[test]
    fn a_hand_edited_or_deleted_file_is_restored() {
        let temp = tempfile::tempdir().unwrap();
        let out = temp.path().join("crate");
        let pages = own_pages();
        generate(&pages, &out, false).unwrap();
        let written = read_tree(&out).unwrap();
        std::fs::write(out.join("src/lib.rs"), "// edited by hand\n").unwrap();
        std::fs::remove_file(out.join("Cargo.toml")).unwrap();
        std::fs::write(out.join("src/extra.rs"), "").unwrap();
        assert!(!generate(&pages, &out, false).unwrap().unchanged);
        assert_eq!(read_tree(&out).unwrap(), written);
        assert!(generate(&pages, &out, false).unwrap().unchanged);
    }

    #[test]
    fn an_edited_page_is_generated_again() {
        let temp = tempfile::tempdir().unwrap();
        let out = temp.path().join("crate");
        let mut pages = own_pages();
        generate(&pages, &out, false).unwrap();
        let text = |page: &Page| String::from_utf8(page.contents.clone().unwrap()).unwrap();
        let seed = pages
            .iter_mut()
            .find(|p| p.file.ends_with("aily_session/update.md"))
            .unwrap();
        assert!(text(seed).contains("更新会话"));
        seed.contents = Ok(text(seed).replace("更新会话", "更新了会话").into_bytes());
        assert!(!generate(&pages, &out, false).unwrap().unchanged);
        let module = std::fs::read_to_string(out.join("src/aily/v1/aily_session/update.rs"));
        assert!(module.unwrap().contains("更新了会话"));
        assert!(generate(&pages, &out, false).unwrap().unchanged);
    }
}
