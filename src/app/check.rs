//! `granska check`: many scenarios, one compiled rulebook, evaluated in parallel and printed
//! in input order as they finish, chunk by chunk, so memory does not grow with the number
//! of files.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::{ExitStatus, check_date, color_stdout, load_rulebook};
use crate::cli::{CheckArgs, CheckFormat, FailOn};
use crate::diag::{Problem, Problems, render_problems};
use crate::eval::{Evaluation, Evaluator, Verdict};
use crate::lang::Lang;
use crate::report::{RenderCtx, human, model};
use crate::rulebook::Severity;
use crate::scenario::{self, LoadedScenario};

/// Files evaluated together before their output is written.
const CHUNK: usize = 256;

/// One scenario's outcome, rendered.
struct Done {
    text: String,
    verdict: Option<Verdict>,
    status: ExitStatus,
}

pub fn run(args: CheckArgs) -> Result<ExitStatus, Problems> {
    check_date(&args.as_of)?;
    let files = scenario_files(&args.paths)?;
    let rulebook = load_rulebook(&args.rules)?;
    let evaluator = Evaluator::new(rulebook.clone());
    let ctx = RenderCtx { rulebook: &rulebook, lang: args.rules.lang, color: color_stdout() };
    let progress = (args.format == CheckFormat::Human && files.len() > 1 && std::io::stderr().is_terminal())
        .then(|| indicatif::ProgressBar::new(files.len() as u64));

    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.format == CheckFormat::Json {
        let tool = serde_json::to_string(&model::tool()).unwrap_or_default();
        let _ = write!(out, "{{\"schema\":\"{}\",\"tool\":{tool},\"results\":[", model::SCHEMA);
    }
    let mut status = ExitStatus::Clear;
    let mut verdicts: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut invalid = 0;
    let mut first = true;
    for chunk in files.chunks(CHUNK) {
        let done: Vec<Done> = chunk
            .par_iter()
            .map(|path| {
                let d = check_one(path, &evaluator, &args, &ctx);
                if let Some(p) = &progress {
                    p.inc(1);
                }
                d
            })
            .collect();
        if let Some(p) = &progress {
            p.suspend(|| ());
        }
        for d in done {
            status = status.worst(d.status);
            match d.verdict {
                Some(v) => *verdicts.entry(v.as_str()).or_default() += 1,
                None => invalid += 1,
            }
            let written = match args.format {
                CheckFormat::Json => {
                    let sep = if first { "" } else { "," };
                    write!(out, "{sep}{}", d.text)
                }
                CheckFormat::Human => {
                    if let Some(p) = &progress {
                        p.suspend(|| write!(out, "{}", d.text))
                    } else {
                        write!(out, "{}", d.text)
                    }
                }
            };
            first = false;
            if let Err(e) = written {
                if e.kind() == std::io::ErrorKind::BrokenPipe {
                    return Ok(status);
                }
            }
        }
    }
    if let Some(p) = progress {
        p.finish_and_clear();
    }
    let total = files.len();
    match args.format {
        CheckFormat::Json => {
            let summary = serde_json::json!({ "files": total, "invalid": invalid, "verdicts": verdicts });
            let _ = writeln!(out, "],\"summary\":{summary}}}");
        }
        CheckFormat::Human if total > 1 => {
            let parts: Vec<String> = verdicts.iter().map(|(k, v)| format!("{v} {k}")).collect();
            let invalid_word = if args.rules.lang == Lang::Sv { "ogiltiga" } else { "invalid" };
            let files_word = if args.rules.lang == Lang::Sv { "scenarier" } else { "scenarios" };
            let _ = writeln!(out, "\n{total} {files_word}: {}{}", parts.join(", "), if invalid > 0 { format!(", {invalid} {invalid_word}") } else { String::new() });
        }
        CheckFormat::Human => {}
    }
    Ok(status)
}

fn check_one(path: &Path, evaluator: &Evaluator, args: &CheckArgs, ctx: &RenderCtx<'_>) -> Done {
    let loaded = match scenario::load_path(path, evaluator.rulebook.as_ref()) {
        Ok(l) => Arc::new(l),
        Err(problems) => {
            let text = match args.format {
                CheckFormat::Json => serde_json::to_string(&model::invalid(&path.display().to_string(), &problems)).unwrap_or_default(),
                CheckFormat::Human => render_problems(&problems, ctx.color),
            };
            return Done { text, verdict: None, status: ExitStatus::InvalidInput };
        }
    };
    let evaluation = evaluator.evaluate(loaded.clone(), args.as_of.as_deref());
    let text = render(&evaluation, &loaded, args.format, ctx);
    Done { text, verdict: Some(evaluation.verdict), status: exit_for(&evaluation, args.fail_on) }
}

pub fn render(e: &Evaluation, loaded: &LoadedScenario, format: CheckFormat, ctx: &RenderCtx<'_>) -> String {
    match format {
        CheckFormat::Json => serde_json::to_string(&model::evaluated(e, ctx.rulebook)).unwrap_or_default(),
        CheckFormat::Human => human::evaluation(ctx, loaded, e),
    }
}

pub fn exit_for(e: &Evaluation, fail_on: FailOn) -> ExitStatus {
    if e.verdict == Verdict::Incomplete {
        return ExitStatus::Incomplete;
    }
    let threshold = match fail_on {
        FailOn::Blocker => Severity::Blocker,
        FailOn::Major => Severity::Major,
        FailOn::Minor => Severity::Minor,
        FailOn::Never => return ExitStatus::Clear,
    };
    if e.standing().any(|f| f.severity <= threshold) { ExitStatus::Findings } else { ExitStatus::Clear }
}

/// Files named, and `*.yaml`/`*.yml` under folders named, sorted; default `scenarios/`.
pub fn scenario_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Problems> {
    let paths: Vec<PathBuf> = if paths.is_empty() { vec![PathBuf::from("scenarios")] } else { paths.to_vec() };
    let mut out = Vec::new();
    let mut problems = Problems::default();
    for p in &paths {
        if p.is_dir() {
            let mut found = Vec::new();
            walk(p, &mut found).map_err(|e| Problem::new("granska::io", format!("cannot read {}: {e}", p.display())))?;
            found.sort();
            out.extend(found);
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            problems.push(Problem::new("granska::io", format!("{} does not exist", p.display())).help("give scenario files or folders"));
        }
    }
    problems.into_result(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
    Ok(())
}
