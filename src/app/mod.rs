//! Glue per subcommand: resolves arguments into a rulebook, dates and outputs, and owns the
//! process's stdout, stderr and environment. Everything below `app` is pure.

pub mod authoring;
pub mod check;
pub mod diff;
pub mod exit;
pub mod explain;
mod ordered;
pub mod report;
pub mod rules;

use std::io::IsTerminal;
use std::sync::Arc;

pub use exit::ExitStatus;

use crate::cli::{Cli, Command, RuleArgs};
use crate::diag::{Problem, Problems, render_problems};
use crate::rulebook::{Rulebook, Tree};

pub fn run(cli: Cli) -> ExitStatus {
    let result = match cli.command {
        Command::Check(args) => check::run(args),
        Command::Explain(args) => explain::run_explain(args),
        Command::Graph(args) => explain::run_graph(args),
        Command::Report(args) => report::run(args),
        Command::Schema(args) => authoring::schema(args),
        Command::Init(args) => authoring::init(args),
        Command::Rules { command, rules } => rules::run(command, rules),
    };
    match result {
        Ok(status) => status,
        Err(problems) => {
            print_err(&render_problems(&problems, color_stderr()));
            ExitStatus::InvalidInput
        }
    }
}

/// The trees to load: the built-in rulebook (unless `--no-default-rules`), then `--rules`.
pub fn trees(args: &RuleArgs) -> Vec<Tree> {
    let mut trees = Vec::new();
    if !args.no_default_rules {
        trees.push(Tree::Builtin);
    }
    trees.extend(args.rules.iter().cloned().map(Tree::Dir));
    trees
}

pub fn load_rulebook(args: &RuleArgs) -> Result<Arc<Rulebook>, Problems> {
    if args.no_default_rules && args.rules.is_empty() {
        return Err(Problem::new(
            "granska::usage",
            "--no-default-rules needs at least one --rules DIR",
        )
        .into());
    }
    let rulebook = Arc::new(Rulebook::load(&trees(args))?);
    // The rulebook lives until the process ends; freeing every compiled script on the way
    // out costs a pre-commit run about a millisecond for nothing.
    std::mem::forget(rulebook.clone());
    Ok(rulebook)
}

pub fn check_date(date: &Option<String>) -> Result<(), Problems> {
    match date {
        Some(d) if crate::date::parse_iso(d).is_none() => Err(Problem::new(
            "granska::usage",
            format!("--as-of `{d}` is not a date YYYY-MM-DD"),
        )
        .into()),
        _ => Ok(()),
    }
}

/// Print to stdout. A closed pipe (`granska … | head`) ends quietly; any other failure (a full
/// disk behind `> results.sarif`) is an error, so that a run whose output was lost never
/// exits as if it had delivered it.
pub fn print_out(text: &str) -> Result<(), Problems> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .or_else(output_error)
}

/// Print to stderr. `eprint!` panics when stderr cannot be written (`2> /dev/full`); a
/// diagnostic that cannot be shown has nowhere else to go, and the exit code still tells.
pub fn print_err(text: &str) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// [`print_out`]'s verdict on a failed write: a closed pipe is the reader's choice, anything
/// else a lost output.
pub fn output_error(e: std::io::Error) -> Result<(), Problems> {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return Ok(());
    }
    Err(Problem::new(
        "granska::output",
        format!("cannot write the output to standard output: {e}"),
    )
    .help("check the disk or the file standard output is redirected to, then run again")
    .into())
}

/// Colour only on a terminal, and never when NO_COLOR is set.
pub fn color_stdout() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

pub fn color_stderr() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}
