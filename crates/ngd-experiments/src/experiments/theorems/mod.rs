//! `theorems`: the paper's theorems as measured experiments, each run one check with a pass
//! threshold stated in the report.
//!
//! - **Thm 1** (`N < D`, `X` full rank, `A` invertible): NGD on `X` and on `X Aᵀ` (from
//!   `β'₀ = A⁻ᵀβ₀`) gives identical training logits `X β_t = X Aᵀ β'_t`;
//! - **Thm 2** (`N ≥ D`): `Aᵀ β'_t = β_t`;
//! - **Thm 3/4** (`N < D`, linear model): `max_n |s_n(t)/t − y_n|` shrinks like `1/t` and `β_t`
//!   turns to the minimum-norm interpolant `X⁺ y`;
//! - **Thm 4 beyond linear models**: a two-layer tanh network (`ngd_models::TwoLayerTanh`)
//!   trained by the generic exact NGD of `ngd-optim` (`thm4.rs`);
//! - **App. D**: the ℓ2 max-margin separator is not invariant under `X ↦ X Aᵀ`; NGD is (in its
//!   logits, as `N = 1 < D = 2`);
//! - **App. G**: the minimum-norm OLS solution is invariant (logits for `N < D`, `Aᵀβ' = β` for
//!   `N ≥ D`).
//!
//! `A` is `ngd_data::well_conditioned_matrix` (`I + E`, cond ≤ 3) or
//! `ngd_data::diagonal_rescaling`. Data (a choice; the paper states no data for its theorems):
//! `X` i.i.d. standard Gaussian, `y = sign(X β*)` with a Gaussian teacher `β*` (ties → +1);
//! `β₀` i.i.d. `N(0, init_scale²)`. "Time" for NGD with step `η` is `t = ηk`.

mod docs;
mod exact;
mod finish;
mod linear;
mod run;
mod thm4;

pub use exact::{AppD, app_d, app_d_problem, ols_invariance};
pub use linear::{
    Invariance, LinearNgd, asymptotics, invariance, relative_difference, transformed_init,
};

use ngd_harness::config::{Preset, check_finite_positive, check_positive};
use ngd_harness::context::RunContext;
use ngd_harness::error::{ConfigError, Error, RunError};
use ngd_harness::experiment::{Experiment, ExperimentSummary, RunRecord, RunSpec};
use ngd_harness::output::ExperimentDir;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The config of `theorems`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TheoremsConfig {
    /// `N` of the wide problem (`N < D`): Theorems 1, 3 and App. G.
    pub wide_n: usize,
    /// `D` of the wide problem.
    pub wide_d: usize,
    /// `N` of the tall problem (`N ≥ D`): Theorem 2 and App. G.
    pub tall_n: usize,
    /// `D` of the tall problem.
    pub tall_d: usize,
    /// Standard deviation of the Gaussian initial `β₀`.
    pub init_scale: f64,
    /// NGD steps of the invariance runs (Theorems 1, 2, App. D).
    pub invariance_steps: u64,
    /// NGD step `η` of the invariance runs.
    pub invariance_step: f64,
    /// NGD steps of the Theorem 3 run.
    pub asymptotic_steps: u64,
    /// NGD step `η` of the Theorem 3 run (`t = ηk`).
    pub asymptotic_step: f64,
    /// `N` of the two-layer problem.
    pub two_layer_n: usize,
    /// `D` of the two-layer problem.
    pub two_layer_d: usize,
    /// Hidden width `H` (`P = H·D + H` must be ≥ `N`).
    pub two_layer_hidden: usize,
    /// NGD steps of the two-layer run.
    pub two_layer_steps: u64,
    /// NGD step `η` of the two-layer run.
    pub two_layer_step: f64,
    /// Initial weights: `W ~ N(0, s²/D)`, `v ~ N(0, s²/H)` with this `s`.
    pub two_layer_init_scale: f64,
    /// Recording points per decade of steps.
    pub points_per_decade: usize,
    /// Pass threshold for the relative differences of the invariance checks.
    pub invariance_tolerance: f64,
    /// Pass threshold for `max_n |s_n(t)/t − y_n|` at the end of the Theorem 3/4 runs.
    pub asymptote_tolerance: f64,
}

/// The input transform `A`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transform {
    /// `ngd_data::well_conditioned_matrix`.
    WellConditioned,
    /// `ngd_data::diagonal_rescaling`.
    DiagonalRescaling,
}

impl Transform {
    /// Short label for ids.
    pub fn label(self) -> &'static str {
        match self {
            Transform::WellConditioned => "wellcond",
            Transform::DiagonalRescaling => "diag",
        }
    }
}

/// Which check a run performs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "check", rename_all = "snake_case")]
pub enum TheoremCheck {
    /// Theorem 1 with this transform.
    Thm1 {
        /// The transform.
        transform: Transform,
    },
    /// Theorem 2 with this transform.
    Thm2 {
        /// The transform.
        transform: Transform,
    },
    /// Theorem 3 (linear model).
    Thm3,
    /// Theorem 4 on the two-layer network.
    Thm4TwoLayer,
    /// App. D's counterexample.
    AppD,
    /// App. G with this transform.
    AppG {
        /// The transform.
        transform: Transform,
    },
}

/// One recorded step of a check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TracePoint {
    /// Step `k`.
    pub step: u64,
    /// Time `t = ηk`.
    pub time: f64,
    /// Named quantities.
    pub values: BTreeMap<String, f64>,
}

/// The output of one check.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TheoremOutput {
    /// The trajectory (empty for exact checks).
    pub trace: Vec<TracePoint>,
    /// Named headline numbers.
    pub scalars: BTreeMap<String, f64>,
}

/// The `theorems` experiment.
#[derive(Debug, Clone, Copy, Default)]
pub struct Theorems;

impl Experiment for Theorems {
    type Config = TheoremsConfig;
    type Params = TheoremCheck;
    type RunOutput = TheoremOutput;

    fn name(&self) -> &'static str {
        "theorems"
    }

    fn description(&self) -> &'static str {
        "Theorems 1–4, App. D and App. G as measured checks with pass thresholds"
    }

    fn config(&self, preset: Preset) -> TheoremsConfig {
        let quick = TheoremsConfig {
            wide_n: 10,
            wide_d: 40,
            tall_n: 60,
            tall_d: 8,
            init_scale: 0.1,
            invariance_steps: 300,
            invariance_step: 0.5,
            asymptotic_steps: 10_000,
            asymptotic_step: 1.0,
            two_layer_n: 8,
            two_layer_d: 4,
            two_layer_hidden: 16,
            two_layer_steps: 5_000,
            two_layer_step: 0.5,
            two_layer_init_scale: 1.0,
            points_per_decade: 10,
            invariance_tolerance: 1e-9,
            asymptote_tolerance: 1e-2,
        };
        match preset {
            Preset::Quick => quick,
            // The paper gives no sizes for these checks; the paper preset uses Fig. 4's regime.
            Preset::Paper => TheoremsConfig {
                wide_n: 100,
                wide_d: 1000,
                tall_n: 2500,
                tall_d: 50,
                invariance_steps: 2_000,
                asymptotic_steps: 100_000,
                two_layer_n: 50,
                two_layer_d: 10,
                two_layer_hidden: 32,
                two_layer_steps: 50_000,
                ..quick
            },
        }
    }

    fn peak_bytes(&self, c: &TheoremsConfig) -> Option<u64> {
        // The data of each problem and the dense D × D and N × N matrices of the brute-force
        // natural gradients, for the largest problem.
        let f = ngd_harness::memory::f64_bytes;
        let problems = [
            (c.wide_n, c.wide_d),
            (c.tall_n, c.tall_d),
            (
                c.two_layer_n,
                c.two_layer_d.saturating_mul(c.two_layer_hidden),
            ),
        ];
        problems
            .iter()
            .map(|&(n, d)| {
                let (n, d) = (n as u64, d as u64);
                f(&[4, n, d])
                    .saturating_add(f(&[6, d, d]))
                    .saturating_add(f(&[4, n, n]))
            })
            .max()
    }

    fn validate(&self, c: &TheoremsConfig) -> Result<(), ConfigError> {
        for (f, v) in [
            ("wide_n", c.wide_n),
            ("wide_d", c.wide_d),
            ("tall_n", c.tall_n),
            ("tall_d", c.tall_d),
            ("two_layer_n", c.two_layer_n),
            ("two_layer_d", c.two_layer_d),
            ("two_layer_hidden", c.two_layer_hidden),
            ("points_per_decade", c.points_per_decade),
        ] {
            check_positive(f, v as u64)?;
        }
        if c.wide_n >= c.wide_d {
            return Err(ConfigError::Inconsistent(format!(
                "wide_n = {} must be < wide_d = {} (Theorem 1 needs N < D)",
                c.wide_n, c.wide_d
            )));
        }
        if c.tall_n < c.tall_d {
            return Err(ConfigError::Inconsistent(format!(
                "tall_n = {} must be ≥ tall_d = {} (Theorem 2 needs N ≥ D)",
                c.tall_n, c.tall_d
            )));
        }
        let p = c.two_layer_hidden * (c.two_layer_d + 1);
        if p < c.two_layer_n {
            return Err(ConfigError::Inconsistent(format!(
                "two-layer P = H·(D+1) = {p} must be ≥ two_layer_n = {} (Theorem 4 needs P ≥ N)",
                c.two_layer_n
            )));
        }
        for (f, v) in [
            ("invariance_steps", c.invariance_steps),
            ("asymptotic_steps", c.asymptotic_steps),
            ("two_layer_steps", c.two_layer_steps),
        ] {
            check_positive(f, v)?;
        }
        for (f, v) in [
            ("init_scale", c.init_scale),
            ("invariance_step", c.invariance_step),
            ("asymptotic_step", c.asymptotic_step),
            ("two_layer_step", c.two_layer_step),
            ("two_layer_init_scale", c.two_layer_init_scale),
            ("invariance_tolerance", c.invariance_tolerance),
            ("asymptote_tolerance", c.asymptote_tolerance),
        ] {
            check_finite_positive(f, v)?;
        }
        Ok(())
    }

    fn plan(&self, c: &TheoremsConfig) -> Vec<RunSpec<TheoremCheck>> {
        let (wn, wd, tn, td) = (
            c.wide_n as u64,
            c.wide_d as u64,
            c.tall_n as u64,
            c.tall_d as u64,
        );
        let inv_wide = c.invariance_steps * 2 * (wn * wn * wd + wn * wn * wn);
        let inv_tall = c.invariance_steps * 2 * tn * td * td;
        let mut plan = Vec::new();
        let spec = |id: String, cost: u64, params| RunSpec { id, cost, params };
        for transform in [Transform::WellConditioned, Transform::DiagonalRescaling] {
            plan.push(spec(
                format!("thm1-{}", transform.label()),
                inv_wide,
                TheoremCheck::Thm1 { transform },
            ));
            plan.push(spec(
                format!("thm2-{}", transform.label()),
                inv_tall,
                TheoremCheck::Thm2 { transform },
            ));
        }
        plan.push(spec(
            "thm3-linear".into(),
            c.asymptotic_steps * (wn * wn * wd + wn * wn * wn),
            TheoremCheck::Thm3,
        ));
        let p = (c.two_layer_hidden * (c.two_layer_d + 1)) as u64;
        let n = c.two_layer_n as u64;
        plan.push(spec(
            "thm4-two-layer".into(),
            c.two_layer_steps * (n * n * p + n * n * n),
            TheoremCheck::Thm4TwoLayer,
        ));
        plan.push(spec(
            "appD".into(),
            c.invariance_steps * 10,
            TheoremCheck::AppD,
        ));
        for transform in [Transform::WellConditioned, Transform::DiagonalRescaling] {
            plan.push(spec(
                format!("appG-{}", transform.label()),
                wd * wd * wd + tn * td * td,
                TheoremCheck::AppG { transform },
            ));
        }
        plan
    }

    fn run(
        &self,
        c: &TheoremsConfig,
        spec: &RunSpec<TheoremCheck>,
        ctx: &mut RunContext,
    ) -> Result<TheoremOutput, RunError> {
        run::run(c, &spec.params, ctx)
    }

    fn finish(
        &self,
        c: &TheoremsConfig,
        runs: &[(RunSpec<TheoremCheck>, RunRecord<TheoremOutput>)],
        out: &ExperimentDir,
    ) -> Result<ExperimentSummary, Error> {
        finish::finish(c, runs, out)
    }

    fn outputs(&self, _config: &TheoremsConfig) -> ngd_harness::output::OutputDocs {
        docs::outputs()
    }
}
