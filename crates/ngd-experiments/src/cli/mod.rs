//! The `ngd` command line: the harness's subcommands (`list`, `run`, `reproduce`, `run-job`,
//! `plan-status`, `report`) for the paper's experiments ([`STUDY`]), plus `bench` ([`args`],
//! [`mod@bench`]).
//!
//! **BLAS threads.** OpenBLAS reads `OPENBLAS_NUM_THREADS` once, when the library is loaded, so
//! with `--jobs N > 1` (or `bench --threads T`) the harness re-executes the binary with the
//! variable set (1 for parallel runs, `T` for benches; see [`ngd_harness::cli`]).

pub mod args;
pub mod bench;

use crate::experiments::registry;
use args::BenchArgs;
use ngd_harness::cli::{Extension, Study};
use ngd_harness::error::Error;
use ngd_harness::report::ReportTitle;

/// The paper's study as the harness sees it.
pub const STUDY: Study = Study {
    binary: "ngd",
    about: "Exact natural gradient vs Euclidean gradient descent in deep linear models: run \
            the experiments of \"Depth without the magic\" and write results, plots and a report.",
    report: ReportTitle {
        title: "Reproduction report: \"Depth without the magic\"",
        tool: "ngd",
        version: env!("CARGO_PKG_VERSION"),
    },
    experiments: registry,
    thread_env: Some("OPENBLAS_NUM_THREADS"),
    revision: crate::GIT_REVISION,
};

/// The subcommands `ngd` adds to the harness's.
#[derive(Debug, clap::Subcommand)]
pub enum NgdCommand {
    /// Time one computational kernel; prints a last line `CASE seconds_per_step=<float>`.
    Bench(BenchArgs),
}

impl Extension for NgdCommand {
    fn thread_count(&self) -> Option<String> {
        match self {
            NgdCommand::Bench(b) => b.threads.map(|t| t.to_string()),
        }
    }

    fn run(self, _study: &Study) -> Result<(), Error> {
        match self {
            NgdCommand::Bench(b) => bench::bench(&b),
        }
    }
}

/// Runs `ngd`; returns the process exit code (0, 1 run failure, 2 usage/config mistake).
pub fn main() -> i32 {
    ngd_harness::cli::main::<NgdCommand>(&STUDY)
}
