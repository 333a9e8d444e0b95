//! The granska binary: parse the command line, run, exit with the status's code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = granska::cli::Cli::parse();
    granska::app::run(cli).into()
}
