//! `cargo xtask build-bench`: what the whole-corpus crate costs to generate and to build,
//! beside openlark (the hand-written SDK on crates.io), measured in one run on one machine
//! so the ratios hold even where the machine is noisy.
//!
//! Every build shares one target directory, so dependencies both sides use (tokio,
//! reqwest, serde…) are built once, by whichever build comes first. The fair comparison is
//! therefore the time spent in each side's own crates, read from cargo's `--timings`
//! report; wall times are printed beside it.

use std::collections::BTreeSet;
use std::error::Error;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde_json::Value;

use crate::binaries::{self, Program};
use crate::{bigger_corpus, gen_bench};

/// Runs of each generation measurement (best and median are shown).
const GENERATION_RUNS: usize = 5;

/// One build to time.
struct Build {
    label: String,
    dir: PathBuf,
    args: Vec<String>,
    /// Whether a compiled unit (a crate name) belongs to the side being measured.
    own: fn(&str) -> bool,
    endpoints: usize,
    /// openlark's path literals counted with those of its test code too (the measure of
    /// earlier runs), when that differs from `endpoints`.
    all_paths: Option<usize>,
}

/// What one build cost.
struct Timing {
    wall_s: f64,
    own_s: f64,
    own_units: usize,
}

pub struct Options {
    pub pages: Vec<PathBuf>,
    pub work: PathBuf,
    pub service: String,
    pub openlark: String,
    pub release: bool,
}

pub fn run(options: &Options) -> Result<bool, Box<dyn Error>> {
    fs::create_dir_all(&options.work)?;
    let work = options.work.canonicalize()?;
    let ours = work.join("feishu-api");
    // Generation first, while no build shares the machine.
    let generation = if options.release {
        Some(gen_bench::measure_pages(
            &options.pages,
            GENERATION_RUNS,
            &bigger_corpus::Options::default(),
        )?)
    } else {
        None
    };
    let started = Instant::now();
    // Pages left out (listed on stderr) do not stop the benchmark: the crate is built
    // from the rest, as `codegen --pages` writes it.
    let complete = crate::standalone::run(&options.pages, &ours, false)?;
    let generation_s = started.elapsed().as_secs_f64();
    let (our_endpoints, our_lines, our_bytes) = our_size(&ours)?;
    let probe = openlark_probe(&work, &options.openlark)?;
    let mut builds = builds(options, &ours, &probe, our_endpoints)?;
    let target = work.join("target");
    let rows = time_builds(options, &mut builds, &target)?;
    let programs = if options.release {
        let programs = binaries::write_programs(&work, &ours, &options.openlark)?;
        build_programs(&programs, &target, &work.join("bin"))?
    } else {
        Vec::new()
    };
    let per_call = if options.release {
        Some(per_call_tables()?)
    } else {
        None
    };
    print_table(&builds, &rows);
    print_programs(&programs);
    if let Some(rows) = generation {
        println!();
        println!("Generation (`gen-bench`: the pages and a bigger set made from them):");
        println!();
        gen_bench::print_heading(GENERATION_RUNS);
        gen_bench::print_table(&rows);
    }
    if let Some(tables) = per_call {
        println!();
        println!(
            "What one call costs at run time (`cargo bench -p feishu-tests --bench per_call`):"
        );
        println!();
        print!("{tables}");
    }
    println!(
        "Generation (parse + emit + format + write, in this process): {generation_s:.2} s for {our_endpoints} endpoints; \
         generated source {:.1} MB, {our_lines} lines.",
        our_bytes as f64 / 1e6
    );
    if !complete {
        println!("Some pages were left out of the crate; stderr lists them.");
    }
    Ok(true)
}

/// The builds compared: one service of ours, the services openlark's `communication` feature
/// covers, all of ours, openlark as it comes, openlark's `communication` (its smallest set
/// with `im`), and openlark with every feature.
fn builds(
    options: &Options,
    ours: &Path,
    probe: &Path,
    our_endpoints: usize,
) -> Result<[Build; 6], Box<dyn Error>> {
    Ok([
        Build {
            label: format!("feishu-api, `{}` only", options.service),
            dir: ours.to_path_buf(),
            args: vec![
                "--no-default-features".into(),
                "--features".into(),
                options.service.clone(),
            ],
            own: is_ours,
            endpoints: service_endpoints(ours, &options.service)?,
            all_paths: None,
        },
        Build {
            label: format!(
                "feishu-api, `{COMMUNICATION}` (what openlark's `communication` covers)"
            ),
            dir: ours.to_path_buf(),
            args: vec![
                "--no-default-features".into(),
                "--features".into(),
                COMMUNICATION.into(),
            ],
            own: is_ours,
            endpoints: COMMUNICATION
                .split(',')
                .map(|service| service_endpoints(ours, service))
                .sum::<Result<usize, _>>()?,
            all_paths: None,
        },
        Build {
            label: "feishu-api, `full` (every service)".into(),
            dir: ours.to_path_buf(),
            args: vec!["--features".into(), "full".into()],
            own: is_ours,
            endpoints: our_endpoints,
            all_paths: None,
        },
        Build {
            label: format!("openlark {}, default features", options.openlark),
            dir: probe.to_path_buf(),
            args: vec![],
            own: is_openlark,
            endpoints: 0,
            all_paths: None,
        },
        Build {
            label: format!(
                "openlark {}, `communication` (its smallest set with `im`)",
                options.openlark
            ),
            dir: probe.to_path_buf(),
            args: vec!["--features".into(), "communication".into()],
            own: is_openlark,
            endpoints: 0,
            all_paths: None,
        },
        Build {
            label: format!("openlark {}, `full`", options.openlark),
            dir: probe.to_path_buf(),
            args: vec!["--features".into(), "full".into()],
            own: is_openlark,
            endpoints: 0,
            all_paths: None,
        },
    ])
}

/// The services of openlark-communication (its `im`, `contact`, `moments`, `aily` and
/// `event` modules), as our features.
const COMMUNICATION: &str = "aily,contact,event,im,moments";

/// One timed build: which of the builds, `check` or `build`, and what it cost.
type Row = (usize, &'static str, Timing);

/// Each build timed in each mode (`check`, and `build` with `--release`).
fn time_builds(
    options: &Options,
    builds: &mut [Build],
    target: &Path,
) -> Result<Vec<Row>, Box<dyn Error>> {
    let modes: &[&'static str] = if options.release {
        &["check", "build"]
    } else {
        &["check"]
    };
    let mut rows = Vec::new();
    for mode in modes {
        for (i, build) in builds.iter_mut().enumerate() {
            let timing = time_build(build, mode, target)?;
            if build.endpoints == 0 {
                // openlark's endpoints: the distinct `/open-apis/…` paths in the crates
                // this build compiled (known once it has been resolved).
                let (compiled, all) = openlark_paths(&build.dir, &build.args)?;
                build.endpoints = compiled;
                build.all_paths = (all != compiled).then_some(all);
            }
            eprintln!(
                "{mode} {}: {:.1} s wall, {:.1} s in own crates",
                build.label, timing.wall_s, timing.own_s
            );
            rows.push((i, *mode, timing));
        }
    }
    Ok(rows)
}

/// The markdown table BENCHMARKS.md takes, and openlark's path counts below it.
fn print_table(builds: &[Build], rows: &[Row]) {
    println!(
        "| build | endpoints | own crates | own-crate time (s) | wall (s) | ms per endpoint |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for (i, mode, t) in rows {
        let build = &builds[*i];
        let what = if *mode == "check" {
            "`cargo check`"
        } else {
            "`cargo build --release`"
        };
        println!(
            "| {what}: {} | {} | {} | {:.1} | {:.1} | {:.1} |",
            build.label,
            build.endpoints,
            t.own_units,
            t.own_s,
            t.wall_s,
            1000.0 * t.own_s / build.endpoints.max(1) as f64
        );
    }
    println!();
    for (i, mode, t) in rows {
        let build = &builds[*i];
        if let Some(all) = build.all_paths {
            println!(
                "{mode}, {}: {} distinct `/open-apis/` path literals outside `#[cfg(test)]` items \
                 (what this build compiles), {all} with its test code; by {all}, {:.1} ms per endpoint.",
                build.label,
                build.endpoints,
                1000.0 * t.own_s / all.max(1) as f64
            );
        }
    }
}

/// What one program's release build cost, and its stripped size.
struct Built {
    label: String,
    /// The program's crate name (see `binaries`).
    name: &'static str,
    calls: usize,
    timing: Timing,
    stripped_bytes: u64,
}

/// Build each program for release (dependencies stay built; the program's own crate is
/// compiled afresh), then strip a copy of its binary into `bin` and weigh it.
fn build_programs(
    programs: &[Program],
    target: &Path,
    bin: &Path,
) -> Result<Vec<Built>, Box<dyn Error>> {
    fs::create_dir_all(bin)?;
    let mut out = Vec::new();
    for program in programs {
        let build = Build {
            label: program.label.clone(),
            dir: program.dir.clone(),
            args: Vec::new(),
            own: is_program,
            endpoints: program.calls,
            all_paths: None,
        };
        let timing = time_build(&build, "build", target)?;
        let stripped = bin.join(program.name);
        fs::copy(target.join("release").join(program.name), &stripped)?;
        let status = Command::new("strip").arg(&stripped).status()?;
        if !status.success() {
            return Err(format!("`strip {}` failed", stripped.display()).into());
        }
        let stripped_bytes = fs::metadata(&stripped)?.len();
        eprintln!(
            "build {}: {:.1} s wall, {stripped_bytes} bytes stripped",
            program.label, timing.wall_s
        );
        out.push(Built {
            label: program.label.clone(),
            name: program.name,
            calls: program.calls,
            timing,
            stripped_bytes,
        });
    }
    Ok(out)
}

/// The programs' table: size, and the release build of the program's own crate (where the
/// generated crate's calls are compiled, as they are `#[inline]`).
fn print_programs(programs: &[Built]) {
    let Some(plain) = programs.iter().find(|p| p.name == binaries::PLAIN) else {
        return;
    };
    println!();
    println!(
        "| program (`cargo build --release`, then `strip`) | endpoints called | stripped size (bytes) | size / plain reqwest | program crate build (s) | wall (s) |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for p in programs {
        println!(
            "| {} | {} | {} | {:.2}x | {:.1} | {:.1} |",
            p.label,
            p.calls,
            p.stripped_bytes,
            p.stripped_bytes as f64 / plain.stripped_bytes.max(1) as f64,
            p.timing.own_s,
            p.timing.wall_s
        );
    }
    println!();
    println!(
        "The seed programs call {} with tenant-token auth.",
        binaries::SEED_CALL
    );
}

/// The per-call bench's tables (the generated client against plain reqwest + serde derive
/// on a local keep-alive server, and the 1 MB decode), run from the repository in its own
/// target directory.
fn per_call_tables() -> Result<String, Box<dyn Error>> {
    let output = Command::new(env!("CARGO"))
        .args([
            "bench",
            "--locked",
            "-p",
            "feishu-tests",
            "--bench",
            "per_call",
        ])
        .current_dir(crate::codegen::repo_root())
        .env_remove("RUSTFLAGS")
        .stderr(std::process::Stdio::inherit())
        .output()?;
    if !output.status.success() {
        return Err("`cargo bench --bench per_call` failed".into());
    }
    eprintln!("per_call bench done");
    Ok(String::from_utf8(output.stdout)?)
}

/// A program `build-bench` writes (see `binaries`).
fn is_program(name: &str) -> bool {
    name.starts_with("seed-") || name.starts_with("full-")
}

/// The generated crate and the runtime it is built on.
fn is_ours(name: &str) -> bool {
    name == "feishu-api" || name == "feishu-runtime"
}

fn is_openlark(name: &str) -> bool {
    name.starts_with("openlark")
}

/// Run one build with `--timings` and read how long its own crates took.
fn time_build(build: &Build, mode: &str, target: &Path) -> Result<Timing, Box<dyn Error>> {
    let mut command = Command::new(env!("CARGO"));
    command.arg(mode);
    if mode == "build" {
        command.arg("--release");
    }
    command
        .args(&build.args)
        .arg("--timings")
        .current_dir(&build.dir)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        // Our own crate is regenerated, not edited: build it from scratch every time.
        .env_remove("RUSTFLAGS");
    clean_own(build, mode, target)?;
    let started = Instant::now();
    let status = command.status()?;
    let wall_s = started.elapsed().as_secs_f64();
    if !status.success() {
        return Err(format!("`cargo {mode}` of {} failed", build.label).into());
    }
    let report = fs::read_to_string(target.join("cargo-timings/cargo-timing.html"))?;
    let units = unit_data(&report)?;
    let own: Vec<&Value> = units
        .iter()
        .filter(|u| u["name"].as_str().is_some_and(build.own))
        .collect();
    Ok(Timing {
        wall_s,
        own_s: own.iter().filter_map(|u| u["duration"].as_f64()).sum(),
        own_units: own.len(),
    })
}

/// Remove the side's own compiled crates in the profile `mode` builds with, so each build
/// compiles them (dependencies stay built). `cargo clean -p` without `--release` leaves
/// the release profile's artifacts, so a release build after the first would reuse them.
fn clean_own(build: &Build, mode: &str, target: &Path) -> Result<(), Box<dyn Error>> {
    let metadata = metadata(&build.dir, &build.args)?;
    let packages: BTreeSet<&str> = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["name"].as_str())
        .filter(|name| (build.own)(name))
        .collect();
    let mut command = Command::new(env!("CARGO"));
    command
        .arg("clean")
        .args((mode == "build").then_some("--release"))
        .current_dir(&build.dir)
        .env("CARGO_TARGET_DIR", target);
    for package in &packages {
        command.args(["--package", package]);
    }
    if packages.is_empty() || !command.status()?.success() {
        return Err(format!("could not clean the crates of {}", build.label).into());
    }
    Ok(())
}

fn metadata(dir: &Path, args: &[String]) -> Result<Value, Box<dyn Error>> {
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1"])
        .args(args)
        .current_dir(dir)
        .output()?;
    if !output.status.success() {
        return Err(format!(
            "`cargo metadata` in {} failed: {}",
            dir.display(),
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    Ok(serde_json::from_slice(&output.stdout)?)
}

/// The `UNIT_DATA` array in cargo's timings HTML: one object per compiled unit, with
/// `name` and `duration` (seconds).
fn unit_data(html: &str) -> Result<Vec<Value>, Box<dyn Error>> {
    let start = html
        .find("const UNIT_DATA = ")
        .ok_or("no UNIT_DATA in cargo's timings report")?
        + "const UNIT_DATA = ".len();
    let mut stream = serde_json::Deserializer::from_str(&html[start..]).into_iter::<Value>();
    match stream.next() {
        Some(Ok(Value::Array(units))) => Ok(units),
        _ => Err("UNIT_DATA is not a JSON array".into()),
    }
}

/// A crate whose only job is to depend on openlark, with openlark's `full` as a feature.
fn openlark_probe(work: &Path, version: &str) -> Result<PathBuf, Box<dyn Error>> {
    let dir = work.join("openlark-probe");
    fs::create_dir_all(dir.join("src"))?;
    fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"openlark-probe\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [features]\nfull = [\"openlark/full\"]\ncommunication = [\"openlark/communication\"]\n\n[dependencies]\nopenlark = \"={version}\"\n\n[workspace]\n"
        ),
    )?;
    fs::write(dir.join("src/lib.rs"), "pub use open_lark;\n")?;
    Ok(dir)
}

/// The distinct `/open-apis/…` path literals in the openlark crates a build resolves:
/// those outside `#[cfg(test)]` items (which a dependency's build never compiles), and
/// all of them.
fn openlark_paths(dir: &Path, args: &[String]) -> Result<(usize, usize), Box<dyn Error>> {
    let metadata = metadata(dir, args)?;
    let resolved: BTreeSet<&str> = metadata["resolve"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n["id"].as_str())
        .collect();
    let mut paths = Paths::default();
    for package in metadata["packages"].as_array().into_iter().flatten() {
        let name = package["name"].as_str().unwrap_or_default();
        let id = package["id"].as_str().unwrap_or_default();
        if !name.starts_with("openlark") || !resolved.contains(id) {
            continue;
        }
        let manifest = PathBuf::from(package["manifest_path"].as_str().unwrap_or_default());
        if let Some(root) = manifest.parent() {
            collect_paths(&root.join("src"), &mut paths)?;
        }
    }
    Ok((paths.compiled.len(), paths.all.len()))
}

#[derive(Default)]
struct Paths {
    compiled: BTreeSet<String>,
    all: BTreeSet<String>,
}

fn collect_paths(dir: &Path, out: &mut Paths) -> Result<(), Box<dyn Error>> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_paths(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = fs::read_to_string(&path)?;
            out.all.extend(path_literals(&text));
            out.compiled.extend(path_literals(&without_tests(&text)));
        }
    }
    Ok(())
}

fn path_literals(text: &str) -> Vec<String> {
    text.split("\"/open-apis/")
        .skip(1)
        .filter_map(|piece| piece.find('"').map(|end| piece[..end].to_string()))
        .collect()
}

/// The source without its `#[cfg(test)]` items (at any depth of inline modules), as
/// tokens; the text unchanged when it does not parse.
fn without_tests(text: &str) -> String {
    let Ok(mut file) = syn::parse_file(text) else {
        return text.to_string();
    };
    strip_test_items(&mut file.items);
    quote::quote!(#file).to_string()
}

fn strip_test_items(items: &mut Vec<syn::Item>) {
    items.retain(|item| !attrs_of(item).iter().any(is_cfg_test));
    for item in items {
        if let syn::Item::Mod(module) = item
            && let Some((_, inner)) = &mut module.content
        {
            strip_test_items(inner);
        }
    }
}

fn attrs_of(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

/// `#[cfg(test)]`, or `#[cfg(all(test, …))]`.
fn is_cfg_test(attr: &syn::Attribute) -> bool {
    if !attr.path().is_ident("cfg") {
        return false;
    }
    let Ok(list) = attr.meta.require_list() else {
        return false;
    };
    let tokens = list.tokens.to_string();
    tokens == "test" || tokens.starts_with("all (test ,") || tokens.starts_with("all(test,")
}

/// Endpoints (one `Endpoint` impl each), lines and bytes of the generated crate.
fn our_size(root: &Path) -> Result<(usize, usize, u64), Box<dyn Error>> {
    let mut totals = (0, 0, 0);
    for file in rust_files(&root.join("src"))? {
        let text = fs::read_to_string(&file)?;
        totals.0 += text.matches(ENDPOINT_IMPL).count();
        totals.1 += text.lines().count();
        totals.2 += text.len() as u64;
    }
    Ok(totals)
}

/// How each generated endpoint module starts its request's wire description.
const ENDPOINT_IMPL: &str = "impl feishu_runtime::Endpoint for ";

fn service_endpoints(root: &Path, service: &str) -> Result<usize, Box<dyn Error>> {
    let mut count = 0;
    for file in rust_files(&root.join("src").join(service))? {
        count += fs::read_to_string(&file)?.matches(ENDPOINT_IMPL).count();
    }
    Ok(count)
}

fn rust_files(dir: &Path) -> Result<Vec<PathBuf>, Box<dyn Error>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            out.extend(rust_files(&path)?);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_literals_in_test_items_are_not_compiled() {
        let text = r#"
            pub const SEND: &str = "/open-apis/im/v1/messages";
            pub fn get(id: &str) -> String { format!("/open-apis/im/v1/messages/{}", id) }
            #[cfg(test)]
            mod tests {
                const ONLY_HERE: &str = "/open-apis/im/v1/only_in_tests";
            }
            pub mod inner {
                #[cfg(all(test, feature = "x"))]
                fn t() { let _ = "/open-apis/im/v1/also_tests"; }
                #[cfg(not(test))]
                const KEPT: &str = "/open-apis/im/v1/kept";
            }
        "#;
        assert_eq!(
            path_literals(&without_tests(text)),
            ["im/v1/messages", "im/v1/messages/{}", "im/v1/kept"]
        );
        assert_eq!(path_literals(text).len(), 5);
    }
}
