//! `--format json`: the stable model of `report::model`, streamed as one JSON document.

use std::cell::Cell;
use std::sync::OnceLock;

use super::{Render, RenderCtx, Summary, model};
use crate::diag::Problems;
use crate::eval::Evaluation;
use crate::scenario::LoadedScenario;

thread_local! {
    /// The length of this worker's longest scenario in JSON so far.
    static LONGEST: Cell<usize> = const { Cell::new(0) };
}

/// A scenario's JSON runs to hundreds of kilobytes (every finding in both languages). Grown
/// from serde_json's 128 bytes it was copied ~12 times on the way, and sized by the worker's
/// previous scenario it was still copied whenever the next one was longer (~1 in 3). A buffer
/// the size of the longest so far and an eighth more is nearly always copied never; the part
/// not written is never touched, so it takes address space, not memory.
fn expected_len() -> usize {
    let longest = LONGEST.get();
    (longest + longest / 8).max(4096)
}

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
    fn scenario(&self, ctx: &RenderCtx<'_>, loaded: &LoadedScenario, e: &Evaluation) -> String {
        String::from_utf8(self.scenario_bytes(ctx, loaded, e)).unwrap_or_default()
    }
    fn scenario_bytes(
        &self,
        ctx: &RenderCtx<'_>,
        _loaded: &LoadedScenario,
        e: &Evaluation,
    ) -> Vec<u8> {
        let texts = self.texts.get();
        let mut out = Vec::with_capacity(expected_len());
        if serde_json::to_writer(&mut out, &model::evaluated(e, ctx.rulebook, texts)).is_err() {
            return Vec::new();
        }
        LONGEST.set(LONGEST.get().max(out.len()));
        out
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
