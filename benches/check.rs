//! Criterion benchmarks for the figures the issues ask for:
//!
//! - `rulebook/load`: load the embedded standard rulebook (metadata, data, lib; rules are
//!   compiled on first use) and build the evaluating engine — what every run pays;
//! - `rulebook/load_compile`: the same, then compile every rule (what a run whose scenarios
//!   span all periods of law pays);
//! - `scenario/transportstyrelsen`: parse, validate and evaluate the seed's case in-process;
//! - `process/check_one`: the whole binary on one scenario (start, load, compile, evaluate,
//!   print) — what a pre-commit hook pays;
//! - `batch/check_1000`: the binary on a folder of 1,000 generated scenarios (30 assets,
//!   10 suppliers with 0–3 subcontractors each), all cores.
//!
//! The `process` and `batch` groups run this build's binary, or the one `GRANSKA_BENCH_EXE`
//! names: `GRANSKA_BENCH_EXE=target/pgo/granska cargo bench --bench check -- batch` measures
//! the profile-guided build of `scripts/pgo-build.sh`.
//!
//! Parse-vs-evaluate shares come from `scenario/parse_validate` vs `scenario/evaluate`.

#[path = "generate.rs"]
mod generate;

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use granska::eval::Evaluator;
use granska::rulebook::{Rulebook, Tree};
use granska::scenario;
use granska::source::SourceFile;

fn rulebook() -> Arc<Rulebook> {
    Arc::new(Rulebook::load(&[Tree::Builtin]).expect("the standard rulebook loads"))
}

fn load_compile(c: &mut Criterion) {
    c.bench_function("rulebook/load", |b| b.iter(|| Evaluator::new(rulebook())));
    c.bench_function("rulebook/load_compile", |b| {
        b.iter(|| {
            let rules = rulebook();
            assert!(rules.compile_all().is_empty());
            Evaluator::new(rules)
        })
    });
}

fn one_scenario(c: &mut Criterion) {
    let rules = rulebook();
    let evaluator = Evaluator::new(rules.clone());
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/transportstyrelsen-2015.yaml");
    let text = std::fs::read_to_string(&path).expect("seed scenario");
    let generated = generate::scenario(7);
    c.bench_function("scenario/parse_validate", |b| {
        b.iter(|| {
            let file = Arc::new(SourceFile::new("g.yaml", "g.yaml", generated.clone()));
            scenario::load_source(file, rules.as_ref()).expect("valid")
        })
    });
    let loaded = Arc::new(
        scenario::load_source(
            Arc::new(SourceFile::new("g.yaml", "g.yaml", generated.clone())),
            rules.as_ref(),
        )
        .expect("valid"),
    );
    c.bench_function("scenario/evaluate", |b| {
        b.iter(|| evaluator.evaluate(loaded.clone(), None))
    });
    // A large organisation's inventory: 3,000 assets, 500 suppliers (1,309 parties), 2 MB.
    // Loading and judging it should cost ~100 times the 30-asset scenario, not ~10,000 times.
    let large = generate::scenario_sized(7, 3000, 500);
    c.bench_function("scenario/large_3000_assets", |b| {
        b.iter(|| {
            let file = Arc::new(SourceFile::new("l.yaml", "l.yaml", large.clone()));
            let loaded = Arc::new(scenario::load_source(file, rules.as_ref()).expect("valid"));
            evaluator.evaluate(loaded, None)
        })
    });
    c.bench_function("scenario/transportstyrelsen", |b| {
        b.iter(|| {
            let file = Arc::new(SourceFile::new("t.yaml", &path, text.clone()));
            let loaded = Arc::new(scenario::load_source(file, rules.as_ref()).expect("valid"));
            evaluator.evaluate(loaded, None)
        })
    });
}

/// The binary the process benchmarks run: this build's, or the one `GRANSKA_BENCH_EXE` names
/// (the profile-guided build of `scripts/pgo-build.sh`, say).
fn exe() -> String {
    std::env::var("GRANSKA_BENCH_EXE").unwrap_or_else(|_| env!("CARGO_BIN_EXE_granska").into())
}

fn process(c: &mut Criterion) {
    let exe = exe();
    let scenario =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/transportstyrelsen-2015.yaml");
    let mut group = c.benchmark_group("process");
    group.sample_size(20);
    group.bench_function("check_one", |b| {
        b.iter(|| {
            let out = Command::new(&exe)
                .arg("check")
                .arg(&scenario)
                .env("NO_COLOR", "1")
                .output()
                .expect("runs");
            assert!(out.status.code().is_some_and(|c| c == 0 || c == 1));
        })
    });
    group.finish();

    let dir = tempfile::tempdir().expect("tempdir");
    generate::write_corpus(dir.path(), 1000).expect("corpus");
    // The results go to a file, as in `granska check DIR --format json > results.json`: read
    // through a pipe, the ~420 MB would cost this process CPU that the two cores share. The
    // file is emptied before each run, outside the time measured: truncating the previous
    // run's 420 MB is not part of a batch (it was ~0.2 s of each sample when timed with it).
    let results = tempfile::NamedTempFile::new().expect("results file");
    let mut group = c.benchmark_group("batch");
    group.sample_size(10);
    group.bench_function("check_1000", |b| {
        b.iter_batched(
            || std::fs::File::create(results.path()).expect("results file"),
            |output| {
                let status = Command::new(&exe)
                    .arg("check")
                    .arg(dir.path())
                    .arg("--format")
                    .arg("json")
                    .stdout(output)
                    .status()
                    .expect("runs");
                if status.code().is_none_or(|c| c == 2) {
                    let text = std::fs::read_to_string(results.path()).unwrap_or_default();
                    panic!(
                        "corpus must be valid: {}",
                        text.chars().take(2000).collect::<String>()
                    );
                }
            },
            criterion::BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, load_compile, one_scenario, process);
criterion_main!(benches);
