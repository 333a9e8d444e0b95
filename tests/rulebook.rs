//! The shipped rulebook's own tests (`rules/<area>/tests/*.yaml`) run by `cargo test`: on the
//! `rules/` folder on disk and on the copy embedded in the binary. Both must pass with full
//! coverage (every rule fires in one case and stays silent in another).

use std::time::Duration;

use assert_cmd::Command;

/// `(exit code, stdout)` of `granska ARGS` in the crate root.
fn granska(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::cargo_bin("granska")
        .expect("the granska binary is built")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .args(args)
        .timeout(Duration::from_secs(300))
        .output()
        .expect("granska runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "granska panicked:\n{stderr}");
    (out.status.code(), format!("{stdout}{stderr}"))
}

/// The `N passed, 0 failed` line, with N > 0; fails with the FAIL lines otherwise.
fn assert_all_passed(code: Option<i32>, out: &str) {
    let fails: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("FAIL") || l.starts_with("        "))
        .collect();
    assert_eq!(
        code,
        Some(0),
        "rules test failed:\n{}\n\n{}",
        fails.join("\n"),
        out.lines().rev().take(20).collect::<Vec<_>>().join("\n")
    );
    let summary = out
        .lines()
        .rev()
        .find(|l| l.ends_with(" failed"))
        .unwrap_or_else(|| panic!("no summary line:\n{out}"));
    let (passed, failed) = summary
        .split_once(" passed, ")
        .unwrap_or_else(|| panic!("odd summary `{summary}`"));
    let passed: usize = passed
        .parse()
        .unwrap_or_else(|_| panic!("odd summary `{summary}`"));
    assert!(passed > 0, "no rule test ran: {summary}");
    assert_eq!(failed, "0 failed", "{summary}");
    let coverage = out
        .lines()
        .find(|l| l.starts_with("coverage: "))
        .unwrap_or_else(|| panic!("no coverage line:\n{out}"));
    let (rules, covered) = coverage
        .trim_start_matches("coverage: ")
        .split_once(" rules, ")
        .unwrap();
    assert_eq!(covered, format!("{rules} fully covered"), "{coverage}");
}

/// The rule tests in `rules/` pass when that folder is the whole rulebook.
#[test]
fn shipped_rulebook_tests_pass_from_disk() {
    let (code, out) = granska(&["rules", "test", "--no-default-rules", "--rules", "rules"]);
    assert_all_passed(code, &out);
}

/// The rulebook embedded in the binary (what `granska check` uses anywhere) passes its tests.
#[test]
fn builtin_rulebook_tests_pass() {
    let (code, out) = granska(&["rules", "test"]);
    assert_all_passed(code, &out);
}

/// The embedded rulebook is the one on disk: the same number of cases pass.
#[test]
fn builtin_rulebook_is_the_one_on_disk() {
    let (_, disk) = granska(&["rules", "test", "--no-default-rules", "--rules", "rules"]);
    let (_, builtin) = granska(&["rules", "test"]);
    let last = |s: &str| {
        s.lines()
            .rev()
            .find(|l| l.ends_with(" failed"))
            .map(str::to_string)
    };
    assert_eq!(
        last(&disk),
        last(&builtin),
        "the binary embeds a different rulebook than rules/ (rebuild?)"
    );
}
