//! Writes synthetic scenarios — the batch benchmark's generator — into a folder: to try
//! `granska check` on a large batch, or to train a profile-guided build
//! (`scripts/pgo-build.sh`) on the same kind of work the benchmark measures.
//!
//! ```text
//! cargo run --example generate -- DIR [--count N] [--first I] [--assets A] [--suppliers S]
//! ```
//! Scenario number `i` is the same file on every machine. The benchmark uses numbers
//! `0..1000`; training uses others, so that a profile is not fitted to the files it is
//! measured on.

#[path = "../benches/generate.rs"]
mod generate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

#[derive(Parser)]
#[command(
    about = "Write generated scenarios (by default 30 assets, 10 suppliers each) into a folder"
)]
struct Args {
    /// The folder to write into (created if missing).
    dir: PathBuf,
    /// How many scenarios to write.
    #[arg(long, default_value_t = 1000)]
    count: usize,
    /// The number of the first scenario.
    #[arg(long, default_value_t = 0)]
    first: usize,
    /// Information assets per scenario (at least 30): a large organisation's inventory.
    #[arg(long, default_value_t = generate::ASSETS)]
    assets: usize,
    /// Top-level suppliers per scenario (each with 0–3 subcontractors).
    #[arg(long, default_value_t = generate::SUPPLIERS)]
    suppliers: usize,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let Some(end) = args.first.checked_add(args.count) else {
        eprintln!("error: --first plus --count is too large");
        return ExitCode::from(2);
    };
    let sized =
        generate::write_scenarios_sized(&args.dir, args.first..end, args.assets, args.suppliers);
    match sized {
        Ok(()) => {
            eprintln!(
                "wrote {} scenarios to {}",
                args.count,
                args.dir.to_string_lossy()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot write to {}: {e}", args.dir.to_string_lossy());
            ExitCode::from(2)
        }
    }
}
