//! Tangent kernels of diagonal networks in margin space.
//!
//! A parameter change `δw` moves the margins by `X̃ J δw` to first order. Under EGD on the mean
//! loss, `δw = −η Jᵀ ∇_β L = −(η/N) Jᵀ X̃ᵀ ℓ'(u)`, so `δu = −(η/N) K ℓ'(u)` with the empirical
//! NTK `K = X̃ J Jᵀ X̃ᵀ = X̃ diag(s) X̃ᵀ`. Under NGD, `δw = −η g` with the Moore–Penrose `g`, and
//! `δu = −η X̃ J g = −η Θ t` with the *natural NTK* `Θ = D^{−1/2} P D^{1/2}` (`D = diag(d)`,
//! `P` the orthogonal projector onto the range of `D^{1/2} X̃ J`), acting on the natural target
//! `t = −(1 + e^{−u})`. When `rank(X̃ J) = N` (typically N ≤ D), `P = I` and `Θ = I`: every margin
//! moves by exactly `η (1 + e^{−u_n})`, independently of the data.

use crate::FisherError;
use crate::diagonal::jacobian_from_cofactors;
use crate::linalg::{Cutoff, thin_svd};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, Slice};
use ngd_models::logistic::log_fisher_weight;

/// The empirical NTK on the training points, `K = X̃ diag(s) X̃ᵀ` (`N × N`), `s = Σ_l c_l²`.
pub fn egd_ntk(x_signed: ArrayView2<'_, f64>, cofactors: ArrayView2<'_, f64>) -> Array2<f64> {
    let s = cofactors.mapv(|c| c * c).sum_axis(Axis(0));
    x_signed.dot(&(&x_signed * &s.view().insert_axis(Axis(0))).t())
}

/// The first-order margin change per unit step along the direction `g` (`L × D`):
/// `X̃ J g = X̃ Σ_l c_l ⊙ g_l` (the step `w − η g` moves the margins by `−η` times this).
pub fn margin_velocity(
    x_signed: ArrayView2<'_, f64>,
    cofactors: ArrayView2<'_, f64>,
    direction: ArrayView2<'_, f64>,
) -> Array1<f64> {
    let beta_velocity = (&cofactors * &direction).sum_axis(Axis(0));
    x_signed.dot(&beta_velocity)
}

/// The natural NTK in margin space, `Θ = D^{−1/2} P D^{1/2}` (`N × N`), so that the
/// Moore–Penrose natural gradient `g` satisfies `X̃ J g = Θ t`. Computed from an SVD of the
/// `N × LD` matrix `D̂^{1/2} X̃ J` (weights rescaled by their maximum, which cancels in `Θ`);
/// `Θ_nm = P_nm exp(½(log d_m − log d_n))`. Small problems only (`O(N · LD · min(N, LD))`).
///
/// # Errors
///
/// [`FisherError::Shape`] / [`FisherError::NonFinite`] for inconsistent or non-finite
/// inputs (as [`diag_natural_gradient`](crate::diag_natural_gradient));
/// [`FisherError::Lapack`] if the SVD fails; [`FisherError::NonFinite`] if the Fisher weights
/// differ by more than `e^1400` (the rescaling overflows).
pub fn natural_ntk(
    x_signed: ArrayView2<'_, f64>,
    margins: ArrayView1<'_, f64>,
    cofactors: ArrayView2<'_, f64>,
    cutoff: Cutoff,
) -> Result<Array2<f64>, FisherError> {
    crate::diagonal::validate_inputs(x_signed, margins, cofactors)?;
    let log_d = margins.mapv(log_fisher_weight);
    let max = log_d.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let sqrt_w = log_d.mapv(|l| (0.5 * (l - max)).exp());
    let m =
        (&x_signed * &sqrt_w.view().insert_axis(Axis(1))).dot(&jacobian_from_cofactors(cofactors));
    let svd = thin_svd(m.view())?;
    let rank = svd.rank(cutoff);
    let u = svd.u.slice_axis(Axis(1), Slice::from(..rank));
    let mut theta = u.dot(&u.t());
    for ((n, k), x) in theta.indexed_iter_mut() {
        *x *= (0.5 * (log_d[k] - log_d[n])).exp();
    }
    if theta.iter().any(|x| !x.is_finite()) {
        return Err(FisherError::NonFinite {
            what: "natural NTK (Fisher weights differ by more than e^1400)",
        });
    }
    Ok(theta)
}
