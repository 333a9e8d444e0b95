//! Every shipped scenario documents its verdict in its header comment, e.g.
//! `# Expected verdict: BLOCKED (as of 2022-08-15); CONDITIONAL with --as-of 2023-08-01`.
//! This test reads those lines and checks them against `granska check --format json`, so a
//! scenario added to `scenarios/` is covered without touching this file.

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use regex::Regex;
use serde_json::Value;

/// One claim of a header: the verdict, and the `--as-of` date it is claimed for (None = the
/// decision date).
#[derive(Debug, PartialEq)]
struct Claim {
    verdict: String,
    as_of: Option<String>,
}

/// The claims of one `Expected verdict:` line. The first verdict is for the decision date
/// (`(as of DATE)` after it is a comment); each `VERDICT with --as-of DATE` is another claim.
fn claims(line: &str) -> Vec<Claim> {
    let first =
        Regex::new(r"Expected verdict:\s*(BLOCKED|CONDITIONAL|CLEAR|INCOMPLETE)\b").unwrap();
    let other =
        Regex::new(r"\b(BLOCKED|CONDITIONAL|CLEAR|INCOMPLETE) with --as-of (\d{4}-\d{2}-\d{2})")
            .unwrap();
    let mut out = Vec::new();
    if let Some(c) = first.captures(line) {
        out.push(Claim {
            verdict: c[1].to_string(),
            as_of: None,
        });
    }
    for c in other.captures_iter(line) {
        out.push(Claim {
            verdict: c[1].to_string(),
            as_of: Some(c[2].to_string()),
        });
    }
    out
}

fn verdicts(args: &[&str]) -> Vec<(String, String)> {
    let out = Command::cargo_bin("granska")
        .expect("the granska binary is built")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .args(["--format", "json"])
        .timeout(Duration::from_secs(300))
        .output()
        .expect("granska runs");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "granska {args:?}: not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    json["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["file"].as_str().unwrap().to_string(),
                r["verdict"].as_str().unwrap_or("INVALID").to_string(),
            )
        })
        .collect()
}

/// The header parser reads both shapes of the line.
#[test]
fn expected_verdict_lines_are_parsed() {
    assert_eq!(
        claims("# Expected verdict: CLEAR"),
        vec![Claim {
            verdict: "CLEAR".into(),
            as_of: None
        }]
    );
    assert_eq!(
        claims(
            "# Expected verdict: BLOCKED (as of 2022-08-15); CONDITIONAL with --as-of 2023-08-01"
        ),
        vec![
            Claim {
                verdict: "BLOCKED".into(),
                as_of: None
            },
            Claim {
                verdict: "CONDITIONAL".into(),
                as_of: Some("2023-08-01".into())
            }
        ]
    );
}

/// Each shipped scenario reaches the verdict its header documents, on each date the header names.
#[test]
fn shipped_scenarios_reach_their_documented_verdicts() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".yml"))
        .collect();
    files.sort();
    assert!(!files.is_empty());

    let at_decision: Vec<(String, String)> = verdicts(&["check", "scenarios"]);
    let mut wrong = Vec::new();
    let mut checked = 0;
    for name in &files {
        let file = format!("scenarios/{name}");
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let line = text
            .lines()
            .take_while(|l| l.starts_with('#') || l.trim().is_empty())
            .find(|l| l.contains("Expected verdict:"));
        let Some(line) = line else {
            wrong.push(format!(
                "{file}: no `# Expected verdict:` line in the header comment"
            ));
            continue;
        };
        let claims = claims(line);
        if claims.is_empty() {
            wrong.push(format!("{file}: cannot read `{}`", line.trim()));
        }
        for claim in claims {
            let actual = match &claim.as_of {
                None => at_decision
                    .iter()
                    .find(|(f, _)| *f == file)
                    .map(|(_, v)| v.clone()),
                Some(date) => verdicts(&["check", &file, "--as-of", date])
                    .first()
                    .map(|(_, v)| v.clone()),
            }
            .unwrap_or_else(|| "MISSING".into());
            checked += 1;
            if actual != claim.verdict {
                let when = claim
                    .as_of
                    .as_deref()
                    .map(|d| format!(" with --as-of {d}"))
                    .unwrap_or_default();
                wrong.push(format!(
                    "{file}{when}: documented {}, granska says {actual}",
                    claim.verdict
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {checked} documented verdicts do not hold:\n  {}",
        wrong.len(),
        wrong.join("\n  ")
    );
}
