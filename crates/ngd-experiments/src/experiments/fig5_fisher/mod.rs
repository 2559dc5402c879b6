//! `fig5-fisher`: which Fisher in matrix completion (issue 15, item 4; hypotheses M1–M3 of
//! `docs/hypotheses.md`). Fig. 5's task (rank-`r` truth, `m` observed entries, Arora et al.'s
//! initialization, fig5's data and EGD) at sizes where an `m × m` solve per step is affordable,
//! trained by
//!
//! - `EGD`: plain GD with a fixed step (fig5's EGD rule with its `L = 1` step policy);
//! - `NGD-MP`: the paper's NGD, Moore–Penrose under `F(β) = I` on all `n²` entries
//!   (`F(w) = JᵀJ`; fig5's `NGD-MP`, Sylvester at `L = 2`, CG at `L ≥ 3`);
//! - `NGD-OBS`: Moore–Penrose NGD under the observed-entry Fisher `F_Ω(w) = Jᵀ P_Ωᵀ P_Ω J`
//!   (same sum loss `½ Σ_Ω (β − M)²`; [`ngd_fisher::factorization::observed`]), exact at every
//!   depth through the `m × m` kernel;
//! - `NGD-OBS-DAMPED`: `(F_Ω + λI)⁻¹ ∇` with relative damping `λ = ρ tr(F_Ω)/P` over a grid of
//!   `ρ` (step rule in [`observed_rule`]).
//!
//! Every run stops when converged by [`ngd_harness::convergence`]'s squared-loss criterion
//! (`Σ_Ω (β − M)² / Σ_Ω M² ≤ 1e-12`) or at its step budget, and records which.

mod claims;
mod docs;
mod finish;
pub mod observed_rule;
mod run;

use crate::experiments::fig5::{Fig5Output, check_depths};
use ngd_harness::config::{Preset, check, check_finite_positive, check_nonempty, check_positive};
use ngd_harness::context::RunContext;
use ngd_harness::error::{ConfigError, Error, RunError};
use ngd_harness::experiment::{Experiment, ExperimentSummary, RunRecord, RunSpec};
use ngd_harness::output::ExperimentDir;
use serde::{Deserialize, Serialize};

/// The methods of a run (the `method` of [`Fig5FisherParams`]).
/// The methods compared (serialized as their labels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Method {
    /// Plain gradient descent with a fixed step.
    #[serde(rename = "EGD")]
    Egd,
    /// The paper's Moore–Penrose NGD, `F(β) = I` over all `n²` entries.
    #[serde(rename = "NGD-MP")]
    PaperNgd,
    /// Moore–Penrose NGD under the observed-entry Fisher `Jᵀ P_Ωᵀ P_Ω J`.
    #[serde(rename = "NGD-OBS")]
    ObservedNgd,
    /// Observed-entry NGD with relative Tikhonov damping `ρ`.
    #[serde(rename = "NGD-OBS-DAMPED")]
    DampedObservedNgd,
}

impl Method {
    /// The label in run ids, CSVs and run files.
    pub fn label(self) -> &'static str {
        match self {
            Method::Egd => "EGD",
            Method::PaperNgd => "NGD-MP",
            Method::ObservedNgd => "NGD-OBS",
            Method::DampedObservedNgd => "NGD-OBS-DAMPED",
        }
    }
}

/// The config of `fig5-fisher`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fig5FisherConfig {
    /// Matrix size `n`.
    pub n: usize,
    /// Rank of the ground truth.
    pub rank: usize,
    /// Numbers of observed entries `m` (x axis).
    pub observations: Vec<usize>,
    /// Independent draws (truth, observations, initialization) per point.
    pub seeds: usize,
    /// Arora et al.'s `init_scale`: per-entry std `init_scale^{1/L} / √n`.
    pub init_scale: f64,
    /// Depths of EGD, the paper's NGD and observed-entry NGD.
    pub depths: Vec<usize>,
    /// Depths of the damped observed-entry NGD runs.
    pub damped_depths: Vec<usize>,
    /// Relative damping grid `ρ` (`λ = ρ · tr(F_Ω)/P`).
    pub relative_damping: Vec<f64>,
    /// EGD's fixed step `η` (plain GD at every depth: fig5's normalized step hovers at a
    /// relative residual of about 1e-6 and never meets the convergence criterion).
    pub egd_step: f64,
    /// EGD step budget.
    pub egd_max_steps: u64,
    /// NGD step `η` (all NGD methods).
    pub ngd_step: f64,
    /// NGD relative step cap `c`: no factor moves by more than `c ‖W_i‖_F` in one step.
    pub ngd_max_relative_step: f64,
    /// Step budget of the undamped NGD runs.
    pub ngd_max_steps: u64,
    /// Step budget of the damped runs (large `ρ` is EGD-like and slow).
    pub damped_max_steps: u64,
    /// CG iteration budget per paper Moore–Penrose solve (`L ≥ 3`).
    pub cg_max_iterations: usize,
    /// CG relative residual tolerance.
    pub cg_tolerance: f64,
    /// Recording points per decade of steps.
    pub points_per_decade: usize,
    /// Steps per executor chunk (checkpoints and progress happen between chunks).
    pub chunk_steps: u64,
}

/// Parameters of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fig5FisherParams {
    /// The method.
    pub method: Method,
    /// Depth `L`.
    pub depth: usize,
    /// Relative damping `ρ` (`NGD-OBS-DAMPED` only).
    pub rho: Option<f64>,
    /// Number of observed entries.
    pub observations: usize,
    /// Draw index.
    pub seed: usize,
}

/// The output of one run: fig5's output plus the convergence verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fig5FisherOutput {
    /// Trajectory, final errors, rank, steps and stop reason (as fig5 records them).
    pub run: Fig5Output,
    /// Observed-entry NGD: at initialization, `‖P_Ωᶜ J g‖ / ‖P_Ω J g‖`, how far the first-order
    /// move of the unobserved entries goes relative to the observed ones (0 for `F(β) = I`).
    pub unobserved_share: Option<f64>,
}

/// The `fig5-fisher` experiment.
#[derive(Debug, Clone, Copy, Default)]
pub struct Fig5Fisher;

impl Experiment for Fig5Fisher {
    type Config = Fig5FisherConfig;
    type Params = Fig5FisherParams;
    type RunOutput = Fig5FisherOutput;

    fn name(&self) -> &'static str {
        "fig5-fisher"
    }

    fn description(&self) -> &'static str {
        "Matrix completion: NGD under F(β) = I vs the observed-entry Fisher (and damped) vs EGD"
    }

    fn config(&self, preset: Preset) -> Fig5FisherConfig {
        let quick = preset == Preset::Quick;
        Fig5FisherConfig {
            n: if quick { 12 } else { 24 },
            rank: 2,
            observations: if quick {
                vec![50, 70, 90]
            } else {
                vec![100, 150, 200, 250, 300]
            },
            seeds: if quick { 1 } else { 3 },
            init_scale: 1e-3,
            depths: if quick { vec![2, 3] } else { vec![1, 2, 3] },
            damped_depths: vec![2],
            relative_damping: if quick {
                vec![1e-6, 1e-4, 1e-2, 1.0, 1e2]
            } else {
                vec![1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0, 1e1, 1e2]
            },
            egd_step: 0.05,
            egd_max_steps: if quick { 400_000 } else { 2_000_000 },
            ngd_step: 1.0,
            ngd_max_relative_step: 0.1,
            ngd_max_steps: if quick { 500 } else { 5_000 },
            damped_max_steps: if quick { 50_000 } else { 500_000 },
            cg_max_iterations: 2_000,
            cg_tolerance: 1e-8,
            points_per_decade: 10,
            chunk_steps: if quick { 10_000 } else { 50_000 },
        }
    }

    fn validate(&self, c: &Fig5FisherConfig) -> Result<(), ConfigError> {
        check((2..=60).contains(&c.n), "n", c.n, "an integer in [2, 60]")?;
        check(
            (1..=c.n).contains(&c.rank),
            "rank",
            c.rank,
            "an integer in [1, n]",
        )?;
        check_nonempty("observations", &c.observations)?;
        for &m in &c.observations {
            check(
                (1..=(c.n * c.n).min(2_000)).contains(&m),
                "observations",
                m,
                "counts in [1, min(n², 2000)] (one m × m eigendecomposition per step)",
            )?;
        }
        check_positive("seeds", c.seeds as u64)?;
        check_finite_positive("init_scale", c.init_scale)?;
        check_nonempty("depths", &c.depths)?;
        check_depths("depths", &c.depths)?;
        check_depths("damped_depths", &c.damped_depths)?;
        for &rho in &c.relative_damping {
            check_finite_positive("relative_damping", rho)?;
        }
        check_finite_positive("egd_step", c.egd_step)?;
        check_positive("egd_max_steps", c.egd_max_steps)?;
        check_finite_positive("ngd_step", c.ngd_step)?;
        check_finite_positive("ngd_max_relative_step", c.ngd_max_relative_step)?;
        check_positive("ngd_max_steps", c.ngd_max_steps)?;
        check_positive("damped_max_steps", c.damped_max_steps)?;
        check_positive("cg_max_iterations", c.cg_max_iterations as u64)?;
        check_finite_positive("cg_tolerance", c.cg_tolerance)?;
        check_positive("points_per_decade", c.points_per_decade as u64)?;
        check_positive("chunk_steps", c.chunk_steps)
    }

    fn peak_bytes(&self, c: &Fig5FisherConfig) -> Option<u64> {
        // The truth, mask and trivial solution (n × n each); the factors of the deepest model
        // with their gradients, moments and partial products (as fig5); and the observed-entry
        // route's m × P Jacobian rows (P = L n²) with the m × m kernel and its eigenvectors.
        let f = ngd_harness::memory::f64_bytes;
        let n = c.n as u64;
        let depth = c
            .depths
            .iter()
            .chain(&c.damped_depths)
            .copied()
            .max()
            .unwrap_or(1) as u64;
        let m = c.observations.iter().copied().max().unwrap_or(0) as u64;
        Some(
            [
                f(&[3, n, n]),
                f(&[16, depth, n, n]),
                f(&[2, m, depth, n, n]),
                f(&[4, m, m]),
            ]
            .into_iter()
            .fold(0u64, u64::saturating_add),
        )
    }

    fn outputs(&self, c: &Fig5FisherConfig) -> ngd_harness::output::OutputDocs {
        docs::outputs(c)
    }

    fn plan(&self, c: &Fig5FisherConfig) -> Vec<RunSpec<Fig5FisherParams>> {
        let n3 = (c.n as u64).pow(3);
        let mut plan = Vec::new();
        for seed in 0..c.seeds {
            for &m in &c.observations {
                let m3 = (m as u64).pow(3);
                let mut add = |method: Method, depth: usize, rho: Option<f64>, cost: u64| {
                    let tag = rho.map_or(String::new(), |r| format!("-rho{r:e}"));
                    plan.push(RunSpec {
                        id: format!("{}-L{depth}{tag}-m{m}-s{seed}", method.label()),
                        cost,
                        params: Fig5FisherParams {
                            method,
                            depth,
                            rho,
                            observations: m,
                            seed,
                        },
                    });
                };
                for &d in &c.depths {
                    let l = d as u64;
                    add(Method::Egd, d, None, c.egd_max_steps * l * n3);
                    let per = if d >= 3 { 50 * l } else { 10 };
                    add(Method::PaperNgd, d, None, c.ngd_max_steps * per * n3);
                    add(
                        Method::ObservedNgd,
                        d,
                        None,
                        c.ngd_max_steps * (m3 + l * n3),
                    );
                }
                for &d in &c.damped_depths {
                    for &rho in &c.relative_damping {
                        let cost = c.damped_max_steps * (m3 + d as u64 * n3);
                        add(Method::DampedObservedNgd, d, Some(rho), cost);
                    }
                }
            }
        }
        plan
    }

    fn run(
        &self,
        c: &Fig5FisherConfig,
        spec: &RunSpec<Fig5FisherParams>,
        ctx: &mut RunContext,
    ) -> Result<Fig5FisherOutput, RunError> {
        run::run(c, &spec.params, ctx)
    }

    fn finish(
        &self,
        c: &Fig5FisherConfig,
        runs: &[(RunSpec<Fig5FisherParams>, RunRecord<Fig5FisherOutput>)],
        out: &ExperimentDir,
    ) -> Result<ExperimentSummary, Error> {
        finish::finish(c, runs, out)
    }
}

#[cfg(test)]
mod tests;
