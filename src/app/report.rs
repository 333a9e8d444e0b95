//! `granska report`: a decision report for a steering group — one self-contained HTML file
//! (or a Markdown memo) with the verdict, the blocking findings and the law behind them,
//! what to fix first, the waivers, the dependency graph and a receipt for the minutes.

use std::sync::Arc;

use super::{ExitStatus, check_date, load_rulebook};
use crate::cli::{ReportArgs, ReportFormat};
use crate::diag::{Problem, Problems};
use crate::eval::Evaluator;
use crate::report::human::verdict_word;
use crate::report::memo::Memo;
use crate::report::{html, markdown};
use crate::scenario;

pub fn run(args: ReportArgs) -> Result<ExitStatus, Problems> {
    check_date(&args.as_of)?;
    let rulebook = load_rulebook(&args.rules)?;
    let loaded = Arc::new(scenario::load_path(&args.scenario, rulebook.as_ref())?);
    let e = Evaluator::new(rulebook.clone()).judge(loaded.clone(), args.as_of.as_deref())?;
    let lang = args.rules.lang;
    let memo = Memo::new(&e, &loaded, &rulebook, lang);
    let text = match args.format {
        ReportFormat::Html => html::render(&memo),
        ReportFormat::Markdown => markdown::render(&memo),
    };
    if args.output.as_os_str() == "-" {
        super::print_out(&text)?;
    } else {
        std::fs::write(&args.output, text.as_bytes()).map_err(|err| {
            Problem::new(
                "granska::io",
                format!("cannot write {}: {err}", args.output.display()),
            )
            .help("check that the folder exists and is writable")
        })?;
        super::print_err(&format!(
            "{} {} — {}\n",
            if lang == crate::lang::Lang::Sv {
                "skrev"
            } else {
                "wrote"
            },
            args.output.display(),
            verdict_word(e.verdict, lang)
        ));
    }
    Ok(crate::app::check::exit_for(&e, crate::cli::FailOn::Blocker))
}
