//! `fig4` and `fig6`: sparse Gaussian classification (the paper's §3.1, Experiment 2, Fig. 4
//! and App. H, Fig. 6) — test accuracy against the number of training samples `N` for EGD on
//! `L`-layer diagonal networks `β = w_1 ⊙ … ⊙ w_L` and for NGD with the sample and the
//! population Fisher; the NGD logits against time (Theorem 4: `x_nᵀβ_t ≈ η t y_n`); the learnt
//! `β` at a large `N`.
//!
//! Data: `x ~ N(0, I_D)`, `β*` with its first `k` entries 1, `y = sign(x·β*)`; a separate test
//! set. Loss: the mean logistic loss `L(β) = (1/N) Σ_n log(1 + exp(−y_n x_nᵀβ))`.
//! Runs (independent, planned per `N` and data draw `r`, all methods of one `(N, r)` seeing the
//! same data through `ctx.shared_seed("data-N{N}-r{r}")`):
//! - `egd-N{N}-r{r}`: all EGD depths stepped together by one `BatchEgd` (one pass over `X̃`);
//! - `ngd-L{L}-N{N}-r{r}`: NGD with the Moore–Penrose natural gradient of the sample Fisher
//!   (`Auto` route: kernel for `N ≤ D`, weighted for `N > D`);
//! - `ngd-pop-N{N}-r{r}`: NGD on the linear model with a population Fisher built from `M` fresh
//!   unlabelled inputs, `g = F_pop(β)⁻¹ ∇_β L`.

mod arrays;
mod claims;
mod config;
mod csv_out;
pub(crate) mod data;
mod depths;
mod docs;
pub(crate) mod egd;
mod fig6_claims;
mod finish;
pub mod key;
mod ngd;
mod notes;
mod table;

pub(crate) use config::check_depths;
pub use config::{EgdStepKind, SweepConfig};
pub use depths::{EgdDepth, NgdDepth, Removed};

use key::SeriesKey;
use ngd_harness::config::Preset;
use ngd_harness::context::RunContext;
use ngd_harness::convergence::Convergence;
use ngd_harness::error::{ConfigError, Error, RunError};
use ngd_harness::experiment::{Experiment, ExperimentSummary, RunSpec, Runs};
use ngd_harness::output::ExperimentDir;
use serde::{Deserialize, Serialize};

/// Which method a run trains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Method {
    /// EGD on every depth of `egd_depths` (one batch).
    Egd,
    /// NGD with the sample Fisher on a depth-`depth` diagonal network.
    NgdSample {
        /// Depth `L`.
        depth: usize,
    },
    /// NGD with the population Fisher on the linear model.
    NgdPopulation,
}

/// Parameters of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepParams {
    /// The method.
    pub method: Method,
    /// Training-set size `N`.
    pub n: usize,
    /// Data draw index `r`.
    pub seed: usize,
}

/// The end state of one trained model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelResult {
    /// The method's series (stored as its label, e.g. `EGD L=2`, `NGD sample L=1`).
    pub label: SeriesKey,
    /// Depth `L`.
    pub depth: usize,
    /// Steps taken.
    pub steps: u64,
    /// Why training stopped.
    pub stop: String,
    /// Mean logistic training loss (nats).
    pub train_loss: f64,
    /// Fraction of misclassified training samples.
    pub train_error: f64,
    /// Fraction of correctly classified test samples.
    pub test_accuracy: f64,
    /// `Σ_{j<k} |β_j| / Σ_j |β_j|`: the share of `|β|` on the true support.
    pub true_support_mass: f64,
    /// The learnt end-to-end `β`.
    pub beta: Vec<f64>,
    /// The initial weights `w_1, …, w_L` (one row of `D` per layer).
    #[serde(default)]
    pub initial_weights: Vec<Vec<f64>>,
    /// The final weights `w_1, …, w_L` (`β = w_1 ⊙ … ⊙ w_L`).
    #[serde(default)]
    pub weights: Vec<Vec<f64>>,
    /// Whether training converged (the harness's one definition for the mean logistic loss
    /// over the `N` training samples).
    pub convergence: Convergence,
}

/// One recorded step of one model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TracePoint {
    /// Step `t`.
    pub step: u64,
    /// Index into [`SweepOutput::models`].
    pub model: usize,
    /// Mean logistic training loss (nats).
    pub train_loss: f64,
    /// Test accuracy (fraction).
    pub test_accuracy: f64,
}

/// The logits `x_nᵀβ_t` of a few training samples under NGD, at every step (middle panel).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogitTrace {
    /// Training-sample indices.
    pub samples: Vec<usize>,
    /// Their labels `y_n`.
    pub labels: Vec<f64>,
    /// NGD step size `η` of the traced run.
    pub learning_rate: f64,
    /// `logits[t][i]` = logit of sample `samples[i]` after `t` steps.
    pub logits: Vec<Vec<f64>>,
}

/// The output of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepOutput {
    /// One entry per trained model (per depth for EGD).
    pub models: Vec<ModelResult>,
    /// Log-spaced trajectory of every model.
    pub trace: Vec<TracePoint>,
    /// The logit trace (only in run `ngd-L1-N{logit_n}-r0`).
    pub logits: Option<LogitTrace>,
    /// The seed the run's data were drawn from (`finish` draws them again for the folder).
    #[serde(default)]
    pub data_seed: u64,
}

/// Whose caption the claims table judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caption {
    /// Fig. 4's caption and §3.1.
    Fig4,
    /// Fig. 6's own caption (App. H); Fig. 4's claims asked as questions about `D = 50`.
    Fig6,
}

/// One registered instance of the sweep (`fig4` or `fig6`).
#[derive(Debug, Clone, Copy)]
pub struct SparseSweep {
    name: &'static str,
    caption: Caption,
    description: &'static str,
    title: &'static str,
    presets: fn(bool) -> SweepConfig,
}

/// Fig. 4: `D = 1000`, 20 non-zeros.
pub static FIG4: SparseSweep = SparseSweep {
    name: "fig4",
    caption: Caption::Fig4,
    description: "Sparse classification, D = 1000, k = 20: test accuracy vs N for EGD (L = 1..4) and NGD (sample / population Fisher)",
    title: "Fig. 4 — sparse Gaussian classification (D = 1000, 20 non-zeros)",
    presets: SweepConfig::fig4,
};

/// Fig. 6: `D = 50`, 5 non-zeros.
pub static FIG6: SparseSweep = SparseSweep {
    name: "fig6",
    caption: Caption::Fig6,
    description: "Sparse classification, D = 50, k = 5 (App. H): test accuracy vs N for EGD and NGD",
    title: "Fig. 6 — sparse Gaussian classification (D = 50, 5 non-zeros)",
    presets: SweepConfig::fig6,
};

impl SparseSweep {
    /// Run id of a run.
    fn id(p: &SweepParams) -> String {
        let (n, r) = (p.n, p.seed);
        match p.method {
            Method::Egd => format!("egd-N{n}-r{r}"),
            Method::NgdSample { depth } => format!("ngd-L{depth}-N{n}-r{r}"),
            Method::NgdPopulation => format!("ngd-pop-N{n}-r{r}"),
        }
    }

    /// Relative cost (multiply–adds) of a run; `ngd_steps` is the step budget of a
    /// sample-Fisher NGD run (unused otherwise).
    fn cost(c: &SweepConfig, p: &SweepParams, ngd_steps: u64) -> u64 {
        let (n, d) = (p.n as u64, c.dim as u64);
        match p.method {
            Method::Egd => c.egd_steps * n * d * 2,
            Method::NgdSample { depth } => {
                let per_step = if n <= d {
                    n * n * d + n * n * n
                } else {
                    2 * n * d * d
                };
                ngd_steps * per_step * depth as u64
            }
            Method::NgdPopulation => c.population_steps * (c.population_size as u64 + n) * d * d,
        }
    }
}

impl Experiment for SparseSweep {
    type Config = SweepConfig;
    type Params = SweepParams;
    type RunOutput = SweepOutput;

    fn name(&self) -> &'static str {
        self.name
    }

    fn description(&self) -> &'static str {
        self.description
    }

    fn config(&self, preset: Preset) -> SweepConfig {
        (self.presets)(preset == Preset::Paper)
    }

    fn validate(&self, c: &SweepConfig) -> Result<(), ConfigError> {
        c.validate()
    }

    fn peak_bytes(&self, c: &SweepConfig) -> Option<u64> {
        // The largest training set (X and X̃), the test set, the population sample, an N × N
        // kernel of the sample NGD routes, and every batched model's weights and gradients.
        let f = ngd_harness::memory::f64_bytes;
        let n = c.n_grid.iter().copied().max().unwrap_or(0) as u64;
        let d = c.dim as u64;
        let depth = c
            .egd_depth_list()
            .into_iter()
            .chain(c.ngd_depth_list())
            .max()
            .unwrap_or(1) as u64;
        let models = c.egd_depths.len().max(1) as u64;
        Some(
            [
                f(&[3, n, d]),
                f(&[2, c.n_test as u64, d]),
                f(&[2, c.population_size as u64, d]),
                f(&[3, n, n]),
                f(&[8, models, depth, d]),
            ]
            .into_iter()
            .fold(0u64, u64::saturating_add),
        )
    }

    fn plan(&self, c: &SweepConfig) -> Vec<RunSpec<SweepParams>> {
        let mut methods = vec![(Method::Egd, 0)];
        methods.extend(
            c.ngd_depths
                .iter()
                .map(|s| (Method::NgdSample { depth: s.depth }, s.steps)),
        );
        if c.population_size > 0 {
            methods.push((Method::NgdPopulation, 0));
        }
        let mut plan = Vec::new();
        for &n in &c.n_grid {
            for seed in 0..c.seeds {
                for &(method, ngd_steps) in &methods {
                    let params = SweepParams { method, n, seed };
                    plan.push(RunSpec {
                        id: Self::id(&params),
                        cost: Self::cost(c, &params, ngd_steps),
                        params,
                    });
                }
            }
        }
        plan
    }

    fn run(
        &self,
        c: &SweepConfig,
        spec: &RunSpec<SweepParams>,
        ctx: &mut RunContext,
    ) -> Result<SweepOutput, RunError> {
        match spec.params.method {
            Method::Egd => egd::run(c, &spec.params, ctx),
            Method::NgdSample { .. } | Method::NgdPopulation => ngd::run(c, &spec.params, ctx),
        }
    }

    fn finish(
        &self,
        c: &SweepConfig,
        runs: &Runs<SweepParams, SweepOutput>,
        out: &ExperimentDir,
    ) -> Result<ExperimentSummary, Error> {
        finish::finish(self.title, self.caption, c, runs, out)
    }

    fn outputs(&self, c: &SweepConfig) -> ngd_harness::output::OutputDocs {
        docs::outputs(c)
    }
}

#[cfg(test)]
mod tests;
