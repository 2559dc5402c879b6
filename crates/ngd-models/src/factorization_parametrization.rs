//! The deep matrix factorization `β = vec(W_1 ⋯ W_L)` as a [`Parametrization`] over a flat
//! parameter vector (the generic twin of
//! [`MatrixFactorization`](crate::MatrixFactorization), whose fast routes stay as they are).
//!
//! Layout: `D × D` factors; `w ∈ ℝ^{L·D²}` is `[vec(W_1); …; vec(W_L)]` and `β = vec(W_1 ⋯ W_L)`,
//! every `vec` column-major. With the partial products `A_i = W_1 ⋯ W_{i−1}` and
//! `B_i = W_{i+1} ⋯ W_L`, the Jacobian block of layer `i` is `J_i = B_iᵀ ⊗ A_i` (the paper's
//! eq. 49), so `J v = vec(Σ_i A_i V_i B_i)` and the pull-back of `u = vec(G)` is
//! `(Jᵀu)_i = vec(A_iᵀ G B_iᵀ)` — the existing [`factorization::pull_back`].

use crate::ModelError;
use crate::factorization::{self, prefix_products, suffix_products};
use crate::model::{Parametrization, check_len, check_size};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, ShapeBuilder};
use std::ops::Range;

/// The shape (`L` factors, each `D × D`) of a deep matrix factorization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FactorizationParametrization {
    depth: usize,
    dim: usize,
}

impl FactorizationParametrization {
    /// A depth-`depth` factorization of `dim × dim` matrices.
    ///
    /// # Errors
    /// [`ModelError::Invalid`] when `depth = 0` or `dim = 0`.
    pub fn new(depth: usize, dim: usize) -> Result<Self, ModelError> {
        check_size("factorization depth L", depth)?;
        check_size("factorization dimension D", dim)?;
        Ok(Self { depth, dim })
    }

    /// The depth `L`.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// The matrix size `D`.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The factors `W_1, …, W_L` read from the flat parameters.
    ///
    /// # Errors
    /// [`ModelError::Shape`] when `w.len() ≠ L·D²`.
    pub fn factors(&self, w: ArrayView1<'_, f64>) -> Result<Vec<Array2<f64>>, ModelError> {
        check_len("parameters w", self.param_count(), w.len())?;
        Ok(w.exact_chunks(self.dim * self.dim)
            .into_iter()
            .map(|chunk| unvec(chunk, self.dim))
            .collect())
    }

    /// The flat parameters `[vec(W_1); …; vec(W_L)]` of `factors` (any count, each `D × D`).
    pub fn flatten(factors: &[Array2<f64>]) -> Array1<f64> {
        factors.iter().flat_map(|f| vec_of(f.view())).collect()
    }
}

/// The `d × d` matrix whose column-major `vec` is `v`.
fn unvec(v: ArrayView1<'_, f64>, d: usize) -> Array2<f64> {
    let data: Vec<f64> = v.iter().copied().collect();
    Array2::from_shape_vec((d, d).f(), data).expect("length d²")
}

/// The column-major `vec` of a matrix.
fn vec_of(m: ArrayView2<'_, f64>) -> impl Iterator<Item = f64> + '_ {
    m.reversed_axes().into_iter().copied()
}

impl Parametrization for FactorizationParametrization {
    fn param_count(&self) -> usize {
        self.depth * self.dim * self.dim
    }

    fn beta_dim(&self) -> usize {
        self.dim * self.dim
    }

    fn beta(&self, w: ArrayView1<'_, f64>) -> Result<Array1<f64>, ModelError> {
        let product = factorization::product(&self.factors(w)?);
        Ok(vec_of(product.view()).collect())
    }

    fn jvp(
        &self,
        w: ArrayView1<'_, f64>,
        v: ArrayView1<'_, f64>,
    ) -> Result<Array1<f64>, ModelError> {
        check_len("tangent v", self.param_count(), v.len())?;
        let factors = self.factors(w)?;
        let (a, b) = (prefix_products(&factors), suffix_products(&factors));
        let mut sum = Array2::<f64>::zeros((self.dim, self.dim));
        for ((a_i, b_i), v_i) in a.iter().zip(&b).zip(v.exact_chunks(self.dim * self.dim)) {
            sum += &a_i.dot(&unvec(v_i, self.dim)).dot(b_i);
        }
        Ok(vec_of(sum.view()).collect())
    }

    fn vjp(
        &self,
        w: ArrayView1<'_, f64>,
        u: ArrayView1<'_, f64>,
    ) -> Result<Array1<f64>, ModelError> {
        check_len("cotangent u", self.beta_dim(), u.len())?;
        let factors = self.factors(w)?;
        let grad_beta = unvec(u, self.dim);
        Ok(Self::flatten(&factorization::pull_back(
            &factors,
            grad_beta.view(),
        )))
    }

    /// The dense Jacobian `[B_1ᵀ ⊗ A_1, …, B_Lᵀ ⊗ A_L]` (`D² × L·D²`).
    fn jacobian(&self, w: ArrayView1<'_, f64>) -> Result<Array2<f64>, ModelError> {
        let factors = self.factors(w)?;
        let (a, b) = (prefix_products(&factors), suffix_products(&factors));
        let d = self.dim;
        let mut j = Array2::zeros((d * d, self.param_count()));
        for (layer, (a_i, b_i)) in a.iter().zip(&b).enumerate() {
            // Entry ((q,p),(s,r)) of B_iᵀ ⊗ A_i is B_i[s,q] · A_i[p,r], vec index p + d·q.
            for q in 0..d {
                for s in 0..d {
                    for p in 0..d {
                        for r in 0..d {
                            j[[p + d * q, layer * d * d + r + d * s]] = b_i[[s, q]] * a_i[[p, r]];
                        }
                    }
                }
            }
        }
        Ok(j)
    }

    fn layers(&self) -> Vec<Range<usize>> {
        let block = self.dim * self.dim;
        (0..self.depth)
            .map(|l| l * block..(l + 1) * block)
            .collect()
    }
}
