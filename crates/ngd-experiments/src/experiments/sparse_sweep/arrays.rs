//! The arrays that make a sweep re-checkable from its folder (`experiments/recheck/recheck.py`):
//! every training set (`train_x.npy`, `train_y.npy`, indexed by `tasks.csv`) and every model's
//! initial and final weights (`weights.npy`, indexed by `weights.csv`).
//!
//! Each run records the seed its data were drawn from; `finish` draws the training sets again
//! from those seeds, so the run files stay small and the arrays are bit-identical to what the
//! runs used. The training sets are stored only while they fit [`DATA_BYTES_LIMIT`]
//! ([`stores_data`]); the test sets (`n_test` per draw) are never stored — their accuracy is
//! re-checked against the closed form `1 − ∠(β, β*)/π` of Gaussian inputs.

use super::data::draw_task_from_seed;
use super::table::models;
use super::{SweepConfig, SweepOutput, SweepParams};
use crate::experiments::npy::write_npy;
use ndarray::{Array1, Array2};
use ngd_harness::error::Error;
use ngd_harness::experiment::Runs;
use ngd_harness::output::ExperimentDir;
use serde::Serialize;

/// The training sets are stored while `train_x.npy` stays under this size (16 MiB).
pub(super) const DATA_BYTES_LIMIT: u64 = 16 << 20;

/// The size of `train_x.npy` for config `c`: every `(N, r)`'s `N × D` inputs as float64.
pub(super) fn data_bytes(c: &SweepConfig) -> u64 {
    let rows: u64 = c.n_grid.iter().map(|&n| n as u64).sum();
    rows.saturating_mul(c.seeds as u64)
        .saturating_mul(c.dim as u64)
        .saturating_mul(8)
}

/// Whether `finish` stores the training sets of config `c`.
pub(super) fn stores_data(c: &SweepConfig) -> bool {
    data_bytes(c) <= DATA_BYTES_LIMIT
}

/// One row of `tasks.csv`.
#[derive(Serialize)]
struct TaskRow {
    n_train: usize,
    seed: usize,
    first_row: usize,
}

/// One row of `weights.csv`.
#[derive(Serialize)]
struct WeightRow<'a> {
    run_id: &'a str,
    method: String,
    depth: usize,
    n_train: usize,
    seed: usize,
    stage: &'static str,
    first_row: usize,
}

/// Writes `weights.npy` / `weights.csv` and, when [`stores_data`], `train_x.npy`,
/// `train_y.npy` and `tasks.csv`, for the completed runs.
pub(super) fn write_arrays(
    c: &SweepConfig,
    runs: &Runs<SweepParams, SweepOutput>,
    out: &ExperimentDir,
) -> Result<(), Error> {
    let mut rows = Vec::new();
    let mut blocks: Vec<&[Vec<f64>]> = Vec::new();
    let mut first_row = 0;
    for (id, p, m) in models(runs) {
        for (stage, w) in [("initial", &m.initial_weights), ("final", &m.weights)] {
            rows.push(WeightRow {
                run_id: id,
                method: m.label.to_string(),
                depth: m.depth,
                n_train: p.n,
                seed: p.seed,
                stage,
                first_row,
            });
            first_row += w.len();
            blocks.push(w);
        }
    }
    let weights = stack(blocks.into_iter().flatten(), c.dim, out, "weights.npy")?;
    write_npy(out, "weights.npy", &weights)?;
    out.write_csv("weights.csv", &rows)?;
    if stores_data(c) {
        write_data(c, runs, out)?;
    }
    Ok(())
}

/// `train_x.npy`, `train_y.npy` and `tasks.csv`: one block per `(N, r)` with a completed run.
fn write_data(
    c: &SweepConfig,
    runs: &Runs<SweepParams, SweepOutput>,
    out: &ExperimentDir,
) -> Result<(), Error> {
    let mut tasks: Vec<TaskRow> = Vec::new();
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    let mut first_row = 0;
    for (s, o) in runs.iter().filter_map(|(s, r)| r.output().map(|o| (s, o))) {
        let p = &s.params;
        if tasks.iter().any(|t| (t.n_train, t.seed) == (p.n, p.seed)) {
            continue;
        }
        let task = draw_task_from_seed(c, p.n, o.data_seed)
            .map_err(|e| Error::format(&out.path("train_x.npy"), e))?;
        tasks.push(TaskRow {
            n_train: p.n,
            seed: p.seed,
            first_row,
        });
        first_row += p.n;
        xs.extend(task.train.x.rows().into_iter().map(|r| r.to_vec()));
        ys.extend(task.train.y.iter().copied());
    }
    write_npy(
        out,
        "train_x.npy",
        &stack(xs.iter(), c.dim, out, "train_x.npy")?,
    )?;
    write_npy(out, "train_y.npy", &Array1::from(ys))?;
    out.write_csv("tasks.csv", &tasks)?;
    Ok(())
}

/// Rows of length `dim` as one `rows × dim` array, for `<file>` of `out` (a row of another
/// length is an error naming the file).
fn stack<'a>(
    rows: impl Iterator<Item = &'a Vec<f64>>,
    dim: usize,
    out: &ExperimentDir,
    file: &str,
) -> Result<Array2<f64>, Error> {
    let flat: Vec<f64> = rows.flat_map(|r| r.iter().copied()).collect();
    let count = flat.len() / dim.max(1);
    Array2::from_shape_vec((count, dim), flat).map_err(|e| Error::format(&out.path(file), e))
}
