//! What an evaluation produces: findings, rule outcomes, facts, waiver decisions and the
//! verdict. Plain data; the JSON model in `report` is built from it.

use serde::Serialize;

use crate::lang::Text;
use crate::rulebook::Severity;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "UPPERCASE")]
pub enum Verdict {
    Blocked,
    Conditional,
    Clear,
    /// A rule in force failed to evaluate: no verdict can be trusted.
    Incomplete,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Blocked => "BLOCKED",
            Verdict::Conditional => "CONDITIONAL",
            Verdict::Clear => "CLEAR",
            Verdict::Incomplete => "INCOMPLETE",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum FindingKind {
    /// The proposal breaks a requirement.
    Violation,
    /// A fact the requirement turns on is not stated.
    Missing,
    /// A legal judgement is needed; record it under `assessments:`.
    Assessment,
}

impl FindingKind {
    pub fn parse(s: &str) -> Option<FindingKind> {
        match s {
            "violation" => Some(FindingKind::Violation),
            "missing" => Some(FindingKind::Missing),
            "assessment" => Some(FindingKind::Assessment),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Violation => "violation",
            FindingKind::Missing => "missing",
            FindingKind::Assessment => "assessment",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub kind: FindingKind,
    pub message: Text,
    /// The question to answer, for `assessment` findings.
    pub question: Option<Text>,
    /// Scenario path, e.g. `suppliers[0].subcontractors[1].access[0]`.
    pub path: String,
    pub line: usize,
    pub column: usize,
    /// Facts and rule ids this finding rests on.
    pub because: Vec<String>,
    /// The asset or party it is about.
    pub subject: Option<String>,
    /// Index into `Evaluation::waivers` of the waiver that set it aside.
    pub waived_by: Option<usize>,
}

impl Finding {
    /// Whether it counts towards the verdict.
    pub fn stands(&self) -> bool {
        self.waived_by.is_none()
    }
    pub fn sort_key(&self) -> (Severity, &str, &str, &str) {
        (self.severity, &self.rule, &self.path, &self.message.en)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleStatus {
    NotInForce,
    Passed,
    Fired,
    Errored,
}

/// Where a rule failed: message and script position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleError {
    pub message: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleOutcome {
    pub rule: String,
    pub status: RuleStatus,
    pub error: Option<RuleError>,
    /// Time the rule took; never serialized (output must be byte-identical across runs).
    #[serde(skip)]
    pub micros: u64,
    /// Rhai operations the rule ran: its cost, the same on every machine (`--timings`).
    #[serde(skip)]
    pub operations: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FactValue {
    pub name: String,
    /// Asset or party id, or "" for the scenario.
    pub subject: String,
    /// `None` = unknown.
    pub value: Option<bool>,
    pub derived_by: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WaiverStatus {
    /// Set aside the findings of a waivable rule.
    Applied,
    /// A statute cannot be waived: the findings stand (and a rule reports the attempt).
    RejectedStatutory,
    RejectedExpired,
    /// Decided after the date the law is applied as of.
    RejectedNotYetDecided,
    /// The rule is not in force on the evaluation date, so there was nothing to waive.
    NotApplicable,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaiverDecision {
    pub rule: String,
    pub path: String,
    pub line: usize,
    pub status: WaiverStatus,
    pub reason: String,
    pub decided_by: String,
    pub date: String,
    pub expires: String,
    pub findings_waived: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Receipt {
    pub tool: String,
    pub version: String,
    pub as_of: String,
    pub scenario_sha256: String,
    pub rulebook_sha256: String,
    /// The same list for every scenario of a run, shared rather than copied.
    pub rule_files: std::sync::Arc<[FileHash]>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileHash {
    pub file: String,
    pub sha256: String,
}

/// One scenario judged under the law of one date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub file: String,
    pub scenario_id: String,
    pub title: Option<String>,
    pub as_of: String,
    /// `decision.date` or `--as-of`.
    pub as_of_source: String,
    pub verdict: Verdict,
    /// Sorted by severity, rule id, path.
    pub findings: Vec<Finding>,
    pub outcomes: Vec<RuleOutcome>,
    pub facts: Vec<FactValue>,
    pub waivers: Vec<WaiverDecision>,
    pub receipt: Receipt,
}

impl Evaluation {
    pub fn standing(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.stands())
    }
    pub fn count(&self, severity: Severity) -> usize {
        self.standing().filter(|f| f.severity == severity).count()
    }
    pub fn errors(&self) -> impl Iterator<Item = (&RuleOutcome, &RuleError)> {
        self.outcomes
            .iter()
            .filter_map(|o| o.error.as_ref().map(|e| (o, e)))
    }
}

/// BLOCKED if a blocker stands; else CONDITIONAL if a major stands; else CLEAR;
/// INCOMPLETE overrides all when a rule in force failed.
pub fn verdict_of(findings: &[Finding], any_rule_failed: bool) -> Verdict {
    if any_rule_failed {
        return Verdict::Incomplete;
    }
    let standing = || findings.iter().filter(|f| f.stands());
    if standing().any(|f| f.severity == Severity::Blocker) {
        Verdict::Blocked
    } else if standing().any(|f| f.severity == Severity::Major) {
        Verdict::Conditional
    } else {
        Verdict::Clear
    }
}
