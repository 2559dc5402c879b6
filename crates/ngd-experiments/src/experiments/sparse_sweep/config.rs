//! The config of the sparse-classification sweep (Fig. 4 and Fig. 6), its presets and checks.
//!
//! Every field where the paper is silent (step sizes, initialization, NGD step budgets, the
//! population size `M`, …) is a config value and is listed in the summary notes.

use super::depths::{
    EgdDepth, NgdDepth, Removed, egd_tables, ngd_tables, removed_egd, removed_ngd,
};
use ngd_harness::config::{check, check_finite_positive, check_nonempty, check_positive};
use ngd_harness::error::ConfigError;
use serde::{Deserialize, Serialize};

/// The EGD step-size rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EgdStepKind {
    /// `η_t = η` (the paper's plain EGD, presumably).
    Fixed,
    /// `η_t = η / L(w_t)`: a time reparametrization of the same gradient flow that reaches the
    /// late (max-margin) phase in far fewer steps — an acceleration device, labelled as such.
    LossNormalized,
}

/// The config of one sparse-classification sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SweepConfig {
    /// Number of features `D`.
    pub dim: usize,
    /// Non-zero entries of `β*` (its first `sparsity` entries are 1).
    pub sparsity: usize,
    /// Training-set sizes `N` (strictly increasing).
    pub n_grid: Vec<usize>,
    /// Test samples per data draw.
    pub n_test: usize,
    /// Independent data draws (seeds) per `N`.
    pub seeds: usize,
    /// EGD per depth `L` of the diagonal networks (`[[egd_depths]]` tables: `depth`,
    /// `learning_rate` = base step `η`), all stepped together by one `BatchEgd`.
    #[serde(deserialize_with = "egd_tables")]
    #[schemars(with = "Vec<EgdDepth>")]
    pub egd_depths: Vec<EgdDepth>,
    /// Removed (the old shape's parallel list); its presence is an error naming the new shape.
    #[schemars(skip)]
    #[serde(
        default,
        skip_serializing_if = "Removed::skip",
        deserialize_with = "removed_egd"
    )]
    pub egd_learning_rates: Removed,
    /// EGD step rule.
    pub egd_step: EgdStepKind,
    /// EGD step budget.
    pub egd_steps: u64,
    /// Stop EGD once every depth's training loss is below this (0 disables).
    pub egd_loss_below: f64,
    /// Standard deviation of the i.i.d. Gaussian initial weights of the diagonal nets.
    pub init_scale: f64,
    /// Start the `L = 1` models (EGD and NGD) at `β = 0` instead of the Gaussian init.
    pub linear_init_zero: bool,
    /// Sample-Fisher NGD per depth (`[[ngd_depths]]` tables: `depth`, `learning_rate` = the
    /// fixed step `η`, `steps` = the step budget); depth 1 is required, 2 tests invariance.
    #[serde(deserialize_with = "ngd_tables")]
    #[schemars(with = "Vec<NgdDepth>")]
    pub ngd_depths: Vec<NgdDepth>,
    /// Removed (the old shape's parallel list); its presence is an error naming the new shape.
    #[schemars(skip)]
    #[serde(
        default,
        skip_serializing_if = "Removed::skip",
        deserialize_with = "removed_ngd"
    )]
    pub ngd_learning_rates: Removed,
    /// Removed (the old shape's parallel list); its presence is an error naming the new shape.
    #[schemars(skip)]
    #[serde(
        default,
        skip_serializing_if = "Removed::skip",
        deserialize_with = "removed_ngd"
    )]
    pub ngd_steps: Removed,
    /// Stop NGD once the training loss is below this (0 disables; not applied to the logit run).
    pub ngd_loss_below: f64,
    /// Population size `M ≥ D` of fresh unlabelled inputs for the population Fisher (0: skip).
    pub population_size: usize,
    /// Fixed step `η` of population-Fisher NGD.
    pub population_learning_rate: f64,
    /// Step budget of population-Fisher NGD (each step forms `F_pop`, cost `M·D²`).
    pub population_steps: u64,
    /// `N` (in `n_grid`, `< dim`) of the run whose logits are traced (middle panel).
    pub logit_n: usize,
    /// Number of traced training samples (half with `y = +1`, half with `y = −1`).
    pub logit_samples: usize,
    /// Step budget of the traced NGD run (no loss threshold).
    pub logit_steps: u64,
    /// `N` (in `n_grid`) whose learnt `β` is drawn (right panel).
    pub beta_n: usize,
    /// Number of leading coordinates shown in the β panel.
    pub beta_coords: usize,
    /// Log-spaced recording points per decade of steps.
    pub points_per_decade: usize,
}

impl SweepConfig {
    /// Fig. 4 (`D = 1000`, 20 non-zeros).
    pub fn fig4(paper: bool) -> Self {
        if paper {
            Self {
                dim: 1000,
                sparsity: 20,
                n_grid: vec![100, 250, 500, 750, 1000, 1500, 2000, 2500],
                n_test: 5000,
                seeds: 3,
                egd_depths: egd(&[(1, 0.5), (2, 0.5), (3, 0.5), (4, 0.5)]),
                egd_learning_rates: Removed,
                egd_step: EgdStepKind::Fixed,
                egd_steps: 2_000_000,
                egd_loss_below: 0.0,
                init_scale: 0.1,
                linear_init_zero: true,
                ngd_depths: ngd(&[(1, 1.0, 100), (2, 0.01, 3000)]),
                ngd_learning_rates: Removed,
                ngd_steps: Removed,
                ngd_loss_below: 1e-30,
                population_size: 10_000,
                population_learning_rate: 0.1,
                population_steps: 200,
                logit_n: 500,
                logit_samples: 6,
                logit_steps: 200,
                beta_n: 2500,
                beta_coords: 60,
                points_per_decade: 10,
            }
        } else {
            Self {
                n_grid: vec![100, 250, 500, 1000, 2000],
                n_test: 3000,
                seeds: 2,
                egd_depths: egd(&[(1, 3e-3), (2, 5e-2), (3, 0.1), (4, 0.2)]),
                egd_step: EgdStepKind::LossNormalized,
                egd_steps: 6000,
                egd_loss_below: 1e-30,
                ngd_depths: ngd(&[(1, 1.0, 30)]),
                ngd_loss_below: 1e-10,
                population_size: 2000,
                population_steps: 30,
                logit_steps: 60,
                beta_n: 2000,
                points_per_decade: 6,
                ..Self::fig4(true)
            }
        }
    }

    /// Fig. 6 (`D = 50`, 5 non-zeros), with EGD at `L = 5` as well as Fig. 4's depths (the
    /// caption names "the 5-layer diagonal network"; cheap at `D = 50`): the fixed step of the
    /// other depths in the paper preset, 0.3 (loss-normalized) in the quick one.
    pub fn fig6(paper: bool) -> Self {
        let mut egd_depths = Self::fig4(paper).egd_depths;
        egd_depths.extend(egd(&[(5, if paper { 0.5 } else { 0.3 })]));
        let base = Self {
            egd_depths,
            dim: 50,
            sparsity: 5,
            n_grid: vec![10, 20, 30, 50, 75, 100, 150, 250],
            n_test: 5000,
            seeds: 3,
            population_size: 5000,
            logit_n: 20,
            beta_n: 250,
            beta_coords: 50,
            ..Self::fig4(paper)
        };
        if paper {
            base
        } else {
            Self {
                egd_steps: 10_000,
                ngd_depths: ngd(&[(1, 1.0, 100), (2, 0.01, 3000)]),
                population_steps: 200,
                logit_steps: 100,
                ..base
            }
        }
    }

    /// The sample-Fisher NGD settings of `depth`, if `ngd_depths` has it.
    pub fn ngd_depth(&self, depth: usize) -> Option<&NgdDepth> {
        self.ngd_depths.iter().find(|s| s.depth == depth)
    }

    /// The EGD depths, in `egd_depths` order.
    pub fn egd_depth_list(&self) -> Vec<usize> {
        self.egd_depths.iter().map(|s| s.depth).collect()
    }

    /// The sample-Fisher NGD depths, in `ngd_depths` order.
    pub fn ngd_depth_list(&self) -> Vec<usize> {
        self.ngd_depths.iter().map(|s| s.depth).collect()
    }

    /// Checks every range and cross-field condition.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_positive("dim", self.dim as u64)?;
        check(
            (1..=self.dim).contains(&self.sparsity),
            "sparsity",
            self.sparsity,
            &format!("an integer in [1, dim = {}]", self.dim),
        )?;
        check_nonempty("n_grid", &self.n_grid)?;
        check(
            self.n_grid[0] >= 2 && self.n_grid.windows(2).all(|w| w[0] < w[1]),
            "n_grid",
            format!("{:?}", self.n_grid),
            "strictly increasing sizes ≥ 2",
        )?;
        check_positive("n_test", self.n_test as u64)?;
        check_positive("seeds", self.seeds as u64)?;
        check_depths("egd_depths", &self.egd_depth_list())?;
        for s in &self.egd_depths {
            check_finite_positive("egd_depths.learning_rate", s.learning_rate)?;
        }
        check_positive("egd_steps", self.egd_steps)?;
        check_threshold("egd_loss_below", self.egd_loss_below)?;
        check_finite_positive("init_scale", self.init_scale)?;
        check_depths("ngd_depths", &self.ngd_depth_list())?;
        check(
            self.ngd_depth(1).is_some(),
            "ngd_depths",
            format!("{:?}", self.ngd_depth_list()),
            "a list containing depth 1 (the linear model)",
        )?;
        for s in &self.ngd_depths {
            check_finite_positive("ngd_depths.learning_rate", s.learning_rate)?;
            check_positive("ngd_depths.steps", s.steps)?;
        }
        check_finite_positive("population_learning_rate", self.population_learning_rate)?;
        check_threshold("ngd_loss_below", self.ngd_loss_below)?;
        check(
            self.population_size == 0 || self.population_size >= self.dim,
            "population_size",
            self.population_size,
            &format!("0 (no population Fisher) or ≥ dim = {}", self.dim),
        )?;
        check_positive("population_steps", self.population_steps)?;
        check(
            self.n_grid.contains(&self.logit_n) && self.logit_n < self.dim,
            "logit_n",
            self.logit_n,
            "an entry of n_grid smaller than dim",
        )?;
        check(
            (2..=self.logit_n.min(8)).contains(&self.logit_samples),
            "logit_samples",
            self.logit_samples,
            "an integer in [2, min(8, logit_n)]",
        )?;
        check_positive("logit_steps", self.logit_steps)?;
        check(
            self.n_grid.contains(&self.beta_n),
            "beta_n",
            self.beta_n,
            "an entry of n_grid",
        )?;
        check(
            (1..=self.dim).contains(&self.beta_coords),
            "beta_coords",
            self.beta_coords,
            "an integer in [1, dim]",
        )?;
        check_positive("points_per_decade", self.points_per_decade as u64)
    }
}

/// EGD settings from `(depth, learning rate)` pairs.
fn egd(pairs: &[(usize, f64)]) -> Vec<EgdDepth> {
    pairs
        .iter()
        .map(|&(depth, learning_rate)| EgdDepth {
            depth,
            learning_rate,
        })
        .collect()
}

/// NGD settings from `(depth, learning rate, steps)` triples.
fn ngd(triples: &[(usize, f64, u64)]) -> Vec<NgdDepth> {
    triples
        .iter()
        .map(|&(depth, learning_rate, steps)| NgdDepth {
            depth,
            learning_rate,
            steps,
        })
        .collect()
}

/// Distinct depths in `[1, 8]`, at least one.
pub(crate) fn check_depths(field: &str, depths: &[usize]) -> Result<(), ConfigError> {
    check_nonempty(field, depths)?;
    let mut sorted = depths.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    check(
        sorted.len() == depths.len() && depths.iter().all(|d| (1..=8).contains(d)),
        field,
        format!("{depths:?}"),
        "distinct depths in [1, 8]",
    )
}

/// A loss threshold: finite and ≥ 0 (0 disables it).
fn check_threshold(field: &str, value: f64) -> Result<(), ConfigError> {
    check(
        value.is_finite() && value >= 0.0,
        field,
        value,
        "a finite number ≥ 0 (0 disables the threshold)",
    )
}
