#!/usr/bin/env bash
# Build cost, measured side by side in one run: the whole-corpus crate (generation, cargo
# check whole and per service, release build of one service), and openlark (the hand-written
# Feishu SDK on crates.io) with its default and `full` features. Prints a markdown table.
# Usage: scripts/bench-builds.sh [WORKDIR]   (default /tmp/feishu-bench; needs ../shared/corpus)
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-/tmp/feishu-bench}"
rm -rf "$work" && mkdir -p "$work"
export CARGO_TERM_COLOR=never

seconds() { local start=$SECONDS; "$@" >"$work/last.log" 2>&1 || { cat "$work/last.log"; exit 1; }; echo $((SECONDS - start)); }
row() { printf '| %s | %s |\n' "$1" "$2"; }

cargo build --release --locked -p xtask >/dev/null 2>&1
crate="$work/corpus-crate"
gen_start=$(date +%s.%N)
./target/release/xtask codegen --pages ../shared/corpus --out "$crate" >/dev/null 2>&1 || [ $? -eq 1 ]
gen=$(echo "$(date +%s.%N) - $gen_start" | bc)
endpoints=$(grep -rho '"/open-apis/[^"]*"' "$crate/src" | wc -l)
src_mb=$(du -sm "$crate/src" | cut -f1)
lines=$(find "$crate/src" -name '*.rs' -exec cat {} + | wc -l)

# openlark: a throwaway crate that depends on it.
ol="$work/openlark"
mkdir -p "$ol/src"
cat >"$ol/Cargo.toml" <<'TOML'
[package]
name = "openlark-bench"
version = "0.0.0"
edition = "2024"
publish = false

[features]
full = ["openlark/full"]

[dependencies]
openlark = "=0.21.0"

[workspace]
TOML
echo 'pub use openlark;' >"$ol/src/lib.rs"
(cd "$ol" && cargo fetch >/dev/null 2>&1)
ol_src=$(ls -d "$HOME"/.cargo/registry/src/*/openlark-*0.21.0 2>/dev/null)
ol_paths=$(grep -rhoE '"/open-apis/[^"]*"' $ol_src | sort -u | wc -l)
ol_lines=$(find $ol_src -name '*.rs' -exec cat {} + | wc -l)

echo "| measurement | result |"
echo "| --- | --- |"
row "whole-corpus crate: generation (parse + emit + format + write), release xtask" "${gen} s"
row "whole-corpus crate: endpoints / source lines / size" "$endpoints / $lines / ${src_mb} MB"
row "openlark 0.21.0: distinct /open-apis/ paths in its source / source lines" "$ol_paths / $ol_lines"
cd "$crate"
export CARGO_TARGET_DIR="$work/target-corpus"
row "corpus crate: cargo fetch + build dependencies (check)" "$(seconds cargo check --no-default-features) s"
row "corpus crate: cargo check --features full (deps built)" "$(seconds cargo check --features full) s"
row "corpus crate: cargo check --features im (deps built)" "$(seconds cargo check --no-default-features --features im) s"
row "corpus crate: cargo check --features okr (deps built)" "$(seconds cargo check --no-default-features --features okr) s"
row "corpus crate: cargo build --release --features im (deps included)" "$(seconds cargo build --release --no-default-features --features im) s"
cd "$ol"
export CARGO_TARGET_DIR="$work/target-openlark"
row "openlark: cargo check, default features (deps included)" "$(seconds cargo check) s"
row "openlark: cargo check --features full (deps built)" "$(seconds cargo check --features full) s"
row "openlark: cargo build --release, default features (deps included)" "$(seconds cargo build --release) s"
