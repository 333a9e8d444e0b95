//! The commands for rule and scenario authors — `schema`, `init`, `rules lint|doc|defs|show|test`
//! — on good and broken inputs (tests/fixtures/authoring/), the committed generated files
//! (schema/, docs/rules/, docs/helper-api.md, rules/granska.d.rhai), and the guides in docs/
//! replayed command by command.

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

struct Out {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Out {
    fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Run `granska ARGS` in `dir`.
fn granska_in(dir: &Path, args: &[&str]) -> Out {
    let out = Command::cargo_bin("granska")
        .expect("the granska binary is built")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .timeout(Duration::from_secs(300))
        .output()
        .expect("granska runs");
    let o = Out {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !o.stderr.contains("panicked"),
        "granska panicked:\n{}",
        o.stderr
    );
    o
}

fn granska(args: &[&str]) -> Out {
    granska_in(Path::new(ROOT), args)
}

fn fixture(name: &str) -> String {
    format!("tests/fixtures/authoring/{name}")
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("a temporary folder")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The last line of `rules test`: `N passed, M failed`.
fn summary(out: &str) -> (usize, usize) {
    let last = out
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    let (p, f) = last
        .split_once(" passed, ")
        .unwrap_or_else(|| panic!("the last line is not `N passed, M failed`: `{last}`\n{out}"));
    let f = f
        .strip_suffix(" failed")
        .unwrap_or_else(|| panic!("odd summary `{last}`"));
    (p.parse().unwrap(), f.parse().unwrap())
}

/// `(code, file, line)` of every problem in miette's plain output.
fn problems(out: &str) -> Vec<(String, String, usize)> {
    let mut found = Vec::new();
    let mut code = String::new();
    for line in out.lines() {
        let t = line.trim();
        if t.starts_with("granska::") && !t.contains(' ') {
            code = t.to_string();
        } else if let Some(at) = t.split("╭─[").nth(1) {
            let at = at.trim_end_matches(']');
            let mut parts = at.rsplitn(3, ':');
            let _col = parts.next();
            let line: usize = parts.next().and_then(|l| l.parse().ok()).unwrap_or(0);
            let file = parts.next().unwrap_or("").to_string();
            found.push((code.clone(), file, line));
        }
    }
    found
}

// ---------------------------------------------------------------- schema

/// `schema/scenario-v1.json` is what `granska schema` prints today.
#[test]
fn schema_committed_is_current() {
    let o = granska(&["schema", "-o", "schema/scenario-v1.json", "--check"]);
    assert_eq!(
        o.code,
        Some(0),
        "schema/scenario-v1.json is stale: run `granska schema -o schema/scenario-v1.json`\n{}",
        o.all()
    );
    let printed = granska(&["schema"]);
    let committed =
        std::fs::read_to_string(Path::new(ROOT).join("schema/scenario-v1.json")).unwrap();
    assert_eq!(printed.stdout, committed);
}

/// The schema is JSON Schema 2020-12 with the format's id.
#[test]
fn schema_is_json_schema_2020_12() {
    let o = granska(&["schema"]);
    assert_eq!(o.code, Some(0));
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("granska schema prints JSON");
    assert_eq!(v["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(v["$id"], "https://granska.se/schema/scenario-v1.json");
    assert!(v["properties"]["suppliers"].is_object());
}

/// A stale or missing schema file fails `--check` with exit 1 and says how to fix it.
#[test]
fn schema_stale_or_missing_fails_check() {
    let dir = tempdir();
    let file = dir.path().join("scenario-v1.json");
    let f = file.to_str().unwrap();
    let missing = granska(&["schema", "-o", f, "--check"]);
    assert_eq!(missing.code, Some(1), "{}", missing.all());
    assert!(missing.stdout.contains("missing:"), "{}", missing.all());
    assert_eq!(granska(&["schema", "-o", f]).code, Some(0));
    assert_eq!(granska(&["schema", "-o", f, "--check"]).code, Some(0));
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("\"granska\"", "\"granskaa\"");
    std::fs::write(&file, text).unwrap();
    let stale = granska(&["schema", "-o", f, "--check"]);
    assert_eq!(stale.code, Some(1), "{}", stale.all());
    assert!(
        stale.stdout.contains("stale:") && stale.stdout.contains("granska schema -o"),
        "{}",
        stale.all()
    );
}

/// Python with jsonschema and PyYAML, or `None` with a skip notice (a failure when
/// GRANSKA_CONSUMERS is set: CI installs them in .ci/setup.d/python-jsonschema.sh).
fn python() -> Option<String> {
    for py in ["python3", "python"] {
        let ok = std::process::Command::new(py)
            .args(["-c", "import jsonschema, yaml"])
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return Some(py.to_string());
        }
    }
    if std::env::var_os("GRANSKA_CONSUMERS").is_some() {
        panic!(
            "GRANSKA_CONSUMERS is set but Python's jsonschema and PyYAML are missing (.ci/setup.d/python-jsonschema.sh)"
        );
    }
    eprintln!(
        "skipped: Python's jsonschema and PyYAML are not installed (pip install jsonschema pyyaml)"
    );
    None
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Every shipped scenario (worked examples, rule-test scenarios, valid fixtures, a fresh
/// `init`) is valid under the committed schema for an independent validator (Python's
/// jsonschema, reading YAML 1.2 like granska), and granska's own check accepts them too.
/// The validator is not vacuous: it rejects a scenario granska rejects.
#[test]
fn shipped_scenarios_validate_with_an_independent_validator() {
    let Some(py) = python() else { return };
    let root = Path::new(ROOT);
    let mut files = yaml_files(&root.join("scenarios"));
    for area in std::fs::read_dir(root.join("rules"))
        .unwrap()
        .filter_map(Result::ok)
    {
        files.extend(yaml_files(&area.path().join("tests/scenarios")));
    }
    files.extend(yaml_files(&root.join("tests/fixtures/scenarios/valid")));
    files.push(root.join(fixture("schema/yaml12-scalars.yaml")));
    let dir = tempdir();
    let init = dir.path().join("init.yaml");
    assert_eq!(granska(&["init", init.to_str().unwrap()]).code, Some(0));
    files.push(init);
    assert!(files.len() > 20, "too few scenarios found: {files:?}");

    let run = |files: &[PathBuf]| {
        let out = std::process::Command::new(&py)
            .arg(root.join(fixture("validate.py")))
            .arg(root.join("schema/scenario-v1.json"))
            .args(files)
            .output()
            .expect("python runs");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let (code, out) = run(&files);
    assert_eq!(
        code,
        Some(0),
        "scenarios the independent validator rejects:\n{out}"
    );
    assert_eq!(
        out.lines().filter(|l| l.starts_with("ok ")).count(),
        files.len(),
        "{out}"
    );

    let bad = root.join(fixture("schema/unknown-key.yaml"));
    let (code, out) = run(std::slice::from_ref(&bad));
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("subcontractor") && out.contains("classification"),
        "{out}"
    );
    assert_eq!(granska(&["check", bad.to_str().unwrap()]).code, Some(2));
    let scalars = granska(&[
        "check",
        &fixture("schema/yaml12-scalars.yaml"),
        "--fail-on",
        "never",
    ]);
    assert_eq!(scalars.code, Some(0), "{}", scalars.all());
}

// ---------------------------------------------------------------- init

/// `granska init` writes a scenario that validates and runs to a verdict.
#[test]
fn init_scenario_validates_and_runs() {
    let dir = tempdir();
    let o = granska_in(dir.path(), &["init"]);
    assert_eq!(o.code, Some(0), "{}", o.all());
    let file = dir.path().join("scenario.yaml");
    let text = std::fs::read_to_string(&file).expect("init wrote scenario.yaml");
    assert!(
        text.lines().filter(|l| l.contains('#')).count() > 20,
        "the template is commented"
    );
    let check = granska_in(
        dir.path(),
        &[
            "check",
            "scenario.yaml",
            "--format",
            "json",
            "--fail-on",
            "never",
        ],
    );
    assert_eq!(check.code, Some(0), "{}", check.all());
    let v: serde_json::Value = serde_json::from_str(&check.stdout).expect("JSON output");
    let verdict = v.to_string();
    assert!(
        !verdict.contains("INCOMPLETE"),
        "a rule failed on the template:\n{}",
        check.stdout
    );
    assert!(
        ["CLEAR", "CONDITIONAL", "BLOCKED"]
            .iter()
            .any(|x| verdict.contains(x)),
        "{}",
        check.stdout
    );
}

/// `init` never overwrites a file unless told to.
#[test]
fn init_never_overwrites_without_force() {
    let dir = tempdir();
    let file = dir.path().join("mine.yaml");
    std::fs::write(&file, "my work\n").unwrap();
    let o = granska_in(dir.path(), &["init", "mine.yaml"]);
    assert_eq!(o.code, Some(2), "{}", o.all());
    assert!(
        o.all().contains("already exists") && o.all().contains("--force"),
        "{}",
        o.all()
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "my work\n");
    let o = granska_in(dir.path(), &["init", "mine.yaml", "--force"]);
    assert_eq!(o.code, Some(0), "{}", o.all());
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("granska: 1")
    );
}

/// Inside the repository, `init` points editors at the committed schema by a relative path.
#[test]
fn init_points_editors_at_the_schema() {
    let dir = tempdir();
    let file = dir.path().join("deeper/proposal.yaml");
    assert_eq!(granska(&["init", file.to_str().unwrap()]).code, Some(0));
    let text = std::fs::read_to_string(&file).unwrap();
    let first = text.lines().next().unwrap();
    let rel = first
        .strip_prefix("# yaml-language-server: $schema=")
        .unwrap_or_else(|| panic!("no modeline: {first}"));
    let target = file.parent().unwrap().join(rel);
    assert!(
        target.is_file(),
        "{rel} from {} does not reach the schema",
        file.display()
    );
    assert_eq!(
        std::fs::canonicalize(target).unwrap(),
        std::fs::canonicalize(Path::new(ROOT).join("schema/scenario-v1.json")).unwrap()
    );
}

// ---------------------------------------------------------------- lint

/// One problem of each kind, each on its line in the rule (or facts) file.
#[test]
fn lint_reports_each_kind_of_problem_on_its_line() {
    let o = granska(&[
        "rules",
        "lint",
        "--no-default-rules",
        "--rules",
        &fixture("lint"),
    ]);
    assert_eq!(o.code, Some(1), "{}", o.all());
    let found = problems(&o.stdout);
    let expected = [
        ("title", "test/t-empty-title.rhai", 4),
        ("help", "test/t-no-help.rhai", 1),
        ("citation", "test/t-empty-ref.rhai", 9),
        ("unverified", "test/t-unverified.rhai", 11),
        ("file-name", "test/t-wrong-name.rhai", 1),
        ("unused-fact", "test/t-unused-fact.rhai", 11),
        ("underived-fact", "facts.yaml", 9),
        ("act-period", "test/t-act-period.rhai", 9),
        ("unknown-act", "test/t-unknown-act.rhai", 9),
        ("waivable-statute", "test/t-waivable-statute.rhai", 6),
        // T-ACT-PERIOD applies from 2005, the one rule deriving `used` only from 2010.
        ("fact-gap", "test/t-act-period.rhai", 10),
    ];
    for (code, file, line) in expected {
        let code = format!("granska::lint::{code}");
        assert!(
            found
                .iter()
                .any(|(c, f, l)| *c == code && f.ends_with(file) && *l == line),
            "expected {code} at {file}:{line}; found {found:#?}\n{}",
            o.stdout
        );
    }
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    assert!(
        o.stdout.contains("10 rules checked: 11 problem(s)"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout.contains("did you mean `TEST LAW`?"),
        "{}",
        o.stdout
    );
}

/// A table of acts with a kind that is neither statute, recommendation nor case_law.
#[test]
fn lint_reports_a_bad_kind_in_the_acts_table() {
    let dir = tempdir();
    copy_dir(&Path::new(ROOT).join(fixture("clean")), dir.path());
    let acts = dir.path().join("data/acts.yaml");
    let text = std::fs::read_to_string(&acts)
        .unwrap()
        .replace("kind: statute", "kind: law");
    std::fs::write(&acts, text).unwrap();
    let o = granska(&[
        "rules",
        "lint",
        "--no-default-rules",
        "--rules",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(o.code, Some(1), "{}", o.all());
    let found = problems(&o.stdout);
    assert!(
        found.iter().any(|(c, f, l)| c == "granska::lint::acts-data"
            && f.ends_with("data/acts.yaml")
            && *l == 4),
        "{found:?}\n{}",
        o.stdout
    );
}

/// A healthy rulebook lints clean.
#[test]
fn lint_clean_rulebook_exits_0() {
    let o = granska(&[
        "rules",
        "lint",
        "--no-default-rules",
        "--rules",
        &fixture("clean"),
    ]);
    assert_eq!(o.code, Some(0), "{}", o.all());
    assert!(
        o.stdout.contains("2 rules checked: no problems"),
        "{}",
        o.all()
    );
}

/// With the built-in rulebook underneath, lint reports on the `--rules` folder only.
#[test]
fn lint_reports_on_the_given_folder_only() {
    let o = granska(&["rules", "lint", "--rules", &fixture("clean")]);
    assert_eq!(o.code, Some(0), "{}", o.all());
    assert!(o.stdout.contains("2 rules checked"), "{}", o.all());
}

/// Lint needs a rulebook that loads; one that does not is invalid input (exit 2).
#[test]
fn lint_refuses_a_rulebook_that_does_not_load() {
    let o = granska(&[
        "rules",
        "lint",
        "--no-default-rules",
        "--rules",
        "tests/fixtures/rules/cycle",
    ]);
    assert_eq!(o.code, Some(2), "{}", o.all());
}

/// Without a table of acts, the act checks are skipped with a note, not failed.
#[test]
fn lint_without_an_acts_table_says_what_it_skipped() {
    let o = granska(&[
        "rules",
        "lint",
        "--no-default-rules",
        "--rules",
        "tests/fixtures/rules/basic",
    ]);
    assert!(
        o.stderr.contains("no reference data set `acts`"),
        "{}",
        o.all()
    );
}

/// Problems in the shipped rulebook that were reported to the rulebook's maintainers and are
/// not yet fixed (they are legal decisions, not metadata slips). The test fails on a new
/// problem, and on a fixed one still listed here — then delete its line.
const KNOWN_SHIPPED_LINT: &[(&str, &str)] = &[];

/// The shipped rulebook (on disk and built in) has no lint problems beyond the known ones.
#[test]
fn shipped_rulebook_lints_clean_but_for_known_problems() {
    for args in [
        &["rules", "lint", "--no-default-rules", "--rules", "rules"][..],
        &["rules", "lint"][..],
    ] {
        let o = granska(args);
        assert_ne!(o.code, Some(2), "{}", o.all());
        let mut found: Vec<(String, String)> = problems(&o.stdout)
            .into_iter()
            .map(|(c, f, _)| {
                let short = f
                    .rsplitn(3, '/')
                    .take(2)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect::<Vec<_>>()
                    .join("/");
                (c, short)
            })
            .collect();
        found.sort();
        let mut known: Vec<(String, String)> = KNOWN_SHIPPED_LINT
            .iter()
            .map(|(c, f)| (c.to_string(), f.to_string()))
            .collect();
        known.sort();
        let new: Vec<_> = found.iter().filter(|p| !known.contains(p)).collect();
        let fixed: Vec<_> = known.iter().filter(|p| !found.contains(p)).collect();
        assert!(
            new.is_empty(),
            "new lint problems in the shipped rulebook ({args:?}):\n{new:#?}\n{}",
            o.stdout
        );
        assert!(
            fixed.is_empty(),
            "fixed — remove from KNOWN_SHIPPED_LINT: {fixed:#?}"
        );
        assert_eq!(found, known);
        assert_eq!(
            o.code,
            Some(if known.is_empty() { 0 } else { 1 }),
            "{}",
            o.all()
        );
    }
}

// ---------------------------------------------------------------- doc

/// docs/rules/ is the catalogue of the shipped rulebook, whether read from disk or built in.
#[test]
fn catalogue_committed_is_current() {
    let o = granska(&[
        "rules",
        "doc",
        "-o",
        "docs/rules",
        "--check",
        "--no-default-rules",
        "--rules",
        "rules",
    ]);
    assert_eq!(
        o.code,
        Some(0),
        "docs/rules is stale: run `granska rules doc -o docs/rules --no-default-rules --rules rules`\n{}",
        o.all()
    );
    let o = granska(&["rules", "doc", "-o", "docs/rules", "--check"]);
    assert_eq!(
        o.code,
        Some(0),
        "the built-in rulebook gives another catalogue (rebuild?)\n{}",
        o.all()
    );
}

/// `--check` names stale, missing and obsolete pages; writing fixes them and keeps files
/// granska did not generate.
#[test]
fn catalogue_stale_fails_check() {
    let dir = tempdir();
    let d = dir.path().to_str().unwrap();
    let args = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = ["rules", "doc", "-o", d, "--no-default-rules", "--rules"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        v.push(fixture("clean"));
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let run = |extra: &[&str]| {
        let a = args(extra);
        granska(&a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    assert_eq!(
        run(&["--check"]).code,
        Some(1),
        "an empty folder is not current"
    );
    assert_eq!(run(&[]).code, Some(0));
    assert_eq!(run(&["--check"]).code, Some(0));
    let page = dir.path().join("test.md");
    let text = std::fs::read_to_string(&page)
        .unwrap()
        .replace("CLEAN-ISO", "CLEAN-ISO-OLD");
    std::fs::write(&page, text).unwrap();
    std::fs::remove_file(dir.path().join("README.md")).unwrap();
    let marker = std::fs::read_to_string(&page)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    std::fs::write(
        dir.path().join("gone.md"),
        format!("{marker}\n\n# an area that no longer exists\n"),
    )
    .unwrap();
    std::fs::write(dir.path().join("notes.md"), "# my own notes\n").unwrap();
    let o = run(&["--check"]);
    assert_eq!(o.code, Some(1), "{}", o.all());
    assert!(
        o.stdout.contains("stale: ") && o.stdout.contains("test.md"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout.contains("missing: ") && o.stdout.contains("README.md"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout.contains("obsolete: ") && o.stdout.contains("gone.md"),
        "{}",
        o.stdout
    );
    assert!(!o.stdout.contains("notes.md"), "{}", o.stdout);
    assert_eq!(run(&[]).code, Some(0));
    assert_eq!(run(&["--check"]).code, Some(0));
    assert!(!dir.path().join("gone.md").exists());
    assert!(dir.path().join("notes.md").exists());
}

/// Each rule's section lists the cases that name it, and says so when none does.
#[test]
fn catalogue_lists_the_cases_of_each_rule() {
    let dir = tempdir();
    let o = granska(&[
        "rules",
        "doc",
        "-o",
        dir.path().to_str().unwrap(),
        "--no-default-rules",
        "--rules",
        &fixture("untested"),
    ]);
    assert_eq!(o.code, Some(0), "{}", o.all());
    let page = std::fs::read_to_string(dir.path().join("test.md")).unwrap();
    let bare = page
        .split("## UNTESTED-BARE")
        .nth(1)
        .expect("a section for UNTESTED-BARE");
    let bare = bare.split("\n## ").next().unwrap();
    assert!(bare.contains("*No test case names this rule.*"), "{bare}");
    assert!(
        bare.contains("from 2020-01-01 – 2030-12-31") || bare.contains("2020-01-01 – 2030-12-31"),
        "{bare}"
    );
    let covered = page.split("## UNTESTED-COVERED").nth(1).unwrap();
    assert!(
        covered.contains(
            "| An ISMS — silent | `test/tests/cases.yaml` | decision date | does not fire |"
        ),
        "{covered}"
    );
    assert!(
        covered.contains("| No ISMS — fires | `test/tests/cases.yaml` | decision date | fires |"),
        "{covered}"
    );
    assert!(
        covered.contains("`untested_flag` — Flagga / *Flag*"),
        "{covered}"
    );
    let index = std::fs::read_to_string(dir.path().join("README.md")).unwrap();
    assert!(
        index.contains("[UNTESTED-BARE](test.md#untested-bare)")
            && index.contains("0 fire, 0 silent"),
        "{index}"
    );
}

/// The same rulebook gives the same bytes.
#[test]
fn catalogue_is_deterministic() {
    let (a, b) = (tempdir(), tempdir());
    for d in [&a, &b] {
        assert_eq!(
            granska(&[
                "rules",
                "doc",
                "-o",
                d.path().to_str().unwrap(),
                "--no-default-rules",
                "--rules",
                &fixture("clean")
            ])
            .code,
            Some(0)
        );
    }
    for name in ["README.md", "test.md"] {
        assert_eq!(
            std::fs::read(a.path().join(name)).unwrap(),
            std::fs::read(b.path().join(name)).unwrap(),
            "{name}"
        );
    }
}

// ---------------------------------------------------------------- show

/// `rules show ID`: the metadata, the cases that cover the rule, then its source.
#[test]
fn show_prints_metadata_tests_and_source() {
    let o = granska(&[
        "rules",
        "show",
        "CLEAN-ISO",
        "--no-default-rules",
        "--rules",
        &fixture("clean"),
    ]);
    assert_eq!(o.code, Some(0), "{}", o.all());
    let s = &o.stdout;
    for want in [
        "# CLEAN-ISO (tests/fixtures/authoring/clean/test/clean-iso.rhai)",
        "| severity | minor |",
        "| waivable | yes |",
        "| in force | from 2020-01-01 |",
        "4.2 CLEAN POLICY — Suppliers — **unverified**",
        "*Note:* The section number is from a draft of the policy.",
        "`clean_personal_data` — Tillgången innehåller personuppgifter",
        "- en: Require ISO/IEC 27001 in the contract.",
        "| Uncertified supplier — CLEAN-ISO fires | `test/tests/cases.yaml` | decision date | fires |",
        "| CLEAN-ISO is not in force the day before the policy | `test/tests/cases.yaml` | 2019-12-31 | does not fire |",
        "## Source",
        "for party in parties() {",
    ] {
        assert!(s.contains(want), "`{want}` missing from:\n{s}");
    }
    assert!(s.find("## Source").unwrap() > s.find("**Tests**").unwrap());
}

#[test]
fn show_unknown_rule_suggests_a_near_miss() {
    let o = granska(&[
        "rules",
        "show",
        "CLEAN-IS0",
        "--no-default-rules",
        "--rules",
        &fixture("clean"),
    ]);
    assert_eq!(o.code, Some(2), "{}", o.all());
    assert!(o.all().contains("did you mean `CLEAN-ISO`?"), "{}", o.all());
}

// ---------------------------------------------------------------- test

/// A failing case: exit 1, expected vs actual, and the summary as the last line.
#[test]
fn test_failing_case_exits_1() {
    let o = granska(&[
        "rules",
        "test",
        "--no-default-rules",
        "--rules",
        "tests/fixtures/rules/failing-test",
    ]);
    assert_eq!(o.code, Some(1), "{}", o.all());
    assert!(o.stdout.contains("FAIL  "), "{}", o.stdout);
    let (_, failed) = summary(&o.stdout);
    assert!(failed > 0, "{}", o.stdout);
}

/// A rule without tests fails the run unless `--fail-under` accepts the share covered.
#[test]
fn test_rule_without_tests_fails_unless_fail_under_allows() {
    let base = ["rules", "test", "--no-default-rules", "--rules"];
    let untested = fixture("untested");
    let run = |extra: &[&str]| {
        let mut a: Vec<&str> = base.to_vec();
        a.push(&untested);
        a.extend_from_slice(extra);
        granska(&a)
    };
    let o = run(&[]);
    assert_eq!(o.code, Some(1), "{}", o.all());
    assert!(
        o.stdout.contains("coverage: 2 rules, 1 fully covered"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout.lines().any(|l| l.contains("UNTESTED-BARE")
            && l.contains("no case where it fires, none where it does not")),
        "{}",
        o.stdout
    );
    assert_eq!(summary(&o.stdout), (2, 0));
    let o = run(&["--fail-under", "50"]);
    assert_eq!(o.code, Some(0), "{}", o.all());
    assert_eq!(summary(&o.stdout), (2, 0));
    let o = run(&["--fail-under", "60"]);
    assert_eq!(o.code, Some(1), "{}", o.all());
    assert!(o.stdout.contains("below --fail-under 60%"), "{}", o.stdout);
    assert_eq!(run(&["--fail-under", "150"]).code, Some(2));
}

/// Facts no case derives (or never true), and in-force dates without a case on each side.
#[test]
fn test_reports_facts_and_date_boundaries() {
    let o = granska(&[
        "rules",
        "test",
        "--no-default-rules",
        "--rules",
        &fixture("untested"),
    ]);
    let s = &o.stdout;
    assert!(
        s.contains("facts never derived in any passing case: untested_orphan"),
        "{s}"
    );
    assert!(
        s.contains("facts never true in any passing case: untested_flag"),
        "{s}"
    );
    for want in [
        (
            "UNTESTED-COVERED",
            "from 2020-01-01: no case on 2019-12-31, 2020-01-01",
        ),
        (
            "UNTESTED-BARE",
            "to 2030-12-31: no case on 2030-12-31, 2031-01-01",
        ),
    ] {
        assert!(
            s.lines().any(|l| l.contains(want.0) && l.contains(want.1)),
            "{want:?} missing:\n{s}"
        );
    }
}

/// A rulebook whose cases cover every rule and every date prints no advice.
#[test]
fn test_fully_covered_rulebook_prints_no_advice() {
    let o = granska(&[
        "rules",
        "test",
        "--no-default-rules",
        "--rules",
        &fixture("clean"),
    ]);
    assert_eq!(o.code, Some(0), "{}", o.all());
    assert!(
        o.stdout.contains("coverage: 2 rules, 2 fully covered"),
        "{}",
        o.stdout
    );
    assert!(
        !o.stdout.contains("date boundaries") && !o.stdout.contains("facts never"),
        "{}",
        o.stdout
    );
    assert_eq!(summary(&o.stdout), (7, 0));
}

// ---------------------------------------------------------------- defs

/// rules/granska.d.rhai and docs/helper-api.md are generated from the current API table.
#[test]
fn defs_committed_are_current() {
    for file in ["rules/granska.d.rhai", "docs/helper-api.md"] {
        let o = granska(&["rules", "defs", "-o", file, "--check"]);
        assert_eq!(
            o.code,
            Some(0),
            "{file} is stale: run `granska rules defs -o {file}`\n{}",
            o.all()
        );
    }
    let defs = std::fs::read_to_string(Path::new(ROOT).join("rules/granska.d.rhai")).unwrap();
    assert!(defs.contains("module static;"));
    assert!(
        defs.contains("fn lookup(set: String, key: String, date: String) -> ?;"),
        "{defs}"
    );
    assert!(
        defs.contains("fn get chain_text(this: Party) -> String;"),
        "{defs}"
    );
    let md = std::fs::read_to_string(Path::new(ROOT).join("docs/helper-api.md")).unwrap();
    assert!(
        md.contains("### `add_years(date: String, n: int) -> String`") && md.contains("```rhai"),
        "{md}"
    );
}

#[test]
fn defs_stale_fails_check() {
    let dir = tempdir();
    let file = dir.path().join("granska.d.rhai");
    let f = file.to_str().unwrap();
    assert_eq!(granska(&["rules", "defs", "-o", f]).code, Some(0));
    assert_eq!(
        granska(&["rules", "defs", "-o", f, "--check"]).code,
        Some(0)
    );
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("fn add_days", "fn add_dayz");
    std::fs::write(&file, text).unwrap();
    let o = granska(&["rules", "defs", "-o", f, "--check"]);
    assert_eq!(o.code, Some(1), "{}", o.all());
    assert!(o.stdout.contains("stale: "), "{}", o.stdout);
}

// ---------------------------------------------------------------- the guides

struct Block {
    lang: String,
    file: Option<String>,
    exit: i32,
    body: String,
}

/// The fenced code blocks of a Markdown file with their info strings
/// (```` ```sh exit=1 ````, ```` ```rhai file=PATH ````).
fn blocks(md: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut current: Option<Block> = None;
    for line in md.lines() {
        if let Some(info) = line.strip_prefix("```") {
            match current.take() {
                Some(b) => out.push(b),
                None => {
                    let mut words = info.split_whitespace();
                    let lang = words.next().unwrap_or("").to_string();
                    let mut b = Block {
                        lang,
                        file: None,
                        exit: 0,
                        body: String::new(),
                    };
                    for w in words {
                        if let Some(f) = w.strip_prefix("file=") {
                            b.file = Some(f.to_string());
                        } else if let Some(e) = w.strip_prefix("exit=") {
                            b.exit = e.parse().unwrap();
                        }
                    }
                    current = Some(b);
                }
            }
        } else if let Some(b) = current.as_mut() {
            b.body.push_str(line);
            b.body.push('\n');
        }
    }
    out
}

/// Replay a guide in a scratch copy of the repository's rules, docs, schema and scenarios:
/// write every block with `file=`, run every `sh` block with the granska under test first on
/// PATH, and check its exit code. Returns the number of commands run.
fn replay(guide: &str) -> usize {
    let root = Path::new(ROOT);
    let md = std::fs::read_to_string(root.join(guide)).unwrap();
    let dir = tempdir();
    for d in ["rules", "scenarios", "schema", "docs"] {
        copy_dir(&root.join(d), &dir.path().join(d));
    }
    let bin = assert_cmd::cargo::cargo_bin("granska");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut commands = 0;
    for b in blocks(&md) {
        if let Some(file) = &b.file {
            let target = dir.path().join(file);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(&target, &b.body).unwrap();
        } else if b.lang == "sh" {
            commands += b
                .body
                .lines()
                .filter(|l| l.trim_start().starts_with("granska "))
                .count();
            let out = std::process::Command::new("bash")
                .args(["-euo", "pipefail", "-c", &b.body])
                .current_dir(dir.path())
                .env("PATH", &path)
                .env("NO_COLOR", "1")
                .output()
                .expect("bash runs");
            assert_eq!(
                out.status.code(),
                Some(b.exit),
                "{guide}: block\n{}exited {:?}, expected {}\n{}{}",
                b.body,
                out.status.code(),
                b.exit,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    commands
}

/// docs/writing-rules.md from start to finish: every command in it works as written.
#[test]
fn writing_rules_guide_replays() {
    let n = replay("docs/writing-rules.md");
    assert!(n >= 12, "only {n} commands in the guide");
}

/// docs/editor-support.md: its commands work as written.
#[test]
fn editor_support_guide_replays() {
    let n = replay("docs/editor-support.md");
    assert!(n >= 3, "only {n} commands in the guide");
}
