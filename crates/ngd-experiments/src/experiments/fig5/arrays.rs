//! The arrays that make `fig5` re-checkable from its folder: the truth `M` of every draw, the
//! observed-entry masks, the initial factors and every run's final `β`, as `.npy` files
//! (float64, C order; `numpy.load` reads them).
//!
//! The runs record the shared seeds they drew their task and initial factors from
//! ([`super::train::Seeds`]); `finish` draws the same matrices again from those seeds, so the
//! run files stay small and the arrays are bit-identical to what the runs used.

use super::finish::Done;
use super::train::{draw_init, draw_task, draw_truth};
use super::{Fig5Config, Method};
use crate::experiments::npy::write_npy;
use ndarray::{Array2, Array3, Array4};
use ngd_harness::error::Error;
use ngd_harness::output::ExperimentDir;
use serde::Serialize;

/// One row of `initial_factors.csv`: where a factor sits in `initial_factors.npy`.
#[derive(Serialize)]
struct FactorRow {
    index: usize,
    depth: usize,
    collapse: usize,
    seed: usize,
    layer: usize,
}

/// Writes `truth.npy`, `masks.npy`, `initial_factors.npy` (with `initial_factors.csv`) and
/// `final_beta.npy` (rows in the order of `final.csv`) for the completed runs `done`.
pub(super) fn write_arrays(c: &Fig5Config, done: &Done, out: &ExperimentDir) -> Result<(), Error> {
    let n = c.n;
    let fail = |file: &str| {
        let path = out.path(file);
        move |e: crate::error::ExperimentError| Error::format(&path, e)
    };
    // Draws without a completed run stay NaN.
    let mut truth = Array3::from_elem((c.seeds, n, n), f64::NAN);
    let mut masks = Array4::from_elem((c.observations.len(), c.seeds, n, n), f64::NAN);
    let mut truths: Vec<Option<Array2<f64>>> = vec![None; c.seeds];
    for (s, o) in done {
        let k = s.params.seed;
        if truths[k].is_none() {
            let m = draw_truth(c, o.seeds.truth).map_err(fail("truth.npy"))?;
            truth.slice_mut(ndarray::s![k, .., ..]).assign(&m);
            truths[k] = Some(m);
        }
        let Some(i) = c
            .observations
            .iter()
            .position(|&m| m == s.params.observations)
        else {
            continue;
        };
        if masks[[i, k, 0, 0]].is_nan() {
            let m = truths[k].clone().unwrap_or_else(|| Array2::zeros((n, n)));
            let task = draw_task(c, m, s.params.observations, o.seeds.observed)
                .map_err(fail("masks.npy"))?;
            masks
                .slice_mut(ndarray::s![i, k, .., ..])
                .assign(&task.mask);
        }
    }
    write_npy(out, "truth.npy", &truth)?;
    write_npy(out, "masks.npy", &masks)?;

    let mut rows = Vec::new();
    let mut factors: Vec<Array2<f64>> = Vec::new();
    let mut seen = Vec::new();
    for (s, o) in done {
        let p = &s.params;
        let (Some(seed), true) = (o.seeds.init, p.method != Method::Nuclear) else {
            continue;
        };
        if seen.contains(&(p.depth, p.collapse, p.seed)) {
            continue;
        }
        seen.push((p.depth, p.collapse, p.seed));
        let model = draw_init(c, p.depth, p.collapse, seed).map_err(fail("initial_factors.npy"))?;
        for (l, w) in model.factors().iter().enumerate() {
            rows.push(FactorRow {
                index: factors.len(),
                depth: p.depth,
                collapse: p.collapse,
                seed: p.seed,
                layer: l + 1,
            });
            factors.push(w.clone());
        }
    }
    write_npy(out, "initial_factors.npy", &stack(&factors, n))?;
    out.write_csv("initial_factors.csv", &rows)?;
    let betas: Vec<Array2<f64>> = done.iter().map(|(_, o)| o.final_beta.clone()).collect();
    write_npy(out, "final_beta.npy", &stack(&betas, n))?;
    Ok(())
}

/// `K` matrices `n × n` as one `K × n × n` array.
fn stack(matrices: &[Array2<f64>], n: usize) -> Array3<f64> {
    let mut out = Array3::zeros((matrices.len(), n, n));
    for (k, m) in matrices.iter().enumerate() {
        out.slice_mut(ndarray::s![k, .., ..]).assign(m);
    }
    out
}
