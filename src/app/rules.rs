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
                ));
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
            super::print_out(&format!("# {} ({})\n\n", rule.meta.id, rule.file.name));
            super::print_out(&rule.file.text);
            Ok(ExitStatus::Clear)
        }
        RulesCommand::Lint => super::authoring::lint(&rulebook),
        RulesCommand::Doc { output, check } => super::authoring::doc(&rulebook, &output, check),
        RulesCommand::Defs { output, check } => super::authoring::defs(&rulebook, &output, check),
        RulesCommand::Test {
            filter,
            fail_under: _,
        } => {
            let re = match filter.as_deref().map(regex::Regex::new) {
                Some(Ok(re)) => Some(re),
                Some(Err(e)) => {
                    return Err(Problem::new("granska::usage", format!("--filter: {e}")).into());
                }
                None => None,
            };
            let run = ruletest::run(&rulebook, re.as_ref())?;
            let mut failed = 0;
            for c in &run.cases {
                if c.failures.is_empty() {
                    super::print_out(&format!(
                        "ok    {} › {} (as of {})\n",
                        c.file, c.name, c.as_of
                    ));
                } else {
                    failed += 1;
                    super::print_out(&format!(
                        "FAIL  {} › {} (as of {})\n",
                        c.file, c.name, c.as_of
                    ));
                    for f in &c.failures {
                        super::print_out(&format!("        {f}\n"));
                    }
                }
            }
            let cov = ruletest::coverage(&rulebook, &run);
            let gaps: Vec<_> = cov
                .iter()
                .filter(|(_, (f, n))| *f == 0 || *n == 0)
                .collect();
            if re.is_none() {
                super::print_out(&format!(
                    "\ncoverage: {} rules, {} fully covered\n",
                    cov.len(),
                    cov.len() - gaps.len()
                ));
                for (id, (f, n)) in &gaps {
                    super::print_out(&format!(
                        "  {id:<40} fires in {f} case(s), does not fire in {n} case(s)\n"
                    ));
                }
            }
            let passed = run.cases.len() - failed;
            super::print_out(&format!("\n{passed} passed, {failed} failed\n"));
            if failed > 0 || (re.is_none() && !gaps.is_empty()) {
                Ok(ExitStatus::Findings)
            } else {
                Ok(ExitStatus::Clear)
            }
        }
    }
}
