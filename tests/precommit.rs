//! `.pre-commit-hooks.yaml`, run by the real pre-commit framework (issue 5): pre-commit
//! validates the manifest, then builds granska from a clone of this working tree with
//! `cargo install` (language: rust), exactly as a user's repository would, and runs the
//! hooks from `git commit` in a temporary repository. A BLOCKED proposal is refused with its
//! findings shown, a CLEAR one passes, only staged scenario files are judged.
//!
//! The first run builds granska in release mode (minutes); the build, pre-commit's store and
//! the hook repository (committed with fixed dates, so the same tree is the same revision)
//! live under the target directory and are reused. Without pre-commit the tests print a
//! skip notice; with GRANSKA_CONSUMERS set they fail instead.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, OnceLock};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn work() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("precommit")
}

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
    Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

fn have_consumers() -> bool {
    consumer("git", runs_ok("git", &["--version"]))
        && consumer("cargo", runs_ok("cargo", &["--version"]))
        && consumer("pre-commit (PyPI)", runs_ok("pre-commit", &["--version"]))
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A command with a fixed git identity and dates, pre-commit's store and cargo's build
/// folder under the target directory, and a quicker release profile for the hook build.
fn cmd(program: &str, dir: &Path) -> Command {
    let mut c = Command::new(program);
    c.current_dir(dir)
        .env("GIT_AUTHOR_NAME", "granska-test")
        .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
        .env("GIT_COMMITTER_NAME", "granska-test")
        .env("GIT_COMMITTER_EMAIL", "test@example.invalid")
        .env("GIT_AUTHOR_DATE", "2000-01-01T00:00:00+00:00")
        .env("GIT_COMMITTER_DATE", "2000-01-01T00:00:00+00:00")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("PRE_COMMIT_HOME", work().join("store"))
        .env("PRE_COMMIT_COLOR", "never")
        .env("CARGO_TARGET_DIR", work().join("cargo-target"))
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .env("NO_COLOR", "1");
    c
}

fn run(program: &str, dir: &Path, args: &[&str]) -> Output {
    cmd(program, dir)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} {args:?}: {e}"))
}

fn ok(program: &str, dir: &Path, args: &[&str]) -> String {
    let out = run(program, dir, args);
    assert!(
        out.status.success(),
        "{program} {args:?} failed:\n{}",
        text(&out)
    );
    text(&out)
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let path = entry.path();
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&path, &to.join(&name));
        } else if entry.file_type().unwrap().is_file() {
            std::fs::copy(&path, to.join(&name)).unwrap();
        }
    }
}

/// This working tree as a git repository (the hook source), and its revision. Prepared once
/// per test binary; the other test waits for it.
fn hook_repo() -> (PathBuf, String) {
    static REPO: OnceLock<(PathBuf, String)> = OnceLock::new();
    static LOCK: Mutex<()> = Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    REPO.get_or_init(|| {
        let repo = work().join("hook-repo");
        let _ = std::fs::remove_dir_all(&repo);
        copy_tree(root(), &repo);
        ok("git", &repo, &["init", "-q"]);
        ok("git", &repo, &["add", "-A"]);
        ok(
            "git",
            &repo,
            &["commit", "-q", "--no-verify", "-m", "granska working tree"],
        );
        let rev = ok("git", &repo, &["rev-parse", "HEAD"]).trim().to_string();
        (repo, rev)
    })
    .clone()
}

/// A fresh repository using the hooks from the hook repository, with them installed.
fn consumer_repo(hooks: &[&str]) -> tempfile::TempDir {
    let (repo, rev) = hook_repo();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok("git", d, &["init", "-q"]);
    let ids: String = hooks.iter().map(|h| format!("      - id: {h}\n")).collect();
    let config = format!(
        "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n{ids}",
        repo.display()
    );
    std::fs::write(d.join(".pre-commit-config.yaml"), config).unwrap();
    ok("pre-commit", d, &["install"]);
    // Builds granska with `cargo install` on the first run (or reuses the store).
    let out = run("pre-commit", d, &["install-hooks"]);
    assert!(
        out.status.success(),
        "pre-commit could not install the hooks:\n{}",
        text(&out)
    );
    dir
}

fn scenario(name: &str) -> String {
    std::fs::read_to_string(root().join("scenarios").join(name)).unwrap()
}

fn write(dir: &Path, rel: &str, content: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

fn commit(dir: &Path, message: &str) -> Output {
    run("git", dir, &["commit", "-m", message])
}

fn commits(dir: &Path) -> usize {
    let out = run("git", dir, &["rev-list", "--count", "HEAD"]);
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(0)
}

/// pre-commit itself accepts the manifest.
#[test]
fn hooks_manifest_is_valid_for_pre_commit() {
    if !consumer("pre-commit (PyPI)", runs_ok("pre-commit", &["--version"])) {
        return;
    }
    let out = run(
        "pre-commit",
        root(),
        &["validate-manifest", ".pre-commit-hooks.yaml"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let manifest = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    for id in [
        "id: granska-check",
        "id: granska-rules-doc",
        "entry: granska check",
        "language: rust",
    ] {
        assert!(
            manifest.contains(id),
            "{id} missing from .pre-commit-hooks.yaml"
        );
    }
}

/// The granska-check hook, from `git commit`: CLEAR passes, BLOCKED is refused with the
/// findings shown, only staged scenario files are judged (not untracked ones, not unstaged
/// changes, not YAML outside `scenarios/`).
#[test]
fn pre_commit_hook_refuses_a_blocked_proposal() {
    if !have_consumers() {
        return;
    }
    let repo = consumer_repo(&["granska-check"]);
    let d = repo.path();

    // A CLEAR proposal passes.
    write(
        d,
        "scenarios/e-tjanst.yaml",
        &scenario("clear-e-tjanst.yaml"),
    );
    ok("git", d, &["add", "-A"]);
    let out = commit(d, "clear");
    assert!(
        out.status.success(),
        "a CLEAR proposal must be committed:\n{}",
        text(&out)
    );
    assert!(
        text(&out).contains("granska check") && text(&out).contains("Passed"),
        "{}",
        text(&out)
    );
    assert_eq!(commits(d), 1);

    // A BLOCKED one is refused, with its findings.
    write(
        d,
        "scenarios/transportstyrelsen.yaml",
        &scenario("transportstyrelsen-2015.yaml"),
    );
    ok("git", d, &["add", "scenarios/transportstyrelsen.yaml"]);
    let out = commit(d, "blocked");
    let said = text(&out);
    assert!(
        !out.status.success(),
        "a BLOCKED proposal must be refused:\n{said}"
    );
    assert_eq!(commits(d), 1, "nothing was committed");
    assert!(said.contains("Failed"), "{said}");
    assert!(
        said.contains("STOPP (BLOCKED)"),
        "the verdict is shown:\n{said}"
    );
    assert!(
        said.contains("SSL-PERSONNEL-CLEARANCE") && said.contains("transportstyrelsen.yaml:"),
        "the findings are shown at their lines:\n{said}"
    );

    // Unstaged, untracked: not judged. The staged CLEAR change passes.
    ok(
        "git",
        d,
        &["reset", "-q", "scenarios/transportstyrelsen.yaml"],
    );
    let clear = scenario("clear-e-tjanst.yaml");
    let title = clear
        .lines()
        .find(|l| l.starts_with("title:"))
        .expect("a title")
        .to_string();
    write(
        d,
        "scenarios/e-tjanst.yaml",
        &clear.replace(&title, "title: Ny rubrik"),
    );
    ok("git", d, &["add", "scenarios/e-tjanst.yaml"]);
    let out = commit(d, "clear again, blocked file untracked");
    assert!(
        out.status.success(),
        "an untracked BLOCKED file must not be judged:\n{}",
        text(&out)
    );
    assert_eq!(commits(d), 2);

    // The staged content is judged, not the working tree's.
    write(d, "scenarios/delvis.yaml", &clear);
    ok("git", d, &["add", "scenarios/delvis.yaml"]);
    write(
        d,
        "scenarios/delvis.yaml",
        &scenario("transportstyrelsen-2015.yaml"),
    );
    let out = commit(d, "staged clear, unstaged blocked");
    assert!(
        out.status.success(),
        "unstaged changes must not be judged:\n{}",
        text(&out)
    );
    assert_eq!(commits(d), 3);
    assert_eq!(
        std::fs::read_to_string(d.join("scenarios/delvis.yaml")).unwrap(),
        scenario("transportstyrelsen-2015.yaml"),
        "pre-commit restores the unstaged change"
    );

    // YAML that is not a scenario (outside scenarios/) is not given to granska.
    write(d, "config/settings.yaml", "not: a scenario\n");
    ok("git", d, &["add", "config/settings.yaml"]);
    let out = commit(d, "other yaml");
    assert!(
        out.status.success(),
        "YAML outside scenarios/ must not be judged:\n{}",
        text(&out)
    );
    assert!(text(&out).contains("Skipped"), "{}", text(&out));
}

/// The granska-rules-doc hook fails when docs/rules/ is stale for rules/, passes when it is
/// current. Needs `granska rules doc` (issue 4); until it exists this says so and returns.
#[test]
fn pre_commit_rules_doc_hook_catches_a_stale_catalogue() {
    if !have_consumers() {
        return;
    }
    let probe = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_granska"))
        .current_dir(root())
        .args(["rules", "doc", "-o"])
        .arg(probe.path().join("docs"))
        .args([
            "--no-default-rules",
            "--rules",
            "tests/fixtures/rules/basic",
        ])
        .output()
        .unwrap();
    if !out.status.success() {
        eprintln!(
            "SKIP: `granska rules doc` does not work yet (issue 4):\n{}",
            text(&out)
        );
        return;
    }
    let repo = consumer_repo(&["granska-rules-doc"]);
    let d = repo.path();
    copy_tree(&root().join("tests/fixtures/rules/basic"), &d.join("rules"));
    let out = Command::new(env!("CARGO_BIN_EXE_granska"))
        .current_dir(d)
        .args([
            "rules",
            "doc",
            "-o",
            "docs/rules",
            "--no-default-rules",
            "--rules",
            "rules",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    ok("git", d, &["add", "-A"]);
    let out = commit(d, "rules and their catalogue");
    assert!(
        out.status.success(),
        "a current catalogue passes:\n{}",
        text(&out)
    );

    // Change a rule's title without regenerating the catalogue.
    let rule = std::fs::read_dir(d.join("rules"))
        .unwrap()
        .flat_map(|e| std::fs::read_dir(e.unwrap().path()).into_iter().flatten())
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.extension().is_some_and(|x| x == "rhai")
                && std::fs::read_to_string(p).unwrap().contains("//!   en: ")
        })
        .expect("a rule with an English title");
    let source = std::fs::read_to_string(&rule).unwrap();
    std::fs::write(
        &rule,
        source.replacen("//!   en: ", "//!   en: Changed ", 1),
    )
    .unwrap();
    ok("git", d, &["add", "-A"]);
    let out = commit(d, "stale");
    assert!(
        !out.status.success(),
        "a stale catalogue must be refused:\n{}",
        text(&out)
    );
    assert!(
        text(&out).contains("granska rule catalogue is current") && text(&out).contains("Failed"),
        "{}",
        text(&out)
    );
}
