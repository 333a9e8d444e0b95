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
    /// Work with the rulebook: list, show, test.
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
    pub format: CheckFormat,
    /// Exit 1 when a finding at or above this severity stands.
    #[arg(long, value_enum, default_value = "blocker")]
    pub fail_on: FailOn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Human,
    Json,
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
    },
}
