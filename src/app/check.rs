//! `granska check`: many scenarios, one compiled rulebook, evaluated in parallel and printed
//! in input order as they finish, a bounded number ahead, so memory does not grow with the
//! number of files.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{ExitStatus, check_date, color_stdout, load_rulebook};
use crate::cli::{CheckArgs, FailOn};
use crate::diag::{Problem, Problems};
use crate::eval::{Evaluation, Evaluator, Verdict};
use crate::report::{Render, RenderCtx, Summary, renderer};
use crate::rulebook::Severity;
use crate::scenario;

/// How many files per worker thread may be finished but not yet written: enough to keep
/// every core busy past the odd slow file, few enough that the rendered output held at once
/// stays small (a JSON result of a large, dirty scenario is ~400 kB).
const FILES_PER_THREAD: usize = 8;

/// One scenario's outcome, rendered.
struct Done {
    /// The file as the summary names it.
    file: String,
    text: Vec<u8>,
    verdict: Option<Verdict>,
    status: ExitStatus,
    /// Microseconds and operations per rule, when `--timings` is on.
    timings: Vec<(String, Cost)>,
}

pub fn run(args: CheckArgs) -> Result<ExitStatus, Problems> {
    check_date(&args.as_of)?;
    if let Some(base) = &args.base {
        return super::diff::run(&args, base);
    }
    let files = scenario_files(&args.paths)?;
    let rulebook = load_rulebook(&args.rules)?;
    let evaluator = Evaluator::new(rulebook.clone());
    let render = renderer(args.format);
    let ctx = RenderCtx {
        rulebook: &rulebook,
        lang: args.rules.lang,
        color: render.is_human() && color_stdout(),
    };
    let progress = (render.is_human() && files.len() > 1 && std::io::stderr().is_terminal())
        .then(|| indicatif::ProgressBar::new(files.len() as u64));

    let mut out = result_sink();
    let mut summary = Summary {
        files: files.len(),
        ..Summary::default()
    };
    let mut status = ExitStatus::Clear;
    let mut pieces = 0usize;
    let mut timings: std::collections::BTreeMap<String, Cost> = Default::default();
    if !write_piece(&mut out, render.begin(&ctx).as_bytes())? {
        return Ok(status);
    }
    let threads = rayon::current_num_threads();
    let mut stopped: Option<Stop> = None;
    super::ordered::map_in_order(
        &files,
        threads,
        FILES_PER_THREAD * threads,
        |path| check_one(path, &evaluator, &args, render.as_ref(), &ctx),
        |d| {
            if let Some(p) = &progress {
                p.inc(1);
            }
            for (rule, cost) in &d.timings {
                let total = timings.entry(rule.clone()).or_default();
                total.micros += cost.micros;
                total.operations += cost.operations;
            }
            status = status.worst(d.status);
            match d.verdict {
                Some(v) => *summary.verdicts.entry(v.as_str()).or_default() += 1,
                None => summary.invalid += 1,
            }
            summary
                .scenarios
                .push((d.file, d.verdict.map(Verdict::as_str)));
            // An empty piece (a SARIF scenario without results) gets no separator.
            if d.text.is_empty() {
                return true;
            }
            // Written in two parts: copying a scenario's text to prepend the separator
            // would add to the work of the thread that writes.
            let separator = if pieces > 0 { render.separator() } else { "" };
            pieces += 1;
            let emit = |out: &mut Box<dyn Write>| {
                Ok(write_piece(out, separator.as_bytes())? && write_piece(out, &d.text)?)
            };
            let written = match &progress {
                Some(p) => p.suspend(|| emit(&mut out)),
                None => emit(&mut out),
            };
            match written {
                Ok(true) => true,
                Ok(false) => {
                    stopped = Some(Stop::Closed);
                    false
                }
                Err(problems) => {
                    stopped = Some(Stop::Lost(problems));
                    false
                }
            }
        },
    );
    match stopped {
        Some(Stop::Closed) => return Ok(status),
        Some(Stop::Lost(problems)) => return Err(problems),
        None => {}
    }
    if let Some(p) = progress {
        p.finish_and_clear();
    }
    if write_piece(&mut out, render.end(&ctx, &summary).as_bytes())? {
        out.flush().or_else(super::output_error)?;
    }
    if args.timings {
        print_timings(&timings, files.len());
    }
    Ok(status)
}

/// Why writing the results stopped before the end.
enum Stop {
    /// The reader closed the pipe (`granska check | head`): the run ends quietly.
    Closed,
    /// The output could not be written (a full disk).
    Lost(Problems),
}

/// Write one piece of the results: `Ok(false)` once the reader has closed the pipe (the run
/// ends quietly), an error when the output is lost (a full disk): never a silent success.
fn write_piece(out: &mut dyn Write, text: &[u8]) -> Result<bool, Problems> {
    match out.write_all(text) {
        Ok(()) => Ok(true),
        Err(e) => super::output_error(e).map(|()| false),
    }
}

/// Where results go. Rust's stdout is line-buffered: it searches every piece written for its
/// last newline, and a scenario's compact JSON (~400 kB for a generated one) has none, which
/// was ~1 % of a batch's instructions. When stdout is not a terminal (a file, a pipe, CI) the
/// results go through a plain buffer to a duplicate of its descriptor instead; on a terminal
/// each result still appears as soon as it is written.
fn result_sink() -> Box<dyn Write> {
    #[cfg(unix)]
    if !std::io::stdout().is_terminal() {
        use std::os::fd::AsFd;
        if let Ok(fd) = std::io::stdout().as_fd().try_clone_to_owned() {
            return Box::new(std::io::BufWriter::with_capacity(
                1 << 16,
                std::fs::File::from(fd),
            ));
        }
    }
    Box::new(std::io::stdout())
}

/// What rules cost, summed over the files of a run.
#[derive(Debug, Default, Clone, Copy)]
struct Cost {
    micros: u64,
    operations: u64,
}

/// Slowest rules first, as time and Rhai operations per scenario (operations are the same on
/// every machine, so they show what a change to a rule did).
fn print_timings(timings: &std::collections::BTreeMap<String, Cost>, files: usize) {
    let mut rows: Vec<_> = timings.iter().collect();
    rows.sort_by(|a, b| b.1.micros.cmp(&a.1.micros).then(a.0.cmp(b.0)));
    let per = |n: u64| n as f64 / files.max(1) as f64;
    let mut out = format!("rule timings ({files} scenarios; per scenario):\n");
    out.push_str(&format!("  {:>8}  {:>10}  rule\n", "µs", "operations"));
    for (rule, cost) in rows {
        out.push_str(&format!(
            "  {:>8.0}  {:>10.0}  {rule}\n",
            per(cost.micros),
            per(cost.operations)
        ));
    }
    let micros = timings.values().map(|c| c.micros).sum();
    let operations = timings.values().map(|c| c.operations).sum();
    out.push_str(&format!(
        "  {:>8.0}  {:>10.0}  all rules\n",
        per(micros),
        per(operations)
    ));
    super::print_err(&out);
}

fn check_one(
    path: &Path,
    evaluator: &Evaluator,
    args: &CheckArgs,
    render: &dyn Render,
    ctx: &RenderCtx<'_>,
) -> Done {
    let judged = scenario::load_path(path, evaluator.rulebook.as_ref()).and_then(|loaded| {
        let loaded = Arc::new(loaded);
        let evaluation = evaluator.judge(loaded.clone(), args.as_of.as_deref())?;
        Ok((loaded, evaluation))
    });
    match judged {
        Ok((loaded, evaluation)) => {
            let timings = if args.timings {
                evaluation
                    .outcomes
                    .iter()
                    .map(|o| {
                        let cost = Cost {
                            micros: o.micros,
                            operations: o.operations,
                        };
                        (o.rule.clone(), cost)
                    })
                    .collect()
            } else {
                Vec::new()
            };
            Done {
                file: path.display().to_string(),
                text: render.scenario_bytes(ctx, &loaded, &evaluation),
                verdict: Some(evaluation.verdict),
                status: exit_for(&evaluation, args.fail_on),
                timings,
            }
        }
        Err(problems) => Done {
            file: path.display().to_string(),
            text: render
                .invalid(ctx, &path.display().to_string(), &problems)
                .into_bytes(),
            verdict: None,
            status: ExitStatus::InvalidInput,
            timings: Vec::new(),
        },
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
    if e.standing().any(|f| f.severity <= threshold) {
        ExitStatus::Findings
    } else {
        ExitStatus::Clear
    }
}

/// Files named, and `*.yaml`/`*.yml` under folders named, sorted; default `scenarios/`.
pub fn scenario_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Problems> {
    let defaulted = paths.is_empty();
    let paths: Vec<PathBuf> = if defaulted {
        vec![PathBuf::from("scenarios")]
    } else {
        paths.to_vec()
    };
    let mut out = Vec::new();
    let mut problems = Problems::default();
    for p in &paths {
        if p.is_dir() {
            let mut found = Vec::new();
            walk(p, &mut found).map_err(|e| {
                Problem::new("granska::io", format!("cannot read {}: {e}", p.display()))
            })?;
            if found.is_empty() {
                // A CI job pointed at the wrong folder would otherwise pass, having judged nothing.
                problems.push(
                    Problem::new(
                        "granska::check::no-scenarios",
                        format!("{} has no scenario files (*.yaml, *.yml)", p.display()),
                    )
                    .help("give the folder that holds the scenarios; `granska init` writes a first one"),
                );
            }
            found.sort();
            out.extend(found);
        } else if p.is_file() {
            out.push(p.clone());
        } else if defaulted {
            // `granska check` with no arguments, outside a folder with `scenarios/`.
            problems.push(
                Problem::new("granska::io", "no scenarios/ folder here to check")
                    .help("name the scenario files or folders: `granska check scenario.yaml`"),
            );
        } else {
            problems.push(
                Problem::new("granska::io", format!("{} does not exist", p.display()))
                    .help("give scenario files or folders"),
            );
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
