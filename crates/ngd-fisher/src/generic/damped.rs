//! Tikhonov-damped natural gradients `g = (F + λI)⁻¹ ∇_w L`, λ > 0 (absolute, on the mean
//! Fisher), or relative damping `λ = ρ · tr(F)/P`.
//!
//! With `F = c ÃᵀÃ` and `∇ = c Ãᵀ b̃ = c z` (the reduced system of [`super::system`], `Ã`: `m × P`),
//! `g = (ÃᵀÃ + λ' I)⁻¹ z` with `λ' = λ / c`; when the output space is smaller (`m ≤ P`)
//! the push-through identity `(ÃᵀÃ + λ'I)⁻¹Ãᵀ = Ãᵀ(ÃÃᵀ + λ'I)⁻¹` turns it into an
//! output-space problem ("damped output space", when `m < P`: one SVD of the `m × P` matrix
//! `Ã`, `O(m² P)`), otherwise a parameter-space one ("damped parameter space"). Relative damping: `tr(F) = c ‖Ã‖_F²`,
//! so `λ' = ρ ‖Ã‖_F² / P` needs no scale at all. As `λ → 0⁺`, `g → F⁺∇`; as `λ → ∞`,
//! `λ g → ∇`.

use super::system::{OutputJacobian, weighted_network, weighted_parametrization};
use super::weights::OutputWeights;
use super::{Curvature, GenericNaturalGradient, Samples};
use crate::FisherError;
use crate::linalg::thin_svd;
use ndarray::ArrayView1;
use ngd_models::{Network, Parametrization};

/// How much Tikhonov damping to add to the curvature.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Damping {
    /// `F + λ I` with this absolute `λ > 0` (on the mean Fisher's scale).
    Absolute(f64),
    /// `F + ρ (tr(F)/P) I` with this `ρ > 0`: scale-free, so it does not turn NGD into
    /// `EGD / λ` when `F → 0` on separable data.
    Relative(f64),
}

impl Damping {
    /// Checks that the parameter is finite and positive.
    ///
    /// # Errors
    /// [`FisherError::Invalid`] naming `damping λ` or `relative damping ρ`.
    pub fn validate(self) -> Result<(), FisherError> {
        let (what, value) = match self {
            Self::Absolute(l) => ("damping λ", l),
            Self::Relative(r) => ("relative damping ρ", r),
        };
        if value.is_finite() && value > 0.0 {
            Ok(())
        } else {
            Err(FisherError::Invalid {
                what,
                value: value.to_string(),
                allowed: "finite and positive",
            })
        }
    }
}

/// The damped natural gradient `(C + λI)⁻¹ ∇_w L` of a network, `C` the chosen curvature
/// (Fisher or empirical Fisher).
///
/// Defaults and edges: the output-space route when `N < P`; a Fisher that underflows
/// (`c λ'` not representable) gives `∇/λ` exactly as the limit says.
///
/// # Errors
/// [`FisherError::Invalid`] for a bad damping; [`FisherError::Model`] when the network rejects
/// its input; [`FisherError::NonFinite`] for an overflowing result; SVD failures.
pub fn damped_natural_gradient<N: Network + ?Sized>(
    network: &N,
    w: ArrayView1<'_, f64>,
    samples: &Samples<'_>,
    damping: Damping,
    curvature: Curvature,
) -> Result<GenericNaturalGradient, FisherError> {
    damping.validate()?;
    let (jacobian, weights) = weighted_network(network, w, samples, curvature)?;
    solve_damped(&jacobian, &weights, damping)
}

/// The damped natural gradient of a parametrization `s = X P(w)`: as
/// [`damped_natural_gradient`], with the output space reduced to `min(N, D)` by a QR of
/// `Ŵ^{1/2} X` when `D < N`.
///
/// # Errors
/// As [`damped_natural_gradient`]; [`FisherError::Shape`] when `X` has not `D` columns.
pub fn damped_natural_gradient_parametrization<M: Parametrization + ?Sized>(
    model: &M,
    w: ArrayView1<'_, f64>,
    samples: &Samples<'_>,
    damping: Damping,
    curvature: Curvature,
) -> Result<GenericNaturalGradient, FisherError> {
    damping.validate()?;
    let (jacobian, weights) = weighted_parametrization(model, w, samples, curvature)?;
    solve_damped(&jacobian, &weights, damping)
}

/// The damped solve on the reduced system: `g = V diag(1/(σ_i² + λ')) Vᵀ z` from the thin SVD
/// `Ã = UΣVᵀ` and `z = ∇/c = Jᵀ(ŵ ⊙ r)` — the push-through form
/// `Ãᵀ(ÃÃᵀ + λ'I)⁻¹ b̃ = VΣ(Σ² + λ')⁻¹Uᵀ b̃ = V(Σ² + λ')⁻¹Vᵀ z` when `m < P`, the
/// parameter-space form otherwise. Taking `z` rather than `b̃` keeps the error at about
/// `κ ε` when `b̂ = ŵ^{1/2} r` is huge on misclassified low-weight rows; the component of the
/// computed `z` outside `range(Ãᵀ)` (round-off only: `z = Ãᵀ b̃` exactly) is dropped.
pub(crate) fn solve_damped(
    jacobian: &OutputJacobian,
    weights: &OutputWeights,
    damping: Damping,
) -> Result<GenericNaturalGradient, FisherError> {
    let reduced = jacobian.reduced(weights)?;
    let a = &reduced.a;
    let (m, p) = a.dim();
    let scale = weights.log_scale().exp();
    let scaled_lambda = match damping {
        Damping::Absolute(lambda) => lambda * (-weights.log_scale()).exp(),
        Damping::Relative(rho) => rho * a.iter().map(|x| x * x).sum::<f64>() / p as f64,
    };
    let lambda = match damping {
        Damping::Absolute(lambda) => lambda,
        Damping::Relative(_) => scaled_lambda * scale,
    };
    let z = jacobian.transpose_times(weights.weighted_targets()?.view());
    let svd = thin_svd(a.view())?;
    let squares = svd.sigma.mapv(|s| s * s);
    let largest = squares.iter().copied().fold(0.0_f64, f64::max);
    let smallest = if m < p {
        0.0
    } else {
        squares.iter().copied().fold(f64::INFINITY, f64::min)
    };
    let (direction, route) = if scaled_lambda.is_finite() {
        let mut coefficients = svd.vt.dot(&z);
        coefficients.zip_mut_with(&squares, |c, &s| *c /= s + scaled_lambda);
        let route = if m < p {
            "damped output space"
        } else {
            "damped parameter space"
        };
        (svd.vt.t().dot(&coefficients), route)
    } else {
        // λ/c overflows (c underflows): (ÃᵀÃ + λ'I)⁻¹ = I/λ' to working precision, g = ∇/λ.
        (z * scale / lambda, "damped (gradient / λ)")
    };
    if direction.iter().any(|x| !x.is_finite()) {
        return Err(FisherError::NonFinite {
            what: "damped natural-gradient direction",
        });
    }
    Ok(GenericNaturalGradient {
        direction,
        route,
        rank: p,
        condition: (largest + scaled_lambda) / (smallest + scaled_lambda),
        largest_eigenvalue: largest * scale,
        damping: lambda,
        fallback_from: None,
    })
}
