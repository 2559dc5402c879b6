//! The config of `approximate-ng`, its presets and checks.

use crate::experiments::damping::TaskConfig;
use ngd_harness::config::{check, check_finite_positive, check_nonempty, check_positive};
use ngd_harness::error::ConfigError;
use serde::{Deserialize, Serialize};

/// The config of `approximate-ng`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproximateConfig {
    /// The tasks (as `damping`'s); Theorem 1 runs on the first sparse `N < D` size, Theorem 2
    /// and the deep linear net on the first `N > D` size.
    pub tasks: TaskConfig,
    /// Depths of the diagonal nets (must contain 1 and 2: A1, A2).
    pub depths: Vec<usize>,
    /// NGD step `η` (the approximations take `η/L`).
    pub ngd_learning_rate: f64,
    /// Relative step cap `η_t = min(η, cap·‖w‖/‖g‖)` of the training runs.
    pub step_cap: f64,
    /// Largest diagonal-Fisher step `η` (it takes `η/L` at most, by backtracking: with a fixed
    /// step the diagonal approximation overshoots along coordinates whose `F_ii` is tiny and the
    /// loss grows).
    pub diagonal_learning_rate: f64,
    /// Loss-normalized EGD base step.
    pub egd_learning_rate: f64,
    /// Step budget of every training run.
    pub steps: u64,
    /// Relative damping of the empirical Fisher in the training runs.
    pub empirical_rho: f64,
    /// Relative damping of the empirical Fisher in its invariance run (A4: 1e-8).
    pub invariance_empirical_rho: f64,
    /// Relative dampings of the Fisher's invariance runs (A5: 1e-6 and 1).
    pub invariance_damped_rhos: Vec<f64>,
    /// Fixed step and steps of the invariance runs.
    pub invariance_learning_rate: f64,
    /// Steps of the invariance runs.
    pub invariance_steps: u64,
    /// Fixed step of the undamped empirical-Fisher run (A4), also of the empirical-Fisher
    /// invariance run, which stops at 90 % of the blow-up time `t*`.
    pub blow_up_learning_rate: f64,
    /// Hidden widths of the deep linear net (`[h_1, …]`).
    pub deep_hidden: Vec<usize>,
    /// Standard deviation of the deep linear net's Gaussian initial weights.
    pub deep_init_scale: f64,
    /// K-FAC's relative exact damping `ρ` (A6: 1e-4).
    pub kfac_rho: f64,
    /// Stop below this loss.
    pub loss_floor: f64,
    /// Recording points per decade.
    pub points_per_decade: usize,
}

impl ApproximateConfig {
    /// The presets (`paper`: Fig. 4's size, depth 3 too).
    pub fn preset(paper: bool) -> Self {
        let quick = Self {
            tasks: TaskConfig::quick(),
            depths: vec![1, 2],
            ngd_learning_rate: 0.5,
            step_cap: 0.2,
            diagonal_learning_rate: 0.5,
            egd_learning_rate: 0.05,
            steps: 1000,
            empirical_rho: 1e-3,
            invariance_empirical_rho: 1e-8,
            invariance_damped_rhos: vec![1e-6, 1.0],
            invariance_learning_rate: 0.2,
            invariance_steps: 100,
            blow_up_learning_rate: 0.01,
            deep_hidden: vec![10],
            deep_init_scale: 0.3,
            kfac_rho: 1e-4,
            loss_floor: 1e-200,
            points_per_decade: 8,
        };
        if paper {
            Self {
                tasks: TaskConfig::paper(),
                depths: vec![1, 2, 3],
                steps: 3000,
                ..quick
            }
        } else {
            quick
        }
    }

    /// Checks every field (the error names it).
    ///
    /// # Errors
    /// [`ConfigError`] naming the first bad field.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.tasks.validate()?;
        check(
            self.depths.contains(&1)
                && self.depths.contains(&2)
                && self.depths.iter().all(|d| (1..=4).contains(d)),
            "depths",
            format!("{:?}", self.depths),
            "depths in [1, 4] containing 1 and 2",
        )?;
        let d = self.tasks.sparse_dim;
        check(
            self.tasks.sparse_n.iter().any(|&n| n < d)
                && self.tasks.sparse_n.iter().any(|&n| n > d),
            "tasks.sparse_n",
            format!("{:?}", self.tasks.sparse_n),
            "one size below and one above tasks.sparse_dim",
        )?;
        for (field, v) in [
            ("ngd_learning_rate", self.ngd_learning_rate),
            ("step_cap", self.step_cap),
            ("diagonal_learning_rate", self.diagonal_learning_rate),
            ("egd_learning_rate", self.egd_learning_rate),
            ("empirical_rho", self.empirical_rho),
            ("invariance_empirical_rho", self.invariance_empirical_rho),
            ("invariance_learning_rate", self.invariance_learning_rate),
            ("blow_up_learning_rate", self.blow_up_learning_rate),
            ("deep_init_scale", self.deep_init_scale),
            ("kfac_rho", self.kfac_rho),
        ] {
            check_finite_positive(field, v)?;
        }
        check_nonempty("invariance_damped_rhos", &self.invariance_damped_rhos)?;
        for &rho in &self.invariance_damped_rhos {
            check_finite_positive("invariance_damped_rhos", rho)?;
        }
        check(
            !self.deep_hidden.is_empty() && self.deep_hidden.iter().all(|&h| h > 0),
            "deep_hidden",
            format!("{:?}", self.deep_hidden),
            "at least one positive width",
        )?;
        check(
            self.loss_floor >= 0.0 && self.loss_floor < 1e-3,
            "loss_floor",
            self.loss_floor,
            "a value in [0, 1e-3)",
        )?;
        for (field, v) in [
            ("steps", self.steps),
            ("invariance_steps", self.invariance_steps),
            ("points_per_decade", self.points_per_decade as u64),
        ] {
            check_positive(field, v)?;
        }
        Ok(())
    }
}
