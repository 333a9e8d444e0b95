//! The benchmark's scenario generator: deterministic, and every scenario it makes is a valid
//! scenario for the standard rulebook (the batch benchmark measures real work, not errors).

#[path = "../benches/generate.rs"]
mod generate;

use std::sync::Arc;

use generate::*;
use granska::rulebook::{Rulebook, Tree};
use granska::source::SourceFile;

#[test]
fn deterministic() {
    assert_eq!(scenario(7), scenario(7));
    assert_ne!(scenario(7), scenario(8));
}

#[test]
fn ids_unique_and_access_resolves() {
    for i in 0..50 {
        let text = scenario(i);
        assert!(text.contains("\ngranska: 1\n"));
        let mut ids = Vec::new();
        for line in text.lines() {
            let t = line.trim_start().trim_start_matches("- ");
            if let Some(id) = t.strip_prefix("id: ")
                && line.starts_with(' ')
            {
                ids.push(id.to_string());
            }
        }
        assert_eq!(
            ids.len(),
            ids.iter().collect::<std::collections::BTreeSet<_>>().len(),
            "scenario {i}"
        );
        for line in text.lines() {
            if let Some(pos) = line.find("{ asset: ") {
                let rest = &line[pos + 9..];
                let end = rest.find([',', ' ']).unwrap_or(rest.len());
                assert!(
                    ids.iter().any(|x| x == &rest[..end]),
                    "scenario {i}: {line}"
                );
            }
        }
    }
}

/// Generated scenarios load without a single problem under the standard rulebook.
#[test]
fn generated_scenarios_are_valid() {
    let rulebook = Rulebook::load(&[Tree::Builtin]).expect("standard rulebook");
    for i in 0..200 {
        let file = Arc::new(SourceFile::new(file_name(i), file_name(i), scenario(i)));
        if let Err(problems) = granska::scenario::load_source(file, &rulebook) {
            panic!(
                "scenario {i} is invalid: {}",
                granska::diag::render_problems(&problems, false)
            );
        }
    }
}

/// A large generated inventory (the `scenario/large_3000_assets` benchmark's kind) is valid
/// too, deterministic, and as large as asked; its default size is the batch's.
#[test]
fn sized_scenarios_are_valid_and_as_large_as_asked() {
    assert_eq!(scenario_sized(7, ASSETS, SUPPLIERS), scenario(7));
    let text = scenario_sized(3, 400, 80);
    assert_eq!(text, scenario_sized(3, 400, 80));
    assert!(text.contains("\n  - id: a400-"), "400 assets");
    assert!(text.contains("\n  - id: s80\n"), "80 suppliers");
    let rulebook = Rulebook::load(&[Tree::Builtin]).expect("standard rulebook");
    let file = Arc::new(SourceFile::new("l.yaml", "l.yaml", text));
    if let Err(problems) = granska::scenario::load_source(file, &rulebook) {
        panic!(
            "invalid: {}",
            granska::diag::render_problems(&problems, false)
        );
    }
}

/// `write_scenarios` (behind `cargo run --example generate` and the profile-guided build's
/// training) writes exactly the numbered scenarios asked for, under their file names.
#[test]
fn write_scenarios_writes_the_numbered_range() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_scenarios(dir.path(), 100_000..100_003).expect("written");
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("listed")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "synthetic-100000.yaml",
            "synthetic-100001.yaml",
            "synthetic-100002.yaml"
        ]
    );
    let text = std::fs::read_to_string(dir.path().join(file_name(100_001))).expect("read");
    assert_eq!(text, scenario(100_001));
}
