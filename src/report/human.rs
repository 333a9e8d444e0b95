//! Human output: each finding as a miette diagnostic on the scenario's own line, then a
//! summary per file.

use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, Severity as MSeverity, SourceCode};

use super::RenderCtx;
use crate::eval::outcome::WaiverStatus;
use crate::eval::{Evaluation, Finding, FindingKind, Verdict};
use crate::lang::Lang;
use crate::rulebook::Severity;
use crate::scenario::LoadedScenario;
use crate::source::{SourceFile, Span};

struct FindingDiag {
    headline: String,
    code: String,
    severity: MSeverity,
    file: Arc<SourceFile>,
    span: Span,
    label: String,
    help: Option<String>,
}

impl fmt::Debug for FindingDiag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline)
    }
}
impl fmt::Display for FindingDiag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline)
    }
}
impl std::error::Error for FindingDiag {}
impl Diagnostic for FindingDiag {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }
    fn severity(&self) -> Option<MSeverity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&*self.file as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(self.label.clone()),
            self.span,
        ))))
    }
}

pub fn severity_word(s: Severity, lang: Lang) -> &'static str {
    match (s, lang) {
        (Severity::Blocker, Lang::Sv) => "hinder",
        (Severity::Major, Lang::Sv) => "villkor",
        (Severity::Minor, Lang::Sv) => "brist",
        (Severity::Info, Lang::Sv) => "info",
        (Severity::Blocker, Lang::En) => "blocker",
        (Severity::Major, Lang::En) => "major",
        (Severity::Minor, Lang::En) => "minor",
        (Severity::Info, Lang::En) => "info",
    }
}

/// One finding as the diagnostic a user sees.
pub fn finding(ctx: &RenderCtx<'_>, loaded: &LoadedScenario, f: &Finding, as_of: &str) -> String {
    let lang = ctx.lang;
    let rule = ctx.rulebook.rule(&f.rule);
    let title = rule
        .map(|r| r.meta.title.get(lang).to_string())
        .unwrap_or_default();
    let mut help = Vec::new();
    if let Some(q) = &f.question {
        help.push(match lang {
            Lang::Sv => format!(
                "Fråga att bedöma: {} (registrera svaret under `assessments:` med rule: {})",
                q.sv, f.rule
            ),
            Lang::En => format!(
                "Question to assess: {} (record the answer under `assessments:` with rule: {})",
                q.en, f.rule
            ),
        });
    }
    if let Some(h) = rule.and_then(|r| r.meta.help.as_ref()) {
        help.push(h.get(lang).to_string());
    }
    if let Some(r) = rule {
        let cites: Vec<String> = r
            .meta
            .citations_on(as_of)
            .iter()
            .map(|c| c.short())
            .collect();
        // Recommendations are not law: name them as a source, not as "lagrum".
        let label = match (r.meta.waivable, lang) {
            (false, Lang::Sv) => "Lagrum",
            (false, Lang::En) => "Law",
            (true, Lang::Sv) => "Källa",
            (true, Lang::En) => "Source",
        };
        help.push(format!("{label}: {}", cites.join("; ")));
    }
    let kind = match (f.kind, lang) {
        (FindingKind::Violation, _) => String::new(),
        (FindingKind::Missing, Lang::Sv) => " (uppgift saknas)".into(),
        (FindingKind::Missing, Lang::En) => " (not stated)".into(),
        (FindingKind::Assessment, Lang::Sv) => " (kräver bedömning)".into(),
        (FindingKind::Assessment, Lang::En) => " (needs assessment)".into(),
    };
    let waived = if f.stands() {
        ""
    } else if lang == Lang::Sv {
        " [undantagen]"
    } else {
        " [waived]"
    };
    let diag = FindingDiag {
        headline: format!(
            "[{}{kind}]{waived} {}",
            severity_word(f.severity, lang),
            f.message.get(lang)
        ),
        code: f.rule.clone(),
        severity: match f.severity {
            Severity::Blocker | Severity::Major => MSeverity::Error,
            Severity::Minor => MSeverity::Warning,
            Severity::Info => MSeverity::Advice,
        },
        file: loaded.file.clone(),
        span: loaded.spans.label_span(&f.path),
        label: title,
        help: Some(help.join("\n")),
    };
    let mut out = String::new();
    let _ = crate::diag::report_handler(ctx.color).render_report(&mut out, &diag);
    out
}

pub fn verdict_word(v: Verdict, lang: Lang) -> &'static str {
    match (v, lang) {
        (Verdict::Blocked, Lang::Sv) => "STOPP (BLOCKED)",
        (Verdict::Conditional, Lang::Sv) => "VILLKORAT (CONDITIONAL)",
        (Verdict::Clear, Lang::Sv) => "KLART (CLEAR)",
        (Verdict::Incomplete, Lang::Sv) => "OFULLSTÄNDIG (INCOMPLETE)",
        (v, Lang::En) => v.as_str(),
    }
}

/// Findings, rule errors, waivers and the one-line summary for one scenario.
pub fn evaluation(ctx: &RenderCtx<'_>, loaded: &LoadedScenario, e: &Evaluation) -> String {
    let lang = ctx.lang;
    let mut out = String::new();
    for f in &e.findings {
        out.push_str(&finding(ctx, loaded, f, &e.as_of));
    }
    for (o, err) in e.errors() {
        out.push_str(&match lang {
            Lang::Sv => format!(
                "  ✗ regeln {} kunde inte utvärderas: {} ({}:{}:{})\n",
                o.rule, err.message, err.file, err.line, err.column
            ),
            Lang::En => format!(
                "  ✗ rule {} failed to evaluate: {} ({}:{}:{})\n",
                o.rule, err.message, err.file, err.line, err.column
            ),
        });
    }
    for w in &e.waivers {
        let what = match (w.status, lang) {
            (WaiverStatus::Applied, Lang::Sv) => {
                format!("undantag tillämpat ({} fynd)", w.findings_waived)
            }
            (WaiverStatus::Applied, Lang::En) => {
                format!("waiver applied ({} findings)", w.findings_waived)
            }
            (WaiverStatus::RejectedStatutory, Lang::Sv) => {
                "undantag utan verkan: lagkrav kan inte undantas".into()
            }
            (WaiverStatus::RejectedStatutory, Lang::En) => {
                "waiver has no effect: a statute cannot be waived".into()
            }
            (WaiverStatus::RejectedExpired, Lang::Sv) => {
                format!("undantaget löpte ut {}", w.expires)
            }
            (WaiverStatus::RejectedExpired, Lang::En) => format!("waiver expired {}", w.expires),
            (WaiverStatus::RejectedNotYetDecided, Lang::Sv) => {
                format!("undantaget beslutades först {}", w.date)
            }
            (WaiverStatus::RejectedNotYetDecided, Lang::En) => {
                format!("waiver was only decided {}", w.date)
            }
            (WaiverStatus::NotApplicable, Lang::Sv) => {
                "undantaget avser en regel som inte gäller detta datum".into()
            }
            (WaiverStatus::NotApplicable, Lang::En) => {
                "waiver concerns a rule not in force on this date".into()
            }
        };
        out.push_str(&format!(
            "  • {}:{} {} {}: {what}\n",
            e.file,
            w.line,
            if lang == Lang::Sv {
                "undantag"
            } else {
                "waiver"
            },
            w.rule
        ));
    }
    out.push_str(&summary_line(e, lang));
    out.push('\n');
    out
}

pub fn summary_line(e: &Evaluation, lang: Lang) -> String {
    let c = super::model::counts(e);
    let law = match lang {
        Lang::Sv => format!("gällande rätt {} ({})", e.as_of, e.as_of_source),
        Lang::En => format!("law as of {} ({})", e.as_of, e.as_of_source),
    };
    let counts = match lang {
        Lang::Sv => format!(
            "{} hinder, {} villkor, {} brister, {} info",
            c.blocker, c.major, c.minor, c.info
        ),
        Lang::En => format!(
            "{} blockers, {} major, {} minor, {} info",
            c.blocker, c.major, c.minor, c.info
        ),
    };
    let waived = if c.waived > 0 {
        format!(
            ", {} {}",
            c.waived,
            if lang == Lang::Sv {
                "undantagna"
            } else {
                "waived"
            }
        )
    } else {
        String::new()
    };
    let errors = e.errors().count();
    let errors = if errors > 0 {
        format!(
            ", {errors} {}",
            if lang == Lang::Sv {
                "regelfel"
            } else {
                "rule errors"
            }
        )
    } else {
        String::new()
    };
    format!(
        "{}: {} — {counts}{waived}{errors}; {law}",
        e.file,
        verdict_word(e.verdict, lang)
    )
}

/// `--format human`.
pub struct Human;

impl super::Render for Human {
    fn scenario(&self, ctx: &RenderCtx<'_>, loaded: &LoadedScenario, e: &Evaluation) -> String {
        evaluation(ctx, loaded, e)
    }
    fn invalid(
        &self,
        ctx: &RenderCtx<'_>,
        _file: &str,
        problems: &crate::diag::Problems,
    ) -> String {
        crate::diag::render_problems(problems, ctx.color)
    }
    fn end(&self, ctx: &RenderCtx<'_>, s: &super::Summary) -> String {
        if s.files < 2 {
            return String::new();
        }
        let parts: Vec<String> = s.verdicts.iter().map(|(k, v)| format!("{v} {k}")).collect();
        let (files, invalid) = if ctx.lang == Lang::Sv {
            ("scenarier", "ogiltiga")
        } else {
            ("scenarios", "invalid")
        };
        let bad = if s.invalid > 0 {
            format!(", {} {invalid}", s.invalid)
        } else {
            String::new()
        };
        format!("\n{} {files}: {}{bad}\n", s.files, parts.join(", "))
    }
    fn is_human(&self) -> bool {
        true
    }
}
