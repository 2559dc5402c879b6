//! The rows of `fig2`'s re-check files: `parameters.csv` (initial and final weights per run and
//! layer) and `data.csv` (the toy set).

use serde::Serialize;

/// One row of `parameters.csv`.
#[derive(Serialize)]
pub(super) struct ParamRow<'a> {
    pub(super) run_id: &'a str,
    pub(super) method: &'static str,
    pub(super) depth: usize,
    pub(super) stage: &'static str,
    pub(super) layer: usize,
    pub(super) w1: f64,
    pub(super) w2: f64,
}

/// One row of `data.csv`.
#[derive(Serialize)]
pub(super) struct DataRow {
    pub(super) x1: f64,
    pub(super) x2: f64,
    pub(super) y: f64,
}
