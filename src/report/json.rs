//! `--format json`: the stable model of `report::model`, streamed as one JSON document.

use std::sync::OnceLock;

use super::{Render, RenderCtx, Summary, model};
use crate::diag::Problems;
use crate::eval::Evaluation;
use crate::scenario::LoadedScenario;

/// Rule texts serialised at `begin`, before any scenario (each worker then only copies them).
#[derive(Default)]
pub struct Json {
    texts: OnceLock<model::RuleTexts>,
}

impl Render for Json {
    fn begin(&self, ctx: &RenderCtx<'_>) -> String {
        self.texts
            .get_or_init(|| model::RuleTexts::new(ctx.rulebook));
        let tool = serde_json::to_string(&model::tool()).unwrap_or_default();
        let rulebook = serde_json::to_string(&model::rulebook(ctx.rulebook)).unwrap_or_default();
        format!(
            "{{\"schema\":\"{}\",\"tool\":{tool},\"rulebook\":{rulebook},\"results\":[",
            model::SCHEMA
        )
    }
    fn scenario(&self, ctx: &RenderCtx<'_>, _loaded: &LoadedScenario, e: &Evaluation) -> String {
        let texts = self.texts.get();
        serde_json::to_string(&model::evaluated(e, ctx.rulebook, texts)).unwrap_or_default()
    }
    fn invalid(&self, _ctx: &RenderCtx<'_>, file: &str, problems: &Problems) -> String {
        serde_json::to_string(&model::invalid(file, problems)).unwrap_or_default()
    }
    fn separator(&self) -> &'static str {
        ","
    }
    fn end(&self, _ctx: &RenderCtx<'_>, s: &Summary) -> String {
        let summary =
            serde_json::json!({ "files": s.files, "invalid": s.invalid, "verdicts": s.verdicts });
        format!("],\"summary\":{summary}}}\n")
    }
}
