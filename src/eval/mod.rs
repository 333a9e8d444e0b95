//! Evaluation: the compiled rulebook × one scenario × one date → an [`Evaluation`]. No I/O.
//! Rules run in dependency order; a rule that fails is recorded with its position, the
//! others still run, and the verdict becomes INCOMPLETE.

pub mod api_docs;
pub mod bridge;
pub mod facts;
pub mod lists;
pub mod outcome;
pub mod receipt;
pub mod sandbox;
pub mod waivers;

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rhai::{Engine, EvalAltResult, Scope};

pub use outcome::{Evaluation, Finding, FindingKind, RuleOutcome, RuleStatus, Verdict};
use outcome::{RuleError, verdict_of};

use crate::diag::{Problem, Problems};
use crate::rulebook::{FactSubject, Rule, Rulebook, compile};
use crate::scenario::LoadedScenario;

/// A rulebook ready to judge scenarios; build once, share across threads.
pub struct Evaluator {
    pub rulebook: Arc<Rulebook>,
    engine: Engine,
    /// Tells this evaluator's function-resolution caches from another's on a thread.
    id: u64,
    /// Per rule (by position): each fact it needs, with the positions of the rules deriving it.
    derivers: Vec<Vec<(String, Vec<usize>)>>,
    /// Per rule (by position): what the sandbox knows of the running rule.
    contexts: Vec<Arc<sandbox::RuleCtx>>,
}

impl Evaluator {
    pub fn new(rulebook: Arc<Rulebook>) -> Evaluator {
        let engine = sandbox::engine(&rulebook);
        let rules = &rulebook.rules;
        let derivers = rules
            .iter()
            .map(|r| {
                r.meta
                    .needs
                    .iter()
                    .map(|fact| {
                        let by = (0..rules.len())
                            .filter(|&d| rules[d].meta.derives.contains(fact))
                            .collect();
                        (fact.clone(), by)
                    })
                    .collect()
            })
            .collect();
        let contexts = rules
            .iter()
            .map(|r| {
                let derives = (r.meta.derives.iter())
                    .map(|fact| {
                        // Loading checked that every derived fact is in the vocabulary.
                        let about = rulebook.facts.get(fact).map(|d| d.subject);
                        (fact.clone(), about.unwrap_or(FactSubject::Scenario))
                    })
                    .collect();
                Arc::new(sandbox::RuleCtx {
                    id: r.meta.id.clone(),
                    severity: r.meta.severity,
                    needs: r.meta.needs.clone(),
                    derives,
                })
            })
            .collect();
        static EVALUATORS: AtomicU64 = AtomicU64::new(0);
        Evaluator {
            rulebook,
            engine,
            id: EVALUATORS.fetch_add(1, Ordering::Relaxed),
            derivers,
            contexts,
        }
    }

    /// Judge a scenario as a user asks for it: like [`Evaluator::evaluate`], but a date on
    /// which no rule of the rulebook is in force is an error, not a CLEAR verdict that
    /// checked nothing. (Rule tests evaluate directly: a case may test a rule out of force.)
    pub fn judge(
        &self,
        loaded: Arc<LoadedScenario>,
        as_of: Option<&str>,
    ) -> Result<Evaluation, Problems> {
        match self.uncovered(&loaded, as_of) {
            Some(problem) => Err(problem.into()),
            None => Ok(self.evaluate(loaded, as_of)),
        }
    }

    /// The problem with judging `loaded` on a date no rule covers, if it is one.
    fn uncovered(&self, loaded: &LoadedScenario, as_of: Option<&str>) -> Option<Problem> {
        let date = as_of.unwrap_or(&loaded.scenario.decision.date);
        let rules = &self.rulebook.rules;
        if rules.iter().any(|r| r.meta.in_force.contains(date)) {
            return None;
        }
        let first = rules.iter().map(|r| r.meta.in_force.from.as_str()).min();
        let open_ended = rules.iter().any(|r| r.meta.in_force.to.is_none());
        let last = rules
            .iter()
            .filter_map(|r| r.meta.in_force.to.as_deref())
            .max();
        let covered = match (first, last) {
            (Some(first), _) if open_ended => format!("its first rules came into force on {first}"),
            (Some(first), Some(last)) => format!("its rules are in force from {first} to {last}"),
            _ => "it has no rules".to_string(),
        };
        let problem = Problem::new(
            "granska::rules::no-law-in-force",
            format!("no rule of the rulebook is in force on {date}, so nothing can be judged"),
        );
        Some(match as_of {
            Some(_) => problem.help(format!(
                "{covered}; choose an --as-of date within that period"
            )),
            None => problem
                .at(&loaded.file, loaded.spans.label_span("decision.date"))
                .label("decision date")
                .help(format!(
                    "{covered}; check decision.date, or judge under a later law with --as-of"
                )),
        })
    }

    /// Judge a scenario under the law of `as_of` (default: its decision date).
    pub fn evaluate(&self, loaded: Arc<LoadedScenario>, as_of: Option<&str>) -> Evaluation {
        let (as_of, source) = match as_of {
            Some(d) => (d.to_string(), "--as-of".to_string()),
            None => (
                loaded.scenario.decision.date.clone(),
                "decision.date".to_string(),
            ),
        };
        self.compile_in_force(&as_of);
        sandbox::set_operation_budget(compile::limits::operation_budget(elements(
            &loaded.scenario,
        )));
        let view = Arc::new(bridge::ScenarioView::build(loaded.clone()));
        sandbox::install(sandbox::RunState {
            view,
            as_of: as_of.as_str().into(),
            rule: Arc::new(sandbox::RuleCtx {
                id: String::new(),
                severity: crate::rulebook::Severity::Info,
                needs: vec![],
                derives: vec![],
            }),
            facts: Default::default(),
            findings: Vec::new(),
        });
        let in_force: Vec<bool> = (self.rulebook.rules.iter())
            .map(|r| r.meta.in_force.contains(&as_of))
            .collect();
        let mut outcomes = Vec::with_capacity(self.rulebook.rules.len());
        for (i, rule) in self.rulebook.rules.iter().enumerate() {
            if !in_force[i] {
                outcomes.push(RuleOutcome {
                    rule: rule.meta.id.clone(),
                    status: RuleStatus::NotInForce,
                    error: None,
                    micros: 0,
                    operations: 0,
                });
                continue;
            }
            let underived = self.derivers[i]
                .iter()
                .find(|(_, by)| !by.iter().any(|&d| in_force[d]));
            outcomes.push(match underived {
                Some((fact, _)) => underived_fact(rule, fact, &as_of),
                None => self.run_rule(i, rule, &self.contexts[i]),
            });
        }
        let state = sandbox::take().expect("state installed above");
        let mut findings = state.findings;
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        findings.dedup();
        let waivers = waivers::apply(&loaded, &self.rulebook, &as_of, &mut findings);
        let failed = outcomes.iter().any(|o| o.status == RuleStatus::Errored);
        let sc = &loaded.scenario;
        Evaluation {
            file: loaded.file.name.clone(),
            scenario_id: sc.id.clone(),
            title: sc.title.clone(),
            verdict: verdict_of(&findings, failed),
            receipt: receipt::receipt(&self.rulebook, loaded.file.sha256(), &as_of),
            as_of,
            as_of_source: source,
            findings,
            outcomes,
            facts: state.facts.into_values(),
            waivers,
        }
    }

    /// Compile, in parallel, the rules in force on `as_of` that no run has needed yet (the
    /// embedded rulebook is compiled on first use).
    fn compile_in_force(&self, as_of: &str) {
        let pending = |r: &&Rule| r.meta.in_force.contains(as_of) && !r.script.is_compiled();
        if self.rulebook.rules.iter().any(|r| pending(&r)) {
            use rayon::prelude::*;
            self.rulebook
                .rules
                .par_iter()
                .filter(pending)
                .for_each(|r| {
                    // A failure is reported when the rule runs.
                    let _ = r.ast();
                });
        }
    }

    /// Run one rule in force (the rule at `index` of the rulebook).
    fn run_rule(&self, index: usize, rule: &Rule, ctx: &Arc<sandbox::RuleCtx>) -> RuleOutcome {
        let id = rule.meta.id.clone();
        let ast = match rule.ast() {
            Ok(ast) => ast,
            Err(problem) => return failed_to_compile(rule, problem, id),
        };
        let before = sandbox::with_state(|s| {
            s.rule = ctx.clone();
            s.findings.len()
        })
        .unwrap_or(0);
        let started = Instant::now();
        sandbox::set_deadline(Some(
            started + Duration::from_millis(compile::limits::MAX_MILLIS),
        ));
        let (result, operations) = self.run_ast(index, ast);
        sandbox::set_deadline(None);
        let micros = started.elapsed().as_micros() as u64;
        match result {
            Ok(()) => {
                let fired = sandbox::with_state(|s| s.findings.len() > before).unwrap_or(false);
                RuleOutcome {
                    rule: id,
                    status: if fired {
                        RuleStatus::Fired
                    } else {
                        RuleStatus::Passed
                    },
                    error: None,
                    micros,
                    operations,
                }
            }
            Err(e) => {
                // Fail closed: what this rule derives can no longer be trusted.
                sandbox::with_state(|s| rule.meta.derives.iter().for_each(|d| s.facts.taint(d)));
                RuleOutcome {
                    rule: id,
                    status: RuleStatus::Errored,
                    error: Some(describe_error(rule, &e)),
                    micros,
                    operations,
                }
            }
        }
    }
}

thread_local! {
    /// Rhai's function-resolution caches of each rule, kept from one scenario to the next
    /// on this thread: (evaluator id, caches by rule position).
    static CACHES: RefCell<(u64, Vec<rhai::Caches>)> = const { RefCell::new((u64::MAX, Vec::new())) };
}

impl Evaluator {
    /// Run a rule's statements as `Engine::run_ast_with_scope` does, but with the
    /// function-resolution cache of the rule's last run on this thread: a fresh cache makes
    /// Rhai look up every function a rule calls again, for every scenario (~0.6 % of a
    /// batch's instructions). A cache maps a call's name and argument types to the function that
    /// answers it; for one compiled rule and one engine that never changes. Returns the
    /// result and the operations Rhai counted.
    fn run_ast(&self, index: usize, ast: &rhai::AST) -> (Result<(), Box<EvalAltResult>>, u64) {
        // Taken out, not borrowed, while the rule runs: nothing may hold the cell then.
        let mut caches = CACHES.with(|c| {
            let mut c = c.borrow_mut();
            if c.0 != self.id {
                *c = (self.id, Vec::new());
                c.1.resize_with(self.rulebook.rules.len(), new_caches);
            }
            (c.1.get_mut(index))
                .map(|slot| std::mem::replace(slot, rhai::Caches::new()))
                .unwrap_or_else(new_caches)
        });
        let mut global = self.engine.new_global_runtime_state();
        global.source = ast.source().map(Into::into);
        global.lib.push(ast.shared_lib().clone());
        #[allow(deprecated)] // the `internals` form of `run_ast_with_scope`; kept in Rhai 1.x
        let result = self.engine.eval_statements_raw(
            &mut global,
            &mut caches,
            &mut Scope::new(),
            ast.statements(),
        );
        CACHES.with(|c| {
            let mut c = c.borrow_mut();
            if c.0 == self.id
                && let Some(slot) = c.1.get_mut(index)
            {
                *slot = caches;
            }
        });
        (result.map(|_| ()), global.num_operations)
    }
}

/// Caches with one level that outlives a run: Rhai pushes a level for the statements of a
/// run only if there is none, and pops it at their end.
fn new_caches() -> rhai::Caches {
    let mut caches = rhai::Caches::new();
    caches.push_fn_resolution_cache();
    caches
}

/// Assets, parties and access entries: what the rules' work grows with.
fn elements(scenario: &crate::scenario::model::Scenario) -> u64 {
    fn parties(list: &[crate::scenario::model::Party]) -> u64 {
        list.iter()
            .map(|p| 1 + p.access.as_ref().map_or(0, Vec::len) as u64 + parties(&p.subcontractors))
            .sum()
    }
    scenario.assets.len() as u64 + parties(&scenario.suppliers)
}

/// A rule that needs a fact no rule in force derives would read it as never established;
/// it fails instead (the rulebook's periods do not fit together on this date).
fn underived_fact(rule: &Rule, fact: &str, as_of: &str) -> RuleOutcome {
    sandbox::with_state(|s| rule.meta.derives.iter().for_each(|d| s.facts.taint(d)));
    let (line, column) = rule.file.line_col(rule.header.label_span("needs").start);
    RuleOutcome {
        rule: rule.meta.id.clone(),
        status: RuleStatus::Errored,
        error: Some(RuleError {
            message: format!("it needs `{fact}`, but no rule in force on {as_of} derives it"),
            file: rule.file.name.clone(),
            line,
            column,
        }),
        micros: 0,
        operations: 0,
    }
}

/// A rule whose script does not compile counts as failed, never as passed.
fn failed_to_compile(rule: &Rule, problem: &crate::diag::Problem, id: String) -> RuleOutcome {
    sandbox::with_state(|s| rule.meta.derives.iter().for_each(|d| s.facts.taint(d)));
    let file = problem.file.as_ref().unwrap_or(&rule.file);
    let (line, column) = problem
        .span
        .map(|sp| file.line_col(sp.start))
        .unwrap_or((0, 0));
    RuleOutcome {
        rule: id,
        status: RuleStatus::Errored,
        error: Some(RuleError {
            message: problem.message.clone(),
            file: file.name.clone(),
            line,
            column,
        }),
        micros: 0,
        operations: 0,
    }
}

/// The innermost error, with its script and position (inside a `lib/` function if that is
/// where it happened).
fn describe_error(rule: &Rule, e: &EvalAltResult) -> RuleError {
    let mut err = e;
    let mut file = rule.file.name.clone();
    while let EvalAltResult::ErrorInFunctionCall(_, src, inner, _) = err {
        if !src.is_empty() {
            file = src.clone();
        }
        err = inner;
    }
    let pos = err.position();
    let mut message = err.to_string();
    if let Some(cut) = message.rfind(" (line ") {
        message.truncate(cut);
    }
    let message = match err {
        EvalAltResult::ErrorTooManyOperations(_) => {
            format!(
                "{message} (limit {})",
                compile::limits::MAX_OPERATIONS_CEILING
            )
        }
        EvalAltResult::ErrorTerminated(reason, _) => format!("stopped: {reason}"),
        // Say which limit: a rule that lists every party of a very large scenario in one
        // message meets the text limit, and its author needs the number.
        EvalAltResult::ErrorDataTooLarge(what, _) => {
            use compile::limits::{MAX_ARRAY_ITEMS, MAX_MAP_ENTRIES, MAX_STRING_BYTES};
            let limit = match what.as_str() {
                "Length of string" => format!("{} MB of text", MAX_STRING_BYTES >> 20),
                "Size of object map" => format!("{MAX_MAP_ENTRIES} entries in a map"),
                _ => format!("{MAX_ARRAY_ITEMS} items in an array"),
            };
            format!("{message} (limit {limit} per value)")
        }
        _ => message,
    };
    RuleError {
        message,
        file,
        line: pos.line().unwrap_or(0),
        column: pos.position().unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rulebook::{Script, Tree};
    use crate::source::SourceFile;

    /// Embedded rules are compiled on first use; one that does not compile then must fail
    /// closed like a rule that errors, never pass.
    #[test]
    fn a_rule_that_does_not_compile_on_first_use_fails_closed() {
        let mut rulebook = Rulebook::load(&[Tree::Builtin]).expect("standard rulebook");
        let broken = Arc::new(SourceFile::new(
            "broken.rhai",
            "broken.rhai",
            "//! id: X\nlet x = ;\n",
        ));
        let victim = rulebook
            .rules
            .iter_mut()
            .find(|r| r.meta.id == "SSL-ANALYSIS-1996")
            .expect("rule exists");
        victim.script = Script::new(broken);
        let evaluator = Evaluator::new(Arc::new(rulebook));
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("scenarios/transportstyrelsen-2015.yaml"),
        )
        .expect("seed scenario");
        let file = Arc::new(SourceFile::new("t.yaml", "t.yaml", text));
        let loaded = crate::scenario::load_source(file, evaluator.rulebook.as_ref())
            .expect("valid scenario");
        let evaluation = evaluator.evaluate(Arc::new(loaded), None);
        assert_eq!(evaluation.verdict, Verdict::Incomplete);
        let outcome = evaluation
            .outcomes
            .iter()
            .find(|o| o.rule == "SSL-ANALYSIS-1996")
            .expect("outcome recorded");
        assert_eq!(outcome.status, RuleStatus::Errored);
        let error = outcome.error.as_ref().expect("error described");
        assert!(error.message.contains("syntax"), "{}", error.message);
        assert_eq!(error.line, 2);
        // The other rules still ran and found what they find in the seed's case.
        assert!(
            evaluation
                .findings
                .iter()
                .any(|f| f.rule != "SSL-ANALYSIS-1996")
        );
    }

    /// Rhai's function-resolution caches are kept per rule from one scenario to the next on a
    /// thread: they must never answer one rulebook's call with another rulebook's function,
    /// and a kept cache must answer as a fresh one does.
    #[test]
    fn kept_function_caches_never_cross_rulebooks() {
        let with_note = |note: &str| {
            let mut rulebook = Rulebook::load(&[Tree::Builtin]).expect("standard rulebook");
            let script = format!(
                "fn note() {{ \"{note}\" }}\nfinding(\"decision\", #{{ sv: note(), en: note() }});\n"
            );
            let rule = (rulebook.rules.iter_mut())
                .find(|r| r.meta.id == "SSL-ANALYSIS-1996")
                .expect("rule exists");
            rule.script = Script::new(Arc::new(SourceFile::new("n.rhai", "n.rhai", script)));
            Evaluator::new(Arc::new(rulebook))
        };
        let (a, b) = (with_note("from A"), with_note("from B"));
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("scenarios/transportstyrelsen-2015.yaml"),
        )
        .expect("seed scenario");
        let file = Arc::new(SourceFile::new("t.yaml", "t.yaml", text));
        let loaded = Arc::new(
            crate::scenario::load_source(file, a.rulebook.as_ref()).expect("valid scenario"),
        );
        let notes = |evaluator: &Evaluator| -> Vec<String> {
            let evaluation = evaluator.evaluate(loaded.clone(), None);
            (evaluation.findings.iter())
                .filter(|f| f.rule == "SSL-ANALYSIS-1996")
                .map(|f| f.message.en.clone())
                .collect()
        };
        // The same evaluator again and again (its caches kept), then the two in turn.
        for (evaluator, note) in [
            (&a, "from A"),
            (&a, "from A"),
            (&a, "from A"),
            (&b, "from B"),
        ]
        .into_iter()
        .chain([(&a, "from A"), (&b, "from B")].into_iter().cycle().take(6))
        {
            assert_eq!(notes(evaluator), vec![note.to_string()]);
        }
    }
}
