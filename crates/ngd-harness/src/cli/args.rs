//! The command line of a study (clap derive). Every option is explained in `--help`.

use super::Extension;
use crate::config::Preset;
use crate::context::CheckpointEvery;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// What `--help` says about results and exit codes, after the study's own description.
pub const RESULTS_HELP: &str = "Results go to `<out>/<experiment>/` (data.csv, manifest.json, \
    summary.json, plots as SVG and PNG, runs/, checkpoints/). The default `<out>` is \
    `experiments/results` under the workspace root (the nearest ancestor of the current folder \
    with a `[workspace]` Cargo.toml, else the workspace the binary was built from). Exit codes: \
    0 success, 1 run failure, 2 usage or config mistake.";

/// The command line of a study (name and description are set from [`super::Study`]).
#[derive(Debug, Parser)]
#[command(version)]
pub struct Cli<X: Extension> {
    /// What to do.
    #[command(subcommand)]
    pub command: Command<X>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command<X: Extension> {
    /// List the experiments with their description, runs and estimated time per preset.
    ///
    /// Times are calibrated on this machine from the results already under `--out` (the
    /// measured seconds per unit of estimated cost of the stored runs, scaled to each preset);
    /// an experiment without stored results shows its cost in work units instead.
    List(ListArgs),
    /// Print an experiment's config as TOML that `--config` accepts: every key with its default,
    /// and as comments its doc, type, allowed values and the other presets' values.
    ///
    /// Example: `ngd config fig2 --preset quick > fig2.toml`, edit it, then
    /// `ngd run fig2 --config fig2.toml`.
    Config(ConfigArgs),
    /// Run one experiment and write its results.
    Run(RunArgs),
    /// Run all (or the listed) experiments, then write REPORT.md and REPORT.html.
    Reproduce(ReproduceArgs),
    /// Run exactly one run of a plan written by `reproduce --plan` (for job arrays).
    RunJob(RunJobArgs),
    /// Print, as JSON, which runs of a plan have their result under `--out` (done / missing).
    PlanStatus(PlanStatusArgs),
    /// Rebuild REPORT.md and REPORT.html from the results already under `--out`.
    Report(ReportArgs),
    /// The study's own subcommands.
    #[command(flatten)]
    Extra(X),
}

/// Options shared by `run` and `reproduce`.
#[derive(Debug, Clone, Args)]
pub struct ExecArgs {
    /// Parameter preset: `quick` (small, minutes) or `paper` (the paper's sizes).
    #[arg(long, value_enum, default_value_t = Preset::Quick)]
    pub preset: Preset,
    /// Experiment seed; each run's seed is derived from it and the run id.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Results root (default: `<workspace>/experiments/results`).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Worker threads running independent runs in parallel (results do not depend on it;
    /// default: the number of cores). OpenBLAS runs with one thread per process unless
    /// `OPENBLAS_NUM_THREADS` is set, whatever `--jobs` (results depend on the BLAS thread
    /// count, not on `--jobs`).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub jobs: Option<u32>,
    /// Skip runs whose result file exists (same config and seed) and restart interrupted runs
    /// from their checkpoints.
    #[arg(long)]
    pub resume: bool,
    /// Checkpoint interval: seconds (`30s`), steps (`1000`) or `never`.
    #[arg(long, value_name = "SECONDS_OR_STEPS", default_value = "300s", value_parser = parse_every)]
    pub checkpoint_every: CheckpointEvery,
    /// Refuse to start (exit 2) when the estimated peak memory of the runs started at once
    /// exceeds SIZE (`512M`, `8G`); default: the available memory (MemAvailable).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_memory: Option<u64>,
}

impl ExecArgs {
    /// The number of worker threads: `--jobs`, or the number of cores.
    pub fn jobs(&self) -> u32 {
        self.jobs.unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get() as u32)
                .unwrap_or(1)
        })
    }
}

fn parse_every(s: &str) -> Result<CheckpointEvery, String> {
    s.parse()
}

fn parse_size(s: &str) -> Result<u64, String> {
    crate::memory::parse_bytes(s)
}

/// `run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Experiment name (see `list`).
    pub experiment: String,
    /// TOML file overriding keys of the preset's config (unknown keys are errors).
    #[arg(long, value_name = "FILE.toml")]
    pub config: Option<PathBuf>,
    /// Override one config key, e.g. `--set egd_max_steps=500 --set 'depths=[1,2]'` for the
    /// paper's fig2 (repeatable; applied after `--config`; an unknown key is an error that lists
    /// the experiment's keys).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub sets: Vec<String>,
    /// Shared execution options.
    #[command(flatten)]
    pub exec: ExecArgs,
}

/// `reproduce`.
#[derive(Debug, Args)]
pub struct ReproduceArgs {
    /// Comma-separated experiment names to run (default: all), e.g. `--only fig4,fig5`.
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub only: Vec<String>,
    /// Print the selected experiments with their runs and estimated time per preset and exit.
    #[arg(long)]
    pub list: bool,
    /// Open REPORT.html afterwards (as `report --open`).
    #[arg(long)]
    pub open: bool,
    /// Write the independent runs (experiment, run id, config, seed) with stable indices as
    /// JSON to FILE and exit (for `run-job --plan FILE --index I`).
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// Shared execution options.
    #[command(flatten)]
    pub exec: ExecArgs,
}

/// `run-job`.
#[derive(Debug, Args)]
pub struct RunJobArgs {
    /// Plan file written by `reproduce --plan`.
    #[arg(long, value_name = "FILE")]
    pub plan: PathBuf,
    /// Index of the run in the plan (0-based): its `index` field, which is its position.
    #[arg(long, value_name = "I")]
    pub index: usize,
    /// Results root (default: `<workspace>/experiments/results`).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Checkpoint interval: seconds (`30s`), steps (`1000`) or `never`.
    #[arg(long, value_name = "SECONDS_OR_STEPS", default_value = "300s", value_parser = parse_every)]
    pub checkpoint_every: CheckpointEvery,
    /// Refuse to start (exit 2) when the run's estimated peak memory exceeds SIZE (`8G`);
    /// default: the available memory (MemAvailable).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_memory: Option<u64>,
}

/// `plan-status`.
#[derive(Debug, Args)]
pub struct PlanStatusArgs {
    /// Plan file written by `reproduce --plan`.
    #[arg(long, value_name = "FILE")]
    pub plan: PathBuf,
    /// Results root (default: `<workspace>/experiments/results`).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// `report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Results root (default: `<workspace>/experiments/results`).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Open REPORT.html with the desktop's default program (where `$DISPLAY` or
    /// `$WAYLAND_DISPLAY` is set; otherwise print its path and why it was not opened).
    #[arg(long)]
    pub open: bool,
}

/// `list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Results root whose stored runs calibrate the time estimates (default:
    /// `<workspace>/experiments/results`).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// `config`.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Experiment name (see `list`).
    pub experiment: String,
    /// The preset whose values are the defaults.
    #[arg(long, value_enum, default_value_t = Preset::Quick)]
    pub preset: Preset,
}
