//! `cargo xtask bench <DIR>`: parse a directory of pages to IR (and YAML), single- and
//! multi-threaded, and at several corpus sizes to show the cost is linear in pages.
//! Pages are read into memory first, so only parsing is timed. Prints a markdown table.

use std::error::Error;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use feishu_codegen::parse::{Outcome, parse_page};
use feishu_codegen::spec::yaml;
use rayon::prelude::*;

use crate::big_pages;
use crate::pages::collect;

/// Runs per measurement; the fastest is reported (the least disturbed by other load).
const RUNS: usize = 5;

struct Page {
    name: String,
    text: String,
}

pub fn run(inputs: &[PathBuf]) -> Result<bool, Box<dyn Error>> {
    if cfg!(debug_assertions) {
        eprintln!(
            "note: this is a debug build; run `cargo xtask bench` through the release profile:"
        );
        eprintln!("      cargo run --release -p xtask -- bench <DIR>");
    }
    let files = collect(inputs)?;
    let pages: Vec<Page> = files
        .iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(path).ok()?;
            Some(Page {
                name: path.to_string_lossy().into_owned(),
                text,
            })
        })
        .collect();
    let bytes: usize = pages.iter().map(|p| p.text.len()).sum();
    println!(
        "{} pages, {:.1} MB, {} threads available, best of {RUNS} runs\n",
        pages.len(),
        bytes as f64 / 1e6,
        rayon::current_num_threads()
    );
    println!("| measurement | pages | time (ms) | µs per page |");
    println!("| --- | ---: | ---: | ---: |");
    let row = |label: &str, n: usize, time: Duration| {
        println!(
            "| {label} | {n} | {:.1} | {:.1} |",
            time.as_secs_f64() * 1e3,
            time.as_secs_f64() * 1e6 / n as f64
        );
    };
    let all: Vec<&Page> = pages.iter().collect();
    row(
        "parse, 1 thread",
        all.len(),
        best(|| parse_serial(&all, false)),
    );
    row(
        "parse, all threads (rayon)",
        all.len(),
        best(|| parse_parallel(&all, false)),
    );
    row(
        "parse + YAML, 1 thread",
        all.len(),
        best(|| parse_serial(&all, true)),
    );
    row(
        "parse + YAML, all threads (rayon)",
        all.len(),
        best(|| parse_parallel(&all, true)),
    );
    // Every 4th / 2nd page, so each subset has the corpus's mix of dialects and sizes.
    for (label, step) in [
        ("every 4th page", 4),
        ("every 2nd page", 2),
        ("every page", 1),
    ] {
        let subset: Vec<&Page> = all.iter().copied().step_by(step).collect();
        row(
            &format!("parse, 1 thread, {label}"),
            subset.len(),
            best(|| parse_serial(&subset, false)),
        );
    }
    let doubled: Vec<&Page> = all.iter().chain(all.iter()).copied().collect();
    row(
        "parse, 1 thread, every page twice",
        doubled.len(),
        best(|| parse_serial(&doubled, false)),
    );
    big_pages()?;
    Ok(true)
}

/// One hostile page at 1, 2, 5 and 10 MB per shape: time per MB should stay flat.
fn big_pages() -> Result<(), Box<dyn Error>> {
    let seed_path = crate::codegen::repo_root().join("specs/pages/aily/v1/aily_session/update.md");
    let seed = std::fs::read_to_string(&seed_path)?;
    println!("\nOne page growing to 10 MB (built from the seed page; best of {RUNS} runs)\n");
    println!("| page shape | size (MB) | time (ms) | ms per MB |");
    println!("| --- | ---: | ---: | ---: |");
    for shape in big_pages::SHAPES {
        for mb in [1, 2, 5, 10] {
            let text = (shape.build)(&seed, mb * 1_000_000);
            let page = Page {
                name: format!("{}.md", shape.name),
                text,
            };
            let size = page.text.len() as f64 / 1e6;
            let time = best(|| one(&page, false));
            println!(
                "| {} | {size:.1} | {:.1} | {:.1} |",
                shape.name,
                time.as_secs_f64() * 1e3,
                time.as_secs_f64() * 1e3 / size
            );
        }
    }
    Ok(())
}

fn best(mut measure: impl FnMut() -> usize) -> Duration {
    (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(measure());
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// Parse (and optionally serialise) one page; returns bytes of output so nothing is
/// optimised away.
fn one(page: &Page, with_yaml: bool) -> usize {
    match parse_page(&page.name, &page.text) {
        Outcome::Endpoint(spec) if with_yaml => yaml::to_string(&spec).map_or(0, |y| y.len()),
        Outcome::Endpoint(spec) => spec.diagnostics.len() + 1,
        _ => 0,
    }
}

fn parse_serial(pages: &[&Page], with_yaml: bool) -> usize {
    pages.iter().map(|p| one(p, with_yaml)).sum()
}

fn parse_parallel(pages: &[&Page], with_yaml: bool) -> usize {
    pages.par_iter().map(|p| one(p, with_yaml)).sum()
}
