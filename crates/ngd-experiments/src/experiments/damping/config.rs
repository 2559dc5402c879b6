//! The config of `damping`, its presets and checks.

use super::tasks::TaskConfig;
use ngd_harness::config::{check, check_finite_positive, check_nonempty, check_positive};
use ngd_harness::error::ConfigError;
use serde::{Deserialize, Serialize};

/// The config of `damping`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DampingConfig {
    /// The tasks (toy set, sparse sizes, initializations).
    pub tasks: TaskConfig,
    /// Depths `L` of the diagonal nets (distinct, in `[1, 4]`).
    pub depths: Vec<usize>,
    /// Absolute dampings `λ` of the λ × time map (increasing, positive).
    pub lambdas: Vec<f64>,
    /// Relative dampings `ρ` (`λ = ρ·tr(F)/P`; increasing, positive). D1 reads its smallest
    /// (`≤ 1e-8`) and largest (`≥ 1e4`) entries.
    pub rhos: Vec<f64>,
    /// NGD-family step `η` per entry of `depths` (exact, absolute and relative damping).
    pub ngd_learning_rates: Vec<f64>,
    /// NGD-family relative step cap: `η_t = min(η, cap·‖w‖/‖g‖)`.
    pub ngd_step_cap: f64,
    /// NGD-family step budget.
    pub ngd_steps: u64,
    /// Base step `η` of the loss-normalized EGD `η/L(w)` per entry of `depths` (also the base
    /// step of the `λ → ∞` run, `η·λ_t/L(w)`).
    pub egd_learning_rates: Vec<f64>,
    /// Step budget of loss-normalized EGD and of the `λ → ∞` run.
    pub egd_steps: u64,
    /// Fixed EGD step (Fig. 4's paper preset, 0.5) for D4's step count.
    pub egd_fixed_learning_rate: f64,
    /// Step budget of fixed-step EGD (it stops at `loss_threshold`).
    pub egd_fixed_steps: u64,
    /// D4's training-loss threshold.
    pub loss_threshold: f64,
    /// Every run stops below this loss (keeps `tr F` and `L` representable).
    pub loss_floor: f64,
    /// Recording points per decade of steps.
    pub points_per_decade: usize,
}

impl DampingConfig {
    /// The presets: `quick` on Fig. 6's size and the toy set, `paper` on Fig. 4's size.
    pub fn preset(paper: bool) -> Self {
        let quick = Self {
            tasks: TaskConfig::quick(),
            depths: vec![1, 2],
            lambdas: vec![1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1],
            rhos: vec![1e-8, 1e-6, 1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0, 100.0, 1e4],
            ngd_learning_rates: vec![1.0, 0.5],
            ngd_step_cap: 0.2,
            ngd_steps: 1000,
            egd_learning_rates: vec![0.05, 0.05],
            egd_steps: 3000,
            egd_fixed_learning_rate: 0.5,
            egd_fixed_steps: 200_000,
            loss_threshold: 1e-3,
            loss_floor: 1e-200,
            points_per_decade: 8,
        };
        if paper {
            Self {
                tasks: TaskConfig::paper(),
                depths: vec![1, 2, 3],
                lambdas: vec![1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1],
                ngd_learning_rates: vec![1.0, 0.5, 0.5],
                ngd_steps: 3000,
                egd_learning_rates: vec![0.05, 0.05, 0.05],
                egd_steps: 20_000,
                egd_fixed_steps: 2_000_000,
                points_per_decade: 10,
                ..quick
            }
        } else {
            quick
        }
    }

    /// The NGD-family and EGD base steps of `depth` (an entry of `depths`).
    pub fn steps_of(&self, depth: usize) -> (f64, f64) {
        let k = self.depths.iter().position(|&d| d == depth).unwrap_or(0);
        (self.ngd_learning_rates[k], self.egd_learning_rates[k])
    }

    /// Checks every field (the error names it).
    ///
    /// # Errors
    /// [`ConfigError`] naming the first bad field.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.tasks.validate()?;
        check_nonempty("depths", &self.depths)?;
        let mut sorted = self.depths.clone();
        sorted.sort_unstable();
        sorted.dedup();
        check(
            sorted.len() == self.depths.len() && self.depths.iter().all(|d| (1..=4).contains(d)),
            "depths",
            format!("{:?}", self.depths),
            "distinct depths in [1, 4]",
        )?;
        for (field, grid) in [("lambdas", &self.lambdas), ("rhos", &self.rhos)] {
            check_nonempty(field, grid)?;
            check(
                grid.iter().all(|v| v.is_finite() && *v > 0.0)
                    && grid.windows(2).all(|w| w[0] < w[1]),
                field,
                format!("{grid:?}"),
                "increasing finite positive values",
            )?;
        }
        for (field, rates) in [
            ("ngd_learning_rates", &self.ngd_learning_rates),
            ("egd_learning_rates", &self.egd_learning_rates),
        ] {
            check(
                rates.len() == self.depths.len(),
                field,
                format!("{rates:?}"),
                "one entry per entry of depths",
            )?;
            for &eta in rates.iter() {
                check_finite_positive(field, eta)?;
            }
        }
        check_finite_positive("ngd_step_cap", self.ngd_step_cap)?;
        check_finite_positive("egd_fixed_learning_rate", self.egd_fixed_learning_rate)?;
        check_finite_positive("loss_threshold", self.loss_threshold)?;
        check(
            self.loss_floor >= 0.0 && self.loss_floor < self.loss_threshold,
            "loss_floor",
            self.loss_floor,
            "a value in [0, loss_threshold)",
        )?;
        for (field, v) in [
            ("ngd_steps", self.ngd_steps),
            ("egd_steps", self.egd_steps),
            ("egd_fixed_steps", self.egd_fixed_steps),
            ("points_per_decade", self.points_per_decade as u64),
        ] {
            check_positive(field, v)?;
        }
        Ok(())
    }
}
