//! The one trait every experiment implements, and the records it exchanges with the runner.
//!
//! The split follows argmin's solver / executor / observer design: an [`Experiment`] only
//! *describes* work (`plan`), does *one* independent run (`run`) and turns stored run outputs
//! into files (`finish`); the [`crate::runner`] executes plans (threads, resume, checkpoints,
//! progress), and [`RunContext`] is the run's only window on the world.

use crate::config::Preset;
use crate::context::RunContext;
use crate::error::{ConfigError, Error, RunError};
use crate::output::{ExperimentDir, OutputDocs};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One independent run of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSpec<P> {
    /// Stable id, unique within the experiment, used as file name: `[A-Za-z0-9._-]+`.
    /// It must depend only on the config (not on the seed or the order of planning).
    pub id: String,
    /// Estimated cost in work units (e.g. steps × samples × features); only relative sizes
    /// matter (progress bars, `ngd list`).
    pub cost: u64,
    /// The run's parameters (the "config slice" it needs beyond the experiment config).
    pub params: P,
}

/// The stored runs of an experiment, in plan order, as passed to [`Experiment::finish`].
pub type Runs<P, O> = [(RunSpec<P>, RunRecord<O>)];

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum RunRecord<O> {
    /// The run finished; its output.
    Completed {
        /// The output.
        output: O,
    },
    /// The run diverged at `step` (recorded, so `finish` can mark it instead of plotting it).
    Diverged {
        /// Step at which divergence was detected.
        step: u64,
        /// What was observed.
        cause: String,
    },
}

impl<O> RunRecord<O> {
    /// The output of a completed run.
    pub fn output(&self) -> Option<&O> {
        match self {
            RunRecord::Completed { output } => Some(output),
            RunRecord::Diverged { .. } => None,
        }
    }
}

/// An experiment of the paper (or a demo): a config type, a plan of independent runs, one run,
/// and the post-processing of all runs.
pub trait Experiment: Sync {
    /// The experiment's config (a serde struct with `#[serde(deny_unknown_fields)]`). Its
    /// `JsonSchema` derive carries the fields' `///` docs to `config EXP` ([`crate::config::KeyDocs`]):
    /// document every field.
    type Config: Serialize
        + DeserializeOwned
        + schemars::JsonSchema
        + Clone
        + Send
        + Sync
        + std::fmt::Debug;
    /// Per-run parameters carried by [`RunSpec::params`].
    type Params: Serialize + DeserializeOwned + Clone + Send + Sync + std::fmt::Debug;
    /// What one run produces (stored in `runs/<run-id>.json`).
    type RunOutput: Serialize + DeserializeOwned + Send;

    /// Short name used on the command line and as folder name, e.g. `fig4`.
    fn name(&self) -> &'static str;
    /// One-line description.
    fn description(&self) -> &'static str;
    /// The preset's config.
    fn config(&self, preset: Preset) -> Self::Config;
    /// Checks every range and cross-field condition; called before any work starts. Read every
    /// input file here through [`crate::inputs::read_input`]: the runner records the inputs
    /// read during `validate` and fingerprints results by their content.
    fn validate(&self, config: &Self::Config) -> Result<(), ConfigError>;
    /// An estimate of one run's peak memory in bytes, from the config alone (use
    /// [`crate::memory::f64_bytes`], which saturates instead of overflowing). The command line
    /// multiplies it by the runs started at once and refuses work that would not fit (see
    /// [`crate::memory`]). `None`: no estimate (no check).
    fn peak_bytes(&self, _config: &Self::Config) -> Option<u64> {
        None
    }
    /// The independent runs, with stable ids and estimated costs. Must be deterministic.
    fn plan(&self, config: &Self::Config) -> Vec<RunSpec<Self::Params>>;
    /// Does exactly one run. Divergence is reported as [`RunError::Diverged`].
    fn run(
        &self,
        config: &Self::Config,
        spec: &RunSpec<Self::Params>,
        ctx: &mut RunContext,
    ) -> Result<Self::RunOutput, RunError>;
    /// Turns stored run records (in plan order) into CSVs, plots and the summary, without
    /// rerunning anything.
    fn finish(
        &self,
        config: &Self::Config,
        runs: &Runs<Self::Params, Self::RunOutput>,
        out: &ExperimentDir,
    ) -> Result<ExperimentSummary, Error>;
    /// Every file `finish` writes, with each CSV column explained, and how to re-check the
    /// results: rendered into the folder's `README.md` (see [`crate::output::readme`]).
    /// Files or columns written but not declared here are listed there as not documented.
    fn outputs(&self, config: &Self::Config) -> OutputDocs {
        let _ = config;
        OutputDocs::default()
    }
}

/// The verdict on a claim: a paper's claim is reproduced or not; a hypothesis stated before
/// measuring (an experiment beyond the paper) is supported or not, or not judged when its rule
/// cannot be evaluated (a run stopped by its budget far from convergence, a missing series).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The measurement agrees with the paper's claim.
    Reproduced,
    /// The measurement agrees with part of the claim.
    Partly,
    /// The measurement contradicts the paper's claim.
    NotReproduced,
    /// The measurement satisfies the hypothesis' rule.
    Supported,
    /// The measurement violates the hypothesis' rule (a result, reported as such).
    NotSupported,
    /// The hypothesis' rule could not be evaluated; the reason says why.
    NotJudged,
}

impl Verdict {
    /// Text for tables.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Reproduced => "reproduced",
            Verdict::Partly => "partly",
            Verdict::NotReproduced => "not reproduced",
            Verdict::Supported => "supported",
            Verdict::NotSupported => "not supported",
            Verdict::NotJudged => "not judged",
        }
    }
}

/// One row of a claims table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    /// The paper's claim, in its words.
    pub claim: String,
    /// What was measured (numbers).
    pub measured: String,
    /// The verdict.
    pub verdict: Verdict,
    /// Why this verdict.
    pub reason: String,
}

/// A figure written by `finish`: `<name>.svg` and `<name>.png`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// File stem.
    pub name: String,
    /// Caption (what is plotted; config, seeds and steps are added by the report).
    pub caption: String,
}

/// A diverged run, as listed in the summary and the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DivergedRun {
    /// Run id.
    pub run_id: String,
    /// Step of divergence.
    pub step: u64,
    /// Cause.
    pub cause: String,
}

/// `summary.json`: headline numbers, claims and figures of one experiment.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ExperimentSummary {
    /// Title for the report, e.g. "Fig. 4 — sparse Gaussian classification".
    pub title: String,
    /// Headline numbers by name (units in the name).
    pub headline: BTreeMap<String, f64>,
    /// Claims table.
    pub claims: Vec<Claim>,
    /// Figures, in display order.
    pub figures: Vec<Figure>,
    /// Diverged runs (fill with [`diverged_runs`]).
    pub diverged: Vec<DivergedRun>,
    /// Free-form notes (choices made where the paper is silent, …).
    pub notes: Vec<String>,
}

/// Collects the diverged runs of `runs` for [`ExperimentSummary::diverged`].
pub fn diverged_runs<P, O>(runs: &Runs<P, O>) -> Vec<DivergedRun> {
    runs.iter()
        .filter_map(|(spec, rec)| match rec {
            RunRecord::Diverged { step, cause } => Some(DivergedRun {
                run_id: spec.id.clone(),
                step: *step,
                cause: cause.clone(),
            }),
            RunRecord::Completed { .. } => None,
        })
        .collect()
}
