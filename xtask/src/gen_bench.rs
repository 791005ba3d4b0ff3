//! `cargo xtask gen-bench --pages <DIR>`: how long generating a crate takes (parse and
//! check, emit and format, write, and wall) for the pages and for a bigger set made from
//! them ([`crate::bigger_corpus`]), each into a new directory and again into its own
//! unchanged tree. Prints a markdown table; best and median of N runs.

use std::error::Error;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::bigger_corpus::{self, bigger_corpus};
use crate::pages::Page;
use crate::standalone::generate;

/// One page set's measurement: a row of the table.
#[derive(Debug, Clone)]
pub struct GenRow {
    /// Which page set.
    pub set: String,
    /// `new directory` or `unchanged tree`.
    pub target: &'static str,
    pub pages: usize,
    pub endpoints: usize,
    pub files: usize,
    pub parse: Timing,
    pub emit: Timing,
    pub write: Timing,
    pub wall: Timing,
    /// User and system CPU time of the whole process during the run (all threads; zero
    /// where `/proc/self/stat` cannot be read): what the run costs whatever else the
    /// machine is doing, where wall time depends on the load.
    pub cpu: Timing,
}

/// Best and median of the runs.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    pub best: Duration,
    pub median: Duration,
}

impl Timing {
    fn of(mut samples: Vec<Duration>) -> Timing {
        samples.sort();
        Timing {
            best: samples.first().copied().unwrap_or_default(),
            median: samples.get(samples.len() / 2).copied().unwrap_or_default(),
        }
    }
}

pub fn run(
    inputs: &[PathBuf],
    runs: usize,
    big: &bigger_corpus::Options,
) -> Result<bool, Box<dyn Error>> {
    if cfg!(debug_assertions) {
        eprintln!("note: a debug build; run `cargo run --release -p xtask -- gen-bench ...`");
    }
    let rows = measure_pages(inputs, runs, big)?;
    print_heading(runs);
    print_table(&rows);
    Ok(true)
}

/// The rows for `inputs` and for the bigger set made from them, generated in a scratch
/// directory that is removed afterwards.
pub fn measure_pages(
    inputs: &[PathBuf],
    runs: usize,
    big: &bigger_corpus::Options,
) -> Result<Vec<GenRow>, Box<dyn Error>> {
    let corpus = crate::pages::read_pages(&crate::pages::collect(inputs)?, None);
    let bigger = bigger_corpus(inputs, big)?;
    let work = std::env::temp_dir().join(format!("gen-bench-{}", std::process::id()));
    let sets = [("the pages", corpus), ("the bigger set", bigger)];
    let rows = measure(&sets, runs.max(1), &work);
    let _ = std::fs::remove_dir_all(&work);
    rows
}

/// The line above the table: threads and runs.
pub fn print_heading(runs: usize) {
    println!(
        "{} threads, best / median of {} runs (seconds)\n",
        rayon::current_num_threads(),
        runs.max(1)
    );
}

/// Generate each named page set `runs` times into a new directory under `work`, `runs`
/// times into that tree with its manifest removed (a full run), then `runs` times into it
/// unchanged; one row each.
pub fn measure(
    sets: &[(&str, Vec<Page>)],
    runs: usize,
    work: &Path,
) -> Result<Vec<GenRow>, Box<dyn Error>> {
    let mut rows = Vec::new();
    for (n, (name, pages)) in sets.iter().enumerate() {
        let out = work.join(format!("set-{n}"));
        for target in [Target::New, Target::Existing, Target::Unchanged] {
            let samples = repeat(runs, pages, &out, target)?;
            rows.push(row(name, target.label(), pages.len(), &samples));
        }
        std::fs::remove_dir_all(&out)?;
    }
    Ok(rows)
}

/// Where a measured run writes.
#[derive(Debug, Clone, Copy)]
enum Target {
    /// A directory that does not exist yet.
    New,
    /// The tree of the run before, its manifest removed: a full run that compares,
    /// links and swaps in every file.
    Existing,
    /// The tree of the run before with its manifest: nothing to do.
    Unchanged,
}

impl Target {
    fn label(self) -> &'static str {
        match self {
            Target::New => "new directory",
            Target::Existing => "existing tree, full run",
            Target::Unchanged => "unchanged tree",
        }
    }
}

/// One generation's phases, wall and CPU time.
struct Sample {
    generated: crate::standalone::Generated,
    wall: Duration,
    cpu: Duration,
}

/// User plus system CPU time of this process so far, from `/proc/self/stat` (Linux; in
/// clock ticks of 1/100 s, as on every Linux platform Rust targets by default).
fn cpu_time() -> Duration {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return Duration::ZERO;
    };
    // Fields after the command name (which may hold spaces) start at the state, field 3;
    // utime and stime are fields 14 and 15.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: u64 = after_name
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|field| field.parse::<u64>().ok())
        .sum();
    Duration::from_millis(ticks * 10)
}

fn repeat(
    runs: usize,
    pages: &[Page],
    out: &Path,
    target_kind: Target,
) -> Result<Vec<Sample>, Box<dyn Error>> {
    (0..runs)
        .map(|_| {
            match target_kind {
                Target::New if out.exists() => std::fs::remove_dir_all(out)?,
                Target::Existing => remove_manifest(out)?,
                _ => {}
            }
            let (started, cpu) = (Instant::now(), cpu_time());
            let generated = generate(pages, out, false)?;
            Ok(Sample {
                generated,
                wall: started.elapsed(),
                cpu: cpu_time().saturating_sub(cpu),
            })
        })
        .collect()
}

/// The manifest [`generate`] keeps beside `out`, so the next run is a full one.
fn remove_manifest(out: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(crate::standalone::manifest_path(out)) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(err),
        _ => Ok(()),
    }
}

fn row(set: &str, target: &'static str, pages: usize, samples: &[Sample]) -> GenRow {
    let timing = |phase: fn(&Sample) -> Duration| Timing::of(samples.iter().map(phase).collect());
    let last = samples.last().map(|s| &s.generated);
    GenRow {
        set: set.to_string(),
        target,
        pages,
        endpoints: last.map_or(0, |g| g.endpoints),
        files: last.map_or(0, |g| g.files),
        parse: timing(|s| s.generated.parse),
        emit: timing(|s| s.generated.emit),
        write: timing(|s| s.generated.write),
        wall: timing(|s| s.wall),
        cpu: timing(|s| s.cpu),
    }
}

/// The rows as a markdown table, each time as `best / median` in seconds.
pub fn print_table(rows: &[GenRow]) {
    println!(
        "| page set | into | pages | endpoints | files | parse and check | emit and format | write | wall | CPU |"
    );
    println!("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    let shown = |t: Timing| {
        format!(
            "{:.2} / {:.2}",
            t.best.as_secs_f64(),
            t.median.as_secs_f64()
        )
    };
    for row in rows {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            row.set,
            row.target,
            row.pages,
            row.endpoints,
            row.files,
            shown(row.parse),
            shown(row.emit),
            shown(row.write),
            shown(row.wall),
            shown(row.cpu)
        );
    }
}
