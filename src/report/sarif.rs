//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers. One run;
//! `tool.driver.rules` lists every rule of the rulebook, then the input-problem codes, so a
//! result's `ruleIndex` is known without state: each scenario's piece is a run of results.
//!
//! Findings become results on the scenario's own line (`partialFingerprints` from rule,
//! scenario path, subject and message, so an alert keeps its identity when lines move); waived
//! findings carry `suppressions`; a rule that failed to evaluate is a `granska::rule-error`
//! result; an invalid scenario gives one result per problem (`granska::scenario::…`,
//! `granska::yaml::…`) at the problem's line. GitHub code scanning shows results, not
//! notifications, so every problem a user must fix is a result.

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::{Render, RenderCtx, Summary, model};
use crate::diag::Problems;
use crate::eval::{Evaluation, Finding};
use crate::lang::Lang;
use crate::rulebook::{Rule, Severity};
use crate::scenario::LoadedScenario;

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const INFORMATION_URI: &str = "https://granska.se/";
/// The rule id of a result for a rule that failed to evaluate.
pub const RULE_ERROR: &str = "granska::rule-error";

/// Input problems a scenario file can have, as rules: (code, English, Swedish).
/// A problem whose code is not listed still becomes a result, only without `ruleIndex`.
const INPUT_RULES: &[(&str, &str, &str)] = &[
    (
        RULE_ERROR,
        "A rule failed to evaluate: the verdict is INCOMPLETE",
        "En regel kunde inte utvärderas: utfallet är OFULLSTÄNDIGT",
    ),
    (
        "granska::io",
        "The scenario file cannot be read",
        "Scenariofilen kan inte läsas",
    ),
    (
        "granska::input::too-large",
        "The scenario file is too large",
        "Scenariofilen är för stor",
    ),
    (
        "granska::input::empty",
        "The scenario file is empty",
        "Scenariofilen är tom",
    ),
    (
        "granska::yaml::syntax",
        "The file is not valid YAML",
        "Filen är inte giltig YAML",
    ),
    (
        "granska::yaml::key",
        "A YAML key is not a plain string",
        "En YAML-nyckel är inte en enkel sträng",
    ),
    (
        "granska::yaml::duplicate-key",
        "A key appears twice in one mapping",
        "En nyckel förekommer två gånger",
    ),
    (
        "granska::yaml::documents",
        "The file holds more than one YAML document",
        "Filen innehåller mer än ett YAML-dokument",
    ),
    (
        "granska::yaml::anchor",
        "YAML anchors and aliases are not allowed",
        "YAML-ankare och alias är inte tillåtna",
    ),
    (
        "granska::yaml::tag",
        "YAML tags are not allowed",
        "YAML-taggar är inte tillåtna",
    ),
    (
        "granska::yaml::depth",
        "The YAML is nested too deeply",
        "YAML-strukturen är för djup",
    ),
    (
        "granska::yaml::top-level",
        "The file is not a YAML mapping",
        "Filen är inte en YAML-mappning",
    ),
    (
        "granska::scenario",
        "The scenario is invalid",
        "Scenariot är ogiltigt",
    ),
    (
        "granska::scenario::unknown-key",
        "A key is not part of the scenario format",
        "En nyckel ingår inte i scenarioformatet",
    ),
    (
        "granska::scenario::missing-key",
        "A required key is missing",
        "En obligatorisk nyckel saknas",
    ),
    (
        "granska::scenario::type",
        "A value has the wrong type",
        "Ett värde har fel typ",
    ),
    (
        "granska::scenario::value",
        "A value is not one of those allowed",
        "Ett värde är inte ett av de tillåtna",
    ),
    (
        "granska::scenario::range",
        "A value is out of range",
        "Ett värde ligger utanför sitt intervall",
    ),
    (
        "granska::scenario::format",
        "A value does not have the required form",
        "Ett värde har inte rätt form",
    ),
    (
        "granska::scenario::date",
        "A date is not a valid YYYY-MM-DD date",
        "Ett datum är inte ett giltigt datum ÅÅÅÅ-MM-DD",
    ),
    (
        "granska::scenario::empty",
        "A name is empty",
        "Ett namn är tomt",
    ),
    (
        "granska::scenario::duplicate-id",
        "An id is used twice",
        "Ett id används två gånger",
    ),
    (
        "granska::scenario::dangling-ref",
        "A reference names an id that does not exist",
        "En hänvisning avser ett id som inte finns",
    ),
    (
        "granska::scenario::country",
        "A country code is not an ISO 3166-1 code",
        "En landskod är inte en ISO 3166-1-kod",
    ),
    (
        "granska::scenario::conflicting-assessment",
        "One legal question has two different recorded answers",
        "En juridisk fråga har två olika dokumenterade svar",
    ),
    (
        "granska::rules::no-law-in-force",
        "No rule of the rulebook is in force on the date judged",
        "Ingen regel i regelboken gäller på det datum som prövas",
    ),
];

pub struct Sarif;

impl Render for Sarif {
    fn begin(&self, ctx: &RenderCtx<'_>) -> String {
        let mut rules: Vec<Value> = ctx
            .rulebook
            .rules
            .iter()
            .map(|r| rule_descriptor(r, ctx.lang))
            .collect();
        rules.extend(
            INPUT_RULES.iter().map(|&(id, en, sv)| {
                input_descriptor(id, if ctx.lang == Lang::Sv { sv } else { en })
            }),
        );
        let tool = model::tool();
        let driver = json!({
            "name": tool.name,
            "version": tool.version,
            "semanticVersion": tool.version,
            "informationUri": INFORMATION_URI,
            "rules": rules,
        });
        let head = json!({ "$schema": SCHEMA_URI, "version": "2.1.0" }).to_string();
        let run =
            json!({ "tool": { "driver": driver }, "columnKind": "unicodeCodePoints" }).to_string();
        // `{…head…,"runs":[{…run…,"results":[`
        format!(
            "{},\"runs\":[{},\"results\":[",
            &head[..head.len() - 1],
            &run[..run.len() - 1]
        )
    }

    fn scenario(&self, ctx: &RenderCtx<'_>, _loaded: &LoadedScenario, e: &Evaluation) -> String {
        let mut results: Vec<String> = e
            .findings
            .iter()
            .map(|f| finding_result(ctx, e, f).to_string())
            .collect();
        for (o, err) in e.errors() {
            let text = match ctx.lang {
                Lang::Sv => format!(
                    "Regeln {} kunde inte utvärderas: {} ({}:{}:{}). Utfallet är OFULLSTÄNDIGT.",
                    o.rule, err.message, err.file, err.line, err.column
                ),
                Lang::En => format!(
                    "Rule {} failed to evaluate: {} ({}:{}:{}). The verdict is INCOMPLETE.",
                    o.rule, err.message, err.file, err.line, err.column
                ),
            };
            let r = json!({
                "ruleId": RULE_ERROR,
                "ruleIndex": input_index(ctx, RULE_ERROR),
                "level": "error",
                "message": { "text": text },
                "locations": [location(&e.file, 1, 1)],
                "partialFingerprints": { "granska/v1": fingerprint(&[RULE_ERROR, &o.rule]) },
                "properties": { "rule": o.rule, "verdict": e.verdict.as_str(), "rule_file": err.file, "rule_line": err.line },
            });
            results.push(r.to_string());
        }
        results.join(",")
    }

    fn invalid(&self, ctx: &RenderCtx<'_>, file: &str, problems: &Problems) -> String {
        let results: Vec<String> = problems
            .0
            .iter()
            .map(|p| {
                let (pfile, line, col) = p.location().unwrap_or((file.to_string(), 1, 1));
                let mut text = p.message.clone();
                if let Some(h) = &p.help {
                    text = format!("{text} ({h})");
                }
                let mut r = Map::new();
                r.insert("ruleId".into(), json!(p.code));
                if let Some(i) = input_index(ctx, &p.code) {
                    r.insert("ruleIndex".into(), json!(i));
                }
                r.insert("level".into(), json!("error"));
                r.insert("message".into(), json!({ "text": text }));
                r.insert("locations".into(), json!([location(&pfile, line, col)]));
                r.insert(
                    "partialFingerprints".into(),
                    json!({ "granska/v1": fingerprint(&[&p.code, &p.message]) }),
                );
                r.insert(
                    "properties".into(),
                    json!({ "verdict": "INVALID", "file": file }),
                );
                Value::Object(r).to_string()
            })
            .collect();
        results.join(",")
    }

    fn separator(&self) -> &'static str {
        ","
    }

    fn end(&self, ctx: &RenderCtx<'_>, s: &Summary) -> String {
        let incomplete = s.verdicts.get("INCOMPLETE").copied().unwrap_or(0);
        let invocation = json!({
            "executionSuccessful": s.invalid == 0 && incomplete == 0,
            "properties": { "files": s.files, "invalid": s.invalid },
        });
        let scenarios: Vec<Value> = s
            .scenarios
            .iter()
            .map(|(file, verdict)| json!({ "file": file, "verdict": verdict.unwrap_or("INVALID") }))
            .collect();
        let properties = json!({
            "lang": ctx.lang,
            "rulebook_sha256": ctx.rulebook.digest(),
            "scenarios": scenarios,
            "summary": { "files": s.files, "invalid": s.invalid, "verdicts": s.verdicts },
        });
        format!("],\"invocations\":[{invocation}],\"properties\":{properties}}}]}}\n")
    }
}

/// SARIF level of a severity: blocker and major must be fixed before a decision.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Blocker | Severity::Major => "error",
        Severity::Minor => "warning",
        Severity::Info => "note",
    }
}

fn finding_result(ctx: &RenderCtx<'_>, e: &Evaluation, f: &Finding) -> Value {
    let lang = ctx.lang;
    let mut text = f.message.get(lang).to_string();
    if let Some(q) = &f.question {
        let label = if lang == Lang::Sv {
            "Fråga att bedöma"
        } else {
            "Question to assess"
        };
        text = format!("{text} {label}: {}", q.get(lang));
    }
    let mut r = Map::new();
    r.insert("ruleId".into(), json!(f.rule));
    if let Some(i) = ctx.rulebook.rules.iter().position(|r| r.meta.id == f.rule) {
        r.insert("ruleIndex".into(), json!(i));
    }
    r.insert("level".into(), json!(level(f.severity)));
    r.insert("message".into(), json!({ "text": text }));
    r.insert(
        "locations".into(),
        json!([location(&e.file, f.line, f.column)]),
    );
    let subject = f.subject.as_deref().unwrap_or("");
    // Rule, path and subject identify most findings; a rule may say two things about one
    // element (two facts missing), so the message (in English, whatever `--lang`) is part.
    let identity = [f.rule.as_str(), &f.path, subject, &f.message.en];
    r.insert(
        "partialFingerprints".into(),
        json!({ "granska/v1": fingerprint(&identity) }),
    );
    if let Some(w) = f.waived_by.and_then(|i| e.waivers.get(i)) {
        let justification = format!(
            "{} ({}, {}, until {})",
            w.reason, w.decided_by, w.date, w.expires
        );
        r.insert(
            "suppressions".into(),
            json!([{ "kind": "inSource", "status": "accepted", "justification": justification }]),
        );
    }
    r.insert(
        "properties".into(),
        json!({
            "severity": f.severity,
            "kind": f.kind.as_str(),
            "path": f.path,
            "because": f.because,
            "subject": f.subject,
            "verdict": e.verdict.as_str(),
            "scenario_id": e.scenario_id,
            "as_of": e.as_of,
        }),
    );
    Value::Object(r)
}

fn location(file: &str, line: usize, column: usize) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(file) },
            "region": { "startLine": line.max(1), "startColumn": column.max(1) },
        }
    })
}

/// A file path as CI tools name it: forward slashes, no `./`, and relative to the current
/// directory (the repository root in CI) when it lies below it.
pub fn relative_path(file: &str) -> String {
    let mut path = file.replace('\\', "/");
    if let Ok(cwd) = std::env::current_dir() {
        let cwd = cwd.display().to_string().replace('\\', "/");
        if let Some(rest) = path.strip_prefix(&format!("{}/", cwd.trim_end_matches('/'))) {
            path = rest.to_string();
        }
    }
    while let Some(rest) = path.strip_prefix("./") {
        path = rest.to_string();
    }
    path
}

/// [`relative_path`] as a URI reference, percent-encoded outside the unreserved characters;
/// a path outside the current directory becomes a `file://` URI.
pub fn uri(file: &str) -> String {
    let path = relative_path(file);
    let mut out = String::with_capacity(path.len() + 8);
    if path.starts_with('/') {
        out.push_str("file://");
    } else if path.as_bytes().get(1) == Some(&b':') {
        out.push_str("file:///");
    }
    for (i, b) in path.bytes().enumerate() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            b':' if i == 1 && out.starts_with("file:") => out.push(':'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn fingerprint(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    h.finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn input_index(ctx: &RenderCtx<'_>, code: &str) -> Option<usize> {
    INPUT_RULES
        .iter()
        .position(|(c, _, _)| *c == code)
        .map(|i| ctx.rulebook.rules.len() + i)
}

/// `SSL-PERSONNEL-CLEARANCE` → `SslPersonnelClearance` (SARIF's "friendly name").
fn friendly_name(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && *w != "granska")
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            let mut chars = lower.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn rule_descriptor(rule: &Rule, lang: Lang) -> Value {
    let m = &rule.meta;
    let title = m.title.get(lang);
    let (law, in_force_word, until_word, statute, waivable) = match lang {
        Lang::Sv => (
            "Lagrum",
            "Gäller från",
            "till och med",
            "Lagkrav: kan inte undantas.",
            "Rekommendation: kan undantas med motivering, beslutsfattare och slutdatum.",
        ),
        Lang::En => (
            "Law",
            "In force from",
            "to",
            "Statutory: cannot be waived.",
            "Recommendation: may be waived with a reason, an approver and an expiry date.",
        ),
    };
    let period = match &m.in_force.to {
        Some(to) => format!("{in_force_word} {} {until_word} {to}.", m.in_force.from),
        None => format!("{in_force_word} {}.", m.in_force.from),
    };
    let cites: Vec<String> = m.citations.iter().map(|c| c.short()).collect();
    let full = format!(
        "{title}. {law}: {}. {period} {}",
        cites.join("; "),
        if m.waivable { waivable } else { statute }
    );
    let help = m
        .help
        .as_ref()
        .map(|h| h.get(lang).to_string())
        .unwrap_or_default();
    let mut help_text = help.clone();
    let mut help_md = help;
    if !help_text.is_empty() {
        help_text.push_str("\n\n");
        help_md.push_str("\n\n");
    }
    help_text.push_str(&format!("{law}:\n"));
    help_md.push_str(&format!("**{law}**\n\n"));
    for c in &m.citations {
        help_text.push_str(&format!(
            "- {}{}\n",
            c.short(),
            c.url
                .as_deref()
                .map(|u| format!(" <{u}>"))
                .unwrap_or_default()
        ));
        let short = md_escape(&c.short());
        help_md.push_str(&match &c.url {
            Some(u) => format!("- [{short}]({u})\n"),
            None => format!("- {short}\n"),
        });
    }
    help_text.push_str(&format!("\n{period}"));
    help_md.push_str(&format!("\n{period}"));
    let mut d = Map::new();
    d.insert("id".into(), json!(m.id));
    d.insert("name".into(), json!(friendly_name(&m.id)));
    d.insert("shortDescription".into(), json!({ "text": title }));
    d.insert("fullDescription".into(), json!({ "text": full }));
    d.insert(
        "help".into(),
        json!({ "text": help_text, "markdown": help_md }),
    );
    if let Some(u) = m.citations.iter().find_map(|c| c.url.as_deref()) {
        d.insert("helpUri".into(), json!(u));
    }
    d.insert(
        "defaultConfiguration".into(),
        json!({ "level": level(m.severity) }),
    );
    d.insert(
        "properties".into(),
        json!({
            "tags": ["granska", rule.area, m.severity.as_str()],
            "area": rule.area,
            "severity": m.severity,
            "waivable": m.waivable,
            "in_force": m.in_force,
            "citations": m.citations,
            "title": m.title,
        }),
    );
    Value::Object(d)
}

fn input_descriptor(id: &str, text: &str) -> Value {
    json!({
        "id": id,
        "name": friendly_name(id),
        "shortDescription": { "text": text },
        "fullDescription": { "text": format!("{text} (granska input problem {id}).") },
        "help": { "text": format!("{text}. Run `granska check` on the file for the diagnostic with its help."),
                  "markdown": format!("{text}. Run `granska check` on the file for the diagnostic with its help.") },
        "defaultConfiguration": { "level": "error" },
        "properties": { "tags": ["granska", "input"] },
    })
}

fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_references_or_file_uris() {
        assert_eq!(uri("scenarios/a b/å.yaml"), "scenarios/a%20b/%C3%A5.yaml");
        assert_eq!(uri("./scenarios\\x.yaml"), "scenarios/x.yaml");
        assert_eq!(uri("/elsewhere/x.yaml"), "file:///elsewhere/x.yaml");
        assert_eq!(uri("C:/work/x.yaml"), "file:///C:/work/x.yaml");
    }

    #[test]
    fn friendly_names_are_pascal_case() {
        assert_eq!(
            friendly_name("SSL-PERSONNEL-CLEARANCE"),
            "SslPersonnelClearance"
        );
        assert_eq!(
            friendly_name("granska::scenario::unknown-key"),
            "ScenarioUnknownKey"
        );
    }
}
