//! `granska rules test`: rule tests are data beside the rules. Each case names a scenario
//! (a file, inline, or a base file plus a patch), an optional date, and what must and must
//! not fire. Every failure is collected before the run fails, with expected vs actual.

pub mod coverage;
pub mod patch;

use std::collections::BTreeSet;
use std::path::{Component, Path};
use std::sync::{Arc, OnceLock};

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use crate::diag::{Problem, Problems};
pub use coverage::{Coverage, coverage};

use crate::eval::{Evaluation, Evaluator};
use crate::rulebook::{Rulebook, Severity, Tree, discover};
use crate::scenario::parse::{TopLevel, parse_yaml};
use crate::scenario::{self, LoadedScenario, SpanIndex};
use crate::schemacheck::Checker;
use crate::source::SourceFile;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub name: String,
    /// A path relative to the test file, or an inline scenario.
    pub scenario: Option<Value>,
    /// A scenario file to patch (relative to the test file).
    pub base: Option<String>,
    pub patch: Option<patch::Patch>,
    #[schemars(pattern(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub as_of: Option<String>,
    pub expect: Expect,
}

#[derive(Debug, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    #[serde(default)]
    pub fires: Vec<Fire>,
    #[serde(default)]
    pub not_fires: Vec<String>,
    pub verdict: Option<String>,
    /// Rules expected to fail with an error (for engine and sandbox tests).
    #[serde(default)]
    pub errors: Vec<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fire {
    pub rule: String,
    pub at: Option<String>,
    pub severity: Option<Severity>,
    pub kind: Option<String>,
    pub count: Option<usize>,
}

/// The result of one case.
#[derive(Debug)]
pub struct CaseResult {
    pub file: String,
    pub name: String,
    pub failures: Vec<String>,
    pub fired_asserted: Vec<String>,
    pub not_fired_asserted: Vec<String>,
    pub as_of: String,
    /// Facts that got a value (true or false) for some subject in this case.
    pub facts_known: BTreeSet<String>,
    /// Facts that were true for some subject in this case.
    pub facts_true: BTreeSet<String>,
}

#[derive(Debug, Default)]
pub struct Run {
    pub cases: Vec<CaseResult>,
}

fn checker() -> &'static Checker {
    static C: OnceLock<Checker> = OnceLock::new();
    C.get_or_init(|| {
        Checker::for_type::<Vec<Case>>(
            "granska::ruletest",
            "https://granska.se/schema/rule-tests-v1.json",
        )
    })
}

/// Run every test file of the rulebook; `filter` keeps cases whose name or rule ids match.
pub fn run(rulebook: &Arc<Rulebook>, filter: Option<&regex::Regex>) -> Result<Run, Problems> {
    let evaluator = Evaluator::new(rulebook.clone());
    // A rule that does not compile is a problem of the rulebook, whether or not a case
    // reaches it (embedded rules are otherwise compiled on first use).
    let mut problems = rulebook.compile_all();
    let mut run = Run::default();
    for test in &rulebook.tests {
        let file = match test.read() {
            Ok(f) => f,
            Err(p) => {
                problems.push(p);
                continue;
            }
        };
        match run_file(&evaluator, &test.tree, test.rel(), &file, filter) {
            Ok(mut cases) => run.cases.append(&mut cases),
            Err(ps) => problems.extend(ps),
        }
    }
    problems.into_result(run)
}

fn run_file(
    evaluator: &Evaluator,
    tree: &Tree,
    rel: &str,
    file: &Arc<SourceFile>,
    filter: Option<&regex::Regex>,
) -> Result<Vec<CaseResult>, Problems> {
    let (value, spans) = parse_yaml(file, TopLevel::Sequence)?;
    let problems = checker().check(file, &value, &spans);
    if !problems.is_empty() {
        return Err(problems);
    }
    let cases: Vec<Case> = serde_json::from_value(value.clone()).map_err(|e| {
        Problems::from(Problem::new("granska::ruletest::invalid", e.to_string()).in_file(file))
    })?;
    let mut out = Vec::new();
    let mut problems = Problems::default();
    for (i, case) in cases.iter().enumerate() {
        let mentioned = case
            .expect
            .fires
            .iter()
            .map(|f| f.rule.as_str())
            .chain(case.expect.not_fires.iter().map(String::as_str));
        if let Some(re) = filter
            && !re.is_match(&case.name)
            && !mentioned.clone().any(|r| re.is_match(r))
        {
            continue;
        }
        let here = format!("[{i}]");
        let loaded = match scenario_of(
            evaluator.rulebook.as_ref(),
            tree,
            rel,
            file,
            &value[i],
            &spans,
            &here,
            case,
        ) {
            Ok(l) => l,
            Err(ps) => {
                problems.extend(ps);
                continue;
            }
        };
        for rule in mentioned.chain(case.expect.errors.iter().map(String::as_str)) {
            if evaluator.rulebook.rule(rule).is_none() {
                problems.push(
                    Problem::new(
                        "granska::ruletest::unknown-rule",
                        format!(
                            "case `{}` names rule `{rule}`, which is not in the rulebook",
                            case.name
                        ),
                    )
                    .at(file, spans.label_span(&format!("{here}.expect"))),
                );
            }
        }
        let evaluation = evaluator.evaluate(Arc::new(loaded), case.as_of.as_deref());
        out.push(judge(file, case, &evaluation));
    }
    problems.into_result(out)
}

#[allow(clippy::too_many_arguments)]
fn scenario_of(
    rulebook: &Rulebook,
    tree: &Tree,
    rel: &str,
    file: &Arc<SourceFile>,
    case_value: &Value,
    spans: &SpanIndex,
    here: &str,
    case: &Case,
) -> Result<LoadedScenario, Problems> {
    let at = |key: &str| spans.label_span(&format!("{here}.{key}"));
    match (&case.scenario, &case.base) {
        (Some(Value::String(path)), None) if case.patch.is_none() => {
            let source = resolve(tree, rel, path).map_err(|p| Problems::from(p.at(file, at("scenario"))))?;
            scenario::load_source(source, rulebook)
        }
        (Some(Value::Object(_)), None) if case.patch.is_none() => {
            let sub = spans.subtree(&format!("{here}.scenario"));
            scenario::from_value(file.clone(), case_value["scenario"].clone(), sub, rulebook)
        }
        (None, Some(base)) => {
            let source = resolve(tree, rel, base).map_err(|p| Problems::from(p.at(file, at("base"))))?;
            let (mut value, base_spans) = parse_yaml(&source, TopLevel::Mapping)?;
            if let Some(p) = &case.patch {
                p.apply(&mut value).map_err(|msg| {
                    Problems::from(Problem::new("granska::ruletest::patch", msg).at(file, at("patch")).label("cannot apply"))
                })?;
            }
            scenario::from_value(source, value, base_spans, rulebook)
        }
        _ => Err(Problem::new(
            "granska::ruletest::invalid",
            format!("case `{}` needs either `scenario` (a path or a mapping) or `base` with an optional `patch`", case.name),
        )
        .at(file, spans.label_span(here))
        .into()),
    }
}

/// A scenario path relative to the test file: on disk for folder trees; inside the embedded
/// `rules/` and `scenarios/` for the built-in rulebook.
fn resolve(tree: &Tree, rel: &str, path: &str) -> Result<Arc<SourceFile>, Problem> {
    let test_dir = Path::new(rel).parent().unwrap_or(Path::new(""));
    match tree {
        Tree::Dir(root) => {
            let full = root.join(test_dir).join(path);
            scenario::parse::read_source(&full)
        }
        Tree::Builtin => {
            let joined = normalize(&Path::new("rules").join(test_dir).join(path));
            discover::read_builtin_repo_file(&joined)
                .ok_or_else(|| Problem::new("granska::io", format!("no built-in file {joined}")))
        }
    }
}

fn normalize(p: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                parts.pop();
            }
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    parts.join("/")
}

fn judge(file: &Arc<SourceFile>, case: &Case, e: &Evaluation) -> CaseResult {
    let mut failures = Vec::new();
    let standing: Vec<_> = e.findings.iter().filter(|f| f.stands()).collect();
    for fire in &case.expect.fires {
        let matching: Vec<_> = standing
            .iter()
            .filter(|f| {
                f.rule == fire.rule
                    && fire.at.as_deref().is_none_or(|at| f.path == at)
                    && fire.severity.is_none_or(|s| f.severity == s)
                    && fire.kind.as_deref().is_none_or(|k| f.kind.as_str() == k)
            })
            .collect();
        let ok = match fire.count {
            Some(n) => matching.len() == n,
            None => !matching.is_empty(),
        };
        if !ok {
            let mut want = format!("expected {} to fire", fire.rule);
            if let Some(at) = &fire.at {
                want.push_str(&format!(" at {at}"));
            }
            if let Some(s) = fire.severity {
                want.push_str(&format!(" as {}", s.as_str()));
            }
            if let Some(k) = &fire.kind {
                want.push_str(&format!(" ({k})"));
            }
            if let Some(n) = fire.count {
                want.push_str(&format!(" {n} time(s), found {}", matching.len()));
            }
            let actual: Vec<String> = standing
                .iter()
                .filter(|f| f.rule == fire.rule)
                .map(|f| describe(f))
                .collect();
            if actual.is_empty() {
                want.push_str(&format!("; it did not fire ({})", status_of(e, &fire.rule)));
            } else {
                want.push_str(&format!("; actual: {}", actual.join(" | ")));
            }
            failures.push(want);
        }
    }
    for rule in &case.expect.not_fires {
        let actual: Vec<String> = standing
            .iter()
            .filter(|f| &f.rule == rule)
            .map(|f| describe(f))
            .collect();
        if !actual.is_empty() {
            failures.push(format!(
                "expected {rule} not to fire; actual: {}",
                actual.join(" | ")
            ));
        }
        if let Some((_, err)) = e.errors().find(|(o, _)| &o.rule == rule) {
            failures.push(format!(
                "{rule} failed instead of passing: {} ({}:{})",
                err.message, err.line, err.column
            ));
        }
    }
    for rule in &case.expect.errors {
        if !e.errors().any(|(o, _)| &o.rule == rule) {
            failures.push(format!("expected {rule} to fail with an error; it did not"));
        }
    }
    if let Some(v) = &case.expect.verdict
        && e.verdict.as_str() != v.to_uppercase()
    {
        failures.push(format!("expected verdict {v}, got {}", e.verdict.as_str()));
    }
    // Any rule error not expected is a failure: a broken rule never passes silently.
    for (o, err) in e.errors() {
        if !case.expect.errors.contains(&o.rule) && !case.expect.not_fires.contains(&o.rule) {
            failures.push(format!(
                "rule {} failed: {} ({}:{}:{})",
                o.rule, err.message, err.file, err.line, err.column
            ));
        }
    }
    CaseResult {
        file: file.name.clone(),
        name: case.name.clone(),
        fired_asserted: if failures.is_empty() {
            case.expect.fires.iter().map(|f| f.rule.clone()).collect()
        } else {
            vec![]
        },
        not_fired_asserted: if failures.is_empty() {
            case.expect.not_fires.clone()
        } else {
            vec![]
        },
        failures,
        as_of: e.as_of.clone(),
        facts_known: e
            .facts
            .iter()
            .filter(|f| f.value.is_some())
            .map(|f| f.name.clone())
            .collect(),
        facts_true: e
            .facts
            .iter()
            .filter(|f| f.value == Some(true))
            .map(|f| f.name.clone())
            .collect(),
    }
}

fn describe(f: &crate::eval::Finding) -> String {
    format!(
        "{} {} at {} ({})",
        f.rule,
        f.severity.as_str(),
        if f.path.is_empty() { "<file>" } else { &f.path },
        f.kind.as_str()
    )
}

fn status_of(e: &Evaluation, rule: &str) -> String {
    e.outcomes
        .iter()
        .find(|o| o.rule == rule)
        .map(|o| match o.status {
            crate::eval::RuleStatus::NotInForce => format!("not in force on {}", e.as_of),
            crate::eval::RuleStatus::Passed => "it ran and passed".into(),
            crate::eval::RuleStatus::Fired => "it fired elsewhere".into(),
            crate::eval::RuleStatus::Errored => "it failed".into(),
        })
        .unwrap_or_else(|| "unknown rule".into())
}
