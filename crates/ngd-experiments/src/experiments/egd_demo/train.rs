//! Data generation and the EGD loop of `egd-demo` (one run).

use super::{DemoOutput, DemoParams, DemoPoint, EgdDemoConfig};
use crate::context::RunContext;
use crate::error::RunError;
use ndarray::{Array1, Array2};
use ngd_models::{DiagonalNet, logistic};
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

/// Signed samples `x̃_n = y_n x_n` (rows), so margins are `X̃ β`.
struct Samples {
    signed: Array2<f64>,
}

/// Draws `n` samples of the sparse-Gaussian task: `x ~ N(0, I)`, `y = sign(x · β*)`
/// with `β*_j = 1` for `j < k` (ties → +1); returns the signed rows `y x`.
fn draw(n: usize, dim: usize, k: usize, rng: &mut Xoshiro256PlusPlus) -> Samples {
    let mut signed = Array2::zeros((n, dim));
    for mut row in signed.rows_mut() {
        for v in row.iter_mut() {
            *v = rng.sample::<f64, _>(StandardNormal);
        }
        let score: f64 = row.iter().take(k).sum();
        if score < 0.0 {
            row.mapv_inplace(|v| -v);
        }
    }
    Samples { signed }
}

/// Margins `u = X̃ β` with a fixed summation order (no BLAS, so results do not depend on the
/// number of BLAS threads).
fn margins(s: &Samples, beta: &Array1<f64>) -> Array1<f64> {
    s.signed
        .rows()
        .into_iter()
        .map(|r| r.iter().zip(beta).map(|(a, b)| a * b).sum())
        .collect()
}

fn evaluate(train: &Samples, test: &Samples, beta: &Array1<f64>, step: u64) -> DemoPoint {
    let u = margins(train, beta);
    let n = u.len() as f64;
    DemoPoint {
        step,
        train_loss: u.iter().map(|&m| logistic::loss(m)).sum::<f64>() / n,
        train_error: u.iter().filter(|&&m| m <= 0.0).count() as f64 / n,
        test_accuracy: {
            let t = margins(test, beta);
            t.iter().filter(|&&m| m > 0.0).count() as f64 / t.len() as f64
        },
    }
}

/// Log-spaced recording steps in `[0, steps]`: 0 and about `points − 1` values
/// `round(steps^{i/(points−2)})`, deduplicated, always including `steps`.
pub(super) fn record_steps(steps: u64, points: usize) -> Vec<u64> {
    let mut out = vec![0];
    let m = points.saturating_sub(1).max(1);
    for i in 0..m {
        let e = if m == 1 {
            1.0
        } else {
            i as f64 / (m - 1) as f64
        };
        out.push(((steps as f64).powf(e).round() as u64).clamp(1, steps));
    }
    out.dedup();
    out
}

/// Resumable state.
#[derive(Serialize, Deserialize)]
struct State {
    step: u64,
    weights: Vec<f64>,
    points: Vec<DemoPoint>,
}

/// One EGD run (see the module docs of `egd_demo`).
pub(super) fn run(
    c: &EgdDemoConfig,
    p: &DemoParams,
    ctx: &mut RunContext,
) -> Result<DemoOutput, RunError> {
    let mut rng =
        Xoshiro256PlusPlus::seed_from_u64(ctx.shared_seed(&format!("data-r{}", p.repeat)));
    let train = draw(c.n_train, c.dim, c.sparsity, &mut rng);
    let test = draw(c.n_test, c.dim, c.sparsity, &mut rng);
    let (l, d) = (p.depth, c.dim);
    let mut net =
        DiagonalNet::new(Array2::from_elem((l, d), c.init_scale)).map_err(RunError::failed)?;
    let mut points = Vec::new();
    let mut start = 0;
    if let Some(state) = ctx.restore::<State>() {
        let w = Array2::from_shape_vec((l, d), state.weights).map_err(RunError::failed)?;
        net = DiagonalNet::new(w).map_err(RunError::failed)?;
        start = state.step;
        points = state.points;
    }
    ctx.note_route("egd-diagonal-pullback");
    let records = record_steps(c.steps, c.record_points);
    let n = c.n_train as f64;
    let mut grad_w = Array2::zeros((l, d));
    let mut beta = net.beta();
    for step in start..=c.steps {
        if records.binary_search(&step).is_ok()
            && points.last().is_none_or(|q: &DemoPoint| q.step < step)
        {
            let point = evaluate(&train, &test, &beta, step);
            if !point.train_loss.is_finite() {
                return Err(RunError::Diverged {
                    step,
                    cause: format!("training loss {}", point.train_loss),
                });
            }
            points.push(point);
            ctx.progress(step, c.steps);
        }
        if ctx.checkpoint_due(step) {
            let state = State {
                step,
                weights: net.weights().iter().copied().collect(),
                points: points.clone(),
            };
            ctx.checkpoint(step, &state)?;
        }
        if step == c.steps {
            break;
        }
        // ∇_β L = (1/N) X̃ᵀ ℓ'(u); then ∇_{w_l} = c_l ⊙ ∇_β L and w ← w − η ∇_w.
        let u = margins(&train, &beta);
        let mut grad_beta = Array1::<f64>::zeros(d);
        for (row, &m) in train.signed.rows().into_iter().zip(&u) {
            let g = logistic::loss_derivative(m) / n;
            grad_beta.zip_mut_with(&row, |acc, &x| *acc += g * x);
        }
        net.pull_back(grad_beta.view(), grad_w.view_mut());
        let mut w = net.weights_mut();
        w.zip_mut_with(&grad_w, |wi, &gi| *wi -= c.learning_rate * gi);
        if w.iter().any(|x| !x.is_finite()) {
            return Err(RunError::Diverged {
                step: step + 1,
                cause: "non-finite weights".into(),
            });
        }
        net.beta_into(beta.view_mut());
    }
    Ok(DemoOutput {
        points,
        beta: beta.to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_steps_are_log_spaced_and_include_ends() {
        assert_eq!(record_steps(1000, 5), vec![0, 1, 10, 100, 1000]);
        assert_eq!(record_steps(3, 10), vec![0, 1, 2, 3]);
        assert_eq!(record_steps(7, 2), vec![0, 7]);
    }
}
