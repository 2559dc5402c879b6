//! `egd-demo`: Euclidean gradient descent on a small sparse-Gaussian classification task with
//! L = 1 and L = 2 diagonal networks — a complete, simple experiment that exercises the whole
//! framework (config, plan, runs, checkpoints, CSV, plots, claims).
//!
//! Data (the paper's Fig. 4 setup at small size): `x ~ N(0, I_D)`, `β*` with its first `k`
//! entries 1 and the rest 0, labels `y = sign(x · β*)` (ties → +1). Model: `β = w_1 ⊙ … ⊙ w_L`
//! with every weight initialised to `init_scale`. Loss: mean logistic loss
//! `L(β) = (1/N) Σ_n log(1 + exp(−y_n x_n · β))`; EGD on the weights:
//! `w_l ← w_l − η c_l ⊙ ∇_β L` with cofactors `c_l = ∏_{k≠l} w_k` (the paper's eq. 39).
//! Recorded at log-spaced steps: mean training loss, training error and test accuracy.
//!
//! Built from the libraries: `ngd_data::sparse_gaussian` draws the data (training set, then
//! test set, from the run's shared data seed), `ngd_optim::DiagonalEgd` takes the steps (one
//! fused pass over `X̃` each) and `ngd_optim::Executor` runs them with a `LogSchedule` of
//! about `record_points` observations (see `train`).
//!
//! For data of your own, `own-data` subsumes this experiment's data-file mode: the same files
//! (read by the same [`crate::data_file`]), any shipped model and any method, from a config
//! file. `egd-demo` stays as the framework's small end-to-end example.

mod docs;
mod finish;
mod train;

pub(crate) use train::points_per_decade;

use crate::data_file::{load_classification_csv, require_separable};
use ngd_data::Classification;
use ngd_harness::config::{
    Preset, check, check_finite_positive, check_nonempty, check_positive, check_product,
};
use ngd_harness::context::RunContext;
use ngd_harness::convergence::Convergence;
use ngd_harness::error::{ConfigError, Error, RunError};
use ngd_harness::experiment::{Experiment, ExperimentSummary, RunRecord, RunSpec};
use ngd_harness::output::ExperimentDir;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The config of `egd-demo`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EgdDemoConfig {
    /// Number of features `D`.
    pub dim: usize,
    /// Number of non-zero entries `k` of `β*` (1 ≤ k ≤ D).
    pub sparsity: usize,
    /// Training samples `N`.
    pub n_train: usize,
    /// Test samples.
    pub n_test: usize,
    /// Depths `L` of the diagonal networks (each 1 ≤ L ≤ 8).
    pub depths: Vec<usize>,
    /// Independent data draws per depth.
    pub repeats: usize,
    /// EGD steps.
    pub steps: u64,
    /// Learning rate `η` (> 0).
    pub learning_rate: f64,
    /// Initial value of every weight (> 0).
    pub init_scale: f64,
    /// Number of log-spaced recording steps (≥ 2; step 0 and the last step are always recorded).
    pub record_points: usize,
    /// Optional training data from a CSV file (features, then a ±1 label column; see
    /// [`crate::data_file`]) instead of the synthetic task; needs `test_file` too, and `dim`
    /// must equal the file's number of features. The training set must be linearly
    /// separable. Every repeat then uses the same data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub train_file: Option<PathBuf>,
    /// Optional test data from a CSV file (same format); goes with `train_file`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_file: Option<PathBuf>,
}

impl EgdDemoConfig {
    /// The data files, when both are given: `(train, test)`, loaded and checked.
    pub fn data_files(&self) -> Result<Option<(Classification, Classification)>, ConfigError> {
        match (&self.train_file, &self.test_file) {
            (None, None) => Ok(None),
            (Some(train), Some(test)) => {
                let train = load_classification_csv(train)?;
                let test = load_classification_csv(test)?;
                for (field, data) in [("train_file", &train), ("test_file", &test)] {
                    check(
                        data.d() == self.dim,
                        "dim",
                        self.dim,
                        &format!("the number of features of `{field}` ({})", data.d()),
                    )?;
                }
                require_separable(&train, "the training data of `train_file`")?;
                Ok(Some((train, test)))
            }
            (Some(_), None) | (None, Some(_)) => Err(ConfigError::Inconsistent(
                "`train_file` and `test_file` go together: give both or neither".into(),
            )),
        }
    }
}

/// Parameters of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoParams {
    /// Depth `L`.
    pub depth: usize,
    /// Repeat index (selects the data draw, shared across depths).
    pub repeat: usize,
}

/// One recorded step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoPoint {
    /// Step `t`.
    pub step: u64,
    /// Mean logistic training loss (nats).
    pub train_loss: f64,
    /// Fraction of misclassified training samples.
    pub train_error: f64,
    /// Fraction of correctly classified test samples.
    pub test_accuracy: f64,
}

/// The output of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoOutput {
    /// The recorded trajectory.
    pub points: Vec<DemoPoint>,
    /// The final `β`.
    pub beta: Vec<f64>,
    /// Whether training converged (the harness's one definition for the mean logistic loss
    /// over the `N` training samples, judged at the last recorded step).
    pub convergence: Convergence,
}

/// The `egd-demo` experiment.
#[derive(Debug, Clone, Copy, Default)]
pub struct EgdDemo;

impl Experiment for EgdDemo {
    type Config = EgdDemoConfig;
    type Params = DemoParams;
    type RunOutput = DemoOutput;

    fn name(&self) -> &'static str {
        "egd-demo"
    }

    fn description(&self) -> &'static str {
        "EGD with L = 1, 2 diagonal nets on sparse-Gaussian classification (framework demo)"
    }

    fn config(&self, preset: Preset) -> EgdDemoConfig {
        match preset {
            Preset::Quick => EgdDemoConfig {
                dim: 50,
                sparsity: 5,
                n_train: 40,
                n_test: 1000,
                depths: vec![1, 2],
                repeats: 3,
                steps: 3000,
                learning_rate: 0.5,
                init_scale: 0.1,
                record_points: 25,
                train_file: None,
                test_file: None,
            },
            Preset::Paper => EgdDemoConfig {
                dim: 1000,
                sparsity: 20,
                n_train: 500,
                n_test: 5000,
                depths: vec![1, 2],
                repeats: 5,
                steps: 100_000,
                learning_rate: 0.5,
                init_scale: 0.1,
                record_points: 60,
                train_file: None,
                test_file: None,
            },
        }
    }

    fn peak_bytes(&self, c: &EgdDemoConfig) -> Option<u64> {
        // Training X and X̃, the test set, the layer weights with their gradients and
        // cofactors, and the per-sample margins.
        let f = ngd_harness::memory::f64_bytes;
        let (n, t, d) = (c.n_train as u64, c.n_test as u64, c.dim as u64);
        let depth = c.depths.iter().copied().max().unwrap_or(1) as u64;
        Some(
            f(&[3, n, d])
                .saturating_add(f(&[2, t, d]))
                .saturating_add(f(&[8, depth, d]))
                .saturating_add(f(&[4, n.saturating_add(t)])),
        )
    }

    fn validate(&self, c: &EgdDemoConfig) -> Result<(), ConfigError> {
        check_positive("dim", c.dim as u64)?;
        // The synthetic task's sparsity (unused with data files).
        if c.train_file.is_none() {
            check(
                (1..=c.dim).contains(&c.sparsity),
                "sparsity",
                c.sparsity,
                &format!("an integer in [1, dim = {}]", c.dim),
            )?;
        }
        check_positive("n_train", c.n_train as u64)?;
        check_positive("n_test", c.n_test as u64)?;
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
        check_positive("repeats", c.repeats as u64)?;
        check_positive("steps", c.steps)?;
        check_product(&[("n_train", c.n_train as u64), ("dim", c.dim as u64)])?;
        check_product(&[("n_test", c.n_test as u64), ("dim", c.dim as u64)])?;
        check_product(&[
            ("steps", c.steps),
            ("n_train", c.n_train as u64),
            ("dim", c.dim as u64),
        ])?;
        check_finite_positive("learning_rate", c.learning_rate)?;
        check_finite_positive("init_scale", c.init_scale)?;
        check(
            c.record_points >= 2,
            "record_points",
            c.record_points,
            "an integer ≥ 2",
        )?;
        c.data_files().map(|_| ())
    }

    fn plan(&self, c: &EgdDemoConfig) -> Vec<RunSpec<DemoParams>> {
        let cost = c
            .steps
            .saturating_mul(2)
            .saturating_mul(c.n_train as u64)
            .saturating_mul(c.dim as u64);
        c.depths
            .iter()
            .flat_map(|&depth| {
                (0..c.repeats).map(move |repeat| RunSpec {
                    id: format!("L{depth}-r{repeat}"),
                    cost,
                    params: DemoParams { depth, repeat },
                })
            })
            .collect()
    }

    fn run(
        &self,
        c: &EgdDemoConfig,
        spec: &RunSpec<DemoParams>,
        ctx: &mut RunContext,
    ) -> Result<DemoOutput, RunError> {
        train::run(c, &spec.params, ctx)
    }

    fn finish(
        &self,
        c: &EgdDemoConfig,
        runs: &[(RunSpec<DemoParams>, RunRecord<DemoOutput>)],
        out: &ExperimentDir,
    ) -> Result<ExperimentSummary, Error> {
        finish::finish(c, runs, out)
    }

    fn outputs(&self, _config: &EgdDemoConfig) -> ngd_harness::output::OutputDocs {
        docs::outputs()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ngd_harness::context::CheckpointEvery;

    /// A run restored from a mid-run checkpoint ends bit-identical to an uninterrupted run.
    #[test]
    fn restored_run_matches_uninterrupted_run() {
        let exp = EgdDemo;
        let mut c = exp.config(Preset::Quick);
        c.steps = 120;
        c.dim = 10;
        c.n_test = 50;
        exp.validate(&c).unwrap();
        let spec = exp.plan(&c).into_iter().find(|s| s.id == "L2-r1").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ckpt.json");
        let ctx = |every, resume| {
            RunContext::new(
                &spec.id,
                3,
                "fp".into(),
                path.clone(),
                every,
                resume,
                Box::new(|_| {}),
            )
        };
        // Checkpoints every 50 steps; the file keeps the last one (step 100).
        let full = exp
            .run(&c, &spec, &mut ctx(CheckpointEvery::Steps(50), false))
            .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"step\": 100"), "{}", &text[..80]);
        let resumed = exp
            .run(&c, &spec, &mut ctx(CheckpointEvery::Never, true))
            .unwrap();
        assert_eq!(full, resumed);
        let fresh = exp
            .run(&c, &spec, &mut ctx(CheckpointEvery::Never, false))
            .unwrap();
        assert_eq!(full, fresh);
    }
}
