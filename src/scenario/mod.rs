//! Scenario files: YAML → typed, validated [`Scenario`] with a span for every path, or every
//! problem in the file at once.

pub mod model;
pub mod parse;
pub mod spans;
pub mod validate;
mod yaml_tree;

use std::path::Path;
use std::sync::Arc;

pub use model::Scenario;
use serde_json::Value;
pub use spans::SpanIndex;

use crate::diag::{Problem, Problems};
use crate::source::SourceFile;

/// A scenario that passed validation, with where everything is in its file.
#[derive(Debug, Clone)]
pub struct LoadedScenario {
    pub file: Arc<SourceFile>,
    pub scenario: Scenario,
    pub spans: SpanIndex,
}

/// What the scenario checks need to know about the rulebook.
pub trait RuleIds {
    fn has_rule(&self, id: &str) -> bool;
    fn rule_ids(&self) -> Vec<String>;
}

pub fn load_path(path: &Path, rules: &dyn RuleIds) -> Result<LoadedScenario, Problems> {
    let file = parse::read_source(path).map_err(Problems::from)?;
    load_source(file, rules)
}

pub fn load_source(file: Arc<SourceFile>, rules: &dyn RuleIds) -> Result<LoadedScenario, Problems> {
    let (value, spans) = parse::parse_yaml(&file, parse::TopLevel::Mapping)?;
    from_value(file, value, spans, rules)
}

/// Validate an already parsed value (a file, an inline test scenario, a patched base).
/// Schema and semantic problems are reported together.
pub fn from_value(
    file: Arc<SourceFile>,
    value: Value,
    spans: SpanIndex,
    rules: &dyn RuleIds,
) -> Result<LoadedScenario, Problems> {
    let mut problems = validate::check_schema(&file, &value, &spans);
    let ids = rules.rule_ids();
    problems.extend(validate::check_semantics(
        &file,
        &value,
        &spans,
        &|id| rules.has_rule(id),
        &ids,
    ));
    problems
        .0
        .sort_by_key(|p| p.span.map(|s| s.start).unwrap_or(0));
    problems
        .0
        .dedup_by(|a, b| a.span == b.span && a.message == b.message);
    if !problems.is_empty() {
        return Err(problems);
    }
    let scenario: Scenario = serde_json::from_value(value).map_err(|e| {
        Problems::from(
            Problem::new("granska::scenario::type", format!("invalid scenario: {e}"))
                .in_file(&file),
        )
    })?;
    Ok(LoadedScenario {
        file,
        scenario,
        spans,
    })
}
