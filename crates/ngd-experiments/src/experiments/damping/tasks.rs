//! The tasks of the experiments beyond the paper (`damping`, `approximate-ng`): the Fig. 2 toy
//! set and the sparse Gaussian tasks of Fig. 4 / Fig. 6 (`x ~ N(0, I_D)`, `β*` with its first
//! `k` entries 1, `y = sign(x·β*)`, a separate test set), drawn from shared seeds so that every
//! method of a task sees the same data and, per depth, the same initial weights.

use crate::error::ExperimentError;
use crate::experiments::sparse_sweep::data::true_support_mass;
use ndarray::{Array1, ArrayView1};
use ngd_data::{Classification, SparseGaussianSpec, sparse_gaussian, toy_2d};
use ngd_harness::config::{check, check_finite_positive, check_positive};
use ngd_harness::context::RunContext;
use ngd_harness::error::{ConfigError, RunError};
use ngd_models::init::{constant_diagonal, gaussian_diagonal};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "task", rename_all = "snake_case")]
pub enum Task {
    /// The Fig. 2 toy set (`N = 20`, `D = 2`; no test set).
    Toy,
    /// The sparse Gaussian task with `n` training samples.
    Sparse {
        /// `N`.
        n: usize,
    },
}

impl fmt::Display for Task {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Task::Toy => f.write_str("toy"),
            Task::Sparse { n } => write!(f, "sparse-N{n}"),
        }
    }
}

/// The tasks' sizes and initializations (a nested config table, `tasks.*`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskConfig {
    /// Run the Fig. 2 toy set.
    pub toy: bool,
    /// Every weight of the toy set's nets starts at this value (Fig. 2's `init_value`).
    pub toy_init_value: f64,
    /// `D` of the sparse tasks (50: Fig. 6; 1000: Fig. 4).
    pub sparse_dim: usize,
    /// Non-zeros `k` of the teacher.
    pub sparsity: usize,
    /// Training-set sizes of the sparse tasks (one `N < D` and one `N > D` at least).
    pub sparse_n: Vec<usize>,
    /// Test samples of each sparse task.
    pub n_test: usize,
    /// Standard deviation of the i.i.d. Gaussian initial weights of the sparse tasks' nets.
    pub init_scale: f64,
}

impl TaskConfig {
    /// Fig. 6's size (`D = 50`, `k = 5`) at `N = 20 < D` and `N = 100 > D`, with the toy set.
    pub fn quick() -> Self {
        Self {
            toy: true,
            toy_init_value: 0.1,
            sparse_dim: 50,
            sparsity: 5,
            sparse_n: vec![20, 100],
            n_test: 2000,
            init_scale: 0.1,
        }
    }

    /// Fig. 4's size (`D = 1000`, `k = 20`) at `N = 250 < D` and `N = 2000 > D`.
    pub fn paper() -> Self {
        Self {
            sparse_dim: 1000,
            sparsity: 20,
            sparse_n: vec![250, 2000],
            n_test: 5000,
            ..Self::quick()
        }
    }

    /// The planned tasks, toy first.
    pub fn tasks(&self) -> Vec<Task> {
        let toy = self.toy.then_some(Task::Toy);
        toy.into_iter()
            .chain(self.sparse_n.iter().map(|&n| Task::Sparse { n }))
            .collect()
    }

    /// The sparse sizes `N < D` (where the depth-induced bias shows in accuracy).
    pub fn wide(&self) -> Vec<usize> {
        let d = self.sparse_dim;
        self.sparse_n.iter().copied().filter(|&n| n < d).collect()
    }

    /// Checks every field (the error names it).
    ///
    /// # Errors
    /// [`ConfigError`] naming the first bad field.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_finite_positive("tasks.toy_init_value", self.toy_init_value)?;
        check_positive("tasks.sparse_dim", self.sparse_dim as u64)?;
        check(
            (1..=self.sparse_dim).contains(&self.sparsity),
            "tasks.sparsity",
            self.sparsity,
            "an integer in [1, sparse_dim]",
        )?;
        check(
            self.sparse_n.windows(2).all(|w| w[0] < w[1]) && self.sparse_n.iter().all(|&n| n >= 2),
            "tasks.sparse_n",
            format!("{:?}", self.sparse_n),
            "strictly increasing sizes ≥ 2",
        )?;
        check(
            self.toy || !self.sparse_n.is_empty(),
            "tasks.sparse_n",
            "[]",
            "at least one size when tasks.toy is false",
        )?;
        check_positive("tasks.n_test", self.n_test as u64)?;
        check_finite_positive("tasks.init_scale", self.init_scale)
    }
}

/// The data of one task.
pub struct TaskData {
    /// The training set.
    pub train: Classification,
    /// The test set (none for the toy set).
    pub test: Option<Classification>,
    /// The teacher's support size `k` (none for the toy set).
    pub sparsity: Option<usize>,
}

impl TaskData {
    /// Test accuracy of `β` (none without a test set).
    ///
    /// # Errors
    /// A `β` of the wrong length.
    pub fn test_accuracy(&self, beta: ArrayView1<'_, f64>) -> Result<Option<f64>, RunError> {
        self.test
            .as_ref()
            .map(|t| {
                t.accuracy(beta)
                    .map_err(|e| ExperimentError::from(e).into())
            })
            .transpose()
    }

    /// `Σ_{i<k} |β_i| / Σ_i |β_i|` (none for the toy set).
    pub fn support_share(&self, beta: &Array1<f64>) -> Option<f64> {
        self.sparsity.map(|k| true_support_mass(beta, k))
    }
}

/// A generator seeded by the shared seed `label`.
fn shared(ctx: &RunContext, label: &str) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(ctx.shared_seed(label))
}

/// Draws `task`'s data (the same for every run of the experiment asking for it).
///
/// # Errors
/// A bad size (already excluded by [`TaskConfig::validate`]).
pub fn draw(c: &TaskConfig, task: Task, ctx: &RunContext) -> Result<TaskData, RunError> {
    match task {
        Task::Toy => Ok(TaskData {
            train: toy_2d(&mut shared(ctx, "toy-data")),
            test: None,
            sparsity: None,
        }),
        Task::Sparse { n } => {
            let spec = SparseGaussianSpec {
                dim: c.sparse_dim,
                sparsity: c.sparsity,
                n_train: n,
                n_test: c.n_test,
            };
            let drawn = sparse_gaussian(&spec, &mut shared(ctx, &format!("data-{task}")))
                .map_err(ExperimentError::from)?;
            Ok(TaskData {
                train: drawn.train,
                test: Some(drawn.test),
                sparsity: Some(c.sparsity),
            })
        }
    }
}

/// The flat initial weights (`L × D` row-major, the layout of
/// [`ngd_models::DiagonalParametrization`]) of the depth-`depth` diagonal net on `task`: every
/// weight `toy_init_value` on the toy set (Fig. 2), i.i.d. `N(0, init_scale²)` on the sparse
/// tasks (Fig. 4), shared by every method of that task and depth.
///
/// # Errors
/// A bad depth or scale.
pub fn initial_weights(
    c: &TaskConfig,
    task: Task,
    depth: usize,
    ctx: &RunContext,
) -> Result<Array1<f64>, RunError> {
    let net = match task {
        Task::Toy => constant_diagonal(depth, 2, c.toy_init_value),
        Task::Sparse { .. } => {
            let mut rng = shared(ctx, &format!("init-{task}-L{depth}"));
            gaussian_diagonal(depth, c.sparse_dim, c.init_scale, &mut rng)
        }
    }
    .map_err(ExperimentError::from)?;
    Ok(net.weights().iter().copied().collect())
}
