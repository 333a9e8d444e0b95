//! granska checks a proposal to outsource public-sector IT in Sweden against the law in force
//! on its decision date.
//!
//! Data flows one way:
//! `cli → app → {scenario, rulebook} → eval → explain → report`, with `source`, `lang`,
//! `diag` and `schemacheck` as leaves that serve every module. The engine knows no law: all
//! legal knowledge is in the rulebook (`rules/`), which is embedded in the binary.

// A `Problem` carries a whole located diagnostic (message, help, file, span). Errors are
// rare and never on a hot path, so returning it by value is clearer than boxing it.
#![allow(clippy::result_large_err)]

pub mod app;
pub mod cli;
pub mod date;
pub mod diag;
pub mod eval;
pub mod explain;
pub mod lang;
pub mod report;
pub mod rulebook;
pub mod ruletest;
pub mod scenario;
pub mod schemacheck;
pub mod source;
