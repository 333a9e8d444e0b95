//! Dated reference data (EU/EEA membership, adequacy decisions, …) from `rules/data/*.yaml`.
//! The engine only stores and looks up entries by key and date; what they mean in law is
//! decided by the rules that read them.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use foldhash::HashMap;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use crate::diag::{Problem, Problems};
use crate::scenario::parse::{TopLevel, parse_yaml};
use crate::schemacheck::Checker;
use crate::source::SourceFile;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataFile {
    /// The set name rules pass to `lookup`.
    #[schemars(pattern(r"^[a-z][a-z0-9_]*$"))]
    pub id: String,
    pub title: String,
    pub source: Option<String>,
    pub note: Option<String>,
    pub entries: Vec<DataEntry>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct DataEntry {
    pub key: String,
    #[schemars(pattern(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub from: String,
    #[schemars(pattern(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub to: Option<String>,
    /// Any further fields are passed to the rules as they are.
    #[serde(flatten)]
    pub fields: BTreeMap<String, Value>,
}

/// One entry ready for scripts: its period and the whole entry as a Rhai map.
#[derive(Debug, Clone)]
pub struct Entry {
    pub from: String,
    pub to: Option<String>,
    pub value: rhai::Dynamic,
}

/// One data set: its entries by key, each key's entries in file order.
pub type DataSet = HashMap<String, Vec<Entry>>;

/// Every data set, by id and key.
#[derive(Debug, Clone, Default)]
pub struct RefData {
    sets: HashMap<String, DataSet>,
}

impl RefData {
    pub fn lookup(&self, set: &str, key: &str, date: &str) -> Option<&Entry> {
        self.entries(set, key)?
            .iter()
            .find(|e| e.from.as_str() <= date && e.to.as_deref().is_none_or(|to| date <= to))
    }

    pub fn entries(&self, set: &str, key: &str) -> Option<&Vec<Entry>> {
        self.sets.get(set)?.get(key)
    }

    pub fn has_set(&self, set: &str) -> bool {
        self.sets.contains_key(set)
    }

    pub fn set_names(&self) -> Vec<String> {
        let mut v: Vec<_> = self.sets.keys().cloned().collect();
        v.sort();
        v
    }

    /// Add a data file; a later file with the same id replaces the earlier (override).
    pub fn add(&mut self, file: &Arc<SourceFile>) -> Result<(), Problems> {
        let (id, set) = Self::parse(file)?;
        self.insert(id, set);
        Ok(())
    }

    /// Add a data set read by [`RefData::parse`]; one with the same id is replaced.
    pub fn insert(&mut self, id: String, set: DataSet) {
        self.sets.insert(id, set);
    }

    /// Read and check one data file (no shared state, so files can be read in parallel).
    pub fn parse(file: &Arc<SourceFile>) -> Result<(String, DataSet), Problems> {
        static CHECKER: OnceLock<Checker> = OnceLock::new();
        let checker = CHECKER.get_or_init(|| {
            Checker::for_type::<DataFile>("granska::data", "https://granska.se/schema/data-v1.json")
        });
        let (value, spans) = parse_yaml(file, TopLevel::Mapping)?;
        let problems = checker.check(file, &value, &spans);
        if !problems.is_empty() {
            return Err(problems);
        }
        let data: DataFile = serde_json::from_value(value.clone()).map_err(|e| {
            Problems::from(Problem::new("granska::data::invalid", e.to_string()).in_file(file))
        })?;
        let mut problems = Problems::default();
        let mut by_key: HashMap<String, Vec<Entry>> = HashMap::default();
        for (i, e) in data.entries.iter().enumerate() {
            let path = format!("entries[{i}]");
            for (field, d) in [("from", Some(&e.from)), ("to", e.to.as_ref())] {
                if let Some(d) = d
                    && crate::date::parse_iso(d).is_none()
                {
                    problems.push(
                        Problem::new(
                            "granska::data::date",
                            format!("`{d}` is not a calendar date"),
                        )
                        .at(file, spans.label_span(&format!("{path}.{field}")))
                        .label("no such day"),
                    );
                }
            }
            let list = by_key.entry(e.key.clone()).or_default();
            if let Some(clash) = list
                .iter()
                .position(|o| overlaps(&o.from, o.to.as_deref(), &e.from, e.to.as_deref()))
            {
                problems.push(
                    Problem::new(
                        "granska::data::overlap",
                        format!("two entries for `{}` are in force at the same time", e.key),
                    )
                    .at(file, spans.label_span(&path))
                    .label(format!("overlaps entry from {}", list[clash].from))
                    .help("end the earlier entry (`to:`) the day before the later one starts"),
                );
            }
            let dynamic = rhai::serde::to_dynamic(&value["entries"][i]).map_err(|err| {
                Problems::from(
                    Problem::new("granska::data::invalid", err.to_string())
                        .at(file, spans.label_span(&path)),
                )
            })?;
            list.push(Entry {
                from: e.from.clone(),
                to: e.to.clone(),
                value: dynamic,
            });
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok((data.id, by_key))
    }
}

fn overlaps(a_from: &str, a_to: Option<&str>, b_from: &str, b_to: Option<&str>) -> bool {
    a_from <= b_to.unwrap_or("9999-12-31") && b_from <= a_to.unwrap_or("9999-12-31")
}
