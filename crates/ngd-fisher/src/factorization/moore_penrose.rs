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
//! - L ≥ 3 (no closed form for three or more Kronecker terms): conjugate gradients in Craig's
//!   form (`cg.rs`: the iterates are the directions `x = Jᵀ y`, so the solution is the
//!   minimum-norm one and the attainable residual is `ε √κ`), preconditioned by the diagonal of
//!   `J Jᵀ` in the eigenbasis of its Sylvester pair `A_L A_Lᵀ ⊕ B_1ᵀ B_1`, the whole solve
//!   carried out in that basis (`preconditioner.rs`). Cost: two `eigh` and `2L + 4` products
//!   per solve, `4(L − 1)` products of `D × D` matrices per iteration.
//!
//! **Measured iterations** (fig5's tolerance `1e-8`, Arora's initialization `init_scale = 1e-3`,
//! rank-5 truth, 40 % observed, EGD = plain GD with `η = 0.002`; the ignored tests `measure_*`
//! of this module, run with `OPENBLAS_NUM_THREADS=1 cargo test --release -p ngd-fisher --lib
//! measure_ -- --ignored --nocapture --test-threads=1`). Plain CG stalls within fig5's budget of 2000 iterations from
//! `D = 30`, `L = 4` on (relative residual 0.033 at `D = 100`, `L = 3`; 1.7 at `L = 4`):
//!
//! | D | L | plain CG at init | preconditioned: init / after 10 / 30 / 60 NGD steps | after 100 / 300 / 1000 EGD steps |
//! |---|---|---|---|---|
//! | 20 | 3 | 641 | 34 / 14 / 5 / 4 | 34 / 31 / 26 |
//! | 20 | 4 | 1586 | 38 / 27 / 6 / 5 | 38 / 40 / 46 |
//! | 50 | 4 | stalls (1.1) | 207 / 88 / 6 / 5 | 171 / 121 / 105 |
//! | 100 | 3 | stalls (0.033) | 162 / 49 / 6 / 3 | 175 / 127 / 137 |
//! | 100 | 4 | stalls (1.7) | 167 / 84 / 8 / 5 | 155 / 167 / 460 |
//!
//! **Cut-off.** L = 2 truncates `λ_i + μ_j` below the cut-off (the operator's pseudo-inverse).
//! The L ≥ 3 route does not truncate: it returns `J⁺ G` to the residual tolerance, which equals
//! the truncated pseudo-inverse (the dense reference) when the singular values of `J` are exact
//! zeros (rank-deficient factors, `G ∈ range J`) or above the cut-off, i.e. `κ(J Jᵀ)` on its
//! range below `1/rcond`; the [`Cutoff`] only floors the preconditioner. A `G` outside
//! `range J` has no solution: [`FisherError::NotConverged`] with the residual.

use super::cg::{CgOptions, FactorJacobian, min_norm_solve};
use super::preconditioner::{RotatedJacobian, sylvester_eigenbases};
use super::{FactorMethod, FactorNaturalGradient, validate_inputs};
use crate::FisherError;
use crate::linalg::Cutoff;
use ndarray::{Array2, ArrayView2};
use ngd_models::factorization::{prefix_products, suffix_products};

/// Options of [`moore_penrose`].
///
/// Defaults (`MpOptions::default()`): `cutoff` [`Cutoff::numpy_default`], `cg_tolerance`
/// `1e-10`, `cg_max_iterations` `None` (`D² + 100`). `L = 1` uses none of them (`G_1 = G`).
/// An operator eigenvalue (L = 2) below the cut-off counts as zero, so a rank-deficient operator
/// gives its pseudo-inverse solution rather than an error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MpOptions {
    /// The cut-off on the operator eigenvalues `λ_i + μ_j` (L = 2); for L ≥ 3 the floor of
    /// the preconditioner (that route does not truncate, see the module docs).
    pub cutoff: Cutoff,
    /// CG (L ≥ 3) stops when `‖G − Σ_i A_i G_i B_i‖_F ≤ cg_tolerance · ‖G‖_F`, checked on the
    /// recomputed (true) residual. Default `1e-10`; the attainable true residual is about
    /// `ε · √κ(J Jᵀ)`, so much smaller values can fail to converge.
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
///
/// # Errors
///
/// Bad shapes or non-finite inputs ([`FisherError::Shape`], [`FisherError::NonFinite`]), an
/// invalid `cg_tolerance` ([`FisherError::Invalid`]), a failing eigendecomposition, and for
/// L ≥ 3 [`FisherError::NotConverged`] (with the relative residual) when the tolerance is not
/// met within the budget or CG stagnates.
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
    let jacobian = FactorJacobian {
        prefixes: &prefixes,
        suffixes: &suffixes,
    };
    let (directions, method, operator_rank, iterations) = match factors.len() {
        1 => (vec![grad.to_owned()], FactorMethod::Direct, Some(d * d), 0),
        2 => {
            let (y, rank) = sylvester(&factors[0], &factors[1], grad, options.cutoff)?;
            let directions = jacobian.apply_transpose(&y);
            (directions, FactorMethod::Sylvester, Some(rank), 0)
        }
        _ => {
            let cg = CgOptions {
                tolerance: options.cg_tolerance,
                max_iterations: options.cg_max_iterations.unwrap_or(d * d + 100),
            };
            let rotated = RotatedJacobian::new(jacobian, options.cutoff)?;
            let (directions, iterations) = min_norm_solve(
                rotated.jacobian(),
                rotated.rotate_gradient(grad).view(),
                &cg,
                Some(rotated.inverse_diagonal()),
            )?;
            let directions = rotated.unrotate(directions);
            (
                directions,
                FactorMethod::ConjugateGradient,
                None,
                iterations,
            )
        }
    };
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
    let [(lambda, u1), (mu, u2)] = sylvester_eigenbases(w1, w2)?;
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
