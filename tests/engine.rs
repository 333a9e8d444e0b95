//! The rule engine through the real binary, with small law-free rulebooks from
//! `tests/fixtures/rules/` (used with `--no-default-rules --rules DIR`) and the scenarios in
//! `tests/fixtures/scenarios/valid/`: failing rules make the verdict INCOMPLETE without
//! hiding the other rules' findings, broken rulebooks are located diagnostics, law is dated,
//! and waivers work only on recommendations that are still valid.

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

const HANG_GUARD: Duration = Duration::from_secs(60);

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.all()))
    }
}

/// Run granska in the crate root (so rule and scenario paths print as given).
fn granska(args: &[&str]) -> Run {
    let out = Command::cargo_bin("granska")
        .expect("the granska binary is built")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .args(args)
        .timeout(HANG_GUARD)
        .output()
        .expect("granska runs");
    let run = Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !run.all().contains("panicked"),
        "granska panicked on {args:?}:\n{}",
        run.all()
    );
    run
}

fn rules(dir: &str) -> String {
    format!("tests/fixtures/rules/{dir}")
}

fn scenario(name: &str) -> String {
    format!("tests/fixtures/scenarios/valid/{name}.yaml")
}

/// `check` one fixture scenario against one fixture rulebook, with extra arguments.
fn check(rulebook: &str, name: &str, extra: &[&str]) -> Run {
    let r = rules(rulebook);
    let s = scenario(name);
    let mut args = vec![
        "check",
        "--no-default-rules",
        "--rules",
        &r,
        "--lang",
        "en",
        &s,
    ];
    args.extend_from_slice(extra);
    granska(&args)
}

/// `check --format json` and the one result in it.
fn check_json(rulebook: &str, name: &str, extra: &[&str]) -> (Option<i32>, Value) {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    let run = check(rulebook, name, &args);
    let json = run.json();
    (run.code, json["results"][0].clone())
}

fn rules_fired(result: &Value) -> Vec<String> {
    result["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

fn waiver_statuses(result: &Value) -> Vec<(String, String)> {
    result["waivers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["rule"].as_str().unwrap().to_string(),
                w["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Rules that fail at run time: fail closed, INCOMPLETE, exit 3, the others still report.
// ---------------------------------------------------------------------------------------

/// A rule stuck in `loop {}` makes the verdict INCOMPLETE (exit 3); the other rule still reports.
#[test]
fn endless_loop_makes_verdict_incomplete_and_other_findings_still_reported() {
    let run = check("endless-loop", "major-only", &[]);
    let all = run.all();
    assert_eq!(run.code, Some(3), "{all}");
    assert!(all.contains("INCOMPLETE"), "{all}");
    assert!(all.contains("rule T-LOOP failed to evaluate"), "{all}");
    assert!(
        all.contains("t-loop.rhai:13:"),
        "the error should point into the loop (line 13):\n{all}"
    );
    assert!(
        all.contains("[major] Testkommun has no ISMS."),
        "T-ISMS's finding is missing:\n{all}"
    );

    let (code, result) = check_json("endless-loop", "major-only", &[]);
    assert_eq!(code, Some(3));
    assert_eq!(result["verdict"], "INCOMPLETE");
    assert_eq!(rules_fired(&result), vec!["T-ISMS"]);
    let errors = result["rule_errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{result}");
    assert_eq!(errors[0]["rule"], "T-LOOP");
    assert!(
        errors[0]["file"].as_str().unwrap().ends_with("t-loop.rhai"),
        "{}",
        errors[0]
    );
    assert_eq!(errors[0]["line"], 13, "{}", errors[0]);
}

/// A failed rule never counts as passed, whatever `--fail-on` says: still exit 3.
#[test]
fn incomplete_evaluation_exits_3_even_with_fail_on_never() {
    let run = check("endless-loop", "clean", &["--fail-on", "never"]);
    assert_eq!(run.code, Some(3), "{}", run.all());
}

/// Reading an undefined property (`party.nmae`) fails the rule, naming rule, file, line and `name`.
#[test]
fn undefined_scenario_property_fails_rule_naming_rule_and_line() {
    let run = check("undefined-property", "major-only", &[]);
    let all = run.all();
    assert_eq!(run.code, Some(3), "{all}");
    assert!(all.contains("rule T-TYPO failed to evaluate"), "{all}");
    assert!(all.contains("no property `nmae`"), "{all}");
    assert!(all.contains("did you mean `name`?"), "{all}");
    assert!(
        all.contains("undefined-property/test/t-typo.rhai:12:"),
        "{all}"
    );
    assert!(all.contains("[major] Testkommun has no ISMS."), "{all}");
    let (_, result) = check_json("undefined-property", "major-only", &[]);
    assert_eq!(result["verdict"], "INCOMPLETE");
    assert_eq!(result["rule_errors"][0]["rule"], "T-TYPO");
    assert_eq!(result["rule_errors"][0]["line"], 12);
}

/// A fact whose deriving rule failed cannot be read: its readers fail too (fail closed).
#[test]
fn fact_from_failed_rule_makes_its_readers_fail() {
    let (code, result) = check_json("tainted-fact", "major-only", &[]);
    assert_eq!(code, Some(3), "{result}");
    let errors = result["rule_errors"].as_array().unwrap();
    let reader = errors
        .iter()
        .find(|e| e["rule"] == "T-READER")
        .unwrap_or_else(|| panic!("T-READER did not fail: {result}"));
    assert!(
        reader["message"].as_str().unwrap().contains("unreliable"),
        "{reader}"
    );
    assert_eq!(reader["line"], 13);
    assert!(errors.iter().any(|e| e["rule"] == "T-DERIVER"), "{result}");
    assert_eq!(rules_fired(&result), vec!["T-ISMS"]);
}

/// A slow rule is stopped by the 500 ms wall clock: INCOMPLETE, exit 3, the other rule still reports.
#[test]
fn slow_rule_is_stopped_by_wall_clock_limit() {
    let run = check("slow-rule", "major-only", &[]);
    let all = run.all();
    assert_eq!(run.code, Some(3), "{all}");
    assert!(all.contains("rule T-SLOW failed to evaluate"), "{all}");
    assert!(all.contains("[major] Testkommun has no ISMS."), "{all}");
}

/// The rule author learns that the time limit stopped the rule, not only "Script terminated".
#[test]
fn time_limit_error_names_the_time_limit() {
    let run = check("slow-rule", "major-only", &[]);
    let line = run
        .all()
        .lines()
        .find(|l| l.contains("T-SLOW failed"))
        .unwrap_or_default()
        .to_string();
    assert!(
        line.contains("time limit"),
        "the error does not say a time limit was hit: {line}"
    );
}

/// Recursion, an oversized string and `timestamp()` are each a located rule error, never a crash.
#[test]
fn sandbox_limits_and_missing_clock_fail_closed() {
    let (code, result) = check_json("sandbox", "major-only", &[]);
    assert_eq!(code, Some(3), "{result}");
    assert_eq!(result["verdict"], "INCOMPLETE");
    assert_eq!(rules_fired(&result), vec!["T-ISMS"]);
    let mut errors: Vec<(String, u64)> = result["rule_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["rule"].as_str().unwrap().to_string(),
                e["line"].as_u64().unwrap(),
            )
        })
        .collect();
    errors.sort();
    assert_eq!(
        errors,
        vec![
            ("T-BIG-STRING".to_string(), 13),
            ("T-CLOCK".to_string(), 12),
            ("T-RECURSION".to_string(), 15)
        ],
        "{result}"
    );
    let clock = result["rule_errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["rule"] == "T-CLOCK")
        .unwrap();
    assert!(
        clock["message"].as_str().unwrap().contains("timestamp"),
        "{clock}"
    );
    let big = result["rule_errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["rule"] == "T-BIG-STRING")
        .unwrap();
    assert_eq!(
        big["message"], "Length of string too large (limit 16 MB of text per value)",
        "{big}"
    );
}

/// `eval` is not part of the rule language: a rule that uses it does not compile.
#[test]
fn eval_is_disabled_at_compile_time() {
    let run = check("eval-disabled", "clean", &[]);
    let all = run.all();
    assert_eq!(run.code, Some(2), "{all}");
    assert!(
        all.contains("╭─[tests/fixtures/rules/eval-disabled/test/t-eval.rhai:11:9]"),
        "{all}"
    );
    assert!(all.contains("'eval' is disabled"), "{all}");
}

// ---------------------------------------------------------------------------------------
// Broken rulebooks: exit 2, located in the .rhai file, before any scenario is judged.
// ---------------------------------------------------------------------------------------

/// A Rhai syntax error is a rulebook error (exit 2) at the line and column in the .rhai file.
#[test]
fn rhai_syntax_error_names_rule_file_line_and_column() {
    let run = check("syntax-error", "clean", &[]);
    let all = run.all();
    assert_eq!(run.code, Some(2), "{all}");
    assert!(all.contains("Rhai syntax error"), "{all}");
    assert!(
        all.contains("╭─[tests/fixtures/rules/syntax-error/test/t-broken.rhai:13:18]"),
        "{all}"
    );
}

/// Closures are compiled out: an anonymous function that reads a variable around it does not
/// compile, and the help says what to write instead.
#[test]
fn a_capturing_closure_is_a_syntax_error_with_help() {
    let run = check("closure-capture", "clean", &[]);
    let all = run.all();
    assert_eq!(run.code, Some(2), "{all}");
    assert!(all.contains("Undefined variable: wanted"), "{all}");
    assert!(
        all.contains("╭─[tests/fixtures/rules/closure-capture/test/t-closure.rhai:12:42]"),
        "{all}"
    );
    assert!(all.contains("write a `for` loop instead"), "{all}");
}

/// Bad metadata (unknown key, no citation, 2019-02-29) is reported at each `//!` line in one run.
#[test]
fn bad_metadata_points_at_each_metadata_line() {
    let run = check("bad-metadata", "clean", &[]);
    let all = run.all();
    assert_eq!(run.code, Some(2), "{all}");
    let dir = "tests/fixtures/rules/bad-metadata/test";
    assert!(
        all.contains(&format!("╭─[{dir}/t-unknown-key.rhai:8:5]")),
        "{all}"
    );
    assert!(all.contains("unknown key `citation`"), "{all}");
    assert!(all.contains("did you mean `citations`?"), "{all}");
    assert!(
        all.contains(&format!("╭─[{dir}/t-missing-citation.rhai:8:5]")),
        "{all}"
    );
    assert!(
        all.contains(&format!("╭─[{dir}/t-bad-date.rhai:7:23]")),
        "{all}"
    );
    assert!(all.contains("`2019-02-29` is not a calendar date"), "{all}");
}

/// The label on an unknown metadata key speaks of rule metadata, not of the scenario format.
#[test]
fn bad_metadata_label_does_not_mention_the_scenario_format() {
    let run = check("bad-metadata", "clean", &[]);
    assert!(
        !run.all().contains("not part of the scenario format"),
        "a rule-metadata error is labelled as a scenario-format error:\n{}",
        run.all()
    );
}

/// A needs/derives cycle of three rules is a rulebook error naming all three (and no other).
#[test]
fn dependency_cycle_names_all_three_rules() {
    let run = check("cycle", "clean", &[]);
    let all = run.all();
    assert_eq!(run.code, Some(2), "{all}");
    assert!(all.contains("cycle"), "{all}");
    for id in ["T-CYCLE-ONE", "T-CYCLE-TWO", "T-CYCLE-THREE"] {
        assert!(
            all.contains(id),
            "{id} missing from the cycle report:\n{all}"
        );
    }
    assert!(!all.contains("T-OUTSIDE"), "{all}");
    assert!(all.contains("╭─[tests/fixtures/rules/cycle/test/"), "{all}");
}

/// Two versions of one `requirement:` in force at the same time are a rulebook error.
#[test]
fn overlapping_versions_of_a_requirement_are_refused() {
    let run = check("overlap", "clean", &[]);
    let all = run.all();
    assert_eq!(run.code, Some(2), "{all}");
    assert!(
        all.contains("T-TRANSFER-2010") && all.contains("T-TRANSFER-2020"),
        "{all}"
    );
    assert!(
        all.contains("╭─[tests/fixtures/rules/overlap/test/t-transfer-2020.rhai:7:"),
        "{all}"
    );
}

/// A broken rulebook stops every command that loads it, not only `check`.
#[test]
fn broken_rulebook_stops_rules_list_too() {
    let r = rules("syntax-error");
    let run = granska(&["rules", "list", "--no-default-rules", "--rules", &r]);
    assert_eq!(run.code, Some(2), "{}", run.all());
}

/// Files the rulebook would skip (a rule outside an area folder, a test file beside the rule)
/// are an error that names them: a rule that never runs would pass silently.
#[test]
fn files_a_rulebook_would_skip_are_an_error_not_a_silent_pass() {
    let run = check("misplaced", "clean", &[]);
    let all = run.all();
    assert_eq!(run.code, Some(2), "{all}");
    assert!(all.contains("granska::rules::layout"), "{all}");
    assert!(all.contains("t-stray.rhai"), "{all}");
    assert!(all.contains("test/t-isms.yaml"), "{all}");
    assert!(!all.contains("CLEAR"), "{all}");
}

/// A rule folder without rules, used alone, would judge nothing and say CLEAR.
#[test]
fn a_rulebook_without_rules_is_an_error_not_clear() {
    let run = check("empty", "clean", &[]);
    let all = run.all();
    assert_eq!(run.code, Some(2), "{all}");
    assert!(all.contains("granska::rules::empty"), "{all}");
    assert!(
        all.contains("no rules in tests/fixtures/rules/empty"),
        "{all}"
    );
    assert!(!all.contains("CLEAR"), "{all}");
}

/// A date on which no rule is in force checks nothing: an error (at `decision.date`, or about
/// `--as-of`) that says from when the rulebook applies, not a CLEAR verdict.
#[test]
fn a_date_no_rule_covers_is_an_error_not_clear() {
    let run = check("basic", "clean", &["--as-of", "1999-12-31"]);
    let all = run.all();
    assert_eq!(run.code, Some(2), "{all}");
    assert!(
        all.contains("no rule of the rulebook is in force on 1999-12-31"),
        "{all}"
    );
    assert!(all.contains("came into force on 2000-01-01"), "{all}");
    assert!(!all.contains("CLEAR"), "{all}");
    // The first day of the first rule is covered.
    let (code, first_day) = check_json("basic", "clean", &["--as-of", "2000-01-01"]);
    assert_eq!(
        (code, &first_day["verdict"]),
        (Some(0), &Value::from("CLEAR"))
    );

    // The same date as the scenario's decision date: pointed at in the file, in every format.
    let dir = tempfile::tempdir().expect("a temporary folder");
    let text = std::fs::read_to_string(scenario("clean")).expect("the fixture reads");
    let old = dir.path().join("old.yaml");
    std::fs::write(&old, text.replace("date: 2024-03-01", "date: 1999-12-31"))
        .expect("the copy is written");
    let old = old.to_string_lossy().into_owned();
    let r = rules("basic");
    let args = ["check", "--no-default-rules", "--rules", &r, "--lang", "en"];
    let run = granska(&[&args[..], &[old.as_str()]].concat());
    let all = run.all();
    assert_eq!(run.code, Some(2), "{all}");
    assert!(all.contains("old.yaml:12:9]"), "{all}");
    assert!(all.contains("decision date"), "{all}");
    let run = granska(&[&args[..], &["--format", "json", old.as_str()]].concat());
    let result = &run.json()["results"][0];
    assert_eq!(run.code, Some(2), "{}", run.all());
    assert_eq!(
        result["problems"][0]["code"],
        "granska::rules::no-law-in-force"
    );
    assert_eq!(result["problems"][0]["line"], 12);
    let run = granska(&[&args[..], &["--format", "sarif", old.as_str()]].concat());
    let sarif = run.json();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(
        result["ruleId"], "granska::rules::no-law-in-force",
        "{sarif}"
    );
    let index = result["ruleIndex"]
        .as_u64()
        .expect("a descriptor for the code") as usize;
    let descriptor = &sarif["runs"][0]["tool"]["driver"]["rules"][index];
    assert_eq!(descriptor["id"], "granska::rules::no-law-in-force");
}

/// A rule in force on a day when no rule that derives a fact it needs is: it fails (the
/// verdict is INCOMPLETE), never reads the fact as "established for no one"; `rules lint`
/// names the gap in advance.
#[test]
fn a_needed_fact_no_rule_in_force_derives_fails_closed() {
    let (code, covered) = check_json("underived", "clean", &["--as-of", "2019-12-31"]);
    assert_eq!(code, Some(0), "{covered}");
    assert_eq!(covered["findings"][0]["rule"], "T-READER", "{covered}");
    assert_eq!(covered["rule_errors"], Value::Array(vec![]), "{covered}");

    let run = check(
        "underived",
        "clean",
        &["--as-of", "2020-01-01", "--format", "json"],
    );
    let result = &run.json()["results"][0];
    assert_eq!(run.code, Some(3), "{}", run.all());
    assert_eq!(result["verdict"], "INCOMPLETE");
    let error = &result["rule_errors"][0];
    assert_eq!(error["rule"], "T-READER", "{result}");
    assert_eq!(
        error["message"],
        "it needs `any_assets`, but no rule in force on 2020-01-01 derives it"
    );
    assert_eq!(error["line"], 10, "{result}");

    let r = rules("underived");
    let lint = granska(&["rules", "lint", "--no-default-rules", "--rules", &r]);
    let all = lint.all();
    assert_ne!(lint.code, Some(0), "{all}");
    assert!(all.contains("granska::lint::fact-gap"), "{all}");
    assert!(
        all.contains(
            "T-READER needs `any_assets`, but no rule in force from 2020-01-01 derives it"
        ),
        "{all}"
    );
}

/// A fact derived for a subject that is not one of its kind (an asset's name for its id) fails
/// the rule at the `derive`: every reader would see the real subject as unknown.
#[test]
fn a_fact_about_a_subject_that_does_not_exist_fails_the_rule() {
    let run = check("wrong-subject", "clean", &["--format", "json"]);
    let result = &run.json()["results"][0];
    assert_eq!(run.code, Some(3), "{}", run.all());
    assert_eq!(result["verdict"], "INCOMPLETE");
    let errors = result["rule_errors"].as_array().expect("rule errors");
    assert_eq!(errors.len(), 1, "{result}");
    assert_eq!(errors[0]["rule"], "T-BY-NAME");
    assert_eq!(
        errors[0]["message"],
        "Runtime error: fact `asset_listed` is about assets; `Invånarregister` is not an asset id"
    );
    assert_eq!(errors[0]["line"], 15, "{result}");
    // The scenario fact of the other rule, derived for "", stands.
    let facts = result["facts"].as_array().expect("facts");
    assert!(
        facts
            .iter()
            .any(|f| f["name"] == "whole_scenario" && f["value"] == true),
        "{result}"
    );
}

// ---------------------------------------------------------------------------------------
// Dated law.
// ---------------------------------------------------------------------------------------

/// A rule runs only while in force: the old version on 2019-12-31, the new one from 2020-01-01.
#[test]
fn rule_not_in_force_does_not_run_either_side_of_the_boundary() {
    let (code, before) = check_json("basic", "cloud", &["--as-of", "2019-12-31"]);
    assert_eq!(rules_fired(&before), vec!["T-OLD-LAW"], "{before}");
    assert_eq!(before["verdict"], "CLEAR");
    assert_eq!(before["as_of"], "2019-12-31");
    assert_eq!(before["as_of_source"], "--as-of");
    assert_eq!(code, Some(0));

    let (code, after) = check_json("basic", "cloud", &["--as-of", "2020-01-01"]);
    assert_eq!(rules_fired(&after), vec!["T-NEW-LAW"], "{after}");
    assert_eq!(after["verdict"], "BLOCKED");
    assert_eq!(code, Some(1));

    let (_, default) = check_json("basic", "cloud", &[]);
    assert_eq!(default["as_of"], "2024-03-01");
    assert_eq!(default["as_of_source"], "decision.date");
    assert_eq!(rules_fired(&default), vec!["T-NEW-LAW"]);
}

/// `rules list --as-of` lists only the rules in force on that date.
#[test]
fn rules_list_as_of_lists_only_rules_in_force() {
    let r = rules("basic");
    let old = granska(&[
        "rules",
        "list",
        "--no-default-rules",
        "--rules",
        &r,
        "--as-of",
        "2019-12-31",
    ])
    .stdout;
    let new = granska(&[
        "rules",
        "list",
        "--no-default-rules",
        "--rules",
        &r,
        "--as-of",
        "2020-01-01",
    ])
    .stdout;
    assert!(
        old.contains("T-OLD-LAW") && !old.contains("T-NEW-LAW"),
        "{old}"
    );
    assert!(
        new.contains("T-NEW-LAW") && !new.contains("T-OLD-LAW"),
        "{new}"
    );
}

// ---------------------------------------------------------------------------------------
// Waivers.
// ---------------------------------------------------------------------------------------

/// A valid waiver of a waivable rule sets its finding aside and changes the verdict.
#[test]
fn valid_waiver_of_recommendation_removes_finding_and_changes_verdict() {
    let (code, without) = check_json("basic", "major-only", &[]);
    assert_eq!(without["verdict"], "CONDITIONAL");
    assert_eq!(code, Some(0));
    let (code, _) = check_json("basic", "major-only", &["--fail-on", "major"]);
    assert_eq!(code, Some(1));

    let (code, with) = check_json("basic", "waiver-valid", &["--fail-on", "major"]);
    assert_eq!(with["verdict"], "CLEAR", "{with}");
    assert_eq!(
        code,
        Some(0),
        "a waived major finding must not fail --fail-on major"
    );
    assert_eq!(
        waiver_statuses(&with),
        vec![("T-ISMS".to_string(), "applied".to_string())]
    );
    assert_eq!(with["waivers"][0]["findings_waived"], 1);
    assert_eq!(with["counts"]["major"], 0);
    assert_eq!(with["counts"]["waived"], 1);
    let f = &with["findings"][0];
    assert_eq!(f["rule"], "T-ISMS");
    assert_eq!(f["waived"], true);
}

/// An expired waiver does not apply: the finding stands.
#[test]
fn expired_waiver_leaves_finding_standing() {
    let (_, result) = check_json("basic", "waiver-expired", &[]);
    assert_eq!(result["verdict"], "CONDITIONAL", "{result}");
    assert_eq!(
        waiver_statuses(&result),
        vec![("T-ISMS".to_string(), "rejected_expired".to_string())]
    );
    assert_eq!(result["findings"][0]["waived"], false);
    assert_eq!(result["counts"]["major"], 1);
}

/// A waiver applies from its decision date through its expiry date, judged on the law date.
#[test]
fn waiver_applies_only_between_its_decision_and_expiry() {
    let (_, early) = check_json("basic", "waiver-valid", &["--as-of", "2024-01-14"]);
    assert_eq!(early["verdict"], "CONDITIONAL", "{early}");
    assert_eq!(waiver_statuses(&early)[0].1, "rejected_not_yet_decided");
    let (_, last_day) = check_json("basic", "waiver-valid", &["--as-of", "2025-12-31"]);
    assert_eq!(last_day["verdict"], "CLEAR", "{last_day}");
    let (_, late) = check_json("basic", "waiver-valid", &["--as-of", "2026-01-01"]);
    assert_eq!(late["verdict"], "CONDITIONAL", "{late}");
    assert_eq!(waiver_statuses(&late)[0].1, "rejected_expired");
}

/// A "waiver" of a statutory rule is rejected_statutory and its finding stays.
#[test]
fn waiver_of_statutory_rule_is_rejected_and_finding_stays() {
    let (code, result) = check_json("basic", "waiver-statutory", &[]);
    assert_eq!(result["verdict"], "BLOCKED", "{result}");
    assert_eq!(code, Some(1));
    assert_eq!(
        waiver_statuses(&result),
        vec![(
            "T-FOREIGN-ACCESS".to_string(),
            "rejected_statutory".to_string()
        )]
    );
    assert_eq!(result["waivers"][0]["findings_waived"], 0);
    let f = &result["findings"][0];
    assert_eq!(f["rule"], "T-FOREIGN-ACCESS");
    assert_eq!(f["waived"], false);
    let human = check("basic", "waiver-statutory", &[]).all();
    assert!(
        human.contains("waiver has no effect: a statute cannot be waived"),
        "{human}"
    );
}

// ---------------------------------------------------------------------------------------
// Findings, facts and local rule folders.
// ---------------------------------------------------------------------------------------

/// A finding carries citation, facts and the exact line of the element it concerns.
#[test]
fn finding_points_at_the_line_of_the_element_it_concerns() {
    let (_, result) = check_json("basic", "blocker", &[]);
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(scenario("blocker")))
            .unwrap();
    let want_line = text
        .lines()
        .position(|l| l.contains("level: admin, from: [RS]"))
        .unwrap()
        + 1;
    let f = result["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "T-FOREIGN-ACCESS")
        .unwrap()
        .clone();
    assert_eq!(f["path"], "suppliers[0].subcontractors[0].access[0]");
    assert_eq!(f["line"], want_line, "{f}");
    assert_eq!(f["severity"], "blocker");
    assert_eq!(f["because"], serde_json::json!(["holds_personal_data"]));
    assert_eq!(f["citations"][0]["act"], "TEST 1");
    assert_eq!(f["citations"][0]["ref"], "2 §");
    assert_eq!(f["subject"], "register");
    assert_eq!(
        f["message"]["en"],
        "sup › sub-rs accesses register from RS."
    );
    let facts = result["facts"].as_array().unwrap();
    assert!(
        facts.iter().any(|v| v["name"] == "holds_personal_data"
            && v["subject"] == "register"
            && v["value"] == true
            && v["derived_by"] == "T-PERSONAL-DATA"),
        "{facts:?}"
    );
    // Severity order: blocker, major, minor.
    assert_eq!(
        rules_fired(&result),
        vec!["T-FOREIGN-ACCESS", "T-ISMS", "T-GOVERNANCE"]
    );
}

/// A `--rules` rule overrides the built-in rule with the same id, and the receipt lists it.
#[test]
fn local_rule_overrides_builtin_rule_with_same_id() {
    let base = [
        "check",
        "scenarios/transportstyrelsen-2015.yaml",
        "--as-of",
        "2026-11-28",
        "--format",
        "json",
    ];
    let builtin = granska(&base).json();
    assert!(rules_fired(&builtin["results"][0]).contains(&"MSB-ISMS".to_string()));
    let r = rules("override");
    let mut args = base.to_vec();
    args.extend(["--rules", &r]);
    let local = granska(&args).json();
    let result = &local["results"][0];
    assert!(
        !rules_fired(result).contains(&"MSB-ISMS".to_string()),
        "the local MSB-ISMS should replace the built-in one"
    );
    let files: Vec<&str> = result["receipt"]["rule_files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert!(
        files.contains(&"tests/fixtures/rules/override/msb/msb-isms.rhai"),
        "{files:?}"
    );
}

/// `rules test` on a fixture rulebook passes when its cases hold, with full coverage.
#[test]
fn rules_test_on_fixture_rulebook_passes() {
    let r = rules("basic");
    let run = granska(&["rules", "test", "--no-default-rules", "--rules", &r]);
    assert_eq!(run.code, Some(0), "{}", run.all());
    assert!(
        run.stdout.contains("coverage: 6 rules, 6 fully covered"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.lines().any(|l| l == "7 passed, 0 failed"),
        "{}",
        run.stdout
    );
}

/// A rule test that does not hold fails the run (exit 1) and shows expected vs actual.
#[test]
fn rules_test_failure_shows_expected_and_actual() {
    let r = rules("failing-test");
    let run = granska(&["rules", "test", "--no-default-rules", "--rules", &r]);
    let out = run.all();
    assert_eq!(run.code, Some(1), "{out}");
    assert!(out.contains("FAIL  "), "{out}");
    assert!(
        out.contains("expected T-ISMS not to fire; actual: T-ISMS major at organisation.isms"),
        "{out}"
    );
    assert!(
        out.contains("expected T-ISMS to fire; it did not fire (it ran and passed)"),
        "{out}"
    );
    assert!(out.contains("expected verdict BLOCKED, got CLEAR"), "{out}");
    assert!(out.lines().any(|l| l == "0 passed, 2 failed"), "{out}");
}
