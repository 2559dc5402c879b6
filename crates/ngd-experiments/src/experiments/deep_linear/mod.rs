//! `deep-linear`: full-matrix deep linear classifiers `β = W_1ᵀ ⋯ W_Lᵀ`
//! ([`ngd_models::DeepLinearNet`]) — hypotheses L1–L4 of `docs/hypotheses.md`.
//!
//! - **EGD** (loss-normalized step `η / L(w)`, [`ngd_optim::NetworkEgd`]) at depths 1–4 on the
//!   Fig. 2 toy set (run until every margin reaches `toy_stop_margin`; the angle of `β` to the
//!   ℓ2 max-margin direction recorded at every recorded step) and on Fig. 4's sparse task
//!   (`x ~ N(0, I_D)`, `β*` with its first `k` entries 1, `y = sign(x·β*)`) over a grid of `N`,
//!   with the angle to the ℓ2 max-margin separator of the training set
//!   ([`ngd_optim::baselines::l2_max_margin`]) — Ji & Telgarsky (2019): the direction tends to
//!   it at every depth (L1), so full-matrix depth brings no sparsity bias (L2).
//! - **The diagonal net's EGD at `L = 2`** on the same data: a run of the sparse sweep's EGD
//!   (`sparse_sweep::egd`, the same data draw `data-N{N}-r{r}`), the contrast of L2.
//! - **Exact NGD** (fixed step, generic Moore–Penrose route, [`ngd_optim::GenericNgd`]) on the
//!   deep net of depth `ngd_depth` and on the linear model started at the deep net's initial
//!   `β_0` (equal initial logits): Theorem 4 says the training logits agree (to first order per
//!   step, L3) while `β` and the test predictions may differ when `N < D` (L4).
//!
//! Initialization: every entry of `W_l` is i.i.d. `N(0, init_scale² / h_{l−1})` (fan-in
//! scaling), from the shared seed `init-L{L}-N{N}-r{r}` (toy: `init-L{L}-toy`).

mod claims;
mod docs;
mod finish;
mod run;

pub(crate) use run::angle_degrees;

use crate::experiments::network_training::NetworkPoint;
use crate::experiments::sparse_sweep::check_depths;
use ngd_harness::config::{Preset, check, check_finite_positive, check_nonempty, check_positive};
use ngd_harness::context::RunContext;
use ngd_harness::convergence::Convergence;
use ngd_harness::error::{ConfigError, Error, RunError};
use ngd_harness::experiment::{Experiment, ExperimentSummary, RunSpec, Runs};
use ngd_harness::output::ExperimentDir;
use serde::{Deserialize, Serialize};

/// The config of `deep-linear`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeepLinearConfig {
    /// Depths `L` of the deep linear nets trained by EGD (each in `[1, 8]`, distinct).
    pub depths: Vec<usize>,
    /// Width of every hidden layer (`h_1 = … = h_{L−1}`).
    pub hidden_width: usize,
    /// Scale `σ` of the initialization `N(0, σ² / h_{l−1})` of every entry of `W_l`.
    pub init_scale: f64,
    /// Loss-normalized EGD base step `η` on the toy set.
    pub toy_learning_rate: f64,
    /// EGD step budget on the toy set.
    pub toy_steps: u64,
    /// Toy-set runs stop once every training margin reaches this.
    pub toy_stop_margin: f64,
    /// Number of features `D` of the sparse task.
    pub dim: usize,
    /// Non-zero entries `k` of `β*`.
    pub sparsity: usize,
    /// Training-set sizes `N` (strictly increasing, each ≥ 2).
    pub n_grid: Vec<usize>,
    /// Test samples per data draw.
    pub n_test: usize,
    /// Independent data draws per `N`.
    pub seeds: usize,
    /// Loss-normalized EGD base step `η` per entry of `depths` (sparse task).
    pub egd_learning_rates: Vec<f64>,
    /// EGD step budget on the sparse task.
    pub egd_steps: u64,
    /// EGD on the sparse task stops once the training loss is at most this (0: never). The
    /// loss-normalized step moves `W_l` by `≈ η ‖x‖ ‖w‖^{L−2}` relative to its size, which grows
    /// with the weights at `L ≥ 3`: the threshold ends the run before that step destabilizes.
    pub egd_loss_below: f64,
    /// Loss-normalized EGD base step of the diagonal net at `L = 2` (the contrast of L2).
    pub diagonal_learning_rate: f64,
    /// Standard deviation of the diagonal net's i.i.d. Gaussian initial weights (Fig. 4's).
    pub diagonal_init_scale: f64,
    /// EGD step budget of the diagonal net.
    pub diagonal_steps: u64,
    /// Sizes `N` (in `n_grid`, `< dim`) of the NGD comparison (L3, L4).
    pub ngd_n: Vec<usize>,
    /// Depth of the deep net NGD trains (≥ 2).
    pub ngd_depth: usize,
    /// NGD fixed step `η` (the logits agree to first order per step: small steps).
    pub ngd_learning_rate: f64,
    /// NGD step budget.
    pub ngd_steps: u64,
    /// Log-spaced recording points per decade of steps.
    pub points_per_decade: usize,
}

impl DeepLinearConfig {
    /// The hidden widths of a depth-`depth` net.
    pub fn hidden(&self, depth: usize) -> Vec<usize> {
        vec![self.hidden_width; depth.saturating_sub(1)]
    }

    /// The EGD base step at `depth` (an entry of `depths`).
    pub fn egd_learning_rate(&self, depth: usize) -> f64 {
        let k = self.depths.iter().position(|&d| d == depth).unwrap_or(0);
        self.egd_learning_rates[k]
    }
}

/// Which method a run trains (also the typed key of its series in the claims).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Method {
    /// Loss-normalized EGD on the deep linear net on the toy set.
    ToyEgd {
        /// Depth `L`.
        depth: usize,
    },
    /// Loss-normalized EGD on the deep linear net on the sparse task.
    Egd {
        /// Depth `L`.
        depth: usize,
    },
    /// Loss-normalized EGD on the depth-2 diagonal net (sparse sweep's run).
    DiagonalEgd,
    /// Exact NGD on the deep linear net of depth `ngd_depth`.
    NgdDeep,
    /// Exact NGD on the linear model from the deep net's initial `β_0`.
    NgdLinear,
}

/// Parameters of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeepLinearParams {
    /// The method.
    pub method: Method,
    /// Training-set size (`N = 20` on the toy set).
    pub n: usize,
    /// Data draw (0 on the toy set).
    pub seed: usize,
}

/// The output of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeepLinearOutput {
    /// The recorded points (probe: the angle of `β` to the ℓ2 max-margin direction, degrees).
    pub points: Vec<NetworkPoint>,
    /// Why training stopped.
    pub stop: String,
    /// The harness's convergence verdict on the final loss.
    pub convergence: Convergence,
    /// The final end-to-end `β`.
    pub beta: Vec<f64>,
    /// The angle of the final `β` to the ℓ2 max-margin separator of the training set (degrees).
    pub l2_angle: f64,
    /// Test accuracy of the final `β` (fraction; `None` on the toy set, which has no test set).
    pub test_accuracy: Option<f64>,
    /// `Σ_{j<k} |β_j| / Σ_j |β_j|` (sparse task; 0 on the toy set).
    pub support_share: f64,
    /// The final training logits `X β` (NGD runs only, for Theorem 4).
    pub train_logits: Vec<f64>,
    /// The final test logits (NGD runs only).
    pub test_logits: Vec<f64>,
}

/// The `deep-linear` experiment.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeepLinear;

impl Experiment for DeepLinear {
    type Config = DeepLinearConfig;
    type Params = DeepLinearParams;
    type RunOutput = DeepLinearOutput;

    fn name(&self) -> &'static str {
        "deep-linear"
    }

    fn description(&self) -> &'static str {
        "Full-matrix deep linear nets: EGD → ℓ2 max margin at depths 1–4, no sparsity bias; NGD's logits vs β (Theorem 4)"
    }

    fn config(&self, preset: Preset) -> DeepLinearConfig {
        let paper = DeepLinearConfig {
            depths: vec![1, 2, 3, 4],
            hidden_width: 10,
            init_scale: 1.0,
            toy_learning_rate: 0.1,
            toy_steps: 20_000,
            toy_stop_margin: 1e6,
            dim: 1000,
            sparsity: 20,
            n_grid: vec![100, 250, 500, 750, 1000, 1500, 2000, 2500],
            n_test: 5000,
            seeds: 3,
            egd_learning_rates: vec![0.005, 0.002, 0.001, 0.0005],
            egd_steps: 20_000,
            egd_loss_below: 1e-250,
            diagonal_learning_rate: 0.05,
            diagonal_init_scale: 0.1,
            diagonal_steps: 20_000,
            ngd_n: vec![100, 250],
            ngd_depth: 2,
            ngd_learning_rate: 1e-3,
            ngd_steps: 5000,
            points_per_decade: 10,
        };
        match preset {
            Preset::Paper => paper,
            // Fig. 4's task shrunk to D = 200, k = 5 (seconds instead of hours).
            Preset::Quick => DeepLinearConfig {
                hidden_width: 5,
                dim: 200,
                sparsity: 5,
                n_grid: vec![20, 50, 100, 150],
                n_test: 2000,
                seeds: 2,
                egd_learning_rates: vec![0.01, 0.005, 0.002, 0.001],
                egd_steps: 3000,
                diagonal_steps: 3000,
                ngd_n: vec![20],
                points_per_decade: 6,
                ..paper
            },
        }
    }

    fn validate(&self, c: &DeepLinearConfig) -> Result<(), ConfigError> {
        check_depths("depths", &c.depths)?;
        check_positive("hidden_width", c.hidden_width as u64)?;
        check_finite_positive("init_scale", c.init_scale)?;
        check_finite_positive("toy_learning_rate", c.toy_learning_rate)?;
        check_positive("toy_steps", c.toy_steps)?;
        check_finite_positive("toy_stop_margin", c.toy_stop_margin)?;
        check_positive("dim", c.dim as u64)?;
        check(
            (1..=c.dim).contains(&c.sparsity),
            "sparsity",
            c.sparsity,
            &format!("an integer in [1, dim = {}]", c.dim),
        )?;
        check_nonempty("n_grid", &c.n_grid)?;
        check(
            c.n_grid[0] >= 2 && c.n_grid.windows(2).all(|w| w[0] < w[1]),
            "n_grid",
            format!("{:?}", c.n_grid),
            "strictly increasing sizes ≥ 2",
        )?;
        check_positive("n_test", c.n_test as u64)?;
        check_positive("seeds", c.seeds as u64)?;
        check(
            c.egd_learning_rates.len() == c.depths.len(),
            "egd_learning_rates",
            format!("{:?}", c.egd_learning_rates),
            "one step size per entry of depths",
        )?;
        for &eta in &c.egd_learning_rates {
            check_finite_positive("egd_learning_rates", eta)?;
        }
        check_positive("egd_steps", c.egd_steps)?;
        check(
            c.egd_loss_below.is_finite() && c.egd_loss_below >= 0.0,
            "egd_loss_below",
            c.egd_loss_below,
            "a finite number ≥ 0 (0 disables the threshold)",
        )?;
        check_finite_positive("diagonal_learning_rate", c.diagonal_learning_rate)?;
        check_finite_positive("diagonal_init_scale", c.diagonal_init_scale)?;
        check_positive("diagonal_steps", c.diagonal_steps)?;
        for &n in &c.ngd_n {
            check(
                c.n_grid.contains(&n) && n < c.dim,
                "ngd_n",
                n,
                &format!("entries of n_grid smaller than dim = {}", c.dim),
            )?;
        }
        check(
            (2..=8).contains(&c.ngd_depth),
            "ngd_depth",
            c.ngd_depth,
            "a depth in [2, 8]",
        )?;
        check_finite_positive("ngd_learning_rate", c.ngd_learning_rate)?;
        check_positive("ngd_steps", c.ngd_steps)?;
        check_positive("points_per_decade", c.points_per_decade as u64)
    }

    fn peak_bytes(&self, c: &DeepLinearConfig) -> Option<u64> {
        // The largest training set (X, its signed copy and the problem's copy) and the test
        // set, the ℓ2 max-margin solver's N × N Gram matrix and multipliers, and the exact NGD
        // route's N × P Jacobian (with its working copies) and N × N kernels.
        let f = ngd_harness::memory::f64_bytes;
        let n = c.n_grid.iter().copied().max().unwrap_or(0) as u64;
        let n_ngd = c.ngd_n.iter().copied().max().unwrap_or(0) as u64;
        let d = c.dim as u64;
        let widths = std::iter::once(c.dim)
            .chain(c.hidden(c.ngd_depth))
            .chain(std::iter::once(1));
        let params = widths
            .clone()
            .zip(widths.skip(1))
            .fold(0u64, |acc, (a, b)| {
                acc.saturating_add((a as u64).saturating_mul(b as u64))
            });
        let ngd_params = params.max(d);
        Some(
            [
                f(&[3, n, d]),
                f(&[c.n_test as u64, d]),
                f(&[3, n, n]),
                f(&[3, n_ngd, ngd_params]),
                f(&[3, n_ngd, n_ngd]),
            ]
            .into_iter()
            .fold(0u64, u64::saturating_add),
        )
    }

    fn outputs(&self, c: &DeepLinearConfig) -> ngd_harness::output::OutputDocs {
        docs::outputs(c)
    }

    fn plan(&self, c: &DeepLinearConfig) -> Vec<RunSpec<DeepLinearParams>> {
        let toy = c.depths.iter().map(|&depth| DeepLinearParams {
            method: Method::ToyEgd { depth },
            n: ngd_data::TOY_2D_POINTS_PER_CLASS * 2,
            seed: 0,
        });
        let mut sweep = Vec::new();
        for &n in &c.n_grid {
            for seed in 0..c.seeds {
                let mut methods: Vec<Method> = c
                    .depths
                    .iter()
                    .map(|&depth| Method::Egd { depth })
                    .collect();
                methods.push(Method::DiagonalEgd);
                if c.ngd_n.contains(&n) {
                    methods.extend([Method::NgdDeep, Method::NgdLinear]);
                }
                sweep.extend(methods.into_iter().map(|method| DeepLinearParams {
                    method,
                    n,
                    seed,
                }));
            }
        }
        toy.chain(sweep)
            .map(|params| RunSpec {
                id: run_id(&params),
                cost: run::cost(c, &params),
                params,
            })
            .collect()
    }

    fn run(
        &self,
        c: &DeepLinearConfig,
        spec: &RunSpec<DeepLinearParams>,
        ctx: &mut RunContext,
    ) -> Result<DeepLinearOutput, RunError> {
        run::run(c, &spec.params, ctx)
    }

    fn finish(
        &self,
        c: &DeepLinearConfig,
        runs: &Runs<DeepLinearParams, DeepLinearOutput>,
        out: &ExperimentDir,
    ) -> Result<ExperimentSummary, Error> {
        finish::finish(c, runs, out)
    }
}

/// The stable id of a run.
fn run_id(p: &DeepLinearParams) -> String {
    let (n, r) = (p.n, p.seed);
    match p.method {
        Method::ToyEgd { depth } => format!("toy-egd-L{depth}"),
        Method::Egd { depth } => format!("egd-L{depth}-N{n}-r{r}"),
        Method::DiagonalEgd => format!("diag-egd-L2-N{n}-r{r}"),
        Method::NgdDeep => format!("ngd-deep-N{n}-r{r}"),
        Method::NgdLinear => format!("ngd-linear-N{n}-r{r}"),
    }
}

#[cfg(test)]
mod tests;
