//! The command line as data (clap derive). Doc comments here are the `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::lang::Lang;

/// Check a proposal to outsource public-sector IT against the law in force on its
/// decision date: OSL, PUL/GDPR, säkerhetsskyddslagen and MSB/SKR recommendations.
#[derive(Debug, Parser)]
#[command(name = "granska", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args, Clone)]
pub struct RuleArgs {
    /// Add a rule folder (repeatable); its rules override built-in rules with the same id.
    #[arg(long = "rules", value_name = "DIR", global = true)]
    pub rules: Vec<PathBuf>,
    /// Use only the --rules folders, not the built-in rulebook.
    #[arg(long, global = true)]
    pub no_default_rules: bool,
    /// Language of messages.
    #[arg(long, value_enum, default_value = "sv", global = true)]
    pub lang: Lang,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Judge scenarios (files or folders; default: scenarios/).
    Check(CheckArgs),
    /// Why is the decision blocked, and what to fix first.
    Explain(ExplainArgs),
    /// Export the explanation graph.
    Graph(GraphArgs),
    /// Write a decision report for a steering group (self-contained HTML or Markdown).
    Report(ReportArgs),
    /// Print the JSON Schema of the scenario format (for editor completion).
    Schema(SchemaArgs),
    /// Write a commented starting scenario.
    Init(InitArgs),
    /// Work with the rulebook: list, show, test, lint, doc.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
        #[command(flatten)]
        rules: RuleArgs,
    },
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario files or folders.
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Judge under the law on DATE (YYYY-MM-DD) instead of decision.date.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    #[arg(long, value_enum, default_value = "human")]
    pub format: crate::report::Format,
    /// Exit 1 when a finding at or above this severity stands.
    #[arg(long, value_enum, default_value = "blocker")]
    pub fail_on: FailOn,
    /// Compare with git revision REV: for scenario files changed since REV, which findings
    /// are new, which are resolved, and whether the verdict changed.
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// Print the time each rule took, summed over all scenarios, to stderr (for rule authors).
    #[arg(long)]
    pub timings: bool,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    pub scenario: PathBuf,
    /// Where to write the report.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
    #[arg(long, value_enum, default_value = "html")]
    pub format: ReportFormat,
    #[command(flatten)]
    pub rules: RuleArgs,
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Html,
    Markdown,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Write to FILE instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Fail if FILE is not the current schema (for CI and pre-commit).
    #[arg(long, requires = "output")]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The file to write (default: scenario.yaml).
    pub file: Option<PathBuf>,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Blocker,
    Major,
    Minor,
    Never,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    pub scenario: PathBuf,
    /// Explain one finding: a rule id, optionally `RULE@path`.
    #[arg(long)]
    pub finding: Option<String>,
    #[command(flatten)]
    pub rules: RuleArgs,
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    pub scenario: PathBuf,
    #[arg(long, value_enum, default_value = "dot")]
    pub format: GraphFormat,
    #[command(flatten)]
    pub rules: RuleArgs,
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Dot,
    Mermaid,
    /// An SVG drawing, laid out without Graphviz.
    Svg,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the rules (id, severity, in force, citation).
    List {
        /// Only rules in force on DATE.
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Only rules of this area (osl, pul, gdpr, sakerhetsskydd, msb, general).
        #[arg(long)]
        area: Option<String>,
    },
    /// Show one rule: metadata and source.
    Show { id: String },
    /// Run the rule tests (cases in <area>/tests/*.yaml).
    Test {
        /// Only cases whose name or rule ids match REGEX.
        #[arg(long, value_name = "REGEX")]
        filter: Option<String>,
        /// Fail when less than PERCENT of the rules are fully covered.
        #[arg(long, value_name = "PERCENT")]
        fail_under: Option<f64>,
    },
    /// Check rule files without running them.
    Lint,
    /// Write the rule catalogue (Markdown, one page per area, and an index).
    Doc {
        #[arg(short = 'o', long = "output", value_name = "DIR")]
        output: PathBuf,
        /// Fail if DIR does not hold the current catalogue.
        #[arg(long)]
        check: bool,
    },
    /// Write the Rhai definitions file (.d.rhai) for editor support.
    Defs {
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
        /// Fail if FILE is not current.
        #[arg(long)]
        check: bool,
    },
}
