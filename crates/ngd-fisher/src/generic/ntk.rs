//! Tangent kernels of any network in output space (the paper's Fig. 3 objects, generically;
//! [`crate::ntk::diagonal`] has the margin-space versions of diagonal nets, which equal
//! `diag(y) Θ diag(y)` of these).
//!
//! A parameter change `δw` moves the outputs by `J δw`. Under EGD, `δw ∝ Jᵀ ∂L/∂s`, so the
//! outputs move through the empirical NTK `Θ = J Jᵀ`. Under NGD with the Moore–Penrose
//! `g = F⁺∇ = Â⁺ b̂`, `J g = Ŵ^{−1/2} P Ŵ^{1/2} r` with `P` the orthogonal projector onto the
//! range of `Â = Ŵ^{1/2} J`: the natural NTK `Θ_nat = Ŵ^{−1/2} P Ŵ^{1/2}` acts on the natural
//! target `r`, and is the identity when `rank J = N`.

use super::spectrum::{eigenvalue_rcond, keep};
use super::system::weighted_network;
use super::{Curvature, Samples};
use crate::FisherError;
use crate::linalg::{Cutoff, thin_svd};
use ndarray::{Array2, ArrayView1, ArrayView2, Axis, Slice};
use ngd_models::Network;

/// The empirical NTK `Θ = J Jᵀ` (`N × N`) of a network on the inputs `x`.
///
/// # Errors
/// [`FisherError::Model`] when the network rejects `w` or `x`.
pub fn tangent_kernel<N: Network + ?Sized>(
    network: &N,
    w: ArrayView1<'_, f64>,
    x: ArrayView2<'_, f64>,
) -> Result<Array2<f64>, FisherError> {
    let j = network.jacobian(w, x)?;
    Ok(j.dot(&j.t()))
}

/// The natural NTK `Θ_nat = S^{−1/2} P S^{1/2}` (`N × N`) of the Fisher at `w`: the
/// Moore–Penrose natural gradient `g` satisfies `J g = Θ_nat r`. `P` comes from an SVD of `Â`,
/// cut with the policy of [`crate::generic`] (`σ_i² ≥ rcond · σ_max²`,
/// `rcond = cutoff.rcond(P, P)`); `Θ_nm = P_nm exp(½(log S_m − log S_n))`. Small problems only
/// (`O(N P min(N, P))`).
///
/// # Errors
/// As [`tangent_kernel`]; [`FisherError::NonFinite`] when the weights differ by more than the
/// floating-point range (`e^{1400}`) so that an entry overflows.
pub fn natural_tangent_kernel<N: Network + ?Sized>(
    network: &N,
    w: ArrayView1<'_, f64>,
    samples: &Samples<'_>,
    cutoff: Cutoff,
) -> Result<Array2<f64>, FisherError> {
    let (jacobian, weights) = weighted_network(network, w, samples, Curvature::Fisher)?;
    let svd = thin_svd(jacobian.weighted(&weights).view())?;
    let squares: Vec<f64> = svd.sigma.iter().map(|s| s * s).collect();
    let rank = keep(&squares, eigenvalue_rcond(cutoff, jacobian.params()), None).rank;
    let u = svd.u.slice_axis(Axis(1), Slice::from(..rank));
    let mut theta = u.dot(&u.t());
    let log_w = weights.log_weights();
    for ((n, m), x) in theta.indexed_iter_mut() {
        *x *= (0.5 * (log_w[m] - log_w[n])).exp();
    }
    if theta.iter().any(|x| !x.is_finite()) {
        return Err(FisherError::NonFinite {
            what: "natural NTK (Fisher weights differ by more than e^1400)",
        });
    }
    Ok(theta)
}
