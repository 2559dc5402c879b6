//! `fig5`: rank-5 matrix completion with deep matrix factorizations (the paper's Fig. 5, after
//! Arora et al. 2019): reconstruction error `‖β − M‖²_F / ‖M‖²_F` and effective rank of the
//! solution against the number of observations, for EGD with `L = 1…4`, NGD (layer split and
//! Moore–Penrose) at every depth, the minimum-nuclear-norm baseline, and (right panel) EGD from
//! *collapsed* initializations (each factor a product of `k` Gaussian matrices, so an `L`-layer
//! model looks like an `L·k`-layer one at initialization).
//!
//! Loss: `½ Σ_Ω (β − M)²`; the stopping test uses Arora et al.'s train loss, the mean squared
//! error over observed entries. EGD `L ≥ 2` uses Arora et al.'s normalized step (lr over a
//! running RMS of the gradient norm); EGD `L = 1` uses plain GD with a fixed step (it converges
//! geometrically; the normalized step would need `‖M_Ω‖/lr` steps). NGD uses a fixed step
//! capped relative to the factor norms (see [`ngd_rule`]).

mod arrays;
mod docs;
mod finish;
pub mod ngd_rule;
pub(crate) mod train;
pub(crate) mod training;

use ngd_harness::config::{Preset, check, check_finite_positive, check_nonempty, check_positive};
use ngd_harness::context::RunContext;
use ngd_harness::error::{ConfigError, Error, RunError};
use ngd_harness::experiment::{Experiment, ExperimentSummary, RunRecord, RunSpec};
use ngd_harness::output::ExperimentDir;
use serde::{Deserialize, Serialize};
pub use train::{Fig5Output, Seeds};
pub use training::Fig5Point;

/// The config of `fig5`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fig5Config {
    /// Matrix size `n` (Arora et al.: 100).
    pub n: usize,
    /// Rank of the ground truth (5).
    pub rank: usize,
    /// Numbers of observed entries (x axis).
    pub observations: Vec<usize>,
    /// Independent draws (truth, observations, initialization) per point.
    pub seeds: usize,
    /// Arora et al.'s `init_scale`: per-entry std `init_scale^{1/L} / √n`.
    pub init_scale: f64,
    /// EGD depths.
    pub egd_depths: Vec<usize>,
    /// Normalized-step learning rate of EGD, `L ≥ 2` (Arora et al.: 1e-3 or 3e-4).
    pub egd_lr: f64,
    /// Decay `ρ` of the normalized step's running second moment.
    pub egd_decay: f64,
    /// Fixed step of plain GD for EGD `L = 1`.
    pub egd_depth1_step: f64,
    /// EGD step budget.
    pub egd_max_steps: u64,
    /// Stop when the mean squared error over observed entries is ≤ this (Arora et al.: 1e-6).
    pub train_mse_threshold: f64,
    /// Depths of NGD with the layer split.
    pub ngd_layer_split_depths: Vec<usize>,
    /// Depths of NGD with the Moore–Penrose direction (CG for `L ≥ 3`).
    pub ngd_moore_penrose_depths: Vec<usize>,
    /// NGD step `η`.
    pub ngd_step: f64,
    /// NGD relative step cap `c`: no factor moves by more than `c ‖W_i‖_F` in one step.
    pub ngd_max_relative_step: f64,
    /// NGD step budget.
    pub ngd_max_steps: u64,
    /// CG iteration budget per Moore–Penrose solve (`L ≥ 3`).
    pub cg_max_iterations: usize,
    /// CG relative residual tolerance.
    pub cg_tolerance: f64,
    /// Collapsed initializations `[depth, collapse]` trained by EGD (right panel).
    pub collapsed: Vec<[usize; 2]>,
    /// Also compute the minimum-nuclear-norm completion.
    pub nuclear_baseline: bool,
    /// Relative fixed-point tolerance of the nuclear-norm solver.
    pub nuclear_tol: f64,
    /// Recording points per decade of steps.
    pub points_per_decade: usize,
    /// Steps per executor chunk (checkpoints and progress happen between chunks).
    pub chunk_steps: u64,
}

/// The method of a run (stored as its label, `EGD`, `NGD-LS`, `NGD-MP` or `NUC`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Method {
    /// Euclidean gradient descent.
    #[serde(rename = "EGD")]
    Egd,
    /// NGD with the layer-split natural gradient.
    #[serde(rename = "NGD-LS")]
    NgdLayerSplit,
    /// NGD with the Moore–Penrose natural gradient.
    #[serde(rename = "NGD-MP")]
    NgdMoorePenrose,
    /// The minimum-nuclear-norm completion (no training).
    #[serde(rename = "NUC")]
    Nuclear,
}

impl Method {
    /// The label in run ids, CSVs and run files.
    pub fn label(self) -> &'static str {
        match self {
            Method::Egd => "EGD",
            Method::NgdLayerSplit => "NGD-LS",
            Method::NgdMoorePenrose => "NGD-MP",
            Method::Nuclear => "NUC",
        }
    }

    /// Whether the method is one of the NGDs.
    pub fn is_ngd(self) -> bool {
        matches!(self, Method::NgdLayerSplit | Method::NgdMoorePenrose)
    }
}

/// Parameters of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fig5Params {
    /// The method.
    pub method: Method,
    /// Depth `L` (0 for `NUC`).
    pub depth: usize,
    /// Collapse factor of the initialization (1 = plain).
    pub collapse: usize,
    /// Number of observed entries.
    pub observations: usize,
    /// Draw index.
    pub seed: usize,
}

/// The `fig5` experiment.
#[derive(Debug, Clone, Copy, Default)]
pub struct Fig5;

pub(crate) fn check_depths(field: &str, depths: &[usize]) -> Result<(), ConfigError> {
    for &d in depths {
        check((1..=8).contains(&d), field, d, "depths in [1, 8]")?;
    }
    Ok(())
}

impl Experiment for Fig5 {
    type Config = Fig5Config;
    type Params = Fig5Params;
    type RunOutput = Fig5Output;

    fn name(&self) -> &'static str {
        "fig5"
    }

    fn description(&self) -> &'static str {
        "Rank-5 matrix completion: EGD (L = 1…4), NGD and collapsed initializations vs observations"
    }

    fn config(&self, preset: Preset) -> Fig5Config {
        let quick = preset == Preset::Quick;
        Fig5Config {
            n: 100,
            rank: 5,
            observations: if quick {
                vec![1000, 2000, 3500, 5000]
            } else {
                vec![1000, 2000, 3000, 4000, 5000]
            },
            seeds: if quick { 1 } else { 3 },
            init_scale: 1e-3,
            egd_depths: vec![1, 2, 3, 4],
            egd_lr: if quick { 1e-2 } else { 1e-3 },
            egd_decay: 0.999,
            egd_depth1_step: 0.5,
            egd_max_steps: if quick { 6_000 } else { 1_000_000 },
            train_mse_threshold: 1e-6,
            ngd_layer_split_depths: vec![1, 2, 3, 4],
            ngd_moore_penrose_depths: vec![2, 3, 4],
            ngd_step: 0.5,
            ngd_max_relative_step: 0.1,
            ngd_max_steps: if quick { 100 } else { 2_000 },
            cg_max_iterations: 2_000,
            cg_tolerance: 1e-8,
            collapsed: vec![[2, 3], [3, 2]],
            nuclear_baseline: true,
            nuclear_tol: if quick { 1e-5 } else { 1e-9 },
            points_per_decade: 10,
            chunk_steps: if quick { 1_000 } else { 20_000 },
        }
    }

    fn peak_bytes(&self, c: &Fig5Config) -> Option<u64> {
        // The factors of the deepest model with their gradients, Adam-like moments and the
        // partial products of the natural gradient, the observed entries, and (with the
        // nuclear-norm baseline) the conic solver's `n² × n` blocks.
        let f = ngd_harness::memory::f64_bytes;
        let n = c.n as u64;
        let depth = c
            .egd_depths
            .iter()
            .chain(&c.ngd_layer_split_depths)
            .chain(&c.ngd_moore_penrose_depths)
            .copied()
            .max()
            .unwrap_or(1) as u64;
        let observed = c.observations.iter().copied().max().unwrap_or(0) as u64;
        let nuclear = if c.nuclear_baseline {
            f(&[4, n, n, n])
        } else {
            0
        };
        Some(
            f(&[16, depth, n, n])
                .saturating_add(f(&[4, observed]))
                .saturating_add(nuclear),
        )
    }

    fn validate(&self, c: &Fig5Config) -> Result<(), ConfigError> {
        check((2..=400).contains(&c.n), "n", c.n, "an integer in [2, 400]")?;
        check(
            (1..=c.n).contains(&c.rank),
            "rank",
            c.rank,
            "an integer in [1, n]",
        )?;
        check_nonempty("observations", &c.observations)?;
        for &m in &c.observations {
            check(
                (1..=c.n * c.n).contains(&m),
                "observations",
                m,
                "counts in [1, n²]",
            )?;
        }
        check_positive("seeds", c.seeds as u64)?;
        check_finite_positive("init_scale", c.init_scale)?;
        check_depths("egd_depths", &c.egd_depths)?;
        check_finite_positive("egd_lr", c.egd_lr)?;
        check(
            c.egd_decay > 0.0 && c.egd_decay < 1.0,
            "egd_decay",
            c.egd_decay,
            "0 < ρ < 1",
        )?;
        check_finite_positive("egd_depth1_step", c.egd_depth1_step)?;
        check_positive("egd_max_steps", c.egd_max_steps)?;
        check_finite_positive("train_mse_threshold", c.train_mse_threshold)?;
        check_depths("ngd_layer_split_depths", &c.ngd_layer_split_depths)?;
        check_depths("ngd_moore_penrose_depths", &c.ngd_moore_penrose_depths)?;
        check_finite_positive("ngd_step", c.ngd_step)?;
        check_finite_positive("ngd_max_relative_step", c.ngd_max_relative_step)?;
        check_positive("ngd_max_steps", c.ngd_max_steps)?;
        check_positive("cg_max_iterations", c.cg_max_iterations as u64)?;
        check_finite_positive("cg_tolerance", c.cg_tolerance)?;
        for &[depth, collapse] in &c.collapsed {
            check(
                (1..=8).contains(&depth),
                "collapsed",
                depth,
                "depth in [1, 8]",
            )?;
            check(
                (1..=8).contains(&collapse),
                "collapsed",
                collapse,
                "collapse in [1, 8]",
            )?;
        }
        check_finite_positive("nuclear_tol", c.nuclear_tol)?;
        check_positive("points_per_decade", c.points_per_decade as u64)?;
        check_positive("chunk_steps", c.chunk_steps)
    }

    fn plan(&self, c: &Fig5Config) -> Vec<RunSpec<Fig5Params>> {
        let n3 = (c.n as u64).pow(3);
        let mut plan = Vec::new();
        for seed in 0..c.seeds {
            for &m in &c.observations {
                let mut add = |method: Method, depth: usize, collapse: usize, cost: u64| {
                    let tag = if collapse > 1 {
                        format!("x{collapse}")
                    } else {
                        String::new()
                    };
                    plan.push(RunSpec {
                        id: format!("{}-L{depth}{tag}-m{m}-s{seed}", method.label()),
                        cost,
                        params: Fig5Params {
                            method,
                            depth,
                            collapse,
                            observations: m,
                            seed,
                        },
                    });
                };
                if c.nuclear_baseline {
                    add(Method::Nuclear, 0, 1, 2_000 * n3);
                }
                for &d in &c.egd_depths {
                    let steps = if d == 1 { 100 } else { c.egd_max_steps };
                    add(Method::Egd, d, 1, steps * d as u64 * n3);
                }
                for &[d, k] in &c.collapsed {
                    add(Method::Egd, d, k, c.egd_max_steps * d as u64 * n3);
                }
                for &d in &c.ngd_layer_split_depths {
                    add(
                        Method::NgdLayerSplit,
                        d,
                        1,
                        c.ngd_max_steps * 10 * d as u64 * n3,
                    );
                }
                for &d in &c.ngd_moore_penrose_depths {
                    let per = if d >= 3 { 50 * d as u64 } else { 10 };
                    add(Method::NgdMoorePenrose, d, 1, c.ngd_max_steps * per * n3);
                }
            }
        }
        plan
    }

    fn run(
        &self,
        c: &Fig5Config,
        spec: &RunSpec<Fig5Params>,
        ctx: &mut RunContext,
    ) -> Result<Fig5Output, RunError> {
        train::run(c, &spec.params, ctx)
    }

    fn finish(
        &self,
        c: &Fig5Config,
        runs: &[(RunSpec<Fig5Params>, RunRecord<Fig5Output>)],
        out: &ExperimentDir,
    ) -> Result<ExperimentSummary, Error> {
        finish::finish(c, runs, out)
    }

    fn outputs(&self, c: &Fig5Config) -> ngd_harness::output::OutputDocs {
        docs::outputs(c)
    }
}
