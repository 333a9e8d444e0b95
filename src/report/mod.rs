//! Output formats for `check`. Each format is one file implementing [`Render`]; they render
//! evaluations and never evaluate anything. `check` streams: `begin`, then one piece per
//! scenario (rendered in parallel, written in input order), then `end`.

pub mod catalogue;
pub mod github;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod memo;
pub mod model;
pub mod sarif;
pub mod svg;

use std::collections::BTreeMap;

use crate::diag::Problems;
use crate::eval::Evaluation;
use crate::lang::Lang;
use crate::rulebook::Rulebook;
use crate::scenario::LoadedScenario;

/// What every renderer may use.
pub struct RenderCtx<'a> {
    pub rulebook: &'a Rulebook,
    pub lang: Lang,
    pub color: bool,
}

/// Totals across all files of one run.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub files: usize,
    pub invalid: usize,
    pub verdicts: BTreeMap<&'static str, usize>,
    /// Each file in input order with its verdict (`None`: invalid).
    pub scenarios: Vec<(String, Option<&'static str>)>,
}

/// The formats of `check --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Diagnostics on the scenario's own lines, for people.
    Human,
    /// The stable JSON model (granska/check/v1).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// JUnit XML: a test suite per scenario, a test case per rule.
    Junit,
    /// GitHub Actions annotations on the scenario's lines, and each verdict.
    Github,
    /// A decision memo per scenario, to paste into a pull request or a document.
    Markdown,
}

/// One output format. Non-empty pieces are joined with `separator()`.
pub trait Render: Sync {
    fn begin(&self, _ctx: &RenderCtx<'_>) -> String {
        String::new()
    }
    fn scenario(
        &self,
        ctx: &RenderCtx<'_>,
        loaded: &LoadedScenario,
        evaluation: &Evaluation,
    ) -> String;
    /// [`Render::scenario`] as the bytes written: a renderer that produces bytes (JSON) need
    /// not check them as UTF-8 to make a `String` only to write it out again.
    fn scenario_bytes(
        &self,
        ctx: &RenderCtx<'_>,
        loaded: &LoadedScenario,
        evaluation: &Evaluation,
    ) -> Vec<u8> {
        self.scenario(ctx, loaded, evaluation).into_bytes()
    }
    fn invalid(&self, ctx: &RenderCtx<'_>, file: &str, problems: &Problems) -> String;
    fn separator(&self) -> &'static str {
        ""
    }
    fn end(&self, _ctx: &RenderCtx<'_>, _summary: &Summary) -> String {
        String::new()
    }
    /// Whether this is for people at a terminal (progress bar, colour).
    fn is_human(&self) -> bool {
        false
    }
}

pub fn renderer(format: Format) -> Box<dyn Render> {
    match format {
        Format::Human => Box::new(human::Human),
        Format::Json => Box::new(json::Json::default()),
        Format::Sarif => Box::new(sarif::Sarif),
        Format::Junit => Box::new(junit::Junit),
        Format::Github => Box::new(github::Github),
        Format::Markdown => Box::new(markdown::Markdown),
    }
}
