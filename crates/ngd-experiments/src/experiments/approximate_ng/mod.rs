//! `approximate-ng` (issue #15, beyond the paper): the natural gradients used in practice —
//! the empirical Fisher, the diagonal Fisher, the per-layer block Fisher (the paper's layer
//! split for diagonal nets) and damped K-FAC on the full-matrix deep linear net — on the tasks
//! of `damping` (`damping::tasks`); which keep the parametrization's bias and which
//! are invariant to the input transforms of Theorems 1–2. Hypotheses A1–A7 are stated in
//! `docs/hypotheses.md` before this code; `claims.rs` evaluates their rules as written.
//!
//! Runs:
//! - `train`: per task and depth, EGD (loss-normalized), exact NGD (capped step `η`), and the
//!   three approximations with the step `η/L` (the block and diagonal steps move `β` by `L`
//!   times NGD's to first order, A1–A2): empirical Fisher damped relatively (`ρ_emp`),
//!   diagonal and block Fisher (Moore–Penrose);
//! - `invariance`: the linear model (`L = 1`) on `X` and on `X Aᵀ` from `β'₀ = A⁻ᵀβ₀` with a
//!   fixed step, measured as in `theorems` ([`super::theorems::relative_difference`] of the
//!   training logits for `N < D`, of `Aᵀβ'` against `β` for `N ≥ D`), and K-FAC on the deep
//!   linear net (`W'_1 = W_1 A⁻¹`);
//! - `blow-up`: the undamped empirical Fisher from `β₀ = 0` (all margins 0), whose flow
//!   `du/dt = 1 + e^u` reaches `∞` at `t* = log 2`;
//! - `deep-linear`: EGD, exact NGD and K-FAC on the deep linear net (Fig. 4's task, `N > D`).

mod claims;
mod config;
mod docs;
mod finish;
mod memory;
mod runs;

#[cfg(test)]
mod tests;

pub use config::ApproximateConfig;

use super::damping::tasks::Task;
use super::damping::train::Trajectory;
use ngd_harness::config::Preset;
use ngd_harness::context::RunContext;
use ngd_harness::error::{ConfigError, Error, RunError};
use ngd_harness::experiment::{Experiment, ExperimentSummary, RunSpec, Runs};
use ngd_harness::output::ExperimentDir;
use serde::{Deserialize, Serialize};

/// A training method on the diagonal nets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Approx {
    /// EGD, loss-normalized step.
    Egd,
    /// Exact Moore–Penrose NGD.
    Ngd,
    /// The empirical Fisher, relatively damped.
    Empirical,
    /// The diagonal Fisher.
    Diagonal,
    /// The per-layer block Fisher.
    Block,
}

/// The preconditioner of an invariance run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Invariant {
    /// Diagonal Fisher, linear model.
    Diagonal,
    /// Empirical Fisher damped relatively by `rho`, linear model.
    Empirical {
        /// `ρ`.
        rho: f64,
    },
    /// Relatively damped Fisher, linear model.
    Damped {
        /// `ρ`.
        rho: f64,
    },
    /// K-FAC with exact relative damping, deep linear net.
    Kfac {
        /// `ρ`.
        rho: f64,
    },
}

/// The input transform `A`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transform {
    /// `ngd_data::diagonal_rescaling`.
    Diagonal,
    /// A random rotation (QR of a Gaussian matrix).
    Rotation,
    /// `ngd_data::well_conditioned_matrix` (`I + E`).
    WellConditioned,
}

/// A deep-linear method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeepMethod {
    /// EGD, loss-normalized.
    Egd,
    /// Exact NGD.
    Ngd,
    /// K-FAC, exact relative damping `kfac_rho`.
    Kfac,
}

/// One run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "run", rename_all = "snake_case")]
pub enum ApproxParams {
    /// A diagonal net trained by `method`.
    Train {
        /// Task.
        task: Task,
        /// Depth `L`.
        depth: usize,
        /// Method.
        method: Approx,
    },
    /// An invariance measurement (`N < D`: Theorem 1 on the first wide task; `N ≥ D`:
    /// Theorem 2 on the first tall task).
    Invariance {
        /// Preconditioner.
        method: Invariant,
        /// Transform.
        transform: Transform,
        /// Theorem 1 (`N < D`, logits) or 2 (`N ≥ D`, `Aᵀβ'` vs `β`).
        theorem: u8,
    },
    /// The undamped empirical Fisher from `β₀ = 0`.
    BlowUp,
    /// The deep linear net on the first tall task.
    DeepLinear {
        /// Method.
        method: DeepMethod,
    },
}

/// The output of one run.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ApproxOutput {
    /// The trajectory (of the run on `X` for an invariance run).
    pub trajectory: Option<Trajectory>,
    /// The largest relative invariance error over the recorded steps.
    pub invariance_error: Option<f64>,
    /// Training logits `X β` at the recorded steps (training runs).
    pub train_logits: Vec<LogitPoint>,
    /// The step at which the undamped empirical-Fisher run diverged (`blow-up` run; its
    /// divergence is the measurement, so the run completes with its trajectory up to it).
    pub diverged_at: Option<u64>,
}

/// The training logits at one recorded step.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LogitPoint {
    /// Step `k`.
    pub step: u64,
    /// `X β_k`.
    pub logits: Vec<f64>,
}

/// The run id of `p`.
pub fn run_id(p: &ApproxParams) -> String {
    match p {
        ApproxParams::Train {
            task,
            depth,
            method,
        } => format!("{task}-L{depth}-{method:?}").to_lowercase(),
        ApproxParams::Invariance {
            method,
            transform,
            theorem,
        } => {
            let m = match method {
                Invariant::Diagonal => "diagonal".to_string(),
                Invariant::Empirical { rho } => format!("empirical-{rho:e}"),
                Invariant::Damped { rho } => format!("damped-{rho:e}"),
                Invariant::Kfac { rho } => format!("kfac-{rho:e}"),
            };
            format!("thm{theorem}-{m}-{transform:?}").to_lowercase()
        }
        ApproxParams::BlowUp => "empirical-undamped-blow-up".into(),
        ApproxParams::DeepLinear { method } => format!("deep-linear-{method:?}").to_lowercase(),
    }
}

/// The `approximate-ng` experiment.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApproximateNg;

impl Experiment for ApproximateNg {
    type Config = ApproximateConfig;
    type Params = ApproxParams;
    type RunOutput = ApproxOutput;

    fn name(&self) -> &'static str {
        "approximate-ng"
    }

    fn description(&self) -> &'static str {
        "Beyond the paper: empirical, diagonal, block Fisher and K-FAC — which keep the bias, which are invariant"
    }

    fn config(&self, preset: Preset) -> ApproximateConfig {
        ApproximateConfig::preset(preset == Preset::Paper)
    }

    fn validate(&self, c: &ApproximateConfig) -> Result<(), ConfigError> {
        c.validate()
    }

    fn peak_bytes(&self, c: &ApproximateConfig) -> Option<u64> {
        Some(memory::peak_bytes(c))
    }

    fn outputs(&self, _c: &ApproximateConfig) -> ngd_harness::output::OutputDocs {
        docs::outputs()
    }

    fn plan(&self, c: &ApproximateConfig) -> Vec<RunSpec<ApproxParams>> {
        let mut plan = Vec::new();
        let mut push = |params: ApproxParams, cost: u64| {
            plan.push(RunSpec {
                id: run_id(&params),
                cost,
                params,
            })
        };
        let cost = c.steps * (c.tasks.sparse_dim as u64).pow(2);
        for task in c.tasks.tasks() {
            for &depth in &c.depths {
                for method in [
                    Approx::Egd,
                    Approx::Ngd,
                    Approx::Empirical,
                    Approx::Diagonal,
                    Approx::Block,
                ] {
                    push(
                        ApproxParams::Train {
                            task,
                            depth,
                            method,
                        },
                        cost * depth as u64,
                    );
                }
            }
        }
        let inv = |method, transform, theorem| ApproxParams::Invariance {
            method,
            transform,
            theorem,
        };
        for transform in [Transform::Diagonal, Transform::Rotation] {
            push(inv(Invariant::Diagonal, transform, 1), cost);
        }
        push(
            inv(
                Invariant::Empirical {
                    rho: c.invariance_empirical_rho,
                },
                Transform::WellConditioned,
                1,
            ),
            cost,
        );
        for &rho in &c.invariance_damped_rhos {
            push(
                inv(Invariant::Damped { rho }, Transform::WellConditioned, 1),
                cost,
            );
        }
        push(
            inv(
                Invariant::Kfac { rho: c.kfac_rho },
                Transform::WellConditioned,
                2,
            ),
            4 * cost,
        );
        push(ApproxParams::BlowUp, cost);
        for method in [DeepMethod::Egd, DeepMethod::Ngd, DeepMethod::Kfac] {
            push(ApproxParams::DeepLinear { method }, 4 * cost);
        }
        plan
    }

    fn run(
        &self,
        c: &ApproximateConfig,
        spec: &RunSpec<ApproxParams>,
        ctx: &mut RunContext,
    ) -> Result<ApproxOutput, RunError> {
        runs::run(c, &spec.params, ctx)
    }

    fn finish(
        &self,
        c: &ApproximateConfig,
        runs: &Runs<ApproxParams, ApproxOutput>,
        out: &ExperimentDir,
    ) -> Result<ExperimentSummary, Error> {
        finish::finish(c, runs, out)
    }
}
