//! The granska binary: parse the command line, run, exit with the status's code.

use std::process::ExitCode;

use clap::Parser;

/// Evaluating a scenario allocates and frees many small values (script values, strings,
/// YAML nodes); mimalloc does that markedly faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = granska::cli::Cli::parse();
    granska::app::run(cli).into()
}
