//! A study of one's own on the ngd harness: the harness alone gives it presets, layered configs
//! with checked keys, a plan of independent runs, worker threads, `--resume` and checkpoints,
//! `run-job` / `plan-status` for Slurm arrays, CSV and plots, and a section of the report.
//!
//! The study: estimate the mean `μ` of `U[0, 2μ]` by the stochastic recursion
//! `x_t = x_{t−1} − η_t (x_{t−1} − z_t)`, `x_0 = 0`. With the harmonic step `η_t = 1/t`, `x_t`
//! is the running sample mean, whose error `E|x_t − μ|` falls like `σ √(2/π) / √t`
//! (`σ² = μ²/3`), a log-log slope of −½; a constant step `η` stalls at an error of order
//! `σ √(η / (2 − η))`. The claim checked is that slope.

mod running_mean;

pub use running_mean::{RunningMean, RunningMeanConfig, Schedule};

use ngd_harness::cli::Study;
use ngd_harness::registry::DynExperiment;
use ngd_harness::report::ReportTitle;

/// Every experiment of the study.
pub fn experiments() -> Vec<&'static dyn DynExperiment> {
    vec![&RunningMean]
}

/// The study as the harness sees it.
pub const STUDY: Study = Study {
    binary: "example-study",
    about: "An example study on the ngd harness: stochastic estimation of a mean with a \
            harmonic or a constant step.",
    report: ReportTitle {
        title: "Example study: stochastic estimation of a mean",
        tool: "example-study",
        version: env!("CARGO_PKG_VERSION"),
    },
    experiments,
    thread_env: None,
    // This example records no revision; a study whose results must name their code records
    // `git rev-parse HEAD` in a build script, as `ngd-experiments/build.rs` does.
    revision: "unknown",
};
