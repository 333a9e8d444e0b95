//! `granska rules lint`: what a rulebook that loads can still get wrong — incomplete
//! metadata, facts nobody needs or derives, a file not named after its rule, a citation of an
//! act that is not in force while the rule is, a statute marked waivable. Each problem points
//! at its line in the `.rhai` (or `facts.yaml`) file.
//!
//! The engine knows no law: which acts exist, when they are in force and whether they are
//! statutes comes from the rulebook's reference data set `acts` (`rules/data/acts.yaml`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde_json::Value;

use super::discover::{Role, Tree};
use super::{Rule, Rulebook};
use crate::diag::{Problem, Problems};
use crate::scenario::SpanIndex;
use crate::scenario::parse::{TopLevel, parse_yaml};
use crate::source::SourceFile;

/// The reference data set that describes the acts rules cite.
pub const ACTS_SET: &str = "acts";
/// The kinds an act may have in the `acts` data set.
pub const ACT_KINDS: &[&str] = &["statute", "recommendation", "case_law"];

/// One period of one act, from the `acts` data set.
#[derive(Debug, Clone)]
struct ActPeriod {
    from: String,
    to: Option<String>,
    kind: String,
    title: Option<String>,
}

/// The `acts` data set with the spans of its file.
struct Acts {
    by_key: BTreeMap<String, Vec<ActPeriod>>,
}

/// What was linted, for the summary line.
#[derive(Debug, Default)]
pub struct Report {
    pub rules: usize,
    pub problems: Problems,
    /// Checks that could not run, and why (e.g. no `acts` data set).
    pub notes: Vec<String>,
}

/// Lint the rules and fact vocabularies that come from `targets` (a subset of `trees`, the
/// trees the rulebook was loaded from); the whole rulebook is the context.
pub fn lint(rulebook: &Rulebook, trees: &[Tree], targets: &[Tree]) -> Report {
    let target_labels: BTreeSet<String> = targets.iter().map(Tree::label).collect();
    let mut report = Report::default();
    let mut rules: Vec<&Rule> = rulebook
        .rules
        .iter()
        .filter(|r| target_labels.contains(&r.origin))
        .collect();
    rules.sort_by(|a, b| (&a.file.name, &a.meta.id).cmp(&(&b.file.name, &b.meta.id)));
    report.rules = rules.len();

    let acts = match load_acts(trees) {
        Ok(Some(acts)) => Some(acts),
        Ok(None) => {
            report.notes.push(format!(
                "no reference data set `{ACTS_SET}` (rules/data/acts.yaml): citations were not checked against the acts' periods and kinds"
            ));
            None
        }
        Err(ps) => {
            report.problems.extend(ps);
            None
        }
    };

    // Embedded rules are compiled on first use; lint compiles every one it checks.
    for rule in &rules {
        if let Err(p) = rule.ast() {
            report.problems.push(p.clone());
        }
    }
    for rule in &rules {
        metadata(rule, &mut report.problems);
        file_name(rule, &mut report.problems);
        if let Some(acts) = &acts {
            citations(rule, acts, &mut report.problems);
        }
    }
    unused_facts(rulebook, &rules, &mut report.problems);
    fact_gaps(rulebook, &rules, &mut report.problems);
    underived_facts(rulebook, targets, &mut report.problems);
    report.problems.0.sort_by(|a, b| {
        let key = |p: &Problem| {
            (
                p.file.as_ref().map(|f| f.name.clone()),
                p.span.map(|s| s.start),
            )
        };
        key(a).cmp(&key(b))
    });
    report
}

fn at(rule: &Rule, code: &str, path: &str, message: String) -> Problem {
    Problem::new(format!("granska::lint::{code}"), message)
        .at(&rule.file, rule.header.label_span(path))
}

/// Titles and help in both languages; citations with act and ref; an unverified citation says why.
fn metadata(rule: &Rule, out: &mut Problems) {
    let m = &rule.meta;
    for (lang, text) in [("sv", &m.title.sv), ("en", &m.title.en)] {
        if text.trim().is_empty() {
            out.push(
                at(
                    rule,
                    "title",
                    &format!("title.{lang}"),
                    format!("{}: the title in `{lang}` is empty", m.id),
                )
                .label("empty title")
                .help("every rule has a title in Swedish (sv) and English (en)"),
            );
        }
    }
    match &m.help {
        None => out.push(
            at(rule, "help", "id", format!("{} has no `help:` text", m.id))
                .label("no `help:` in this header")
                .help("add `help:` with `sv:` and `en:`: what to do about a finding (reports show it)"),
        ),
        Some(help) => {
            for (lang, text) in [("sv", &help.sv), ("en", &help.en)] {
                if text.trim().is_empty() {
                    out.push(
                        at(rule, "help", &format!("help.{lang}"), format!("{}: the help text in `{lang}` is empty", m.id))
                            .label("empty help")
                            .help("say what to do about a finding, in Swedish (sv) and English (en)"),
                    );
                }
            }
        }
    }
    for (i, c) in m.citations.iter().enumerate() {
        for (key, value) in [("act", &c.act), ("ref", &c.reference)] {
            if value.trim().is_empty() {
                out.push(
                    at(rule, "citation", &format!("citations[{i}].{key}"), format!("{}: citation {} has an empty `{key}`", m.id, i + 1))
                        .label(format!("empty `{key}`"))
                        .help("a citation names the act (SFS number, EU act or publication) and the chapter/article and section"),
                );
            }
        }
        if c.unverified && c.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
            out.push(
                at(rule, "unverified", &format!("citations[{i}].unverified"), format!("{}: citation {} is unverified but has no `note`", m.id, i + 1))
                    .label("say why in the citation's `note:`")
                    .help("add `note:` to the citation: what could not be confirmed, and where it was looked for"),
            );
        }
    }
}

/// The file is named after the rule id in kebab case: `GDPR-TRANSFER-BASIS` → `gdpr-transfer-basis.rhai`.
fn file_name(rule: &Rule, out: &mut Problems) {
    let expected = format!("{}.rhai", rule.meta.id.to_lowercase());
    let actual = rule
        .file
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if actual != expected {
        out.push(
            at(
                rule,
                "file-name",
                "id",
                format!(
                    "rule `{}` is in `{actual}`; its file must be `{expected}`",
                    rule.meta.id
                ),
            )
            .label("does not match the file name")
            .help(format!(
                "rename the file to `{expected}` (or fix the id; ids are never reused)"
            )),
        );
    }
}

/// Every cited act is known, in force on every day the rule is, and — if the rule is
/// waivable — not a statute.
fn citations(rule: &Rule, acts: &Acts, out: &mut Problems) {
    let m = &rule.meta;
    let rule_to = m.in_force.to.clone();
    let mut statutes = Vec::new();
    // One act-period problem per act, at its first citation.
    let mut period_checked: BTreeSet<&str> = BTreeSet::new();
    for (i, c) in m.citations.iter().enumerate() {
        let act = c.act.trim();
        if act.is_empty() {
            continue;
        }
        let Some(periods) = acts.by_key.get(act) else {
            let mut p = at(
                rule,
                "unknown-act",
                &format!("citations[{i}].act"),
                format!("`{act}` is not in the table of acts"),
            )
            .label("unknown act");
            p = match crate::diag::did_you_mean(act, acts.by_key.keys().map(String::as_str)) {
                Some(s) => p.help(format!("did you mean `{s}`? Otherwise add it to rules/data/acts.yaml with `from`, `to` and `kind`")),
                None => p.help("add it to rules/data/acts.yaml (`key`, `from`, `to`, `kind: statute | recommendation | case_law`)"),
            };
            out.push(p);
            continue;
        };
        if periods.iter().any(|p| p.kind == "statute") && !statutes.contains(&act) {
            statutes.push(act);
        }
        // A citation may apply to part of the rule's period only (`citations[i].in_force`).
        let (from, to) = match &c.in_force {
            Some(p) => (p.from.clone(), p.to.clone()),
            None => (m.in_force.from.clone(), rule_to.clone()),
        };
        if c.in_force.is_some()
            && (from < m.in_force.from
                || rule_to
                    .as_deref()
                    .is_some_and(|rt| to.as_deref().is_none_or(|t| t > rt)))
        {
            out.push(
                at(
                    rule,
                    "citation-period",
                    &format!("citations[{i}].in_force"),
                    format!("the period of this citation reaches outside {}'s own", m.id),
                )
                .label("outside the rule's in_force")
                .help("a citation's `in_force` must lie within the rule's `in_force`"),
            );
        }
        if !period_checked.insert(act) && c.in_force.is_none() {
            continue;
        }
        let act_periods = periods.iter().map(|p| (p.from.as_str(), p.to.as_deref()));
        if let Some((gap_from, gap_to)) = first_gap(&from, to.as_deref(), act_periods) {
            let name = periods
                .iter()
                .find_map(|p| p.title.clone())
                .map(|t| format!(" ({t})"))
                .unwrap_or_default();
            let spans: Vec<String> = periods
                .iter()
                .map(|p| span_text(&p.from, p.to.as_deref()))
                .collect();
            out.push(
                at(
                    rule,
                    "act-period",
                    &format!("citations[{i}].act"),
                    format!(
                        "{} is in force {} but cites `{act}`{name}, which is in force only {}",
                        m.id,
                        span_text(&from, to.as_deref()),
                        spans.join(" and ")
                    ),
                )
                .label(format!("not in force {}", span_text(&gap_from, gap_to.as_deref())))
                .help(
                    "end the rule where the act ends (`in_force.to`) and write a new version, with the same \
                     `requirement:`, that cites the act in force after it — or give the citation its own \
                     `in_force` (the days it applies)",
                ),
            );
        }
    }
    if m.waivable && !statutes.is_empty() {
        out.push(
            at(rule, "waivable-statute", "waivable", format!("{} is `waivable: true` but cites a statute: {}", m.id, statutes.join(", ")))
                .label("a statute cannot be waived")
                .help("only recommendations can be waived: set `waivable: false`, or cite only the recommendation"),
        );
    }
}

fn span_text(from: &str, to: Option<&str>) -> String {
    match to {
        Some(to) => format!("{from} – {to}"),
        None => format!("from {from}"),
    }
}

fn day_after(date: &str) -> Option<String> {
    let d = crate::date::parse_iso(date)?;
    d.succ_opt().map(|d| d.to_string())
}

fn day_before(date: &str) -> Option<String> {
    let d = crate::date::parse_iso(date)?;
    d.pred_opt().map(|d| d.to_string())
}

/// The first stretch of days in `[from, to]` (no `to`: open-ended) that no period
/// (`from`, `to`) covers.
fn first_gap<'a>(
    from: &str,
    to: Option<&str>,
    periods: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
) -> Option<(String, Option<String>)> {
    let mut sorted: Vec<(&str, Option<&str>)> = periods.into_iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let past_end = |d: &str| to.is_some_and(|t| d > t);
    let mut cursor = from.to_string();
    for (p_from, p_to) in sorted {
        if past_end(&cursor) {
            return None;
        }
        if p_from > cursor.as_str() {
            let gap_end = day_before(p_from).map(|d| match to {
                Some(t) if t < d.as_str() => t.to_string(),
                _ => d,
            });
            return Some((cursor, gap_end));
        }
        match p_to {
            None => return None,
            Some(end) if end >= cursor.as_str() => match day_after(end) {
                Some(next) => cursor = next,
                None => return None,
            },
            Some(_) => {}
        }
    }
    if past_end(&cursor) {
        None
    } else {
        Some((cursor, to.map(str::to_string)))
    }
}

/// Facts a target rule derives that no rule in the book needs.
fn unused_facts(rulebook: &Rulebook, rules: &[&Rule], out: &mut Problems) {
    let needed: BTreeSet<&str> = rulebook
        .rules
        .iter()
        .flat_map(|r| r.meta.needs.iter().map(String::as_str))
        .collect();
    // A fact that findings rest on (`because: ["fact"]`) is used by the explanation graph
    // even when no other rule needs it.
    let cited_in_because = |fact: &str| {
        let quoted = format!("\"{fact}\"");
        rulebook.rules.iter().any(|r| {
            r.file.text.match_indices("because").any(|(i, _)| {
                let rest = &r.file.text[i..];
                let end = rest.find(']').unwrap_or(rest.len());
                rest[..end].contains(&quoted)
            })
        })
    };
    for rule in rules {
        for (i, fact) in rule.meta.derives.iter().enumerate() {
            if !needed.contains(fact.as_str()) && !cited_in_because(fact) {
                out.push(
                    at(rule, "unused-fact", &format!("derives[{i}]"), format!("{} derives `{fact}`, but no rule needs it", rule.meta.id))
                        .label("derived, never needed")
                        .help("remove it from `derives` (and the `derive` calls), or add it to the `needs` of the rule that should use it"),
                );
            }
        }
    }
}

/// Days on which a target rule is in force but no rule that derives a fact it needs is: the
/// rule then fails (INCOMPLETE) on those days, so say so when the rule is written.
fn fact_gaps(rulebook: &Rulebook, rules: &[&Rule], out: &mut Problems) {
    for rule in rules {
        let m = &rule.meta;
        for fact in &m.needs {
            let derivers: Vec<_> = rulebook
                .rules
                .iter()
                .filter(|r| r.meta.derives.contains(fact))
                .map(|r| (r.meta.in_force.from.as_str(), r.meta.in_force.to.as_deref()))
                .collect();
            // A fact no rule derives at all is `underived-fact`, at its definition.
            if derivers.is_empty() {
                continue;
            }
            let Some((gap_from, gap_to)) =
                first_gap(&m.in_force.from, m.in_force.to.as_deref(), derivers)
            else {
                continue;
            };
            let gap = span_text(&gap_from, gap_to.as_deref());
            out.push(
                at(
                    rule,
                    "fact-gap",
                    "needs",
                    format!("{} needs `{fact}`, but no rule in force {gap} derives it", m.id),
                )
                .label(format!("`{fact}` is derived by no rule {gap}"))
                .help("extend the `in_force` of a rule that derives it, or narrow this rule's; on those days this rule fails and the verdict is INCOMPLETE"),
            );
        }
    }
}

/// Facts defined in a target tree's `facts.yaml` that no rule derives (so every rule that
/// needs one fails).
fn underived_facts(rulebook: &Rulebook, targets: &[Tree], out: &mut Problems) {
    let derived: BTreeSet<&str> = rulebook
        .rules
        .iter()
        .flat_map(|r| r.meta.derives.iter().map(String::as_str))
        .collect();
    for tree in targets {
        let Ok(files) = tree.files() else { continue };
        for tf in files.iter().filter(|f| f.role == Role::Facts) {
            let Ok((value, spans)) = parse_yaml(&tf.file, TopLevel::Mapping) else {
                continue;
            };
            let Value::Object(map) = value else { continue };
            for name in map.keys() {
                if derived.contains(name.as_str()) {
                    continue;
                }
                let readers: Vec<&str> = rulebook
                    .rules
                    .iter()
                    .filter(|r| r.meta.needs.iter().any(|n| n == name))
                    .map(|r| r.meta.id.as_str())
                    .collect();
                let label = if readers.is_empty() {
                    "no rule derives or needs it".to_string()
                } else {
                    format!("needed by {}, derived by none", readers.join(", "))
                };
                out.push(
                    Problem::new("granska::lint::underived-fact", format!("fact `{name}` is in the vocabulary but no rule derives it"))
                        .at(&tf.file, spans.key_span(name))
                        .label(label)
                        .help("add it to the `derives` of the rule that establishes it, or remove it from the vocabulary"),
                );
            }
        }
    }
}

/// The `acts` data sets of all trees, merged by act: a later tree's entries for an act replace
/// an earlier tree's, so a local rule folder can add the acts its rules cite.
fn load_acts(trees: &[Tree]) -> Result<Option<Acts>, Problems> {
    let mut by_key: BTreeMap<String, Vec<ActPeriod>> = BTreeMap::new();
    let mut found = false;
    let mut problems = Problems::default();
    for tree in trees {
        let Ok(files) = tree.files() else { continue };
        for tf in files.iter().filter(|f| f.role == Role::Data) {
            let Ok((value, spans)) = parse_yaml(&tf.file, TopLevel::Mapping) else {
                continue;
            };
            if value.get("id").and_then(Value::as_str) != Some(ACTS_SET) {
                continue;
            }
            found = true;
            let mut here: BTreeMap<String, Vec<ActPeriod>> = BTreeMap::new();
            read_acts(&tf.file, &value, &spans, &mut here, &mut problems);
            by_key.extend(here);
        }
    }
    if !found {
        return Ok(None);
    }
    problems.into_result(Some(Acts { by_key }))
}

fn read_acts(
    file: &Arc<SourceFile>,
    value: &Value,
    spans: &SpanIndex,
    out: &mut BTreeMap<String, Vec<ActPeriod>>,
    problems: &mut Problems,
) {
    let empty = Vec::new();
    for (i, e) in value
        .get("entries")
        .and_then(Value::as_array)
        .unwrap_or(&empty)
        .iter()
        .enumerate()
    {
        let text = |k: &str| e.get(k).and_then(Value::as_str).map(str::to_string);
        let (Some(key), Some(from)) = (text("key"), text("from")) else {
            continue;
        };
        let kind = text("kind").unwrap_or_default();
        if !ACT_KINDS.contains(&kind.as_str()) {
            let shown = if kind.is_empty() {
                "no `kind`".to_string()
            } else {
                format!("kind `{kind}`")
            };
            problems.push(
                Problem::new("granska::lint::acts-data", format!("act `{key}` has {shown}"))
                    .at(file, spans.label_span(&format!("entries[{i}].kind")))
                    .label("expected statute, recommendation or case_law")
                    .help("`kind` decides whether a rule citing the act may be waivable: statutes never are"),
            );
        }
        out.entry(key).or_default().push(ActPeriod {
            from,
            to: text("to"),
            kind,
            title: text("title"),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p<'a>(from: &'a str, to: Option<&'a str>) -> (&'a str, Option<&'a str>) {
        (from, to)
    }

    #[test]
    fn gaps_in_the_act_periods() {
        let pul = [p("1998-10-24", Some("2018-05-24"))];
        assert_eq!(first_gap("1998-10-24", Some("2018-05-24"), pul), None);
        assert_eq!(
            first_gap("1998-10-24", None, pul),
            Some(("2018-05-25".into(), None))
        );
        assert_eq!(
            first_gap("1996-07-01", Some("2000-01-01"), pul),
            Some(("1996-07-01".into(), Some("1998-10-23".into())))
        );
        let gdpr = [p("2018-05-25", None)];
        assert_eq!(
            first_gap("2018-05-24", None, gdpr),
            Some(("2018-05-24".into(), Some("2018-05-24".into())))
        );
        assert_eq!(first_gap("2018-05-25", None, gdpr), None);
        let split = [p("2000-01-01", Some("2000-12-31")), p("2001-01-01", None)];
        assert_eq!(first_gap("2000-06-01", None, split), None);
        let holed = [p("2000-01-01", Some("2000-12-31")), p("2002-01-01", None)];
        assert_eq!(
            first_gap("2000-06-01", None, holed),
            Some(("2001-01-01".into(), Some("2001-12-31".into())))
        );
    }
}
