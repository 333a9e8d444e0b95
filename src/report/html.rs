//! `granska report --format html`: one self-contained HTML file for a steering-group
//! meeting. No network: no scripts, no external styles, fonts or images — the CSS is
//! inline, icons and the dependency graph are inline SVG, so the file opens from a USB
//! stick. Every text from the scenario or the rulebook is escaped. Printable on A4.

use std::fmt::Write;

use super::memo::{AreaStatus, Group, Memo, law_url};
use super::svg::{self, esc};
use crate::eval::Verdict;
use crate::eval::outcome::WaiverStatus;
use crate::lang::Lang;
use crate::report::human::verdict_word;
use crate::rulebook::Severity;

const CSS: &str = include_str!("html/report.css");

/// The whole report.
pub fn render(m: &Memo<'_>) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let lang = if m.lang == Lang::Sv { "sv" } else { "en" };
    let (word, _) = split_verdict(m);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">\n<meta name=\"generator\" content=\"granska {}\">\n<title>{} — {}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<div class=\"page\">\n",
        env!("CARGO_PKG_VERSION"),
        esc(word),
        esc(m.title()),
    );
    header(&mut out, m);
    alerts(&mut out, m);
    toc(&mut out, m);
    out.push_str("<main>\n");
    areas(&mut out, m);
    findings_section(
        &mut out,
        m,
        "hinder",
        m.t("Hinder – måste lösas innan beslutet kan fattas", "Blockers – must be resolved before the decision can be taken"),
        m.t(
            "Varje hinder är ett rättsligt hinder: beslutet kan inte fattas som det är föreslaget förrän det är löst.",
            "Each blocker is a legal obstacle: the decision cannot be taken as proposed until it is resolved.",
        ),
        &m.blockers,
        m.t("Inga hinder.", "No blockers."),
    );
    remediation(&mut out, m);
    findings_section(
        &mut out,
        m,
        "villkor",
        m.t("Villkor – ska vara uppfyllda innan beslutet får verkan", "Conditions – must be met before the decision takes effect"),
        m.t(
            "Beslutet kan fattas med dessa som villkor; de ska vara åtgärdade innan beslutet verkställs.",
            "The decision may be taken with these as conditions; they must be done before it takes effect.",
        ),
        &m.conditions,
        m.t("Inga villkor.", "No conditions."),
    );
    questions(&mut out, m);
    findings_section(
        &mut out,
        m,
        "rad",
        m.t("Råd – bör åtgärdas", "Advice – should be done"),
        m.t(
            "Brister och upplysningar som inte påverkar bedömningen.",
            "Shortcomings and notes that do not affect the verdict.",
        ),
        &m.advice,
        m.t("Inga råd.", "No advice."),
    );
    waivers(&mut out, m);
    graph(&mut out, m);
    receipt(&mut out, m);
    out.push_str("</main>\n");
    let _ = write!(
        out,
        "<footer>\n<p>{} granska {}. {}</p>\n</footer>\n</div>\n</body>\n</html>\n",
        m.t("Framtaget med", "Produced with"),
        env!("CARGO_PKG_VERSION"),
        m.t(
            "Granskningen är ett underlag, inte ett juridiskt ställningstagande: frågor som kräver juridisk bedömning ska bedömas av en jurist.",
            "The review supports the decision; it is not a legal opinion: questions that need a legal assessment must be assessed by a lawyer.",
        ),
    );
    out
}

/// ("STOPP", Some("BLOCKED")) in Swedish, ("BLOCKED", None) in English.
fn split_verdict(m: &Memo<'_>) -> (&'static str, Option<&'static str>) {
    let w = verdict_word(m.verdict(), m.lang);
    match w.split_once(" (") {
        Some((main, rest)) => (main, Some(rest.trim_end_matches(')'))),
        None => (w, None),
    }
}

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Blocked => "blocked",
        Verdict::Conditional => "conditional",
        Verdict::Clear => "clear",
        Verdict::Incomplete => "incomplete",
    }
}

/// An icon as inline SVG (decorative: the text beside it says the same).
fn icon(kind: &str, size: u32) -> String {
    let body = match kind {
        "blocked" => {
            r##"<polygon points="30,4 70,4 96,30 96,70 70,96 30,96 4,70 4,30" fill="#a4161a"/><rect x="22" y="42" width="56" height="16" rx="3" fill="#ffffff"/>"##
        }
        "conditional" => {
            r##"<polygon points="50,5 97,92 3,92" fill="#f2a900" stroke="#7a4a00" stroke-width="4" stroke-linejoin="round"/><rect x="44" y="32" width="12" height="34" rx="3" fill="#1f1300"/><circle cx="50" cy="78" r="6.5" fill="#1f1300"/>"##
        }
        "clear" => {
            r##"<circle cx="50" cy="50" r="46" fill="#1b6e2a"/><path d="M27,52 L43,68 L75,34" fill="none" stroke="#ffffff" stroke-width="11" stroke-linecap="round" stroke-linejoin="round"/>"##
        }
        "incomplete" => {
            r##"<circle cx="50" cy="50" r="46" fill="#4a4a4a"/><path d="M36,38 C36,22 64,22 64,38 C64,50 50,50 50,62" fill="none" stroke="#ffffff" stroke-width="10" stroke-linecap="round"/><circle cx="50" cy="78" r="6.5" fill="#ffffff"/>"##
        }
        "remarks" => {
            r##"<circle cx="50" cy="50" r="46" fill="#1d4e89"/><rect x="44" y="40" width="12" height="36" rx="3" fill="#ffffff"/><circle cx="50" cy="27" r="7" fill="#ffffff"/>"##
        }
        _ => {
            r##"<circle cx="50" cy="50" r="40" fill="none" stroke="#6b6b6b" stroke-width="8"/><rect x="30" y="46" width="40" height="8" fill="#6b6b6b"/>"##
        }
    };
    format!(
        r#"<svg class="icon" viewBox="0 0 100 100" width="{size}" height="{size}" aria-hidden="true" focusable="false">{body}</svg>"#
    )
}

fn severity_class(s: Severity) -> &'static str {
    s.as_str()
}

fn badge(m: &Memo<'_>, s: Severity) -> String {
    format!(
        r#"<span class="badge {}">{}</span>"#,
        severity_class(s),
        esc(m.severity_word(s))
    )
}

fn header(out: &mut String, m: &Memo<'_>) {
    let _ = write!(
        out,
        "<header>\n<p class=\"kicker\">{}</p>\n<h1>{}</h1>\n",
        esc(m.t(
            "Beslutsunderlag för styrgruppen",
            "Decision brief for the steering group"
        )),
        esc(m.title())
    );
    if let Some(s) = m.summary() {
        let _ = writeln!(out, "<p class=\"summary\">{}</p>", esc(s));
    }
    out.push_str("<dl class=\"decision\">\n");
    for (label, value) in m.decision_rows() {
        let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", esc(label), esc(&value));
    }
    out.push_str("</dl>\n");

    let v = m.verdict();
    let (word, sub) = split_verdict(m);
    let _ = write!(
        out,
        "<section class=\"verdict verdict-{cls}\" aria-labelledby=\"verdict-heading\">\n{icon}\n<div>\n<p class=\"label\">{label}</p>\n<h2 id=\"verdict-heading\" class=\"word\">{word}{sub}</h2>\n<p class=\"why\">{why}</p>\n<ul class=\"counts\">",
        cls = verdict_class(v),
        icon = icon(verdict_class(v), 84),
        label = esc(m.t("Bedömning av beslutet", "Verdict on the decision")),
        word = esc(word),
        sub = sub
            .map(|s| format!(" <span class=\"sub\">({})</span>", esc(s)))
            .unwrap_or_default(),
        why = esc(&m.verdict_sentence()),
    );
    for (n, sv, en, cls) in [
        (Memo::count(&m.blockers), "hinder", "blockers", "blocker"),
        (Memo::count(&m.conditions), "villkor", "conditions", "major"),
        (
            Memo::count(&m.questions),
            "frågor till jurist",
            "legal questions",
            "major",
        ),
        (Memo::count(&m.advice), "råd", "advice", "minor"),
    ] {
        let cls = if n == 0 { "zero" } else { cls };
        let _ = write!(
            out,
            "<li class=\"{cls}\"><strong>{n}</strong> {}</li>",
            esc(m.t(sv, en))
        );
    }
    out.push_str("</ul>\n</div>\n</section>\n</header>\n");
}

fn alerts(out: &mut String, m: &Memo<'_>) {
    let statutory: Vec<_> = m.statutory_waivers().collect();
    if !statutory.is_empty() {
        let _ = write!(
            out,
            "<section class=\"alert\" aria-labelledby=\"avsteg-heading\">\n<h2 id=\"avsteg-heading\">{}</h2>\n<p>{}</p>\n<ul>\n",
            esc(m.t("Avsteg från lag saknar rättsverkan", "Deviations from a statute have no legal effect")),
            esc(m.t(
                "Underlaget innehåller beslut om avsteg från krav som följer av lag. Ett sådant avsteg kan inte ersätta det lagen kräver: bristen består, och beslutet kan inte fattas med avsteget som grund.",
                "The proposal contains decisions to deviate from statutory requirements. Such a deviation cannot replace what the law requires: the finding stands, and the decision cannot rest on it.",
            )),
        );
        for w in statutory {
            let _ = writeln!(
                out,
                "<li><strong>{}</strong> ({} {}, <code>{}:{}</code>): {} — <a href=\"#rule-{}\">{}</a> <code>{}</code></li>",
                esc(&w.decided_by),
                esc(m.t("beslut", "decided")),
                esc(&w.date),
                esc(&m.e.file),
                w.line,
                esc(&w.reason),
                esc(&w.rule),
                esc(&m.rule_title(&w.rule)),
                esc(&w.rule)
            );
        }
        out.push_str("</ul>\n</section>\n");
    }
    let errors: Vec<_> = m.e.errors().collect();
    if !errors.is_empty() {
        let _ = write!(
            out,
            "<section class=\"alert alert-incomplete\" aria-labelledby=\"errors-heading\">\n<h2 id=\"errors-heading\">{}</h2>\n<p>{}</p>\n<ul>\n",
            esc(m.t("Regler som inte kunde utvärderas", "Rules that failed to evaluate")),
            esc(m.t(
                "En regel som inte kan utvärderas räknas aldrig som uppfylld. Rätta regeln (eller underlaget) och granska igen.",
                "A rule that fails is never counted as passed. Fix the rule (or the proposal) and run the review again.",
            )),
        );
        for (o, err) in errors {
            let _ = writeln!(
                out,
                "<li><code>{}</code>: {} <span class=\"muted\">({}:{}:{})</span></li>",
                esc(&o.rule),
                esc(&err.message),
                esc(&err.file),
                err.line,
                err.column
            );
        }
        out.push_str("</ul>\n</section>\n");
    }
}

fn toc(out: &mut String, m: &Memo<'_>) {
    let _ = write!(
        out,
        "<nav class=\"toc\" aria-label=\"{}\">\n<ul>\n",
        esc(m.t("Innehåll", "Contents"))
    );
    let n = Memo::count;
    for (id, sv, en, count) in [
        ("omraden", "Rättsområden", "Areas of law", None),
        ("hinder", "Hinder", "Blockers", Some(n(&m.blockers))),
        ("atgarder", "Åtgärdsordning", "What to fix first", None),
        ("villkor", "Villkor", "Conditions", Some(n(&m.conditions))),
        (
            "fragor",
            "Juridiska frågor",
            "Legal questions",
            Some(n(&m.questions)),
        ),
        ("rad", "Råd", "Advice", Some(n(&m.advice))),
        (
            "undantag",
            "Undantag och avsteg",
            "Waivers",
            Some(m.e.waivers.len()),
        ),
        ("graf", "Beroendegraf", "Dependency graph", None),
        ("kvitto", "Kvitto", "Receipt", None),
    ] {
        let count = count
            .map(|c| format!(" <span class=\"n\">{c}</span>"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<li><a href=\"#{id}\">{}</a>{count}</li>",
            esc(m.t(sv, en))
        );
    }
    out.push_str("</ul>\n</nav>\n");
}

fn area_icon(s: AreaStatus) -> &'static str {
    match s {
        AreaStatus::Incomplete => "incomplete",
        AreaStatus::Blocked => "blocked",
        AreaStatus::Conditional => "conditional",
        AreaStatus::Remarks => "remarks",
        AreaStatus::Clear => "clear",
        AreaStatus::NotApplied => "none",
    }
}

fn areas(out: &mut String, m: &Memo<'_>) {
    let _ = write!(
        out,
        "<section id=\"omraden\" aria-labelledby=\"omraden-heading\">\n<h2 id=\"omraden-heading\">{}</h2>\n<table class=\"areas\">\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th></tr></thead>\n<tbody>\n",
        esc(m.t("Status per rättsområde", "Status by area of law")),
        esc(m.t("Område", "Area")),
        esc(m.t("Status", "Status")),
        esc(m.t("Hinder", "Blockers")),
        esc(m.t("Villkor", "Conditions")),
        esc(m.t("Frågor", "Questions")),
        esc(m.t("Råd", "Advice")),
        esc(m.t("Regler i kraft", "Rules in force")),
    );
    for r in &m.areas {
        let _ = writeln!(
            out,
            "<tr class=\"status-{icon}\"><th scope=\"row\">{}</th><td class=\"status\">{}<span>{}</span></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(&r.label),
            icon(area_icon(r.status), 18),
            esc(m.area_status_word(r.status)),
            r.blockers,
            r.conditions,
            r.questions,
            r.advice,
            r.rules_applied,
            icon = area_icon(r.status),
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

/// Citations of a rule with links to the law text.
fn law(m: &Memo<'_>, rule: &str) -> String {
    let mut items = Vec::new();
    for c in m.citations(rule) {
        let mut text = format!("{} {}", c.reference, c.act);
        if let Some(t) = &c.title {
            text = format!("{text} ({t})");
        }
        let mut item = match law_url(c) {
            Some(url) => format!(
                "<a href=\"{}\" rel=\"noopener\">{}</a>",
                esc(&url),
                esc(&text)
            ),
            None => esc(&text),
        };
        if c.unverified {
            let _ = write!(
                item,
                " <span class=\"unverified\">[{}]</span>",
                esc(m.t("ej verifierad", "unverified"))
            );
        }
        items.push(format!("<li>{item}</li>"));
    }
    if items.is_empty() {
        return String::new();
    }
    format!(
        "<div class=\"law\"><span class=\"term\">{}</span><ul>{}</ul></div>\n",
        esc(m.t("Lagrum", "Law")),
        items.concat()
    )
}

/// The anchor of a rule's group: the first section it appears in gets `rule-ID`.
fn anchor(m: &Memo<'_>, section: &str, rule: &str) -> String {
    let first = [
        ("hinder", &m.blockers),
        ("villkor", &m.conditions),
        ("fragor", &m.questions),
        ("rad", &m.advice),
    ]
    .into_iter()
    .find(|(_, groups)| groups.iter().any(|g| g.rule == rule))
    .map(|(s, _)| s);
    if first == Some(section) {
        format!("rule-{rule}")
    } else {
        format!("{section}-{rule}")
    }
}

fn where_table(out: &mut String, m: &Memo<'_>, g: &Group, with_question: bool) {
    let _ = write!(
        out,
        "<table class=\"where\">\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
        esc(m.t("Var i underlaget", "Where in the proposal")),
        esc(if with_question {
            m.t("Fråga att bedöma", "Question to assess")
        } else {
            m.t("Vad", "What")
        }),
    );
    for &i in &g.findings {
        let f = m.finding(i);
        let note = m
            .kind_note(i)
            .filter(|_| !with_question)
            .map(|n| format!(" <span class=\"kind\">{}</span>", esc(n)))
            .unwrap_or_default();
        let text = if with_question {
            let q = f
                .question
                .as_ref()
                .map(|q| q.get(m.lang).to_string())
                .unwrap_or_default();
            format!(
                "<p class=\"q\">{}</p><p class=\"muted\">{}</p>",
                esc(&q),
                esc(f.message.get(m.lang))
            )
        } else {
            format!("<p>{}{note}</p>", esc(f.message.get(m.lang)))
        };
        let _ = writeln!(
            out,
            "<tr><td class=\"loc\"><code class=\"file\">{}</code><br><code class=\"path\">{}</code><br><code class=\"src\">{}</code></td><td>{text}</td></tr>",
            esc(&m.location(i)),
            esc(m.path(i)),
            esc(&m.source_line(i)),
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

#[allow(clippy::too_many_arguments)]
fn findings_section(
    out: &mut String,
    m: &Memo<'_>,
    id: &str,
    heading: &str,
    intro: &str,
    groups: &[Group],
    none: &str,
) {
    let _ = write!(
        out,
        "<section id=\"{id}\" aria-labelledby=\"{id}-heading\">\n<h2 id=\"{id}-heading\">{}</h2>\n",
        esc(heading)
    );
    if groups.is_empty() {
        let _ = writeln!(out, "<p class=\"none\">{}</p>", esc(none));
        out.push_str("</section>\n");
        return;
    }
    let _ = writeln!(out, "<p class=\"intro\">{}</p>", esc(intro));
    for (k, g) in groups.iter().enumerate() {
        group_article(out, m, id, k + 1, g, false);
    }
    out.push_str("</section>\n");
}

fn group_article(
    out: &mut String,
    m: &Memo<'_>,
    section: &str,
    number: usize,
    g: &Group,
    with_question: bool,
) {
    let count = if g.findings.len() > 1 {
        format!(
            " <span class=\"times\">{} {}</span>",
            g.findings.len(),
            esc(m.t("ställen", "places"))
        )
    } else {
        String::new()
    };
    let _ = write!(
        out,
        "<article class=\"finding sev-{}\" id=\"{}\">\n<h3><span class=\"num\">{number}.</span> {}</h3>\n<p class=\"meta\">{} <code>{}</code>{count}</p>\n",
        severity_class(g.severity),
        esc(&anchor(m, section, &g.rule)),
        esc(&m.rule_title(&g.rule)),
        badge(m, g.severity),
        esc(&g.rule),
    );
    out.push_str(&law(m, &g.rule));
    where_table(out, m, g, with_question);
    if let Some(help) = m.rule_help(&g.rule) {
        let _ = writeln!(
            out,
            "<p class=\"todo\"><strong>{}</strong> {}</p>",
            esc(m.t("Att göra:", "What to do:")),
            esc(help)
        );
    }
    if with_question {
        let _ = writeln!(
            out,
            "<p class=\"record\">{} <code>assessments:</code> {} <code>rule: {}</code>.</p>",
            esc(m.t(
                "När bedömningen är gjord: för in slutsatsen under",
                "Once assessed: record the conclusion under"
            )),
            esc(m.t("med", "with")),
            esc(&g.rule)
        );
    }
    out.push_str("</article>\n");
}

fn questions(out: &mut String, m: &Memo<'_>) {
    let _ = write!(
        out,
        "<section id=\"fragor\" aria-labelledby=\"fragor-heading\">\n<h2 id=\"fragor-heading\">{}</h2>\n",
        esc(m.t(
            "Frågor som kräver juridisk bedömning",
            "Questions that need a legal assessment"
        ))
    );
    if m.questions.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"none\">{}</p>",
            esc(m.t("Inga obesvarade frågor.", "No unanswered questions."))
        );
    } else {
        let _ = writeln!(
            out,
            "<p class=\"intro\">{}</p>",
            esc(m.t(
                "Här avgör en rättslig bedömning, inte ett verktyg. Så länge en fråga är obesvarad kan bedömningen inte bli KLART.",
                "Here a legal judgement decides, not a tool. While a question is unanswered the verdict cannot be CLEAR.",
            ))
        );
        for (k, g) in m.questions.iter().enumerate() {
            group_article(out, m, "fragor", k + 1, g, true);
        }
    }
    out.push_str("</section>\n");
}

fn short_list(m: &Memo<'_>, findings: &[usize]) -> String {
    let shown: Vec<String> = findings
        .iter()
        .take(4)
        .map(|i| format!("<code>{}</code>", esc(m.path(*i))))
        .collect();
    let more = findings.len().saturating_sub(4);
    let more = if more > 0 {
        format!(" {} {more} {}", m.t("och", "and"), m.t("till", "more"))
    } else {
        String::new()
    };
    format!("{}{more}", shown.join(", "))
}

fn remediation(out: &mut String, m: &Memo<'_>) {
    let _ = write!(
        out,
        "<section id=\"atgarder\" aria-labelledby=\"atgarder-heading\">\n<h2 id=\"atgarder-heading\">{}</h2>\n",
        esc(m.t("Vad görs först", "What to fix first"))
    );
    if m.plan.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"none\">{}</p>\n</section>",
            esc(m.t("Inget att åtgärda.", "Nothing to fix."))
        );
        return;
    }
    if !m.roots.is_empty() {
        let _ = write!(
            out,
            "<h3>{}</h3>\n<p class=\"intro\">{}</p>\n<ul class=\"roots\">\n",
            esc(m.t("Grundorsaker", "Root findings")),
            esc(m.t(
                "Andra fynd vilar på dessa. När en grundorsak åtgärdas försvinner eller ändras fynden som följer av den.",
                "Other findings rest on these. Fixing a root finding removes or changes the findings that follow from it.",
            ))
        );
        for r in &m.roots {
            let follows: Vec<String> = r
                .follows
                .iter()
                .map(|(rule, f)| {
                    format!(
                        "<a href=\"#rule-{}\"><code>{}</code></a> ({})",
                        esc(rule),
                        esc(rule),
                        short_list(m, f)
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "<li>{} <a href=\"#rule-{}\">{}</a> <code>{}</code> — {} {}<br><span class=\"follows\">{} {}</span></li>",
                badge(m, r.severity),
                esc(&r.rule),
                esc(&m.rule_title(&r.rule)),
                esc(&r.rule),
                esc(m.t("i", "at")),
                short_list(m, &r.findings),
                esc(m.t("Följer av detta:", "These follow from it:")),
                follows.join("; ")
            );
        }
        out.push_str("</ul>\n");
    }
    let _ = write!(
        out,
        "<h3>{}</h3>\n<p class=\"intro\">{}</p>\n<ol class=\"plan\">\n",
        esc(m.t("Åtgärdsordning", "Remediation order")),
        esc(m.t(
            "I denna ordning kommer varje åtgärd efter det den vilar på; bland likvärdiga står de allvarligaste först.",
            "In this order each step comes after what it rests on; among equals the most serious come first.",
        ))
    );
    for step in &m.plan {
        let _ = writeln!(
            out,
            "<li>{} <a href=\"#rule-{}\">{}</a> <code>{}</code> — {}</li>",
            badge(m, step.severity),
            esc(&step.rule),
            esc(&m.rule_title(&step.rule)),
            esc(&step.rule),
            short_list(m, &step.findings)
        );
    }
    out.push_str("</ol>\n</section>\n");
}

fn waivers(out: &mut String, m: &Memo<'_>) {
    let _ = write!(
        out,
        "<section id=\"undantag\" aria-labelledby=\"undantag-heading\">\n<h2 id=\"undantag-heading\">{}</h2>\n",
        esc(m.t("Undantag och avsteg", "Waivers and deviations"))
    );
    if m.e.waivers.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"none\">{}</p>\n</section>",
            esc(m.t(
                "Underlaget innehåller inga undantag.",
                "The proposal contains no waivers."
            ))
        );
        return;
    }
    let _ = write!(
        out,
        "<p class=\"intro\">{}</p>\n<table class=\"waivers\">\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
        esc(m.t(
            "Bara rekommendationer kan undantas, med skäl, beslutsfattare och slutdatum. Ett avsteg från lag saknar verkan.",
            "Only recommendations can be waived, with a reason, an approver and an expiry date. A deviation from a statute has no effect.",
        )),
        esc(m.t("Regel", "Rule")),
        esc(m.t("Beslutat av", "Decided by")),
        esc(m.t("Gäller", "Valid")),
        esc(m.t("Skäl", "Reason")),
        esc(m.t("Utfall", "Outcome")),
    );
    for w in &m.e.waivers {
        let cls = match w.status {
            WaiverStatus::Applied => "applied",
            WaiverStatus::RejectedStatutory => "statutory",
            _ => "rejected",
        };
        let _ = writeln!(
            out,
            "<tr class=\"{cls}\"><th scope=\"row\">{}<br><code>{}</code><br><code class=\"file\">{}:{}</code></th><td>{}</td><td class=\"dates\">{}<br>– {}</td><td>{}</td><td class=\"outcome\"><strong>{}</strong></td></tr>",
            esc(&m.rule_title(&w.rule)),
            esc(&w.rule),
            esc(&m.e.file),
            w.line,
            esc(&w.decided_by),
            esc(&w.date),
            esc(&w.expires),
            esc(&w.reason),
            esc(&m.waiver_status(w)),
        );
    }
    out.push_str("</tbody>\n</table>\n");
    if !m.waived.is_empty() {
        let _ = write!(
            out,
            "<h3>{}</h3>\n<ul class=\"waived\">\n",
            esc(m.t("Fynd som undantagits", "Findings waived"))
        );
        for g in &m.waived {
            let _ = writeln!(
                out,
                "<li>{} {} <code>{}</code> — {}</li>",
                badge(m, g.severity),
                esc(&m.rule_title(&g.rule)),
                esc(&g.rule),
                short_list(m, &g.findings)
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
}

fn graph(out: &mut String, m: &Memo<'_>) {
    let _ = write!(
        out,
        "<section id=\"graf\" class=\"graph\" aria-labelledby=\"graf-heading\">\n<h2 id=\"graf-heading\">{}</h2>\n",
        esc(m.t("Beroendegraf", "Dependency graph"))
    );
    if m.x.findings.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"none\">{}</p>\n</section>",
            esc(m.t(
                "Inga fynd står: grafen är tom.",
                "No findings stand: the graph is empty."
            ))
        );
        return;
    }
    let _ = writeln!(
        out,
        "<p class=\"intro\">{}</p>",
        esc(m.t(
            "Läs från vänster: beslutet, de regler vars fynd hindrar eller villkorar det, de fynd och faktauppgifter de i sin tur vilar på. Klicka på en regel för att gå till fynden.",
            "Read from the left: the decision, the rules whose findings block or condition it, and the findings and facts those rest on. Click a rule to go to its findings.",
        ))
    );
    let overview = svg::by_rule(&m.x, m.e, m.rulebook, m.lang);
    let _ = writeln!(
        out,
        "<div class=\"graph-wrap fit\">{}</div>",
        svg::render(&overview, "graph-overview")
    );
    let full = svg::full(&m.x, m.e, m.rulebook, m.lang);
    let _ = writeln!(
        out,
        "<details class=\"full-graph\">\n<summary>{}</summary>\n<div class=\"graph-wrap\">{}</div>\n</details>",
        esc(m.t(
            "Hela grafen: varje fynd, faktauppgift och rad i underlaget",
            "The full graph: every finding, fact and line of the proposal",
        )),
        svg::render(&full, "graph-full")
    );
    out.push_str("</section>\n");
}

fn receipt(out: &mut String, m: &Memo<'_>) {
    let r = &m.e.receipt;
    let _ = write!(
        out,
        "<section id=\"kvitto\" class=\"receipt\" aria-labelledby=\"kvitto-heading\">\n<h2 id=\"kvitto-heading\">{}</h2>\n<p class=\"intro\">{}</p>\n<dl class=\"decision\">\n",
        esc(m.t("Kvitto för protokollet", "Receipt for the minutes")),
        esc(m.t(
            "Samma underlag, regelbok och datum ger alltid samma resultat. Kontrollsummorna visar exakt vad som granskades.",
            "The same proposal, rulebook and date always give the same result. The checksums show exactly what was reviewed.",
        )),
    );
    let applied: usize = m.areas.iter().map(|a| a.rules_applied).sum();
    for (label, value, code) in [
        (
            m.t("Verktyg", "Tool"),
            format!("{} {}", r.tool, r.version),
            false,
        ),
        (
            m.t("Lag per", "Law as of"),
            format!("{} ({})", r.as_of, m.e.as_of_source),
            false,
        ),
        (m.t("Underlag", "Proposal"), m.e.file.clone(), true),
        (
            m.t("SHA-256 för underlaget", "SHA-256 of the proposal"),
            r.scenario_sha256.clone(),
            true,
        ),
        (
            m.t("SHA-256 för regelboken", "SHA-256 of the rulebook"),
            r.rulebook_sha256.clone(),
            true,
        ),
        (
            m.t("Regler i kraft", "Rules in force"),
            applied.to_string(),
            false,
        ),
    ] {
        let value = if code {
            format!("<code>{}</code>", esc(&value))
        } else {
            esc(&value)
        };
        let _ = writeln!(out, "<dt>{}</dt><dd>{value}</dd>", esc(label));
    }
    out.push_str("</dl>\n");
    let _ = write!(
        out,
        "<details class=\"files\">\n<summary>{} ({})</summary>\n<table>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">SHA-256</th></tr></thead>\n<tbody>\n",
        esc(m.t("Regelbokens filer", "Rulebook files")),
        r.rule_files.len(),
        esc(m.t("Fil", "File")),
    );
    for (file, sha) in m.rule_files() {
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td><code class=\"hash\">{}</code></td></tr>",
            esc(file),
            esc(sha)
        );
    }
    out.push_str("</tbody>\n</table>\n</details>\n</section>\n");
}
