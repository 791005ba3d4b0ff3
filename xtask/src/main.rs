//! `cargo xtask codegen [--check]`, `cargo xtask parse <FILE|DIR>... --out <DIR>`,
//! `cargo xtask fn-lengths` (the function length limit), `cargo xtask openapi --out <FILE>`,
//! `cargo xtask diff <OLD> <NEW>`, `cargo xtask package` and `cargo xtask msrv` (publishing),
//! and the benchmarks `bench`, `gen-bench` and `build-bench`.

mod bench;
mod big_pages;
mod bigger_corpus;
mod binaries;
mod build_bench;
mod codegen;
mod diff_cmd;
mod files;
mod fn_lengths;
mod gen_bench;
mod manifest;
mod msrv;
mod openapi_cmd;
mod package;
mod pages;
mod parse_cmd;
mod report;
mod sources;
mod standalone;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Emitting builds and drops millions of small token trees on every thread; glibc's
/// allocator spent a quarter of whole-corpus generation in malloc and free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "xtask", about = "feishu-codegen tasks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Rewrite specs/ir/ and generated/ from specs/pages/.
    Codegen {
        /// Write nothing; exit non-zero naming each checked-in file that is stale.
        #[arg(long)]
        check: bool,
        /// The repository to work on (default: this workspace).
        #[arg(long)]
        root: Option<PathBuf>,
        /// Generate a standalone crate from these pages instead (needs --out).
        #[arg(long, num_args = 1.., requires = "out")]
        pages: Vec<PathBuf>,
        /// Where the standalone crate goes; nothing in the repository is touched.
        #[arg(long, requires = "pages")]
        out: Option<PathBuf>,
        /// Fail (exit 1) when any page has a warning; in the repository, write nothing.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Write one OpenAPI 3.1 document (JSON or YAML, by the extension of --out) from
    /// specs/ir/, or from --pages.
    Openapi {
        /// Read these pages (files or directories of .md) instead of specs/ir/.
        #[arg(long, num_args = 1..)]
        pages: Vec<PathBuf>,
        /// The document: `.json`, `.yaml` or `.yml`.
        #[arg(long)]
        out: PathBuf,
        /// The repository whose specs/ir/ is read (default: this workspace).
        #[arg(long, conflicts_with = "pages")]
        root: Option<PathBuf>,
    },
    /// What changed between two documentation snapshots (page sets, IR trees, or git
    /// revisions of specs/ir/), classed as breaking or not for the generated Rust API.
    /// Exit 1 when anything breaking changed.
    Diff {
        old: String,
        new: String,
        /// `markdown` (default) or `json`.
        #[arg(long, default_value = "markdown", value_parser = ["markdown", "json"])]
        format: String,
    },
    /// Time parsing a directory of pages (use the release profile; see BENCHMARKS.md).
    Bench {
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
    },
    /// Time generating a crate from --pages and from a bigger set made from them (renamed
    /// copies of whole services), into a new directory, into its existing tree (a full
    /// run) and into its unchanged tree.
    GenBench {
        #[arg(long, num_args = 1.., required = true)]
        pages: Vec<PathBuf>,
        /// Runs per measurement (best and median are shown).
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Pages in the bigger set.
        #[arg(long, default_value_t = bigger_corpus::Options::default().pages)]
        bigger: usize,
    },
    /// Generate a crate from --pages and time `cargo check` (and with --release, `cargo
    /// build --release`) of it, of one service alone and of openlark, side by side.
    BuildBench {
        #[arg(long, num_args = 1.., required = true)]
        pages: Vec<PathBuf>,
        /// Scratch directory: the generated crate, the openlark probe crate, one target dir.
        #[arg(long)]
        work: PathBuf,
        /// The service built alone.
        #[arg(long, default_value = "im")]
        service: String,
        /// The openlark version to compare with.
        #[arg(long, default_value = "0.21.0")]
        openlark: String,
        /// Also time release builds.
        #[arg(long)]
        release: bool,
    },
    /// List the longest functions of generator/ and xtask/; fail when one is over the limit.
    FnLengths {
        /// How many of the longest to list.
        #[arg(long, default_value_t = 10)]
        show: usize,
        /// The repository to look at (default: this workspace).
        #[arg(long)]
        root: Option<PathBuf>,
    },
    /// `cargo package` the runtime (and with --generated, a crate from `codegen --pages`),
    /// build each packaged copy, and print each `.crate`'s size; exit 1 when one is over
    /// crates.io's 10 MiB limit.
    Package {
        /// A crate written by `cargo xtask codegen --pages … --out <DIR>`.
        #[arg(long)]
        generated: Option<PathBuf>,
        /// Package uncommitted changes too.
        #[arg(long)]
        allow_dirty: bool,
    },
    /// Check that no dependency of the published crates declares a newer `rust-version`
    /// than they do (as `Cargo.lock` resolves them); exit 1 naming any that does.
    Msrv,
    /// Parse pages (files or directories of .md) into YAML specs plus report.json in --out.
    Parse {
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        #[arg(long)]
        out: PathBuf,
        /// Exit 1 when any page has a warning (everything is still written).
        #[arg(long)]
        deny_warnings: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Codegen {
            check,
            root,
            pages,
            out,
            deny_warnings,
        } => match out {
            Some(out) => standalone::run(&pages, &out, deny_warnings),
            None => codegen::run(
                &root.unwrap_or_else(codegen::repo_root),
                check,
                deny_warnings,
            ),
        },
        Command::Parse {
            inputs,
            out,
            deny_warnings,
        } => parse_cmd::run(&inputs, &out, deny_warnings),
        Command::Openapi { pages, out, root } => {
            openapi_cmd::run(&root.unwrap_or_else(codegen::repo_root), &pages, &out)
        }
        Command::Diff { old, new, format } => {
            diff_cmd::run(&codegen::repo_root(), &old, &new, format == "json")
        }
        Command::Bench { inputs } => bench::run(&inputs),
        Command::GenBench {
            pages,
            runs,
            bigger,
        } => gen_bench::run(&pages, runs, &bigger_corpus::Options { pages: bigger }),
        Command::Package {
            generated,
            allow_dirty,
        } => package::run(&package::Options {
            generated,
            allow_dirty,
        }),
        Command::Msrv => msrv::run(),
        Command::FnLengths { show, root } => {
            fn_lengths::run(&root.unwrap_or_else(codegen::repo_root), show)
        }
        Command::BuildBench {
            pages,
            work,
            service,
            openlark,
            release,
        } => build_bench::run(&build_bench::Options {
            pages,
            work,
            service,
            openlark,
            release,
        }),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
    }
}
