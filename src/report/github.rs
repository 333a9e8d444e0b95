//! `--format github`: GitHub Actions workflow commands, so each standing finding shows as an
//! annotation on its line of the scenario in a pull request:
//! `::error file=F,line=L,col=C,title=RULE::message` (blocker and major), `::warning` (minor),
//! `::notice` (info), then one `::notice` per scenario with its verdict. Waived findings are
//! left out (they do not count). Values are escaped as GitHub's toolkit does.

use std::fmt::Write as _;

use super::{Render, RenderCtx};
use crate::diag::Problems;
use crate::eval::Evaluation;
use crate::lang::Lang;
use crate::rulebook::Severity;
use crate::scenario::LoadedScenario;

pub struct Github;

impl Render for Github {
    fn scenario(&self, ctx: &RenderCtx<'_>, _loaded: &LoadedScenario, e: &Evaluation) -> String {
        let lang = ctx.lang;
        let mut out = String::new();
        for f in e.standing() {
            let command = match f.severity {
                Severity::Blocker | Severity::Major => "error",
                Severity::Minor => "warning",
                Severity::Info => "notice",
            };
            let mut message = format!(
                "[{}] {}",
                super::human::severity_word(f.severity, lang),
                f.message.get(lang)
            );
            if let Some(q) = &f.question {
                let label = if lang == Lang::Sv {
                    "Fråga att bedöma"
                } else {
                    "Question to assess"
                };
                let _ = write!(message, "\n{label}: {}", q.get(lang));
            }
            if let Some(rule) = ctx.rulebook.rule(&f.rule) {
                let cites: Vec<String> = rule
                    .meta
                    .citations_on(&e.as_of)
                    .iter()
                    .map(|c| c.short())
                    .collect();
                let _ = write!(
                    message,
                    "\n{}: {}",
                    if lang == Lang::Sv { "Lagrum" } else { "Law" },
                    cites.join("; ")
                );
            }
            out.push_str(&annotation(
                command, &e.file, f.line, f.column, &f.rule, &message,
            ));
        }
        for (o, err) in e.errors() {
            let message = match lang {
                Lang::Sv => format!(
                    "Regeln {} kunde inte utvärderas: {} ({}:{}:{})",
                    o.rule, err.message, err.file, err.line, err.column
                ),
                Lang::En => format!(
                    "Rule {} failed to evaluate: {} ({}:{}:{})",
                    o.rule, err.message, err.file, err.line, err.column
                ),
            };
            out.push_str(&annotation("error", &e.file, 1, 1, &o.rule, &message));
        }
        let title = format!("granska: {}", e.verdict.as_str());
        out.push_str(&annotation(
            "notice",
            &e.file,
            1,
            1,
            &title,
            &super::human::summary_line(e, lang),
        ));
        out
    }

    fn invalid(&self, _ctx: &RenderCtx<'_>, file: &str, problems: &Problems) -> String {
        let mut out = String::new();
        for p in &problems.0 {
            let (f, line, col) = p.location().unwrap_or((file.to_string(), 1, 1));
            let mut message = p.message.clone();
            if let Some(h) = &p.help {
                let _ = write!(message, "\n{h}");
            }
            out.push_str(&annotation("error", &f, line, col, &p.code, &message));
        }
        out
    }
}

/// One workflow command line.
pub fn annotation(
    command: &str,
    file: &str,
    line: usize,
    col: usize,
    title: &str,
    message: &str,
) -> String {
    format!(
        "::{command} file={},line={},col={},title={}::{}\n",
        property(&super::sarif::relative_path(file)),
        line.max(1),
        col.max(1),
        property(title),
        data(message)
    )
}

/// The message part: `%`, CR and LF are escaped (actions/toolkit `escapeData`).
pub fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A `key=value` property: also `:` and `,` (actions/toolkit `escapeProperty`).
pub fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(data("100% a\r\nb: c, d"), "100%25 a%0D%0Ab: c, d");
        assert_eq!(property("granska: BLOCKED, 2"), "granska%3A BLOCKED%2C 2");
        assert_eq!(
            annotation("error", "a,b.yaml", 3, 5, "R-1", "x\ny"),
            "::error file=a%2Cb.yaml,line=3,col=5,title=R-1::x%0Ay\n"
        );
    }
}
