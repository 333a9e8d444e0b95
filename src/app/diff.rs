//! `granska check --base REV`: what a change to the scenario files did. For each given
//! scenario file changed since git revision REV (or new, or deleted), the text at REV and
//! the text now are both judged, and the standing findings compared by rule, scenario path
//! and message: which are new, which are resolved, and whether the verdict changed. The exit
//! status comes from the new evaluations only. git runs as a process; its errors (not a
//! repository, unknown revision) are input problems (exit 2).
//!
//! JSON (`--format json`, `granska/diff/v1`): `{ "schema", "tool", "base", "results": [ {
//! "file", "change": "changed"|"added"|"deleted", "before" and "after": { "status":
//! "evaluated"|"invalid"|"absent", "verdict", "problems"? }, "verdict_changed", "new": [ … ],
//! "resolved": [ … ], "unchanged": n } ], "summary": { "files", "new", "resolved",
//! "verdicts_changed" } }`; findings are those of `granska/check/v1`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use super::check::{exit_for, scenario_files};
use super::{ExitStatus, color_stdout, load_rulebook};
use crate::cli::CheckArgs;
use crate::diag::{Problem, Problems, render_problems};
use crate::eval::{Evaluation, Evaluator, Finding, Verdict};
use crate::lang::Lang;
use crate::report::{Format, RenderCtx, human, model};
use crate::scenario::{self, LoadedScenario};

pub const SCHEMA: &str = "granska/diff/v1";

/// How a file differs from REV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Changed,
    /// Not in REV: every finding is new.
    Added,
    /// In REV, gone now: every finding is resolved.
    Deleted,
}

/// One side of the comparison.
enum Side {
    Missing,
    Invalid(Problems),
    Judged(Arc<LoadedScenario>, Box<Evaluation>),
}

impl Side {
    fn evaluation(&self) -> Option<&Evaluation> {
        match self {
            Side::Judged(_, e) => Some(e),
            _ => None,
        }
    }
    fn verdict(&self) -> Option<Verdict> {
        self.evaluation().map(|e| e.verdict)
    }
}

struct FileDiff {
    file: String,
    change: Change,
    before: Side,
    after: Side,
}

type Key<'a> = (&'a str, &'a str, &'a str, &'a str);

fn key(f: &Finding) -> Key<'_> {
    (&f.rule, &f.path, &f.message.sv, &f.message.en)
}

impl FileDiff {
    fn standing(side: &Side) -> Vec<&Finding> {
        side.evaluation()
            .map(|e| e.standing().collect())
            .unwrap_or_default()
    }
    /// Standing now, not at REV.
    fn new_findings(&self) -> Vec<&Finding> {
        let old: BTreeSet<Key<'_>> = Self::standing(&self.before).into_iter().map(key).collect();
        Self::standing(&self.after)
            .into_iter()
            .filter(|f| !old.contains(&key(f)))
            .collect()
    }
    /// Standing at REV, not now.
    fn resolved(&self) -> Vec<&Finding> {
        let now: BTreeSet<Key<'_>> = Self::standing(&self.after).into_iter().map(key).collect();
        Self::standing(&self.before)
            .into_iter()
            .filter(|f| !now.contains(&key(f)))
            .collect()
    }
    fn unchanged(&self) -> usize {
        let old: BTreeSet<Key<'_>> = Self::standing(&self.before).into_iter().map(key).collect();
        Self::standing(&self.after)
            .into_iter()
            .filter(|f| old.contains(&key(f)))
            .count()
    }
    fn verdict_changed(&self) -> bool {
        self.before.verdict() != self.after.verdict()
    }
}

pub fn run(args: &CheckArgs, base: &str) -> Result<ExitStatus, Problems> {
    if !matches!(args.format, Format::Human | Format::Json) {
        return Err(
            Problem::new("granska::usage", "--base supports --format human or json").into(),
        );
    }
    let files = scenario_files(&args.paths)?;
    let git = Git::open(base)?;
    let (changed, deleted) = git.changed(&args.paths)?;
    let rulebook = load_rulebook(&args.rules)?;
    let evaluator = Evaluator::new(rulebook.clone());

    // Files given (or found in folders given) that changed, then files deleted since REV.
    let mut work: Vec<(PathBuf, Option<String>)> = Vec::new();
    for f in files {
        if let Some(rel) = git.relative(&f).filter(|rel| changed.contains(rel)) {
            work.push((f, Some(rel)));
        }
    }
    // A deleted file is named relative to the current directory, like the files given.
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|d| d.canonicalize().ok());
    for rel in &deleted {
        let abs = git.top.join(rel);
        let shown = cwd
            .as_ref()
            .and_then(|c| abs.strip_prefix(c).ok())
            .map(Path::to_path_buf);
        work.push((shown.unwrap_or(abs), Some(rel.clone())));
    }
    let diffs: Vec<FileDiff> = work
        .par_iter()
        .map(|(path, rel)| {
            let shown = path.display().to_string();
            let after = if path.exists() {
                judge(
                    scenario::load_path(path, rulebook.as_ref()),
                    &evaluator,
                    args,
                )
            } else {
                Side::Missing
            };
            let before = match rel.as_deref().and_then(|r| git.show(r)) {
                Some(bytes) => {
                    let name = format!("{shown}@{base}");
                    let loaded = scenario::parse::source_from_bytes(&name, path, bytes)
                        .map_err(Problems::from)
                        .and_then(|src| scenario::load_source(src, rulebook.as_ref()));
                    judge(loaded, &evaluator, args)
                }
                None => Side::Missing,
            };
            let change = match (&before, &after) {
                (Side::Missing, _) => Change::Added,
                (_, Side::Missing) => Change::Deleted,
                _ => Change::Changed,
            };
            FileDiff {
                file: shown,
                change,
                before,
                after,
            }
        })
        .collect();

    let mut status = ExitStatus::Clear;
    for d in &diffs {
        status = status.worst(match &d.after {
            Side::Judged(_, e) => exit_for(e, args.fail_on),
            Side::Invalid(_) => ExitStatus::InvalidInput,
            Side::Missing => ExitStatus::Clear,
        });
    }
    let ctx = RenderCtx {
        rulebook: &rulebook,
        lang: args.rules.lang,
        color: args.format == Format::Human && color_stdout(),
    };
    let text = match args.format {
        Format::Json => json(&ctx, base, &diffs),
        _ => human_text(&ctx, base, &diffs),
    };
    super::print_out(&text)?;
    Ok(status)
}

fn judge(
    loaded: Result<LoadedScenario, Problems>,
    evaluator: &Evaluator,
    args: &CheckArgs,
) -> Side {
    match loaded {
        Ok(l) => {
            let l = Arc::new(l);
            match evaluator.judge(l.clone(), args.as_of.as_deref()) {
                Ok(e) => Side::Judged(l, Box::new(e)),
                Err(p) => Side::Invalid(p),
            }
        }
        Err(p) => Side::Invalid(p),
    }
}

/// The repository the current directory is in, and the revision compared with.
struct Git {
    top: PathBuf,
    base: String,
}

impl Git {
    fn open(base: &str) -> Result<Git, Problems> {
        let top = git(&["rev-parse", "--show-toplevel"]).map_err(|e| {
            Problem::new(
                "granska::git",
                format!("--base needs a git repository: {e}"),
            )
            .help("run granska inside the repository that holds the scenarios")
        })?;
        let top = PathBuf::from(String::from_utf8_lossy(&top).trim_end_matches(['\n', '\r']));
        let top = top.canonicalize().unwrap_or(top);
        if base.starts_with('-') {
            return Err(
                Problem::new("granska::git", format!("`{base}` is not a git revision")).into(),
            );
        }
        let commit = format!("{base}^{{commit}}");
        git(&["rev-parse", "--verify", "--quiet", &commit]).map_err(|_| {
            Problem::new("granska::git", format!("unknown git revision `{base}`"))
                .help("give a branch, tag or commit, e.g. --base origin/main or --base HEAD~1")
        })?;
        Ok(Git {
            top,
            base: base.to_string(),
        })
    }

    /// Files under `paths` changed since the base (relative to the top of the repository),
    /// and those of them that are scenario files deleted since.
    fn changed(&self, paths: &[PathBuf]) -> Result<(BTreeSet<String>, Vec<String>), Problems> {
        let default = [PathBuf::from("scenarios")];
        let paths = if paths.is_empty() {
            &default[..]
        } else {
            paths
        };
        let specs: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        let mut diff_args = vec![
            "diff",
            "--name-only",
            "-z",
            "--no-renames",
            self.base.as_str(),
            "--",
        ];
        diff_args.extend(specs.iter().map(String::as_str));
        let diffed = git(&diff_args)
            .map_err(|e| Problem::new("granska::git", format!("git diff failed: {e}")))?;
        let mut untracked_args = vec![
            "ls-files",
            "-z",
            "--full-name",
            "--others",
            "--exclude-standard",
            "--",
        ];
        untracked_args.extend(specs.iter().map(String::as_str));
        let untracked = git(&untracked_args)
            .map_err(|e| Problem::new("granska::git", format!("git ls-files failed: {e}")))?;
        let mut changed = BTreeSet::new();
        for name in diffed
            .split(|&b| b == 0)
            .chain(untracked.split(|&b| b == 0))
        {
            if !name.is_empty() {
                changed.insert(String::from_utf8_lossy(name).into_owned());
            }
        }
        let deleted = changed
            .iter()
            .filter(|rel| {
                (rel.ends_with(".yaml") || rel.ends_with(".yml")) && !self.top.join(rel).exists()
            })
            .cloned()
            .collect();
        Ok((changed, deleted))
    }

    /// A path as git names it: relative to the top of the repository, with `/`.
    fn relative(&self, path: &Path) -> Option<String> {
        let abs = path.canonicalize().ok()?;
        let rel = abs.strip_prefix(&self.top).ok()?;
        Some(
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/"),
        )
    }

    /// The file's bytes at the base, if it existed there.
    fn show(&self, rel: &str) -> Option<Vec<u8>> {
        git(&["cat-file", "blob", &format!("{}:{rel}", self.base)]).ok()
    }
}

fn git(args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
        Err(if err.is_empty() {
            format!("git {} failed", args.first().unwrap_or(&""))
        } else {
            err
        })
    }
}

fn verdict_text(side: &Side, lang: Lang) -> String {
    match (side, lang) {
        (Side::Judged(_, e), _) => human::verdict_word(e.verdict, lang).to_string(),
        (Side::Invalid(_), Lang::Sv) => "OGILTIG".into(),
        (Side::Invalid(_), Lang::En) => "INVALID".into(),
        (Side::Missing, Lang::Sv) => "fanns inte".into(),
        (Side::Missing, Lang::En) => "absent".into(),
    }
}

fn one_line(f: &Finding, lang: Lang) -> String {
    let at = if lang == Lang::Sv { "rad" } else { "line" };
    format!(
        "[{}] {} {} ({at} {}): {}",
        human::severity_word(f.severity, lang),
        f.rule,
        f.path,
        f.line,
        f.message.get(lang)
    )
}

fn human_text(ctx: &RenderCtx<'_>, base: &str, diffs: &[FileDiff]) -> String {
    let lang = ctx.lang;
    let mut out = String::new();
    if diffs.is_empty() {
        out.push_str(&match lang {
            Lang::Sv => format!("Inga scenariofiler har ändrats sedan {base}.\n"),
            Lang::En => format!("No scenario files changed since {base}.\n"),
        });
        return out;
    }
    let (mut new_total, mut resolved_total, mut verdicts) = (0, 0, 0);
    for d in diffs {
        let what = match (d.change, lang) {
            (Change::Changed, Lang::Sv) => "ändrad",
            (Change::Changed, Lang::En) => "changed",
            (Change::Added, Lang::Sv) => "ny",
            (Change::Added, Lang::En) => "new",
            (Change::Deleted, Lang::Sv) => "borttagen",
            (Change::Deleted, Lang::En) => "deleted",
        };
        let since = if lang == Lang::Sv { "sedan" } else { "since" };
        out.push_str(&format!(
            "{} ({what} {since} {base}): {} → {}\n",
            d.file,
            verdict_text(&d.before, lang),
            verdict_text(&d.after, lang)
        ));
        if let Side::Invalid(p) = &d.after {
            out.push_str(&render_problems(p, ctx.color));
        }
        let new = d.new_findings();
        let resolved = d.resolved();
        new_total += new.len();
        resolved_total += resolved.len();
        verdicts += usize::from(d.verdict_changed());
        let unchanged = d.unchanged();
        out.push_str(&match lang {
            Lang::Sv => format!(
                "  {} nya fynd, {} åtgärdade, {unchanged} kvarstår\n",
                new.len(),
                resolved.len()
            ),
            Lang::En => format!(
                "  {} new findings, {} resolved, {unchanged} unchanged\n",
                new.len(),
                resolved.len()
            ),
        });
        for f in &resolved {
            let word = if lang == Lang::Sv {
                "åtgärdat"
            } else {
                "resolved"
            };
            out.push_str(&format!("  − {word}: {}\n", one_line(f, lang)));
        }
        if let Side::Judged(loaded, e) = &d.after {
            for f in &new {
                out.push_str(&human::finding(ctx, loaded, f, &e.as_of));
            }
        }
        out.push('\n');
    }
    out.push_str(&match lang {
        Lang::Sv => format!("{} ändrade scenarier sedan {base}: {new_total} nya fynd, {resolved_total} åtgärdade, {verdicts} ändrade utfall\n", diffs.len()),
        Lang::En => format!("{} scenarios changed since {base}: {new_total} new findings, {resolved_total} resolved, {verdicts} verdicts changed\n", diffs.len()),
    });
    out
}

#[derive(Serialize)]
struct SideModel {
    /// `evaluated`, `invalid` or `absent`.
    status: &'static str,
    verdict: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    problems: Option<Vec<model::ProblemModel>>,
}

fn side_model(side: &Side) -> SideModel {
    match side {
        Side::Judged(_, e) => SideModel {
            status: "evaluated",
            verdict: Some(e.verdict.as_str()),
            problems: None,
        },
        Side::Invalid(p) => {
            let problems = match model::invalid("", p) {
                model::ResultModel::Invalid(m) => Some(m.problems),
                model::ResultModel::Evaluated(_) => None,
            };
            SideModel {
                status: "invalid",
                verdict: None,
                problems,
            }
        }
        Side::Missing => SideModel {
            status: "absent",
            verdict: None,
            problems: None,
        },
    }
}

#[derive(Serialize)]
struct DiffModel<'a> {
    file: &'a str,
    change: Change,
    before: SideModel,
    after: SideModel,
    verdict_changed: bool,
    new: Vec<model::FindingModel<'a>>,
    resolved: Vec<model::FindingModel<'a>>,
    unchanged: usize,
}

fn json(ctx: &RenderCtx<'_>, base: &str, diffs: &[FileDiff]) -> String {
    let results: Vec<DiffModel<'_>> = diffs
        .iter()
        .map(|d| {
            // Citations are those in force on the date each side was judged.
            let after_date = d.after.evaluation().map(|e| e.as_of.as_str()).unwrap_or("");
            let before_date = d
                .before
                .evaluation()
                .map(|e| e.as_of.as_str())
                .unwrap_or("");
            DiffModel {
                file: &d.file,
                change: d.change,
                before: side_model(&d.before),
                after: side_model(&d.after),
                verdict_changed: d.verdict_changed(),
                new: d
                    .new_findings()
                    .into_iter()
                    .map(|f| model::finding(f, ctx.rulebook, after_date, None))
                    .collect(),
                resolved: d
                    .resolved()
                    .into_iter()
                    .map(|f| model::finding(f, ctx.rulebook, before_date, None))
                    .collect(),
                unchanged: d.unchanged(),
            }
        })
        .collect();
    let summary = serde_json::json!({
        "files": results.len(),
        "new": results.iter().map(|r| r.new.len()).sum::<usize>(),
        "resolved": results.iter().map(|r| r.resolved.len()).sum::<usize>(),
        "verdicts_changed": results.iter().filter(|r| r.verdict_changed).count(),
    });
    let doc = serde_json::json!({
        "schema": SCHEMA,
        "tool": model::tool(),
        "base": base,
        "results": results,
        "summary": summary,
    });
    format!("{doc}\n")
}
