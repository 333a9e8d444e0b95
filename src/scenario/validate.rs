//! Validation of a parsed scenario: first against the JSON Schema generated from the model
//! (every structural error at once), then the checks a schema cannot express: unique ids,
//! references, real calendar dates, assigned country codes.

use std::collections::HashMap;
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
    CHECKER.get_or_init(|| {
        Checker::for_type::<Scenario>(
            "granska::scenario",
            "https://granska.se/schema/scenario-v1.json",
        )
    })
}

/// Structural problems: unknown keys, wrong types, missing keys, bad enum values, ranges.
pub fn check_schema(file: &Arc<SourceFile>, value: &Value, spans: &SpanIndex) -> Problems {
    checker().check(file, value, spans)
}

/// Checks beyond the schema. They read the parsed value, not the typed model, so that they
/// run even when the schema found problems: every problem of a file is reported at once.
/// `rule_exists` says whether a rule id is in the loaded rulebook.
pub fn check_semantics(
    file: &Arc<SourceFile>,
    value: &Value,
    spans: &SpanIndex,
    rule_exists: &dyn Fn(&str) -> bool,
    rule_ids: &[String],
) -> Problems {
    let mut problems = Problems::default();
    // Borrow, never clone: this runs on every scenario of a batch.
    fn list<'v>(v: &'v Value, key: &str) -> &'v [Value] {
        v.get(key)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
    fn text<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
        v.get(key).and_then(Value::as_str)
    }

    let assets: Vec<(String, &Value)> = list(value, "assets")
        .iter()
        .enumerate()
        .map(|(i, a)| (format!("assets[{i}]"), a))
        .collect();
    let mut parties = Vec::new();
    collect_party_values(list(value, "suppliers"), "suppliers", &mut parties);

    let mut first_use: HashMap<&str, &str> = HashMap::new();
    for (path, item) in assets.iter().chain(parties.iter()) {
        let Some(id) = text(item, "id") else { continue };
        if let Some(first) = first_use.get(id) {
            let (line, _) = file.line_col(spans.label_span(&format!("{first}.id")).start);
            problems.push(
                Problem::new(
                    "granska::scenario::duplicate-id",
                    format!("id `{id}` is used twice"),
                )
                .at(file, spans.label_span(&format!("{path}.id")))
                .label(format!("first used on line {line}"))
                .help("ids must be unique across assets and parties at every depth"),
            );
        } else {
            first_use.insert(id, path);
        }
    }
    let asset_ids: Vec<&str> = assets.iter().filter_map(|(_, a)| text(a, "id")).collect();
    let party_ids: Vec<&str> = parties.iter().filter_map(|(_, p)| text(p, "id")).collect();
    // Paths are built only for a problem: a valid file has thousands of nodes to check.
    let dangling = |problems: &mut Problems,
                    path: &dyn Fn() -> String,
                    what: &str,
                    id: &str,
                    candidates: &[&str]| {
        if candidates.contains(&id) {
            return;
        }
        let mut p = Problem::new(
            "granska::scenario::dangling-ref",
            format!("no {what} has the id `{id}`"),
        )
        .at(file, spans.label_span(&path()))
        .label(format!("unknown {what}"));
        p = match did_you_mean(id, candidates.iter().copied()) {
            Some(s) => p.help(format!("did you mean `{s}`?")),
            None if !candidates.is_empty() && candidates.len() <= 12 => {
                p.help(format!("known: {}", candidates.join(", ")))
            }
            None => p,
        };
        problems.push(p);
    };

    for (path, party) in &parties {
        for field in ["country", "parent_country"] {
            check_country(
                file,
                spans,
                || format!("{path}.{field}"),
                text(party, field),
                &mut problems,
            );
        }
        for (i, access) in list(party, "access").iter().enumerate() {
            if let Some(asset) = text(access, "asset") {
                dangling(
                    &mut problems,
                    &|| format!("{path}.access[{i}].asset"),
                    "asset",
                    asset,
                    &asset_ids,
                );
            }
            for field in ["from", "storage"] {
                for (j, c) in list(access, field).iter().enumerate() {
                    check_country(
                        file,
                        spans,
                        || format!("{path}.access[{i}].{field}[{j}]"),
                        c.as_str(),
                        &mut problems,
                    );
                }
            }
        }
        for (i, a) in list(party, "agreements").iter().enumerate() {
            check_date(
                file,
                spans,
                || format!("{path}.agreements[{i}].date"),
                text(a, "date"),
                &mut problems,
            );
        }
    }
    let decision_date = value
        .get("decision")
        .and_then(|d| d.get("date"))
        .and_then(Value::as_str);
    check_date(
        file,
        spans,
        || "decision.date".to_string(),
        decision_date,
        &mut problems,
    );
    for (i, a) in list(value, "analyses").iter().enumerate() {
        check_date(
            file,
            spans,
            || format!("analyses[{i}].date"),
            text(a, "date"),
            &mut problems,
        );
        for (j, id) in list(a, "assets").iter().enumerate() {
            if let Some(id) = id.as_str() {
                dangling(
                    &mut problems,
                    &|| format!("analyses[{i}].assets[{j}]"),
                    "asset",
                    id,
                    &asset_ids,
                );
            }
        }
    }
    for (i, c) in list(value, "consultations").iter().enumerate() {
        check_date(
            file,
            spans,
            || format!("consultations[{i}].date"),
            text(c, "date"),
            &mut problems,
        );
    }
    let rule_candidates: Vec<&str> = rule_ids.iter().map(String::as_str).collect();
    for key in ["assessments", "waivers"] {
        for (i, entry) in list(value, key).iter().enumerate() {
            if let Some(rule) = text(entry, "rule")
                && !rule_exists(rule)
            {
                dangling(
                    &mut problems,
                    &|| format!("{key}[{i}].rule"),
                    "rule",
                    rule,
                    &rule_candidates,
                );
            }
            check_date(
                file,
                spans,
                || format!("{key}[{i}].date"),
                text(entry, "date"),
                &mut problems,
            );
        }
    }
    for (i, a) in list(value, "assessments").iter().enumerate() {
        if let Some(p) = text(a, "party") {
            dangling(
                &mut problems,
                &|| format!("assessments[{i}].party"),
                "party",
                p,
                &party_ids,
            );
        }
        if let Some(x) = text(a, "asset") {
            dangling(
                &mut problems,
                &|| format!("assessments[{i}].asset"),
                "asset",
                x,
                &asset_ids,
            );
        }
    }
    // One question, one answer: which of two conflicting judgements counts would otherwise
    // depend on their order in the file.
    // (rule, party, asset) → (index of the first answer, its conclusion)
    type Question<'v> = (&'v str, Option<&'v str>, Option<&'v str>);
    let mut answered: HashMap<Question, (usize, &str)> = HashMap::new();
    for (i, a) in list(value, "assessments").iter().enumerate() {
        let (Some(rule), Some(conclusion)) = (text(a, "rule"), text(a, "conclusion")) else {
            continue;
        };
        let question = (rule, text(a, "party"), text(a, "asset"));
        match answered.get(&question) {
            Some(&(first, earlier)) if earlier != conclusion => {
                let at = |j: usize| spans.label_span(&format!("assessments[{j}].conclusion"));
                let (line, _) = file.line_col(at(first).start);
                problems.push(
                    Problem::new(
                        "granska::scenario::conflicting-assessment",
                        format!("{rule} is answered both `{earlier}` and `{conclusion}` for the same question"),
                    )
                    .at(file, at(i))
                    .label(format!("`{earlier}` on line {line}"))
                    .help("keep one judgement per rule, party and asset: replace a superseded one (its reference can go in the new one's `reference`)"),
                );
            }
            Some(_) => {}
            None => {
                answered.insert(question, (i, conclusion));
            }
        }
    }
    for (i, w) in list(value, "waivers").iter().enumerate() {
        let expires = text(w, "expires");
        let ok_to = check_date(
            file,
            spans,
            || format!("waivers[{i}].expires"),
            expires,
            &mut problems,
        );
        if let (true, Some(from), Some(to)) = (ok_to, text(w, "date"), expires)
            && to < from
            && crate::date::parse_iso(from).is_some()
        {
            problems.push(
                Problem::new(
                    "granska::scenario::date",
                    format!("waiver expires ({to}) before it was decided ({from})"),
                )
                .at(file, spans.label_span(&format!("waivers[{i}].expires")))
                .label("earlier than `date`"),
            );
        }
    }
    problems
        .0
        .sort_by_key(|p| p.span.map(|s| s.start).unwrap_or(0));
    problems
}

fn collect_party_values<'v>(list: &'v [Value], path: &str, out: &mut Vec<(String, &'v Value)>) {
    for (i, p) in list.iter().enumerate() {
        let here = format!("{path}[{i}]");
        out.push((here.clone(), p));
        if let Some(subs) = p.get("subcontractors").and_then(Value::as_array) {
            collect_party_values(subs, &format!("{here}.subcontractors"), out);
        }
    }
}

/// Every party at any depth with its path, depth first in file order.
pub fn collect_parties<'a>(list: &'a [Party], path: &str, out: &mut Vec<(String, &'a Party)>) {
    for (i, p) in list.iter().enumerate() {
        let here = format!("{path}[{i}]");
        out.push((here.clone(), p));
        collect_parties(&p.subcontractors, &format!("{here}.subcontractors"), out);
    }
}

fn check_country(
    file: &Arc<SourceFile>,
    spans: &SpanIndex,
    path: impl FnOnce() -> String,
    code: Option<&str>,
    problems: &mut Problems,
) {
    // Codes of the wrong shape are already reported by the schema.
    let Some(code) = code.filter(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()))
    else {
        return;
    };
    if !is_alpha2_country(code) {
        problems.push(
            Problem::new(
                "granska::scenario::country",
                format!("`{code}` is not an ISO 3166-1 alpha-2 country code"),
            )
            .at(file, spans.label_span(&path()))
            .label("unknown country")
            .help(if code == "UK" {
                "the United Kingdom is GB"
            } else {
                "use the two-letter code, e.g. SE, IE, US"
            }),
        );
    }
}

fn check_date(
    file: &Arc<SourceFile>,
    spans: &SpanIndex,
    path: impl FnOnce() -> String,
    date: Option<&str>,
    problems: &mut Problems,
) -> bool {
    let Some(date) = date else { return true };
    // Text that is not shaped like a date is already reported by the schema.
    let shaped = date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shaped {
        return false;
    }
    if crate::date::parse_iso(date).is_some() {
        return true;
    }
    problems.push(
        Problem::new(
            "granska::scenario::date",
            format!("`{date}` is not a calendar date"),
        )
        .at(file, spans.label_span(&path()))
        .label("no such day")
        .help("dates are YYYY-MM-DD"),
    );
    false
}

/// Whether two upper-case letters are an ISO 3166-1 alpha-2 code. isocountry's `for_alpha2`
/// compares the text with each of ~250 codes in turn (~380 instructions, some 200 times per
/// scenario); its list is put once into a table of the 26 × 26 possible codes.
fn is_alpha2_country(code: &str) -> bool {
    static CODES: std::sync::OnceLock<[bool; 26 * 26]> = std::sync::OnceLock::new();
    let slot = |b: &[u8]| usize::from(b[0] - b'A') * 26 + usize::from(b[1] - b'A');
    let b = code.as_bytes();
    if b.len() != 2 || !b.iter().all(u8::is_ascii_uppercase) {
        return false;
    }
    CODES.get_or_init(|| {
        let mut table = [false; 26 * 26];
        for c in isocountry::CountryCode::iter() {
            table[slot(c.alpha2().as_bytes())] = true;
        }
        table
    })[slot(b)]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table answers as isocountry does, for every pair of upper-case letters.
    #[test]
    fn alpha2_table_agrees_with_isocountry() {
        for a in b'A'..=b'Z' {
            for b in b'A'..=b'Z' {
                let code = String::from_utf8(vec![a, b]).unwrap();
                assert_eq!(
                    is_alpha2_country(&code),
                    isocountry::CountryCode::for_alpha2(&code).is_ok(),
                    "{code}"
                );
            }
        }
        for bad in ["se", "S", "SWE", "", "Å1"] {
            assert!(!is_alpha2_country(bad), "{bad}");
        }
    }
}
