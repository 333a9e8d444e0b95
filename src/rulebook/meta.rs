//! Rule metadata: the YAML block in a rule file's `//!` lines, read without running the
//! script, validated with spans that point into the `.rhai` file.

use std::sync::{Arc, OnceLock};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diag::{Problem, Problems};
use crate::lang::Text;
use crate::scenario::parse::{TopLevel, parse_yaml};
use crate::schemacheck::Checker;
use crate::source::SourceFile;

/// How much a finding weighs in the verdict.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    JsonSchema,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A legal obstacle: the decision cannot be taken as proposed.
    Blocker,
    /// Must be done before the decision takes effect.
    Major,
    /// Should be done.
    Minor,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Blocker => "blocker",
            Severity::Major => "major",
            Severity::Minor => "minor",
            Severity::Info => "info",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "blocker" => Some(Severity::Blocker),
            "major" => Some(Severity::Major),
            "minor" => Some(Severity::Minor),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InForce {
    /// First day the rule applies (YYYY-MM-DD).
    #[schemars(pattern(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub from: String,
    /// Last day the rule applies, inclusive; left out while in force.
    #[schemars(pattern(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub to: Option<String>,
}

impl InForce {
    pub fn contains(&self, date: &str) -> bool {
        self.from.as_str() <= date && self.to.as_deref().is_none_or(|to| date <= to)
    }
    pub fn overlaps(&self, other: &InForce) -> bool {
        let end_a = self.to.as_deref().unwrap_or("9999-12-31");
        let end_b = other.to.as_deref().unwrap_or("9999-12-31");
        self.from.as_str() <= end_b && other.from.as_str() <= end_a
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Citation {
    /// SFS number or EU act, e.g. "2018:585" or "(EU) 2016/679", or a publication.
    pub act: String,
    /// Chapter/article and section, e.g. "4 kap. 1 §" or "art. 28.3".
    #[serde(rename = "ref")]
    pub reference: String,
    pub title: Option<String>,
    pub url: Option<String>,
    /// The section could not be confirmed in the statute text (see `note`).
    #[serde(default)]
    pub unverified: bool,
    pub note: Option<String>,
    /// The part of the rule's period this citation applies to, when a rule spans two acts
    /// (e.g. 1996:627 until 2019-03-31, 2018:585 from 2019-04-01); left out = the whole period.
    pub in_force: Option<InForce>,
}

impl Citation {
    pub fn short(&self) -> String {
        let mut s = format!("{} {}", self.reference, self.act);
        if let Some(t) = &self.title {
            s = format!("{} ({t})", s);
        }
        if self.unverified {
            s.push_str(" [unverified]");
        }
        s
    }

    /// Whether the citation applies on `date`: it has no period of its own, or that period
    /// contains the date.
    pub fn applies_on(&self, date: &str) -> bool {
        self.in_force.as_ref().is_none_or(|p| p.contains(date))
    }
}

impl RuleMeta {
    /// The citations that apply on `date`: those without their own period, and those whose
    /// period contains it. A finding judged in 2015 cites the law of 2015.
    pub fn citations_on(&self, date: &str) -> Vec<&Citation> {
        self.citations
            .iter()
            .filter(|c| c.applies_on(date))
            .collect()
    }
}

/// Everything the engine and the catalogue know about a rule without running it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleMeta {
    #[schemars(pattern(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$"))]
    pub id: String,
    pub title: Text,
    pub severity: Severity,
    /// Only recommendations; a statute is never waivable.
    pub waivable: bool,
    pub in_force: InForce,
    /// Versions of one requirement share this key and must not overlap in time.
    pub requirement: Option<String>,
    #[schemars(length(min = 1))]
    pub citations: Vec<Citation>,
    #[serde(default)]
    pub needs: Vec<String>,
    #[serde(default)]
    pub derives: Vec<String>,
    /// What to do about a finding.
    pub help: Option<Text>,
    /// Reviewer notes: doubts, sources, UNVERIFIED points.
    pub note: Option<String>,
}

fn checker() -> &'static Checker {
    static C: OnceLock<Checker> = OnceLock::new();
    C.get_or_init(|| {
        Checker::for_type::<RuleMeta>(
            "granska::rule",
            "https://granska.se/schema/rule-meta-v1.json",
        )
    })
}

/// The metadata header of a rule file, and where it ends.
pub struct Header {
    pub meta: RuleMeta,
    pub spans: crate::scenario::SpanIndex,
}

/// Read the `//!` block. The YAML is parsed from a copy of the file in which `//!` became
/// three spaces and everything after the block is cut, so every byte offset the YAML parser
/// reports is also the offset in the `.rhai` file.
pub fn read_header(file: &Arc<SourceFile>) -> Result<Header, Problems> {
    let mut yaml = String::with_capacity(file.text.len());
    for line in file.text.split_inclusive('\n') {
        match line.strip_prefix("//!") {
            Some(rest) => {
                yaml.push_str("   ");
                yaml.push_str(rest);
            }
            None if line.trim().is_empty() && yaml.trim().is_empty() => yaml.push_str(line),
            None => break,
        }
    }
    if yaml.trim().is_empty() {
        return Err(Problem::new("granska::rule::meta", format!("{} has no metadata block", file.name))
            .at(file, crate::source::Span::new(0, 1))
            .label("expected `//! id: …` lines here")
            .help("start the file with `//! id: AREA-NAME`, `//! title:`, `//! severity:` … (see rules/README.md)")
            .into());
    }
    let header_file = Arc::new(SourceFile::new(file.name.clone(), file.path.clone(), yaml));
    let (value, spans) =
        parse_yaml(&header_file, TopLevel::Mapping).map_err(|ps| rebase(ps, file))?;
    let problems = checker().check(&header_file, &value, &spans);
    if !problems.is_empty() {
        return Err(rebase(problems, file));
    }
    let meta: RuleMeta = serde_json::from_value(value).map_err(|e| {
        Problems::from(
            Problem::new("granska::rule::meta", format!("invalid metadata: {e}")).in_file(file),
        )
    })?;
    let mut problems = Problems::default();
    for (path, date) in [
        ("in_force.from", Some(&meta.in_force.from)),
        ("in_force.to", meta.in_force.to.as_ref()),
    ] {
        if let Some(d) = date
            && crate::date::parse_iso(d).is_none()
        {
            problems.push(
                Problem::new(
                    "granska::rule::date",
                    format!("`{d}` is not a calendar date"),
                )
                .at(file, spans.label_span(path))
                .label("no such day"),
            );
        }
    }
    if let Some(to) = &meta.in_force.to
        && to < &meta.in_force.from
    {
        problems.push(
            Problem::new(
                "granska::rule::date",
                "the rule stops being in force before it starts",
            )
            .at(file, spans.label_span("in_force.to"))
            .label("earlier than `from`"),
        );
    }
    problems.into_result(Header { meta, spans })
}

/// Problems found in the header copy point into the real file (same byte offsets).
fn rebase(problems: Problems, file: &Arc<SourceFile>) -> Problems {
    Problems(
        problems
            .0
            .into_iter()
            .map(|mut p| {
                if p.file.is_some() {
                    p.file = Some(file.clone());
                }
                p
            })
            .collect(),
    )
}
