//! The stable, versioned JSON model of an evaluation: the base of every machine format.
//!
//! Envelope (`granska check --format json`):
//! ```json
//! { "schema": "granska/check/v1",
//!   "tool": { "name": "granska", "version": "…" },
//!   "rulebook": { "sha256": "…", "files": [ { "file", "sha256" }, … ] },
//!   "results": [ Result, … ],          // one per scenario, in input order
//!   "summary": { "files": n, "invalid": n, "verdicts": { "BLOCKED": n, … } } }
//! ```
//! A `Result` is either `{ "file", "status": "evaluated", "scenario_id", "title", "as_of",
//! "as_of_source", "verdict", "counts", "findings", "facts", "waivers", "rule_errors",
//! "receipt" }` or `{ "file", "status": "invalid", "problems": [ … ] }`.
//! Findings are sorted by severity, rule id and path; every list is deterministic.
//! Fields are only ever added within v1, never renamed or removed.

use foldhash::HashMap;
use serde::Serialize;
use serde_json::value::RawValue;

use crate::diag::Problems;
use crate::eval::outcome::{FactValue, Receipt, WaiverDecision};
use crate::eval::{Evaluation, Finding};
use crate::lang::Text;
use crate::rulebook::{Citation, Rulebook, Severity};

pub const SCHEMA: &str = "granska/check/v1";

#[derive(Debug, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

pub fn tool() -> Tool {
    Tool {
        name: "granska",
        version: env!("CARGO_PKG_VERSION"),
    }
}

#[derive(Debug, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ResultModel<'a> {
    Evaluated(EvaluatedModel<'a>),
    Invalid(InvalidModel),
}

#[derive(Debug, Serialize)]
pub struct EvaluatedModel<'a> {
    pub file: &'a str,
    pub scenario_id: &'a str,
    pub title: Option<&'a str>,
    pub as_of: &'a str,
    pub as_of_source: &'a str,
    pub verdict: &'static str,
    pub counts: Counts,
    pub findings: Vec<FindingModel<'a>>,
    pub facts: &'a [FactValue],
    pub waivers: &'a [WaiverDecision],
    pub rule_errors: Vec<RuleErrorModel<'a>>,
    pub receipt: &'a Receipt,
}

#[derive(Debug, Serialize, Default)]
pub struct Counts {
    pub blocker: usize,
    pub major: usize,
    pub minor: usize,
    pub info: usize,
    pub waived: usize,
}

#[derive(Debug, Serialize)]
pub struct FindingModel<'a> {
    pub rule: &'a str,
    pub severity: Severity,
    pub kind: &'static str,
    pub title: Option<Fixed<'a, Text>>,
    pub message: Message<'a>,
    pub question: Option<Message<'a>>,
    pub help: Option<Fixed<'a, Text>>,
    /// The citations that apply on the evaluation date.
    pub citations: Vec<Fixed<'a, Citation>>,
    pub path: &'a str,
    pub line: usize,
    pub column: usize,
    pub because: &'a [String],
    pub subject: Option<&'a str>,
    pub waived: bool,
}

#[derive(Debug, Serialize)]
pub struct RuleErrorModel<'a> {
    pub rule: &'a str,
    pub message: &'a str,
    pub file: &'a str,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Serialize)]
pub struct InvalidModel {
    pub file: String,
    pub problems: Vec<ProblemModel>,
}

#[derive(Debug, Serialize)]
pub struct ProblemModel {
    pub code: String,
    pub message: String,
    pub help: Option<String>,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

/// The rulebook used for a whole run: its digest and every file (recorded once per run;
/// each result's receipt carries the digest).
#[derive(Debug, Serialize)]
pub struct RulebookModel {
    pub sha256: String,
    pub files: Vec<crate::eval::outcome::FileHash>,
}

pub fn rulebook(rb: &Rulebook) -> RulebookModel {
    RulebookModel {
        sha256: rb.digest().to_string(),
        files: rb.file_hashes().to_vec(),
    }
}

pub fn counts(e: &Evaluation) -> Counts {
    Counts {
        blocker: e.count(Severity::Blocker),
        major: e.count(Severity::Major),
        minor: e.count(Severity::Minor),
        info: e.count(Severity::Info),
        waived: e.findings.iter().filter(|f| !f.stands()).count(),
    }
}

/// A part of a finding that is the same in every finding of its rule (title, help, a
/// citation): the value, or its JSON made once per run by [`RuleTexts`]. A generated batch
/// scenario has hundreds of findings; copying these parts costs a fraction of escaping them
/// again each time.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Fixed<'a, T> {
    Value(&'a T),
    Json(&'a RawValue),
}

/// A finding's message or question: the texts, or (for the JSON report) their JSON written
/// directly. serde_json escapes a string a byte at a time, and the messages are most of a
/// report's bytes (~600 per finding); a text that needs no escaping is checked in one pass
/// and copied (−0.6 % of a batch's instructions). The JSON is the same either way.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Message<'a> {
    Value(&'a Text),
    Json(Box<RawValue>),
}

impl<'a> Message<'a> {
    fn new(text: &'a Text, as_json: bool) -> Message<'a> {
        match as_json.then(|| plain_json(text)).flatten() {
            Some(json) => Message::Json(json),
            None => Message::Value(text),
        }
    }
}

/// `{"sv":"…","en":"…"}` for texts without a quote, backslash or control character (which
/// serde_json would escape), else `None`.
fn plain_json(text: &Text) -> Option<Box<RawValue>> {
    // Without an early exit, so that the compiler checks many bytes per step.
    let plain = |s: &str| {
        !s.bytes().fold(false, |bad, b| {
            bad | (b < 0x20) | (b == b'"') | (b == b'\\')
        })
    };
    if !(plain(&text.sv) && plain(&text.en)) {
        return None;
    }
    let mut json = String::with_capacity(text.sv.len() + text.en.len() + 17);
    for (prefix, value) in [("{\"sv\":\"", &text.sv), ("\",\"en\":\"", &text.en)] {
        json.push_str(prefix);
        json.push_str(value);
    }
    json.push_str("\"}");
    RawValue::from_string(json).ok()
}

/// The fixed parts of every rule's findings, serialised once.
#[derive(Debug, Default)]
pub struct RuleTexts(HashMap<String, RuleText>);

#[derive(Debug)]
struct RuleText {
    title: Box<RawValue>,
    help: Option<Box<RawValue>>,
    /// In the order of the rule's `citations`.
    citations: Vec<Box<RawValue>>,
}

impl RuleTexts {
    pub fn new(rulebook: &Rulebook) -> RuleTexts {
        fn json<T: Serialize>(value: &T) -> Option<Box<RawValue>> {
            serde_json::value::to_raw_value(value).ok()
        }
        let texts = rulebook.rules.iter().filter_map(|r| {
            let m = &r.meta;
            let text = RuleText {
                title: json(&m.title)?,
                help: match &m.help {
                    Some(help) => Some(json(help)?),
                    None => None,
                },
                citations: m.citations.iter().map(json).collect::<Option<_>>()?,
            };
            Some((m.id.clone(), text))
        });
        RuleTexts(texts.collect())
    }
}

/// A finding in the model; `texts` (when given) supplies the fixed parts already serialised.
pub fn finding<'a>(
    f: &'a Finding,
    rulebook: &'a Rulebook,
    as_of: &str,
    texts: Option<&'a RuleTexts>,
) -> FindingModel<'a> {
    let meta = rulebook.rule(&f.rule).map(|r| &r.meta);
    let text = texts.and_then(|t| t.0.get(&f.rule));
    let citations = match meta {
        None => Vec::new(),
        Some(m) => m
            .citations
            .iter()
            .enumerate()
            .filter(|(_, c)| c.applies_on(as_of))
            .map(|(i, c)| match text.and_then(|t| t.citations.get(i)) {
                Some(raw) => Fixed::Json(raw),
                None => Fixed::Value(c),
            })
            .collect(),
    };
    FindingModel {
        rule: &f.rule,
        severity: f.severity,
        kind: f.kind.as_str(),
        title: match text {
            Some(t) => Some(Fixed::Json(&t.title)),
            None => meta.map(|m| Fixed::Value(&m.title)),
        },
        message: Message::new(&f.message, texts.is_some()),
        question: f
            .question
            .as_ref()
            .map(|q| Message::new(q, texts.is_some())),
        help: match text {
            Some(t) => t.help.as_deref().map(Fixed::Json),
            None => meta.and_then(|m| m.help.as_ref()).map(Fixed::Value),
        },
        citations,
        path: &f.path,
        line: f.line,
        column: f.column,
        because: &f.because,
        subject: f.subject.as_deref(),
        waived: !f.stands(),
    }
}

pub fn evaluated<'a>(
    e: &'a Evaluation,
    rulebook: &'a Rulebook,
    texts: Option<&'a RuleTexts>,
) -> ResultModel<'a> {
    ResultModel::Evaluated(EvaluatedModel {
        file: &e.file,
        scenario_id: &e.scenario_id,
        title: e.title.as_deref(),
        as_of: &e.as_of,
        as_of_source: &e.as_of_source,
        verdict: e.verdict.as_str(),
        counts: counts(e),
        findings: e
            .findings
            .iter()
            .map(|f| finding(f, rulebook, &e.as_of, texts))
            .collect(),
        facts: &e.facts,
        waivers: &e.waivers,
        rule_errors: e
            .errors()
            .map(|(o, err)| RuleErrorModel {
                rule: &o.rule,
                message: &err.message,
                file: &err.file,
                line: err.line,
                column: err.column,
            })
            .collect(),
        receipt: &e.receipt,
    })
}

pub fn invalid(file: &str, problems: &Problems) -> ResultModel<'static> {
    ResultModel::Invalid(InvalidModel {
        file: file.to_string(),
        problems: problems
            .0
            .iter()
            .map(|p| {
                let loc = p.location();
                ProblemModel {
                    code: p.code.clone(),
                    message: p.message.clone(),
                    help: p.help.clone(),
                    file: loc.as_ref().map(|l| l.0.clone()),
                    line: p.span.and(loc.as_ref().map(|l| l.1)),
                    column: p.span.and(loc.as_ref().map(|l| l.2)),
                }
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::eval::Evaluator;
    use crate::rulebook::Tree;
    use crate::source::SourceFile;

    /// The JSON of a result is the same whether the rule texts are copied from `RuleTexts` or
    /// serialised per finding: titles, help, and the citations that apply on the date judged
    /// (the 2015 and 2019 cases cite 1996:627 or 2018:585 by period).
    /// A message copied as JSON reads exactly as serde_json writes it, and a text that needs
    /// escaping (quote, backslash, control character) is left to serde_json.
    #[test]
    fn messages_written_directly_are_the_json_serde_writes() {
        for (sv, en) in [
            ("Överförmyndarärenden når från RS", "reaches from RS – ok"),
            ("citat \"så här\"", "plain"),
            ("plain", "back\\slash"),
            ("rad\nny rad", "tab\there"),
            ("", ""),
        ] {
            let text = Text::new(sv, en);
            let direct = serde_json::to_string(&Message::new(&text, true)).expect("json");
            let serde = serde_json::to_string(&text).expect("json");
            assert_eq!(direct, serde, "{sv:?} / {en:?}");
        }
        let plain = Text::new("a", "b");
        assert!(matches!(Message::new(&plain, true), Message::Json(_)));
        assert!(matches!(Message::new(&plain, false), Message::Value(_)));
        let quoted = Text::new("\"a\"", "b");
        assert!(matches!(Message::new(&quoted, true), Message::Value(_)));
    }

    #[test]
    fn rule_texts_serialised_once_give_the_same_json() {
        let rulebook = Arc::new(Rulebook::load(&[Tree::Builtin]).expect("standard rulebook"));
        let texts = RuleTexts::new(&rulebook);
        assert_eq!(
            texts.0.len(),
            rulebook.rules.len(),
            "every rule has its texts"
        );
        let evaluator = Evaluator::new(rulebook.clone());
        for name in [
            "transportstyrelsen-2015",
            "myndighet-2019-overgang",
            "okanda-fakta",
        ] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("scenarios/{name}.yaml"));
            let text = std::fs::read_to_string(path).expect("example scenario");
            let file = Arc::new(SourceFile::new(name, name, text));
            let loaded = crate::scenario::load_source(file, rulebook.as_ref())
                .expect("valid example scenario");
            let evaluation = evaluator.evaluate(Arc::new(loaded), None);
            assert!(!evaluation.findings.is_empty(), "{name} has findings");
            let copied = serde_json::to_string(&evaluated(&evaluation, &rulebook, Some(&texts)));
            let fresh = serde_json::to_string(&evaluated(&evaluation, &rulebook, None));
            assert_eq!(copied.expect("json"), fresh.expect("json"), "{name}");
        }
    }
}
