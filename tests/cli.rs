//! The command line as users meet it: `check` over the shipped scenarios, exit codes and
//! `--fail-on`, JSON output and its receipt, determinism, languages, dated law, colour,
//! `explain`, `graph` and `rules list|show|test`. Runs the real binary in the crate root.

use std::io::Read;
use std::path::Path;
use std::process::{Command as StdCommand, Stdio};
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;
use sha2::{Digest, Sha256};

const HANG_GUARD: Duration = Duration::from_secs(120);
const TS: &str = "scenarios/transportstyrelsen-2015.yaml";

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

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn command(args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("granska").expect("the granska binary is built");
    cmd.current_dir(root())
        .env("NO_COLOR", "1")
        .args(args)
        .timeout(HANG_GUARD);
    cmd
}

fn granska(args: &[&str]) -> Run {
    let out = command(args).output().expect("granska runs");
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

/// Lower-case hex SHA-256, computed here independently of granska's own helper.
fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn shipped_scenarios() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".yaml"))
        .map(|n| format!("scenarios/{n}"))
        .collect();
    v.sort();
    v
}

fn fired(result: &Value) -> Vec<String> {
    result["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

// ---------------------------------------------------------------------------------------
// check over the shipped scenarios
// ---------------------------------------------------------------------------------------

/// Plain `granska check` judges scenarios/: every shipped file is valid and every rule runs (never 2 or 3).
#[test]
fn check_shipped_scenarios_folder_is_all_valid() {
    let run = granska(&["check", "--format", "json"]);
    assert!(
        matches!(run.code, Some(0 | 1)),
        "exit {:?}:\n{}",
        run.code,
        run.all()
    );
    let json = run.json();
    let results = json["results"].as_array().unwrap();
    assert_eq!(results.len(), shipped_scenarios().len());
    assert_eq!(json["summary"]["invalid"], 0, "{}", json["summary"]);
    for r in results {
        assert_eq!(
            r["status"], "evaluated",
            "{} is invalid: {}",
            r["file"], r["problems"]
        );
        assert_eq!(
            r["rule_errors"],
            serde_json::json!([]),
            "{}: rule errors",
            r["file"]
        );
    }
    let files: Vec<&str> = results
        .iter()
        .map(|r| r["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        shipped_scenarios(),
        "results are in sorted input order"
    );
}

/// The human output over a folder ends with a summary line counting the scenarios.
#[test]
fn check_folder_prints_summary_line() {
    let run = granska(&["check", "scenarios", "--lang", "en"]);
    let n = shipped_scenarios().len();
    assert!(
        run.stdout.contains(&format!("\n{n} scenarios: ")),
        "{}",
        run.stdout
    );
    let sv = granska(&["check", "scenarios"]);
    assert!(
        sv.stdout.contains(&format!("\n{n} scenarier: ")),
        "{}",
        sv.stdout
    );
}

// ---------------------------------------------------------------------------------------
// exit codes and --fail-on
// ---------------------------------------------------------------------------------------

fn fixture_check(scenario: &str, extra: &[&str]) -> Run {
    let s = format!("tests/fixtures/scenarios/valid/{scenario}.yaml");
    let mut args = vec![
        "check",
        "--no-default-rules",
        "--rules",
        "tests/fixtures/rules/basic",
        &s,
    ];
    args.extend_from_slice(extra);
    granska(&args)
}

/// Exit 0 clean, 1 findings at or above --fail-on, 2 invalid input, 3 incomplete (DESIGN.md).
#[test]
fn exit_codes_follow_design() {
    assert_eq!(fixture_check("clean", &[]).code, Some(0));
    assert_eq!(fixture_check("blocker", &[]).code, Some(1));
    assert_eq!(
        granska(&["check", "tests/fixtures/scenarios/invalid/bad-date.yaml"]).code,
        Some(2)
    );
    let loop_run = granska(&[
        "check",
        "--no-default-rules",
        "--rules",
        "tests/fixtures/rules/endless-loop",
        "tests/fixtures/scenarios/valid/clean.yaml",
    ]);
    assert_eq!(loop_run.code, Some(3), "{}", loop_run.all());
    assert_eq!(
        granska(&["check", "scenarios/clear-e-tjanst.yaml"]).code,
        Some(0)
    );
    assert_eq!(granska(&["check", TS]).code, Some(1));
}

/// `--fail-on blocker|major|minor|never` sets the lowest severity that makes the run fail.
#[test]
fn fail_on_threshold_decides_exit_code() {
    let table = [
        // scenario,    blocker, major, minor, never
        ("clean", [0, 0, 0, 0]),
        ("minor-only", [0, 0, 1, 0]),
        ("major-only", [0, 1, 1, 0]),
        ("blocker", [1, 1, 1, 0]),
    ];
    for (scenario, codes) in table {
        for (level, want) in ["blocker", "major", "minor", "never"]
            .into_iter()
            .zip(codes)
        {
            let run = fixture_check(scenario, &["--fail-on", level]);
            assert_eq!(
                run.code,
                Some(want),
                "{scenario} --fail-on {level}:\n{}",
                run.all()
            );
        }
    }
    assert_eq!(
        fixture_check("blocker", &[]).code,
        Some(1),
        "the default is --fail-on blocker"
    );
}

/// Usage errors (bad --as-of, lone --no-default-rules, unknown flag or rule id) exit 2 with a message.
#[test]
fn usage_errors_exit_2() {
    let run = granska(&[
        "check",
        "--as-of",
        "2024-13-01",
        "scenarios/clear-e-tjanst.yaml",
    ]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.all().contains("--as-of `2024-13-01` is not a date"),
        "{}",
        run.all()
    );
    let run = granska(&[
        "check",
        "--no-default-rules",
        "scenarios/clear-e-tjanst.yaml",
    ]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.all()
            .contains("--no-default-rules needs at least one --rules DIR"),
        "{}",
        run.all()
    );
    assert_eq!(granska(&["check", "--bogus"]).code, Some(2));
    assert_eq!(
        granska(&["check", "--fail-on", "sometimes", TS]).code,
        Some(2)
    );
    let run = granska(&["rules", "show", "PUL-THIRD-COUNTRY-TRANSFR"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.all()
            .contains("did you mean `PUL-THIRD-COUNTRY-TRANSFER`?"),
        "{}",
        run.all()
    );
    let run = granska(&["check", "--rules", "tests/fixtures/no-such-folder", TS]);
    assert_eq!(run.code, Some(2), "{}", run.all());
}

/// A folder without scenarios is an error: a CI job pointed at the wrong folder must not pass
/// having judged nothing. (Other files in it do not count.)
#[test]
fn a_folder_without_scenarios_is_an_error_not_a_pass() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("notes.md"), "no scenarios here\n").expect("written");
    let folder = dir.path().to_string_lossy().into_owned();
    for format in ["human", "json"] {
        let run = granska(&["check", "--format", format, &folder]);
        assert_eq!(run.code, Some(2), "{}", run.all());
        assert!(
            run.all().contains("granska::check::no-scenarios"),
            "{}",
            run.all()
        );
        assert!(run.all().contains("has no scenario files"), "{}", run.all());
    }
    // With no arguments, in a folder without `scenarios/`: say what to give instead.
    let out = command(&["check"])
        .current_dir(dir.path())
        .output()
        .expect("granska runs");
    let all = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{all}");
    assert!(all.contains("no scenarios/ folder here to check"), "{all}");
    assert!(all.contains("granska check scenario.yaml"), "{all}");
}

// ---------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------

/// `--format json` has the verdict, traceable findings and a receipt with content hashes.
#[test]
fn json_output_has_verdict_findings_and_receipt() {
    let run = granska(&["check", TS, "--format", "json"]);
    assert_eq!(run.code, Some(1));
    let json = run.json();
    assert_eq!(json["schema"], "granska/check/v1");
    assert_eq!(json["tool"]["name"], "granska");
    assert_eq!(json["tool"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(json["summary"]["files"], 1);
    let r = &json["results"][0];
    assert_eq!(r["status"], "evaluated");
    assert_eq!(r["file"], TS);
    assert_eq!(r["scenario_id"], "transportstyrelsen-2015");
    assert_eq!(r["verdict"], "BLOCKED");
    assert_eq!(r["as_of"], "2015-04-21");
    assert_eq!(r["as_of_source"], "decision.date");

    let text = std::fs::read_to_string(root().join(TS)).unwrap();
    let n_lines = text.lines().count() as u64;
    let findings = r["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    let rank = |s: &str| {
        ["blocker", "major", "minor", "info"]
            .iter()
            .position(|x| *x == s)
            .unwrap()
    };
    let mut last = 0;
    for f in findings {
        let rule = f["rule"].as_str().expect("rule");
        assert!(
            rule.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-'),
            "{f}"
        );
        let sev = rank(f["severity"].as_str().expect("severity"));
        assert!(sev >= last, "findings are sorted by severity: {f}");
        last = sev;
        let cites = f["citations"].as_array().expect("citations");
        assert!(!cites.is_empty(), "{rule}: no citation");
        for c in cites {
            assert!(c["act"].as_str().is_some_and(|s| !s.is_empty()), "{c}");
            assert!(c["ref"].as_str().is_some_and(|s| !s.is_empty()), "{c}");
        }
        assert!(f["path"].is_string(), "{f}");
        let line = f["line"].as_u64().expect("line");
        assert!(
            (1..=n_lines).contains(&line),
            "{rule}: line {line} outside the file"
        );
        assert!(f["column"].as_u64().is_some_and(|c| c >= 1), "{f}");
        assert!(f["because"].is_array(), "{f}");
        assert!(
            f["message"]["sv"].is_string() && f["message"]["en"].is_string(),
            "{f}"
        );
    }
    let pul = findings
        .iter()
        .find(|f| f["rule"] == "PUL-THIRD-COUNTRY-TRANSFER")
        .expect("PUL-THIRD-COUNTRY-TRANSFER fires");
    let because: Vec<&str> = pul["because"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        because.contains(&"third_country_access"),
        "the finding does not say what it rests on: {pul}"
    );

    let receipt = &r["receipt"];
    assert_eq!(receipt["tool"], "granska");
    assert_eq!(receipt["as_of"], "2015-04-21");
    let sha = sha256_hex(text.as_bytes());
    assert_eq!(receipt["scenario_sha256"], sha.as_str());
    assert_eq!(receipt["rulebook_sha256"].as_str().map(str::len), Some(64));
    let files = receipt["rule_files"].as_array().unwrap();
    assert!(files.len() > 50, "{receipt}");
    for f in files {
        assert!(
            f["file"]
                .as_str()
                .is_some_and(|n| n.starts_with("builtin:rules/")),
            "{f}"
        );
        assert!(
            f["sha256"]
                .as_str()
                .is_some_and(|h| h.len() == 64 && h.chars().all(|c| c.is_ascii_hexdigit())),
            "{f}"
        );
    }
    assert!(
        files
            .iter()
            .any(|f| f["file"] == "builtin:rules/pul/pul-third-country-transfer.rhai")
    );
}

/// The receipt lists a `--rules` file with the SHA-256 of its bytes.
#[test]
fn receipt_hashes_local_rule_files() {
    let run = granska(&[
        "check",
        "--no-default-rules",
        "--rules",
        "tests/fixtures/rules/basic",
        "tests/fixtures/scenarios/valid/clean.yaml",
        "--format",
        "json",
    ]);
    let files = run.json()["results"][0]["receipt"]["rule_files"]
        .as_array()
        .unwrap()
        .clone();
    let rel = "test/t-isms.rhai";
    let entry = files
        .iter()
        .find(|f| f["file"].as_str().is_some_and(|n| n.ends_with(rel)))
        .unwrap_or_else(|| panic!("{rel} not in the receipt: {files:?}"));
    let bytes = std::fs::read(root().join("tests/fixtures/rules/basic").join(rel)).unwrap();
    assert_eq!(entry["sha256"], sha256_hex(&bytes).as_str());
}

/// Same inputs, same output, byte for byte (JSON and human), across the whole folder.
#[test]
fn two_runs_give_byte_identical_output() {
    let a = command(&["check", "scenarios", "--format", "json"])
        .output()
        .unwrap()
        .stdout;
    let b = command(&["check", "scenarios", "--format", "json"])
        .output()
        .unwrap()
        .stdout;
    assert!(!a.is_empty());
    assert!(a == b, "two JSON runs differ");
    let a = command(&["check", "scenarios"]).output().unwrap().stdout;
    let b = command(&["check", "scenarios"]).output().unwrap().stdout;
    assert!(a == b, "two human runs differ");
}

// ---------------------------------------------------------------------------------------
// language, dated law, colour
// ---------------------------------------------------------------------------------------

/// `--lang en` and `--lang sv` (the default) give different messages in their languages.
#[test]
fn lang_en_and_sv_messages_differ() {
    let sv = granska(&["check", TS]).stdout;
    let en = granska(&["check", TS, "--lang", "en"]).stdout;
    let default = granska(&["check", TS, "--lang", "sv"]).stdout;
    assert_ne!(sv, en);
    assert_eq!(sv, default, "Swedish is the default");
    assert!(
        sv.contains("STOPP (BLOCKED)") && sv.contains("hinder") && sv.contains("Lagrum"),
        "{sv}"
    );
    assert!(
        en.contains(": BLOCKED —") && en.contains("blockers") && en.contains("Law:"),
        "{en}"
    );
    assert!(en.contains("[blocker]") && !en.contains("[hinder]"));
}

/// `--as-of` changes the law: Transportstyrelsen 2015 falls under PUL then, under GDPR in 2026.
#[test]
fn as_of_changes_the_law_applied() {
    let then = granska(&["check", TS, "--as-of", "2015-04-21", "--format", "json"]).json();
    let then = fired(&then["results"][0]);
    assert!(
        then.contains(&"PUL-THIRD-COUNTRY-TRANSFER".to_string()),
        "{then:?}"
    );
    assert!(!then.iter().any(|r| r.starts_with("GDPR-")), "{then:?}");

    let now = granska(&["check", TS, "--as-of", "2026-11-28", "--format", "json"]).json();
    assert_eq!(now["results"][0]["as_of"], "2026-11-28");
    let now = fired(&now["results"][0]);
    assert!(now.iter().any(|r| r.starts_with("GDPR-")), "{now:?}");
    assert!(now.contains(&"GDPR-TRANSFER-BASIS".to_string()), "{now:?}");
    assert!(
        !now.iter().any(|r| r.starts_with("PUL-")),
        "PUL applied in 2026: {now:?}"
    );
}

/// The "beslut om avsteg" from statutes has no effect and each attempt is itself a blocker.
#[test]
fn statutory_waivers_in_transportstyrelsen_have_no_effect_and_are_reported() {
    let json = granska(&["check", TS, "--format", "json"]).json();
    let r = &json["results"][0];
    let waivers = r["waivers"].as_array().unwrap();
    assert!(!waivers.is_empty());
    let rules = fired(r);
    for (i, w) in waivers.iter().enumerate() {
        assert_eq!(w["status"], "rejected_statutory", "{w}");
        assert_eq!(w["findings_waived"], 0, "{w}");
        let waived = w["rule"].as_str().unwrap();
        assert!(
            rules.iter().any(|x| x == waived),
            "{waived} was waived away (or no longer fires)"
        );
        let path = format!("waivers[{i}]");
        assert!(
            r["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["rule"] == "GEN-STATUTORY-WAIVER"
                    && f["path"] == path.as_str()
                    && f["severity"] == "blocker"),
            "the attempt at {path} is not reported"
        );
    }
    assert_eq!(r["counts"]["waived"], 0);
}

/// Run a shell command line under a pseudo-terminal (util-linux `script`), so granska
/// believes it writes to a terminal. None when `script` is not available.
fn on_a_terminal(cmdline: &str, no_color: bool) -> Option<String> {
    let mut cmd = StdCommand::new("script");
    cmd.args(["-qec", cmdline, "/dev/null"])
        .current_dir(root())
        .stdin(Stdio::null());
    if no_color {
        cmd.env("NO_COLOR", "1");
    } else {
        cmd.env_remove("NO_COLOR");
    }
    let out = cmd.output().ok()?;
    if !out.status.success() && out.stdout.is_empty() {
        return None;
    }
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `NO_COLOR=1` output has no ANSI escapes, even on a terminal (which otherwise gets colours).
#[test]
fn no_color_output_has_no_ansi_escapes() {
    let piped = granska(&[
        "check",
        TS,
        "tests/fixtures/scenarios/invalid/bad-date.yaml",
    ]);
    assert!(!piped.all().contains('\x1b'), "escapes in piped output");

    let bin = env!("CARGO_BIN_EXE_granska");
    let line =
        format!("{bin} check {TS} tests/fixtures/scenarios/invalid/bad-date.yaml 2>/dev/null");
    let Some(plain) = on_a_terminal(&line, true) else {
        eprintln!("`script` is not available: terminal half of the test skipped");
        return;
    };
    assert!(plain.contains("transportstyrelsen-2015.yaml"), "{plain}");
    assert!(
        !plain.contains('\x1b'),
        "ANSI escapes with NO_COLOR=1:\n{plain:?}"
    );
    let single = on_a_terminal(&format!("{bin} explain {TS}; {bin} rules list"), true).unwrap();
    assert!(
        !single.contains('\x1b'),
        "ANSI escapes with NO_COLOR=1 in explain / rules list"
    );

    let coloured = on_a_terminal(&line, false).unwrap();
    assert!(
        coloured.contains('\x1b'),
        "expected colours on a terminal without NO_COLOR"
    );
}

// ---------------------------------------------------------------------------------------
// explain and graph
// ---------------------------------------------------------------------------------------

/// `explain` prints the why-tree, root findings and remediation order, with check's verdict and exit code.
#[test]
fn explain_prints_tree_roots_and_remediation_order() {
    let run = granska(&["explain", TS, "--lang", "en"]);
    let out = &run.stdout;
    let first = out.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("Decision: ") && first.contains("— BLOCKED (law as of 2015-04-21)"),
        "{first}"
    );
    assert!(out.contains("├─ blocks: [blocker] "), "{out}");
    assert!(out.contains("because "), "{out}");
    assert!(out.contains("concerns suppliers[0]"), "{out}");
    assert!(
        out.contains("\nFix these first (root findings):\n  1. "),
        "{out}"
    );
    assert!(out.contains("\nRemediation order:\n  1. "), "{out}");
    let check = granska(&["check", TS, "--format", "json"]);
    assert_eq!(check.json()["results"][0]["verdict"], "BLOCKED");
    assert_eq!(
        run.code, check.code,
        "explain and check disagree on the exit code"
    );

    let sv = granska(&["explain", TS]).stdout;
    assert!(
        sv.starts_with("Beslut: ") && sv.contains("Åtgärdsordning:"),
        "{sv}"
    );
}

/// Explaining never changes the verdict: explain agrees with check on every shipped scenario.
#[test]
fn explain_never_changes_the_verdict() {
    let json = granska(&["check", "scenarios", "--format", "json"]).json();
    for r in json["results"].as_array().unwrap() {
        let file = r["file"].as_str().unwrap();
        let verdict = r["verdict"].as_str().unwrap();
        let run = granska(&["explain", file, "--lang", "en"]);
        let first = run.stdout.lines().next().unwrap_or_default().to_string();
        assert!(
            first.contains(&format!("— {verdict} (law as of")),
            "{file}: check says {verdict}, explain says: {first}"
        );
    }
}

/// `explain --finding RULE` explains one finding; an id with no standing finding is a usage error.
#[test]
fn explain_one_finding_and_unknown_finding() {
    let run = granska(&[
        "explain",
        TS,
        "--finding",
        "PUL-THIRD-COUNTRY-TRANSFER",
        "--lang",
        "en",
    ]);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines.len() >= 2 && lines[1].starts_with("└─ [blocker] PUL-THIRD-COUNTRY-TRANSFER"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("Remediation order:"));
    let run = granska(&["explain", TS, "--finding", "NO-SUCH-RULE"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.all().contains("no standing finding `NO-SUCH-RULE`"),
        "{}",
        run.all()
    );
}

/// `graph --format dot` is a Graphviz digraph (checked with `dot` when it is installed).
#[test]
fn graph_dot_is_a_digraph() {
    let run = granska(&["graph", TS, "--format", "dot"]);
    let dot = &run.stdout;
    assert!(dot.starts_with("digraph granska {"), "{dot}");
    assert!(dot.trim_end().ends_with('}'));
    assert!(
        dot.contains("doubleoctagon") && dot.contains(" -> ") && dot.contains("label=\"blocks\""),
        "{dot}"
    );
    assert_eq!(dot.matches('{').count(), dot.matches('}').count());
    let default = granska(&["graph", TS]).stdout;
    assert_eq!(&default, dot, "dot is the default format");
    if let Ok(mut child) = StdCommand::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(dot.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "dot rejects the graph: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("<svg"));
    }
}

/// `graph --format mermaid` is a Mermaid flowchart with nodes and labelled edges.
#[test]
fn graph_mermaid_is_a_flowchart() {
    let run = granska(&["graph", TS, "--format", "mermaid"]);
    let m = &run.stdout;
    assert!(m.starts_with("flowchart RL\n"), "{m}");
    assert!(m.contains("  n0{{\""), "{m}");
    assert!(m.contains(" -->|blocks| "), "{m}");
    assert!(m.contains(" -->|because| "), "{m}");
}

/// A reader that stops early (`granska … | head`) must not make granska panic.
#[test]
fn closed_stdout_does_not_panic() {
    let mut panicked = Vec::new();
    for args in [
        vec!["explain", TS],
        vec!["graph", TS],
        vec!["graph", TS, "--format", "mermaid"],
        vec!["rules", "list"],
        vec!["rules", "show", "PUL-THIRD-COUNTRY-TRANSFER"],
        vec!["check", "scenarios"],
        vec!["check", "scenarios", "--format", "json"],
    ] {
        let mut child = StdCommand::new(env!("CARGO_BIN_EXE_granska"))
            .args(&args)
            .current_dir(root())
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // the reader goes away before granska writes
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        let status = child.wait().unwrap();
        if stderr.contains("panicked") || status.code() == Some(101) {
            panicked.push(format!(
                "granska {} (exit {:?}): {}",
                args.join(" "),
                status.code(),
                stderr
                    .lines()
                    .find(|l| l.contains("panicked"))
                    .unwrap_or_default()
            ));
        }
    }
    assert!(
        panicked.is_empty(),
        "panics on a closed stdout:\n{}",
        panicked.join("\n")
    );
}

/// Which stream of granska goes to `/dev/full`, where every write fails with ENOSPC.
#[cfg(target_os = "linux")]
enum FullStream {
    Stdout,
    Stderr,
}

/// Run granska with one stream on `/dev/full` (stdout discarded when stderr is the full one).
#[cfg(target_os = "linux")]
fn run_with_full(args: &[&str], stream: FullStream) -> std::process::Output {
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let mut command = StdCommand::new(env!("CARGO_BIN_EXE_granska"));
    command.args(args).current_dir(root()).env("NO_COLOR", "1");
    match stream {
        FullStream::Stdout => command.stdout(full()),
        FullStream::Stderr => command.stdout(Stdio::null()).stderr(full()),
    };
    command.output().unwrap()
}

/// Output that cannot be written (a full disk behind `> results.sarif`) is an error with exit
/// code 2, never a run that looks delivered. `/dev/full` fails every write with ENOSPC.
#[cfg(target_os = "linux")]
#[test]
fn lost_output_is_an_error_not_a_silent_success() {
    let mut wrong = Vec::new();
    for args in [
        vec!["check", "scenarios"],
        vec!["check", "scenarios", "--format", "json"],
        vec!["check", "scenarios", "--format", "sarif"],
        vec!["explain", TS],
        vec!["graph", TS, "--format", "mermaid"],
        vec!["rules", "list"],
        vec!["schema"],
    ] {
        let out = run_with_full(&args, FullStream::Stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.code() != Some(2)
            || !stderr.contains("granska::output")
            || !stderr.contains("No space left")
        {
            wrong.push(format!(
                "granska {} (exit {:?}): {stderr}",
                args.join(" "),
                out.status.code()
            ));
        }
    }
    assert!(wrong.is_empty(), "lost output:\n{}", wrong.join("\n"));
}

/// A diagnostic that cannot be written to stderr (`2> /dev/full`) must not turn into a panic:
/// the exit code still tells what happened.
#[cfg(target_os = "linux")]
#[test]
fn full_stderr_does_not_panic() {
    for (args, code) in [
        (
            vec!["check", "scenarios", "--format", "json", "--timings"],
            1,
        ),
        (vec!["rules", "show", "NO-SUCH-RULE"], 2),
        (vec!["check", "--as-of", "2015-4-1", TS], 2),
    ] {
        let out = run_with_full(&args, FullStream::Stderr);
        assert_eq!(out.status.code(), Some(code), "granska {}", args.join(" "));
    }
}

// ---------------------------------------------------------------------------------------
// rules list / show / test
// ---------------------------------------------------------------------------------------

/// `rules list` shows id, severity, period and citation; `--area` and `--as-of` filter it.
#[test]
fn rules_list_lists_and_filters() {
    let run = granska(&["rules", "list", "--lang", "en"]);
    assert_eq!(run.code, Some(0));
    assert!(
        run.stdout.contains("PUL-THIRD-COUNTRY-TRANSFER"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("GDPR-TRANSFER-BASIS"));
    let period = regex::Regex::new(r"\d{4}-\d{2}-\d{2} – \d{4}-\d{2}-\d{2}").unwrap();
    assert!(
        period.is_match(&run.stdout),
        "no in-force period `from – to` shown"
    );
    let pul = granska(&["rules", "list", "--area", "pul"]).stdout;
    let ids: Vec<&str> = pul
        .lines()
        .filter(|l| !l.starts_with(' '))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(
        !ids.is_empty() && ids.iter().all(|id| id.starts_with("PUL-")),
        "{ids:?}"
    );
    let in_2015 = granska(&["rules", "list", "--as-of", "2015-04-21"]).stdout;
    assert!(
        in_2015.contains("PUL-THIRD-COUNTRY-TRANSFER") && !in_2015.contains("GDPR-TRANSFER-BASIS")
    );
}

/// `rules show ID` prints the rule's file name and its full source with metadata.
#[test]
fn rules_show_prints_rule_source() {
    let run = granska(&["rules", "show", "PUL-THIRD-COUNTRY-TRANSFER"]);
    assert_eq!(run.code, Some(0));
    assert!(
        run.stdout.starts_with(
            "# PUL-THIRD-COUNTRY-TRANSFER (builtin:rules/pul/pul-third-country-transfer.rhai)"
        ),
        "{}",
        run.stdout
    );
    let source =
        std::fs::read_to_string(root().join("rules/pul/pul-third-country-transfer.rhai")).unwrap();
    assert!(
        run.stdout.contains(&source),
        "rules show does not print the file as it is"
    );
}

/// `rules test` over the repository's rulebook folder alone passes (exit 0).
#[test]
fn rules_test_on_repository_rulebook_exits_0() {
    let run = granska(&["rules", "test", "--no-default-rules", "--rules", "rules"]);
    assert_eq!(run.code, Some(0), "{}", run.all());
    assert!(run.stdout.contains(" passed, 0 failed"), "{}", run.stdout);
}

/// `--timings` shows, per rule and scenario, time and Rhai operations on stderr (never in the
/// machine output); operations are the same on every run, so they are asserted exactly.
#[test]
fn timings_show_time_and_operations_per_rule_on_stderr() {
    let operations = |run: &Run, rule: &str| -> u64 {
        let row = run
            .stderr
            .lines()
            .find(|l| l.split_whitespace().nth(2) == Some(rule))
            .unwrap_or_else(|| panic!("no row for {rule}:\n{}", run.stderr));
        row.split_whitespace().nth(1).unwrap().parse().unwrap()
    };
    let first = granska(&["check", TS, "--format", "json", "--timings"]);
    first.json();
    assert!(
        first
            .stderr
            .contains("rule timings (1 scenarios; per scenario):")
    );
    assert!(first.stderr.contains("operations"), "{}", first.stderr);
    let pul = operations(&first, "PUL-SECURITY");
    assert!(pul > 100, "PUL-SECURITY ran {pul} operations");
    // A rule not in force on 2015-03-24 runs nothing.
    assert_eq!(operations(&first, "GDPR-SECURITY"), 0);
    let all = first
        .stderr
        .lines()
        .find(|l| l.ends_with("all rules"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse::<u64>().ok())
        .expect("a total row");
    assert!(all > pul, "total {all} vs {pul}");
    let second = granska(&["check", TS, "--format", "json", "--timings"]);
    assert_eq!(operations(&second, "PUL-SECURITY"), pul);
}
