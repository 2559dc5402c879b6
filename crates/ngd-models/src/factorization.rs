//! Deep matrix factorization `β = W_1 W_2 ⋯ W_L` (Arora et al. 2019; the paper's §2.2, §4 and
//! App. B.4).
//!
//! With the partial products `A_i = W_1 ⋯ W_{i−1}` and `B_i = W_{i+1} ⋯ W_L` (`A_1 = B_L = I`),
//! `β = A_i W_i B_i` for every `i`, the Jacobian block of layer `i` is `J_i = B_iᵀ ⊗ A_i`
//! (eq. 49, with column-major `vec`), and the gradient pull-back is `∇_{W_i} = A_iᵀ ∇_β B_iᵀ`.
//! Under the completion loss `½ Σ_Ω (β − M)²` ([`crate::squared_loss`]) the Fisher in `w` is
//! `JᵀJ` in the paper's convention (`F(β) = I` on all entries) and `Jᵀ P_Ωᵀ P_Ω J` for the
//! observed entries only; see that module.

use crate::ModelError;
use ndarray::{Array2, ArrayView2};

/// The size `D` of factors that are at least one, non-empty, square and all equal; an error
/// naming the first factor that is not.
pub(crate) fn check_factor_shapes(factors: &[Array2<f64>]) -> Result<usize, ModelError> {
    let Some(first) = factors.first() else {
        return Err(ModelError::Invalid {
            what: "factorization depth",
            value: "0".into(),
            allowed: "at least one factor",
        });
    };
    let d = first.nrows();
    if let Some(w) = factors.iter().find(|w| w.dim() != (d, d) || d == 0) {
        return Err(ModelError::Shape {
            what: "factorization factor",
            expected: format!("{d} × {d} (non-empty, square, all equal)"),
            found: format!("{} × {}", w.nrows(), w.ncols()),
        });
    }
    Ok(d)
}

/// A deep matrix factorization with `L` square `D × D` factors.
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixFactorization {
    factors: Vec<Array2<f64>>,
}

impl MatrixFactorization {
    /// Builds a factorization from its factors `W_1, …, W_L`, each `D × D`.
    ///
    /// # Errors
    ///
    /// Returns an error if there are no factors, a factor is not square, the sizes differ, or a
    /// value is not finite.
    pub fn new(factors: Vec<Array2<f64>>) -> Result<Self, ModelError> {
        check_factor_shapes(&factors)?;
        if factors.iter().flatten().any(|x| !x.is_finite()) {
            return Err(ModelError::NonFinite {
                what: "factorization factor",
            });
        }
        Ok(Self { factors })
    }

    /// The depth `L`.
    pub fn depth(&self) -> usize {
        self.factors.len()
    }

    /// The matrix size `D`.
    pub fn dim(&self) -> usize {
        self.factors[0].nrows()
    }

    /// The factors `W_1, …, W_L`.
    pub fn factors(&self) -> &[Array2<f64>] {
        &self.factors
    }

    /// Mutable factors (for optimizers updating in place).
    pub fn factors_mut(&mut self) -> &mut [Array2<f64>] {
        &mut self.factors
    }

    /// The end-to-end matrix `β = W_1 ⋯ W_L`.
    pub fn product(&self) -> Array2<f64> {
        product(&self.factors)
    }
}

/// The product `W_1 ⋯ W_L` of a non-empty chain of factors.
pub fn product(factors: &[Array2<f64>]) -> Array2<f64> {
    let mut acc = factors[0].clone();
    for w in &factors[1..] {
        acc = acc.dot(w);
    }
    acc
}

/// The prefix products `A_i = W_1 ⋯ W_{i−1}` for `i = 1, …, L` (`A_1 = I`).
pub fn prefix_products(factors: &[Array2<f64>]) -> Vec<Array2<f64>> {
    let d = factors[0].nrows();
    let mut out = Vec::with_capacity(factors.len());
    out.push(Array2::eye(d));
    for w in &factors[..factors.len() - 1] {
        let next = out.last().expect("non-empty").dot(w);
        out.push(next);
    }
    out
}

/// The suffix products `B_i = W_{i+1} ⋯ W_L` for `i = 1, …, L` (`B_L = I`).
pub fn suffix_products(factors: &[Array2<f64>]) -> Vec<Array2<f64>> {
    let l = factors.len();
    let d = factors[l - 1].ncols();
    let mut out = vec![Array2::eye(d); l];
    for i in (0..l - 1).rev() {
        out[i] = factors[i + 1].dot(&out[i + 1]);
    }
    out
}

/// The gradient pull-back `∇_{W_i} = A_iᵀ G B_iᵀ` of a gradient `G = ∇_β` for every layer.
pub fn pull_back(factors: &[Array2<f64>], grad_beta: ArrayView2<'_, f64>) -> Vec<Array2<f64>> {
    let a = prefix_products(factors);
    let b = suffix_products(factors);
    a.iter()
        .zip(&b)
        .map(|(a, b)| a.t().dot(&grad_beta).dot(&b.t()))
        .collect()
}
