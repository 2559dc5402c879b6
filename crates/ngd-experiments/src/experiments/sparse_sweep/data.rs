//! Shared pieces of one run: the data draw, the initial networks, and the evaluation of a `β`.

use super::key::SeriesKey;
use super::{ModelResult, SweepConfig};
use crate::error::ExperimentError;
use ndarray::{Array1, Array2, ArrayView1};
use ngd_data::{Classification, SparseGaussianSpec, gaussian_matrix, sparse_gaussian};
use ngd_harness::context::RunContext;
use ngd_harness::convergence::Loss;
use ngd_harness::error::RunError;
use ngd_models::{DiagonalNet, init, logistic_loss};
use ngd_optim::ClassificationProblem;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The training problem and the test set of one `(N, r)`.
pub(crate) struct Task {
    /// `X̃ = diag(y) X` of the training set.
    pub problem: ClassificationProblem,
    /// The training set (labels for the logit trace).
    pub train: Classification,
    /// The test set.
    pub test: Classification,
    /// The seed the task was drawn from (Xoshiro256++; see [`draw_task_from_seed`]).
    pub seed: u64,
}

/// A generator shared by every run asking for `label`.
fn shared_rng(ctx: &RunContext, label: &str) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(ctx.shared_seed(label))
}

/// Draws the data of `(N = n, r = seed)` (shared by every method of that pair).
pub(crate) fn draw_task(
    c: &SweepConfig,
    n: usize,
    seed: usize,
    ctx: &RunContext,
) -> Result<Task, RunError> {
    draw_task_from_seed(c, n, ctx.shared_seed(&format!("data-N{n}-r{seed}")))
}

/// Draws the data of `N = n` training samples from `seed` (what [`draw_task`] does with the
/// shared seed of `(N, r)`; `finish` draws a run's data again from its recorded seed).
pub(crate) fn draw_task_from_seed(c: &SweepConfig, n: usize, seed: u64) -> Result<Task, RunError> {
    let spec = SparseGaussianSpec {
        dim: c.dim,
        sparsity: c.sparsity,
        n_train: n,
        n_test: c.n_test,
    };
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let task = sparse_gaussian(&spec, &mut rng).map_err(ExperimentError::from)?;
    Ok(Task {
        problem: ClassificationProblem::new(task.train.signed()).map_err(ExperimentError::from)?,
        train: task.train,
        test: task.test,
        seed,
    })
}

/// The initial depth-`depth` network of `(N = n, r = seed)`: shared by EGD and NGD of that
/// depth; `β = 0` for `L = 1` when `linear_init_zero`, else i.i.d. `N(0, init_scale²)` weights.
pub(super) fn initial_net(
    c: &SweepConfig,
    depth: usize,
    n: usize,
    seed: usize,
    ctx: &RunContext,
) -> Result<DiagonalNet, RunError> {
    if depth == 1 && c.linear_init_zero {
        return init::constant_diagonal(1, c.dim, 0.0).map_err(|e| ExperimentError::from(e).into());
    }
    let mut rng = shared_rng(ctx, &format!("init-L{depth}-N{n}-r{seed}"));
    init::gaussian_diagonal(depth, c.dim, c.init_scale, &mut rng)
        .map_err(|e| ExperimentError::from(e).into())
}

/// `M × D` fresh standard Gaussian inputs for the population Fisher of `(N = n, r = seed)`.
pub(super) fn population_inputs(
    c: &SweepConfig,
    n: usize,
    seed: usize,
    ctx: &RunContext,
) -> Result<Array2<f64>, RunError> {
    let mut rng = shared_rng(ctx, &format!("population-N{n}-r{seed}"));
    gaussian_matrix(c.population_size, c.dim, 1.0, &mut rng)
        .map_err(|e| ExperimentError::from(e).into())
}

/// Training loss, training error and test accuracy of a `β`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Eval {
    pub train_loss: f64,
    pub train_error: f64,
    pub test_accuracy: f64,
}

/// Evaluates `β` on the task.
pub(super) fn evaluate(task: &Task, beta: ArrayView1<'_, f64>) -> Result<Eval, RunError> {
    let margins = task.problem.xt().dot(&beta);
    let n = margins.len() as f64;
    Ok(Eval {
        train_loss: logistic_loss::mean_loss(margins.view()),
        train_error: margins.iter().filter(|&&u| u <= 0.0).count() as f64 / n,
        test_accuracy: task.test.accuracy(beta).map_err(ExperimentError::from)?,
    })
}

/// `Σ_{j<k} |β_j| / Σ_j |β_j|` (0 for `β = 0`).
pub(crate) fn true_support_mass(beta: &Array1<f64>, sparsity: usize) -> f64 {
    let total: f64 = beta.iter().map(|b| b.abs()).sum();
    if total > 0.0 {
        beta.iter().take(sparsity).map(|b| b.abs()).sum::<f64>() / total
    } else {
        0.0
    }
}

/// The rows of a network's weights.
fn weight_rows(net: &DiagonalNet) -> Vec<Vec<f64>> {
    net.weights()
        .rows()
        .into_iter()
        .map(|r| r.to_vec())
        .collect()
}

/// The [`ModelResult`] of network `net`, trained from `start`.
pub(super) fn model_result(
    c: &SweepConfig,
    task: &Task,
    label: SeriesKey,
    (start, net): (&DiagonalNet, &DiagonalNet),
    steps: u64,
    stop: String,
) -> Result<ModelResult, RunError> {
    let beta = net.beta();
    let eval = evaluate(task, beta.view())?;
    Ok(ModelResult {
        label,
        depth: net.depth(),
        steps,
        stop,
        train_loss: eval.train_loss,
        train_error: eval.train_error,
        test_accuracy: eval.test_accuracy,
        true_support_mass: true_support_mass(&beta, c.sparsity),
        beta: beta.to_vec(),
        initial_weights: weight_rows(start),
        weights: weight_rows(net),
        convergence: Loss::Logistic {
            samples: task.problem.xt().nrows(),
        }
        .judge(eval.train_loss),
    })
}
