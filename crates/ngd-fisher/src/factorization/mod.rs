//! Natural gradients of deep matrix factorizations `β = W_1 ⋯ W_L` (`D × D` factors) under
//! the squared loss `½ Σ_Ω (β − M)²`.
//!
//! **Which Fisher.** Every route here except [`observed`] uses the paper's convention (its §4,
//! Lemma 2 and App. B.4): a unit-variance Gaussian model of *all* `D²` entries, so the Fisher in
//! β is the identity and `F(w) = JᵀJ`; the observed set enters only through `G = P_Ω(β − M)`.
//! [`observed`] uses the Fisher of the observed entries only, `F_Ω(w) = Jᵀ P_Ωᵀ P_Ω J` (sum
//! convention, so the two agree on the observed entries and coincide when all are observed).
//!
//! With `A_i = W_1 ⋯ W_{i−1}`, `B_i = W_{i+1} ⋯ W_L` and `G = ∇_β L`, a natural gradient is any
//! `(G_1, …, G_L)` with `Σ_i A_i G_i B_i = G`; optimizers step `W_i ← W_i − η G_i`.
//!
//! - [`layer_split`]: `G_i = (1/L) A_i⁺ G B_i⁺` (the paper's eq. 51 with the factor order
//!   corrected; the printed `(1/L) B_iᵀ⁺ G A_i⁺` does not solve eq. 50); [`LayerSplit`]
//!   computes it from the observed entries of a completion residual, LU inverses when safe;
//! - [`moore_penrose`]: the minimum-norm solution `G_i = A_iᵀ Y B_iᵀ`,
//!   `Σ_i A_i A_iᵀ Y B_iᵀ B_i = G` (direct for L = 1, Sylvester for L = 2, for L ≥ 3 CG in
//!   Craig's form preconditioned in the eigenbasis of the Sylvester pair of terms);
//! - [`dense_natural_gradient`]: the brute-force reference `pinv(JᵀJ) Jᵀ vec(G)`;
//! - [`observed`]: the natural gradient under the observed-entry Fisher `F_Ω = Jᵀ P_Ωᵀ P_Ω J`
//!   instead of the paper's `F(β) = I` (Moore–Penrose or damped, by the `m × m` kernel of the
//!   observed entries), with its dense twin.

mod cg;
mod dense;
mod layer_split;
mod moore_penrose;
pub mod observed;
mod preconditioner;

pub use dense::{
    dense_natural_gradient, dense_observed_natural_gradient, jacobian_dense, kron, unvec, vec,
};
pub use layer_split::{LayerSplit, layer_split};
pub use moore_penrose::{MpOptions, moore_penrose};
pub use observed::{ObservedNaturalGradient, ObservedOptions, observed_natural_gradient};

use crate::FisherError;
use ndarray::{Array2, ArrayView2};

/// How a factorization natural gradient was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactorMethod {
    /// The layer split `G_i = (1/L) A_i⁺ G B_i⁺` (corrected eq. 51).
    LayerSplit,
    /// Moore–Penrose for L = 1: `G_1 = G`.
    Direct,
    /// Moore–Penrose for L = 2 via the Sylvester equation and two symmetric eigendecompositions.
    Sylvester,
    /// Moore–Penrose for L ≥ 3 via preconditioned conjugate gradients (Craig's form) on
    /// `Y ↦ Σ_i A_i A_iᵀ Y B_iᵀ B_i`.
    ConjugateGradient,
}

/// A factorization natural gradient and how it was computed.
#[derive(Debug, Clone, PartialEq)]
pub struct FactorNaturalGradient {
    /// The directions `G_1, …, G_L` (each `D × D`); step `W_i ← W_i − η G_i`.
    pub directions: Vec<Array2<f64>>,
    /// The method that produced them.
    pub method: FactorMethod,
    /// Layer split only: `[rank A_i, rank B_i]` per layer under the cut-off; empty otherwise.
    pub factor_ranks: Vec<[usize; 2]>,
    /// Direct and Sylvester: the effective rank of the `D² × D²` operator `J Jᵀ`
    /// (the number of kept `λ_i + μ_j`); `None` otherwise.
    pub operator_rank: Option<usize>,
    /// Conjugate gradients only: the (preconditioned) iterations performed; 0 otherwise.
    pub iterations: usize,
}

/// Checks that the factors are non-empty, square, equal-sized and finite, and that `G` matches.
pub(crate) fn validate_inputs(
    factors: &[Array2<f64>],
    grad: ArrayView2<'_, f64>,
) -> Result<usize, FisherError> {
    let Some(first) = factors.first() else {
        return Err(FisherError::Invalid {
            what: "factorization depth L",
            value: "0".into(),
            allowed: "at least one factor",
        });
    };
    let d = first.nrows();
    for w in factors {
        if w.dim() != (d, d) || d == 0 {
            return Err(FisherError::Shape {
                what: "factor W_i",
                expected: format!("{d} × {d} (non-empty, square, all equal)"),
                found: format!("{} × {}", w.nrows(), w.ncols()),
            });
        }
        if w.iter().any(|x| !x.is_finite()) {
            return Err(FisherError::NonFinite { what: "factor W_i" });
        }
    }
    if grad.dim() != (d, d) {
        return Err(FisherError::Shape {
            what: "gradient G = ∇_β L",
            expected: format!("{d} × {d}"),
            found: format!("{} × {}", grad.nrows(), grad.ncols()),
        });
    }
    if grad.iter().any(|x| !x.is_finite()) {
        return Err(FisherError::NonFinite {
            what: "gradient G = ∇_β L",
        });
    }
    Ok(d)
}

/// Which natural gradient of a factorization to compute.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NaturalDirection {
    /// The layer split `G_i = (1/L) A_i⁺ G B_i⁺` with this cut-off.
    LayerSplit(crate::linalg::Cutoff),
    /// The Moore–Penrose direction with these options.
    MoorePenrose(MpOptions),
}

/// Computes the natural gradient selected by `which`.
///
/// # Errors
///
/// As [`layer_split`] or [`moore_penrose`], whichever `which` selects.
pub fn natural_direction(
    factors: &[Array2<f64>],
    grad: ArrayView2<'_, f64>,
    which: &NaturalDirection,
) -> Result<FactorNaturalGradient, FisherError> {
    match which {
        NaturalDirection::LayerSplit(cutoff) => layer_split(factors, grad, *cutoff),
        NaturalDirection::MoorePenrose(options) => moore_penrose(factors, grad, options),
    }
}
#[cfg(test)]
mod small_init_tests;
