//! The exact Moore–Penrose natural gradient `g = F(w)⁺ ∇_w L` of any model (or the same with
//! the empirical Fisher), by the route the rank structure suggests.
//!
//! `F⁺∇ = (cÂᵀÂ)⁺ c Âᵀ b̂ = Â⁺ b̂` (the scale `c` cancels), computed as:
//!
//! - [`ExactRoute::Kernel`] when `N ≤` the rank bound (`P` for a network, `min(D, P)` for a
//!   parametrization): if `J` has full row rank, `Â⁺ = Âᵀ(ÂÂᵀ)⁻¹` and the weights cancel,
//!   `g = Jᵀ (J Jᵀ)⁻¹ r` — a Cholesky solve of the weight-free `N × N` kernel, stable for any
//!   spread of the weights. Its precondition under the cut-off policy is that every eigenvalue of
//!   `ÂÂᵀ = Ŵ^{1/2} J Jᵀ Ŵ^{1/2}` (the nonzero spectrum of `F/c`) is kept; it is checked with
//!   a symmetric eigensolver (the spectrum also gives `κ`);
//! - [`ExactRoute::LeastSquares`] otherwise: QR reduction to `Ã` (`min(N, D)` or `P` rows,
//!   `ÃᵀÃ = ÂᵀÂ`), then `g = V_k Σ_k⁻² V_kᵀ (∇/c)` from the SVD `Ã = UΣVᵀ` — `pinv(F)∇` with
//!   the cut, applied to the gradient `∇/c = Jᵀ(ŵ ⊙ r)` rather than to `b̂` (whose entries
//!   `ŵ^{1/2} r` are huge on misclassified low-weight rows, where `Uᵀ b̂` loses accuracy);
//! - [`ExactRoute::MinNorm`] (the same on `Â` itself) as the fallback when the kernel's precondition fails (a singular
//!   kernel, a cut eigenvalue, or a target `r_n` that overflows).
//!
//! The cut-off is the one policy of [`crate::generic`]: eigenvalues of the curvature below
//! `rcond · λ_max`, `rcond = cutoff.rcond(P, P)` (default `P ε`), are zero.

use super::spectrum::{Kept, curvature_pinv_apply, eigenvalue_rcond, gram_eigenvalues, keep};
use super::system::{OutputJacobian, weighted_network, weighted_parametrization};
use super::weights::{OutputWeights, scale_rows};
use super::{ExactRoute, GenericNaturalGradient, GenericOptions, Samples};
use crate::FisherError;
use crate::linalg::{Cutoff, spd_solve};
use ndarray::{Array1, ArrayView1};
use ngd_models::{Network, Parametrization};

/// The exact Moore–Penrose natural gradient `F(w)⁺ ∇_w L` of a network on `samples`.
///
/// Defaults: the Fisher, the kernel route when `N ≤ P` (else least squares), the min-norm
/// fallback, `rcond = P ε` on the eigenvalues of `F` (see [`crate::generic`]). At the edges:
/// weights are handled in log form, so any finite logistic margin is accepted; a margin below
/// about `−709` makes the kernel target `r` overflow, and the route falls back to min-norm
/// (which uses only `ŵ ⊙ r`, finite); weights spread beyond `1/rcond` are cut (reported rank
/// below `min(N, P)`); a curvature that is identically zero (the empirical Fisher of the
/// squared loss at zero residual) is a [`FisherError::NonFinite`] error.
///
/// # Errors
/// [`FisherError::Model`] when the network rejects `w` or the data; [`FisherError::NonFinite`]
/// for non-finite outputs or an overflowing result; [`FisherError::Singular`] when a forced
/// route's precondition fails; LAPACK failures.
pub fn natural_gradient<N: Network + ?Sized>(
    network: &N,
    w: ArrayView1<'_, f64>,
    samples: &Samples<'_>,
    options: &GenericOptions,
) -> Result<GenericNaturalGradient, FisherError> {
    let (jacobian, weights) = weighted_network(network, w, samples, options.curvature)?;
    solve(&jacobian, &weights, options)
}

/// The exact Moore–Penrose natural gradient of a parametrization `s = X P(w)` on `samples`:
/// as [`natural_gradient`], with the rank bound `min(D, P)` — the kernel route when
/// `N ≤ min(D, P)`, otherwise the least-squares route through the QR of `Ŵ^{1/2} X` (when
/// `D < N`, cost `O(N D² + D² P)`) or of `Ŵ^{1/2} X J_β`.
///
/// # Errors
/// As [`natural_gradient`]; [`FisherError::Shape`] when `X` has not `D` columns.
pub fn natural_gradient_parametrization<M: Parametrization + ?Sized>(
    model: &M,
    w: ArrayView1<'_, f64>,
    samples: &Samples<'_>,
    options: &GenericOptions,
) -> Result<GenericNaturalGradient, FisherError> {
    let (jacobian, weights) = weighted_parametrization(model, w, samples, options.curvature)?;
    solve(&jacobian, &weights, options)
}

/// Chooses and runs the route, with the fallback.
fn solve(
    jacobian: &OutputJacobian,
    weights: &OutputWeights,
    options: &GenericOptions,
) -> Result<GenericNaturalGradient, FisherError> {
    let rcond = eigenvalue_rcond(options.cutoff, jacobian.params());
    let solution = solve_weighted(jacobian, weights, rcond, options.force, None)?;
    let direction = solution.direction;
    if direction.iter().any(|x| !x.is_finite()) {
        return Err(FisherError::NonFinite {
            what: "natural-gradient direction",
        });
    }
    Ok(GenericNaturalGradient {
        direction,
        route: solution.route.label(),
        rank: solution.kept.rank,
        condition: solution.kept.condition,
        largest_eigenvalue: solution.kept.largest * weights.log_scale().exp(),
        damping: 0.0,
        fallback_from: solution.fallback_from,
    })
}

/// A Moore–Penrose solve in scaled units.
#[derive(Debug, Clone)]
pub(crate) struct ExactSolution {
    pub direction: Array1<f64>,
    pub kept: Kept,
    pub route: ExactRoute,
    pub fallback_from: Option<ExactRoute>,
}

/// `Â⁺ b̂` by the automatic (or forced) route; eigenvalues are cut relative to `reference`
/// (the largest eigenvalue of the whole curvature in scaled units; `None`: this system's).
pub(crate) fn solve_weighted(
    jacobian: &OutputJacobian,
    weights: &OutputWeights,
    rcond: f64,
    force: Option<ExactRoute>,
    reference: Option<f64>,
) -> Result<ExactSolution, FisherError> {
    let n = jacobian.samples();
    let automatic = if n <= jacobian.rank_bound() {
        ExactRoute::Kernel
    } else {
        ExactRoute::LeastSquares
    };
    let first = force.unwrap_or(automatic);
    // ∇/c = Jᵀ (ŵ ⊙ r), the right-hand side of the SVD routes.
    let scaled_gradient = || -> Result<Array1<f64>, FisherError> {
        Ok(jacobian.transpose_times(weights.weighted_targets()?.view()))
    };
    let run = |route| match route {
        ExactRoute::Kernel => kernel(jacobian, weights, rcond, reference),
        ExactRoute::LeastSquares => {
            let reduced = jacobian.reduced(weights)?;
            let z = scaled_gradient()?;
            curvature_pinv_apply(reduced.a.view(), z.view(), rcond, reference).map(Some)
        }
        ExactRoute::MinNorm => {
            let a_hat = jacobian.weighted(weights);
            let z = scaled_gradient()?;
            curvature_pinv_apply(a_hat.view(), z.view(), rcond, reference).map(Some)
        }
    };
    match (run(first)?, force) {
        (Some((direction, kept)), _) => Ok(ExactSolution {
            direction,
            kept,
            route: first,
            fallback_from: None,
        }),
        (None, Some(_)) => Err(FisherError::Singular {
            what: "output-space kernel S^{1/2} J Jᵀ S^{1/2}",
            rank: kernel_rank(jacobian, weights, rcond, reference)?,
            needed: n,
            hint: "; the forced kernel route needs every eigenvalue kept and finite targets".into(),
        }),
        (None, None) => {
            let (direction, kept) = run(ExactRoute::MinNorm)?.ok_or(FisherError::NonFinite {
                what: "min-norm route",
            })?;
            Ok(ExactSolution {
                direction,
                kept,
                route: ExactRoute::MinNorm,
                fallback_from: Some(first),
            })
        }
    }
}

/// The kernel route: `None` when its precondition fails.
fn kernel(
    jacobian: &OutputJacobian,
    weights: &OutputWeights,
    rcond: f64,
    reference: Option<f64>,
) -> Result<Option<(Array1<f64>, Kept)>, FisherError> {
    let n = jacobian.samples();
    let Some(targets) = weights.targets() else {
        return Ok(None);
    };
    let j = jacobian.dense();
    let k = j.dot(&j.t());
    let kept = spectrum_of_weighted_kernel(&k, weights, rcond, reference)?;
    if kept.rank < n {
        return Ok(None);
    }
    let a = match spd_solve(
        k.view(),
        targets.view(),
        Cutoff::numpy_default(),
        "output-space kernel J Jᵀ",
    ) {
        Ok(a) => a,
        Err(FisherError::Singular { .. }) => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(Some((j.t().dot(&a), kept)))
}

/// The kept spectrum of `Ŵ^{1/2} K Ŵ^{1/2}`.
fn spectrum_of_weighted_kernel(
    k: &ndarray::Array2<f64>,
    weights: &OutputWeights,
    rcond: f64,
    reference: Option<f64>,
) -> Result<Kept, FisherError> {
    let sqrt_w = weights.sqrt_scaled_weights();
    let scaled = scale_rows(k.view(), sqrt_w.view()) * sqrt_w.view().insert_axis(ndarray::Axis(0));
    Ok(keep(&gram_eigenvalues(scaled.view())?, rcond, reference))
}

/// The number of kept eigenvalues of the weighted kernel (for the error message).
fn kernel_rank(
    jacobian: &OutputJacobian,
    weights: &OutputWeights,
    rcond: f64,
    reference: Option<f64>,
) -> Result<usize, FisherError> {
    let j = jacobian.dense();
    Ok(spectrum_of_weighted_kernel(&j.dot(&j.t()), weights, rcond, reference)?.rank)
}
