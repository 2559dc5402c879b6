//! The Kronecker-eigenbasis preconditioner for `T = J Jᵀ : Y ↦ Σ_i A_i A_iᵀ Y B_iᵀ B_i`, applied
//! by solving the whole problem in that basis.
//!
//! The outer terms form the Sylvester operator `S(Y) = A_L A_Lᵀ Y + Y B_1ᵀ B_1`
//! (`A_L = W_1 ⋯ W_{L−1}`, `B_1 = W_2 ⋯ W_L`). With `A_L A_Lᵀ = U diag(λ) Uᵀ` and
//! `B_1ᵀ B_1 = V diag(μ) Vᵀ`, every `u_a v_bᵀ` is an eigenvector of `S` (eigenvalue
//! `λ_a + μ_b`). The preconditioner is the diagonal of the whole `T` in that basis,
//!
//! `d_ab = ⟨u_a v_bᵀ, T(u_a v_bᵀ)⟩ = Σ_i ‖A_iᵀ u_a‖² ‖B_i v_b‖²
//!       = λ_a + μ_b + Σ_{i=2}^{L−1} (u_aᵀ A_i A_iᵀ u_a)(v_bᵀ B_iᵀ B_i v_b)`,
//!
//! `M⁻¹(R) = U [(Uᵀ R V) ⊘ d] Vᵀ`: exact for `L = 2` (the Sylvester solve) and, unlike `S`
//! alone, it keeps the middle terms where the outer products are tiny — the small-initialization
//! regime. Entries of `d` below the cut-off threshold `rcond · max d` ([`Cutoff`] of a
//! `D² × D²` operator) are raised to it, so `M` stays symmetric positive definite (it only
//! steers CG; the answer's accuracy is checked on the true residual).
//!
//! **Rotation.** Rather than applying `M⁻¹` by four products per iteration, the problem is
//! rotated once: `G̃ = Uᵀ G V`, `Ã_i = Uᵀ A_i`, `B̃_i = B_i V` (`i ≥ 2`, resp. `i ≤ L − 1`),
//! unknowns `x̃_1 = Uᵀ x_1`, `x̃_L = x_L V`, `x̃_i = x_i` otherwise. Then `Uᵀ (J x) V = J̃ x̃`
//! with `J̃` of the same form (identities `Ã_1`, `B̃_L`), norms are unchanged (`U`, `V`
//! orthogonal), and `M⁻¹` is the entrywise `⊘ d`.
//!
//! Cost per solve: two symmetric eigendecompositions (`≈ 2 · 9 D³` flops) and `2L + 2` products
//! (`A_L A_Lᵀ`, `B_1ᵀ B_1`, the rotations, `G̃`) plus two to rotate `x̃_1`, `x̃_L` back.

use super::cg::FactorJacobian;
use crate::FisherError;
use crate::linalg::Cutoff;
use ndarray::{Array1, Array2, ArrayView2, Axis};
use ndarray_linalg::{Eigh, UPLO};

/// The factorization's Jacobian in the eigenbasis of its Sylvester pair, with the
/// preconditioner `1 ⊘ d` (see the module docs).
#[derive(Debug, Clone)]
pub(crate) struct RotatedJacobian {
    left_basis: Array2<f64>,
    right_basis: Array2<f64>,
    prefixes: Vec<Array2<f64>>,
    suffixes: Vec<Array2<f64>>,
    inverse_diagonal: Array2<f64>,
}

/// `Σ_j m_ij²` for every row `i` (`axis = 1`) or column (`axis = 0`).
fn squared_norms(m: &Array2<f64>, axis: usize) -> Array1<f64> {
    m.mapv(|x| x * x).sum_axis(Axis(axis))
}

/// A symmetric eigendecomposition: eigenvalues (ascending) and orthonormal eigenvectors.
pub(crate) type Eigen = (Array1<f64>, Array2<f64>);

/// The eigendecompositions `A Aᵀ = U diag(λ) Uᵀ` and `Bᵀ B = V diag(μ) Vᵀ` of the Sylvester
/// operator `Y ↦ A Aᵀ Y + Y Bᵀ B` (`A = A_L`, `B = B_1`; `W_1`, `W_2` for L = 2), as
/// `[(λ, U), (μ, V)]`.
///
/// # Errors
///
/// [`FisherError::Lapack`] if an eigendecomposition fails.
pub(crate) fn sylvester_eigenbases(
    left: &Array2<f64>,
    right: &Array2<f64>,
) -> Result<[Eigen; 2], FisherError> {
    let left = left
        .dot(&left.t())
        .eigh(UPLO::Lower)
        .map_err(|e| FisherError::lapack("eigh of A_L A_Lᵀ", e))?;
    let right = right
        .t()
        .dot(right)
        .eigh(UPLO::Lower)
        .map_err(|e| FisherError::lapack("eigh of B_1ᵀ B_1", e))?;
    Ok([left, right])
}

impl RotatedJacobian {
    /// Rotates the Jacobian with partial products `jacobian` (`L ≥ 2`) and builds the
    /// preconditioner, its floor from `cutoff`.
    ///
    /// # Errors
    ///
    /// [`FisherError::Lapack`] if an eigendecomposition fails.
    pub(crate) fn new(jacobian: FactorJacobian<'_>, cutoff: Cutoff) -> Result<Self, FisherError> {
        let layers = jacobian.prefixes.len();
        let d = jacobian.prefixes[0].nrows();
        let [(_, left_basis), (_, right_basis)] =
            sylvester_eigenbases(&jacobian.prefixes[layers - 1], &jacobian.suffixes[0])?;
        let mut prefixes = Vec::with_capacity(layers);
        let mut suffixes = Vec::with_capacity(layers);
        let mut diagonal = Array2::<f64>::zeros((d, d));
        for i in 0..layers {
            // Ã_1 = B̃_L = I: rows of Uᵀ and columns of V have unit norm.
            let a = (i > 0).then(|| left_basis.t().dot(&jacobian.prefixes[i]));
            let b = (i + 1 < layers).then(|| jacobian.suffixes[i].dot(&right_basis));
            let left = a
                .as_ref()
                .map_or_else(|| Array1::ones(d), |a| squared_norms(a, 1));
            let right = b
                .as_ref()
                .map_or_else(|| Array1::ones(d), |b| squared_norms(b, 0));
            for ((row, col), entry) in diagonal.indexed_iter_mut() {
                *entry += left[row] * right[col];
            }
            prefixes.push(a.unwrap_or_else(|| Array2::eye(d)));
            suffixes.push(b.unwrap_or_else(|| Array2::eye(d)));
        }
        let max = diagonal.iter().copied().fold(0.0_f64, f64::max);
        let floor = if max > 0.0 {
            cutoff.threshold(d * d, d * d, max)
        } else {
            1.0
        };
        let inverse_diagonal = diagonal.mapv(|x| 1.0 / x.max(floor).max(f64::MIN_POSITIVE));
        Ok(Self {
            left_basis,
            right_basis,
            prefixes,
            suffixes,
            inverse_diagonal,
        })
    }

    /// `J̃`, the Jacobian in the rotated coordinates.
    pub(crate) fn jacobian(&self) -> FactorJacobian<'_> {
        FactorJacobian {
            prefixes: &self.prefixes,
            suffixes: &self.suffixes,
        }
    }

    /// The preconditioner `M⁻¹ = 1 ⊘ d`, entrywise in the rotated coordinates.
    pub(crate) fn inverse_diagonal(&self) -> &Array2<f64> {
        &self.inverse_diagonal
    }

    /// `G̃ = Uᵀ G V`.
    pub(crate) fn rotate_gradient(&self, grad: ArrayView2<'_, f64>) -> Array2<f64> {
        self.left_basis.t().dot(&grad).dot(&self.right_basis)
    }

    /// The directions from the rotated ones: `x_1 = U x̃_1`, `x_L = x̃_L Vᵀ`, the rest as is.
    pub(crate) fn unrotate(&self, mut rotated: Vec<Array2<f64>>) -> Vec<Array2<f64>> {
        let last = rotated.len() - 1;
        rotated[0] = self.left_basis.dot(&rotated[0]);
        rotated[last] = rotated[last].dot(&self.right_basis.t());
        rotated
    }
}
