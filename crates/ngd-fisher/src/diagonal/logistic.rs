//! Logistic-loss quantities of a diagonal network (or linear model) on signed data, computed
//! from the margins `u = X̃ β` without overflow: the mean gradient `∇_β L`, the sample Fisher
//! `F(β)`, and the rescaled Fisher weights used by the least-squares routes.
//!
//! With `d = φ(u) φ(−u)` and `t = −(1 + e^{−u})` (so `d ⊙ t = ℓ'(u)`), the weights enter every
//! solve only up to a common positive factor, which cancels. The rescaled weights are
//! `d̂_n = exp(log d_n − max_m log d_m) ∈ (0, 1]` (the paper's eq. 24–25 trick, done in log
//! space) and `√d̂`; the products `d̂ ⊙ t` and `√d̂ ⊙ t` are formed as
//! `−exp(log d̂_n + ℓ(u_n))` and `−exp(½ log d̂_n + ℓ(u_n))` using `log|t| = ℓ(u) = log(1+e^{−u})`,
//! so neither the tiny weight nor the large target is ever formed separately.

use crate::FisherError;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use ngd_models::logistic::{fisher_weight, log_fisher_weight, loss, loss_derivative};

/// Fisher weights rescaled by their maximum, with the matching right-hand sides.
#[derive(Debug, Clone)]
pub(crate) struct ScaledWeights {
    /// `√d̂`, length N.
    pub sqrt_weight: Array1<f64>,
    /// `√d̂ ⊙ t`, length N.
    pub sqrt_weight_target: Array1<f64>,
    /// `d̂`, length N.
    pub weight: Array1<f64>,
    /// `d̂ ⊙ t`, length N.
    pub weight_target: Array1<f64>,
}

impl ScaledWeights {
    /// Computes the rescaled weights of the margins `u`.
    pub fn new(margins: ArrayView1<'_, f64>) -> Result<Self, FisherError> {
        let log_d = margins.mapv(log_fisher_weight);
        let max = log_d.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let rel = log_d.mapv(|x| x - max);
        let log_abs_t = margins.mapv(loss);
        let sqrt_weight = rel.mapv(|r| (0.5 * r).exp());
        let weight = rel.mapv(f64::exp);
        let sqrt_weight_target = ndarray::Zip::from(&rel)
            .and(&log_abs_t)
            .map_collect(|&r, &lt| -(0.5 * r + lt).exp());
        let weight_target = ndarray::Zip::from(&rel)
            .and(&log_abs_t)
            .map_collect(|&r, &lt| -(r + lt).exp());
        if sqrt_weight_target
            .iter()
            .chain(weight_target.iter())
            .any(|x| !x.is_finite())
        {
            return Err(FisherError::NonFinite {
                what: "rescaled natural-gradient target (margins too spread out or too negative)",
            });
        }
        Ok(Self {
            sqrt_weight,
            sqrt_weight_target,
            weight,
            weight_target,
        })
    }
}

/// The mean logistic-loss gradient `∇_β L = (1/N) X̃ᵀ ℓ'(u)` with `ℓ'(u) = −φ(−u)`.
pub fn logistic_gradient(
    x_signed: ArrayView2<'_, f64>,
    margins: ArrayView1<'_, f64>,
) -> Array1<f64> {
    let n = x_signed.nrows().max(1) as f64;
    x_signed.t().dot(&margins.mapv(loss_derivative)) / n
}

/// The sample Fisher `F(β) = (1/N) X̃ᵀ diag(φ(u) φ(−u)) X̃` (D × D), with unscaled weights
/// (they underflow to zero for |u| ≳ 745). For reference computations.
pub fn sample_fisher(x_signed: ArrayView2<'_, f64>, margins: ArrayView1<'_, f64>) -> Array2<f64> {
    let n = x_signed.nrows().max(1) as f64;
    weighted_gram(x_signed, margins.mapv(fisher_weight).view()) / n
}

/// `Xᵀ diag(w) X` for an `N × D` matrix `X` and weights `w` (length N).
pub(crate) fn weighted_gram(x: ArrayView2<'_, f64>, w: ArrayView1<'_, f64>) -> Array2<f64> {
    let wx = &x * &w.insert_axis(Axis(1));
    x.t().dot(&wx)
}

/// `s = Σ_l c_l ⊙ c_l`, the diagonal of `J Jᵀ`.
pub(crate) fn cofactor_square_sum(cofactors: ArrayView2<'_, f64>) -> Array1<f64> {
    cofactors.mapv(|c| c * c).sum_axis(Axis(0))
}

/// The stacked direction `g_l = c_l ⊙ v` (`L × D`).
pub(crate) fn spread_over_layers(
    cofactors: ArrayView2<'_, f64>,
    v: ArrayView1<'_, f64>,
) -> Array2<f64> {
    &cofactors * &v.insert_axis(Axis(0))
}

/// The dense Jacobian `J = [diag(c_1) … diag(c_L)]` (`D × LD`) from the cofactors (`L × D`).
pub fn jacobian_from_cofactors(cofactors: ArrayView2<'_, f64>) -> Array2<f64> {
    let (l, d) = cofactors.dim();
    let mut j = Array2::zeros((d, l * d));
    for layer in 0..l {
        for i in 0..d {
            j[[i, layer * d + i]] = cofactors[[layer, i]];
        }
    }
    j
}
