//! Property tests over the library API (not the binary, for speed): valid scenarios are
//! mutated — keys dropped or duplicated, values retyped, ids swapped or copied, random
//! characters and bytes inserted, the file cut short — and loading must never panic. Either
//! the mutant is refused with problems whose spans lie inside the text, or it is evaluated
//! against the built-in rulebook to a verdict with findings on real lines.

use std::path::Path;
use std::sync::{Arc, LazyLock};

use granska::diag::Problem;
use granska::eval::Evaluator;
use granska::rulebook::{Rulebook, Tree};
use granska::scenario::load_source;
use granska::scenario::parse::{TopLevel, parse_yaml, source_from_bytes};
use granska::source::SourceFile;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// The built-in rulebook, compiled once for all cases.
static EVALUATOR: LazyLock<Evaluator> = LazyLock::new(|| {
    let rulebook = Rulebook::load(&[Tree::Builtin])
        .unwrap_or_else(|p| panic!("the built-in rulebook loads: {p:?}"));
    Evaluator::new(Arc::new(rulebook))
});

/// The valid scenarios mutants start from: the shipped ones and the test fixtures.
static SEEDS: LazyLock<Vec<(String, Vec<u8>)>> = LazyLock::new(|| {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in ["scenarios", "tests/fixtures/scenarios/valid"] {
        let mut names: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".yaml"))
            .collect();
        names.sort();
        for n in names {
            out.push((
                format!("{dir}/{n}"),
                std::fs::read(root.join(dir).join(&n)).unwrap(),
            ));
        }
    }
    assert!(
        out.len() >= 10,
        "expected the shipped and fixture scenarios"
    );
    out
});

/// Values of other types and shapes, and values that look right but are not.
const VALUES: &[&str] = &[
    "7",
    "-1",
    "4.5",
    "true",
    "false",
    "~",
    "null",
    "[]",
    "{}",
    "[SE, UK]",
    "{ a: 1 }",
    "\"\"",
    "''",
    "se",
    "UK",
    "XX",
    "2024-02-30",
    "2024-13-01",
    "24-01-01",
    "99999999999999999999",
    "municipalty",
    "admin",
    "blocker",
    "&anchor x",
    "*alias",
    "!!str x",
    "|",
    ">",
    "- x",
    "ü",
    "\"unterminated",
    "'unterminated",
    "[unclosed",
    "{unclosed",
];

/// Characters that mean something in YAML, or are awkward in text.
const CHARS: &[char] = &[
    ':', '-', '[', ']', '{', '}', ',', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', '?',
    ' ', '\t', '\n', '\r', '\0', '\u{feff}', '\u{2028}', 'ü', '€', '😀', '\\',
];

#[derive(Debug, Clone)]
enum Mutation {
    /// Remove a line (drops a key, an item, or half of a flow value).
    DropLine(usize),
    /// Repeat a line (duplicates a key in its mapping, or an item in its list).
    DuplicateLine(usize),
    /// Replace the value after a line's `:` with another type or shape.
    Retype { line: usize, value: usize },
    /// Exchange the values of two `id:` lines.
    SwapIds(usize, usize),
    /// Give an `id:` line the value of another (a duplicate id).
    CopyId(usize, usize),
    /// Insert a character at a byte offset (also inside a multi-byte character).
    InsertChar { at: usize, ch: char },
    /// Insert raw bytes (possibly not UTF-8) at a byte offset.
    InsertBytes { at: usize, bytes: Vec<u8> },
    /// Change a line's indentation by a few spaces.
    Reindent { line: usize, by: i8 },
    /// Cut the file short.
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::DropLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(line, value)| Mutation::Retype { line, value }),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapIds(a, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::CopyId(a, b)),
        (
            any::<usize>(),
            prop_oneof![prop::sample::select(CHARS), any::<char>()]
        )
            .prop_map(|(at, ch)| Mutation::InsertChar { at, ch }),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..6))
            .prop_map(|(at, bytes)| Mutation::InsertBytes { at, bytes }),
        (any::<usize>(), -4i8..=4).prop_map(|(line, by)| Mutation::Reindent { line, by }),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn lines_of(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect()
}

fn join(lines: &[Vec<u8>]) -> Vec<u8> {
    lines.join(&b'\n')
}

/// Indices of lines that hold an `id:` key (`  id: x` or `  - id: x`).
fn id_lines(lines: &[Vec<u8>]) -> Vec<usize> {
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            let t = String::from_utf8_lossy(l);
            let t = t.trim_start().trim_start_matches("- ");
            t.starts_with("id: ")
        })
        .map(|(i, _)| i)
        .collect()
}

fn split_value(line: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let pos = line.windows(2).position(|w| w == b": ")?;
    Some((line[..pos + 2].to_vec(), line[pos + 2..].to_vec()))
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let mut lines = lines_of(bytes);
    let n = lines.len();
    match m {
        Mutation::DropLine(i) => {
            lines.remove(i % n);
        }
        Mutation::DuplicateLine(i) => {
            let l = lines[i % n].clone();
            lines.insert(i % n, l);
        }
        Mutation::Retype { line, value } => {
            let candidates: Vec<usize> = (0..n)
                .filter(|&i| split_value(&lines[i]).is_some())
                .collect();
            if let Some(&i) = candidates.get(line % candidates.len().max(1)) {
                let (key, _) = split_value(&lines[i]).unwrap();
                lines[i] = [key, VALUES[value % VALUES.len()].as_bytes().to_vec()].concat();
            }
        }
        Mutation::SwapIds(a, b) | Mutation::CopyId(a, b) => {
            let ids = id_lines(&lines);
            if ids.len() >= 2 {
                let (i, j) = (ids[a % ids.len()], ids[b % ids.len()]);
                let (ki, vi) = split_value(&lines[i]).unwrap();
                let (kj, vj) = split_value(&lines[j]).unwrap();
                lines[i] = [ki, vj.clone()].concat();
                if matches!(m, Mutation::SwapIds(..)) {
                    lines[j] = [kj, vi].concat();
                }
            }
        }
        Mutation::Reindent { line, by } => {
            let l = &mut lines[line % n];
            if *by > 0 {
                l.splice(0..0, std::iter::repeat_n(b' ', *by as usize));
            } else {
                let strip = l
                    .iter()
                    .take_while(|b| **b == b' ')
                    .count()
                    .min(by.unsigned_abs() as usize);
                l.drain(..strip);
            }
        }
        Mutation::InsertChar { .. } | Mutation::InsertBytes { .. } | Mutation::Truncate(_) => {}
    }
    if !matches!(
        m,
        Mutation::InsertChar { .. } | Mutation::InsertBytes { .. } | Mutation::Truncate(_)
    ) {
        *bytes = join(&lines);
        return;
    }
    match m {
        Mutation::InsertChar { at, ch } => {
            let at = at % (bytes.len() + 1);
            let mut buf = [0u8; 4];
            bytes.splice(at..at, ch.encode_utf8(&mut buf).bytes());
        }
        Mutation::InsertBytes { at, bytes: new } => {
            let at = at % (bytes.len() + 1);
            bytes.splice(at..at, new.iter().copied());
        }
        Mutation::Truncate(at) => bytes.truncate(at % (bytes.len() + 1)),
        _ => unreachable!(),
    }
}

/// A problem that names a file points inside that file's text, on character boundaries.
fn check_problem(p: &Problem) -> Result<(), TestCaseError> {
    prop_assert!(!p.message.is_empty(), "a problem without a message: {p:?}");
    prop_assert!(p.code.starts_with("granska::"), "odd code {}", p.code);
    if let (Some(file), Some(span)) = (&p.file, p.span) {
        check_span(file, span.start, span.len, &p.message)?;
        let (file_name, line, col) = p.location().expect("a problem with a file has a location");
        prop_assert_eq!(file_name, file.name.clone());
        prop_assert!(line >= 1 && col >= 1);
        prop_assert!(
            line <= file.text.lines().count().max(1) + 1,
            "line {line} beyond the end: {}",
            p.message
        );
    }
    Ok(())
}

fn check_span(
    file: &SourceFile,
    start: usize,
    len: usize,
    what: &str,
) -> Result<(), TestCaseError> {
    let text = &file.text;
    prop_assert!(
        start <= text.len() && start + len <= text.len(),
        "span {start}+{len} outside the text ({} bytes): {what}",
        text.len()
    );
    // The start decides the line and column shown, so it must be a character boundary. (That
    // the end is one too is checked for a known case in `syntax_error_span_ends_on_a_character_boundary`.)
    prop_assert!(
        text.is_char_boundary(start),
        "span {start}+{len} starts inside a character: {what}"
    );
    Ok(())
}

/// Load a mutant like `granska check` does, then evaluate it if it is valid.
fn judge(bytes: Vec<u8>) -> Result<(), TestCaseError> {
    let path = Path::new("mutant.yaml");
    let file = match source_from_bytes("mutant.yaml", path, bytes) {
        Ok(f) => f,
        Err(p) => return check_problem(&p),
    };
    let evaluator = &*EVALUATOR;
    match load_source(file.clone(), evaluator.rulebook.as_ref()) {
        Err(problems) => {
            prop_assert!(!problems.is_empty(), "Err with no problems");
            for p in &problems.0 {
                check_problem(p)?;
            }
        }
        Ok(loaded) => {
            let e = evaluator.evaluate(Arc::new(loaded), None);
            let n_lines = file.text.lines().count().max(1);
            for f in &e.findings {
                prop_assert!(
                    f.line >= 1 && f.line <= n_lines + 1,
                    "{} on line {} of {n_lines}",
                    f.rule,
                    f.line
                );
                prop_assert!(f.column >= 1);
            }
            prop_assert!(!e.verdict.as_str().is_empty());
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// Mutated scenarios never panic: refused with spans inside the text, or judged to a verdict.
    #[test]
    fn mutated_scenarios_never_panic_and_spans_stay_in_the_file(
        seed in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let (_, original) = &SEEDS[seed.index(SEEDS.len())];
        let mut bytes = original.clone();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        judge(bytes)?;
    }

    /// Arbitrary YAML-ish text never panics the parser, and its problems start inside the text.
    #[test]
    fn arbitrary_text_never_panics_the_yaml_parser(
        text in "(([a-z]{1,4}|[-:\\[\\]{},#&*!|>'\" \\t]|\n|\u{feff}|ü){0,80})",
        top in prop_oneof![Just(TopLevel::Mapping), Just(TopLevel::Sequence)],
    ) {
        let file = Arc::new(SourceFile::new("t.yaml", "t.yaml", text));
        if let Err(problems) = parse_yaml(&file, top) {
            for p in &problems.0 {
                check_problem(p)?;
            }
        }
    }
}

/// Every seed is valid as it is: the mutations start from scenarios that load.
#[test]
fn seeds_load_unmutated() {
    for (name, bytes) in SEEDS.iter() {
        if name.starts_with("tests/fixtures") {
            continue; // their waivers name rules of the test rulebook, not the built-in one
        }
        let file = source_from_bytes(name, Path::new(name), bytes.clone()).expect("UTF-8");
        if let Err(p) = load_source(file, EVALUATOR.rulebook.as_ref()) {
            panic!("{name} does not load: {p:?}");
        }
    }
}

/// Each kind of mutation does what it says on a small input (the generator is not vacuous).
#[test]
fn mutations_change_the_text() {
    let base =
        b"granska: 1\nid: a\nassets:\n  - id: x\n    name: X\n  - id: y\n    name: Y\n".to_vec();
    let all = [
        Mutation::DropLine(1),
        Mutation::DuplicateLine(1),
        Mutation::Retype { line: 0, value: 0 },
        Mutation::SwapIds(1, 2),
        Mutation::CopyId(1, 2),
        Mutation::InsertChar { at: 3, ch: ':' },
        Mutation::InsertBytes {
            at: 3,
            bytes: vec![0xff],
        },
        Mutation::Reindent { line: 4, by: 2 },
        Mutation::Truncate(20),
    ];
    for m in all {
        let mut b = base.clone();
        apply(&mut b, &m);
        assert_ne!(b, base, "{m:?} changed nothing");
    }
    let mut b = base.clone();
    apply(&mut b, &Mutation::CopyId(1, 2));
    assert_eq!(String::from_utf8(b).unwrap().matches("id: y").count(), 2);
}

/// A syntax error at a multi-byte character has a span that does not end inside it.
#[test]
fn syntax_error_span_ends_on_a_character_boundary() {
    let file = Arc::new(SourceFile::new("t.yaml", "t.yaml", ":\na\n\u{feff}"));
    let problems = parse_yaml(&file, TopLevel::Mapping).expect_err("not a mapping");
    for p in &problems.0 {
        let span = p.span.expect("located");
        assert!(
            file.text.is_char_boundary(span.start + span.len),
            "{}: span {}+{} ends inside a character of {:?}",
            p.message,
            span.start,
            span.len,
            &*file.text
        );
    }
}

/// A problem at the very end of a file has a span inside the text, not one byte past it.
#[test]
fn problem_at_end_of_file_has_span_inside_the_text() {
    let cases = [
        "# only a comment\n",
        "granska: 1\nid: x\norganisation:",
        "granska: 1\nid: x\norganisation:\n",
    ];
    let mut outside = Vec::new();
    for text in cases {
        let file = Arc::new(SourceFile::new("t.yaml", "t.yaml", text));
        let problems = load_source(file.clone(), EVALUATOR.rulebook.as_ref()).expect_err("invalid");
        for p in &problems.0 {
            if let Some(span) = p.span.filter(|s| s.start + s.len > text.len()) {
                outside.push(format!(
                    "{text:?}: `{}` at {}+{} (text is {} bytes)",
                    p.message,
                    span.start,
                    span.len,
                    text.len()
                ));
            }
        }
    }
    assert!(
        outside.is_empty(),
        "spans past the end of the text:\n{}",
        outside.join("\n")
    );
}
