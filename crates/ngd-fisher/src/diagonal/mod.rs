//! Exact natural gradients of L-layer diagonal networks `β = w_1 ⊙ … ⊙ w_L` (and the linear
//! model, L = 1) under the mean logistic loss (the paper's §2.1, App. B.1–B.2).
//!
//! Inputs are plain arrays: signed data `X̃ = diag(y) X` (`N × D`), margins `u = X̃ β`
//! (length N) and cofactors `c_l = ∏_{k≠l} w_k` (`L × D`, row `l` is `c_l`). The result is the
//! natural gradient `g` (`L × D`, row `l` is `g_l`), an *ascent* direction: optimizers step
//! `w ← w − η g`. With the Jacobian `J = [diag(c_1) … diag(c_L)]`, the Moore–Penrose natural
//! gradient is `g = F(w)⁺ ∇_w = (diag(d)^{1/2} X̃ J)⁺ diag(d)^{1/2} t` with
//! `d = φ(u) φ(−u)` and `t = −(1 + e^{−u})` (see `docs/math.md`).
//!
//! Every route checks its own accuracy and a result whose estimated error exceeds
//! [`ACCURACY_BOUND`] is an error ([`FisherError::Inaccurate`]), never a silent wrong answer
//! (`accuracy.rs`; `docs/math.md`, "Accuracy checks").
//!
//! Routes ([`Route`]): `Kernel` (N ≤ D), `Weighted` (N ≥ D), `MinNorm` (always valid),
//! `PaperLayerwise` (App. B.2, a different valid natural gradient), `DenseBeta` (dense
//! comparison), and `Population` ([`population_natural_gradient`]). [`dense_natural_gradient`]
//! is the slow brute-force reference `pinv(F(w)) ∇_w`.
//!
//! Repeated callers pass a [`DiagWorkspace`] to [`diag_natural_gradient_with`]; the kernel
//! route then forms only the lower triangle of `K` with packed register tiles
//! (`crate::linalg::syrk`, `N²D/2` multiply-adds) and factors it in place (see `routes.rs`).

mod accuracy;
mod dense;
mod logistic;
mod paper;
mod population;
mod routes;
mod weighted;
mod workspace;

pub use accuracy::ACCURACY_BOUND;

pub use dense::{dense_natural_gradient, dense_population_natural_gradient};
pub use logistic::{jacobian_from_cofactors, logistic_gradient, sample_fisher};
pub use population::{population_fisher, population_natural_gradient};
pub use workspace::DiagWorkspace;

use crate::FisherError;
use crate::linalg::Cutoff;
use crate::linalg::finite::array_all_finite;
use accuracy::{Solved, within_bound};
use ndarray::{Array2, ArrayView1, ArrayView2};

/// Which computation produced a diagonal-network natural gradient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Solve the `N × N` empirical-NTK system `X̃ diag(s) X̃ᵀ a = t`, `g_l = c_l ⊙ X̃ᵀ a`.
    /// Moore–Penrose when `rank X̃ = N ≤ D`. Cost `O(N²D + N³)`.
    Kernel,
    /// Weighted least squares `v = argmin ‖d^{1/2} ⊙ (X̃ v − t)‖` by QR, `g_l = c_l ⊙ v / s`.
    /// Moore–Penrose when `rank X̃ = D ≤ N` and `s > 0`. Cost `O(N D²)`.
    Weighted,
    /// Minimum-norm least squares on the `N × LD` matrix `diag(d)^{1/2} X̃ J` by SVD.
    /// Moore–Penrose always. Cost `O(N · LD · min(N, LD))`.
    MinNorm,
    /// The paper's App. B.2 variant: per layer, the minimum-norm solution of
    /// `F(β) diag(c_l) g_l = ∇_β / L`. A valid natural gradient (`F(w) g = ∇_w`), not the
    /// Moore–Penrose one. Cost `O(L D³)`.
    PaperLayerwise,
    /// Fisher in β, then the minimum-norm solution of the `D × LD` system `F(β) J g = ∇_β`.
    /// A valid natural gradient; Moore–Penrose when `F(β)` is invertible. Cost `O(N D² + L D³)`.
    DenseBeta,
    /// The population-Fisher natural gradient `g_l = c_l ⊙ F_pop⁻¹ ∇_β L / s`.
    Population,
}

impl Route {
    /// The route's name, as in errors ([`FisherError::Inaccurate`]).
    pub fn name(self) -> &'static str {
        match self {
            Self::Kernel => "kernel",
            Self::Weighted => "weighted",
            Self::MinNorm => "min-norm",
            Self::PaperLayerwise => "paper-layerwise",
            Self::DenseBeta => "dense-β",
            Self::Population => "population",
        }
    }
}

/// Which route [`diag_natural_gradient`] should run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RouteChoice {
    /// `Kernel` if `N ≤ D`, `Weighted` if `N > D`; `MinNorm` if that route detects rank
    /// deficiency (singular kernel; for `Weighted`: `N < D`, some `s_i = 0`, a zero QR pivot,
    /// or a pivot under the cut-off together with a failed accuracy estimate). A route whose
    /// accuracy check fails otherwise is an error ([`FisherError::Inaccurate`]), not a fall-back.
    #[default]
    Auto,
    /// Run exactly this route; a rank-deficient problem is then an error, not a fallback.
    /// `Route::Population` is not accepted here (use [`population_natural_gradient`]).
    Force(Route),
}

/// Options of [`diag_natural_gradient`].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DiagOptions {
    /// The singular-value cut-off for every solve and rank test (default
    /// [`Cutoff::numpy_default`]); see [`diag_natural_gradient`] for which matrix it sees.
    pub cutoff: Cutoff,
    /// The route to run.
    pub route: RouteChoice,
}

/// A diagonal-network natural gradient and how it was computed.
#[derive(Debug, Clone, PartialEq)]
pub struct DiagNaturalGradient {
    /// The direction `g`, `L × D` (row `l` is `g_l`); step `w ← w − η g`.
    pub direction: Array2<f64>,
    /// The route that produced it.
    pub route: Route,
    /// The effective rank of the system solved: `N` (Kernel), `D` (Weighted, Population),
    /// the rank of `diag(d)^{1/2} X̃ J` (MinNorm), of `F(β) J` (DenseBeta), or the smallest
    /// rank of the per-layer systems (PaperLayerwise).
    pub rank: usize,
    /// The route first tried by `Auto` when it fell back to `MinNorm`.
    pub fallback_from: Option<Route>,
    /// The condition estimate of the matrix the route factored: `κ(K)` (Kernel, from the
    /// Cholesky pivots), `max |R_ii| / min |R_ii|` of the weighted QR (Weighted: the weights'
    /// spread included, so it can be far above `1/ε` while the result is accurate),
    /// `σ_1 / σ_rank` of the system solved by SVD (MinNorm, DenseBeta, PaperLayerwise: the
    /// largest over layers), `κ(F_pop)` (Population).
    pub condition: f64,
    /// The estimated relative error `‖g − g*‖ / ‖g*‖` against the exact direction of the route
    /// (`docs/math.md`, "Accuracy checks"). At most [`ACCURACY_BOUND`] — or, near a stationary
    /// point where the gradient's terms cancel by a factor `η`, at most `ACCURACY_BOUND · η`
    /// (the accuracy to which the data determine `g`); a solve whose estimate exceeds that
    /// returns [`FisherError::Inaccurate`] instead. Callers that need more check this field.
    pub accuracy: f64,
}

/// Computes a natural gradient of the mean logistic loss for a diagonal network.
///
/// `x_signed` is `X̃` (`N × D`), `margins` is `u = X̃ β` (length N), `cofactors` is `L × D`.
/// Allocates its scratch memory; repeated callers (optimizers) use
/// [`diag_natural_gradient_with`] and keep a [`DiagWorkspace`].
///
/// Defaults ([`DiagOptions::default`]): route `Auto` — `Kernel` if `N ≤ D`, `Weighted` if
/// `N > D`, falling back to `MinNorm` when that route finds the problem singular; cut-off
/// [`Cutoff::numpy_default`] (`rcond = max(rows, cols) · ε`) applied to the matrix each route
/// factors (the Cholesky pivots of `K`, the singular values of the SVD routes; the weighted
/// route's QR pivots carry the Fisher weights and only count with its accuracy estimate). The
/// rank of `F(w)` is that of the weight-free `X̃ J` (every weight `d_n > 0`); a cut-off that
/// drops directions `X̃ J` has is an inaccurate result, not a smaller rank (see below).
///
/// At the edges: every route checks its own accuracy (`docs/math.md`, "Accuracy checks") and
/// reports the estimate in [`DiagNaturalGradient::accuracy`]; when it exceeds
/// [`ACCURACY_BOUND`] (times the gradient's cancellation factor `η ≥ 1` near a stationary
/// point) the call fails with [`FisherError::Inaccurate`] (naming the route, the estimate and
/// the bound) rather than return a wrong direction. Margins below about −709 make
/// the target `t = −(1 + e^{−u})` overflow ([`FisherError::NonFinite`]); margins spread by more
/// than about 1400 make the rescaled weights underflow, which the checks then report.
///
/// # Errors
///
/// [`FisherError::Shape`] on inconsistent shapes, [`FisherError::NonFinite`] on non-finite
/// inputs or results, [`FisherError::Singular`] for a forced route whose preconditions fail
/// (or `MinNorm` failing after `Auto`'s fall-back), [`FisherError::Inaccurate`] when the
/// accuracy estimate exceeds [`ACCURACY_BOUND`], [`FisherError::Lapack`] on a LAPACK failure.
pub fn diag_natural_gradient(
    x_signed: ArrayView2<'_, f64>,
    margins: ArrayView1<'_, f64>,
    cofactors: ArrayView2<'_, f64>,
    options: &DiagOptions,
) -> Result<DiagNaturalGradient, FisherError> {
    diag_natural_gradient_with(
        x_signed,
        margins,
        cofactors,
        options,
        &mut DiagWorkspace::new(),
    )
}

/// [`diag_natural_gradient`] with caller-owned scratch buffers, reused across calls (the same
/// results, bit for bit; no `N × D` or `N × N` allocation once the workspace has its size).
/// Same defaults, accuracy checks and edges as [`diag_natural_gradient`]; the kernel route's
/// check costs one more pass over `X̃` (`ND` multiply-adds).
///
/// # Errors
///
/// As [`diag_natural_gradient`].
pub fn diag_natural_gradient_with(
    x_signed: ArrayView2<'_, f64>,
    margins: ArrayView1<'_, f64>,
    cofactors: ArrayView2<'_, f64>,
    options: &DiagOptions,
    workspace: &mut DiagWorkspace,
) -> Result<DiagNaturalGradient, FisherError> {
    validate_inputs(x_signed, margins, cofactors)?;
    let cutoff = options.cutoff;
    let (n, d) = x_signed.dim();
    let mut run = |route: Route| -> Result<Solved, FisherError> {
        match route {
            Route::Kernel => routes::kernel(x_signed, margins, cofactors, cutoff, workspace),
            Route::Weighted => weighted::weighted(x_signed, margins, cofactors, cutoff),
            Route::MinNorm => routes::min_norm(x_signed, margins, cofactors, cutoff),
            Route::PaperLayerwise => paper::layerwise(x_signed, margins, cofactors, cutoff),
            Route::DenseBeta => paper::dense_beta(x_signed, margins, cofactors, cutoff),
            Route::Population => Err(FisherError::Invalid {
                what: "route",
                value: "Population".into(),
                allowed: "use population_natural_gradient, which takes the population inputs",
            }),
        }
    };
    let (solved, route, fallback_from) = match options.route {
        RouteChoice::Force(route) => (run(route)?, route, None),
        RouteChoice::Auto => {
            let first = if n <= d {
                Route::Kernel
            } else {
                Route::Weighted
            };
            match run(first) {
                Ok(solved) => (solved, first, None),
                Err(FisherError::Singular { .. }) => {
                    (run(Route::MinNorm)?, Route::MinNorm, Some(first))
                }
                Err(e) => return Err(e),
            }
        }
    };
    if solved.direction.iter().any(|x| !x.is_finite()) {
        return Err(FisherError::NonFinite {
            what: "natural-gradient direction",
        });
    }
    within_bound(route, solved.accuracy, x_signed, margins)?;
    Ok(DiagNaturalGradient {
        direction: solved.direction,
        route,
        rank: solved.rank,
        fallback_from,
        condition: solved.condition,
        accuracy: solved.accuracy,
    })
}

/// Checks shapes (`X̃` N × D, `u` length N, cofactors L × D, all non-empty) and finiteness.
pub(crate) fn validate_inputs(
    x_signed: ArrayView2<'_, f64>,
    margins: ArrayView1<'_, f64>,
    cofactors: ArrayView2<'_, f64>,
) -> Result<(), FisherError> {
    let (n, d) = x_signed.dim();
    if n == 0 || d == 0 {
        return Err(FisherError::Shape {
            what: "signed data X̃",
            expected: "N × D with N, D ≥ 1".into(),
            found: format!("{n} × {d}"),
        });
    }
    if margins.len() != n {
        return Err(FisherError::Shape {
            what: "margins u",
            expected: format!("length N = {n}"),
            found: format!("length {}", margins.len()),
        });
    }
    if cofactors.ncols() != d || cofactors.nrows() == 0 {
        return Err(FisherError::Shape {
            what: "cofactors",
            expected: format!("L × {d} with L ≥ 1"),
            found: format!("{} × {}", cofactors.nrows(), cofactors.ncols()),
        });
    }
    for (what, finite) in [
        ("signed data X̃", array_all_finite(&x_signed)),
        ("margins u", array_all_finite(&margins)),
        ("cofactors", array_all_finite(&cofactors)),
    ] {
        if !finite {
            return Err(FisherError::NonFinite { what });
        }
    }
    Ok(())
}
