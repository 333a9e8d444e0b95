//! Commands for rule and scenario authors: `schema`, `init`, `rules lint|doc|defs`.

use std::path::Path;

use super::ExitStatus;
use crate::cli::{InitArgs, SchemaArgs};
use crate::diag::{Problem, Problems};
use crate::rulebook::Rulebook;

fn pending(what: &str) -> Result<ExitStatus, Problems> {
    Err(Problem::new("granska::usage", format!("`{what}` is being built")).into())
}

pub fn schema(_args: SchemaArgs) -> Result<ExitStatus, Problems> {
    pending("schema")
}

pub fn init(_args: InitArgs) -> Result<ExitStatus, Problems> {
    pending("init")
}

pub fn lint(_rulebook: &Rulebook) -> Result<ExitStatus, Problems> {
    pending("rules lint")
}

pub fn doc(_rulebook: &Rulebook, _dir: &Path, _check: bool) -> Result<ExitStatus, Problems> {
    pending("rules doc")
}

pub fn defs(_rulebook: &Rulebook, _file: &Path, _check: bool) -> Result<ExitStatus, Problems> {
    pending("rules defs")
}
