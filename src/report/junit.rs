//! `--format junit`: JUnit XML for CI test views. One `<testsuite>` per scenario file, one
//! `<testcase>` per rule of the rulebook (classname = area, name = rule id):
//! a standing blocker or major finding is a `<failure>`, minor and info findings pass with
//! their text in `<system-out>`, a rule not in force on the date is `<skipped>`, a rule that
//! failed to evaluate is an `<error>`. An invalid scenario file is a testsuite whose one
//! testcase has an `<error>` listing every problem. Nothing timed is written: the output
//! is byte-identical across runs.

use std::fmt::Write as _;

use super::{Render, RenderCtx, Summary};
use crate::diag::Problems;
use crate::eval::outcome::RuleStatus;
use crate::eval::{Evaluation, Finding};
use crate::lang::Lang;
use crate::rulebook::Severity;
use crate::scenario::LoadedScenario;

pub struct Junit;

impl Render for Junit {
    fn begin(&self, _ctx: &RenderCtx<'_>) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"granska\">\n".into()
    }

    fn scenario(&self, ctx: &RenderCtx<'_>, _loaded: &LoadedScenario, e: &Evaluation) -> String {
        let lang = ctx.lang;
        let mut cases = String::new();
        let (mut failures, mut errors, mut skipped) = (0, 0, 0);
        for o in &e.outcomes {
            let area = ctx
                .rulebook
                .rule(&o.rule)
                .map(|r| r.area.as_str())
                .unwrap_or("rules");
            let findings: Vec<&Finding> = e.findings.iter().filter(|f| f.rule == o.rule).collect();
            let failing: Vec<&&Finding> = findings
                .iter()
                .filter(|f| f.stands() && f.severity <= Severity::Major)
                .collect();
            let mut attrs = format!(
                "classname=\"{}\" name=\"{}\" file=\"{}\"",
                xml(area),
                xml(&o.rule),
                xml(&e.file)
            );
            if let Some(f) = failing.first().map(|f| **f).or(findings.first().copied()) {
                let _ = write!(attrs, " line=\"{}\"", f.line.max(1));
            }
            let mut body = String::new();
            match (o.status, &o.error) {
                (RuleStatus::NotInForce, _) => {
                    skipped += 1;
                    let why = match lang {
                        Lang::Sv => format!("gäller inte {}", e.as_of),
                        Lang::En => format!("not in force on {}", e.as_of),
                    };
                    let _ = writeln!(body, "      <skipped message=\"{}\"/>", xml(&why));
                }
                (_, Some(err)) => {
                    errors += 1;
                    let msg = match lang {
                        Lang::Sv => format!("regeln kunde inte utvärderas: {}", err.message),
                        Lang::En => format!("rule failed to evaluate: {}", err.message),
                    };
                    let at = format!("{}:{}:{}", err.file, err.line, err.column);
                    let _ = writeln!(
                        body,
                        "      <error message=\"{}\" type=\"rule-error\">{}</error>",
                        xml(&msg),
                        xml(&at)
                    );
                }
                _ if !failing.is_empty() => {
                    failures += 1;
                    let first = failing[0];
                    let mut msg =
                        format!("[{}] {}", first.severity.as_str(), first.message.get(lang));
                    if failing.len() > 1 {
                        let _ = write!(msg, " (+{})", failing.len() - 1);
                    }
                    let text: Vec<String> =
                        failing.iter().map(|f| finding_line(e, f, lang)).collect();
                    let _ = writeln!(
                        body,
                        "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                        xml(&msg),
                        first.severity.as_str(),
                        xml(&text.join("\n"))
                    );
                }
                _ => {}
            }
            let other: Vec<String> = findings
                .iter()
                .filter(|f| !(f.stands() && f.severity <= Severity::Major))
                .map(|f| finding_line(e, f, lang))
                .collect();
            if !other.is_empty() {
                let _ = writeln!(
                    body,
                    "      <system-out>{}</system-out>",
                    xml(&other.join("\n"))
                );
            }
            if body.is_empty() {
                let _ = writeln!(cases, "    <testcase {attrs}/>");
            } else {
                let _ = write!(cases, "    <testcase {attrs}>\n{body}    </testcase>\n");
            }
        }
        let mut out = String::new();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\">",
            xml(&e.file),
            e.outcomes.len()
        );
        out.push_str("    <properties>\n");
        let props = [
            ("verdict", e.verdict.as_str()),
            ("scenario_id", e.scenario_id.as_str()),
            ("as_of", e.as_of.as_str()),
            ("as_of_source", e.as_of_source.as_str()),
            ("scenario_sha256", e.receipt.scenario_sha256.as_str()),
            ("rulebook_sha256", e.receipt.rulebook_sha256.as_str()),
        ];
        for (k, v) in props {
            let _ = writeln!(out, "      <property name=\"{k}\" value=\"{}\"/>", xml(v));
        }
        out.push_str("    </properties>\n");
        out.push_str(&cases);
        let summary = super::human::summary_line(e, lang);
        let _ = writeln!(out, "    <system-out>{}</system-out>", xml(&summary));
        out.push_str("  </testsuite>\n");
        out
    }

    fn invalid(&self, ctx: &RenderCtx<'_>, file: &str, problems: &Problems) -> String {
        let lines: Vec<String> = problems
            .0
            .iter()
            .map(|p| {
                let (f, line, col) = p.location().unwrap_or((file.to_string(), 1, 1));
                let help = p
                    .help
                    .as_deref()
                    .map(|h| format!(" ({h})"))
                    .unwrap_or_default();
                format!("{f}:{line}:{col} {}: {}{help}", p.code, p.message)
            })
            .collect();
        let first = problems.0.first();
        let msg = match (ctx.lang, problems.len()) {
            (Lang::Sv, n) => format!(
                "ogiltig scenariofil ({n} problem): {}",
                first.map(|p| p.message.as_str()).unwrap_or("")
            ),
            (Lang::En, n) => format!(
                "invalid scenario file ({n} problems): {}",
                first.map(|p| p.message.as_str()).unwrap_or("")
            ),
        };
        let line = first.and_then(|p| p.location()).map(|l| l.1).unwrap_or(1);
        let code = first
            .map(|p| p.code.as_str())
            .unwrap_or("granska::scenario");
        format!(
            "  <testsuite name=\"{f}\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">\n    <properties>\n      <property name=\"verdict\" value=\"INVALID\"/>\n    </properties>\n    <testcase classname=\"scenario\" name=\"valid\" file=\"{f}\" line=\"{line}\">\n      <error message=\"{}\" type=\"{}\">{}</error>\n    </testcase>\n  </testsuite>\n",
            xml(&msg),
            xml(code),
            xml(&lines.join("\n")),
            f = xml(file),
        )
    }

    fn end(&self, _ctx: &RenderCtx<'_>, _summary: &Summary) -> String {
        "</testsuites>\n".into()
    }
}

fn finding_line(e: &Evaluation, f: &Finding, lang: Lang) -> String {
    let waived = if f.stands() {
        ""
    } else if lang == Lang::Sv {
        " [undantagen]"
    } else {
        " [waived]"
    };
    format!(
        "{}:{}:{} [{}]{waived} {} {}: {}",
        e.file,
        f.line,
        f.column,
        f.severity.as_str(),
        f.rule,
        f.path,
        f.message.get(lang)
    )
}

/// Text for XML attributes and content: the five predefined entities escaped, line breaks and
/// tabs as character references (an attribute would otherwise turn them into spaces), and
/// characters XML 1.0 cannot hold (most control characters) replaced by U+FFFD.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::xml;

    #[test]
    fn xml_escapes_markup_and_drops_control_characters() {
        assert_eq!(
            xml("a<b>&\"c'\u{1}"),
            "a&lt;b&gt;&amp;&quot;c&apos;\u{FFFD}"
        );
        assert_eq!(xml("rad 1\nrad 2 – åäö"), "rad 1&#10;rad 2 – åäö");
    }
}
