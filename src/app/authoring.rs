//! Commands for rule and scenario authors: `schema`, `init`, `rules lint|doc|defs`. Each
//! generated file has a `--check` mode for CI and pre-commit: exit 1 and name what is stale.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{ExitStatus, color_stdout, print_out, trees};
use crate::cli::{InitArgs, RuleArgs, SchemaArgs};
use crate::diag::{Problem, Problems, render_problems};
use crate::eval::api_docs;
use crate::report::catalogue;
use crate::rulebook::{Rulebook, Tree, lint as rulelint};
use crate::ruletest::coverage;

/// Where the committed schema lives in a repository, for the editor modeline `init` writes.
pub const SCHEMA_PATH: &str = "schema/scenario-v1.json";

fn io_problem(what: &str, path: &Path, e: std::io::Error) -> Problems {
    Problem::new(
        "granska::io",
        format!("cannot {what} {}: {e}", path.display()),
    )
    .into()
}

fn write_file(path: &Path, text: &str) -> Result<(), Problems> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| io_problem("create", dir, e))?;
    }
    std::fs::write(path, text).map_err(|e| io_problem("write", path, e))
}

/// Write `text` to `path`, or with `check` compare it and say whether the file is current.
fn write_or_check(path: &Path, text: &str, check: bool, how: &str) -> Result<ExitStatus, Problems> {
    if !check {
        write_file(path, text)?;
        print_out(&format!("wrote {}\n", path.display()))?;
        return Ok(ExitStatus::Clear);
    }
    match std::fs::read_to_string(path) {
        Ok(current) if current == text => {
            print_out(&format!("{} is current\n", path.display()))?;
            Ok(ExitStatus::Clear)
        }
        Ok(_) => {
            print_out(&format!("stale: {} (run `{how}`)\n", path.display()))?;
            Ok(ExitStatus::Findings)
        }
        Err(_) => {
            print_out(&format!("missing: {} (run `{how}`)\n", path.display()))?;
            Ok(ExitStatus::Findings)
        }
    }
}

/// The JSON Schema of the scenario format, as served to editors and other validators.
pub fn schema_text() -> String {
    let mut s =
        serde_json::to_string_pretty(crate::scenario::validate::schema()).unwrap_or_default();
    s.push('\n');
    s
}

pub fn schema(args: SchemaArgs) -> Result<ExitStatus, Problems> {
    let text = schema_text();
    match &args.output {
        None => {
            print_out(&text)?;
            Ok(ExitStatus::Clear)
        }
        Some(path) => write_or_check(
            path,
            &text,
            args.check,
            &format!("granska schema -o {}", path.display()),
        ),
    }
}

/// A commented starting scenario; `{DATE}` and `{MODELINE}` are filled in by `init`.
const TEMPLATE: &str = r#"{MODELINE}# A granska scenario: one outsourcing proposal and the decision to be taken on it.
# Fill it in, then run:   granska check {FILE}
#
# Anything you leave out is UNKNOWN, never "no": the rules then say what to fill in.
# To state a negative, say it: security_sensitive: false, secrecy: [],
# personal_data: { categories: [] }. Every key is described by `granska schema`.

granska: 1                              # format version
id: my-proposal                         # letters, digits and . _ -
title: Drift av ärendehanteringssystemet

organisation:
  name: Exempelkommunen
  type: municipality                    # municipality | region | municipal_company | state_agency
  security_protection_officer: true     # a säkerhetsskyddschef is appointed
  isms: true                            # an ISMS (LIS, ISO/IEC 27001) is in place

decision:
  kind: outsourcing                     # outsourcing | cloud_service | change_of_supplier | extension
  stage: planning                       # planning | procurement | contract | operation
  date: {DATE}                          # the law in force on this date is applied
  decided_by: Kommunstyrelsen
  summary: Drift av ärendehanteringssystemet hos en extern leverantör

governance:                             # who took part in preparing the decision
  participants: [management, it, procurement, security, information_security, legal, data_protection]

assets:                                 # the information assets: map them first
  - id: arenden
    name: Ärendehanteringssystemet
    classification:                     # consequence levels 0 none, 1 moderate, 2 significant,
      confidentiality: 2                #   3 serious, 4 extremely serious
      integrity: 2
      availability: 2
      traceability: 2
    secrecy: []                         # secrecy provisions covering the information; [] = none
    personal_data:
      categories: [ordinary]            # ordinary, personal_identity_number, health, criminal_offences, …
      protected_identities: false       # skyddade personuppgifter are in the data
      data_subjects: 5000
    security_classification: none       # none | begransat_hemlig | konfidentiell | hemlig | kvalificerat_hemlig
    security_sensitive: false           # part of säkerhetskänslig verksamhet
    critical_service: false             # must keep working in a crisis

suppliers:
  - id: leverantoren
    name: Leverantören AB
    country: SE                         # where it is established (ISO 3166-1 alpha-2)
    # parent_country: US                # the ultimate owner's jurisdiction, if different
    services: [operations, hosting]     # operations, hosting, storage, backup, service_desk, support, …
    access:
      - asset: arenden
        level: admin                    # none | metadata | read | write | admin
        from: [SE]                      # countries its staff reach it from
        storage: [SE]                   # countries where it is stored
    staff:
      security_cleared: false           # all staff with access are säkerhetsprövade
    certifications: [iso_27001]
    measures: [encryption_at_rest, encryption_in_transit, mfa, access_logging, backup_offsite]
    agreements: []                      # - { kind: data_processing, date: YYYY-MM-DD }
                                        # kinds: data_processing, confidentiality, security_protection
                                        # (with level: 1-3), transfer_scc, transfer_bcr, exit
    subprocessors_authorised: true      # the organisation has authorised the subcontractors below
    subcontractors: []                  # same shape as a supplier, at any depth

analyses: []                            # - { kind: risk_analysis, date: YYYY-MM-DD, assets: [arenden] }
                                        # kinds: risk_analysis, information_classification, dpia,
                                        # security_protection_analysis, special_security_assessment,
                                        # secrecy_assessment, transfer_impact_assessment,
                                        # continuity_plan, exit_plan
consultations: []                       # - { authority: imy, kind: prior_consultation, date: …, outcome: pending }
assessments: []                         # legal judgements a rule asked for: rule, party or asset,
                                        # conclusion (compliant | not_compliant), by, date, reference
waivers: []                             # only recommendations can be waived: rule, reason,
                                        # decided_by, date, expires
"#;

/// The relative path from `dir` to the nearest `schema/scenario-v1.json` at or above it.
/// `dir` may not exist yet (`init` creates it).
fn schema_from(dir: &Path) -> Option<String> {
    let abs = if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(dir)
    };
    let mut existing = abs.as_path();
    let mut missing = 0;
    while !existing.exists() {
        existing = existing.parent()?;
        missing += 1;
    }
    let existing = std::fs::canonicalize(existing).ok()?;
    for (up, ancestor) in existing.ancestors().enumerate() {
        if ancestor.join(SCHEMA_PATH).is_file() {
            return Some(format!("{}{SCHEMA_PATH}", "../".repeat(up + missing)));
        }
    }
    None
}

fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    chrono::DateTime::from_timestamp(secs as i64, 0)
        .map(|t| t.date_naive().to_string())
        .unwrap_or_else(|| "2026-01-01".into())
}

/// The starting scenario for `file`, dated `date`.
pub fn template(file: &Path, date: &str) -> String {
    let dir = file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let modeline = match schema_from(dir) {
        Some(rel) => format!("# yaml-language-server: $schema={rel}\n"),
        None => "# Editor completion: write the schema with `granska schema -o scenario-v1.json` and put\n\
                 # `yaml-language-server: $schema=scenario-v1.json` in a comment on the first line.\n"
            .to_string(),
    };
    TEMPLATE
        .replace("{MODELINE}", &modeline)
        .replace("{DATE}", date)
        .replace("{FILE}", &file.display().to_string())
}

pub fn init(args: InitArgs) -> Result<ExitStatus, Problems> {
    let file = args.file.unwrap_or_else(|| PathBuf::from("scenario.yaml"));
    if file.exists() && !args.force {
        return Err(Problem::new(
            "granska::usage",
            format!("{} already exists", file.display()),
        )
        .help("choose another file name, or overwrite it with --force")
        .into());
    }
    write_file(&file, &template(&file, &today()))?;
    print_out(&format!(
        "wrote {}; fill it in and run `granska check {}`\n",
        file.display(),
        file.display()
    ))?;
    Ok(ExitStatus::Clear)
}

/// The trees whose rules `lint` reports on: the `--rules` folders when they come on top of the
/// built-in rulebook (your rules, judged against the whole book), otherwise everything loaded.
fn lint_targets(args: &RuleArgs) -> Vec<Tree> {
    if !args.no_default_rules && !args.rules.is_empty() {
        args.rules.iter().cloned().map(Tree::Dir).collect()
    } else {
        trees(args)
    }
}

pub fn lint(rulebook: &Rulebook, args: &RuleArgs) -> Result<ExitStatus, Problems> {
    let report = rulelint::lint(rulebook, &trees(args), &lint_targets(args));
    for note in &report.notes {
        super::print_err(&format!("note: {note}\n"));
    }
    if report.problems.is_empty() {
        print_out(&format!("{} rules checked: no problems\n", report.rules))?;
        return Ok(ExitStatus::Clear);
    }
    print_out(&render_problems(&report.problems, color_stdout()))?;
    let files: std::collections::BTreeSet<String> = report
        .problems
        .0
        .iter()
        .filter_map(|p| p.file.as_ref().map(|f| f.name.clone()))
        .collect();
    print_out(&format!(
        "{} rules checked: {} problem(s) in {} file(s)\n",
        report.rules,
        report.problems.len(),
        files.len()
    ))?;
    Ok(ExitStatus::Findings)
}

/// The catalogue pages for this rulebook.
pub fn catalogue_pages(rulebook: &Rulebook) -> Result<BTreeMap<String, String>, Problems> {
    let cases = coverage::index(rulebook)?;
    Ok(catalogue::catalogue(rulebook, &cases))
}

/// Generated Markdown files already in `dir` (they carry the marker line).
fn generated_in(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return vec![];
    };
    let mut out: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .filter(|p| std::fs::read_to_string(p).is_ok_and(|t| t.starts_with(catalogue::MARKER)))
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    out.sort();
    out
}

pub fn doc(rulebook: &Rulebook, dir: &Path, check: bool) -> Result<ExitStatus, Problems> {
    let pages = catalogue_pages(rulebook)?;
    let obsolete: Vec<String> = generated_in(dir)
        .into_iter()
        .filter(|n| !pages.contains_key(n))
        .collect();
    if check {
        let mut stale = Vec::new();
        for (name, text) in &pages {
            match std::fs::read_to_string(dir.join(name)) {
                Ok(current) if &current == text => {}
                Ok(_) => stale.push(format!("stale: {}", dir.join(name).display())),
                Err(_) => stale.push(format!("missing: {}", dir.join(name).display())),
            }
        }
        stale.extend(
            obsolete
                .iter()
                .map(|n| format!("obsolete: {}", dir.join(n).display())),
        );
        if stale.is_empty() {
            print_out(&format!(
                "{} is current ({} files)\n",
                dir.display(),
                pages.len()
            ))?;
            return Ok(ExitStatus::Clear);
        }
        for s in &stale {
            print_out(&format!("{s}\n"))?;
        }
        print_out(&format!(
            "the catalogue in {} is out of date: run `granska rules doc -o {}`\n",
            dir.display(),
            dir.display()
        ))?;
        return Ok(ExitStatus::Findings);
    }
    std::fs::create_dir_all(dir).map_err(|e| io_problem("create", dir, e))?;
    for (name, text) in &pages {
        write_file(&dir.join(name), text)?;
    }
    for name in &obsolete {
        std::fs::remove_file(dir.join(name))
            .map_err(|e| io_problem("remove", &dir.join(name), e))?;
    }
    print_out(&format!(
        "wrote {} files to {}\n",
        pages.len(),
        dir.display()
    ))?;
    Ok(ExitStatus::Clear)
}

/// `rules defs -o FILE`: the Rhai definitions file, or with a `.md` FILE the Markdown reference.
pub fn defs_text(file: &Path) -> String {
    if file.extension().is_some_and(|x| x == "md") {
        api_docs::markdown()
    } else {
        api_docs::definitions()
    }
}

pub fn defs(_rulebook: &Rulebook, file: &Path, check: bool) -> Result<ExitStatus, Problems> {
    write_or_check(
        file,
        &defs_text(file),
        check,
        &format!("granska rules defs -o {}", file.display()),
    )
}
