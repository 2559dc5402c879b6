//! Experiment framework and runners reproducing "Depth without the magic: inductive bias of
//! natural gradient descent", and the `ngd` command-line tool.
//!
//! - [`experiment`]: the [`Experiment`] trait (config, plan of independent runs, one run,
//!   `finish`) and the records it exchanges;
//! - [`config`]: presets, layered TOML configs, range checks;
//! - [`context`]: [`RunContext`] — seeds, progress, checkpoints, solver routes;
//! - [`data_file`]: labelled classification data from CSV files, with validation;
//! - [`runner`]: parallel execution with resume;
//! - [`registry`]: type-erased experiments for the command line;
//! - [`output`]: atomic writes, results layout, CSV/JSON, manifest;
//! - [`plot`]: SVG + PNG figures with a bundled font;
//! - [`report`]: `REPORT.md` and a self-contained `REPORT.html`;
//! - [`experiments`]: the registered experiments;
//! - [`mod@bench`]: the workloads of `ngd bench`;
//! - [`cli`]: the `ngd` command line.

pub mod bench;
pub mod cli;
pub mod config;
pub mod context;
pub mod data_file;
pub mod error;
pub mod experiment;
pub mod experiments;
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
