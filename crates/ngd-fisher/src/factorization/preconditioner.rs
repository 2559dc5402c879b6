//! A Kronecker-eigenbasis preconditioner for `T(Y) = Σ_i P_i Y Q_i` (`P_i = A_i A_iᵀ`,
//! `Q_i = B_iᵀ B_i`, `P_1 = Q_L = I`).
//!
//! The outer terms form the Sylvester operator `S(Y) = P_L Y + Y Q_1` (`A_L = W_1 ⋯ W_{L−1}`,
//! `B_1 = W_2 ⋯ W_L`). With `P_L = U diag(λ) Uᵀ` and `Q_1 = V diag(μ) Vᵀ`, every `u_a v_bᵀ` is
//! an eigenvector of `S` (eigenvalue `λ_a + μ_b`). The preconditioner is the diagonal of the
//! whole operator `T` in that basis,
//!
//! `d_ab = ⟨u_a v_bᵀ, T(u_a v_bᵀ)⟩ = λ_a + μ_b + Σ_{i=2}^{L−1} (u_aᵀ P_i u_a)(v_bᵀ Q_i v_b)`,
//!
//! applied as `M⁻¹(R) = U [(Uᵀ R V) ⊘ d] Vᵀ`. It is exact for `L = 2` (the Sylvester solve)
//! and, unlike `S` alone, keeps the middle terms where the outer products are tiny — the
//! small-initialization regime, where `λ_a + μ_b` spans many more decades than `T`.
//! Entries of `d` below the cut-off threshold `rcond · max d` ([`Cutoff`], for a `D² × D²`
//! operator) are raised to it, so `M` stays symmetric positive definite.
//!
//! Cost: two symmetric eigendecompositions (`≈ 2 · 9 D³` flops) and `2(L − 2)` basis changes of
//! the middle terms' diagonals (`≈ 4(L − 2) D³`) once per solve; `4 D³` per application.

use super::cg::FactorJacobian;
use crate::FisherError;
use crate::linalg::Cutoff;
use ndarray::{Array1, Array2, Axis};
use ndarray_linalg::{Eigh, UPLO};

/// `M⁻¹(R) = U [(Uᵀ R V) ⊘ d] Vᵀ`, see the module docs.
#[derive(Debug, Clone)]
pub(crate) struct KroneckerPreconditioner {
    left_basis: Array2<f64>,
    right_basis: Array2<f64>,
    inverse_diagonal: Array2<f64>,
}

/// The squared Euclidean norm of every column.
fn column_squared_norms(m: &Array2<f64>) -> Array1<f64> {
    m.mapv(|x| x * x).sum_axis(Axis(0))
}

impl KroneckerPreconditioner {
    /// Builds the preconditioner of `T = J Jᵀ` for the factorization with Jacobian `jacobian`
    /// (`L ≥ 2`), the floor from `cutoff`.
    ///
    /// # Errors
    ///
    /// [`FisherError::Lapack`] if an eigendecomposition fails.
    pub(crate) fn new(jacobian: FactorJacobian<'_>, cutoff: Cutoff) -> Result<Self, FisherError> {
        let (prefixes, suffixes) = (jacobian.prefixes, jacobian.suffixes);
        let layers = prefixes.len();
        let d = prefixes[0].nrows();
        let outer_left = &prefixes[layers - 1];
        let outer_right = &suffixes[0];
        let (lambda, left_basis) = outer_left
            .dot(&outer_left.t())
            .eigh(UPLO::Lower)
            .map_err(|e| FisherError::lapack("eigh of A_L A_Lᵀ", e))?;
        let (mu, right_basis) = outer_right
            .t()
            .dot(outer_right)
            .eigh(UPLO::Lower)
            .map_err(|e| FisherError::lapack("eigh of B_1ᵀ B_1", e))?;
        // Eigenvalues of a PSD matrix may come out as −ε: clamp them at zero.
        let mut diagonal =
            Array2::from_shape_fn((d, d), |(a, b)| lambda[a].max(0.0) + mu[b].max(0.0));
        for (a, b) in prefixes[1..layers - 1].iter().zip(&suffixes[1..layers - 1]) {
            // u_aᵀ A_i A_iᵀ u_a = ‖A_iᵀ u_a‖², v_bᵀ B_iᵀ B_i v_b = ‖B_i v_b‖².
            let left_diag = column_squared_norms(&a.t().dot(&left_basis));
            let right_diag = column_squared_norms(&b.dot(&right_basis));
            for ((i, j), entry) in diagonal.indexed_iter_mut() {
                *entry += left_diag[i] * right_diag[j];
            }
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
            inverse_diagonal,
        })
    }

    /// `M⁻¹(R)`.
    pub(crate) fn apply(&self, residual: &Array2<f64>) -> Array2<f64> {
        let core =
            self.left_basis.t().dot(residual).dot(&self.right_basis) * &self.inverse_diagonal;
        self.left_basis.dot(&core).dot(&self.right_basis.t())
    }
}
