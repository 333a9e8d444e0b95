//! `granska report`: a decision report for a steering group.

use super::ExitStatus;
use crate::cli::ReportArgs;
use crate::diag::{Problem, Problems};

pub fn run(_args: ReportArgs) -> Result<ExitStatus, Problems> {
    Err(Problem::new("granska::usage", "`report` is being built").into())
}
