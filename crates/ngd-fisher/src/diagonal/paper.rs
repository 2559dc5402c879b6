//! Two dense "Fisher in β" natural gradients used by the paper's own code (App. B.2): the
//! per-layer variant with the `1/L` split, and the single minimum-norm solve of `F(β) J g = ∇_β`.
//! Both satisfy `F(w) g = ∇_w`; neither is the Moore–Penrose direction in general.
//!
//! The common factor of the weights cancels (eq. 24–25): with `F(β) = (e^{m}/N) X̃ᵀ diag(d̂) X̃`
//! and `∇_β = (e^{m}/N) X̃ᵀ (d̂ ⊙ t)` both sides are divided by `e^{m}/N`. Tiny relative weights
//! `d̂` still underflow when the margins differ by more than about 745.

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
pub(crate) fn layerwise(
    x_signed: ArrayView2<'_, f64>,
    margins: ArrayView1<'_, f64>,
    cofactors: ArrayView2<'_, f64>,
    cutoff: Cutoff,
) -> Result<(Array2<f64>, usize), FisherError> {
    let (fisher, grad) = scaled_fisher_and_gradient(x_signed, margins)?;
    let layers = cofactors.nrows();
    let rhs = &grad / layers as f64;
    let mut direction = Array2::zeros(cofactors.raw_dim());
    let mut rank = usize::MAX;
    for (l, c) in cofactors.axis_iter(Axis(0)).enumerate() {
        let system = &fisher * &c.insert_axis(Axis(0));
        let sol = lstsq_min_norm(system.view(), rhs.view(), cutoff)?;
        direction.row_mut(l).assign(&sol.x);
        rank = rank.min(sol.rank);
    }
    Ok((direction, rank))
}

/// The minimum-norm solution of the `D × LD` system `F(β) J g = ∇_β`.
pub(crate) fn dense_beta(
    x_signed: ArrayView2<'_, f64>,
    margins: ArrayView1<'_, f64>,
    cofactors: ArrayView2<'_, f64>,
    cutoff: Cutoff,
) -> Result<(Array2<f64>, usize), FisherError> {
    let (fisher, grad) = scaled_fisher_and_gradient(x_signed, margins)?;
    min_norm_through_jacobian(
        fisher.view(),
        cofactors,
        grad.view(),
        cutoff,
        "dense-β solution",
    )
}
