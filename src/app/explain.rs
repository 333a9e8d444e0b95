//! `granska explain` and `granska graph`: evaluate one scenario, then explain it.

use std::sync::Arc;

use super::{ExitStatus, check_date, load_rulebook};
use crate::cli::{ExplainArgs, GraphArgs, GraphFormat};
use crate::diag::{Problem, Problems};
use crate::eval::{Evaluation, Evaluator};
use crate::explain::{self, render};
use crate::scenario::{self, LoadedScenario};

fn evaluate(
    path: &std::path::Path,
    rules: &crate::cli::RuleArgs,
    as_of: &Option<String>,
) -> Result<
    (
        Arc<crate::rulebook::Rulebook>,
        Arc<LoadedScenario>,
        Evaluation,
    ),
    Problems,
> {
    check_date(as_of)?;
    let rulebook = load_rulebook(rules)?;
    let loaded = Arc::new(scenario::load_path(path, rulebook.as_ref())?);
    let evaluation = Evaluator::new(rulebook.clone()).judge(loaded.clone(), as_of.as_deref())?;
    Ok((rulebook, loaded, evaluation))
}

fn status(e: &Evaluation) -> ExitStatus {
    crate::app::check::exit_for(e, crate::cli::FailOn::Blocker)
}

pub fn run_explain(args: ExplainArgs) -> Result<ExitStatus, Problems> {
    let (rulebook, loaded, e) = evaluate(&args.scenario, &args.rules, &args.as_of)?;
    let x = explain::build(&e, &loaded);
    let only = match &args.finding {
        None => None,
        Some(sel) => {
            let (rule, path) = sel
                .split_once('@')
                .map(|(r, p)| (r, Some(p)))
                .unwrap_or((sel.as_str(), None));
            let hit = e.findings.iter().enumerate().find(|(i, f)| {
                f.rule == rule && path.is_none_or(|p| f.path == p) && x.findings.contains_key(i)
            });
            match hit {
                Some((i, _)) => Some(i),
                None => {
                    return Err(Problem::new(
                        "granska::usage",
                        format!("no standing finding `{sel}` in {}", e.file),
                    )
                    .help("use a rule id from `granska check`, optionally RULE@path")
                    .into());
                }
            }
        }
    };
    super::print_out(&render::text(&x, &e, &rulebook, args.rules.lang, only))?;
    Ok(status(&e))
}

pub fn run_graph(args: GraphArgs) -> Result<ExitStatus, Problems> {
    let (rulebook, loaded, e) = evaluate(&args.scenario, &args.rules, &args.as_of)?;
    let x = explain::build(&e, &loaded);
    let text = match args.format {
        GraphFormat::Dot => render::dot(&x, &e, args.rules.lang),
        GraphFormat::Mermaid => render::mermaid(&x, &e, args.rules.lang),
        GraphFormat::Svg => {
            let d = crate::report::svg::full(&x, &e, &rulebook, args.rules.lang);
            let svg = crate::report::svg::render(&d, "granska-graph");
            format!("{svg}\n")
        }
    };
    super::print_out(&text)?;
    Ok(status(&e))
}
