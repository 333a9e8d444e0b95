//! Every way a run can end, and its exit code (DESIGN.md).

use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitStatus {
    /// Nothing at or above `--fail-on`.
    Clear = 0,
    /// Findings at or above `--fail-on`.
    Findings = 1,
    /// Evaluation incomplete: a rule failed.
    Incomplete = 3,
    /// Invalid input, rules or usage.
    InvalidInput = 2,
}

impl ExitStatus {
    /// The more serious of two: invalid input beats incomplete beats findings beats clear.
    pub fn worst(self, other: ExitStatus) -> ExitStatus {
        let rank = |s: ExitStatus| match s {
            ExitStatus::Clear => 0,
            ExitStatus::Findings => 1,
            ExitStatus::Incomplete => 2,
            ExitStatus::InvalidInput => 3,
        };
        if rank(other) > rank(self) {
            other
        } else {
            self
        }
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(s: ExitStatus) -> ExitCode {
        ExitCode::from(s as u8)
    }
}
