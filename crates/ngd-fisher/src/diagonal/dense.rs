//! Dense brute-force references (slow, for tests on small problems): build the full parameter
//! Fisher `F(w) = Jᵀ F(β) J` (`LD × LD`) and gradient `∇_w = Jᵀ ∇_β` explicitly and return the
//! Moore–Penrose natural gradient `pinv(F(w)) ∇_w`. Cost `O((LD)³)`. The Fisher weights are not
//! rescaled, so margins beyond about ±700 make them underflow.

use super::logistic::{jacobian_from_cofactors, logistic_gradient, sample_fisher};
use super::population::population_fisher;
use super::validate_inputs;
use crate::FisherError;
use crate::linalg::{Cutoff, pinv};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};

/// `pinv(Jᵀ F J) Jᵀ ∇_β`, reshaped to `L × D`, with the effective rank of `Jᵀ F J`.
fn pull_back_and_solve(
    fisher_beta: &Array2<f64>,
    grad_beta: &Array1<f64>,
    cofactors: ArrayView2<'_, f64>,
    cutoff: Cutoff,
) -> Result<(Array2<f64>, usize), FisherError> {
    let j = jacobian_from_cofactors(cofactors);
    let fisher_w = j.t().dot(fisher_beta).dot(&j);
    let grad_w = j.t().dot(grad_beta);
    let p = pinv(fisher_w.view(), cutoff)?;
    let g = p.matrix.dot(&grad_w);
    let direction =
        g.into_shape_with_order(cofactors.raw_dim())
            .map_err(|e| FisherError::Shape {
                what: "dense natural gradient",
                expected: format!("{} × {}", cofactors.nrows(), cofactors.ncols()),
                found: e.to_string(),
            })?;
    Ok((direction, p.rank))
}

/// The brute-force Moore–Penrose natural gradient `pinv(F(w)) ∇_w` of the mean logistic loss,
/// `F(w) = Jᵀ F(β) J`, `F(β) = (1/N) X̃ᵀ diag(d) X̃`; returns `(g, rank F(w))`.
pub fn dense_natural_gradient(
    x_signed: ArrayView2<'_, f64>,
    margins: ArrayView1<'_, f64>,
    cofactors: ArrayView2<'_, f64>,
    cutoff: Cutoff,
) -> Result<(Array2<f64>, usize), FisherError> {
    validate_inputs(x_signed, margins, cofactors)?;
    let fisher = sample_fisher(x_signed, margins);
    let grad = logistic_gradient(x_signed, margins);
    pull_back_and_solve(&fisher, &grad, cofactors, cutoff)
}

/// The brute-force population-Fisher natural gradient `pinv(Jᵀ F_pop(β) J) Jᵀ ∇_β L_train`;
/// returns `(g, rank)`.
pub fn dense_population_natural_gradient(
    x_signed: ArrayView2<'_, f64>,
    margins: ArrayView1<'_, f64>,
    cofactors: ArrayView2<'_, f64>,
    x_population: ArrayView2<'_, f64>,
    beta: ArrayView1<'_, f64>,
    cutoff: Cutoff,
) -> Result<(Array2<f64>, usize), FisherError> {
    validate_inputs(x_signed, margins, cofactors)?;
    let fisher = population_fisher(x_population, beta)?;
    let grad = logistic_gradient(x_signed, margins);
    pull_back_and_solve(&fisher, &grad, cofactors, cutoff)
}
