//! The content of a decision memo for a steering group, shared by the HTML report
//! (`html.rs`) and the Markdown memo (`markdown.rs`): what the decision is, its verdict, the
//! standing findings grouped by rule and sorted into blockers, conditions, advice and
//! questions for a lawyer, the root findings and the remediation order (from
//! `explain::order`), the waivers, and a status row per area of law. Plain data in the order
//! it is shown; the renderers only format it. Nothing here is legal knowledge: titles, help
//! and citations come from the rule files.

use std::collections::BTreeMap;

use crate::eval::outcome::{RuleStatus, WaiverDecision, WaiverStatus};
use crate::eval::{Evaluation, Finding, FindingKind, Verdict};
use crate::explain::{self, Explanation, order};
use crate::lang::Lang;
use crate::rulebook::{Citation, Rulebook, Severity};
use crate::scenario::LoadedScenario;

/// Standing findings of one rule in one section, in evaluation order.
#[derive(Debug, Clone)]
pub struct Group {
    pub rule: String,
    pub severity: Severity,
    /// Indices into `Evaluation::findings`.
    pub findings: Vec<usize>,
}

/// A root rule: fixing its findings removes or changes the findings that follow from them.
#[derive(Debug, Clone)]
pub struct Root {
    pub rule: String,
    pub severity: Severity,
    pub findings: Vec<usize>,
    /// Findings that rest on these, directly or not, grouped by rule.
    pub follows: Vec<(String, Vec<usize>)>,
}

/// One step of the remediation order: consecutive findings of one rule.
#[derive(Debug, Clone)]
pub struct Step {
    pub rule: String,
    pub severity: Severity,
    pub findings: Vec<usize>,
}

/// How one area of law stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AreaStatus {
    /// A rule of the area failed to evaluate.
    Incomplete,
    Blocked,
    Conditional,
    Remarks,
    Clear,
    /// No rule of the area is in force on the date.
    NotApplied,
}

#[derive(Debug, Clone)]
pub struct AreaRow {
    pub key: String,
    pub label: String,
    pub status: AreaStatus,
    /// Standing findings per section of the memo.
    pub blockers: usize,
    pub conditions: usize,
    pub questions: usize,
    pub advice: usize,
    /// Rules in force on the date.
    pub rules_applied: usize,
    pub errors: usize,
}

pub struct Memo<'a> {
    pub lang: Lang,
    pub e: &'a Evaluation,
    pub loaded: &'a LoadedScenario,
    pub rulebook: &'a Rulebook,
    pub x: Explanation,
    pub blockers: Vec<Group>,
    pub conditions: Vec<Group>,
    pub questions: Vec<Group>,
    pub advice: Vec<Group>,
    /// Findings set aside by a waiver that applied.
    pub waived: Vec<Group>,
    pub roots: Vec<Root>,
    pub plan: Vec<Step>,
    pub areas: Vec<AreaRow>,
}

/// Which section of the memo a standing finding belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Blocker,
    Condition,
    Question,
    Advice,
}

fn section(f: &Finding) -> Section {
    match (f.severity, f.kind) {
        (Severity::Blocker, _) => Section::Blocker,
        (_, FindingKind::Assessment) => Section::Question,
        (Severity::Major, _) => Section::Condition,
        _ => Section::Advice,
    }
}

/// Group finding indices by rule, keeping the first-seen order of rules and of findings.
fn group(e: &Evaluation, indices: impl IntoIterator<Item = usize>) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    for i in indices {
        let f = &e.findings[i];
        match out.iter_mut().find(|g| g.rule == f.rule) {
            Some(g) => {
                g.severity = g.severity.min(f.severity);
                g.findings.push(i);
            }
            None => out.push(Group {
                rule: f.rule.clone(),
                severity: f.severity,
                findings: vec![i],
            }),
        }
    }
    out
}

/// The area row key of a rule folder (from the rulebook's `areas.yaml`; unknown folders get
/// a row of their own).
fn area_key(rulebook: &Rulebook, folder: &str) -> String {
    rulebook
        .areas
        .iter()
        .find(|a| a.folders.iter().any(|f| f == folder))
        .map(|a| a.key.clone())
        .unwrap_or_else(|| folder.to_string())
}

impl<'a> Memo<'a> {
    pub fn new(
        e: &'a Evaluation,
        loaded: &'a LoadedScenario,
        rulebook: &'a Rulebook,
        lang: Lang,
    ) -> Self {
        let x = explain::build(e, loaded);
        let standing: Vec<usize> = (0..e.findings.len())
            .filter(|&i| e.findings[i].stands())
            .collect();
        let pick = |s: Section| {
            group(
                e,
                standing
                    .iter()
                    .copied()
                    .filter(|&i| section(&e.findings[i]) == s),
            )
        };
        let blockers = pick(Section::Blocker);
        let conditions = pick(Section::Condition);
        let questions = pick(Section::Question);
        let advice = pick(Section::Advice);
        let waived = group(
            e,
            (0..e.findings.len()).filter(|&i| !e.findings[i].stands()),
        );

        // Roots, grouped by rule; what follows from them, grouped by rule too.
        let mut roots: Vec<Root> = Vec::new();
        for i in order::roots(&x, e) {
            let f = &e.findings[i];
            let follows = order::followers(&x, i);
            if follows.is_empty() {
                continue;
            }
            let root = match roots.iter_mut().position(|r| r.rule == f.rule) {
                Some(p) => &mut roots[p],
                None => {
                    roots.push(Root {
                        rule: f.rule.clone(),
                        severity: f.severity,
                        findings: Vec::new(),
                        follows: Vec::new(),
                    });
                    roots.last_mut().expect("just pushed")
                }
            };
            root.severity = root.severity.min(f.severity);
            root.findings.push(i);
            for j in follows {
                let rule = &e.findings[j].rule;
                match root.follows.iter_mut().find(|(r, _)| r == rule) {
                    Some((_, v)) if !v.contains(&j) => v.push(j),
                    Some(_) => {}
                    None => root.follows.push((rule.clone(), vec![j])),
                }
            }
        }
        for r in &mut roots {
            r.follows.sort_by(|a, b| {
                e.findings[a.1[0]]
                    .sort_key()
                    .cmp(&e.findings[b.1[0]].sort_key())
            });
            for (_, v) in &mut r.follows {
                v.sort_by(|a, b| e.findings[*a].sort_key().cmp(&e.findings[*b].sort_key()));
            }
        }

        let mut plan: Vec<Step> = Vec::new();
        for i in order::remediation(&x, e) {
            let f = &e.findings[i];
            match plan.last_mut() {
                Some(s) if s.rule == f.rule => {
                    s.severity = s.severity.min(f.severity);
                    s.findings.push(i);
                }
                _ => plan.push(Step {
                    rule: f.rule.clone(),
                    severity: f.severity,
                    findings: vec![i],
                }),
            }
        }

        let areas = areas(e, rulebook, lang);
        Memo {
            lang,
            e,
            loaded,
            rulebook,
            x,
            blockers,
            conditions,
            questions,
            advice,
            waived,
            roots,
            plan,
            areas,
        }
    }

    /// Swedish or English.
    pub fn t<'s>(&self, sv: &'s str, en: &'s str) -> &'s str {
        if self.lang == Lang::Sv { sv } else { en }
    }

    pub fn verdict(&self) -> Verdict {
        self.e.verdict
    }

    /// The proposal's title, or its id.
    pub fn title(&self) -> &str {
        self.e.title.as_deref().unwrap_or(&self.e.scenario_id)
    }

    /// The rule's title in the memo's language (its id if the rule is unknown).
    pub fn rule_title(&self, rule: &str) -> String {
        self.rulebook
            .rule(rule)
            .map(|r| r.meta.title.get(self.lang).to_string())
            .unwrap_or_else(|| rule.to_string())
    }

    pub fn rule_help(&self, rule: &str) -> Option<&str> {
        self.rulebook
            .rule(rule)
            .and_then(|r| r.meta.help.as_ref())
            .map(|h| h.get(self.lang))
    }

    /// The rule's citations that apply on the date the proposal is judged.
    pub fn citations(&self, rule: &str) -> Vec<&Citation> {
        self.rulebook
            .rule(rule)
            .map(|r| r.meta.citations_on(&self.e.as_of))
            .unwrap_or_default()
    }

    pub fn waivable(&self, rule: &str) -> bool {
        self.rulebook.rule(rule).is_some_and(|r| r.meta.waivable)
    }

    pub fn finding(&self, i: usize) -> &Finding {
        &self.e.findings[i]
    }

    /// `file:line` of a finding.
    pub fn location(&self, i: usize) -> String {
        format!("{}:{}", self.e.file, self.e.findings[i].line)
    }

    /// A finding's YAML path, `<scenario>` for the whole file.
    pub fn path(&self, i: usize) -> &str {
        let p = &self.e.findings[i].path;
        if p.is_empty() { "<scenario>" } else { p }
    }

    /// The scenario line a finding is reported on, trimmed and shortened.
    pub fn source_line(&self, i: usize) -> String {
        let line = self.e.findings[i].line;
        let text = self
            .loaded
            .file
            .text
            .lines()
            .nth(line.saturating_sub(1))
            .unwrap_or("")
            .trim();
        shorten(text, 90)
    }

    /// What kind of finding, when it is not a plain violation.
    pub fn kind_note(&self, i: usize) -> Option<&'static str> {
        match self.e.findings[i].kind {
            FindingKind::Violation => None,
            FindingKind::Missing => {
                Some(self.t("uppgift saknas i underlaget", "not stated in the proposal"))
            }
            FindingKind::Assessment => {
                Some(self.t("kräver juridisk bedömning", "needs a legal assessment"))
            }
        }
    }

    pub fn severity_word(&self, s: Severity) -> &'static str {
        crate::report::human::severity_word(s, self.lang)
    }

    /// Decision fields: (label, value), only those stated.
    pub fn decision_rows(&self) -> Vec<(&'static str, String)> {
        let s = &self.loaded.scenario;
        let mut rows = vec![(
            self.t("Organisation", "Organisation"),
            format!(
                "{} ({})",
                s.organisation.name,
                self.word(&s.organisation.kind)
            ),
        )];
        rows.push((self.t("Beslut", "Decision"), self.word(&s.decision.kind)));
        rows.push((self.t("Skede", "Stage"), self.word(&s.decision.stage)));
        if let Some(by) = &s.decision.decided_by {
            rows.push((self.t("Beslutsfattare", "Decided by"), by.clone()));
        }
        rows.push((
            self.t("Beslutsdatum", "Decision date"),
            s.decision.date.clone(),
        ));
        let source = if self.e.as_of_source == "decision.date" {
            self.t("beslutsdatum", "decision date").to_string()
        } else {
            self.e.as_of_source.clone()
        };
        rows.push((
            self.t("Bedömt enligt lag per", "Judged under the law of"),
            format!("{} ({source})", self.e.as_of),
        ));
        rows.push((self.t("Underlag", "Proposal"), self.e.file.clone()));
        rows
    }

    pub fn summary(&self) -> Option<&str> {
        self.loaded.scenario.decision.summary.as_deref()
    }

    /// A scenario enum value in words.
    fn word<T: serde::Serialize>(&self, v: &T) -> String {
        let key = serde_json::to_value(v)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let sv = match key.as_str() {
            "municipality" => "kommun",
            "region" => "region",
            "municipal_company" => "kommunalt bolag",
            "state_agency" => "statlig myndighet",
            "outsourcing" => "utkontraktering av IT-drift",
            "cloud_service" => "molntjänst",
            "change_of_supplier" => "byte av leverantör",
            "extension" => "förlängning",
            "planning" => "planering",
            "procurement" => "upphandling",
            "contract" => "avtal",
            "operation" => "drift",
            _ => "",
        };
        let en = match key.as_str() {
            "municipality" => "municipality",
            "region" => "region",
            "municipal_company" => "municipal company",
            "state_agency" => "state agency",
            "outsourcing" => "outsourcing of IT operations",
            "cloud_service" => "cloud service",
            "change_of_supplier" => "change of supplier",
            "extension" => "extension",
            "planning" => "planning",
            "procurement" => "procurement",
            "contract" => "contract",
            "operation" => "operation",
            _ => "",
        };
        let w = self.t(sv, en);
        if w.is_empty() { key } else { w.to_string() }
    }

    /// The verdict in one sentence for the steering group.
    pub fn verdict_sentence(&self) -> String {
        let c = crate::report::model::counts(self.e);
        let errors = self.e.errors().count();
        match (self.e.verdict, self.lang) {
            (Verdict::Blocked, Lang::Sv) => format!(
                "Beslutet kan inte fattas som det är föreslaget: {} hinder står i vägen och måste lösas först.",
                c.blocker
            ),
            (Verdict::Blocked, Lang::En) => format!(
                "The decision cannot be taken as proposed: {} blocking finding{} stand{} in the way and must be resolved first.",
                c.blocker,
                plural(c.blocker),
                if c.blocker == 1 { "s" } else { "" }
            ),
            (Verdict::Conditional, _) => {
                let conditions = Memo::count(&self.conditions);
                let questions: usize = self
                    .questions
                    .iter()
                    .flat_map(|g| &g.findings)
                    .filter(|i| self.e.findings[**i].severity == Severity::Major)
                    .count();
                let mut parts = Vec::new();
                if conditions > 0 {
                    parts.push(match self.lang {
                        Lang::Sv => format!("{conditions} villkor är uppfyllda"),
                        Lang::En => format!(
                            "{conditions} condition{} {} met",
                            plural(conditions),
                            if conditions == 1 { "is" } else { "are" }
                        ),
                    });
                }
                if questions > 0 {
                    parts.push(match self.lang {
                        Lang::Sv => format!(
                            "{questions} {} är {}",
                            if questions == 1 {
                                "juridisk fråga"
                            } else {
                                "juridiska frågor"
                            },
                            if questions == 1 {
                                "bedömd"
                            } else {
                                "bedömda"
                            }
                        ),
                        Lang::En => format!(
                            "{questions} legal question{} {} been assessed",
                            plural(questions),
                            if questions == 1 { "has" } else { "have" }
                        ),
                    });
                }
                match self.lang {
                    Lang::Sv => format!(
                        "Beslutet kan fattas men får verkan först när {}.",
                        parts.join(" och ")
                    ),
                    Lang::En => format!(
                        "The decision can be taken but only takes effect once {}.",
                        parts.join(" and ")
                    ),
                }
            }
            (Verdict::Clear, Lang::Sv) => format!(
                "Inga hinder och inga villkor enligt regelboken och lagen per {}.",
                self.e.as_of
            ),
            (Verdict::Clear, Lang::En) => {
                format!(
                    "No blockers and no conditions under the rulebook and the law of {}.",
                    self.e.as_of
                )
            }
            (Verdict::Incomplete, Lang::Sv) => format!(
                "Granskningen är ofullständig: {errors} {} inte utvärderas. Ingen bedömning kan lämnas förrän felen är rättade.",
                if errors == 1 {
                    "regel kunde"
                } else {
                    "regler kunde"
                }
            ),
            (Verdict::Incomplete, Lang::En) => format!(
                "The review is incomplete: {errors} rule{} failed to evaluate. No verdict can be given until that is fixed.",
                plural(errors)
            ),
        }
    }

    /// Waivers a statute forbids: the "avsteg" that have no legal effect.
    pub fn statutory_waivers(&self) -> impl Iterator<Item = &WaiverDecision> {
        self.e
            .waivers
            .iter()
            .filter(|w| w.status == WaiverStatus::RejectedStatutory)
    }

    /// A waiver's status in words.
    pub fn waiver_status(&self, w: &WaiverDecision) -> String {
        match (w.status, self.lang) {
            (WaiverStatus::Applied, Lang::Sv) => format!(
                "Tillämpat: {} fynd undantagna till {}",
                w.findings_waived, w.expires
            ),
            (WaiverStatus::Applied, Lang::En) => format!(
                "Applied: {} finding(s) waived until {}",
                w.findings_waived, w.expires
            ),
            (WaiverStatus::RejectedStatutory, Lang::Sv) => {
                "Avsteg från lag – saknar rättsverkan; bristen består".to_string()
            }
            (WaiverStatus::RejectedStatutory, Lang::En) => {
                "Deviation from a statute – no legal effect; the finding stands".to_string()
            }
            (WaiverStatus::RejectedExpired, Lang::Sv) => {
                format!("Utan verkan: löpte ut {}", w.expires)
            }
            (WaiverStatus::RejectedExpired, Lang::En) => {
                format!("No effect: expired {}", w.expires)
            }
            (WaiverStatus::RejectedNotYetDecided, Lang::Sv) => {
                format!("Utan verkan: beslutades först {}", w.date)
            }
            (WaiverStatus::RejectedNotYetDecided, Lang::En) => {
                format!("No effect: only decided {}", w.date)
            }
            (WaiverStatus::NotApplicable, Lang::Sv) => {
                "Utan betydelse: regeln gäller inte detta datum".to_string()
            }
            (WaiverStatus::NotApplicable, Lang::En) => {
                "Irrelevant: the rule is not in force on this date".to_string()
            }
        }
    }

    /// Rule files as (name, sha256), for the receipt.
    pub fn rule_files(&self) -> impl Iterator<Item = (&str, &str)> {
        self.e
            .receipt
            .rule_files
            .iter()
            .map(|f| (f.file.as_str(), f.sha256.as_str()))
    }

    /// Standing findings in a list of groups.
    pub fn count(groups: &[Group]) -> usize {
        groups.iter().map(|g| g.findings.len()).sum()
    }

    pub fn area_status_word(&self, s: AreaStatus) -> &'static str {
        match s {
            AreaStatus::Incomplete => self.t("Ofullständig", "Incomplete"),
            AreaStatus::Blocked => self.t("Hinder", "Blocked"),
            AreaStatus::Conditional => self.t("Villkor", "Conditions"),
            AreaStatus::Remarks => self.t("Anmärkningar", "Remarks"),
            AreaStatus::Clear => self.t("Inga anmärkningar", "No remarks"),
            AreaStatus::NotApplied => self.t("Inga regler i kraft", "No rules in force"),
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// At most `max` characters, with an ellipsis when cut.
pub fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

fn areas(e: &Evaluation, rulebook: &Rulebook, lang: Lang) -> Vec<AreaRow> {
    let mut rows: BTreeMap<String, AreaRow> = BTreeMap::new();
    let row = |rows: &mut BTreeMap<String, AreaRow>, key: &str| {
        rows.entry(key.to_string()).or_insert_with(|| {
            let label = rulebook
                .areas
                .iter()
                .find(|a| a.key == key)
                .map(|a| {
                    if lang == Lang::Sv {
                        a.sv.clone()
                    } else {
                        a.en.clone()
                    }
                })
                .unwrap_or_else(|| key.to_string());
            AreaRow {
                key: key.to_string(),
                label,
                status: AreaStatus::NotApplied,
                blockers: 0,
                conditions: 0,
                questions: 0,
                advice: 0,
                rules_applied: 0,
                errors: 0,
            }
        });
    };
    // A row for every area the rulebook has rules in, in force or not.
    for rule in &rulebook.rules {
        row(&mut rows, &area_key(rulebook, &rule.area));
    }
    for o in &e.outcomes {
        let Some(rule) = rulebook.rule(&o.rule) else {
            continue;
        };
        let key = area_key(rulebook, &rule.area);
        row(&mut rows, &key);
        let r = rows.get_mut(&key).expect("inserted");
        if o.status != RuleStatus::NotInForce {
            r.rules_applied += 1;
        }
        if o.status == RuleStatus::Errored || o.error.is_some() {
            r.errors += 1;
        }
    }
    for f in e.standing() {
        let area = rulebook
            .rule(&f.rule)
            .map(|r| r.area.as_str())
            .unwrap_or("general");
        let key = area_key(rulebook, area);
        row(&mut rows, &key);
        let r = rows.get_mut(&key).expect("inserted");
        match section(f) {
            Section::Blocker => r.blockers += 1,
            Section::Condition => r.conditions += 1,
            Section::Question => r.questions += 1,
            Section::Advice => r.advice += 1,
        }
    }
    for r in rows.values_mut() {
        r.status = if r.errors > 0 {
            AreaStatus::Incomplete
        } else if r.blockers > 0 {
            AreaStatus::Blocked
        } else if r.conditions > 0 || r.questions > 0 {
            AreaStatus::Conditional
        } else if r.advice > 0 {
            AreaStatus::Remarks
        } else if r.rules_applied > 0 {
            AreaStatus::Clear
        } else {
            AreaStatus::NotApplied
        };
    }
    // The fixed areas first, in their order; others after, by name.
    let mut out = Vec::new();
    for area in &rulebook.areas {
        if let Some(r) = rows.remove(&area.key) {
            out.push(r);
        }
    }
    out.extend(rows.into_values());
    out
}

/// The link to the text of a cited act. This is the one scheme granska uses:
///
/// 1. the citation's own `url`, when it is an `http(s)` address;
/// 2. an SFS number (`2009:400`) → `https://lagen.nu/2009:400`, with the anchor lagen.nu
///    gives a section when `ref` names one: `10 kap. 2 §` → `#K10P2`, `33 §` → `#P33`,
///    `10 kap. 2 a §` → `#K10P2a`, a range (`3 kap. 5–8 §§`) → its first section;
/// 3. an EU act (`(EU) 2016/679`, `(EG) 45/2001`, `95/46/EC`) → its EUR-Lex ELI,
///    `https://eur-lex.europa.eu/eli/{reg|dir|dec}/YYYY/N/oj`: `dir` when the act or title
///    says directive (direktiv), `dec` when it says decision (beslut), otherwise `reg`;
/// 4. a case of the EU Court of Justice (`C-311/18`) → its CURIA case page
///    `https://curia.europa.eu/juris/liste.jsf?num=C-311/18`;
///
/// and no link otherwise (publications without a `url`).
pub fn law_url(c: &Citation) -> Option<String> {
    if let Some(url) = c.url.as_deref().map(str::trim) {
        let lower = url.to_ascii_lowercase();
        if (lower.starts_with("https://") || lower.starts_with("http://"))
            && !url.contains(char::is_whitespace)
        {
            return Some(url.to_string());
        }
    }
    let act = c.act.trim();
    if let Some((year, number)) = sfs_number(act) {
        let anchor = sfs_anchor(&c.reference)
            .map(|a| format!("#{a}"))
            .unwrap_or_default();
        return Some(format!("https://lagen.nu/{year}:{number}{anchor}"));
    }
    if let Some((year, number)) = eu_number(act) {
        let words = format!("{} {}", act, c.title.as_deref().unwrap_or("")).to_lowercase();
        let kind = if words.contains("direktiv") || words.contains("directive") {
            "dir"
        } else if words.contains("beslut") || words.contains("decision") {
            "dec"
        } else {
            "reg"
        };
        return Some(format!(
            "https://eur-lex.europa.eu/eli/{kind}/{year}/{number}/oj"
        ));
    }
    if let Some(case) = cjeu_case(act) {
        return Some(format!(
            "https://curia.europa.eu/juris/liste.jsf?num={case}"
        ));
    }
    None
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `2009:400` → (2009, 400).
fn sfs_number(act: &str) -> Option<(u32, u32)> {
    let (y, n) = act.split_once(':')?;
    if digits(y) && y.len() == 4 && digits(n) {
        Some((y.parse().ok()?, n.parse().ok()?))
    } else {
        None
    }
}

/// `(EU) 2016/679`, `(EG) nr 45/2001` → (2016, 679); `95/46/EC` → (1995, 46).
fn eu_number(act: &str) -> Option<(u32, u32)> {
    let a = act.trim();
    for prefix in ["(EU)", "(EG)", "(EC)", "(EEG)", "(EEC)"] {
        if let Some(rest) = a.strip_prefix(prefix) {
            let rest = rest
                .trim()
                .trim_start_matches("nr")
                .trim_start_matches("No")
                .trim();
            let (x, y) = rest.split_once('/')?;
            if !(digits(x) && digits(y)) {
                return None;
            }
            // (EU) 2016/679: year first; (EG) nr 45/2001: number first.
            return if x.len() == 4 {
                Some((x.parse().ok()?, y.parse().ok()?))
            } else {
                Some((y.parse().ok()?, x.parse().ok()?))
            };
        }
    }
    let parts: Vec<&str> = a.split('/').collect();
    if let [y, n, suffix] = parts[..]
        && digits(y)
        && digits(n)
        && ["EC", "EU", "EG", "EEC", "EEG", "EUratom"].contains(&suffix)
    {
        let year: u32 = y.parse().ok()?;
        let year = match y.len() {
            2 if year >= 50 => 1900 + year,
            2 => 2000 + year,
            4 => year,
            _ => return None,
        };
        return Some((year, n.parse().ok()?));
    }
    None
}

/// `C-311/18` → `C-311/18`.
fn cjeu_case(act: &str) -> Option<&str> {
    let rest = act.strip_prefix("C-").or_else(|| act.strip_prefix("T-"))?;
    let (n, y) = rest.split_once('/')?;
    (digits(n) && digits(y)).then_some(act)
}

/// The lagen.nu anchor of the first section a reference names.
fn sfs_anchor(reference: &str) -> Option<String> {
    let words: Vec<&str> = reference.split_whitespace().collect();
    let mut chapter = None;
    let mut k = 0;
    if words.len() > 1 && words[1].starts_with("kap") && digits(words[0]) {
        chapter = Some(words[0]);
        k = 2;
    }
    let first = words.get(k)?;
    // "5–8", "30-31", "2", "2a"
    let section: String = first.chars().take_while(|c| c.is_ascii_digit()).collect();
    if section.is_empty() {
        return None;
    }
    let mut letter = first[section.len()..]
        .chars()
        .next()
        .filter(|c| c.is_ascii_lowercase())
        .map(String::from);
    let mut next = k + 1;
    if letter.is_none()
        && first.len() == section.len()
        && let Some(w) = words.get(k + 1)
        && w.len() == 1
        && w.chars().all(|c| c.is_ascii_lowercase())
    {
        letter = Some(w.to_string());
        next += 1;
    }
    // It must be a section: a § sign follows.
    if !words.get(next).is_some_and(|w| w.starts_with('§'))
        && !first.contains('§')
        && !first.contains(['–', '-'])
    {
        return None;
    }
    let letter = letter.unwrap_or_default();
    Some(match chapter {
        Some(ch) => format!("K{ch}P{section}{letter}"),
        None => format!("P{section}{letter}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cite(act: &str, reference: &str, title: Option<&str>, url: Option<&str>) -> Citation {
        Citation {
            act: act.into(),
            reference: reference.into(),
            title: title.map(Into::into),
            url: url.map(Into::into),
            unverified: false,
            note: None,
            in_force: None,
        }
    }

    #[test]
    fn law_links_follow_one_scheme() {
        let cases = [
            (
                cite("2009:400", "10 kap. 2 §", None, None),
                Some("https://lagen.nu/2009:400#K10P2"),
            ),
            (
                cite("2009:400", "10 kap. 2 a §", None, None),
                Some("https://lagen.nu/2009:400#K10P2a"),
            ),
            (
                cite("1998:204", "33 §", None, None),
                Some("https://lagen.nu/1998:204#P33"),
            ),
            (
                cite("2018:585", "3 kap. 5–8 §§", None, None),
                Some("https://lagen.nu/2018:585#K3P5"),
            ),
            (
                cite("1996:627", "11–29 §§", None, None),
                Some("https://lagen.nu/1996:627#P11"),
            ),
            (
                cite("1996:633", "definitionen av hemlig uppgift", None, None),
                Some("https://lagen.nu/1996:633"),
            ),
            (
                cite(
                    "(EU) 2016/679",
                    "art. 28",
                    Some("Dataskyddsförordningen"),
                    None,
                ),
                Some("https://eur-lex.europa.eu/eli/reg/2016/679/oj"),
            ),
            (
                cite("(EU) 2022/2555", "art. 21", Some("NIS 2-direktivet"), None),
                Some("https://eur-lex.europa.eu/eli/dir/2022/2555/oj"),
            ),
            (
                cite("95/46/EC", "art. 25.6", Some("Dataskyddsdirektivet"), None),
                Some("https://eur-lex.europa.eu/eli/dir/1995/46/oj"),
            ),
            (
                cite("C-311/18", "dom", None, None),
                Some("https://curia.europa.eu/juris/liste.jsf?num=C-311/18"),
            ),
            (
                cite("SKL PM 2017-08-01", "rekommendation 1", None, None),
                None,
            ),
            (
                cite("SKR KLASSA", "x", None, Some("https://klassa.skr.se/a")),
                Some("https://klassa.skr.se/a"),
            ),
            (
                cite("2009:400", "1 §", None, Some("javascript:alert(1)")),
                Some("https://lagen.nu/2009:400#P1"),
            ),
        ];
        for (c, want) in cases {
            assert_eq!(law_url(&c).as_deref(), want, "{} {}", c.act, c.reference);
        }
    }
}
