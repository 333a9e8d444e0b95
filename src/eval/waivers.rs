//! Waivers are applied in one place, the same way for every rule: a waiver sets aside the
//! findings of a `waivable: true` rule while it is valid. A statute is never waived here;
//! the rulebook reports such attempts as findings of its own.

use super::outcome::{Finding, WaiverDecision, WaiverStatus};
use crate::rulebook::Rulebook;
use crate::scenario::LoadedScenario;

pub fn apply(
    loaded: &LoadedScenario,
    rulebook: &Rulebook,
    as_of: &str,
    findings: &mut [Finding],
) -> Vec<WaiverDecision> {
    let mut decisions = Vec::new();
    for (i, w) in loaded.scenario.waivers.iter().enumerate() {
        let path = format!("waivers[{i}]");
        let (line, _) = loaded.file.line_col(loaded.spans.label_span(&path).start);
        let rule = rulebook.rule(&w.rule);
        let status = match rule {
            Some(r) if !r.meta.waivable => WaiverStatus::RejectedStatutory,
            Some(r) if !r.meta.in_force.contains(as_of) => WaiverStatus::NotApplicable,
            _ if w.date.as_str() > as_of => WaiverStatus::RejectedNotYetDecided,
            _ if w.expires.as_str() < as_of => WaiverStatus::RejectedExpired,
            Some(_) => WaiverStatus::Applied,
            None => WaiverStatus::NotApplicable,
        };
        let mut waived = 0;
        if status == WaiverStatus::Applied {
            for f in findings
                .iter_mut()
                .filter(|f| f.rule == w.rule && f.waived_by.is_none())
            {
                f.waived_by = Some(decisions.len());
                waived += 1;
            }
        }
        decisions.push(WaiverDecision {
            rule: w.rule.clone(),
            path,
            line,
            status,
            reason: w.reason.clone(),
            decided_by: w.decided_by.clone(),
            date: w.date.clone(),
            expires: w.expires.clone(),
            findings_waived: waived,
        });
    }
    decisions
}
