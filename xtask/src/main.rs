//! Project automation in the `xtask` pattern: `cargo xtask <command>`.
//!
//! - `cargo xtask reproduce [ARGS…]` — set-up check, then the release build of the `ngd` binary
//!   and `ngd reproduce ARGS…` (every figure's data, plots and the report).
//! - `cargo xtask test` — set-up check, then the tidy checks, formatting, clippy with
//!   `-D warnings`, the whole test suite in release mode, the documentation build without
//!   warnings, the Python package's pytest suite in a private venv ([`python`]), the NumPy
//!   re-check of the quick preset's outputs ([`recheck`]), and the real-Slurm test.
//! - `cargo xtask setup` — only the set-up check (installs what is missing when it can).
//! - `cargo xtask py-test` — only the Python step of `test`.
//! - `cargo xtask tidy` — the structural invariants ([`tidy`]): dependencies run one way, the
//!   library crates touch no file, terminal or clock, no source file exceeds 400 lines.
//! - `cargo xtask slurm submit|status|resubmit|collect` — every run of a plan as one task of a
//!   Slurm job array ([`slurm`], `docs/cluster.md`); the study's binary is the paper's `ngd`
//!   unless `--package` / `--bin` name another (e.g. `ngd-example-study` / `example-study`).
//! - `cargo xtask slurm-test` — those commands against a real single-node Slurm (as root; the
//!   last step of `cargo xtask test`, skipped with a message where it cannot run).
//!
//! xtask itself never links OpenBLAS: it only checks that the system library is present and
//! installs it when it runs as root on a Debian-like system (see [`setup`]).

mod cargo;
mod python;
mod recheck;
mod setup;
mod slurm;
mod slurm_test;
mod tidy;

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
        /// Skip the real-Slurm test (`cargo xtask slurm-test`).
        #[arg(long)]
        no_slurm: bool,
    },
    /// Check (and, as root on Debian/Ubuntu, install) the system libraries the build needs.
    Setup,
    /// Only the Python step of `test`: build the `ngd` package into `<target>/py-venv`, pytest.
    PyTest,
    /// Check the structural invariants: dependency direction, pure library crates, file length.
    Tidy,
    /// Run the plan's runs as a Slurm job array: `submit`, `status`, `resubmit`, `collect`.
    #[command(subcommand)]
    Slurm(slurm::SlurmCommand),
    /// Test the Slurm commands against a real single-node Slurm (as root; installs it with
    /// apt-get if missing; skipped with a message otherwise). The last step of `test`.
    SlurmTest {
        /// Experiments whose quick-preset plan is run on the cluster.
        #[arg(long, default_value = "egd-demo")]
        only: String,
        /// The study's binary (default: the paper's `ngd`).
        #[command(flatten)]
        study: cargo::StudyBinary,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Reproduce { args } => setup::ensure().and_then(|()| cargo::reproduce(&args)),
        Command::Test {
            tests_only,
            no_slurm,
        } => setup::ensure()
            .and_then(|()| cargo::test(tests_only))
            .and_then(|()| python::test())
            .and_then(|()| {
                if no_slurm {
                    eprintln!("xtask: slurm-test: skipped (--no-slurm)");
                    Ok(())
                } else {
                    slurm_test::run("egd-demo", &cargo::StudyBinary::default())
                }
            }),
        Command::Setup => setup::ensure(),
        Command::PyTest => setup::ensure().and_then(|()| python::test()),
        Command::Tidy => tidy::run(),
        Command::Slurm(command) => slurm::run(command),
        Command::SlurmTest { only, study } => {
            setup::ensure().and_then(|()| slurm_test::run(&only, &study))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}
