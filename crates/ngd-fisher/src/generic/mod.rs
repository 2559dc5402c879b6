//! Natural gradients of **any** model, through the traits of `ngd_models::model` only: a
//! [`Network`](ngd_models::Network) (`s = f(x; w)`) or a
//! [`Parametrization`](ngd_models::Parametrization) (`s = X P(w)`), trained with an
//! [`OutputLoss`] on data [`Samples`]. The structured routes of [`crate::diagonal`] and
//! [`crate::factorization`] are fast specializations of these (tested equal).
//!
//! With the output Jacobian `J = ∂s/∂w` (`N × P`), the output Fisher `S` (diagonal) and the
//! natural target `r` (the per-sample natural gradient in output space):
//!
//! `F(w) = Jᵀ S J`, `∇_w L = Jᵀ S r`,
//!
//! - logistic (mean loss, margins `u = y ⊙ s`): `S = diag(φ(u)φ(−u))/N`, `r = y ⊙ t(u)`,
//!   `t(u) = −(1 + e^{−u})` (the paper's Lemma 1; `docs/math.md`);
//! - squared (`½ Σ (s − t)²`): `S = I`, `r = s − t` (Lemma 2).
//!
//! The weights are kept in log form: `S = c Ŵ` with `c = max_n S_n` and `Ŵ = diag(ŵ)`,
//! `ŵ_n = exp(log S_n − log c) ∈ [0, 1]`, so that `F = c ÂᵀÂ`, `∇ = c Âᵀ b̂` with
//! `Â = Ŵ^{1/2} J` and `b̂ = Ŵ^{1/2} r`. The routes never form `b̂` (huge on misclassified
//! low-weight samples): they apply their inverse of `ÂᵀÂ` to `∇/c = Jᵀ(ŵ ⊙ r)`, with
//! `ŵ_n r_n = sign(r_n) exp(log ŵ_n + log|r_n|)` — finite even where `S_n` or `r_n` alone
//! would underflow or overflow.
//!
//! Operations (one file each):
//! - [`natural_gradient`] / [`natural_gradient_parametrization`] — the exact Moore–Penrose
//!   `F⁺ ∇` (routes [`ExactRoute`]);
//! - [`damped_natural_gradient`] / [`damped_natural_gradient_parametrization`] — Tikhonov
//!   damping `(F + λI)⁻¹ ∇` ([`Damping`]: absolute λ or relative `ρ tr(F)/P`);
//! - [`Curvature::Empirical`] — the same two operations with the empirical Fisher;
//! - [`diagonal_fisher_gradient`], [`block_natural_gradient`] — diagonal and per-layer
//!   block-diagonal approximations;
//! - [`kfac_deep_linear`] — K-FAC for the full-matrix deep linear net (damped only);
//! - [`tangent_kernel`], [`natural_tangent_kernel`] — the NTK and the natural NTK;
//! - [`dense_natural_gradient_generic`], [`dense_damped_natural_gradient`] — dense brute-force
//!   references `pinv(F) ∇` and `(F + λI)⁻¹ ∇`.
//!
//! **The cut-off policy** (all Moore–Penrose operations here): an eigenvalue `λ_i` of the
//! curvature matrix (`F(w)`, the empirical Fisher, or the approximation) counts as zero when
//! `λ_i < rcond · λ_max`, with `rcond = cutoff.rcond(P, P)` — by default `P · ε`, the default
//! of numpy's `pinv(F)` for a `P × P` matrix. Every route applies this test to the spectrum of
//! the matrix it factors (`ÂÂᵀ`, or the singular values squared of `Â` or its QR-reduced
//! form), so it answers what `pinv(F, rcond)` would in exact arithmetic. Consequence: when the
//! per-sample weights `S_n` span more than `1/rcond` (logistic margins differing by ≳ 33 at
//! the default), the directions of the low-weight samples are cut, exactly as `pinv(F)` cuts
//! them; the result then reports a smaller [`GenericNaturalGradient::rank`]. Every result
//! reports the route, the effective rank and the condition number `κ = λ_max / λ_min` of the
//! kept spectrum.

mod approximate;
mod damped;
mod dense;
mod exact;
mod kfac;
mod ntk;
pub(crate) mod spectrum;
mod system;
mod weights;

pub use approximate::{Inversion, block_natural_gradient, diagonal_fisher_gradient};
pub use damped::{Damping, damped_natural_gradient, damped_natural_gradient_parametrization};
pub use dense::{dense_curvature, dense_damped_natural_gradient, dense_natural_gradient_generic};
pub use exact::{natural_gradient, natural_gradient_parametrization};
pub use kfac::{
    Kfac, KfacDamping, KroneckerFactors, flatten_weights, kfac_deep_linear, unflatten_weights,
};
pub use ntk::{natural_tangent_kernel, tangent_kernel};

use crate::FisherError;
use crate::linalg::Cutoff;
use ndarray::{Array1, ArrayView1, ArrayView2};
use ngd_models::OutputLoss;

/// Training data for the generic routes: inputs `X` (`N × D`, one sample per row), targets
/// (labels `±1` for the logistic loss, values for the squared loss) and the loss.
#[derive(Debug, Clone, Copy)]
pub struct Samples<'a> {
    x: ArrayView2<'a, f64>,
    targets: ArrayView1<'a, f64>,
    loss: OutputLoss,
}

impl<'a> Samples<'a> {
    /// Bundles the data after checking it: `N ≥ 1` rows, one target per row, finite inputs,
    /// targets valid for the loss.
    ///
    /// # Errors
    /// [`FisherError::Shape`] naming `inputs X` or `targets`; [`FisherError::NonFinite`];
    /// [`FisherError::Model`] for invalid labels.
    pub fn new(
        x: ArrayView2<'a, f64>,
        targets: ArrayView1<'a, f64>,
        loss: OutputLoss,
    ) -> Result<Self, FisherError> {
        if x.nrows() == 0 {
            return Err(FisherError::Shape {
                what: "inputs X",
                expected: "N × D with N ≥ 1".into(),
                found: format!("{} × {}", x.nrows(), x.ncols()),
            });
        }
        if targets.len() != x.nrows() {
            return Err(FisherError::Shape {
                what: "targets",
                expected: format!("length N = {}", x.nrows()),
                found: format!("length {}", targets.len()),
            });
        }
        if x.iter().any(|v| !v.is_finite()) {
            return Err(FisherError::NonFinite { what: "inputs X" });
        }
        loss.check_targets(targets)?;
        Ok(Self { x, targets, loss })
    }

    /// The inputs `X` (`N × D`).
    pub fn x(&self) -> ArrayView2<'a, f64> {
        self.x
    }

    /// The targets (length `N`).
    pub fn targets(&self) -> ArrayView1<'a, f64> {
        self.targets
    }

    /// The loss.
    pub fn loss(&self) -> OutputLoss {
        self.loss
    }

    /// The number of samples `N`.
    pub fn len(&self) -> usize {
        self.x.nrows()
    }

    /// Never true (`N ≥ 1` is checked by [`Samples::new`]).
    pub fn is_empty(&self) -> bool {
        self.x.nrows() == 0
    }
}

/// Which curvature matrix preconditions the gradient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Curvature {
    /// The Fisher `F = Jᵀ S J` (for these losses also the Gauss–Newton matrix).
    #[default]
    Fisher,
    /// The empirical Fisher `G = Σ_n ∇ℓ_n ∇ℓ_nᵀ` over the per-sample loss terms
    /// (logistic: `(1/N) Σ_n` of the mean loss's terms, `G = Jᵀ diag(ℓ'(u)²/N) J`; squared:
    /// `G = Jᵀ diag((s − t)²) J`). Undamped on separable data `G⁺∇` blows up: the weights
    /// `ℓ'(u_n)² ≈ e^{−2u_n}` vanish faster than the gradient, and on the kernel route
    /// `g = Jᵀ (JJᵀ)⁻¹ (y / ℓ'(u))` grows like `e^{u}`, so NGD with it reaches infinite
    /// margins in finite time; use it damped.
    Empirical,
}

/// The routes of the exact Moore–Penrose natural gradient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExactRoute {
    /// `J Jᵀ a = r`, `g = Jᵀ a` (`N × N`, weight-free: the weights cancel when `J` has full row
    /// rank). Chosen when `N` is at most the rank bound (`P` for a network, `min(D, P)` for a
    /// parametrization). Valid when every eigenvalue of `S^{1/2} J Jᵀ S^{1/2}` is kept.
    Kernel,
    /// Householder QR of the weighted data factor (`Ŵ^{1/2} X`, `N × D`, for a parametrization
    /// with `D < N`; `Â`, `N × P`, for a network with `P < N`), then the minimum-norm solution of
    /// the reduced `min(N, ·) × P` system by SVD: `(QÃ)⁺ = Ã⁺Qᵀ` holds for any rank, so the route
    /// is Moore–Penrose always, at `O(N D² + D² P)` instead of `O(N P min(N, P))`.
    LeastSquares,
    /// The minimum-norm solution of `Â g = b̂` by an SVD of `Â` (`N × P`). Always valid.
    MinNorm,
}

/// A Moore–Penrose (or damped) natural gradient and how it was computed.
#[derive(Debug, Clone, PartialEq)]
pub struct GenericNaturalGradient {
    /// The direction `g ∈ ℝ^P` (an ascent direction: step `w ← w − η g`).
    pub direction: Array1<f64>,
    /// A short name of the route that ran (`"kernel"`, `"least-squares"`, `"min-norm"`,
    /// `"damped output space"`, `"damped parameter space"`, …).
    pub route: &'static str,
    /// The number of eigenvalues of the curvature matrix kept (damped: `P`).
    pub rank: usize,
    /// `κ = λ_max / λ_min` over the kept spectrum (damped: `(λ_max + λ) / (λ_min + λ)`); the
    /// accuracy to expect is about `κ · ε` relative.
    pub condition: f64,
    /// The largest eigenvalue of the curvature matrix (true scale; may underflow to 0).
    pub largest_eigenvalue: f64,
    /// The absolute damping λ that was applied (0 for Moore–Penrose).
    pub damping: f64,
    /// The route tried first when the automatic choice fell back.
    pub fallback_from: Option<ExactRoute>,
}

/// Options of the exact routes.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct GenericOptions {
    /// The cut-off on the eigenvalues of the curvature matrix (default `rcond = P · ε`).
    pub cutoff: Cutoff,
    /// The curvature matrix (default: the Fisher).
    pub curvature: Curvature,
    /// Run this route instead of choosing by the rank structure (a failed precondition is then
    /// an error, not a fallback).
    pub force: Option<ExactRoute>,
}

impl ExactRoute {
    /// The route's short name, as reported in [`GenericNaturalGradient::route`].
    pub fn label(self) -> &'static str {
        match self {
            Self::Kernel => "kernel",
            Self::LeastSquares => "least-squares",
            Self::MinNorm => "min-norm",
        }
    }
}
