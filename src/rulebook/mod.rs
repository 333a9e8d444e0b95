//! The rulebook: rule files with validated metadata, compiled once, in evaluation order,
//! with the fact vocabulary, shared Rhai functions and dated reference data — or every
//! problem found in them.

pub mod compile;
pub mod discover;
pub mod lint;
pub mod meta;
pub mod native_calls;
pub mod order;
pub mod refdata;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use serde::Deserialize;

pub use discover::Tree;
pub use meta::{Citation, RuleMeta, Severity};
use refdata::RefData;

use crate::diag::{Problem, Problems};
use crate::eval::outcome::FileHash;
use crate::lang::Text;
use crate::scenario::parse::{TopLevel, parse_yaml};
use crate::scenario::{RuleIds, SpanIndex};
use crate::source::SourceFile;

/// One file of a tree after the work that needs no other file: read, parsed, compiled.
/// Start-up does this for all files in parallel, then merges in file order.
enum Prepared {
    Rule(Arc<SourceFile>, Box<Result<meta::Header, Problems>>, Script),
    Lib(Arc<SourceFile>, Result<rhai::AST, Problem>),
    Data(
        Arc<SourceFile>,
        Result<(String, refdata::DataSet), Problems>,
    ),
    Facts(Arc<SourceFile>, Result<BTreeMap<String, FactDef>, Problems>),
    Areas(Arc<SourceFile>, Result<Vec<AreaDef>, Problems>),
    Unreadable(Problem),
}

fn prepare(tree: &Tree, entry: &discover::Entry) -> Prepared {
    let engine = compile::compiler();
    let file = match tree.read_entry(entry) {
        Ok(f) => f,
        Err(p) => return Prepared::Unreadable(p),
    };
    match entry.role {
        discover::Role::Rule { .. } => {
            let header = meta::read_header(&file);
            let script = match tree {
                // Every embedded rule compiles: `rules lint` and `rules test`, run by the test
                // suite, compile them all. Here only the rules in force on a date the run
                // judges are compiled, on first use: a check of an old decision skips most
                // of today's law and the other way round.
                Tree::Builtin => Script::new(file.clone()),
                // A rule folder on disk is being written: report its syntax errors at once.
                Tree::Dir(_) => Script::compiled(file.clone(), compile::compile(engine, &file)),
            };
            Prepared::Rule(file, Box::new(header), script)
        }
        discover::Role::Lib => {
            // Only `fn` definitions are taken; top-level statements in lib files never run.
            let ast = compile::compile(engine, &file).map(|a| a.clone_functions_only());
            Prepared::Lib(file, ast)
        }
        discover::Role::Data => {
            let set = RefData::parse(&file);
            Prepared::Data(file, set)
        }
        discover::Role::Facts => {
            let defs = load_facts(&file);
            Prepared::Facts(file, defs)
        }
        discover::Role::Tests => Prepared::Unreadable(Problem::new(
            "granska::internal",
            format!("{}: rule tests are read by `rules test`", entry.rel),
        )),
        discover::Role::Areas => {
            let areas = parse_yaml(&file, TopLevel::Sequence).and_then(|(v, _)| {
                serde_json::from_value::<Vec<AreaDef>>(v).map_err(|e| {
                    Problems::from(
                        Problem::new("granska::rule::areas", format!("areas.yaml: {e}"))
                            .in_file(&file)
                            .help("each entry has `key`, `folders`, `sv` and `en`"),
                    )
                })
            });
            Prepared::Areas(file, areas)
        }
    }
}

/// One rule, ready to run.
#[derive(Debug, Clone)]
pub struct Rule {
    pub meta: RuleMeta,
    pub area: String,
    pub file: Arc<SourceFile>,
    /// Spans of the metadata keys in the file (for lint and diagnostics).
    pub header: SpanIndex,
    pub script: Script,
    /// Which tree it came from (`builtin` or a folder).
    pub origin: String,
}

impl Rule {
    /// The compiled script (compiled now if it was not yet), or its syntax error.
    pub fn ast(&self) -> Result<&rhai::AST, &Problem> {
        self.script.get()
    }
}

/// A rule's script, compiled at most once, by whichever thread needs it first.
#[derive(Debug, Clone)]
pub struct Script {
    file: Arc<SourceFile>,
    /// The script functions of `lib/`, once the whole book is loaded: then calls to other
    /// names are marked native-only when the script is compiled (see `native_calls`).
    lib_fns: Option<Arc<native_calls::ScriptFns>>,
    ast: OnceLock<Result<rhai::AST, Problem>>,
}

impl Script {
    /// A script compiled on first use.
    pub fn new(file: Arc<SourceFile>) -> Script {
        Script {
            file,
            lib_fns: None,
            ast: OnceLock::new(),
        }
    }

    fn compiled(file: Arc<SourceFile>, ast: Result<rhai::AST, Problem>) -> Script {
        Script {
            file,
            lib_fns: None,
            ast: OnceLock::from(ast),
        }
    }

    /// Learn the functions of `lib/` (a script compiled already is rewritten now).
    fn know_lib(&mut self, lib_fns: Arc<native_calls::ScriptFns>) {
        if let Some(Ok(ast)) = self.ast.take() {
            self.ast = OnceLock::from(Ok(native_calls::mark(ast, &lib_fns)));
        }
        self.lib_fns = Some(lib_fns);
    }

    pub fn get(&self) -> Result<&rhai::AST, &Problem> {
        self.ast
            .get_or_init(|| {
                let ast = compile::compile(compile::compiler(), &self.file)?;
                Ok(match &self.lib_fns {
                    Some(lib_fns) => native_calls::mark(ast, lib_fns),
                    None => ast,
                })
            })
            .as_ref()
    }

    pub fn is_compiled(&self) -> bool {
        self.ast.get().is_some()
    }

    /// The syntax error of a script compiled at load time (never compiles).
    fn error(&self) -> Option<&Problem> {
        self.ast.get().and_then(|r| r.as_ref().err())
    }
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
    pub file: Arc<SourceFile>,
}

/// A rule test file, read only when `rules test` or coverage needs it.
#[derive(Debug, Clone)]
pub struct TestFile {
    pub tree: Tree,
    pub entry: discover::Entry,
}

impl TestFile {
    pub fn rel(&self) -> &str {
        &self.entry.rel
    }
    pub fn read(&self) -> Result<Arc<SourceFile>, Problem> {
        self.tree.read_entry(&self.entry)
    }
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
    pub tests: Vec<TestFile>,
    pub files: Vec<UsedFile>,
    /// The receipt's file hashes and their digest, worked out once when first needed.
    hashes: OnceLock<(String, Arc<[FileHash]>)>,
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

    /// Name and SHA-256 of every file used, shared by every receipt of the run.
    pub fn file_hashes(&self) -> Arc<[FileHash]> {
        self.hashes().1.clone()
    }

    /// One hash over every file name and hash, in order.
    pub fn digest(&self) -> &str {
        &self.hashes().0
    }

    /// Compile every rule not compiled yet, in parallel: the syntax errors of all of them.
    pub fn compile_all(&self) -> Problems {
        let errors: Vec<Problem> = self
            .rules
            .par_iter()
            .filter_map(|r| r.ast().err().cloned())
            .collect();
        Problems(errors)
    }

    fn hashes(&self) -> &(String, Arc<[FileHash]>) {
        self.hashes.get_or_init(|| {
            let list: Vec<FileHash> = self
                .files
                .par_iter()
                .map(|f| FileHash {
                    file: f.name.clone(),
                    sha256: f.file.sha256().to_string(),
                })
                .collect();
            let mut all = String::new();
            for f in &list {
                all.push_str(&f.file);
                all.push(' ');
                all.push_str(&f.sha256);
                all.push('\n');
            }
            (crate::source::sha256_hex(all.as_bytes()), list.into())
        })
    }

    /// Load and compile the rulebook from trees in order; a later tree overrides rules
    /// (by id), data sets (by id) and facts (by name) of an earlier one.
    pub fn load(trees: &[Tree]) -> Result<Rulebook, Problems> {
        let mut problems = Problems::default();
        let mut rules: BTreeMap<String, Rule> = BTreeMap::new();
        let mut facts: BTreeMap<String, FactDef> = BTreeMap::new();
        let mut data = RefData::default();
        // By path relative to the tree root: a later tree's lib file of the same name wins.
        let mut lib_asts: BTreeMap<String, Result<rhai::AST, Problem>> = BTreeMap::new();
        let mut tests = Vec::new();
        let mut areas = Vec::new();
        let mut used: BTreeMap<String, Arc<SourceFile>> = BTreeMap::new();

        for tree in trees {
            let entries = match tree.entries() {
                Ok(e) => e,
                Err(p) => {
                    problems.push(p);
                    continue;
                }
            };
            let (test_entries, entries): (Vec<_>, Vec<_>) = entries
                .into_iter()
                .partition(|e| e.role == discover::Role::Tests);
            tests.extend(test_entries.into_iter().map(|entry| TestFile {
                tree: tree.clone(),
                entry,
            }));
            let mut ids_here: HashMap<String, Arc<SourceFile>> = HashMap::new();
            let mut facts_here: HashMap<String, Arc<SourceFile>> = HashMap::new();
            let prepared: Vec<Prepared> = entries
                .par_iter()
                .map(|entry| prepare(tree, entry))
                .collect();
            for (entry, prepared) in entries.iter().zip(prepared) {
                let file = match prepared {
                    Prepared::Unreadable(p) => {
                        problems.push(p);
                        continue;
                    }
                    Prepared::Facts(file, defs) => {
                        match defs {
                            Ok(defs) => {
                                for (name, def) in defs {
                                    if let Some(other) =
                                        facts_here.insert(name.clone(), file.clone())
                                    {
                                        problems.push(
                                            Problem::new(
                                                "granska::rule::fact",
                                                format!("fact `{name}` is defined twice"),
                                            )
                                            .in_file(&file)
                                            .help(format!("also defined in {}", other.name)),
                                        );
                                    }
                                    facts.insert(name, def);
                                }
                            }
                            Err(ps) => problems.extend(ps),
                        }
                        file
                    }
                    Prepared::Data(file, set) => {
                        match set {
                            Ok((id, set)) => data.insert(id, set),
                            Err(ps) => problems.extend(ps),
                        }
                        file
                    }
                    Prepared::Areas(file, list) => {
                        match list {
                            Ok(list) => areas = list,
                            Err(ps) => problems.extend(ps),
                        }
                        file
                    }
                    Prepared::Lib(file, ast) => {
                        lib_asts.insert(entry.rel.clone(), ast);
                        file
                    }
                    Prepared::Rule(file, header, compiled) => {
                        let discover::Role::Rule { area } = &entry.role else {
                            continue;
                        };
                        let header = match *header {
                            Ok(h) => h,
                            Err(ps) => {
                                problems.extend(ps);
                                if let Some(p) = compiled.error() {
                                    problems.push(p.clone());
                                }
                                continue;
                            }
                        };
                        let id = header.meta.id.clone();
                        if let Some(first) = ids_here.insert(id.clone(), file.clone()) {
                            problems.push(
                                Problem::new(
                                    "granska::rule::duplicate-id",
                                    format!("rule id `{id}` is used twice"),
                                )
                                .at(&file, header.spans.label_span("id"))
                                .label("duplicate id")
                                .help(format!("also in {}", first.name)),
                            );
                            continue;
                        }
                        if let Some(p) = compiled.error() {
                            problems.push(p.clone());
                            continue;
                        }
                        rules.insert(
                            id,
                            Rule {
                                meta: header.meta,
                                area: area.clone(),
                                file,
                                header: header.spans,
                                script: compiled,
                                origin: tree.label(),
                            },
                        );
                        continue;
                    }
                };
                used.insert(file.name.clone(), file);
            }
        }

        // A rulebook without rules judges nothing, and its every verdict would be CLEAR.
        if rules.is_empty() && problems.is_empty() {
            let folders: Vec<String> = trees.iter().map(Tree::label).collect();
            problems.push(
                Problem::new(
                    "granska::rules::empty",
                    format!("no rules in {}", folders.join(", ")),
                )
                .help(
                    "a rule is a file <folder>/<area>/<name>.rhai; with --no-default-rules only \
                     the --rules folders are read",
                ),
            );
        }

        // Shared functions from lib/ are merged into one module (functions only).
        let mut lib_ast = rhai::AST::empty();
        for ast in lib_asts.into_values() {
            match ast {
                Ok(ast) => lib_ast = lib_ast.merge(&ast),
                Err(p) => problems.push(p),
            }
        }
        let lib_fns = Arc::new(native_calls::script_fns(&lib_ast));
        for rule in rules.values_mut() {
            rule.script.know_lib(lib_fns.clone());
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
            used.insert(rule.file.name.clone(), rule.file.clone());
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
        // rather than a copy merged into every rule. The lib ASTs hold functions only, so
        // their module is the whole lib (Rhai's module system is compiled out: `no_module`).
        let lib = AsRef::<rhai::Shared<rhai::Module>>::as_ref(&lib_ast).clone();
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
                .map(|(name, file)| UsedFile { name, file })
                .collect(),
            hashes: OnceLock::new(),
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
