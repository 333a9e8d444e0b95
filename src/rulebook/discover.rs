//! Where rule files come from: the standard rulebook embedded in the binary, and `--rules`
//! folders on disk. Both are read through one [`Tree`] so that everything downstream is the
//! same for built-in and local rules.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use include_dir::{Dir, include_dir};

use crate::diag::Problem;
use crate::scenario::parse::{read_source, source_from_bytes};
use crate::source::SourceFile;

static BUILTIN_RULES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/rules");
static BUILTIN_SCENARIOS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/scenarios");

/// A folder of rules: the embedded standard rulebook or a directory.
#[derive(Debug, Clone)]
pub enum Tree {
    Builtin,
    Dir(PathBuf),
}

/// What one file in a rule tree is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    Rule {
        area: String,
    },
    Lib,
    Data,
    Facts,
    /// `areas.yaml`: how the report groups rule folders into areas of law.
    Areas,
    Tests,
}

#[derive(Debug, Clone)]
pub struct TreeFile {
    pub role: Role,
    /// Path relative to the tree root, with `/`.
    pub rel: String,
    pub file: Arc<SourceFile>,
}

impl Tree {
    pub fn label(&self) -> String {
        match self {
            Tree::Builtin => "builtin".into(),
            Tree::Dir(d) => d.display().to_string(),
        }
    }

    /// Every file of the tree that the rulebook uses, sorted by relative path, not yet read.
    pub fn entries(&self) -> Result<Vec<Entry>, Problem> {
        let mut found = Vec::new();
        match self {
            Tree::Builtin => collect_builtin(&BUILTIN_RULES, &mut found),
            Tree::Dir(root) => {
                if !root.is_dir() {
                    return Err(Problem::new(
                        "granska::rules::dir",
                        format!("{} is not a folder", root.display()),
                    ));
                }
                let mut rels = Vec::new();
                collect_dir(root, root, &mut rels).map_err(|e| {
                    Problem::new(
                        "granska::io",
                        format!("cannot read {}: {e}", root.display()),
                    )
                })?;
                found.extend(rels.into_iter().map(|rel| (rel, None)));
            }
        }
        found.sort_by(|a, b| a.0.cmp(&b.0));
        let misplaced: Vec<&str> = found
            .iter()
            .map(|(rel, _)| rel.as_str())
            .filter(|rel| role_of(rel).is_none() && looks_like_rule_tree_file(rel))
            .collect();
        if !misplaced.is_empty() {
            return Err(misplaced_problem(&self.label(), &misplaced));
        }
        Ok(found
            .into_iter()
            .filter_map(|(rel, builtin)| role_of(&rel).map(|role| Entry { role, rel, builtin }))
            .collect())
    }

    /// Every file the rulebook uses except rule tests, read, sorted by relative path.
    pub fn files(&self) -> Result<Vec<TreeFile>, Problem> {
        self.entries()?
            .into_iter()
            .filter(|e| e.role != Role::Tests)
            .map(|e| {
                let file = self.read_entry(&e)?;
                Ok(TreeFile {
                    role: e.role,
                    rel: e.rel,
                    file,
                })
            })
            .collect()
    }

    pub fn read_entry(&self, entry: &Entry) -> Result<Arc<SourceFile>, Problem> {
        match entry.builtin {
            Some(bytes) => builtin_file(&entry.rel, bytes),
            None => self.read(&entry.rel),
        }
    }

    pub fn read(&self, rel: &str) -> Result<Arc<SourceFile>, Problem> {
        match self {
            Tree::Builtin => {
                let f = BUILTIN_RULES.get_file(rel).ok_or_else(|| {
                    Problem::new("granska::io", format!("no built-in rule file {rel}"))
                })?;
                builtin_file(rel, f.contents())
            }
            Tree::Dir(root) => read_source(&root.join(rel)),
        }
    }
}

/// A file of a rule tree, found but not read (rule tests are only read by `rules test`).
#[derive(Debug, Clone)]
pub struct Entry {
    pub role: Role,
    /// Path relative to the tree root, with `/`.
    pub rel: String,
    /// The contents, for an embedded file.
    builtin: Option<&'static [u8]>,
}

fn builtin_file(rel: &str, bytes: &[u8]) -> Result<Arc<SourceFile>, Problem> {
    let name = format!("builtin:rules/{rel}");
    source_from_bytes(&name, Path::new(&name), bytes.to_vec())
}

/// A scenario file named by a test case: on disk, or (for built-in tests) in the embedded
/// `rules/` and `scenarios/` folders, resolved like a relative path from the repository root.
pub fn read_builtin_repo_file(repo_rel: &str) -> Option<Arc<SourceFile>> {
    let (dir, rest) = if let Some(r) = repo_rel.strip_prefix("rules/") {
        (&BUILTIN_RULES, r)
    } else if let Some(r) = repo_rel.strip_prefix("scenarios/") {
        (&BUILTIN_SCENARIOS, r)
    } else {
        return None;
    };
    let f = dir.get_file(rest)?;
    let name = format!("builtin:{repo_rel}");
    source_from_bytes(&name, Path::new(&name), f.contents().to_vec()).ok()
}

/// The built-in worked scenarios (embedded for the built-in rule tests that name them).
pub fn builtin_scenarios() -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<_> = BUILTIN_SCENARIOS
        .files()
        .filter(|f| f.path().extension().is_some_and(|e| e == "yaml"))
        .map(|f| (f.path().display().to_string(), f.contents().to_vec()))
        .collect();
    out.sort();
    out
}

fn role_of(rel: &str) -> Option<Role> {
    let parts: Vec<&str> = rel.split('/').collect();
    let name = *parts.last()?;
    match parts.as_slice() {
        ["lib", n] if n.ends_with(".rhai") => Some(Role::Lib),
        ["data", n] if n.ends_with(".yaml") => Some(Role::Data),
        [_, "tests", n] if n.ends_with(".yaml") => Some(Role::Tests),
        _ if name == "facts.yaml" && parts.len() <= 2 => Some(Role::Facts),
        ["areas.yaml"] => Some(Role::Areas),
        [area, n] if n.ends_with(".rhai") && *area != "tests" => Some(Role::Rule {
            area: area.to_string(),
        }),
        _ => None,
    }
}

/// A file the rulebook would skip although it looks meant for it: a script outside an area
/// or `lib/` folder, or a YAML file beside the rules rather than in `data/` or `tests/`.
/// Skipping it silently would let a rule that never runs, or tests that never run, pass.
/// Hidden files and Rhai definition files (`*.d.rhai`, for editors) are not rule files.
fn looks_like_rule_tree_file(rel: &str) -> bool {
    let parts: Vec<&str> = rel.split('/').collect();
    let name = parts.last().copied().unwrap_or_default();
    if parts.iter().any(|p| p.starts_with('.')) || name.ends_with(".d.rhai") {
        return false;
    }
    name.ends_with(".rhai")
        || (name.ends_with(".yaml") && parts.len() <= 2)
        || (name.ends_with(".yml") && parts.len() <= 3)
}

fn misplaced_problem(tree: &str, rels: &[&str]) -> Problem {
    let (them, it) = if rels.len() == 1 {
        ("this file", "it")
    } else {
        ("these files", "them")
    };
    Problem::new(
        "granska::rules::layout",
        format!(
            "{tree}: {them} would be ignored, so a rule or test in {it} would never run: {}",
            rels.join(", ")
        ),
    )
    .help(
        "a rule goes in an area folder (<folder>/<area>/<name>.rhai), shared functions in \
         <folder>/lib/, reference data in <folder>/data/<id>.yaml, rule tests in \
         <folder>/<area>/tests/<name>.yaml; files end in .yaml, not .yml (rules/README.md)",
    )
}

/// Paths with contents: looking a file up again by path walks the tree each time.
fn collect_builtin(dir: &Dir<'static>, out: &mut Vec<(String, Option<&'static [u8]>)>) {
    for f in dir.files() {
        out.push((
            f.path().to_string_lossy().replace('\\', "/"),
            Some(f.contents()),
        ));
    }
    for d in dir.dirs() {
        collect_builtin(d, out);
    }
}

fn collect_dir(root: &Path, dir: &Path, out: &mut Vec<String>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            collect_dir(root, &path, out)?;
        } else if kind.is_file()
            && let Ok(rel) = path.strip_prefix(root)
        {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles() {
        assert_eq!(
            role_of("gdpr/gdpr-x.rhai"),
            Some(Role::Rule {
                area: "gdpr".into()
            })
        );
        assert_eq!(role_of("lib/pd.rhai"), Some(Role::Lib));
        assert_eq!(role_of("data/eu-eea.yaml"), Some(Role::Data));
        assert_eq!(role_of("gdpr/tests/t.yaml"), Some(Role::Tests));
        assert_eq!(role_of("gdpr/tests/scenarios/s.yaml"), None);
        assert_eq!(role_of("facts.yaml"), Some(Role::Facts));
        assert_eq!(role_of("osl/facts.yaml"), Some(Role::Facts));
        assert_eq!(role_of("README.md"), None);
    }

    #[test]
    fn files_the_rulebook_would_skip_are_named() {
        for rel in [
            "scope.rhai",
            "gdpr/extra/scope.rhai",
            "lib/sub/helpers.rhai",
            "eu-eea.yaml",
            "gdpr/scope.yaml",
            "gdpr/tests/scope.yml",
            "data/eu-eea.yml",
        ] {
            assert!(
                role_of(rel).is_none() && looks_like_rule_tree_file(rel),
                "{rel}"
            );
        }
        for rel in [
            "granska.d.rhai",
            "README.md",
            ".github/workflows/ci.yml",
            "gdpr/.scope.rhai.swp",
            "gdpr/tests/scenarios/case.yaml",
        ] {
            assert!(!looks_like_rule_tree_file(rel), "{rel}");
        }
    }
}
