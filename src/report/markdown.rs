//! The decision memo as Markdown (`granska report --format markdown`, and
//! `check --format markdown`, one memo per scenario): the same content as the HTML report,
//! to paste into a pull request or a document. The dependency graph is a Mermaid block.
//! Text from the scenario and the rulebook is escaped, so it cannot turn into markup.

use std::fmt::Write;

use super::memo::{AreaStatus, Group, Memo, law_url};
use super::svg::{Diagram, Tone};
use super::{Render, RenderCtx, Summary};
use crate::diag::Problems;
use crate::eval::outcome::WaiverStatus;
use crate::eval::{Evaluation, Verdict};
use crate::explain::Edge;
use crate::lang::Lang;
use crate::report::human::verdict_word;
use crate::rulebook::Severity;
use crate::scenario::LoadedScenario;

/// Escape text for Markdown: characters that could start markup get a backslash, line
/// breaks become spaces (a table cell or list item stays one line).
pub fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '!' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '&' => out.push_str("&amp;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A code span that holds any text (backticks inside get a longer fence).
pub fn code(s: &str) -> String {
    let s = s.replace(['\n', '\r'], " ");
    let mut run = 0;
    let mut longest = 0;
    for c in s.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    if longest > 0 || s.starts_with(' ') || s.ends_with(' ') {
        format!("{fence} {s} {fence}")
    } else {
        format!("{fence}{s}{fence}")
    }
}

fn verdict_icon(v: Verdict) -> &'static str {
    match v {
        Verdict::Blocked => "⛔",
        Verdict::Conditional => "⚠️",
        Verdict::Clear => "✅",
        Verdict::Incomplete => "❔",
    }
}

fn area_icon(s: AreaStatus) -> &'static str {
    match s {
        AreaStatus::Incomplete => "❔",
        AreaStatus::Blocked => "⛔",
        AreaStatus::Conditional => "⚠️",
        AreaStatus::Remarks => "ℹ️",
        AreaStatus::Clear => "✅",
        AreaStatus::NotApplied => "➖",
    }
}

fn sev(m: &Memo<'_>, s: Severity) -> String {
    format!("**{}**", m.severity_word(s))
}

/// The whole memo.
pub fn render(m: &Memo<'_>) -> String {
    let mut out = String::new();
    let v = m.verdict();
    let _ = writeln!(out, "# {}\n", md(m.title()));
    let _ = writeln!(
        out,
        "*{} · granska {}*\n",
        m.t(
            "Beslutsunderlag för styrgruppen",
            "Decision brief for the steering group"
        ),
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(
        out,
        "> ## {} {}",
        verdict_icon(v),
        md(verdict_word(v, m.lang))
    );
    let _ = writeln!(out, ">\n> **{}**", md(&m.verdict_sentence()));
    let counts = [
        (Memo::count(&m.blockers), m.t("hinder", "blockers")),
        (Memo::count(&m.conditions), m.t("villkor", "conditions")),
        (
            Memo::count(&m.questions),
            m.t("frågor till jurist", "legal questions"),
        ),
        (Memo::count(&m.advice), m.t("råd", "advice")),
    ];
    let counts: Vec<String> = counts.iter().map(|(n, w)| format!("{n} {w}")).collect();
    let _ = writeln!(out, ">\n> {}\n", counts.join(" · "));
    if let Some(s) = m.summary() {
        let _ = writeln!(out, "{}\n", md(s));
    }
    let _ = writeln!(out, "| | |\n|---|---|");
    for (label, value) in m.decision_rows() {
        let _ = writeln!(out, "| {} | {} |", md(label), md(&value));
    }
    out.push('\n');

    let statutory: Vec<_> = m.statutory_waivers().collect();
    if !statutory.is_empty() {
        let _ = writeln!(
            out,
            "## ⛔ {}\n",
            m.t(
                "Avsteg från lag saknar rättsverkan",
                "Deviations from a statute have no legal effect"
            )
        );
        let _ = writeln!(
            out,
            "{}\n",
            m.t(
                "Underlaget innehåller beslut om avsteg från krav som följer av lag. Ett sådant avsteg kan inte ersätta det lagen kräver: bristen består, och beslutet kan inte fattas med avsteget som grund.",
                "The proposal contains decisions to deviate from statutory requirements. Such a deviation cannot replace what the law requires: the finding stands, and the decision cannot rest on it.",
            )
        );
        for w in statutory {
            let _ = writeln!(
                out,
                "- **{}** ({} {}, {}): {} — {} ({})",
                md(&w.decided_by),
                m.t("beslut", "decided"),
                md(&w.date),
                code(&format!("{}:{}", m.e.file, w.line)),
                md(&w.reason),
                md(&m.rule_title(&w.rule)),
                code(&w.rule)
            );
        }
        out.push('\n');
    }
    let errors: Vec<_> = m.e.errors().collect();
    if !errors.is_empty() {
        let _ = writeln!(
            out,
            "## ❔ {}\n",
            m.t(
                "Regler som inte kunde utvärderas",
                "Rules that failed to evaluate"
            )
        );
        for (o, err) in errors {
            let _ = writeln!(
                out,
                "- {}: {} ({})",
                code(&o.rule),
                md(&err.message),
                code(&format!("{}:{}:{}", err.file, err.line, err.column))
            );
        }
        out.push('\n');
    }

    let _ = writeln!(
        out,
        "## {}\n",
        m.t("Status per rättsområde", "Status by area of law")
    );
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} | {} |\n|---|---|--:|--:|--:|--:|--:|",
        m.t("Område", "Area"),
        m.t("Status", "Status"),
        m.t("Hinder", "Blockers"),
        m.t("Villkor", "Conditions"),
        m.t("Frågor", "Questions"),
        m.t("Råd", "Advice"),
        m.t("Regler i kraft", "Rules in force"),
    );
    for r in &m.areas {
        let _ = writeln!(
            out,
            "| {} | {} {} | {} | {} | {} | {} | {} |",
            md(&r.label),
            area_icon(r.status),
            m.area_status_word(r.status),
            r.blockers,
            r.conditions,
            r.questions,
            r.advice,
            r.rules_applied
        );
    }
    out.push('\n');

    section(
        &mut out,
        m,
        m.t(
            "Hinder – måste lösas innan beslutet kan fattas",
            "Blockers – must be resolved before the decision can be taken",
        ),
        &m.blockers,
        m.t("Inga hinder.", "No blockers."),
        false,
    );
    remediation(&mut out, m);
    section(
        &mut out,
        m,
        m.t(
            "Villkor – ska vara uppfyllda innan beslutet får verkan",
            "Conditions – must be met before the decision takes effect",
        ),
        &m.conditions,
        m.t("Inga villkor.", "No conditions."),
        false,
    );
    section(
        &mut out,
        m,
        m.t(
            "Frågor som kräver juridisk bedömning",
            "Questions that need a legal assessment",
        ),
        &m.questions,
        m.t("Inga obesvarade frågor.", "No unanswered questions."),
        true,
    );
    section(
        &mut out,
        m,
        m.t("Råd – bör åtgärdas", "Advice – should be done"),
        &m.advice,
        m.t("Inga råd.", "No advice."),
        false,
    );
    waivers(&mut out, m);

    let _ = writeln!(out, "## {}\n", m.t("Beroendegraf", "Dependency graph"));
    if m.x.findings.is_empty() {
        let _ = writeln!(
            out,
            "*{}*\n",
            m.t(
                "Inga fynd står: grafen är tom.",
                "No findings stand: the graph is empty."
            )
        );
    } else {
        let _ = writeln!(
            out,
            "{}\n",
            m.t(
                "Beslutet, de regler vars fynd hindrar eller villkorar det, och de fynd och faktauppgifter de vilar på (`granska graph --format svg` ritar hela grafen).",
                "The decision, the rules whose findings block or condition it, and the findings and facts those rest on (`granska graph --format svg` draws the full graph).",
            )
        );
        let d = super::svg::by_rule(&m.x, m.e, m.rulebook, m.lang);
        let _ = writeln!(out, "```mermaid\n{}```\n", mermaid(&d));
    }

    receipt(&mut out, m);
    out
}

fn law(m: &Memo<'_>, rule: &str) -> String {
    let items: Vec<String> = m
        .citations(rule)
        .iter()
        .map(|c| {
            let mut text = format!("{} {}", c.reference, c.act);
            if let Some(t) = &c.title {
                text = format!("{text} ({t})");
            }
            let mut item = match law_url(c) {
                Some(url) => format!(
                    "[{}]({})",
                    md(&text),
                    url.replace(' ', "%20")
                        .replace(')', "%29")
                        .replace('(', "%28")
                ),
                None => md(&text),
            };
            if c.unverified {
                let _ = write!(item, " *({})*", m.t("ej verifierad", "unverified"));
            }
            item
        })
        .collect();
    items.join("; ")
}

fn section(
    out: &mut String,
    m: &Memo<'_>,
    heading: &str,
    groups: &[Group],
    none: &str,
    questions: bool,
) {
    let _ = writeln!(out, "## {heading}\n");
    if groups.is_empty() {
        let _ = writeln!(out, "*{none}*\n");
        return;
    }
    for (k, g) in groups.iter().enumerate() {
        let places = if g.findings.len() > 1 {
            format!(" · {} {}", g.findings.len(), m.t("ställen", "places"))
        } else {
            String::new()
        };
        let _ = writeln!(out, "### {}. {}\n", k + 1, md(&m.rule_title(&g.rule)));
        let _ = writeln!(out, "{} · {}{places}\n", sev(m, g.severity), code(&g.rule));
        let law = law(m, &g.rule);
        if !law.is_empty() {
            let _ = writeln!(out, "**{}:** {law}\n", m.t("Lagrum", "Law"));
        }
        let _ = writeln!(
            out,
            "**{}:**\n",
            if questions {
                m.t("Frågor", "Questions")
            } else {
                m.t("Var i underlaget", "Where in the proposal")
            }
        );
        for &i in &g.findings {
            let f = m.finding(i);
            let text = if questions {
                let q = f
                    .question
                    .as_ref()
                    .map(|q| q.get(m.lang))
                    .unwrap_or_else(|| f.message.get(m.lang));
                md(q)
            } else {
                let note = m
                    .kind_note(i)
                    .map(|n| format!(" *({n})*"))
                    .unwrap_or_default();
                format!("{}{note}", md(f.message.get(m.lang)))
            };
            let _ = writeln!(
                out,
                "- {} {} — {text}",
                code(&m.location(i)),
                code(m.path(i))
            );
        }
        out.push('\n');
        if let Some(help) = m.rule_help(&g.rule) {
            let _ = writeln!(
                out,
                "**{}** {}\n",
                m.t("Att göra:", "What to do:"),
                md(help)
            );
        }
        if questions {
            let _ = writeln!(
                out,
                "{} `assessments:` {} {}.\n",
                m.t(
                    "När bedömningen är gjord: för in slutsatsen under",
                    "Once assessed: record the conclusion under"
                ),
                m.t("med", "with"),
                code(&format!("rule: {}", g.rule))
            );
        }
    }
}

fn paths(m: &Memo<'_>, findings: &[usize]) -> String {
    let shown: Vec<String> = findings.iter().take(4).map(|i| code(m.path(*i))).collect();
    let more = findings.len().saturating_sub(4);
    let more = if more > 0 {
        format!(" {} {more} {}", m.t("och", "and"), m.t("till", "more"))
    } else {
        String::new()
    };
    format!("{}{more}", shown.join(", "))
}

fn remediation(out: &mut String, m: &Memo<'_>) {
    let _ = writeln!(out, "## {}\n", m.t("Vad görs först", "What to fix first"));
    if m.plan.is_empty() {
        let _ = writeln!(out, "*{}*\n", m.t("Inget att åtgärda.", "Nothing to fix."));
        return;
    }
    if !m.roots.is_empty() {
        let _ = writeln!(out, "### {}\n", m.t("Grundorsaker", "Root findings"));
        let _ = writeln!(
            out,
            "{}\n",
            m.t(
                "Andra fynd vilar på dessa. När en grundorsak åtgärdas försvinner eller ändras fynden som följer av den.",
                "Other findings rest on these. Fixing a root finding removes or changes the findings that follow from it.",
            )
        );
        for r in &m.roots {
            let follows: Vec<String> = r
                .follows
                .iter()
                .map(|(rule, f)| format!("{} ({})", code(rule), paths(m, f)))
                .collect();
            let _ = writeln!(
                out,
                "- {} {} {} {} {} — {} {}",
                sev(m, r.severity),
                md(&m.rule_title(&r.rule)),
                code(&r.rule),
                m.t("i", "at"),
                paths(m, &r.findings),
                m.t("följer av detta:", "these follow from it:"),
                follows.join("; ")
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "### {}\n", m.t("Åtgärdsordning", "Remediation order"));
    for (k, step) in m.plan.iter().enumerate() {
        let _ = writeln!(
            out,
            "{}. {} {} {} — {}",
            k + 1,
            sev(m, step.severity),
            md(&m.rule_title(&step.rule)),
            code(&step.rule),
            paths(m, &step.findings)
        );
    }
    out.push('\n');
}

fn waivers(out: &mut String, m: &Memo<'_>) {
    let _ = writeln!(
        out,
        "## {}\n",
        m.t("Undantag och avsteg", "Waivers and deviations")
    );
    if m.e.waivers.is_empty() {
        let _ = writeln!(
            out,
            "*{}*\n",
            m.t(
                "Underlaget innehåller inga undantag.",
                "The proposal contains no waivers."
            )
        );
        return;
    }
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} |\n|---|---|---|---|---|",
        m.t("Regel", "Rule"),
        m.t("Beslutat av", "Decided by"),
        m.t("Gäller", "Valid"),
        m.t("Skäl", "Reason"),
        m.t("Utfall", "Outcome")
    );
    for w in &m.e.waivers {
        let outcome = md(&m.waiver_status(w));
        let outcome = if w.status == WaiverStatus::RejectedStatutory {
            format!("⛔ **{outcome}**")
        } else {
            outcome
        };
        let _ = writeln!(
            out,
            "| {} ({}) | {} | {} – {} | {} | {} |",
            code(&w.rule),
            code(&format!("{}:{}", m.e.file, w.line)),
            md(&w.decided_by),
            md(&w.date),
            md(&w.expires),
            md(&w.reason),
            outcome
        );
    }
    out.push('\n');
    if !m.waived.is_empty() {
        let _ = writeln!(
            out,
            "{}\n",
            m.t("Fynd som undantagits:", "Findings waived:")
        );
        for g in &m.waived {
            let _ = writeln!(
                out,
                "- {} {} {} — {}",
                sev(m, g.severity),
                md(&m.rule_title(&g.rule)),
                code(&g.rule),
                paths(m, &g.findings)
            );
        }
        out.push('\n');
    }
}

fn receipt(out: &mut String, m: &Memo<'_>) {
    let r = &m.e.receipt;
    let _ = writeln!(
        out,
        "## {}\n",
        m.t("Kvitto för protokollet", "Receipt for the minutes")
    );
    let applied: usize = m.areas.iter().map(|a| a.rules_applied).sum();
    let _ = writeln!(out, "| | |\n|---|---|");
    for (label, value) in [
        (
            m.t("Verktyg", "Tool"),
            md(&format!("{} {}", r.tool, r.version)),
        ),
        (
            m.t("Lag per", "Law as of"),
            md(&format!("{} ({})", r.as_of, m.e.as_of_source)),
        ),
        (m.t("Underlag", "Proposal"), code(&m.e.file)),
        (
            m.t("SHA-256 för underlaget", "SHA-256 of the proposal"),
            code(&r.scenario_sha256),
        ),
        (
            m.t("SHA-256 för regelboken", "SHA-256 of the rulebook"),
            code(&r.rulebook_sha256),
        ),
        (m.t("Regler i kraft", "Rules in force"), applied.to_string()),
    ] {
        let _ = writeln!(out, "| {label} | {value} |");
    }
    let _ = writeln!(
        out,
        "\n<details><summary>{} ({})</summary>\n\n| {} | SHA-256 |\n|---|---|",
        m.t("Regelbokens filer", "Rulebook files"),
        r.rule_files.len(),
        m.t("Fil", "File")
    );
    for (file, sha) in m.rule_files() {
        let _ = writeln!(out, "| {} | {} |", code(file), code(sha));
    }
    out.push_str("\n</details>\n");
}

/// A diagram as a Mermaid flowchart.
pub fn mermaid(d: &Diagram) -> String {
    let label = |s: &str| {
        s.replace('&', "#amp;")
            .replace('"', "#quot;")
            .replace('<', "#lt;")
            .replace('>', "#gt;")
    };
    let lang = d.lang;
    let mut out = String::from("flowchart LR\n");
    for (i, n) in d.nodes.iter().enumerate() {
        let text: Vec<String> = n
            .lines
            .iter()
            .map(|l| {
                if l.bold {
                    format!("<b>{}</b>", label(&l.text))
                } else {
                    label(&l.text)
                }
            })
            .collect();
        let text = text.join("<br/>");
        let (open, close) = match n.tone {
            Tone::Decision(_) => ("{{", "}}"),
            Tone::Finding(_) => ("[", "]"),
            Tone::Fact(_) => ("([", "])"),
            Tone::Element => ("[/", "/]"),
        };
        let _ = writeln!(out, "  n{i}{open}\"{text}\"{close}");
    }
    for e in &d.edges {
        let word = match (e.kind, lang) {
            (Edge::Blocks, Lang::Sv) => "hindrar",
            (Edge::Blocks, Lang::En) => "blocks",
            (Edge::Conditions, Lang::Sv) => "villkorar",
            (Edge::Conditions, Lang::En) => "conditions",
            (Edge::Because, Lang::Sv) => "vilar på",
            (Edge::Because, Lang::En) => "rests on",
            (Edge::Concerns, Lang::Sv) => "gäller",
            (Edge::Concerns, Lang::En) => "concerns",
        };
        let arrow = match e.kind {
            Edge::Blocks => "==>",
            Edge::Conditions => "-.->",
            _ => "-->",
        };
        let _ = writeln!(out, "  n{} {arrow}|{word}| n{}", e.from, e.to);
    }
    out.push_str("  classDef blocked fill:#a4161a,stroke:#6e0e11,color:#ffffff\n");
    out.push_str("  classDef conditional fill:#ffd27a,stroke:#8a5300,color:#1f1300\n");
    out.push_str("  classDef clear fill:#1b6e2a,stroke:#0f4219,color:#ffffff\n");
    out.push_str("  classDef incomplete fill:#4a4a4a,stroke:#222222,color:#ffffff\n");
    out.push_str("  classDef blocker fill:#fde7e7,stroke:#a4161a,color:#3b0a0b\n");
    out.push_str("  classDef major fill:#fff1d6,stroke:#a15c00,color:#3a2300\n");
    out.push_str("  classDef minor fill:#e7f0fb,stroke:#1d4e89,color:#0d2440\n");
    out.push_str("  classDef info fill:#f0f0f0,stroke:#5a5a5a,color:#222222\n");
    out.push_str("  classDef fact fill:#f1eefc,stroke:#5b4b9a,color:#1e1640\n");
    out.push_str("  classDef element fill:#ffffff,stroke:#6b6b6b,color:#222222\n");
    for (i, n) in d.nodes.iter().enumerate() {
        let class = match n.tone {
            Tone::Decision(Verdict::Blocked) => "blocked",
            Tone::Decision(Verdict::Conditional) => "conditional",
            Tone::Decision(Verdict::Clear) => "clear",
            Tone::Decision(Verdict::Incomplete) => "incomplete",
            Tone::Finding(s) => s.as_str(),
            Tone::Fact(_) => "fact",
            Tone::Element => "element",
        };
        let _ = writeln!(out, "  class n{i} {class}");
    }
    out
}

/// `check --format markdown`: one memo per scenario, separated by a rule.
pub struct Markdown;

impl Render for Markdown {
    fn scenario(&self, ctx: &RenderCtx<'_>, loaded: &LoadedScenario, e: &Evaluation) -> String {
        render(&Memo::new(e, loaded, ctx.rulebook, ctx.lang))
    }
    fn invalid(&self, ctx: &RenderCtx<'_>, file: &str, problems: &Problems) -> String {
        let sv = ctx.lang == Lang::Sv;
        let mut out = format!(
            "# {}\n\n> ## ❌ {}\n>\n> **{}**\n\n",
            md(file),
            if sv {
                "OGILTIGT UNDERLAG (INVALID)"
            } else {
                "INVALID"
            },
            if sv {
                "Underlaget kunde inte läsas eller följer inte formatet; ingen regel har körts."
            } else {
                "The proposal could not be read or does not follow the format; no rule was run."
            }
        );
        for p in &problems.0 {
            let loc = p
                .location()
                .map(|(f, l, c)| format!("{} ", code(&format!("{f}:{l}:{c}"))))
                .unwrap_or_default();
            let help = p
                .help
                .as_deref()
                .map(|h| format!(" — {}", md(h)))
                .unwrap_or_default();
            let _ = writeln!(out, "- {loc}{}{help} ({})", md(&p.message), code(&p.code));
        }
        out
    }
    fn separator(&self) -> &'static str {
        "\n---\n\n"
    }
    fn end(&self, ctx: &RenderCtx<'_>, s: &Summary) -> String {
        if s.files < 2 {
            return String::new();
        }
        let sv = ctx.lang == Lang::Sv;
        let mut parts: Vec<String> = s.verdicts.iter().map(|(k, v)| format!("{v} {k}")).collect();
        if s.invalid > 0 {
            parts.push(format!(
                "{} {}",
                s.invalid,
                if sv { "ogiltiga" } else { "invalid" }
            ));
        }
        format!(
            "\n---\n\n**{} {}:** {}\n",
            s.files,
            if sv { "underlag" } else { "proposals" },
            parts.join(", ")
        )
    }
}
