//! Project automation in the `xtask` pattern: `cargo xtask <command>`.
//!
//! - `cargo xtask reproduce [ARGS…]` — set-up check, then the release build of the `ngd` binary
//!   and `ngd reproduce ARGS…` (every figure's data, plots and the report).
//! - `cargo xtask test` — set-up check, then the tidy checks, formatting, clippy with
//!   `-D warnings`, the whole test suite in release mode, the documentation build without
//!   warnings, the Python package's pytest suite in a private venv ([`python`]), the NumPy
//!   re-check of the quick preset's outputs ([`recheck`]), the browser test of the report
//!   ([`browser_test`]) and the real-Slurm test.
//! - `cargo xtask setup` — only the set-up check (installs what is missing when it can).
//! - `cargo xtask py-test` — only the Python step of `test`.
//! - `cargo xtask tidy` — the structural invariants ([`tidy`]): dependencies run one way, the
//!   library crates touch no file, terminal or clock, no source file exceeds 400 lines.
//! - `cargo xtask slurm submit|status|resubmit|collect` — every run of a plan as one task of a
//!   Slurm job array ([`slurm`], `docs/cluster.md`); the study's binary is the paper's `ngd`
//!   unless `--package` / `--bin` name another (e.g. `ngd-example-study` / `example-study`).
//! - `cargo xtask browser-test` — a small report checked in headless Chromium (a step of
//!   `test`, skipped with a message where Chromium cannot be found or installed).
//! - `cargo xtask slurm-test` — those commands against a real single-node Slurm (as root; the
//!   last step of `cargo xtask test`, skipped with a message where it cannot run).
//!
//! xtask itself never links OpenBLAS: it only checks that the system library is present and
//! installs it when it runs as root on a Debian-like system (see [`setup`]).

mod browser_test;
mod cargo;
mod python;
mod recheck;
mod setup;
mod slurm;
mod slurm_test;
mod tidy;
mod tidy_manifest;

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
    /// Builds the `ngd` binary in release mode, then runs `ngd reproduce ARGS…`. Its main
    /// options: `--preset quick|paper`, `--only fig4,fig5`, `--jobs N`, `--resume`, `--seed S`,
    /// `--out DIR`, `--open` (open REPORT.html afterwards). Example:
    /// `cargo xtask reproduce --preset quick --only fig2,fig3 --open`. Every option of
    /// `ngd reproduce` works here; `ngd reproduce --help` (after a build) lists them all.
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
        /// Skip the browser test of the report (`cargo xtask browser-test`).
        #[arg(long)]
        no_browser: bool,
    },
    /// Check a small report in headless Chromium (installs Debian's `chromium` as root if
    /// missing; skipped with a message otherwise). A step of `test`.
    BrowserTest {
        /// Experiments of the quick preset whose report is checked.
        #[arg(long, default_value = BROWSER_TEST_ONLY)]
        only: String,
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

/// The quick-preset experiments of the browser test (about a second together).
const BROWSER_TEST_ONLY: &str = "fig2,fig3,theorems,egd-demo";

/// The help of `cargo xtask reproduce` (printed without building anything).
fn reproduce_help() -> String {
    let mut command = <Cli as clap::CommandFactory>::command();
    command.build();
    command
        .find_subcommand_mut("reproduce")
        .map(|c| c.render_long_help().to_string())
        .unwrap_or_default()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Reproduce { args } if args.iter().any(|a| a == "--help" || a == "-h") => {
            print!("{}", reproduce_help());
            Ok(())
        }
        Command::Reproduce { args } => setup::ensure().and_then(|()| cargo::reproduce(&args)),
        Command::Test {
            tests_only,
            no_slurm,
            no_browser,
        } => setup::ensure()
            .and_then(|()| cargo::test(tests_only))
            .and_then(|()| python::test())
            .and_then(|()| {
                if no_browser {
                    eprintln!("xtask: browser-test: skipped (--no-browser)");
                    Ok(())
                } else {
                    browser_test::run(BROWSER_TEST_ONLY)
                }
            })
            .and_then(|()| {
                if no_slurm {
                    eprintln!("xtask: slurm-test: skipped (--no-slurm)");
                    Ok(())
                } else {
                    slurm_test::run("egd-demo", &cargo::StudyBinary::default())
                }
            }),
        Command::BrowserTest { only } => setup::ensure().and_then(|()| browser_test::run(&only)),
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

#[cfg(test)]
mod tests {
    use super::reproduce_help;

    #[test]
    fn reproduce_help_is_xtasks_own() {
        let help = reproduce_help();
        assert!(help.contains("Usage: cargo xtask reproduce"), "{help}");
        assert!(
            help.contains("--only fig4,fig5") && help.contains("--open"),
            "{help}"
        );
        assert!(!help.contains("ngd reproduce [OPTIONS]"), "{help}");
    }
}
