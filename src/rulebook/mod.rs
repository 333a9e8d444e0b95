//! The rulebook: rule files with validated metadata, compiled once, in evaluation order,
//! with the fact vocabulary, shared Rhai functions and dated reference data — or every
//! problem found in them.

pub mod compile;
pub mod discover;
pub mod lint;
pub mod meta;
pub mod order;
pub mod refdata;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Deserialize;

pub use discover::Tree;
pub use meta::{Citation, RuleMeta, Severity};
use refdata::RefData;

use crate::diag::{Problem, Problems};
use crate::lang::Text;
use crate::scenario::parse::{TopLevel, parse_yaml};
use crate::scenario::{RuleIds, SpanIndex};
use crate::source::SourceFile;

/// A rule file's metadata and compiled script, each possibly failed.
type Prepared = (Result<meta::Header, Problems>, Result<rhai::AST, Problem>);

/// One rule, ready to run.
#[derive(Debug, Clone)]
pub struct Rule {
    pub meta: RuleMeta,
    pub area: String,
    pub file: Arc<SourceFile>,
    /// Spans of the metadata keys in the file (for lint and diagnostics).
    pub header: SpanIndex,
    pub ast: rhai::AST,
    /// Which tree it came from (`builtin` or a folder).
    pub origin: String,
}

/// A fact of the vocabulary.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactDef {
    pub subject: FactSubject,
    pub sv: String,
    pub en: String,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum FactSubject {
    Asset,
    Party,
    Scenario,
}

impl FactDef {
    pub fn text(&self) -> Text {
        Text::new(&self.sv, &self.en)
    }
}

/// An area of law as the report shows it (from `areas.yaml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaDef {
    pub key: String,
    pub folders: Vec<String>,
    pub sv: String,
    pub en: String,
}

/// A file that went into the rulebook, for the receipt.
#[derive(Debug, Clone)]
pub struct UsedFile {
    pub name: String,
    pub sha256: String,
}

#[derive(Debug, Clone)]
pub struct Rulebook {
    /// In evaluation order.
    pub rules: Vec<Rule>,
    pub facts: BTreeMap<String, FactDef>,
    pub data: Arc<RefData>,
    /// Areas of law for reports, in order (a later tree's `areas.yaml` replaces an earlier).
    pub areas: Vec<AreaDef>,
    /// Functions from `lib/*.rhai`, available to every rule.
    pub lib: rhai::Shared<rhai::Module>,
    /// Rule test files, for `rules test`.
    pub tests: Vec<(Tree, String, Arc<SourceFile>)>,
    pub files: Vec<UsedFile>,
    by_id: HashMap<String, usize>,
}

impl RuleIds for Rulebook {
    fn has_rule(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }
    fn rule_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.by_id.keys().cloned().collect();
        ids.sort();
        ids
    }
}

impl Rulebook {
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.by_id.get(id).map(|&i| &self.rules[i])
    }

    /// Load and compile the rulebook from trees in order; a later tree overrides rules
    /// (by id), data sets (by id) and facts (by name) of an earlier one.
    pub fn load(trees: &[Tree]) -> Result<Rulebook, Problems> {
        let engine = compile::base_engine();
        let mut problems = Problems::default();
        let mut rules: BTreeMap<String, Rule> = BTreeMap::new();
        let mut facts: BTreeMap<String, FactDef> = BTreeMap::new();
        let mut data = RefData::default();
        let mut lib_files: BTreeMap<String, Arc<SourceFile>> = BTreeMap::new();
        let mut tests = Vec::new();
        let mut areas = Vec::new();
        let mut used: BTreeMap<String, String> = BTreeMap::new();

        for tree in trees {
            let files = match tree.files() {
                Ok(f) => f,
                Err(p) => {
                    problems.push(p);
                    continue;
                }
            };
            let mut ids_here: HashMap<String, Arc<SourceFile>> = HashMap::new();
            let mut facts_here: HashMap<String, Arc<SourceFile>> = HashMap::new();
            // Reading metadata and compiling are the costly part of start-up: do them for all
            // rule files in parallel, then merge in file order.
            let prepared: Vec<Option<Prepared>> = files
                .par_iter()
                .map(|tf| match tf.role {
                    discover::Role::Rule { .. } => Some((
                        meta::read_header(&tf.file),
                        compile::compile(&engine, &tf.file),
                    )),
                    _ => None,
                })
                .collect();
            for (tf, prepared) in files.into_iter().zip(prepared) {
                match &tf.role {
                    discover::Role::Tests => {
                        tests.push((tree.clone(), tf.rel.clone(), tf.file.clone()));
                        continue;
                    }
                    discover::Role::Facts => match load_facts(&tf.file) {
                        Ok(defs) => {
                            for (name, def) in defs {
                                if let Some(other) =
                                    facts_here.insert(name.clone(), tf.file.clone())
                                {
                                    problems.push(
                                        Problem::new(
                                            "granska::rule::fact",
                                            format!("fact `{name}` is defined twice"),
                                        )
                                        .in_file(&tf.file)
                                        .help(format!("also defined in {}", other.name)),
                                    );
                                }
                                facts.insert(name, def);
                            }
                        }
                        Err(ps) => problems.extend(ps),
                    },
                    discover::Role::Data => {
                        if let Err(ps) = data.add(&tf.file) {
                            problems.extend(ps);
                        }
                    }
                    discover::Role::Areas => match parse_yaml(&tf.file, TopLevel::Sequence)
                        .and_then(|(v, _)| {
                            serde_json::from_value::<Vec<AreaDef>>(v).map_err(|e| {
                                Problems::from(
                                    Problem::new(
                                        "granska::rule::areas",
                                        format!("areas.yaml: {e}"),
                                    )
                                    .in_file(&tf.file)
                                    .help("each entry has `key`, `folders`, `sv` and `en`"),
                                )
                            })
                        }) {
                        Ok(list) => areas = list,
                        Err(ps) => problems.extend(ps),
                    },
                    discover::Role::Lib => {
                        lib_files.insert(tf.rel.clone(), tf.file.clone());
                    }
                    discover::Role::Rule { area } => {
                        let Some((header, compiled)) = prepared else {
                            continue;
                        };
                        let header = match header {
                            Ok(h) => h,
                            Err(ps) => {
                                problems.extend(ps);
                                if let Err(p) = compiled {
                                    problems.push(p);
                                }
                                continue;
                            }
                        };
                        let id = header.meta.id.clone();
                        if let Some(first) = ids_here.insert(id.clone(), tf.file.clone()) {
                            problems.push(
                                Problem::new(
                                    "granska::rule::duplicate-id",
                                    format!("rule id `{id}` is used twice"),
                                )
                                .at(&tf.file, header.spans.label_span("id"))
                                .label("duplicate id")
                                .help(format!("also in {}", first.name)),
                            );
                            continue;
                        }
                        let ast = match compiled {
                            Ok(a) => a,
                            Err(p) => {
                                problems.push(p);
                                continue;
                            }
                        };
                        rules.insert(
                            id,
                            Rule {
                                meta: header.meta,
                                area: area.clone(),
                                file: tf.file.clone(),
                                header: header.spans,
                                ast,
                                origin: tree.label(),
                            },
                        );
                    }
                }
                if !matches!(tf.role, discover::Role::Rule { .. }) {
                    used.insert(tf.file.name.clone(), tf.file.sha256.clone());
                }
            }
        }

        // Shared functions from lib/ are merged into every rule (functions only).
        let mut lib_ast = rhai::AST::empty();
        for file in lib_files.values() {
            match compile::compile(&engine, file) {
                // Only `fn` definitions are taken; top-level statements in lib files never run.
                Ok(ast) => lib_ast = lib_ast.merge(&ast.clone_functions_only()),
                Err(p) => problems.push(p),
            }
        }

        // Metadata checks that need the whole book.
        for rule in rules.values() {
            for (key, list) in [("needs", &rule.meta.needs), ("derives", &rule.meta.derives)] {
                for (i, fact) in list.iter().enumerate() {
                    if !facts.contains_key(fact) {
                        let mut p = Problem::new(
                            "granska::rule::unknown-fact",
                            format!("`{fact}` is not in the fact vocabulary"),
                        )
                        .at(&rule.file, rule.header.label_span(&format!("{key}[{i}]")))
                        .label("unknown fact");
                        p = match crate::diag::did_you_mean(fact, facts.keys().map(String::as_str))
                        {
                            Some(s) => p.help(format!(
                                "did you mean `{s}`? (facts are defined in rules/facts.yaml)"
                            )),
                            None => p.help("add it to a facts.yaml with `subject`, `sv` and `en`"),
                        };
                        problems.push(p);
                    }
                }
            }
        }
        let mut by_requirement: BTreeMap<&str, Vec<&Rule>> = BTreeMap::new();
        for rule in rules.values() {
            by_requirement
                .entry(rule.meta.requirement.as_deref().unwrap_or(&rule.meta.id))
                .or_default()
                .push(rule);
        }
        for (req, versions) in &by_requirement {
            for (i, a) in versions.iter().enumerate() {
                for b in &versions[i + 1..] {
                    if a.meta.in_force.overlaps(&b.meta.in_force) {
                        problems.push(
                            Problem::new(
                                "granska::rule::overlap",
                                format!(
                                    "{} and {} are versions of `{req}` in force at the same time",
                                    a.meta.id, b.meta.id
                                ),
                            )
                            .at(&b.file, b.header.label_span("in_force"))
                            .label(format!(
                                "overlaps {} ({}–{})",
                                a.meta.id,
                                a.meta.in_force.from,
                                a.meta.in_force.to.as_deref().unwrap_or("")
                            ))
                            .help("end one version (`to:`) the day before the next one starts"),
                        );
                    }
                }
            }
        }

        // Rule files in the receipt are those of the rules that survived overriding.
        for rule in rules.values() {
            used.insert(rule.file.name.clone(), rule.file.sha256.clone());
        }
        let list: Vec<Rule> = rules.into_values().collect();
        let needs: Vec<Vec<String>> = list.iter().map(|r| r.meta.needs.clone()).collect();
        let derives: Vec<Vec<String>> = list.iter().map(|r| r.meta.derives.clone()).collect();
        let order = match order::evaluation_order(&needs, &derives) {
            Ok(o) => o,
            Err(cycles) => {
                for cycle in cycles {
                    let names: Vec<&str> =
                        cycle.iter().map(|&i| list[i].meta.id.as_str()).collect();
                    let first = &list[cycle[0]];
                    problems.push(
                        Problem::new("granska::rule::cycle", format!("rules depend on each other in a cycle: {}", names.join(" → ")))
                            .at(&first.file, first.header.label_span("needs"))
                            .label("part of the cycle")
                            .help("a fact must be derived by rules that do not need it, directly or indirectly"),
                    );
                }
                (0..list.len()).collect()
            }
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        // Shared functions become one module registered once in the evaluating engine,
        // rather than a copy merged into every rule.
        let lib = rhai::Module::eval_ast_as_new(rhai::Scope::new(), &lib_ast, &engine)
            .map(rhai::Shared::new)
            .map_err(|e| {
                Problems::from(Problem::new("granska::rule::lib", format!("lib/: {e}")))
            })?;
        let mut slots: Vec<Option<Rule>> = list.into_iter().map(Some).collect();
        let ordered: Vec<Rule> = order.into_iter().filter_map(|i| slots[i].take()).collect();
        let by_id = ordered
            .iter()
            .enumerate()
            .map(|(i, r)| (r.meta.id.clone(), i))
            .collect();
        Ok(Rulebook {
            rules: ordered,
            facts,
            data: Arc::new(data),
            areas,
            lib,
            tests,
            files: used
                .into_iter()
                .map(|(name, sha256)| UsedFile { name, sha256 })
                .collect(),
            by_id,
        })
    }
}

fn load_facts(file: &Arc<SourceFile>) -> Result<BTreeMap<String, FactDef>, Problems> {
    let (value, spans) = parse_yaml(file, TopLevel::Mapping)?;
    let mut out = BTreeMap::new();
    let mut problems = Problems::default();
    if let serde_json::Value::Object(map) = value {
        for (name, def) in map {
            match serde_json::from_value::<FactDef>(def) {
                Ok(d) => {
                    out.insert(name, d);
                }
                Err(e) => problems.push(
                    Problem::new("granska::rule::fact", format!("fact `{name}`: {e}"))
                        .at(file, spans.label_span(&name))
                        .help("each fact has `subject` (asset | party | scenario), `sv` and `en`"),
                ),
            }
        }
    }
    problems.into_result(out)
}
