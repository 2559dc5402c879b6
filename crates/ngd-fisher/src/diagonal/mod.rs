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
//! Routes ([`Route`]): `Kernel` (N ≤ D), `Weighted` (N ≥ D), `MinNorm` (always valid),
//! `PaperLayerwise` (App. B.2, a different valid natural gradient), `DenseBeta` (dense
//! comparison), and `Population` ([`population_natural_gradient`]). [`dense_natural_gradient`]
//! is the slow brute-force reference `pinv(F(w)) ∇_w`.
//!
//! Repeated callers pass a [`DiagWorkspace`] to [`diag_natural_gradient_with`]; the kernel
//! route then forms only the lower triangle of `K` with packed register tiles
//! (`crate::linalg::syrk`, `N²D/2` multiply-adds) and factors it in place (see `routes.rs`).

mod dense;
mod logistic;
mod paper;
mod population;
mod routes;
mod workspace;

pub use dense::{dense_natural_gradient, dense_population_natural_gradient};
pub use logistic::{jacobian_from_cofactors, logistic_gradient, sample_fisher};
pub use population::{population_fisher, population_natural_gradient};
pub use workspace::DiagWorkspace;

use crate::FisherError;
use crate::linalg::Cutoff;
use crate::linalg::finite::array_all_finite;
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

/// Which route [`diag_natural_gradient`] should run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RouteChoice {
    /// `Kernel` if `N ≤ D`, `Weighted` if `N > D`; `MinNorm` if that route detects rank
    /// deficiency (singular kernel, rank-deficient `X̃`, or some `s_i = 0` for `Weighted`).
    #[default]
    Auto,
    /// Run exactly this route; a rank-deficient problem is then an error, not a fallback.
    /// `Route::Population` is not accepted here (use [`population_natural_gradient`]).
    Force(Route),
}

/// Options of [`diag_natural_gradient`].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DiagOptions {
    /// The singular-value cut-off for every solve and rank test.
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
}

/// Computes a natural gradient of the mean logistic loss for a diagonal network.
///
/// `x_signed` is `X̃` (`N × D`), `margins` is `u = X̃ β` (length N), `cofactors` is `L × D`.
/// Errors on inconsistent shapes, non-finite inputs, a forced route whose preconditions fail,
/// or a non-finite result. Allocates its scratch memory; repeated callers (optimizers) use
/// [`diag_natural_gradient_with`] and keep a [`DiagWorkspace`].
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
    let mut run = |route: Route| -> Result<(Array2<f64>, usize), FisherError> {
        match route {
            Route::Kernel => routes::kernel(x_signed, margins, cofactors, cutoff, workspace),
            Route::Weighted => routes::weighted(x_signed, margins, cofactors, cutoff),
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
    let (direction, rank, route, fallback_from) = match options.route {
        RouteChoice::Force(route) => {
            let (g, r) = run(route)?;
            (g, r, route, None)
        }
        RouteChoice::Auto => {
            let first = if n <= d {
                Route::Kernel
            } else {
                Route::Weighted
            };
            match run(first) {
                Ok((g, r)) => (g, r, first, None),
                Err(FisherError::Singular { .. }) => {
                    let (g, r) = run(Route::MinNorm)?;
                    (g, r, Route::MinNorm, Some(first))
                }
                Err(e) => return Err(e),
            }
        }
    };
    if direction.iter().any(|x| !x.is_finite()) {
        return Err(FisherError::NonFinite {
            what: "natural-gradient direction",
        });
    }
    Ok(DiagNaturalGradient {
        direction,
        route,
        rank,
        fallback_from,
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
