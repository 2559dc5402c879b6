//! `damping` (issue #15, beyond the paper): Tikhonov-damped NGD `g = (F + λI)⁻¹∇_w L` between
//! exact NGD (`λ → 0⁺`) and EGD of the same parametrization (`λ → ∞`, time rescaled by `λ`),
//! on the Fig. 2 toy set and the Fig. 4 / Fig. 6 sparse tasks with diagonal nets
//! `β = w_1 ⊙ … ⊙ w_L`. Hypotheses D1–D5 are stated in `docs/hypotheses.md` before any of
//! this code; `claims.rs` evaluates their rules as written.
//!
//! Runs per task and depth (all from the same data and initial weights):
//! - `egd`: EGD with the loss-normalized step `η/L(w)` (the step of Fig. 2 and Fig. 4's quick
//!   preset; EGD's end direction and accuracy);
//! - `egd-fixed` (sparse `N < D` tasks): EGD with Fig. 4's fixed paper step `η = 0.5`, stopped
//!   at `loss_threshold` (D4's step count);
//! - `ngd`: exact Moore–Penrose NGD (capped step `min(η, cap·‖w‖/‖g‖)`);
//! - `abs-λ`: absolute damping `λ` (same step rule as `ngd`): the λ × time map;
//! - `rel-ρ`: relative damping `λ = ρ·tr(F)/P` (same step rule as `ngd`);
//! - `limit-ρ`: relative damping at the largest `ρ` with the step `η_E·λ_t/L(w)`, which tends
//!   to the loss-normalized EGD step as `ρ → ∞` (D1's `λ → ∞` end).
//!
//! Time is the step index `k` (the map's horizontal axis); `tr(F)/P`, the mean eigenvalue of
//! the mean Fisher, is recorded at every recorded step for the crossover `t*(λ)`.

pub(crate) mod claims;
mod config;
pub(crate) mod docs;
mod finish;
mod maps;
pub(crate) mod memory;
pub(crate) mod tasks;
pub(crate) mod train;
mod trainer;

#[cfg(test)]
pub(crate) mod tests;

pub use config::DampingConfig;
pub use tasks::{Task, TaskConfig};
pub use train::{Point, Trajectory};

use crate::error::ExperimentError;
use ngd_fisher::generic::Damping;
use ngd_harness::config::Preset;
use ngd_harness::context::RunContext;
use ngd_harness::error::{ConfigError, Error, RunError};
use ngd_harness::experiment::{Experiment, ExperimentSummary, RunSpec, Runs};
use ngd_harness::output::ExperimentDir;
use ngd_models::DiagonalParametrization;
use serde::{Deserialize, Serialize};
use train::{Budget, Preconditioner, StepSize, Trainer};

/// The method of one run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Method {
    /// EGD, loss-normalized step.
    Egd,
    /// EGD, fixed step (D4).
    EgdFixed,
    /// Exact NGD.
    Ngd,
    /// Absolute damping `λ`.
    Absolute {
        /// `λ`.
        lambda: f64,
    },
    /// Relative damping `ρ`, NGD's step rule.
    Relative {
        /// `ρ`.
        rho: f64,
    },
    /// Relative damping `ρ`, step `η_E·λ_t/L` (the `λ → ∞` end).
    RelativeLimit {
        /// `ρ`.
        rho: f64,
    },
}

impl Method {
    /// The id fragment, e.g. `abs-1e-5`.
    pub fn label(self) -> String {
        match self {
            Method::Egd => "egd".into(),
            Method::EgdFixed => "egd-fixed".into(),
            Method::Ngd => "ngd".into(),
            Method::Absolute { lambda } => format!("abs-{lambda:e}"),
            Method::Relative { rho } => format!("rel-{rho:e}"),
            Method::RelativeLimit { rho } => format!("limit-{rho:e}"),
        }
    }
}

/// Parameters of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DampingParams {
    /// The task.
    pub task: Task,
    /// Depth `L`.
    pub depth: usize,
    /// The method.
    pub method: Method,
}

/// The `damping` experiment.
#[derive(Debug, Clone, Copy, Default)]
pub struct DampingExperiment;

/// The run id of `p`, e.g. `sparse-N20-L2-abs-1e-5`.
pub fn run_id(p: &DampingParams) -> String {
    format!("{}-L{}-{}", p.task, p.depth, p.method.label())
}

impl Experiment for DampingExperiment {
    type Config = DampingConfig;
    type Params = DampingParams;
    type RunOutput = Trajectory;

    fn name(&self) -> &'static str {
        "damping"
    }

    fn description(&self) -> &'static str {
        "Beyond the paper: Tikhonov-damped NGD between NGD (λ → 0) and EGD (λ → ∞), absolute and relative damping, diagonal nets"
    }

    fn config(&self, preset: Preset) -> DampingConfig {
        DampingConfig::preset(preset == Preset::Paper)
    }

    fn validate(&self, c: &DampingConfig) -> Result<(), ConfigError> {
        c.validate()
    }

    fn peak_bytes(&self, c: &DampingConfig) -> Option<u64> {
        Some(memory::peak_bytes(c))
    }

    fn outputs(&self, _c: &DampingConfig) -> ngd_harness::output::OutputDocs {
        docs::outputs()
    }

    fn plan(&self, c: &DampingConfig) -> Vec<RunSpec<DampingParams>> {
        let mut plan = Vec::new();
        let wide = c.tasks.wide();
        for task in c.tasks.tasks() {
            let (n, d) = match task {
                Task::Toy => (20, 2),
                Task::Sparse { n } => (n, c.tasks.sparse_dim),
            };
            for &depth in &c.depths {
                let mut methods = vec![Method::Egd, Method::Ngd];
                if matches!(task, Task::Sparse { n } if wide.contains(&n)) {
                    methods.push(Method::EgdFixed);
                }
                methods.extend(c.lambdas.iter().map(|&lambda| Method::Absolute { lambda }));
                methods.extend(c.rhos.iter().map(|&rho| Method::Relative { rho }));
                if let Some(&rho) = c.rhos.last() {
                    methods.push(Method::RelativeLimit { rho });
                }
                for method in methods {
                    let params = DampingParams {
                        task,
                        depth,
                        method,
                    };
                    let (p, m) = ((depth * d) as u64, n.min(d) as u64);
                    let cost = match method {
                        Method::Egd => c.egd_steps * n as u64 * p,
                        Method::EgdFixed => c.egd_fixed_steps.min(20_000) * n as u64 * p,
                        Method::RelativeLimit { .. } => c.egd_steps * m * m * p,
                        _ => c.ngd_steps * m * m * p,
                    };
                    plan.push(RunSpec {
                        id: run_id(&params),
                        cost,
                        params,
                    });
                }
            }
        }
        plan
    }

    fn run(
        &self,
        c: &DampingConfig,
        spec: &RunSpec<DampingParams>,
        ctx: &mut RunContext,
    ) -> Result<Trajectory, RunError> {
        let p = &spec.params;
        let data = tasks::draw(&c.tasks, p.task, ctx)?;
        let w0 = tasks::initial_weights(&c.tasks, p.task, p.depth, ctx)?;
        let model =
            DiagonalParametrization::new(p.depth, data.train.d()).map_err(ExperimentError::from)?;
        let (eta_ngd, eta_egd) = c.steps_of(p.depth);
        let capped = StepSize::Capped {
            eta: eta_ngd,
            cap: c.ngd_step_cap,
        };
        let (rule, steps) = match p.method {
            Method::Egd => (
                (
                    Preconditioner::Euclidean,
                    StepSize::LossNormalized { eta: eta_egd },
                ),
                c.egd_steps,
            ),
            Method::EgdFixed => (
                (
                    Preconditioner::Euclidean,
                    StepSize::Fixed {
                        eta: c.egd_fixed_learning_rate,
                    },
                ),
                c.egd_fixed_steps,
            ),
            Method::Ngd => ((Preconditioner::Exact, capped), c.ngd_steps),
            Method::Absolute { lambda } => (
                (Preconditioner::Damped(Damping::Absolute(lambda)), capped),
                c.ngd_steps,
            ),
            Method::Relative { rho } => (
                (Preconditioner::Damped(Damping::Relative(rho)), capped),
                c.ngd_steps,
            ),
            Method::RelativeLimit { rho } => (
                (
                    Preconditioner::Damped(Damping::Relative(rho)),
                    StepSize::RescaledByLambda { eta: eta_egd },
                ),
                c.egd_steps,
            ),
        };
        let budget = Budget {
            steps,
            loss_floor: c.loss_floor,
            loss_threshold: c.loss_threshold,
            stop_at_threshold: p.method == Method::EgdFixed,
            points_per_decade: c.points_per_decade,
        };
        let trajectory = Trainer::new(model, &data, w0, rule, budget)?.run(ctx)?;
        for route in &trajectory.routes {
            ctx.note_route(route);
        }
        Ok(trajectory)
    }

    fn finish(
        &self,
        c: &DampingConfig,
        runs: &Runs<DampingParams, Trajectory>,
        out: &ExperimentDir,
    ) -> Result<ExperimentSummary, Error> {
        finish::finish(c, runs, out)
    }
}
