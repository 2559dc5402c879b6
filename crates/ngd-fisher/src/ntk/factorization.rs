//! Tangent kernels of deep matrix factorizations (the paper's Fig. 3): the response of every
//! entry of `β = W_1 ⋯ W_L` to a loss gradient `E = ∇_β L` (typically the unit matrix
//! [`unit_matrix`] at one observed entry).
//!
//! - EGF: `β̇ = −Σ_i A_i ∇_{W_i} B_i = −Σ_i A_i A_iᵀ E B_iᵀ B_i`; [`egf_response`] returns the
//!   sum without the sign (the response to a *negative* gradient).
//! - NGF: `β̇ = −J g` for a natural direction `g` of `E`; any natural gradient has `J g = E`
//!   when `E` is in the range of `J`, so the natural NTK is the identity ([`ngf_response`]).
//! - EGD / NGD: the finite-step change `(β(θ) − β(θ − η ∇)) / η`, which carries the higher-order
//!   terms ([`egd_response`], [`ngd_response`]; signs chosen so all four agree as η → 0).

use crate::FisherError;
use crate::factorization::{NaturalDirection, natural_direction};
use ndarray::{Array2, ArrayView2};
use ngd_models::factorization::{prefix_products, product, pull_back, suffix_products};

/// The `d × d` unit matrix `E_kl` (one at `(k, l)`, zeros elsewhere); `None` if out of range.
pub fn unit_matrix(d: usize, k: usize, l: usize) -> Option<Array2<f64>> {
    (k < d && l < d).then(|| {
        let mut e = Array2::zeros((d, d));
        e[[k, l]] = 1.0;
        e
    })
}

/// The EGF response `Σ_i A_i A_iᵀ E B_iᵀ B_i` (the NTK applied to `E`).
pub fn egf_response(factors: &[Array2<f64>], e: ArrayView2<'_, f64>) -> Array2<f64> {
    let prefixes = prefix_products(factors);
    let suffixes = suffix_products(factors);
    let mut out = Array2::zeros(e.raw_dim());
    for (a, b) in prefixes.iter().zip(&suffixes) {
        out += &a.dot(&a.t()).dot(&e).dot(&b.t()).dot(b);
    }
    out
}

/// The NGF response `J g = Σ_i A_i G_i B_i` for the natural direction of `E` selected by `which`.
///
/// # Errors
///
/// As [`natural_direction`] for the factors and `E`.
pub fn ngf_response(
    factors: &[Array2<f64>],
    e: ArrayView2<'_, f64>,
    which: &NaturalDirection,
) -> Result<Array2<f64>, FisherError> {
    let g = natural_direction(factors, e, which)?;
    let prefixes = prefix_products(factors);
    let suffixes = suffix_products(factors);
    let mut out = Array2::zeros(e.raw_dim());
    for ((a, b), gi) in prefixes.iter().zip(&suffixes).zip(&g.directions) {
        out += &a.dot(gi).dot(b);
    }
    Ok(out)
}

/// `(β(W) − β(W − η Δ)) / η` for per-layer steps `Δ_i`.
fn finite_step_response(factors: &[Array2<f64>], steps: &[Array2<f64>], eta: f64) -> Array2<f64> {
    let moved: Vec<Array2<f64>> = factors
        .iter()
        .zip(steps)
        .map(|(w, s)| w - &(s * eta))
        .collect();
    (product(factors) - product(&moved)) / eta
}

fn check_step(eta: f64) -> Result<(), FisherError> {
    if eta.is_finite() && eta > 0.0 {
        Ok(())
    } else {
        Err(FisherError::Invalid {
            what: "step size η",
            value: format!("{eta}"),
            allowed: "finite and > 0",
        })
    }
}

/// The EGD response `(β(W) − β(W − η ∇))/η` with the Euclidean pull-back
/// `∇_{W_i} = A_iᵀ E B_iᵀ`.
///
/// # Errors
///
/// [`FisherError::Invalid`] if `η` is not finite and positive or `L = 0`;
/// [`FisherError::Shape`] / [`FisherError::NonFinite`] for factors or `E` that are not finite
/// `D × D` matrices.
pub fn egd_response(
    factors: &[Array2<f64>],
    e: ArrayView2<'_, f64>,
    eta: f64,
) -> Result<Array2<f64>, FisherError> {
    check_step(eta)?;
    crate::factorization::validate_inputs(factors, e)?;
    let grads = pull_back(factors, e);
    Ok(finite_step_response(factors, &grads, eta))
}

/// The NGD response `(β(W) − β(W − η g))/η` with the natural direction `g` of `E`.
///
/// # Errors
///
/// [`FisherError::Invalid`] if `η` is not finite and positive; otherwise as
/// [`natural_direction`].
pub fn ngd_response(
    factors: &[Array2<f64>],
    e: ArrayView2<'_, f64>,
    eta: f64,
    which: &NaturalDirection,
) -> Result<Array2<f64>, FisherError> {
    check_step(eta)?;
    let g = natural_direction(factors, e, which)?;
    Ok(finite_step_response(factors, &g.directions, eta))
}
