//! The Moore–Penrose natural gradient of a deep matrix factorization.
//!
//! With `J = [J_1 … J_L]`, `J_i = B_iᵀ ⊗ A_i`, the minimum-norm solution of `J g = vec G` is
//! `g = Jᵀ (J Jᵀ)⁺ vec G`. Blockwise, `J_iᵀ vec Y = vec(A_iᵀ Y B_iᵀ)` and
//! `J Jᵀ vec Y = vec(Σ_i A_i A_iᵀ Y B_iᵀ B_i)`, so `G_i = A_iᵀ Y B_iᵀ` where `Y` solves the SPD
//! (semi-definite in general) operator equation `Σ_i A_i A_iᵀ Y B_iᵀ B_i = G`.
//!
//! - L = 1: `J = I`, `G_1 = G`.
//! - L = 2: `W_1 W_1ᵀ Y + Y W_2ᵀ W_2 = G` (Sylvester). With `W_1 W_1ᵀ = U_1 diag(λ) U_1ᵀ` and
//!   `W_2ᵀ W_2 = U_2 diag(μ) U_2ᵀ`, the operator's eigenvalues are `λ_i + μ_j` and
//!   `Y = U_1 [(U_1ᵀ G U_2) ⊘ (λ_i + μ_j)] U_2ᵀ`, the entries with `λ_i + μ_j` below the
//!   cut-off (relative to the largest, `rcond` of a `D² × D²` matrix) set to zero — the
//!   pseudo-inverse of the operator. Cost `O(D³)`.
//! - L ≥ 3: conjugate gradients (see `cg.rs`), `O(L D³)` per iteration.

use super::cg::{CgOptions, solve_operator};
use super::{FactorMethod, FactorNaturalGradient, validate_inputs};
use crate::FisherError;
use crate::linalg::Cutoff;
use ndarray::{Array2, ArrayView2};
use ndarray_linalg::{Eigh, UPLO};
use ngd_models::factorization::{prefix_products, suffix_products};

/// Options of [`moore_penrose`].
///
/// Defaults (`MpOptions::default()`): `cutoff` [`Cutoff::numpy_default`], `cg_tolerance`
/// `1e-10`, `cg_max_iterations` `None` (`D² + 100`). `L = 1` uses none of them (`G_1 = G`).
/// An operator eigenvalue (L = 2) below the cut-off counts as zero, so a rank-deficient operator
/// gives its pseudo-inverse solution rather than an error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MpOptions {
    /// The cut-off on the operator eigenvalues `λ_i + μ_j` (L = 2).
    pub cutoff: Cutoff,
    /// CG (L ≥ 3) stops when `‖G − T(Y)‖_F ≤ cg_tolerance · ‖G‖_F`, `T` the operator,
    /// checked on the recomputed (true) residual. Default `1e-10`; the attainable
    /// true residual is about `ε · cond(T)`, so much smaller values can fail to converge.
    pub cg_tolerance: f64,
    /// CG iteration budget; `None` means `D² + 100` (exact arithmetic converges within `D²`
    /// steps). Running out is a [`FisherError::NotConverged`] error.
    pub cg_max_iterations: Option<usize>,
}

impl Default for MpOptions {
    fn default() -> Self {
        Self {
            cutoff: Cutoff::default(),
            cg_tolerance: 1e-10,
            cg_max_iterations: None,
        }
    }
}

/// The Moore–Penrose natural gradient `G_i = A_iᵀ Y B_iᵀ`, `Σ_i A_i A_iᵀ Y B_iᵀ B_i = G`.
pub fn moore_penrose(
    factors: &[Array2<f64>],
    grad: ArrayView2<'_, f64>,
    options: &MpOptions,
) -> Result<FactorNaturalGradient, FisherError> {
    let d = validate_inputs(factors, grad)?;
    if !(options.cg_tolerance.is_finite() && options.cg_tolerance > 0.0) {
        return Err(FisherError::Invalid {
            what: "cg_tolerance",
            value: format!("{}", options.cg_tolerance),
            allowed: "finite and > 0",
        });
    }
    let prefixes = prefix_products(factors);
    let suffixes = suffix_products(factors);
    let (y, method, operator_rank, iterations) = match factors.len() {
        1 => (grad.to_owned(), FactorMethod::Direct, Some(d * d), 0),
        2 => {
            let (y, rank) = sylvester(&factors[0], &factors[1], grad, options.cutoff)?;
            (y, FactorMethod::Sylvester, Some(rank), 0)
        }
        _ => {
            let left: Vec<Array2<f64>> = prefixes.iter().map(|a| a.dot(&a.t())).collect();
            let right: Vec<Array2<f64>> = suffixes.iter().map(|b| b.t().dot(b)).collect();
            let cg = CgOptions {
                tolerance: options.cg_tolerance,
                max_iterations: options.cg_max_iterations.unwrap_or(d * d + 100),
            };
            let (y, iterations) = solve_operator(&left, &right, grad, &cg)?;
            (y, FactorMethod::ConjugateGradient, None, iterations)
        }
    };
    let directions: Vec<Array2<f64>> = prefixes
        .iter()
        .zip(&suffixes)
        .map(|(a, b)| a.t().dot(&y).dot(&b.t()))
        .collect();
    if directions.iter().flatten().any(|x| !x.is_finite()) {
        return Err(FisherError::NonFinite {
            what: "Moore–Penrose factorization direction",
        });
    }
    Ok(FactorNaturalGradient {
        directions,
        method,
        factor_ranks: Vec::new(),
        operator_rank,
        iterations,
    })
}

/// Solves `W_1 W_1ᵀ Y + Y W_2ᵀ W_2 = G` in the pseudo-inverse sense; returns `(Y, rank)`.
fn sylvester(
    w1: &Array2<f64>,
    w2: &Array2<f64>,
    grad: ArrayView2<'_, f64>,
    cutoff: Cutoff,
) -> Result<(Array2<f64>, usize), FisherError> {
    let d = w1.nrows();
    let (lambda, u1) = w1
        .dot(&w1.t())
        .eigh(UPLO::Lower)
        .map_err(|e| FisherError::lapack("eigh of W_1 W_1ᵀ", e))?;
    let (mu, u2) = w2
        .t()
        .dot(w2)
        .eigh(UPLO::Lower)
        .map_err(|e| FisherError::lapack("eigh of W_2ᵀ W_2", e))?;
    let max = lambda.iter().copied().fold(f64::NEG_INFINITY, f64::max)
        + mu.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut core = u1.t().dot(&grad).dot(&u2);
    let mut rank = 0;
    for ((i, j), c) in core.indexed_iter_mut() {
        let eig = lambda[i] + mu[j];
        if cutoff.keeps(eig, d * d, d * d, max) {
            *c /= eig;
            rank += 1;
        } else {
            *c = 0.0;
        }
    }
    Ok((u1.dot(&core).dot(&u2.t()), rank))
}
