//! Two dense "Fisher in β" natural gradients used by the paper's own code (App. B.2): the
//! per-layer variant with the `1/L` split, and the single minimum-norm solve of `F(β) J g = ∇_β`.
//! Both satisfy `F(w) g = ∇_w`; neither is the Moore–Penrose direction in general.
//!
//! The common factor of the weights cancels (eq. 24–25): with `F(β) = (e^{m}/N) X̃ᵀ diag(d̂) X̃`
//! and `∇_β = (e^{m}/N) X̃ᵀ (d̂ ⊙ t)` both sides are divided by `e^{m}/N`. Tiny relative weights
//! `d̂` still underflow when the margins differ by more than about 745.

use super::Route;
use super::accuracy::{
    Solved, least_squares_estimate, norm, reject_weight_induced_cut, weight_free_singular_values,
};
use super::logistic::{ScaledWeights, weighted_gram};
use super::routes::min_norm_through_jacobian;
use crate::FisherError;
use crate::linalg::{Cutoff, lstsq_min_norm};
use ndarray::{Array2, ArrayView1, ArrayView2, Axis};

/// The rescaled Fisher `F̂ = X̃ᵀ diag(d̂) X̃` and gradient `X̃ᵀ (d̂ ⊙ t)`.
fn scaled_fisher_and_gradient(
    x_signed: ArrayView2<'_, f64>,
    margins: ArrayView1<'_, f64>,
) -> Result<(Array2<f64>, ndarray::Array1<f64>), FisherError> {
    let w = ScaledWeights::new(margins)?;
    let fisher = weighted_gram(x_signed, w.weight.view());
    let grad = x_signed.t().dot(&w.weight_target);
    Ok((fisher, grad))
}

/// Per layer `l`, the minimum-norm solution of `F(β) diag(c_l) g_l = ∇_β / L`.
///
/// Summing over layers, `J g = Σ_l diag(c_l) g_l` satisfies `F(β) J g = ∇_β`, hence
/// `F(w) g = Jᵀ F(β) J g = Jᵀ ∇_β = ∇_w`.
///
/// Accuracy check, per layer: the cut-off must keep as many directions of `F(β) diag(c_l)` as
/// the weight-free `X̃ diag(c_l)` has (else [`FisherError::Inaccurate`]); the estimate is the
/// largest per-layer a-priori least-squares estimate ([`least_squares_estimate`]; `F(β)` has
/// the squared condition number of `diag(d)^{1/2} X̃`).
pub(crate) fn layerwise(
    x_signed: ArrayView2<'_, f64>,
    margins: ArrayView1<'_, f64>,
    cofactors: ArrayView2<'_, f64>,
    cutoff: Cutoff,
) -> Result<Solved, FisherError> {
    let (fisher, grad) = scaled_fisher_and_gradient(x_signed, margins)?;
    let (layers, d) = cofactors.dim();
    let rhs = &grad / layers as f64;
    let mut direction = Array2::zeros(cofactors.raw_dim());
    let mut rank = usize::MAX;
    let (mut condition, mut accuracy) = (1.0_f64, 0.0_f64);
    for (l, c) in cofactors.axis_iter(Axis(0)).enumerate() {
        let system = &fisher * &c.insert_axis(Axis(0));
        let sol = lstsq_min_norm(system.view(), rhs.view(), cutoff)?;
        let weight_free = weight_free_singular_values(x_signed, c.insert_axis(Axis(0)))?;
        let shape = (x_signed.nrows(), d);
        reject_weight_induced_cut(
            Route::PaperLayerwise,
            sol.rank,
            weight_free.view(),
            shape,
            cutoff,
        )?;
        let residual = norm((system.dot(&sol.x) - &rhs).view());
        let scale = sol.norm * norm(sol.x.view());
        let relative_residual = if scale > 0.0 { residual / scale } else { 0.0 };
        accuracy = accuracy.max(least_squares_estimate(
            sol.condition,
            relative_residual,
            (d, d),
        ));
        condition = condition.max(sol.condition);
        direction.row_mut(l).assign(&sol.x);
        rank = rank.min(sol.rank);
    }
    Ok(Solved {
        direction,
        rank,
        condition,
        accuracy,
    })
}

/// The minimum-norm solution of the `D × LD` system `F(β) J g = ∇_β`.
///
/// Accuracy check: the cut-off must keep as many directions of `F(β) J` as the weight-free
/// `X̃ J` has (else [`FisherError::Inaccurate`]); the estimate is the a-priori least-squares
/// estimate ([`least_squares_estimate`]) of the `D × LD` solve.
pub(crate) fn dense_beta(
    x_signed: ArrayView2<'_, f64>,
    margins: ArrayView1<'_, f64>,
    cofactors: ArrayView2<'_, f64>,
    cutoff: Cutoff,
) -> Result<Solved, FisherError> {
    let (fisher, grad) = scaled_fisher_and_gradient(x_signed, margins)?;
    let solve = min_norm_through_jacobian(
        fisher.view(),
        cofactors,
        grad.view(),
        cutoff,
        "dense-β solution",
    )?;
    let weight_free = weight_free_singular_values(x_signed, cofactors)?;
    let shape = (x_signed.nrows(), cofactors.len());
    reject_weight_induced_cut(
        Route::DenseBeta,
        solve.rank,
        weight_free.view(),
        shape,
        cutoff,
    )?;
    let accuracy = least_squares_estimate(
        solve.condition,
        solve.relative_residual,
        (x_signed.ncols(), cofactors.len()),
    );
    Ok(Solved {
        direction: solve.direction,
        rank: solve.rank,
        condition: solve.condition,
        accuracy,
    })
}
