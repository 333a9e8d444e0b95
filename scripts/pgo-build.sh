#!/usr/bin/env bash
# Builds granska with profile-guided optimisation (PGO), then, where LLVM's BOLT is installed,
# lays the binary out again by profile: a release binary for batches.
#
#   scripts/pgo-build.sh            # → target/pgo/granska
#
# Most of a batch is spent in Rhai's interpreter, whose branches a compiler cannot predict
# from the source alone. PGO builds an instrumented granska, runs it on representative work
# (the shipped scenarios, and generated ones numbered apart from the benchmark's 0..999),
# and builds again with the recorded profile. Measured on 2 cores: ~11–19 % less time on a
# batch of 1,000 generated scenarios (interleaved runs), identical output. BOLT then
# instruments that binary, runs the same work, and reorders its functions and blocks so the
# hot code sits together: another ~2–5 % on the same batch. The plain
# `cargo build --release` stays what the README and CI use; this script is for a machine that
# runs large batches.
#
# Needs rustup (for llvm-profdata of the same LLVM as rustc; set LLVM_PROFDATA to use
# another) and two release builds' time (~4 minutes each on 2 cores). BOLT is optional:
# `llvm-bolt` and `merge-fdata` on PATH, from /usr/lib/llvm-*/bin, or LLVM_BOLT naming
# llvm-bolt (Debian and Ubuntu: `apt-get install bolt-19`); without it the PGO binary is the
# result.
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

# BOLT, if installed: llvm-bolt and its merge-fdata.
bolt=${LLVM_BOLT:-}
if [ -z "$bolt" ]; then
  for candidate in llvm-bolt /usr/lib/llvm-*/bin/llvm-bolt; do
    if command -v "$candidate" >/dev/null 2>&1; then
      bolt=$(command -v "$candidate")
    fi
  done
fi
merge_fdata=""
if [ -n "$bolt" ]; then
  merge_fdata="$(dirname "$bolt")/merge-fdata"
  [ -x "$merge_fdata" ] || merge_fdata=$(command -v merge-fdata || true)
  [ -n "$merge_fdata" ] || { echo "error: $bolt has no merge-fdata beside it or on PATH" >&2; exit 2; }
fi
steps=$([ -n "$bolt" ] && echo 5 || echo 3)

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

echo "== 1/$steps instrumented build"
rm -rf "$profiles" "$work/train" "$work/build-scripts"
build "-Cprofile-generate=$profiles" "$work/instrumented"
bin="$work/instrumented/release/granska"

# The work both profiles are recorded on, run by the binary $1.
training() {
  local bin=$1
  train "$bin" check "$work/train" --format json
  train "$bin" check "$work/train" --lang en
  for lang in sv en; do
    train "$bin" check scenarios/ --lang "$lang"
    train "$bin" check scenarios/ --format json --lang "$lang"
  done
  train "$bin" explain scenarios/transportstyrelsen-2015.yaml
  train "$bin" check tests/fixtures/scenarios/invalid
}

echo "== 2/$steps training"
# The generator is an example: a debug build of it (already there after `cargo test`).
cargo run --quiet --locked --example generate -- "$work/train" --count 300 --first 100000
training "$bin"
"$profdata" merge -o "$work/granska.profdata" "$profiles"

echo "== 3/$steps optimised build"
# From scratch: cargo does not see that the profile changed. BOLT reorders functions only in
# a binary that keeps its relocations.
rm -rf "$work/optimized"
relocs=$([ -n "$bolt" ] && echo "-Clink-args=-Wl,--emit-relocs" || true)
build "-Cprofile-use=$work/granska.profdata $relocs" "$work/optimized"
pgo="$work/optimized/release/granska"

if [ -z "$bolt" ]; then
  cp "$pgo" "$work/granska"
  echo "built $work/granska (PGO; install LLVM's BOLT for a further ~2–5 %)"
  exit 0
fi

echo "== 4/$steps BOLT: instrument and train ($bolt)"
rm -rf "$work/bolt"
mkdir -p "$work/bolt"
"$bolt" "$pgo" -o "$work/bolt/instrumented" -instrument \
  -instrumentation-file="$work/bolt/profile" -instrumentation-file-append-pid >/dev/null
training "$work/bolt/instrumented"
"$merge_fdata" "$work/bolt"/profile.*.fdata >"$work/bolt/granska.fdata" 2>/dev/null

echo "== 5/$steps BOLT: lay out"
# BOLT's documented layout options (functions ordered by cdsort, its newer algorithm). More
# aggressive ones (-peepholes=all, -indirect-call-promotion=all, -inline-small-functions,
# -frame-opt=hot) were measured ~6 % slower on the batch.
"$bolt" "$pgo" -o "$work/granska" -data="$work/bolt/granska.fdata" \
  -reorder-blocks=ext-tsp -reorder-functions=cdsort -split-functions -split-all-cold \
  -split-eh -icf=1 -use-gnu-stack >/dev/null
echo "built $work/granska (PGO and BOLT)"
