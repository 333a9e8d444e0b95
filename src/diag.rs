//! Input problems as miette diagnostics: a code, a message, the file and the exact span,
//! help text. Every loader collects all of its problems before it returns them.

use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, Severity, SourceCode};

use crate::source::{SourceFile, Span};

/// One problem with an input file (scenario, rule, test case, data file).
#[derive(Debug, Clone)]
pub struct Problem {
    pub code: String,
    pub message: String,
    pub help: Option<String>,
    pub file: Option<Arc<SourceFile>>,
    pub span: Option<Span>,
    pub label: Option<String>,
}

impl Problem {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            code: code.into(),
            message: message.into(),
            help: None,
            file: None,
            span: None,
            label: None,
        }
    }

    pub fn at(mut self, file: &Arc<SourceFile>, span: Span) -> Self {
        self.file = Some(file.clone());
        self.span = Some(span);
        self
    }

    pub fn in_file(mut self, file: &Arc<SourceFile>) -> Self {
        self.file = Some(file.clone());
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `file:line:column` for one-line output (JSON, CI annotations, tests).
    pub fn location(&self) -> Option<(String, usize, usize)> {
        let file = self.file.as_ref()?;
        let (line, col) = self.span.map(|s| file.line_col(s.start)).unwrap_or((1, 1));
        Some((file.name.clone(), line, col))
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Problem {}

impl Diagnostic for Problem {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<Severity> {
        Some(Severity::Error)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.file.as_ref().map(|f| &**f as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span?;
        let label = LabeledSpan::new_with_span(self.label.clone(), span);
        Some(Box::new(std::iter::once(label)))
    }
}

/// All the problems found in one run of a loader, reported together.
#[derive(Debug, Clone, Default)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    pub fn push(&mut self, p: Problem) {
        self.0.push(p);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn into_result<T>(self, ok: T) -> Result<T, Problems> {
        if self.0.is_empty() { Ok(ok) } else { Err(self) }
    }
    pub fn extend(&mut self, other: Problems) {
        self.0.extend(other.0);
    }
}

impl From<Problem> for Problems {
    fn from(p: Problem) -> Self {
        Problems(vec![p])
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.len() {
            1 => write!(f, "{}", self.0[0]),
            n => write!(f, "{n} problems"),
        }
    }
}

impl std::error::Error for Problems {}

/// Suggest the closest of `candidates` to a misspelt `word`, if it is close enough.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// How every diagnostic and finding is drawn in human output.
pub fn report_handler(color: bool) -> miette::GraphicalReportHandler {
    miette::GraphicalReportHandler::new_themed(if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    })
    .with_width(100)
    // Break lines at spaces only: the Unicode line-break tables cost a pre-commit run
    // more than evaluating the scenario.
    .with_word_separator(textwrap::WordSeparator::AsciiSpace)
}

/// Render problems as miette reports to a string (used by the human output and tests).
pub fn render_problems(problems: &Problems, color: bool) -> String {
    let handler = report_handler(color);
    let mut out = String::new();
    for p in &problems.0 {
        let named = NamedProblem(p);
        let _ = handler.render_report(&mut out, &named);
    }
    out
}

/// Wraps a problem so miette shows the file name above the snippet.
struct NamedProblem<'a>(&'a Problem);

impl fmt::Debug for NamedProblem<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0, f)
    }
}
impl fmt::Display for NamedProblem<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.0.location(), self.0.span) {
            (Some(_), Some(_)) => write!(f, "{}", self.0.message),
            (Some((file, _, _)), None) => write!(f, "{file}: {}", self.0.message),
            _ => write!(f, "{}", self.0.message),
        }
    }
}
impl std::error::Error for NamedProblem<'_> {}
impl Diagnostic for NamedProblem<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.0.code()
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.0.help()
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.0.source_code()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.0.labels()
    }
}
