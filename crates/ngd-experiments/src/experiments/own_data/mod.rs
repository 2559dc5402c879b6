//! `own-data`: any shipped model trained by any method on a user's CSV data — a tool, not a
//! hypothesis: the report shows each method's numbers and states no verdict.
//!
//! Data: a training CSV and an optional test CSV (features, then a ±1 label column; read and
//! checked by [`crate::data_file`], exactly as `egd-demo` reads its files). Methods: a list of
//! `[[methods]]` tables ([`MethodSpec`]), each with a model ([`ModelSpec`]: linear, diagonal net
//! of depth `L`, deep linear net with hidden widths, two-layer tanh / ReLU), a method
//! ([`MethodKind`]: EGD fixed or loss-normalized; exact, damped absolute / relative, empirical,
//! diagonal or block NGD; K-FAC for the deep linear net), a step size, a step budget and an
//! initialization scale. Each method is one run (`m{index}`), trained by the shared network
//! trainer: mean logistic loss, training error and test accuracy recorded at about
//! `record_points` log-spaced steps, convergence judged by [`ngd_harness::convergence`].
//! Gradient flows are not offered (a discrete method with a small step is the flow's Euler
//! scheme).
//!
//! Example config (the quick preset uses `experiments/data/own-data-train.csv` and
//! `own-data-test.csv`, a seeded sparse-Gaussian task written out; see `example`):
//!
//! ```toml
//! train_file = "my-train.csv"
//! test_file = "my-test.csv"
//! record_points = 30
//!
//! [[methods]]
//! label = "EGD, diagonal L = 2"
//! model = { kind = "diagonal", depth = 2 }
//! method = { kind = "egd", step = "loss_normalized" }
//! learning_rate = 0.05
//! steps = 2000
//! init_scale = 0.1
//! ```

mod docs;
#[cfg(test)]
mod example;
mod finish;
pub mod spec;
mod train;

pub use spec::{MethodKind, MethodSpec, ModelSpec};

use crate::data_file::load_classification_csv;
use crate::experiments::network_training::NetworkPoint;
use crate::experiments::sparse_sweep::EgdStepKind;
use ngd_data::Classification;
use ngd_harness::config::{Preset, check, check_nonempty};
use ngd_harness::context::RunContext;
use ngd_harness::convergence::Convergence;
use ngd_harness::error::{ConfigError, Error, RunError};
use ngd_harness::experiment::{Experiment, ExperimentSummary, RunSpec, Runs};
use ngd_harness::output::ExperimentDir;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The config of `own-data`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnDataConfig {
    /// The training data (CSV: features, then a ±1 label; see [`crate::data_file`]).
    pub train_file: PathBuf,
    /// Optional test data in the same format with the same number of features.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_file: Option<PathBuf>,
    /// About this many log-spaced recorded steps per method (≥ 2; step 0 and the last step
    /// are always recorded).
    pub record_points: usize,
    /// The methods, one run each.
    pub methods: Vec<MethodSpec>,
}

impl OwnDataConfig {
    /// The training and (optional) test data, loaded and checked.
    ///
    /// # Errors
    /// The data file's errors ([`crate::data_file`]); a test file whose number of features
    /// differs from the training file's, naming `test_file`.
    pub fn data(&self) -> Result<(Classification, Option<Classification>), ConfigError> {
        let train = load_classification_csv(&self.train_file)?;
        let test = match &self.test_file {
            Some(path) => {
                let test = load_classification_csv(path)?;
                check(
                    test.d() == train.d(),
                    "test_file",
                    format!("{} features", test.d()),
                    &format!("the training file's number of features ({})", train.d()),
                )?;
                Some(test)
            }
            None => None,
        };
        Ok((train, test))
    }
}

/// Parameters of one run: the index of its method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnDataParams {
    /// Index into `methods`.
    pub method: usize,
}

/// The output of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnDataOutput {
    /// The recorded points (probe: the angle of `β` to the ℓ2 max-margin direction of the
    /// training set, degrees, for models linear in the input on separable data).
    pub points: Vec<NetworkPoint>,
    /// Why training stopped.
    pub stop: String,
    /// The harness's convergence verdict on the final loss.
    pub convergence: Convergence,
    /// The end direction `β/‖β‖` (models linear in the input), else empty.
    pub direction: Vec<f64>,
    /// The number of training samples `N` (for the convergence level `ln 2 / N`).
    pub train_samples: usize,
}

/// The `own-data` experiment.
#[derive(Debug, Clone, Copy, Default)]
pub struct OwnData;

/// The path of a shipped example file (`experiments/data/` of this workspace).
fn example_path(name: &str) -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../experiments/data"
    ))
    .join(name)
}

impl Experiment for OwnData {
    type Config = OwnDataConfig;
    type Params = OwnDataParams;
    type RunOutput = OwnDataOutput;

    fn name(&self) -> &'static str {
        "own-data"
    }

    fn description(&self) -> &'static str {
        "Any shipped model and method on your own CSV data (a tool: numbers, no verdict)"
    }

    fn config(&self, preset: Preset) -> OwnDataConfig {
        let method = |label: &str, model, method, learning_rate, steps| MethodSpec {
            label: label.into(),
            model,
            method,
            learning_rate,
            steps,
            init_scale: 0.1,
        };
        let normalized = MethodKind::Egd {
            step: EgdStepKind::LossNormalized,
        };
        let diagonal = ModelSpec::Diagonal { depth: 2 };
        let deep = ModelSpec::DeepLinear { hidden: vec![5] };
        let steps = if preset == Preset::Paper { 10 } else { 1 };
        OwnDataConfig {
            train_file: example_path("own-data-train.csv"),
            test_file: Some(example_path("own-data-test.csv")),
            record_points: 25,
            methods: vec![
                method(
                    "EGD linear",
                    ModelSpec::Linear,
                    normalized,
                    0.1,
                    2000 * steps,
                ),
                method(
                    "EGD diagonal L=2",
                    diagonal.clone(),
                    normalized,
                    0.05,
                    2000 * steps,
                ),
                method(
                    "EGD deep linear L=2",
                    deep.clone(),
                    normalized,
                    0.05,
                    2000 * steps,
                ),
                method(
                    "EGD two-layer tanh",
                    ModelSpec::TwoLayerTanh { hidden: 8 },
                    MethodKind::Egd {
                        step: EgdStepKind::Fixed,
                    },
                    0.5,
                    2000 * steps,
                ),
                method(
                    "NGD linear",
                    ModelSpec::Linear,
                    MethodKind::NgdExact,
                    0.5,
                    100 * steps,
                ),
                method(
                    "NGD diagonal L=2, damped ρ=1e-3",
                    diagonal,
                    MethodKind::NgdDampedRelative { rho: 1e-3 },
                    0.1,
                    200 * steps,
                ),
                method(
                    "K-FAC deep linear L=2",
                    deep,
                    MethodKind::Kfac { lambda: 1e-3 },
                    0.1,
                    200 * steps,
                ),
            ],
        }
    }

    fn validate(&self, c: &OwnDataConfig) -> Result<(), ConfigError> {
        check(
            c.record_points >= 2,
            "record_points",
            c.record_points,
            "an integer ≥ 2",
        )?;
        check_nonempty("methods", &c.methods)?;
        for (index, method) in c.methods.iter().enumerate() {
            method.validate(index)?;
            let first = c.methods.iter().position(|m| m.label == method.label);
            check(
                first == Some(index),
                &format!("methods[{index}].label"),
                &method.label,
                "a label no other method has",
            )?;
        }
        c.data().map(|_| ())
    }

    fn peak_bytes(&self, c: &OwnDataConfig) -> Option<u64> {
        // The training set (X, its signed copy and the problem's copy), the test set, the ℓ2
        // max-margin solver's N × N Gram matrix, and for the largest method: an N × P Jacobian
        // with its working copies, N × N (or P × P) kernels, and K-FAC's D × D input factor.
        // The sizes come from the data files (`None` when they cannot be read).
        let f = ngd_harness::memory::f64_bytes;
        let (train, test) = c.data().ok()?;
        let (n, d) = (train.n() as u64, train.d() as u64);
        let n_test = test.map_or(0, |t| t.n() as u64);
        let per_method = c.methods.iter().map(|m| {
            let p = spec::param_count(&m.model, d);
            let kfac = matches!(m.method, MethodKind::Kfac { .. });
            [
                f(&[3, n, p]),
                f(&[3, n.min(p), n.min(p)]),
                if kfac { f(&[2, d, d]) } else { 0 },
            ]
            .into_iter()
            .fold(0u64, u64::saturating_add)
        });
        Some(
            [
                f(&[3, n, d]),
                f(&[n_test, d]),
                f(&[3, n, n]),
                per_method.max().unwrap_or(0),
            ]
            .into_iter()
            .fold(0u64, u64::saturating_add),
        )
    }

    fn outputs(&self, c: &OwnDataConfig) -> ngd_harness::output::OutputDocs {
        docs::outputs(c)
    }

    fn plan(&self, c: &OwnDataConfig) -> Vec<RunSpec<OwnDataParams>> {
        (0..c.methods.len())
            .map(|method| RunSpec {
                id: format!("m{method}"),
                cost: c.methods[method].steps,
                params: OwnDataParams { method },
            })
            .collect()
    }

    fn run(
        &self,
        c: &OwnDataConfig,
        spec: &RunSpec<OwnDataParams>,
        ctx: &mut RunContext,
    ) -> Result<OwnDataOutput, RunError> {
        train::run(c, &c.methods[spec.params.method], ctx)
    }

    fn finish(
        &self,
        c: &OwnDataConfig,
        runs: &Runs<OwnDataParams, OwnDataOutput>,
        out: &ExperimentDir,
    ) -> Result<ExperimentSummary, Error> {
        finish::finish(c, runs, out)
    }
}

#[cfg(test)]
mod tests;
