//! Project automation in the `xtask` pattern: `cargo xtask <command>`.
//!
//! - `cargo xtask reproduce [ARGS…]` — set-up check, then the release build of the `ngd` binary
//!   and `ngd reproduce ARGS…` (every figure's data, plots and the report).
//! - `cargo xtask test` — set-up check, then formatting, clippy with `-D warnings`, the whole
//!   test suite in release mode and the documentation build without warnings.
//! - `cargo xtask setup` — only the set-up check (installs what is missing when it can).
//!
//! xtask itself never links OpenBLAS: it only checks that the system library is present and
//! installs it when it runs as root on a Debian-like system (see [`setup`]).

mod cargo;
mod setup;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Project automation for the ngd workspace.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Regenerate every figure's data and plots and write the report.
    ///
    /// All arguments are passed to `ngd reproduce` (built in release mode); run
    /// `cargo xtask reproduce --help` to see them.
    #[command(disable_help_flag = true)]
    Reproduce {
        /// Arguments for `ngd reproduce` (e.g. `--preset quick --only fig4 --jobs 2 --resume`).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Run formatting and lint checks, the whole test suite in release mode, and the docs build.
    Test {
        /// Skip `cargo fmt --check`, clippy and the docs build; run only the tests.
        #[arg(long)]
        tests_only: bool,
    },
    /// Check (and, as root on Debian/Ubuntu, install) the system libraries the build needs.
    Setup,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Reproduce { args } => setup::ensure().and_then(|()| cargo::reproduce(&args)),
        Command::Test { tests_only } => setup::ensure().and_then(|()| cargo::test(tests_only)),
        Command::Setup => setup::ensure(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}
