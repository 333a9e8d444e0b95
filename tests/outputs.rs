//! The machine formats of `check`, each read back by a real consumer (issue 5): SARIF by the
//! SARIF 2.1.0 JSON Schema and by Microsoft's SARIF Multitool, JUnit XML by Python's
//! junitparser, GitHub annotations by their documented syntax at the real YAML line, and
//! `check --base` in a real git repository. Expectations are derived from the JSON model,
//! never from the format under test.
//!
//! A test that needs an external consumer prints a skip notice when it is missing, and
//! fails instead when GRANSKA_CONSUMERS is set (CI sets it after
//! `.ci/setup.d/sarif-junit-precommit.sh` installed them).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command as StdCommand;
use std::time::Duration;

use assert_cmd::Command;
use regex::Regex;
use serde_json::Value;

const HANG_GUARD: Duration = Duration::from_secs(300);
const TS: &str = "scenarios/transportstyrelsen-2015.yaml";
const INVALID: &str = "tests/fixtures/scenarios/invalid/unknown-key.yaml";

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.all()))
    }
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn granska_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::cargo_bin("granska")
        .expect("the granska binary is built")
        .current_dir(dir)
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

fn granska(args: &[&str]) -> Run {
    granska_in(root(), args)
}

/// Whether a consumer is there; if not: fail under GRANSKA_CONSUMERS, else say it is skipped.
fn consumer(name: &str, available: bool) -> bool {
    if available {
        return true;
    }
    if std::env::var_os("GRANSKA_CONSUMERS").is_some() {
        panic!(
            "{name} is needed (GRANSKA_CONSUMERS is set) but missing: run `bash .ci/setup.d/sarif-junit-precommit.sh`"
        );
    }
    eprintln!(
        "SKIP: {name} is not installed; `bash .ci/setup.d/sarif-junit-precommit.sh` installs it (GRANSKA_CONSUMERS=1 makes this a failure)"
    );
    false
}

fn runs_ok(program: &str, args: &[&str]) -> bool {
    StdCommand::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

fn python() -> Option<&'static str> {
    ["python3", "python"]
        .into_iter()
        .find(|p| runs_ok(p, &["-c", "import junitparser"]))
}

/// The standing findings of one JSON result.
fn standing(result: &Value) -> Vec<&Value> {
    result["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["waived"] == false)
        .collect()
}

fn evaluated_results(json: &Value) -> Vec<&Value> {
    json["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "evaluated")
        .collect()
}

// ---------------------------------------------------------------------------------------
// SARIF

/// The SARIF of the shipped scenarios plus one invalid file, and the JSON of the same run.
fn sarif_and_json(extra: &[&str]) -> (Value, Value, Run) {
    let mut args = vec![
        "check",
        "scenarios/",
        INVALID,
        "--lang",
        "en",
        "--format",
        "sarif",
    ];
    args.extend_from_slice(extra);
    let run = granska(&args);
    assert_eq!(
        run.code,
        Some(2),
        "an invalid file makes the exit code 2:\n{}",
        run.stderr
    );
    let sarif = run.json();
    args[6] = "json";
    let json = granska(&args).json();
    (sarif, json, run)
}

fn schema_errors(sarif: &Value) -> Vec<String> {
    let text = std::fs::read_to_string(root().join("tests/fixtures/sarif-2.1.0.json"))
        .expect("the vendored SARIF schema");
    let schema: Value = serde_json::from_str(&text).expect("the SARIF schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    validator
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// SARIF output is valid against the official SARIF 2.1.0 JSON Schema (vendored from the
/// npm package `@microsoft/sarif-multitool-linux`), for findings, waivers and invalid files.
#[test]
fn sarif_is_valid_against_the_sarif_2_1_0_schema() {
    let (sarif, _, _) = sarif_and_json(&[]);
    let errors = schema_errors(&sarif);
    assert!(
        errors.is_empty(),
        "SARIF schema violations:\n{}",
        errors.join("\n")
    );

    let run = granska(&[
        "check",
        "--no-default-rules",
        "--rules",
        "tests/fixtures/rules/basic",
        "--format",
        "sarif",
        "tests/fixtures/scenarios/valid/",
    ]);
    let errors = schema_errors(&run.json());
    assert!(
        errors.is_empty(),
        "SARIF schema violations (fixture rulebook):\n{}",
        errors.join("\n")
    );

    // Every kind of invalid file: valid SARIF, and each problem code is a described rule
    // (a new problem code must be added to the table in src/report/sarif.rs).
    let run = granska(&[
        "check",
        "tests/fixtures/scenarios/invalid/",
        "--format",
        "sarif",
    ]);
    let invalid = run.json();
    let errors = schema_errors(&invalid);
    assert!(
        errors.is_empty(),
        "SARIF schema violations (invalid files):\n{}",
        errors.join("\n")
    );
    let results = invalid["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        assert!(
            r["ruleIndex"].is_u64(),
            "problem code without a rule descriptor: {}",
            r["ruleId"]
        );
    }

    // A schema that accepts everything would prove nothing: a broken log must fail.
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(
        !schema_errors(&broken).is_empty(),
        "the schema check must reject level `fatal`"
    );
}

/// Every finding of the JSON model is a SARIF result with its rule, level, line and column;
/// every rule of the rulebook is described; invalid files and their problems are results too.
#[test]
fn sarif_results_match_the_json_model() {
    let (sarif, json, _) = sarif_and_json(&[]);
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(
        sarif["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let runs = sarif["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1, "one run");
    let run = &runs[0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "granska");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        driver["informationUri"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    let rules = driver["rules"].as_array().unwrap();
    let listed = granska(&["rules", "list"]);
    let ids: BTreeSet<String> = listed
        .stdout
        .lines()
        .filter(|l| !l.starts_with(char::is_whitespace) && !l.is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect();
    let described: BTreeSet<String> = rules
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    for id in &ids {
        assert!(
            described.contains(id),
            "rule {id} (from `rules list`) is not in tool.driver.rules"
        );
        let r = rules.iter().find(|r| r["id"] == id.as_str()).unwrap();
        for key in [
            "name",
            "shortDescription",
            "fullDescription",
            "help",
            "defaultConfiguration",
            "properties",
        ] {
            assert!(!r[key].is_null(), "rule {id} has no {key}");
        }
        assert!(
            !r["properties"]["citations"].as_array().unwrap().is_empty(),
            "rule {id}: no citations"
        );
        assert!(
            r["help"]["markdown"].as_str().unwrap().contains("**Law**"),
            "rule {id}: help has no law"
        );
    }

    let results = run["results"].as_array().unwrap();
    for r in results {
        let i = r["ruleIndex"]
            .as_u64()
            .unwrap_or_else(|| panic!("no ruleIndex: {r}")) as usize;
        assert_eq!(
            rules[i]["id"], r["ruleId"],
            "ruleIndex points at another rule: {r}"
        );
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(
            !uri.starts_with('/') && !uri.contains('\\') && !uri.starts_with("./"),
            "uri must be relative with /: {uri}"
        );
    }
    let mut expected = 0;
    for result in evaluated_results(&json) {
        let file = result["file"].as_str().unwrap();
        let mut fingerprints = BTreeSet::new();
        for f in result["findings"].as_array().unwrap() {
            expected += 1;
            let level = match f["severity"].as_str().unwrap() {
                "blocker" | "major" => "error",
                "minor" => "warning",
                _ => "note",
            };
            let found = results.iter().find(|r| {
                let region = &r["locations"][0]["physicalLocation"]["region"];
                r["ruleId"] == f["rule"]
                    && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == file
                    && region["startLine"] == f["line"]
                    && region["startColumn"] == f["column"]
                    && r["properties"]["path"] == f["path"]
                    && r["message"]["text"]
                        .as_str()
                        .unwrap()
                        .starts_with(f["message"]["en"].as_str().unwrap())
            });
            let r = found.unwrap_or_else(|| panic!("no SARIF result for finding {f} in {file}"));
            assert_eq!(r["level"], level, "{f}");
            assert_eq!(r["properties"]["verdict"], result["verdict"]);
            assert_eq!(
                r["suppressions"].is_array(),
                f["waived"] == true,
                "suppressions exactly for waived findings: {r}"
            );
            let fp = r["partialFingerprints"]["granska/v1"]
                .as_str()
                .unwrap()
                .to_string();
            assert!(
                fingerprints.insert(fp),
                "two findings share a fingerprint in {file}: {r}"
            );
        }
    }
    let problems: Vec<&Value> = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "invalid")
        .flat_map(|r| r["problems"].as_array().unwrap())
        .collect();
    assert!(!problems.is_empty());
    for p in &problems {
        let r = results
            .iter()
            .find(|r| {
                r["ruleId"] == p["code"]
                    && r["message"]["text"]
                        .as_str()
                        .unwrap()
                        .starts_with(p["message"].as_str().unwrap())
            })
            .unwrap_or_else(|| panic!("no SARIF result for problem {p}"));
        assert_eq!(r["level"], "error");
        assert_eq!(
            r["locations"][0]["physicalLocation"]["region"]["startLine"], p["line"],
            "{r}"
        );
        assert_eq!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            INVALID
        );
    }
    assert_eq!(
        results.len(),
        expected + problems.len(),
        "exactly one result per finding and problem"
    );

    assert_eq!(
        run["invocations"][0]["executionSuccessful"], false,
        "an invalid file is not a successful run"
    );
    let verdicts: Vec<(String, String)> = run["properties"]["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["file"].as_str().unwrap().to_string(),
                s["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let from_json: Vec<(String, String)> = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["file"].as_str().unwrap().to_string(),
                r["verdict"].as_str().unwrap_or("INVALID").to_string(),
            )
        })
        .collect();
    assert_eq!(
        verdicts, from_json,
        "verdict per scenario in run.properties"
    );
}

/// A waiver of a recommendation is a SARIF suppression with its reason; a rule that fails to
/// evaluate is a `granska::rule-error` result and the run is not successful.
#[test]
fn sarif_suppressions_and_rule_errors() {
    let run = granska(&[
        "check",
        "--no-default-rules",
        "--rules",
        "tests/fixtures/rules/basic",
        "--format",
        "sarif",
        "tests/fixtures/scenarios/valid/waiver-valid.yaml",
    ]);
    let sarif = run.json();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let waived: Vec<&Value> = results.iter().filter(|r| r["ruleId"] == "T-ISMS").collect();
    assert!(!waived.is_empty(), "T-ISMS fires in waiver-valid: {sarif}");
    for r in waived {
        let s = &r["suppressions"][0];
        assert_eq!(s["kind"], "inSource", "{r}");
        assert!(
            s["justification"]
                .as_str()
                .unwrap()
                .contains("LIS införs under 2025"),
            "{r}"
        );
    }
    assert_eq!(
        sarif["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );

    let run = granska(&[
        "check",
        "--no-default-rules",
        "--rules",
        "tests/fixtures/rules/endless-loop",
        "--format",
        "sarif",
        "tests/fixtures/scenarios/valid/major-only.yaml",
    ]);
    assert_eq!(run.code, Some(3), "{}", run.all());
    let sarif = run.json();
    let errors = schema_errors(&sarif);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let err = results
        .iter()
        .find(|r| r["ruleId"] == "granska::rule-error")
        .unwrap_or_else(|| panic!("no rule-error result: {sarif}"));
    assert_eq!(err["properties"]["rule"], "T-LOOP");
    assert_eq!(err["level"], "error");
    assert_eq!(
        sarif["runs"][0]["invocations"][0]["executionSuccessful"],
        false
    );
    assert_eq!(
        sarif["runs"][0]["properties"]["scenarios"][0]["verdict"],
        "INCOMPLETE"
    );
}

fn sarif_multitool() -> Option<Vec<String>> {
    if runs_ok("sarif-multitool", &["--version"]) {
        return Some(vec!["sarif-multitool".into()]);
    }
    if runs_ok(
        "npx",
        &["--no-install", "@microsoft/sarif-multitool", "--version"],
    ) {
        return Some(vec![
            "npx".into(),
            "--no-install".into(),
            "@microsoft/sarif-multitool".into(),
        ]);
    }
    None
}

/// Microsoft's SARIF Multitool validates the log with its SARIF rules and with GitHub's
/// ingestion rules (`--rule-kind Gh`): no error and no warning (notes are suggestions).
/// The default `--level` reports errors and warnings. The npm launcher runs the tool through
/// a shell, so no argument holds a `;` (hence one run per rule kind).
#[test]
fn sarif_passes_microsoft_sarif_multitool() {
    let tool = sarif_multitool();
    if !consumer("@microsoft/sarif-multitool (npm)", tool.is_some()) {
        return;
    }
    let tool = tool.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, Vec<&str>); 4] = [
        (
            "invalid",
            vec![
                "check",
                "tests/fixtures/scenarios/invalid/",
                "--format",
                "sarif",
            ],
        ),
        (
            "shipped",
            vec!["check", "scenarios/", INVALID, "--format", "sarif"],
        ),
        (
            "fixtures",
            vec![
                "check",
                "--no-default-rules",
                "--rules",
                "tests/fixtures/rules/basic",
                "--format",
                "sarif",
                "tests/fixtures/scenarios/valid/",
            ],
        ),
        (
            "rule-error",
            vec![
                "check",
                "--no-default-rules",
                "--rules",
                "tests/fixtures/rules/endless-loop",
                "--format",
                "sarif",
                "--lang",
                "en",
                "tests/fixtures/scenarios/valid/major-only.yaml",
            ],
        ),
    ];
    for (name, args) in cases {
        let log = dir.path().join(format!("{name}.sarif"));
        std::fs::write(&log, granska(&args).stdout).unwrap();
        for kind in ["Sarif", "Gh"] {
            let report = dir.path().join(format!("{name}.{kind}.validation.sarif"));
            let out = StdCommand::new(&tool[0])
                .args(&tool[1..])
                .args([
                    "validate",
                    "--rule-kind",
                    kind,
                    "--log",
                    "ForceOverwrite",
                    "--output",
                ])
                .arg(&report)
                .arg(&log)
                .current_dir(dir.path())
                .output()
                .expect("the SARIF Multitool runs");
            let said = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(
                out.status.success(),
                "sarif-multitool validate ({kind}) failed on {name}:\n{said}"
            );
            let text = std::fs::read_to_string(&report)
                .unwrap_or_else(|e| panic!("no validation report ({e}):\n{said}"));
            let validation: Value =
                serde_json::from_str(&text).expect("the validation report is SARIF");
            let vrun = &validation["runs"][0];
            let failed: Vec<String> = [
                "toolExecutionNotifications",
                "toolConfigurationNotifications",
            ]
            .iter()
            .flat_map(|k| {
                vrun["invocations"][0][k]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .filter(|n| n["level"] == "error")
            .map(|n| n["message"]["text"].to_string())
            .collect();
            assert!(
                failed.is_empty(),
                "the Multitool could not validate {name}: {failed:?}\n{said}"
            );
            assert_eq!(
                vrun["invocations"][0]["executionSuccessful"], true,
                "{said}"
            );
            let bad: Vec<String> = vrun["results"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|r| !matches!(r["level"].as_str(), Some("note" | "none")))
                .map(|r| format!("{} {}: {}", r["ruleId"], r["level"], r["message"]))
                .collect();
            assert!(
                bad.is_empty(),
                "SARIF Multitool ({kind}) errors/warnings on {name}:\n{}\n{said}",
                bad.join("\n")
            );
            assert!(
                !said.contains(": error ") && !said.contains(": warning "),
                "{said}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// JUnit

const READ_JUNIT: &str = r#"
import json, sys
from junitparser import JUnitXml

xml = JUnitXml.fromfile(sys.argv[1])
suites = []
for suite in xml:
    declared = [suite.tests, suite.failures, suite.errors, suite.skipped]
    cases = []
    for case in suite:
        cases.append({
            "classname": case.classname,
            "name": case.name,
            "results": [{"kind": type(r).__name__.lower(), "message": r.message, "type": r.type, "text": r.text} for r in case.result],
            "system_out": case.system_out,
        })
    suite.update_statistics()
    suites.append({
        "name": suite.name,
        "declared": declared,
        "counted": [suite.tests, suite.failures, suite.errors, suite.skipped],
        "properties": {p.name: p.value for p in suite.properties()},
        "cases": cases,
    })
print(json.dumps(suites))
"#;

fn read_junit(py: &str, xml: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("granska.xml");
    std::fs::write(&file, xml).unwrap();
    let script = dir.path().join("read_junit.py");
    std::fs::write(&script, READ_JUNIT).unwrap();
    let out = StdCommand::new(py)
        .arg(&script)
        .arg(&file)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "junitparser could not read the XML:\n{}\n{xml}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the script prints JSON")
}

/// junitparser reads the JUnit XML: a suite per scenario, a case per rule; standing blocker
/// and major findings fail, rule errors are errors, rules not in force are skipped, the
/// counts in the attributes are the counts of the cases; an invalid file is an error.
#[test]
fn junit_is_read_by_junitparser() {
    let py = python();
    if !consumer("junitparser (PyPI)", py.is_some()) {
        return;
    }
    let py = py.unwrap();
    let args = [
        "check",
        "scenarios/",
        INVALID,
        "--lang",
        "en",
        "--format",
        "junit",
    ];
    let run = granska(&args);
    assert_eq!(run.code, Some(2));
    let suites = read_junit(py, &run.stdout);
    let json = granska(&[
        "check",
        "scenarios/",
        INVALID,
        "--lang",
        "en",
        "--format",
        "json",
    ])
    .json();
    let results = json["results"].as_array().unwrap();
    let suites = suites.as_array().unwrap();
    assert_eq!(suites.len(), results.len(), "one testsuite per file");
    let rule_count = granska(&["rules", "list"])
        .stdout
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with(char::is_whitespace))
        .count();
    for (suite, result) in suites.iter().zip(results) {
        assert_eq!(suite["name"], result["file"]);
        assert_eq!(
            suite["declared"], suite["counted"],
            "attributes disagree with the cases in {}",
            suite["name"]
        );
        let cases = suite["cases"].as_array().unwrap();
        if result["status"] == "invalid" {
            assert_eq!(suite["properties"]["verdict"], "INVALID");
            assert_eq!(cases.len(), 1);
            let r = &cases[0]["results"][0];
            assert_eq!(r["kind"], "error");
            assert_eq!(r["type"], result["problems"][0]["code"]);
            assert!(
                r["text"]
                    .as_str()
                    .unwrap()
                    .contains(result["problems"][0]["message"].as_str().unwrap())
            );
            continue;
        }
        assert_eq!(suite["properties"]["verdict"], result["verdict"]);
        assert_eq!(
            cases.len(),
            rule_count,
            "one testcase per rule in {}",
            suite["name"]
        );
        let kinds = |kind: &str| -> BTreeSet<String> {
            cases
                .iter()
                .filter(|c| {
                    c["results"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|r| r["kind"] == kind)
                })
                .map(|c| c["name"].as_str().unwrap().to_string())
                .collect()
        };
        let failing: BTreeSet<String> = standing(result)
            .into_iter()
            .filter(|f| f["severity"] == "blocker" || f["severity"] == "major")
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(kinds("failure"), failing, "failures in {}", suite["name"]);
        let errored: BTreeSet<String> = result["rule_errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["rule"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(kinds("error"), errored);
        let as_of = result["as_of"].as_str().unwrap();
        let in_force: BTreeSet<String> = granska(&["rules", "list", "--as-of", as_of])
            .stdout
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with(char::is_whitespace))
            .filter_map(|l| l.split_whitespace().next())
            .map(str::to_string)
            .collect();
        for skipped in kinds("skipped") {
            assert!(
                !in_force.contains(&skipped),
                "{skipped} is skipped but in force on {as_of}"
            );
        }
        assert_eq!(
            kinds("skipped").len() + in_force.len(),
            rule_count,
            "skipped = not in force on {as_of}"
        );
        for f in result["findings"].as_array().unwrap() {
            let case = cases.iter().find(|c| c["name"] == f["rule"]).unwrap();
            let text = format!("{}{}", case["results"], case["system_out"]);
            assert!(
                text.contains(&format!(
                    "{}:{}:{}",
                    result["file"].as_str().unwrap(),
                    f["line"],
                    f["column"]
                )),
                "file:line of {f} missing in {case}"
            );
        }
    }
}

/// Markup in scenario text (`<`, `&`, quotes) survives the XML: junitparser reads back the
/// exact message.
#[test]
fn junit_escapes_markup_in_messages() {
    let py = python();
    if !consumer("junitparser (PyPI)", py.is_some()) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join(TS)).unwrap();
    let odd = r#"Vägtrafikregistret <fordon & "körkort"> 'x'"#;
    let yaml = text.replace(
        "name: Vägtrafikregistret (fordons- och körkortsregistret)",
        &format!("name: '{}'", odd.replace('\'', "''")),
    );
    assert_ne!(yaml, text, "the asset name to replace is in {TS}");
    let file = dir.path().join("odd.yaml");
    std::fs::write(&file, yaml).unwrap();
    let file = file.display().to_string();
    let run = granska(&["check", &file, "--lang", "en", "--format", "junit"]);
    let suites = read_junit(py.unwrap(), &run.stdout);
    let all = suites.to_string();
    let json = granska(&["check", &file, "--lang", "en", "--format", "json"]).json();
    let with_odd: Vec<&Value> = json["results"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["message"]["en"].as_str().unwrap().contains(odd))
        .collect();
    assert!(!with_odd.is_empty(), "some finding names the asset");
    let odd_json = serde_json::to_string(odd).unwrap();
    assert!(
        all.contains(odd_json.trim_matches('"')),
        "junitparser does not read back {odd}:\n{all}"
    );
}

// ---------------------------------------------------------------------------------------
// GitHub annotations

fn unescape(s: &str) -> String {
    s.replace("%0A", "\n")
        .replace("%0D", "\r")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

/// Every line is a workflow command GitHub understands; every standing finding is one
/// annotation at its line and column, whose column points at a YAML token on that line and,
/// for a finding about a key, at a line holding that key; one verdict notice per scenario.
#[test]
fn github_annotations_are_well_formed_at_the_real_line() {
    let run = granska(&[
        "check",
        "scenarios/",
        INVALID,
        "--lang",
        "en",
        "--format",
        "github",
    ]);
    assert_eq!(run.code, Some(2));
    let json = granska(&[
        "check",
        "scenarios/",
        INVALID,
        "--lang",
        "en",
        "--format",
        "json",
    ])
    .json();
    let re = Regex::new(r"^::(error|warning|notice) file=([^,:%\n]+),line=([1-9][0-9]*),col=([1-9][0-9]*),title=([^,:\n]+)::([^\r\n]+)$").unwrap();
    let mut annotations: Vec<(String, String, usize, usize, String, String)> = Vec::new();
    for line in run.stdout.lines() {
        let c = re
            .captures(line)
            .unwrap_or_else(|| panic!("not a GitHub workflow command: {line:?}"));
        annotations.push((
            c[1].into(),
            c[2].into(),
            c[3].parse().unwrap(),
            c[4].parse().unwrap(),
            unescape(&c[5]),
            unescape(&c[6]),
        ));
    }
    let mut texts: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for result in evaluated_results(&json) {
        let file = result["file"].as_str().unwrap();
        let lines = texts.entry(file.into()).or_insert_with(|| {
            std::fs::read_to_string(root().join(file))
                .unwrap()
                .lines()
                .map(String::from)
                .collect()
        });
        for f in standing(result) {
            let command = match f["severity"].as_str().unwrap() {
                "blocker" | "major" => "error",
                "minor" => "warning",
                _ => "notice",
            };
            let (line, col) = (
                f["line"].as_u64().unwrap() as usize,
                f["column"].as_u64().unwrap() as usize,
            );
            let found = annotations.iter().any(|a| {
                a.0 == command
                    && a.1 == file
                    && a.2 == line
                    && a.3 == col
                    && a.4 == f["rule"].as_str().unwrap()
                    && a.5.contains(f["message"]["en"].as_str().unwrap())
            });
            assert!(found, "no annotation for {f}");
            let text = &lines[line - 1];
            let at = text.chars().nth(col - 1).unwrap_or_else(|| {
                panic!("column {col} is past the end of {file}:{line}: {text:?}")
            });
            assert!(
                !at.is_whitespace(),
                "{file}:{line}:{col} points at whitespace: {text:?}"
            );
            let path = f["path"].as_str().unwrap();
            let last = path.rsplit('.').next().unwrap();
            if !last.is_empty() && !last.ends_with(']') {
                assert!(
                    text.contains(&format!("{last}:")),
                    "{file}:{line} does not hold `{last}:` of {path}: {text:?}"
                );
            }
        }
        let notice = annotations
            .iter()
            .filter(|a| {
                a.0 == "notice"
                    && a.1 == file
                    && a.4 == format!("granska: {}", result["verdict"].as_str().unwrap())
            })
            .count();
        assert_eq!(notice, 1, "one verdict notice for {file}");
    }
    let problems = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "invalid")
        .flat_map(|r| r["problems"].as_array().unwrap());
    for p in problems {
        assert!(
            annotations.iter().any(|a| a.0 == "error"
                && a.1 == INVALID
                && Some(a.2 as u64) == p["line"].as_u64()
                && a.4 == p["code"].as_str().unwrap()),
            "no annotation for problem {p}"
        );
    }
    // The statutory "waiver" finding sits on the waiver's own `rule:` line.
    let waiver = annotations
        .iter()
        .find(|a| a.4 == "GEN-STATUTORY-WAIVER" && a.1 == TS)
        .expect("GEN-STATUTORY-WAIVER fires on the Transportstyrelsen case");
    let line = &texts[TS][waiver.2 - 1];
    assert!(line.contains("rule: "), "{line}");
}

// ---------------------------------------------------------------------------------------
// check --base

fn git(dir: &Path, args: &[&str]) {
    let out = StdCommand::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=granska-test",
            "-c",
            "user.email=test@example.invalid",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn copy(name: &str, to: &Path) {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::copy(root().join("scenarios").join(name), to).unwrap();
}

fn keys(result: &Value) -> BTreeSet<(String, String, String)> {
    standing(result)
        .into_iter()
        .map(|f| {
            (
                f["rule"].to_string(),
                f["path"].to_string(),
                f["message"].to_string(),
            )
        })
        .collect()
}

/// A repository with scenarios committed, then changed, added, deleted and left alone.
fn base_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    let s = d.join("scenarios");
    copy("clear-e-tjanst.yaml", &s.join("a.yaml")); // → BLOCKED content
    copy("conditional-kommun-e-arkiv.yaml", &s.join("b.yaml")); // → CLEAR content
    copy("conditional-kommun-e-arkiv.yaml", &s.join("c.yaml")); // unchanged
    copy("conditional-kommun-e-arkiv.yaml", &s.join("e.yaml")); // deleted
    copy("kommun-safe-harbor-2015.yaml", &s.join("f.yaml")); // title only
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "base"]);
    copy("region-journal-hosting.yaml", &s.join("a.yaml"));
    copy("clear-e-tjanst.yaml", &s.join("b.yaml"));
    copy("skolplattform-us-moln.yaml", &s.join("d.yaml")); // new, untracked
    std::fs::remove_file(s.join("e.yaml")).unwrap();
    let f = std::fs::read_to_string(s.join("f.yaml")).unwrap();
    let title = f
        .lines()
        .find(|l| l.starts_with("title:"))
        .expect("a title line")
        .to_string();
    std::fs::write(s.join("f.yaml"), f.replace(&title, "title: Ny rubrik")).unwrap();
    dir
}

fn git_available() -> bool {
    consumer("git", runs_ok("git", &["--version"]))
}

/// `check --base` reports new and resolved findings and verdict changes for changed, added
/// and deleted files, leaves unchanged files out, and exits by the new state.
#[test]
fn check_base_reports_new_and_resolved_findings() {
    if !git_available() {
        return;
    }
    let repo = base_repo();
    let d = repo.path();
    let run = granska_in(
        d,
        &[
            "check", "--base", "HEAD", "--format", "json", "--lang", "en",
        ],
    );
    assert_eq!(
        run.code,
        Some(1),
        "a BLOCKED scenario now: exit 1\n{}",
        run.all()
    );
    let doc = run.json();
    assert_eq!(doc["schema"], "granska/diff/v1");
    assert_eq!(doc["base"], "HEAD");
    let by_file: BTreeMap<String, &Value> = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["file"].as_str().unwrap().to_string(), r))
        .collect();
    let names: Vec<&str> = by_file
        .keys()
        .map(|k| k.rsplit('/').next().unwrap())
        .collect();
    assert_eq!(
        names,
        ["a.yaml", "b.yaml", "d.yaml", "e.yaml", "f.yaml"],
        "c.yaml did not change: {doc}"
    );
    let get = |n: &str| *by_file.iter().find(|(k, _)| k.ends_with(n)).unwrap().1;

    // Expectations from plain `check --format json` on each side.
    let judged = |name: &str| -> Value {
        granska(&[
            "check",
            &format!("scenarios/{name}"),
            "--format",
            "json",
            "--lang",
            "en",
        ])
        .json()["results"][0]
            .clone()
    };
    let expect = |r: &Value, old: Option<&Value>, new: Option<&Value>| {
        let old = old.map(keys).unwrap_or_default();
        let new = new.map(keys).unwrap_or_default();
        let got = |k: &str| -> BTreeSet<(String, String, String)> {
            r[k].as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    (
                        f["rule"].to_string(),
                        f["path"].to_string(),
                        f["message"].to_string(),
                    )
                })
                .collect()
        };
        assert_eq!(
            got("new"),
            new.difference(&old).cloned().collect(),
            "new in {r}"
        );
        assert_eq!(
            got("resolved"),
            old.difference(&new).cloned().collect(),
            "resolved in {r}"
        );
        assert_eq!(
            r["unchanged"],
            new.intersection(&old).count(),
            "unchanged in {r}"
        );
    };
    let (clear, blocked, conditional) = (
        judged("clear-e-tjanst.yaml"),
        judged("region-journal-hosting.yaml"),
        judged("conditional-kommun-e-arkiv.yaml"),
    );

    let a = get("a.yaml");
    assert_eq!(a["change"], "changed");
    assert_eq!(
        (
            a["before"]["verdict"].as_str(),
            a["after"]["verdict"].as_str()
        ),
        (Some("CLEAR"), Some("BLOCKED"))
    );
    assert_eq!(a["verdict_changed"], true);
    expect(a, Some(&clear), Some(&blocked));

    let b = get("b.yaml");
    assert_eq!(
        (
            b["before"]["verdict"].as_str(),
            b["after"]["verdict"].as_str()
        ),
        (Some("CONDITIONAL"), Some("CLEAR"))
    );
    expect(b, Some(&conditional), Some(&clear));
    assert!(!b["resolved"].as_array().unwrap().is_empty());

    let dd = get("d.yaml");
    assert_eq!(dd["change"], "added");
    assert_eq!(dd["before"]["status"], "absent");
    expect(dd, None, Some(&judged("skolplattform-us-moln.yaml")));

    let e = get("e.yaml");
    assert_eq!(e["change"], "deleted");
    assert_eq!(e["after"]["status"], "absent");
    expect(e, Some(&conditional), None);

    let f = get("f.yaml");
    assert_eq!(f["verdict_changed"], false);
    assert!(
        f["new"].as_array().unwrap().is_empty() && f["resolved"].as_array().unwrap().is_empty(),
        "{f}"
    );
    assert!(f["unchanged"].as_u64().unwrap() > 0);

    // Human output says the same.
    let human = granska_in(
        d,
        &["check", "scenarios/", "--base", "HEAD", "--lang", "en"],
    );
    assert_eq!(human.code, Some(1));
    assert!(
        human
            .stdout
            .contains("(changed since HEAD): CLEAR → BLOCKED"),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("(new since HEAD): absent → BLOCKED"),
        "{}",
        human.stdout
    );
    assert!(
        human
            .stdout
            .contains("(deleted since HEAD): CONDITIONAL → absent"),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("5 scenarios changed since HEAD"),
        "{}",
        human.stdout
    );

    // Only the files given are compared; with the blocked one left out, the exit is 0.
    let only_b = granska_in(
        d,
        &[
            "check",
            "scenarios/b.yaml",
            "--base",
            "HEAD",
            "--format",
            "json",
        ],
    );
    assert_eq!(only_b.code, Some(0), "{}", only_b.all());
    assert_eq!(only_b.json()["results"].as_array().unwrap().len(), 1);

    // Nothing changed since the working tree was committed.
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "next"]);
    let none = granska_in(d, &["check", "--base", "HEAD", "--lang", "en"]);
    assert_eq!(none.code, Some(0), "{}", none.all());
    assert!(
        none.stdout.contains("No scenario files changed since HEAD"),
        "{}",
        none.stdout
    );
    let earlier = granska_in(d, &["check", "--base", "HEAD~1", "--format", "json"]);
    assert_eq!(
        earlier.json()["results"].as_array().unwrap().len(),
        5,
        "HEAD~1 compares with the base commit"
    );
}

/// An invalid new state is exit 2 with its problems; git errors are input problems (exit 2).
#[test]
fn check_base_reports_git_errors_and_invalid_files() {
    if !git_available() {
        return;
    }
    let repo = base_repo();
    let d = repo.path();
    std::fs::write(
        d.join("scenarios/a.yaml"),
        "granska: 1\nid: x\nbogus: true\n",
    )
    .unwrap();
    let run = granska_in(d, &["check", "--base", "HEAD", "--format", "json"]);
    assert_eq!(run.code, Some(2), "{}", run.all());
    let a = run.json()["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["file"].as_str().unwrap().ends_with("a.yaml"))
        .cloned()
        .unwrap();
    assert_eq!(a["after"]["status"], "invalid");
    assert!(a["after"]["problems"].to_string().contains("bogus"), "{a}");

    let unknown = granska_in(d, &["check", "--base", "no-such-branch"]);
    assert_eq!(unknown.code, Some(2));
    assert!(
        unknown
            .stderr
            .contains("unknown git revision `no-such-branch`"),
        "{}",
        unknown.all()
    );

    let sarif = granska_in(d, &["check", "--base", "HEAD", "--format", "sarif"]);
    assert_eq!(sarif.code, Some(2), "--base with SARIF is a usage error");

    let plain = tempfile::tempdir().unwrap();
    copy(
        "clear-e-tjanst.yaml",
        &plain.path().join("scenarios/a.yaml"),
    );
    let out = Command::cargo_bin("granska")
        .unwrap()
        .current_dir(plain.path())
        .env(
            "GIT_CEILING_DIRECTORIES",
            plain.path().parent().unwrap_or(Path::new("/")),
        )
        .env("NO_COLOR", "1")
        .args(["check", "--base", "HEAD"])
        .timeout(HANG_GUARD)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--base needs a git repository"), "{err}");
}
