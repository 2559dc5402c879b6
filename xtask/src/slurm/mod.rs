//! `cargo xtask slurm …`: every run of a plan as one task of a Slurm job array.
//!
//! - `submit` builds `ngd` in release, writes the plan and the batch script into `<out>/slurm/`
//!   and submits the runs that are not done yet (or prints everything with `--dry-run`);
//! - `status` prints done / queued-or-running / missing plan indices;
//! - `resubmit` submits the missing indices again with the same script;
//! - `collect` checks that every run is done and runs `ngd reproduce --resume` with the plan's
//!   preset, seed and experiments, which draws the figures and writes the report without
//!   running anything again.
//!
//! See `docs/cluster.md` for a worked example.

mod commands;
pub mod indices;
pub mod script;
pub mod state;

use clap::{Args, Subcommand};
use std::path::PathBuf;

pub use commands::{collect, resubmit, status, submit};

/// The `cargo xtask slurm` subcommands.
#[derive(Debug, Subcommand)]
pub enum SlurmCommand {
    /// Write the plan and the batch script into `<out>/slurm/` and submit a job array over the
    /// runs not yet done (one task per run).
    Submit(Box<SubmitArgs>),
    /// Print which plan indices are done, queued or running, and missing.
    Status(StatusArgs),
    /// Submit the missing indices again (same plan, same script).
    Resubmit(ResubmitArgs),
    /// Once every run is done: draw the figures and write the report (`ngd reproduce --resume`
    /// with the plan's preset, seed and experiments; nothing is rerun).
    Collect(OutArg),
}

/// The results root, whose `slurm/` folder holds the cluster state.
#[derive(Debug, Clone, Args)]
pub struct OutArg {
    /// Results root on the shared filesystem (default: `<workspace>/experiments/results`).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// `cargo xtask slurm submit`.
#[derive(Debug, Args)]
pub struct SubmitArgs {
    /// Parameter preset (`quick` or `paper`).
    #[arg(long, default_value = "quick")]
    pub preset: String,
    /// Comma-separated experiment names (default: all).
    #[arg(long, value_name = "NAMES")]
    pub only: Option<String>,
    /// Experiment seed.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Slurm partition (default: the cluster's default partition).
    #[arg(long)]
    pub partition: Option<String>,
    /// Time limit per task (Slurm format, e.g. `04:00:00`).
    #[arg(long)]
    pub time: Option<String>,
    /// Memory per task (e.g. `2G`).
    #[arg(long)]
    pub mem: Option<String>,
    /// CPUs per task (also OpenBLAS's thread count in the task).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub cpus_per_task: u32,
    /// Slurm account to charge.
    #[arg(long)]
    pub account: Option<String>,
    /// Environment module to load in each task (repeatable), e.g. `--module OpenBLAS`.
    #[arg(long = "module", value_name = "NAME")]
    pub modules: Vec<String>,
    /// At most K tasks of each array run at once (`--array=…%K`).
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_parallel: Option<u32>,
    /// Checkpoint interval of each run (`ngd run-job --checkpoint-every`).
    #[arg(long, default_value = "300s")]
    pub checkpoint_every: String,
    /// Use this binary of the study (on the shared filesystem) instead of building it.
    #[arg(long, value_name = "PATH")]
    pub ngd: Option<PathBuf>,
    /// The study's binary to build (default: the paper's `ngd`).
    #[command(flatten)]
    pub study: crate::cargo::StudyBinary,
    /// Write the plan and the script, print the script and the `sbatch` commands, submit nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Results root and state folder.
    #[command(flatten)]
    pub out: OutArg,
}

/// `cargo xtask slurm status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Print one JSON object (`runs`, `done`, `running`, `missing`) instead of text.
    #[arg(long)]
    pub json: bool,
    /// Results root and state folder.
    #[command(flatten)]
    pub out: OutArg,
}

/// `cargo xtask slurm resubmit`.
#[derive(Debug, Args)]
pub struct ResubmitArgs {
    /// Override the `%K` limit recorded at submission.
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_parallel: Option<u32>,
    /// Print the `sbatch` commands, submit nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Results root and state folder.
    #[command(flatten)]
    pub out: OutArg,
}

/// Runs one `cargo xtask slurm` subcommand.
pub fn run(command: SlurmCommand) -> Result<(), String> {
    match command {
        SlurmCommand::Submit(a) => submit(&a),
        SlurmCommand::Status(a) => status(&a),
        SlurmCommand::Resubmit(a) => resubmit(&a),
        SlurmCommand::Collect(a) => collect(&a),
    }
}
