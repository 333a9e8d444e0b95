//! How well the rule tests cover the rulebook: which rules are never seen to fire or to stay
//! silent, which facts no case ever derives, which in-force dates no case sits on either side
//! of — and, read without running anything, which cases name which rule (for `rules doc` and
//! `rules show`).

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::Run;
use crate::diag::{Problem, Problems};
use crate::rulebook::Rulebook;
use crate::scenario::parse::{TopLevel, parse_yaml};

/// Passing cases that assert a rule fires, and that it does not.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RuleCoverage {
    pub fires: usize,
    pub not_fires: usize,
}

impl RuleCoverage {
    /// Seen both to fire and to stay silent.
    pub fn full(&self) -> bool {
        self.fires > 0 && self.not_fires > 0
    }
}

/// One side of an in-force date that no passing case is judged on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Boundary {
    pub rule: String,
    /// `from` or `to`.
    pub edge: &'static str,
    /// The rule's `in_force.from` or `in_force.to`.
    pub date: String,
    /// The dates a case naming the rule should be judged on and is not: for `from`, the day
    /// before and the day itself; for `to`, the day itself and the day after.
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Coverage {
    pub rules: BTreeMap<String, RuleCoverage>,
    /// Facts of the vocabulary that no passing case derived for any subject.
    pub facts_never_derived: Vec<String>,
    /// Facts that were derived in some case but never true.
    pub facts_never_true: Vec<String>,
    pub boundaries: Vec<Boundary>,
}

impl Coverage {
    pub fn fully_covered(&self) -> usize {
        self.rules.values().filter(|c| c.full()).count()
    }

    /// Percent of rules seen both to fire and not to fire (100 for an empty rulebook).
    pub fn percent(&self) -> f64 {
        if self.rules.is_empty() {
            100.0
        } else {
            100.0 * self.fully_covered() as f64 / self.rules.len() as f64
        }
    }

    pub fn gaps(&self) -> impl Iterator<Item = (&String, &RuleCoverage)> {
        self.rules.iter().filter(|(_, c)| !c.full())
    }
}

/// Coverage of the rulebook by the passing cases of a run.
pub fn coverage(rulebook: &Rulebook, run: &Run) -> Coverage {
    let mut rules: BTreeMap<String, RuleCoverage> = rulebook
        .rules
        .iter()
        .map(|r| (r.meta.id.clone(), RuleCoverage::default()))
        .collect();
    let mut known = BTreeSet::new();
    let mut truthy = BTreeSet::new();
    // (rule, date) pairs a passing case naming the rule was judged on.
    let mut judged: BTreeSet<(&str, &str)> = BTreeSet::new();
    for c in run.cases.iter().filter(|c| c.failures.is_empty()) {
        for r in c.fired_asserted.iter().collect::<BTreeSet<_>>() {
            if let Some(e) = rules.get_mut(r) {
                e.fires += 1;
            }
            judged.insert((r, &c.as_of));
        }
        for r in c.not_fired_asserted.iter().collect::<BTreeSet<_>>() {
            if let Some(e) = rules.get_mut(r) {
                e.not_fires += 1;
            }
            judged.insert((r, &c.as_of));
        }
        known.extend(c.facts_known.iter().map(String::as_str));
        truthy.extend(c.facts_true.iter().map(String::as_str));
    }
    let facts_never_derived = rulebook
        .facts
        .keys()
        .filter(|f| !known.contains(f.as_str()))
        .cloned()
        .collect();
    let facts_never_true = rulebook
        .facts
        .keys()
        .filter(|f| known.contains(f.as_str()) && !truthy.contains(f.as_str()))
        .cloned()
        .collect();

    let mut ids: Vec<_> = rulebook.rules.iter().collect();
    ids.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
    let mut boundaries = Vec::new();
    for rule in ids {
        let id = rule.meta.id.as_str();
        let edges = [
            ("from", Some(&rule.meta.in_force.from), -1i64, 0i64),
            ("to", rule.meta.in_force.to.as_ref(), 0, 1),
        ];
        for (edge, date, a, b) in edges {
            let Some(date) = date else { continue };
            let wanted: Vec<String> = [a, b].iter().filter_map(|&d| shift(date, d)).collect();
            let missing: Vec<String> = wanted
                .into_iter()
                .filter(|d| !judged.contains(&(id, d.as_str())))
                .collect();
            if !missing.is_empty() {
                boundaries.push(Boundary {
                    rule: id.to_string(),
                    edge,
                    date: date.clone(),
                    missing,
                });
            }
        }
    }
    Coverage {
        rules,
        facts_never_derived,
        facts_never_true,
        boundaries,
    }
}

fn shift(date: &str, days: i64) -> Option<String> {
    let d = crate::date::parse_iso(date)?;
    d.checked_add_signed(chrono::Duration::days(days))
        .map(|d| d.to_string())
}

/// A rule test case as written, read without running it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRef {
    /// The test file, relative to its rule folder (`gdpr/tests/transfer.yaml`).
    pub file: String,
    pub name: String,
    pub as_of: Option<String>,
    pub fires: Vec<String>,
    pub not_fires: Vec<String>,
}

#[derive(Deserialize)]
struct LooseCase {
    name: String,
    as_of: Option<String>,
    #[serde(default)]
    expect: LooseExpect,
}

#[derive(Deserialize, Default)]
struct LooseExpect {
    #[serde(default)]
    fires: Vec<LooseFire>,
    #[serde(default)]
    not_fires: Vec<String>,
}

#[derive(Deserialize)]
struct LooseFire {
    rule: String,
}

/// Every case of every test file of the rulebook, in file order. Only what names a rule is
/// read; `rules test` checks the rest.
pub fn index(rulebook: &Rulebook) -> Result<Vec<CaseRef>, Problems> {
    let mut out = Vec::new();
    let mut problems = Problems::default();
    for test in &rulebook.tests {
        let rel = test.rel();
        let file = match test.read() {
            Ok(f) => f,
            Err(p) => {
                problems.push(p);
                continue;
            }
        };
        let file = &file;
        let value = match parse_yaml(file, TopLevel::Sequence) {
            Ok((v, _)) => v,
            Err(ps) => {
                problems.extend(ps);
                continue;
            }
        };
        let cases: Vec<LooseCase> = match serde_json::from_value(value) {
            Ok(c) => c,
            Err(e) => {
                problems.push(
                    Problem::new("granska::ruletest::invalid", format!("{}: {e}", file.name))
                        .in_file(file)
                        .help("run `granska rules test` for every problem in the file"),
                );
                continue;
            }
        };
        for c in cases {
            out.push(CaseRef {
                file: rel.to_string(),
                name: c.name,
                as_of: c.as_of,
                fires: c.expect.fires.into_iter().map(|f| f.rule).collect(),
                not_fires: c.expect.not_fires,
            });
        }
    }
    problems.into_result(out)
}

/// The cases that name `rule`, each with whether it is expected to fire.
pub fn cases_for<'a>(
    index: &'a [CaseRef],
    rule: &'a str,
) -> impl Iterator<Item = (&'a CaseRef, bool)> + 'a {
    index.iter().filter_map(move |c| {
        if c.fires.iter().any(|r| r == rule) {
            Some((c, true))
        } else if c.not_fires.iter().any(|r| r == rule) {
            Some((c, false))
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundary_days() {
        assert_eq!(shift("2018-05-25", -1).as_deref(), Some("2018-05-24"));
        assert_eq!(shift("2020-02-28", 1).as_deref(), Some("2020-02-29"));
        assert_eq!(shift("not a date", 1), None);
    }

    #[test]
    fn percent_of_an_empty_rulebook_is_full() {
        assert_eq!(Coverage::default().percent(), 100.0);
    }
}
