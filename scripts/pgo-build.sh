#!/usr/bin/env bash
# Builds granska with profile-guided optimisation (PGO): a release binary for batches.
#
#   scripts/pgo-build.sh            # → target/pgo/granska
#
# Most of a batch is spent in Rhai's interpreter, whose branches a compiler cannot predict
# from the source alone. PGO builds an instrumented granska, runs it on representative work
# (the shipped scenarios, and generated ones numbered apart from the benchmark's 0..999),
# and builds again with the recorded profile. Measured on 2 cores: ~11–19 % less time on a
# batch of 1,000 generated scenarios (interleaved runs), identical output. The plain `cargo build --release`
# stays what the README and CI use; this script is for a machine that runs large batches.
#
# Needs rustup (for llvm-profdata of the same LLVM as rustc; set LLVM_PROFDATA to use
# another) and two release builds' time (~4 minutes each on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."

host=$(rustc -vV | sed -n 's/^host: //p')
work="$PWD/target/pgo"
profiles="$work/profiles"

profdata=${LLVM_PROFDATA:-}
if [ -z "$profdata" ]; then
  command -v rustup >/dev/null 2>&1 || {
    echo "error: llvm-profdata comes from rustup's llvm-tools; without rustup, set LLVM_PROFDATA" >&2
    exit 2
  }
  rustup component add llvm-tools >/dev/null
  profdata="$(rustc --print sysroot)/lib/rustlib/$host/bin/llvm-profdata"
fi
[ -x "$profdata" ] || { echo "error: llvm-profdata not found at $profdata" >&2; exit 2; }

# Without `--target`: with it, cargo puts RUSTFLAGS into the symbol names, so the optimised
# build's functions would not match the profile's and PGO would silently do nothing.
# Build scripts are instrumented too; their profiles go to a folder that is not merged.
build() {
  local flags=$1 dir=$2
  LLVM_PROFILE_FILE="$work/build-scripts/%p.profraw" RUSTFLAGS="${RUSTFLAGS:-} $flags" \
    cargo build --release --locked --target-dir "$dir" --bin granska
}

# Exit codes 0–3 are verdicts and findings (DESIGN.md); anything else means training broke.
train() {
  local code=0
  LLVM_PROFILE_FILE="$profiles/granska-%p-%m.profraw" "$@" >/dev/null 2>&1 || code=$?
  if [ "$code" -gt 3 ]; then
    echo "error: training run failed (exit $code): $*" >&2
    exit 2
  fi
}

echo "== 1/3 instrumented build"
rm -rf "$profiles" "$work/train" "$work/build-scripts"
build "-Cprofile-generate=$profiles" "$work/instrumented"
bin="$work/instrumented/release/granska"

echo "== 2/3 training"
# The generator is an example: a debug build of it (already there after `cargo test`).
cargo run --quiet --locked --example generate -- "$work/train" --count 300 --first 100000
train "$bin" check "$work/train" --format json
train "$bin" check "$work/train" --lang en
for lang in sv en; do
  train "$bin" check scenarios/ --lang "$lang"
  train "$bin" check scenarios/ --format json --lang "$lang"
done
train "$bin" explain scenarios/transportstyrelsen-2015.yaml
train "$bin" check tests/fixtures/scenarios/invalid
"$profdata" merge -o "$work/granska.profdata" "$profiles"

echo "== 3/3 optimised build"
# From scratch: cargo does not see that the profile changed.
rm -rf "$work/optimized"
build "-Cprofile-use=$work/granska.profdata" "$work/optimized"
cp "$work/optimized/release/granska" "$work/granska"
echo "built $work/granska"
