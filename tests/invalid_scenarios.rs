//! Hostile and broken scenario files, through the real binary: every one must end with
//! exit code 2 and a diagnostic that names the file and the line (the `╭─[file:line:col]`
//! header miette prints), never with a panic, a hang or a blow-up.
//!
//! The files are in `tests/fixtures/scenarios/invalid/`, one per kind of fault; each says in
//! its header what is wrong and where. Inputs that cannot sensibly be committed (not UTF-8,
//! over 10 MB, deeply nested) are generated into a temporary folder.

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

/// A guard against hangs only (an alias bomb that expands, a parser that loops); a healthy
/// run takes a fraction of a second.
const HANG_GUARD: Duration = Duration::from_secs(30);

fn invalid_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scenarios/invalid")
}

/// What one run printed, both streams, and how it ended.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

fn granska(dir: &Path, args: &[&str]) -> Run {
    let out = Command::cargo_bin("granska")
        .expect("the granska binary is built")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .timeout(HANG_GUARD)
        .output()
        .expect("granska runs");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `granska check FILE` in FILE's folder (so the header shows the bare file name), asserting
/// exit 2 and no panic; returns everything printed.
fn check_invalid_in(dir: &Path, file: &str) -> String {
    let run = granska(dir, &["check", file]);
    let all = run.all();
    assert!(
        !all.contains("panicked"),
        "{file}: granska panicked:\n{all}"
    );
    assert_eq!(
        run.code,
        Some(2),
        "{file}: expected exit 2 (invalid input), got {:?}:\n{all}",
        run.code
    );
    assert!(
        all.contains(file),
        "{file}: the diagnostic does not name the file:\n{all}"
    );
    all
}

fn check_invalid(file: &str) -> String {
    check_invalid_in(&invalid_dir(), file)
}

/// The diagnostic header for `file` at `line` (any column), e.g. `╭─[unknown-key.yaml:17:`.
fn assert_at_line(all: &str, file: &str, line: usize) {
    let want = format!("╭─[{file}:{line}:");
    assert!(
        all.contains(&want),
        "{file}: expected a diagnostic on line {line} (`{want}`), got:\n{all}"
    );
}

/// The diagnostic header for `file` at exactly `line:col`.
fn assert_at(all: &str, file: &str, line: usize, col: usize) {
    let want = format!("╭─[{file}:{line}:{col}]");
    assert!(
        all.contains(&want),
        "{file}: expected a diagnostic at {line}:{col} (`{want}`), got:\n{all}"
    );
}

/// The `file:line:col` headers in the order they were printed.
fn headers(all: &str) -> Vec<String> {
    all.lines()
        .filter_map(|l| {
            l.split_once("╭─[")
                .map(|(_, rest)| rest.trim_end_matches(']').to_string())
        })
        .collect()
}

/// A near-miss key is an error on its own line with a "did you mean" for the real key.
#[test]
fn unknown_key_names_line_and_suggests() {
    let all = check_invalid("unknown-key.yaml");
    assert_at(&all, "unknown-key.yaml", 17, 5);
    assert!(all.contains("unknown key `subcontractor`"), "{all}");
    assert!(all.contains("did you mean `subcontractors`?"), "{all}");
}

/// A value of the wrong type is reported where it is, with the type that was expected.
#[test]
fn wrong_type_names_line_and_expected_type() {
    let all = check_invalid("wrong-type.yaml");
    assert_at_line(&all, "wrong-type.yaml", 16);
    assert_at(&all, "wrong-type.yaml", 18, 22);
    assert!(all.contains("security_sensitive"), "{all}");
    assert!(all.contains("data_subjects"), "{all}");
    assert!(
        all.contains("true or false") && all.contains("a whole number"),
        "{all}"
    );
}

/// The "expected …" wording is plain words, not a debug dump of the validator's type set.
#[test]
fn wrong_type_message_is_readable() {
    let all = check_invalid("wrong-type.yaml");
    assert!(
        !all.contains("multiple(("),
        "the message shows the validator's internal type name instead of e.g. `must be a boolean`:\n{all}"
    );
}

/// A KLASSA level outside 0..4 is a range error on its value, with the allowed range.
#[test]
fn level_out_of_range_names_line_and_range() {
    let all = check_invalid("level-out-of-range.yaml");
    assert_at(&all, "level-out-of-range.yaml", 17, 24);
    assert!(all.contains("outside 0..4"), "{all}");
}

/// An id shared by an asset and a depth-2 subcontractor is reported at the second use, naming the first.
#[test]
fn duplicate_id_across_asset_and_deep_subcontractor_names_both_lines() {
    let all = check_invalid("duplicate-id.yaml");
    assert_at(&all, "duplicate-id.yaml", 25, 17);
    assert!(all.contains("id `register` is used twice"), "{all}");
    assert!(all.contains("first used on line 13"), "{all}");
}

/// Access to an asset id that does not exist is a dangling reference with a suggestion.
#[test]
fn dangling_asset_ref_names_line_and_suggests() {
    let all = check_invalid("dangling-asset-ref.yaml");
    assert_at(&all, "dangling-asset-ref.yaml", 20, 18);
    assert!(all.contains("no asset has the id `registr`"), "{all}");
    assert!(all.contains("did you mean `register`?"), "{all}");
}

/// `UK` (not ISO 3166-1: it is GB) and lower-case `se` are both reported, in one run.
#[test]
fn bad_country_codes_are_all_reported_at_once() {
    let all = check_invalid("bad-country.yaml");
    assert_at(&all, "bad-country.yaml", 20, 35);
    assert_at(&all, "bad-country.yaml", 18, 14);
    assert!(all.contains("the United Kingdom is GB"), "{all}");
}

/// `UK` alone is caught (it has the right shape, so only the country check can catch it).
#[test]
fn uk_is_not_a_country_code_and_gb_is_suggested() {
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(invalid_dir().join("bad-country.yaml"))
        .unwrap()
        .replace("[se]", "[SE]");
    std::fs::write(tmp.path().join("uk.yaml"), text).unwrap();
    let all = check_invalid_in(tmp.path(), "uk.yaml");
    assert_at(&all, "uk.yaml", 18, 14);
    assert!(
        all.contains("`UK` is not an ISO 3166-1 alpha-2 country code"),
        "{all}"
    );
    assert!(all.contains("the United Kingdom is GB"), "{all}");
}

/// A date of the right shape that is no calendar day is an error on its value.
#[test]
fn bad_date_names_line() {
    let all = check_invalid("bad-date.yaml");
    assert_at(&all, "bad-date.yaml", 11, 9);
    assert!(all.contains("`2024-02-30` is not a calendar date"), "{all}");
}

/// An empty name is refused wherever it is, every one at once: findings name parties and
/// assets by it.
#[test]
fn empty_names_are_all_reported() {
    let all = check_invalid("empty-name.yaml");
    assert_at_line(&all, "empty-name.yaml", 14);
    assert_at_line(&all, "empty-name.yaml", 22);
    assert!(all.contains("`assets[0].name` must not be empty"), "{all}");
    assert!(
        all.contains("`suppliers[0].subcontractors[0].name` must not be empty"),
        "{all}"
    );
}

/// Text that must say something (names, a waiver's reason and decider, an assessor) is refused
/// when it is only spaces, as when it is empty: a waiver nobody answers for must not pass.
#[test]
fn blank_names_reasons_and_deciders_are_all_reported() {
    let all = check_invalid("blank-text.yaml");
    for line in [9, 25, 26, 33] {
        assert_at_line(&all, "blank-text.yaml", line);
    }
    for message in [
        "`organisation.name` must not be blank (only spaces)",
        "`waivers[0].reason` must not be blank (only spaces)",
        "`waivers[0].decided_by` must not be empty",
        "`assessments[0].by` must not be blank (only spaces)",
    ] {
        assert!(all.contains(message), "{message}:\n{all}");
    }
    assert!(all.contains("unexplained deviation"), "{all}");
}

/// Two different answers to one legal question are an error at the later one: which counts
/// must not depend on their order. The same answer twice, or another party's, is no conflict.
#[test]
fn conflicting_assessments_of_one_question_are_an_error() {
    let all = check_invalid("conflicting-assessments.yaml");
    assert_at_line(&all, "conflicting-assessments.yaml", 34);
    assert!(
        all.contains("granska::scenario::conflicting-assessment"),
        "{all}"
    );
    assert!(
        all.contains("answered both `not_compliant` and `compliant`"),
        "{all}"
    );
    assert!(all.contains("`not_compliant` on line 28"), "{all}");
    assert_eq!(
        all.matches("granska::scenario::conflicting-assessment")
            .count(),
        1,
        "{all}"
    );
}

/// A key written twice in one mapping is reported at the second, naming the first line.
#[test]
fn duplicate_key_names_both_lines() {
    let all = check_invalid("duplicate-key.yaml");
    assert_at(&all, "duplicate-key.yaml", 8, 3);
    assert!(all.contains("key `name` appears twice"), "{all}");
    assert!(all.contains("already set on line 6"), "{all}");
}

/// A required mapping left empty is reported on its own line, not on the next key.
#[test]
fn empty_value_is_reported_on_its_own_line() {
    let all = check_invalid("empty-value.yaml");
    assert!(all.contains("`organisation` must be a mapping"), "{all}");
    assert_at_line(&all, "empty-value.yaml", 6);
}

/// A scenario without `granska: 1` is refused, pointing at its first line.
#[test]
fn missing_version_names_first_line() {
    let all = check_invalid("missing-version.yaml");
    assert_at_line(&all, "missing-version.yaml", 3);
    assert!(all.contains("needs `granska`"), "{all}");
}

/// The "missing key" diagnostic points at the start of the mapping, not into its first key.
#[test]
fn missing_version_points_at_column_one() {
    let all = check_invalid("missing-version.yaml");
    assert_at(&all, "missing-version.yaml", 3, 1);
}

/// A format version this granska does not read is named as such.
#[test]
fn unsupported_version_names_line() {
    let all = check_invalid("unsupported-version.yaml");
    assert_at(&all, "unsupported-version.yaml", 3, 10);
    assert!(
        all.contains("unsupported scenario format version 2"),
        "{all}"
    );
}

/// A billion-laughs alias bomb is refused at its first anchor, without expanding it.
#[test]
fn alias_bomb_is_refused_at_first_anchor() {
    let all = check_invalid("alias-bomb.yaml");
    assert_at_line(&all, "alias-bomb.yaml", 6);
    assert!(all.contains("anchors and aliases are not allowed"), "{all}");
}

/// An empty file is an error that names the file (there is no line to point at).
#[test]
fn empty_file_is_named() {
    let all = check_invalid("empty.yaml");
    assert!(all.contains("empty.yaml is empty"), "{all}");
}

/// A file of only comments holds no scenario: exit 2, naming the file.
#[test]
fn comment_only_file_is_refused() {
    check_invalid("comment-only.yaml");
}

/// A list at the top level is refused at its first line.
#[test]
fn top_level_list_names_line() {
    let all = check_invalid("top-level-list.yaml");
    assert_at(&all, "top-level-list.yaml", 3, 1);
    assert!(all.contains("the top level must be a mapping"), "{all}");
}

/// A second YAML document (`---`) is refused at its separator.
#[test]
fn multi_document_names_second_separator() {
    let all = check_invalid("multi-document.yaml");
    assert_at(&all, "multi-document.yaml", 12, 1);
    assert!(all.contains("found a second `---`"), "{all}");
}

/// A misspelt enum value is reported on its value with a suggestion.
#[test]
fn bad_enum_value_names_line_and_suggests() {
    let all = check_invalid("bad-enum.yaml");
    assert_at(&all, "bad-enum.yaml", 7, 9);
    assert!(all.contains("did you mean `municipality`?"), "{all}");
}

/// Broken YAML syntax is a located syntax error, not a crash.
#[test]
fn yaml_syntax_error_names_line() {
    let all = check_invalid("yaml-syntax.yaml");
    assert_at_line(&all, "yaml-syntax.yaml", 8);
    assert!(all.contains("YAML syntax error"), "{all}");
}

/// Independent problems in one file are all reported in one run, in file order.
#[test]
fn many_problems_are_all_reported_in_file_order() {
    let all = check_invalid("many-problems.yaml");
    assert_eq!(
        headers(&all),
        vec![
            "many-problems.yaml:8:9",
            "many-problems.yaml:11:10",
            "many-problems.yaml:16:40"
        ],
        "{all}"
    );
    assert!(all.contains("did you mean `planning`?"), "{all}");
}

/// A waiver that names a rule the rulebook does not have is a dangling reference.
#[test]
fn unknown_waiver_rule_names_line() {
    let all = check_invalid("unknown-waiver-rule.yaml");
    assert_at(&all, "unknown-waiver-rule.yaml", 13, 11);
    assert!(
        all.contains("no rule has the id `MSB-NO-SUCH-RULE`"),
        "{all}"
    );
}

/// Bytes that are not UTF-8 are refused with the line and column of the first bad byte.
#[test]
fn not_utf8_names_line_and_column_of_first_bad_byte() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("not-utf8.yaml"),
        b"granska: 1\nid: x\ntitle: caf\xe9 \xff\n",
    )
    .unwrap();
    let all = check_invalid_in(tmp.path(), "not-utf8.yaml");
    assert_at(&all, "not-utf8.yaml", 3, 11);
    assert!(all.contains("not valid UTF-8"), "{all}");
}

/// A valid scenario saved with a UTF-8 byte-order mark (as Notepad does) is judged normally.
#[test]
fn byte_order_mark_is_not_part_of_the_first_key() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend(std::fs::read(root.join("tests/fixtures/scenarios/valid/clean.yaml")).unwrap());
    let file = tmp.path().join("bom.yaml");
    std::fs::write(&file, bytes).unwrap();
    let rules = root.join("tests/fixtures/rules/basic");
    let run = granska(
        tmp.path(),
        &[
            "check",
            "--no-default-rules",
            "--rules",
            rules.to_str().unwrap(),
            "--lang",
            "en",
            "bom.yaml",
        ],
    );
    let all = run.all();
    assert!(!all.contains("panicked"), "{all}");
    assert_eq!(
        run.code,
        Some(0),
        "a scenario with a BOM is refused:\n{all}"
    );
    assert!(all.contains("bom.yaml: CLEAR"), "{all}");
}

/// A file over 10 MB is refused before it is parsed, naming the file and the limit.
#[test]
fn oversized_file_is_refused_before_parsing() {
    let tmp = tempfile::tempdir().unwrap();
    let mut text = String::from("granska: 1\nid: huge\ntitle: x\n");
    let line = format!("# {}\n", "x".repeat(1022));
    while text.len() <= 10 * 1024 * 1024 + 1024 {
        text.push_str(&line);
    }
    std::fs::write(tmp.path().join("huge.yaml"), text).unwrap();
    let all = check_invalid_in(tmp.path(), "huge.yaml");
    assert!(all.contains("are refused"), "{all}");
}

/// Flow nesting (`[[[[…`) far beyond any scenario is refused at the depth limit.
#[test]
fn deep_flow_nesting_is_refused_at_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let text = format!(
        "granska: 1\nid: deep\ntitle: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    std::fs::write(tmp.path().join("deep-flow.yaml"), text).unwrap();
    let all = check_invalid_in(tmp.path(), "deep-flow.yaml");
    assert_at_line(&all, "deep-flow.yaml", 3);
    assert!(all.contains("nesting deeper than"), "{all}");
}

/// Block mappings nested past the depth limit are refused near the line where it is crossed.
#[test]
fn deep_block_mapping_nesting_is_refused_at_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let mut text = String::from("granska: 1\nid: deep\ntitle:\n");
    for level in 1..=200 {
        text.push_str(&format!("{}k:\n", "  ".repeat(level)));
    }
    text.push_str(&format!("{}x\n", "  ".repeat(201)));
    std::fs::write(tmp.path().join("deep-block.yaml"), text).unwrap();
    let all = check_invalid_in(tmp.path(), "deep-block.yaml");
    assert!(all.contains("nesting deeper than"), "{all}");
    let line = headers(&all)
        .first()
        .and_then(|h| h.split(':').nth(1)?.parse::<usize>().ok())
        .unwrap_or(0);
    assert!(
        (60..=72).contains(&line),
        "expected the depth error near line 68, got line {line}:\n{all}"
    );
}

/// Block sequences nested 5,000 deep on one line (`- - - …`) are refused, not a stack overflow.
#[test]
fn deep_block_sequence_nesting_does_not_overflow_the_stack() {
    let tmp = tempfile::tempdir().unwrap();
    let text = format!("granska: 1\nid: deep\ntitle:\n  {}x\n", "- ".repeat(5_000));
    std::fs::write(tmp.path().join("deep-seq.yaml"), text).unwrap();
    let all = check_invalid_in(tmp.path(), "deep-seq.yaml");
    assert_at_line(&all, "deep-seq.yaml", 4);
}

/// Every invalid fixture, including new ones, exits 2 and is `status: invalid` with located problems.
#[test]
fn every_invalid_fixture_exits_2_and_is_invalid_in_json() {
    let mut names: Vec<String> = std::fs::read_dir(invalid_dir())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    assert!(
        names.len() >= 15,
        "expected the invalid fixtures, found {names:?}"
    );
    for name in &names {
        check_invalid(name);
        let run = granska(&invalid_dir(), &["check", "--format", "json", name]);
        assert_eq!(run.code, Some(2), "{name}: {}", run.all());
        let json: Value = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("{name}: JSON does not parse: {e}\n{}", run.stdout));
        let result = &json["results"][0];
        assert_eq!(result["status"], "invalid", "{name}: {result}");
        assert_eq!(result["file"], name.as_str(), "{name}: {result}");
        let problems = result["problems"].as_array().expect("problems");
        assert!(!problems.is_empty(), "{name}: no problems listed");
        for p in problems {
            assert!(
                p["code"]
                    .as_str()
                    .is_some_and(|c| c.starts_with("granska::")),
                "{name}: {p}"
            );
            if let Some(line) = p["line"].as_u64() {
                assert!(
                    line >= 1 && p["column"].as_u64().is_some_and(|c| c >= 1),
                    "{name}: {p}"
                );
                assert_eq!(p["file"], name.as_str(), "{name}: {p}");
            }
        }
        assert_eq!(json["summary"]["invalid"], 1, "{name}: {}", json["summary"]);
    }
}

/// One bad file among good ones: the good ones are still judged, the run exits 2.
#[test]
fn invalid_file_among_valid_ones_exits_2_and_valid_ones_are_still_judged() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = granska(
        root,
        &[
            "check",
            "--no-default-rules",
            "--rules",
            "tests/fixtures/rules/basic",
            "--lang",
            "en",
            "tests/fixtures/scenarios/valid/blocker.yaml",
            "tests/fixtures/scenarios/invalid/bad-date.yaml",
            "tests/fixtures/scenarios/valid/clean.yaml",
        ],
    );
    let all = run.all();
    assert_eq!(run.code, Some(2), "{all}");
    assert!(
        all.contains("tests/fixtures/scenarios/valid/blocker.yaml: BLOCKED"),
        "{all}"
    );
    assert!(
        all.contains("tests/fixtures/scenarios/valid/clean.yaml: CLEAR"),
        "{all}"
    );
    assert!(
        all.contains("╭─[tests/fixtures/scenarios/invalid/bad-date.yaml:11:9]"),
        "{all}"
    );
    assert!(
        all.contains("3 scenarios: 1 BLOCKED, 1 CLEAR, 1 invalid"),
        "{all}"
    );
}

/// Quoted values are text however they look (`'2015'`, `"123"`, `'true'`, `"NO"`), as the help text promises.
#[test]
fn quoted_scalars_stay_text() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = granska(
        root,
        &[
            "check",
            "--no-default-rules",
            "--rules",
            "tests/fixtures/rules/basic",
            "--lang",
            "en",
            "tests/fixtures/scenarios/valid/quoted-scalars.yaml",
        ],
    );
    let all = run.all();
    assert_eq!(
        run.code,
        Some(0),
        "quoted values were read as numbers or booleans:\n{all}"
    );
    assert!(all.contains("quoted-scalars.yaml: CLEAR"), "{all}");
}

/// A path that does not exist is a usage error (exit 2) naming the path.
#[test]
fn missing_scenario_path_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let run = granska(tmp.path(), &["check", "no-such-file.yaml"]);
    assert_eq!(run.code, Some(2), "{}", run.all());
    assert!(
        run.all().contains("no-such-file.yaml does not exist"),
        "{}",
        run.all()
    );
    assert!(!run.all().contains("panicked"));
}

/// What users are told about each invalid fixture (code, place, message, help) is a reviewed snapshot.
#[test]
fn invalid_fixture_diagnostics_snapshot() {
    let mut names: Vec<String> = std::fs::read_dir(invalid_dir())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    let mut all = serde_json::Map::new();
    for name in &names {
        let run = granska(&invalid_dir(), &["check", "--format", "json", name]);
        let json: Value = serde_json::from_str(&run.stdout).unwrap();
        let problems: Vec<Value> = json["results"][0]["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let at = match (p["line"].as_u64(), p["column"].as_u64()) {
                    (Some(l), Some(c)) => format!("{l}:{c}"),
                    _ => "-".into(),
                };
                serde_json::json!({ "at": at, "code": p["code"], "message": p["message"], "help": p["help"] })
            })
            .collect();
        all.insert(name.clone(), Value::Array(problems));
    }
    insta::with_settings!({ snapshot_path => "fixtures/snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_yaml_snapshot!("invalid_fixture_diagnostics", all);
    });
}
