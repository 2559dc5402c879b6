//! A reusable experiment harness: a study is a list of [`Experiment`]s, each a config type, a
//! plan of independent runs, one run, and a `finish` that turns stored runs into files. The
//! harness runs plans (worker threads, `--resume`, checkpoints, progress), loads and validates
//! layered configs, writes results atomically, draws plots, renders the report with claims and
//! verdicts, and provides the command line of the study (`list`, `run`, `reproduce`, `run-job`
//! for Slurm arrays, `plan-status`, `report`). It knows nothing of any particular study.
//!
//! - [`experiment`]: the [`Experiment`] trait and the records it exchanges;
//! - [`config`]: presets, layered TOML configs, range checks;
//! - [`convergence`]: the one definition of a converged run, per loss;
//! - [`context`]: [`RunContext`] — seeds, progress, checkpoints, solver routes;
//! - [`checkpointed`]: the one checkpointed-run loop ([`checkpointed::run_checkpointed`]);
//! - [`inputs`]: inputs read once per command and identified by their SHA-256;
//! - [`memory`]: a run's peak memory estimated from its config and checked before work;
//! - [`runner`]: parallel execution with resume; [`workers`]: the worker threads;
//! - [`registry`]: type-erased experiments for the command line;
//! - [`output`]: atomic writes, results layout, CSV/JSON, manifest;
//! - [`plot`]: SVG + PNG figures with a bundled font;
//! - [`report`]: `REPORT.md` and a self-contained `REPORT.html`;
//! - [`cli`]: the command line of a [`cli::Study`].

pub mod checkpointed;
pub mod cli;
pub mod config;
pub mod context;
pub mod convergence;
pub mod error;
pub mod experiment;
pub mod inputs;
pub mod memory;
pub mod output;
pub mod plot;
pub mod progress;
pub mod registry;
pub mod report;
pub mod runner;
pub mod workers;

pub use config::Preset;
pub use context::{CheckpointEvery, RunContext, derive_run_seed};
pub use error::{ConfigError, Error, RunError};
pub use experiment::{
    Claim, DivergedRun, Experiment, ExperimentSummary, Figure, RunRecord, RunSpec, Verdict,
};
pub use output::ExperimentDir;
