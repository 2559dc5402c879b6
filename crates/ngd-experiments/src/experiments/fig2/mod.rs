//! `fig2`: the paper's Fig. 2 (§2.1, §3.1 Experiment 1) — implicit bias of EGD and NGD on the
//! 2-D separable toy set of [`ngd_data::toy_2d`].
//!
//! The toy set is separable by the axis-aligned line `x₁ = 0` (the ℓ1 max-margin direction
//! `(1, 0)`), while the slanted direction `(2, 1)/√5` has the larger ℓ2 margin. Runs:
//!
//! - **EGD** on the diagonal network `β = w_1 ⊙ … ⊙ w_L` for every configured depth `L`
//!   (`L = 1` is the plain linear model), with the loss-normalized step
//!   `w ← w − (η / L(w)) ∇_w L(w)` (a time reparametrization of gradient flow, so the direction
//!   converges within ~10⁴–10⁵ steps instead of the ~e^{10⁴} a fixed step needs). Expected
//!   limits: ℓ2 max margin for `L = 1` (Soudry et al. 2018), a KKT point of the ℓ_{2/L} max
//!   margin for `L ≥ 2` (Gunasekar et al. 2018), here the axis-aligned `(1, 0)`.
//! - **NGD** under each of those parametrizations with the sample Fisher and the
//!   Moore–Penrose natural gradient (`N = 20 > D = 2`, so the weighted least-squares route runs):
//!   `w ← w − η_t g`, `g = F(w)⁺ ∇_w L`. One scalar step for all weights,
//!   `η_t = min(η, min_{i: g_i ≠ 0} ρ |w_i| / |g_i|)`: the ratio `|w_i| / |g_i|` is taken per
//!   coordinate `i` (every weight of every layer) and the cap is the smallest of these ratios
//!   — not a global `min_i |w_i|` over a norm of `g`. So `|η_t g_i| ≤ ρ |w_i|` for every `i`:
//!   the fixed step `η` once the weights are large, capped during the first steps from a small
//!   initialization so that no weight moves by more than the fraction `ρ` of itself (a fixed `η` would
//!   move `w` by ~`η / β₀` ≈ 10⁴ × `w` at `L = 5` in the first step, cross zero and make the
//!   Jacobian rank-deficient). The direction of the step is untouched, so this is NGD with a
//!   step-size schedule, approximating the same natural gradient flow for every `L`.
//!
//! Recorded at log-spaced steps: the angle of `β` (degrees, `atan2(β₂, β₁)`), `β`, the smallest
//! margin, the normalized ℓ2 margin `min_n x̃_n·β / ‖β‖₂`, the loss, and the flow time `Σ η_t`.
//! `finish` compares the end directions with the ℓ2 and ℓ1 max-margin separators computed
//! independently by `ngd_optim::baselines::{l2_max_margin, l1_max_margin}`.
//!
//! Initialization (a choice, the paper is silent): every weight equal to the positive constant
//! `init_value` (0.1), so `β₀ = 0.1^L (1, 1)`: small enough for the rich regime of deep diagonal
//! nets (Woodworth et al. 2020), and with no coordinate at or near a sign change.

mod csv_rows;
mod docs;
mod finish;
mod train;

use ngd_harness::config::{Preset, check, check_finite_positive, check_nonempty, check_positive};
use ngd_harness::context::RunContext;
use ngd_harness::convergence::Convergence;
use ngd_harness::error::{ConfigError, Error, RunError};
use ngd_harness::experiment::{Experiment, ExperimentSummary, RunRecord, RunSpec};
use ngd_harness::output::ExperimentDir;
use serde::{Deserialize, Serialize};

/// The config of `fig2`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fig2Config {
    /// Depths `L` of the diagonal networks (each in [1, 8], distinct); `1` is the linear model.
    pub depths: Vec<usize>,
    /// Initial value of every weight (> 0): `β₀ = init_value^L (1, 1)`.
    pub init_value: f64,
    /// Base step `η` of the loss-normalized EGD step `η / L(w)`.
    pub egd_step: f64,
    /// EGD step budget.
    pub egd_max_steps: u64,
    /// EGD stops once the training loss is at most this (margins ≈ −ln of it); keeps the
    /// loss-normalized step away from f64 underflow (1e-300).
    pub egd_loss_stop: f64,
    /// NGD step `η`: the step is `η_t = min(η, min_{i: g_i ≠ 0} ρ |w_i| / |g_i|)` (the cap is
    /// the smallest per-coordinate ratio, so no weight moves by more than `ρ` of itself).
    pub ngd_step: f64,
    /// NGD cap `ρ` on the relative change of every weight per step, `|η_t g_i| ≤ ρ |w_i|` for
    /// each coordinate `i`, in (0, 1).
    pub ngd_max_relative_change: f64,
    /// NGD steps.
    pub ngd_steps: u64,
    /// Recording points per decade of steps.
    pub points_per_decade: usize,
    /// Angle tolerance (degrees) for the claims' verdicts.
    pub angle_tolerance_deg: f64,
}

/// Optimizer of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Euclidean gradient descent (loss-normalized step).
    Egd,
    /// Natural gradient descent (sample Fisher, Moore–Penrose).
    Ngd,
}

impl Method {
    /// Short upper-case label.
    pub fn label(self) -> &'static str {
        match self {
            Method::Egd => "EGD",
            Method::Ngd => "NGD",
        }
    }
}

/// Parameters of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fig2Params {
    /// The optimizer.
    pub method: Method,
    /// Depth `L`.
    pub depth: usize,
}

/// One recorded step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fig2Point {
    /// Step `k`.
    pub step: u64,
    /// Flow time `Σ_k η_k` (for EGD: `Σ η / L(w_k)`).
    pub flow_time: f64,
    /// `atan2(β₂, β₁)` in degrees.
    pub angle_deg: f64,
    /// `β₁`.
    pub beta1: f64,
    /// `β₂`.
    pub beta2: f64,
    /// `min_n x̃_n · β`.
    pub min_margin: f64,
    /// `min_n x̃_n · β / ‖β‖₂`.
    pub normalized_margin: f64,
    /// Mean logistic loss (nats).
    pub loss: f64,
}

/// The output of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fig2Output {
    /// The recorded trajectory (the last point is the end of the run).
    pub points: Vec<Fig2Point>,
    /// Why the run ended.
    pub stop: String,
    /// The toy data, signed rows `x̃ = y x` (identical in every run; kept for `finish`).
    pub signed_data: Vec<[f64; 2]>,
    /// The labels `y`.
    pub labels: Vec<f64>,
    /// Whether the run converged (the harness's one definition for the mean logistic loss
    /// over the `N` samples, judged at the last point).
    pub convergence: Convergence,
    /// The weights at step 0, one row `(w_{l,1}, w_{l,2})` per layer `l = 1…L`.
    #[serde(default)]
    pub initial_weights: Vec<[f64; 2]>,
    /// The weights at the end of the run, one row per layer.
    #[serde(default)]
    pub final_weights: Vec<[f64; 2]>,
}

/// The `fig2` experiment.
#[derive(Debug, Clone, Copy, Default)]
pub struct Fig2;

impl Experiment for Fig2 {
    type Config = Fig2Config;
    type Params = Fig2Params;
    type RunOutput = Fig2Output;

    fn name(&self) -> &'static str {
        "fig2"
    }

    fn description(&self) -> &'static str {
        "Fig. 2: EGD vs NGD directions on the 2-D toy set for L = 1, 2, 3, 5 diagonal nets"
    }

    fn config(&self, preset: Preset) -> Fig2Config {
        let base = Fig2Config {
            depths: vec![1, 2, 3, 5],
            init_value: 0.1,
            egd_step: 0.01,
            egd_max_steps: 100_000,
            egd_loss_stop: 1e-200,
            ngd_step: 0.1,
            ngd_max_relative_change: 0.2,
            ngd_steps: 20_000,
            points_per_decade: 20,
            angle_tolerance_deg: 1.0,
        };
        match preset {
            Preset::Quick => base,
            // D = 2: the paper's problem size is the quick one; the paper preset only runs longer.
            Preset::Paper => Fig2Config {
                egd_step: 0.005,
                egd_max_steps: 1_000_000,
                ngd_steps: 200_000,
                ..base
            },
        }
    }

    fn peak_bytes(&self, c: &Fig2Config) -> Option<u64> {
        // Two-dimensional data and a few weights per depth: kilobytes.
        let depth = c.depths.iter().copied().max().unwrap_or(1) as u64;
        Some(ngd_harness::memory::f64_bytes(&[1024, depth]))
    }

    fn validate(&self, c: &Fig2Config) -> Result<(), ConfigError> {
        check_nonempty("depths", &c.depths)?;
        for &d in &c.depths {
            check((1..=8).contains(&d), "depths", d, "depths in [1, 8]")?;
        }
        let mut sorted = c.depths.clone();
        sorted.sort_unstable();
        sorted.dedup();
        check(
            sorted.len() == c.depths.len(),
            "depths",
            format!("{:?}", c.depths),
            "distinct depths",
        )?;
        check_finite_positive("init_value", c.init_value)?;
        check_finite_positive("egd_step", c.egd_step)?;
        check_positive("egd_max_steps", c.egd_max_steps)?;
        check(
            c.egd_loss_stop.is_finite() && c.egd_loss_stop >= 1e-290 && c.egd_loss_stop < 0.69,
            "egd_loss_stop",
            c.egd_loss_stop,
            "a number in [1e-290, 0.69)",
        )?;
        check_finite_positive("ngd_step", c.ngd_step)?;
        check(
            c.ngd_max_relative_change > 0.0 && c.ngd_max_relative_change < 1.0,
            "ngd_max_relative_change",
            c.ngd_max_relative_change,
            "a number in (0, 1)",
        )?;
        check_positive("ngd_steps", c.ngd_steps)?;
        check_positive("points_per_decade", c.points_per_decade as u64)?;
        check_finite_positive("angle_tolerance_deg", c.angle_tolerance_deg)
    }

    fn plan(&self, c: &Fig2Config) -> Vec<RunSpec<Fig2Params>> {
        let mut plan = Vec::new();
        for method in [Method::Egd, Method::Ngd] {
            for &depth in &c.depths {
                let (steps, per_step) = match method {
                    Method::Egd => (c.egd_max_steps, 40),
                    Method::Ngd => (c.ngd_steps, 400),
                };
                plan.push(RunSpec {
                    id: format!("{}-L{depth}", method.label().to_lowercase()),
                    cost: steps * per_step * depth as u64,
                    params: Fig2Params { method, depth },
                });
            }
        }
        plan
    }

    fn run(
        &self,
        c: &Fig2Config,
        spec: &RunSpec<Fig2Params>,
        ctx: &mut RunContext,
    ) -> Result<Fig2Output, RunError> {
        train::run(c, &spec.params, ctx)
    }

    fn finish(
        &self,
        c: &Fig2Config,
        runs: &[(RunSpec<Fig2Params>, RunRecord<Fig2Output>)],
        out: &ExperimentDir,
    ) -> Result<ExperimentSummary, Error> {
        finish::finish(c, runs, out)
    }

    fn outputs(&self, _config: &Fig2Config) -> ngd_harness::output::OutputDocs {
        docs::outputs()
    }
}
