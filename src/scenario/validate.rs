//! Validation of a parsed scenario: first against the JSON Schema generated from the model
//! (every structural error at once), then the checks a schema cannot express: unique ids,
//! references, real calendar dates, assigned country codes.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use serde_json::Value;

use super::model::{Party, Scenario};
use super::spans::SpanIndex;
use crate::diag::{Problem, Problems, did_you_mean};
use crate::schemacheck::Checker;
use crate::source::SourceFile;

/// The JSON Schema of the scenario format, generated from the Rust types.
pub fn schema() -> &'static Value {
    checker().schema()
}

pub fn checker() -> &'static Checker {
    static CHECKER: OnceLock<Checker> = OnceLock::new();
    CHECKER.get_or_init(|| Checker::for_type::<Scenario>("granska::scenario", "https://granska.se/schema/scenario-v1.json"))
}

/// Structural problems: unknown keys, wrong types, missing keys, bad enum values, ranges.
pub fn check_schema(file: &Arc<SourceFile>, value: &Value, spans: &SpanIndex) -> Problems {
    checker().check(file, value, spans)
}

/// Checks beyond the schema, on the typed scenario. `rule_exists` says whether a rule id
/// is in the loaded rulebook (waivers and assessments must name one).
pub fn check_semantics(
    file: &Arc<SourceFile>,
    scenario: &Scenario,
    spans: &SpanIndex,
    rule_exists: &dyn Fn(&str) -> bool,
    rule_ids: &[String],
) -> Problems {
    let mut problems = Problems::default();
    let mut ids: HashMap<String, String> = HashMap::new();
    let mut check_unique = |id: &str, path: String, problems: &mut Problems| {
        if let Some(first) = ids.get(id) {
            let (line, _) = file.line_col(spans.label_span(&format!("{first}.id")).start);
            problems.push(
                Problem::new("granska::scenario::duplicate-id", format!("id `{id}` is used twice"))
                    .at(file, spans.label_span(&format!("{path}.id")))
                    .label(format!("first used on line {line}"))
                    .help("ids must be unique across assets and parties at every depth"),
            );
        } else {
            ids.insert(id.to_string(), path);
        }
    };
    for (i, a) in scenario.assets.iter().enumerate() {
        check_unique(&a.id, format!("assets[{i}]"), &mut problems);
    }
    let mut parties = Vec::new();
    collect_parties(&scenario.suppliers, "suppliers", &mut parties);
    for (path, p) in &parties {
        check_unique(&p.id, path.clone(), &mut problems);
    }
    let asset_ids: Vec<&str> = scenario.assets.iter().map(|a| a.id.as_str()).collect();
    let asset_set: HashSet<&str> = asset_ids.iter().copied().collect();
    let party_ids: Vec<&str> = parties.iter().map(|(_, p)| p.id.as_str()).collect();
    let dangling = |problems: &mut Problems, path: String, what: &str, id: &str, candidates: &[&str]| {
        let mut p = Problem::new("granska::scenario::dangling-ref", format!("no {what} has the id `{id}`"))
            .at(file, spans.label_span(&path))
            .label(format!("unknown {what}"));
        p = match did_you_mean(id, candidates.iter().copied()) {
            Some(s) => p.help(format!("did you mean `{s}`?")),
            None if !candidates.is_empty() && candidates.len() <= 12 => p.help(format!("known: {}", candidates.join(", "))),
            None => p,
        };
        problems.push(p);
    };

    for (path, party) in &parties {
        check_country(file, spans, &format!("{path}.country"), party.country.as_deref(), &mut problems);
        check_country(file, spans, &format!("{path}.parent_country"), party.parent_country.as_deref(), &mut problems);
        for (i, access) in party.access.iter().flatten().enumerate() {
            let ap = format!("{path}.access[{i}]");
            if !asset_set.contains(access.asset.as_str()) {
                dangling(&mut problems, format!("{ap}.asset"), "asset", &access.asset, &asset_ids);
            }
            for (field, list) in [("from", &access.from), ("storage", &access.storage)] {
                for (j, c) in list.iter().flatten().enumerate() {
                    check_country(file, spans, &format!("{ap}.{field}[{j}]"), Some(c), &mut problems);
                }
            }
        }
        for (i, a) in party.agreements.iter().enumerate() {
            check_date(file, spans, &format!("{path}.agreements[{i}].date"), a.date.as_deref(), &mut problems);
        }
    }
    check_date(file, spans, "decision.date", Some(&scenario.decision.date), &mut problems);
    for (i, a) in scenario.analyses.iter().enumerate() {
        check_date(file, spans, &format!("analyses[{i}].date"), a.date.as_deref(), &mut problems);
        for (j, id) in a.assets.iter().flatten().enumerate() {
            if !asset_set.contains(id.as_str()) {
                dangling(&mut problems, format!("analyses[{i}].assets[{j}]"), "asset", id, &asset_ids);
            }
        }
    }
    for (i, c) in scenario.consultations.iter().enumerate() {
        check_date(file, spans, &format!("consultations[{i}].date"), c.date.as_deref(), &mut problems);
    }
    let rule_refs = scenario
        .assessments
        .iter()
        .enumerate()
        .map(|(i, a)| (format!("assessments[{i}]"), a.rule.as_str()))
        .chain(scenario.waivers.iter().enumerate().map(|(i, w)| (format!("waivers[{i}]"), w.rule.as_str())));
    let rule_candidates: Vec<&str> = rule_ids.iter().map(String::as_str).collect();
    for (path, rule) in rule_refs {
        if !rule_exists(rule) {
            dangling(&mut problems, format!("{path}.rule"), "rule", rule, &rule_candidates);
        }
    }
    for (i, a) in scenario.assessments.iter().enumerate() {
        check_date(file, spans, &format!("assessments[{i}].date"), Some(&a.date), &mut problems);
        if let Some(p) = &a.party {
            if !party_ids.contains(&p.as_str()) {
                dangling(&mut problems, format!("assessments[{i}].party"), "party", p, &party_ids);
            }
        }
        if let Some(x) = &a.asset {
            if !asset_set.contains(x.as_str()) {
                dangling(&mut problems, format!("assessments[{i}].asset"), "asset", x, &asset_ids);
            }
        }
    }
    for (i, w) in scenario.waivers.iter().enumerate() {
        let ok_from = check_date(file, spans, &format!("waivers[{i}].date"), Some(&w.date), &mut problems);
        let ok_to = check_date(file, spans, &format!("waivers[{i}].expires"), Some(&w.expires), &mut problems);
        if ok_from && ok_to && w.expires < w.date {
            problems.push(
                Problem::new("granska::scenario::date", format!("waiver expires ({}) before it was decided ({})", w.expires, w.date))
                    .at(file, spans.label_span(&format!("waivers[{i}].expires")))
                    .label("earlier than `date`"),
            );
        }
    }
    problems.0.sort_by_key(|p| p.span.map(|s| s.start).unwrap_or(0));
    problems
}

/// Every party at any depth with its path, depth first in file order.
pub fn collect_parties<'a>(list: &'a [Party], path: &str, out: &mut Vec<(String, &'a Party)>) {
    for (i, p) in list.iter().enumerate() {
        let here = format!("{path}[{i}]");
        out.push((here.clone(), p));
        collect_parties(&p.subcontractors, &format!("{here}.subcontractors"), out);
    }
}

fn check_country(file: &Arc<SourceFile>, spans: &SpanIndex, path: &str, code: Option<&str>, problems: &mut Problems) {
    let Some(code) = code else { return };
    if isocountry::CountryCode::for_alpha2(code).is_err() {
        problems.push(
            Problem::new("granska::scenario::country", format!("`{code}` is not an ISO 3166-1 alpha-2 country code"))
                .at(file, spans.label_span(path))
                .label("unknown country")
                .help(if code == "UK" { "the United Kingdom is GB" } else { "use the two-letter code, e.g. SE, IE, US" }),
        );
    }
}

fn check_date(file: &Arc<SourceFile>, spans: &SpanIndex, path: &str, date: Option<&str>, problems: &mut Problems) -> bool {
    let Some(date) = date else { return true };
    if chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok() {
        return true;
    }
    problems.push(
        Problem::new("granska::scenario::date", format!("`{date}` is not a calendar date"))
            .at(file, spans.label_span(path))
            .label("no such day")
            .help("dates are YYYY-MM-DD"),
    );
    false
}
