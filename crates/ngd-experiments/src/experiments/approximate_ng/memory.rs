//! Peak memory of one run of `approximate-ng`, estimated from the config before any work, with
//! `damping`'s per-run model ([`run_bytes`]: data, curvature system, trajectory): the largest
//! of a training run (deepest diagonal net on every task, training logits recorded per point),
//! an invariance run (two runs, on `X` and on `X Aᵀ`, with `A`, `A⁻¹`; Theorem 2 on the deep
//! linear net) and a deep-linear run (K-FAC's factors `Σ (n_in² + n_out²)` beside it).

use super::ApproximateConfig;
use crate::experiments::damping::memory::{RunSize, run_bytes, task_size};
use crate::experiments::damping::tasks::Task;
use ngd_harness::memory::f64_bytes;

/// The largest run's peak bytes (saturating).
pub(super) fn peak_bytes(c: &ApproximateConfig) -> u64 {
    let ppd = c.points_per_decade as u64;
    let steps = c.steps.max(c.invariance_steps);
    let size = |task: Task, p_of_d: &dyn Fn(u64) -> u64, per_point: bool| {
        let (n, n_test, d) = task_size(&c.tasks, task);
        run_bytes(&RunSize {
            n,
            n_test,
            d,
            p: p_of_d(d),
            steps,
            points_per_decade: ppd,
            per_point: if per_point { n } else { 0 },
        })
    };
    let depth = c.depths.iter().copied().max().unwrap_or(1) as u64;
    let diagonal = |d: u64| depth.saturating_mul(d);
    let train = c
        .tasks
        .tasks()
        .into_iter()
        .map(|task| size(task, &diagonal, true))
        .max()
        .unwrap_or(0);
    // `[D, h_1, …, 1]`: weights Σ n_in·n_out, K-FAC factors Σ (n_in² + n_out²).
    let widths = |d: u64| {
        std::iter::once(d)
            .chain(c.deep_hidden.iter().map(|&h| h as u64))
            .chain(std::iter::once(1))
            .collect::<Vec<u64>>()
    };
    let deep_p = |d: u64| {
        widths(d)
            .windows(2)
            .fold(0u64, |acc, w| acc.saturating_add(w[0].saturating_mul(w[1])))
    };
    let kfac = |d: u64| {
        widths(d).windows(2).fold(0u64, |acc, w| {
            acc.saturating_add(f64_bytes(&[w[0], w[0]]))
                .saturating_add(f64_bytes(&[w[1], w[1]]))
        })
    };
    let d = c.tasks.sparse_dim as u64;
    let transform = f64_bytes(&[2, d, d]);
    let (wide, tall) = (
        c.tasks.wide().first().copied(),
        c.tasks.sparse_n.last().copied(),
    );
    let mut largest = train;
    if let Some(n) = wide {
        let pair = size(Task::Sparse { n }, &|d| d, false).saturating_mul(2);
        largest = largest.max(pair.saturating_add(transform));
    }
    if let Some(n) = tall {
        let deep = size(Task::Sparse { n }, &deep_p, false).saturating_add(kfac(d));
        largest = largest.max(deep.saturating_mul(2).saturating_add(transform));
    }
    largest
}
