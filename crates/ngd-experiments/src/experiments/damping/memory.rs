//! Peak memory of one run of `damping` (and of `approximate-ng`, which trains on the same
//! tasks with the same trainer), estimated from the config before any work.
//!
//! A run on a task with `N` training and `N_test` test samples in `D` dimensions and a model of
//! `P` weights holds:
//! - the data `(N + N_test) × (D + 1)` (inputs and labels);
//! - the factored curvature system `J = X J_β` (`ngd_fisher::generic`): the scaled inputs and a
//!   working copy (`2 × N × D`), the QR factor `Q` (`N × m`), `J_β` and the reduced `Ã`
//!   (`(D + m) × P`, three times: the matrices, their factorization and the SVD's work), the
//!   `m × m` kernel (three times), `m = min(N, D)`;
//! - the trajectory: one `β` (`D`) and a handful of scalars per recorded point, plus
//!   `per_point` further values per point (e.g. training logits).

use super::DampingConfig;
use super::tasks::{Task, TaskConfig};
use ngd_harness::memory::f64_bytes;

/// The size of one run for [`run_bytes`].
pub(crate) struct RunSize {
    /// Training samples `N`.
    pub n: u64,
    /// Test samples.
    pub n_test: u64,
    /// Input dimension `D`.
    pub d: u64,
    /// Weights `P`.
    pub p: u64,
    /// The run's step budget.
    pub steps: u64,
    /// Recording points per decade of steps.
    pub points_per_decade: u64,
    /// Values recorded per point beside `β` and its scalars.
    pub per_point: u64,
}

/// The recorded points of a log-spaced schedule through `steps` (an upper bound: every
/// decade's points, the first and the last step).
pub(crate) fn recorded_points(steps: u64, points_per_decade: u64) -> u64 {
    let decades = u64::from(steps.max(1).ilog10()) + 1;
    decades.saturating_mul(points_per_decade).saturating_add(2)
}

/// The peak bytes of one run of size `s` (saturating).
pub(crate) fn run_bytes(s: &RunSize) -> u64 {
    let m = s.n.min(s.d);
    let data = f64_bytes(&[s.n.saturating_add(s.n_test), s.d.saturating_add(1)]);
    let system = f64_bytes(&[2, s.n, s.d])
        .saturating_add(f64_bytes(&[s.n, m]))
        .saturating_add(f64_bytes(&[3, s.d.saturating_add(m), s.p]))
        .saturating_add(f64_bytes(&[3, m, m]));
    let points = recorded_points(s.steps, s.points_per_decade);
    let per_point = s.d.saturating_add(8).saturating_add(s.per_point);
    data.saturating_add(system)
        .saturating_add(f64_bytes(&[points, per_point]))
}

/// `(N, N_test, D)` of a task.
pub(crate) fn task_size(tasks: &TaskConfig, task: Task) -> (u64, u64, u64) {
    match task {
        Task::Toy => (20, 0, 2),
        Task::Sparse { n } => (n as u64, tasks.n_test as u64, tasks.sparse_dim as u64),
    }
}

/// The largest run of `damping`: the deepest net on every task, with the longest budget.
pub(super) fn peak_bytes(c: &DampingConfig) -> u64 {
    let depth = c.depths.iter().copied().max().unwrap_or(1) as u64;
    let steps = c.ngd_steps.max(c.egd_steps).max(c.egd_fixed_steps);
    c.tasks
        .tasks()
        .into_iter()
        .map(|task| {
            let (n, n_test, d) = task_size(&c.tasks, task);
            run_bytes(&RunSize {
                n,
                n_test,
                d,
                p: depth.saturating_mul(d),
                steps,
                points_per_decade: c.points_per_decade as u64,
                per_point: 0,
            })
        })
        .max()
        .unwrap_or(0)
}
