//! `granska rules list|show|test`.

use super::{ExitStatus, check_date, load_rulebook};
use crate::cli::{RuleArgs, RulesCommand};
use crate::diag::{Problem, Problems};
use crate::ruletest;

pub fn run(command: RulesCommand, args: RuleArgs) -> Result<ExitStatus, Problems> {
    let rulebook = load_rulebook(&args)?;
    let lang = args.lang;
    match command {
        RulesCommand::List { as_of, area } => {
            check_date(&as_of)?;
            let mut rules: Vec<_> = rulebook
                .rules
                .iter()
                .filter(|r| as_of.as_deref().is_none_or(|d| r.meta.in_force.contains(d)))
                .filter(|r| area.as_deref().is_none_or(|a| r.area == a))
                .collect();
            rules.sort_by(|a, b| (&a.area, &a.meta.id).cmp(&(&b.area, &b.meta.id)));
            for r in rules {
                let m = &r.meta;
                let cites: Vec<String> = m.citations.iter().map(|c| c.short()).collect();
                super::print_out(&format!(
                    "{:<40} {:<8} {} – {:<10} {}\n{:<40} {}\n",
                    m.id,
                    m.severity.as_str(),
                    m.in_force.from,
                    m.in_force.to.as_deref().unwrap_or(""),
                    m.title.get(lang),
                    "",
                    cites.join("; ")
                ))?;
            }
            Ok(ExitStatus::Clear)
        }
        RulesCommand::Show { id } => {
            let rule = rulebook.rule(&id).ok_or_else(|| {
                let ids: Vec<&str> = rulebook.rules.iter().map(|r| r.meta.id.as_str()).collect();
                let mut p = Problem::new("granska::usage", format!("no rule `{id}`"));
                if let Some(s) = crate::diag::did_you_mean(&id, ids) {
                    p = p.help(format!("did you mean `{s}`?"));
                }
                Problems::from(p)
            })?;
            // A broken test file elsewhere must not hide the rule: show it, and say why the
            // cases are missing (`rules test` reports the file in full).
            let cases = ruletest::coverage::index(&rulebook).unwrap_or_else(|ps| {
                super::print_err(&crate::diag::render_problems(&ps, super::color_stderr()));
                Vec::new()
            });
            // The catalogue's section for the rule (without its `## ID` heading), then the source.
            let section = crate::report::catalogue::rule_section(&rulebook, rule, &cases);
            let body = section
                .split_once("\n\n")
                .map_or(section.as_str(), |(_, b)| b);
            let mut text = format!("# {} ({})\n\n{body}", rule.meta.id, rule.file.name);
            text.push_str("\n## Source\n\n");
            text.push_str(&rule.file.text);
            super::print_out(&text)?;
            Ok(ExitStatus::Clear)
        }
        RulesCommand::Lint => super::authoring::lint(&rulebook, &args),
        RulesCommand::Doc { output, check } => super::authoring::doc(&rulebook, &output, check),
        RulesCommand::Defs { output, check } => super::authoring::defs(&rulebook, &output, check),
        RulesCommand::Test { filter, fail_under } => test(&rulebook, filter.as_deref(), fail_under),
    }
}

/// `rules test`: a line per case, every failure with expected vs actual, the coverage of the
/// rulebook, and `N passed, M failed` as the last line.
fn test(
    rulebook: &std::sync::Arc<crate::rulebook::Rulebook>,
    filter: Option<&str>,
    fail_under: Option<f64>,
) -> Result<ExitStatus, Problems> {
    use super::print_out;
    let re = match filter.map(regex::Regex::new) {
        Some(Ok(re)) => Some(re),
        Some(Err(e)) => return Err(Problem::new("granska::usage", format!("--filter: {e}")).into()),
        None => None,
    };
    if let Some(p) = fail_under
        && !(0.0..=100.0).contains(&p)
    {
        return Err(Problem::new(
            "granska::usage",
            format!("--fail-under {p}: give a percentage from 0 to 100"),
        )
        .into());
    }
    let run = ruletest::run(rulebook, re.as_ref())?;
    let mut failed = 0;
    let mut out = String::new();
    for c in &run.cases {
        if c.failures.is_empty() {
            out.push_str(&format!(
                "ok    {} › {} (as of {})\n",
                c.file, c.name, c.as_of
            ));
        } else {
            failed += 1;
            out.push_str(&format!(
                "FAIL  {} › {} (as of {})\n",
                c.file, c.name, c.as_of
            ));
            for f in &c.failures {
                out.push_str(&format!("        {f}\n"));
            }
        }
    }
    let mut short = false;
    if re.is_none() {
        let cov = ruletest::coverage(rulebook, &run);
        out.push_str(&coverage_table(&cov));
        short = match fail_under {
            Some(p) => cov.percent() < p,
            None => cov.fully_covered() < cov.rules.len(),
        };
        if short {
            out.push_str(&match fail_under {
                Some(p) => format!("{:.1}% of the rules are fully covered, below --fail-under {p}%\n", cov.percent()),
                None => format!(
                    "{:.1}% of the rules are fully covered: every rule needs a case where it fires and one where it does not\n",
                    cov.percent()
                ),
            });
        }
    }
    let passed = run.cases.len() - failed;
    out.push_str(&format!("\n{passed} passed, {failed} failed\n"));
    print_out(&out)?;
    if failed > 0 || short {
        Ok(ExitStatus::Findings)
    } else {
        Ok(ExitStatus::Clear)
    }
}

/// The coverage part of `rules test`. Only rules never seen to fire or not to fire count
/// against `--fail-under`; facts and date boundaries are advice.
fn coverage_table(cov: &ruletest::Coverage) -> String {
    let mut out = format!(
        "\ncoverage: {} rules, {} fully covered\n",
        cov.rules.len(),
        cov.fully_covered()
    );
    for (id, c) in cov.gaps() {
        let what = match (c.fires, c.not_fires) {
            (0, 0) => "no case where it fires, none where it does not",
            (0, _) => "no case where it fires",
            _ => "no case where it does not fire",
        };
        out.push_str(&format!(
            "  {id:<40} {what} (fires in {}, silent in {})\n",
            c.fires, c.not_fires
        ));
    }
    if !cov.facts_never_derived.is_empty() {
        out.push_str(&format!(
            "facts never derived in any passing case: {}\n",
            cov.facts_never_derived.join(", ")
        ));
    }
    if !cov.facts_never_true.is_empty() {
        out.push_str(&format!(
            "facts never true in any passing case: {}\n",
            cov.facts_never_true.join(", ")
        ));
    }
    if !cov.boundaries.is_empty() {
        out.push_str(&format!(
            "date boundaries without a passing case naming the rule on both sides ({}):\n",
            cov.boundaries.len()
        ));
        for b in &cov.boundaries {
            out.push_str(&format!(
                "  {:<40} {} {}: no case on {}\n",
                b.rule,
                b.edge,
                b.date,
                b.missing.join(", ")
            ));
        }
    }
    out
}
