//! The L-layer diagonal linear network `β = w_1 ⊙ … ⊙ w_L` (Gunasekar et al. 2018; the
//! paper's §2.1 and App. B.2). Depth 1 is the plain linear model `β = w`.
//!
//! Weights are stored as an `L × D` matrix whose row `l` is `w_l`. The Jacobian of `β` with
//! respect to all weights is `J = [diag(c_1) … diag(c_L)]` (the paper's eq. 39) with the
//! *cofactors* `c_l = ∏_{k≠l} w_k` (`c_1 = 1` when `L = 1`), so the gradient pull-back is
//! `∇_{w_l} L = c_l ⊙ ∇_β L` and `J Jᵀ = diag(s)` with `s = Σ_l c_l ⊙ c_l`.

use crate::ModelError;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, ArrayViewMut1, ArrayViewMut2, Axis};

/// An L-layer diagonal network with `D` features.
#[derive(Debug, Clone, PartialEq)]
pub struct DiagonalNet {
    weights: Array2<f64>,
}

impl DiagonalNet {
    /// Builds a network from its `L × D` weights (row `l` is `w_l`).
    ///
    /// # Errors
    ///
    /// Returns an error if `L = 0`, `D = 0` or any weight is not finite.
    pub fn new(weights: Array2<f64>) -> Result<Self, ModelError> {
        let (l, d) = weights.dim();
        if l == 0 || d == 0 {
            return Err(ModelError::Shape {
                what: "diagonal-network weights",
                expected: "L × D with L ≥ 1 and D ≥ 1".into(),
                found: format!("{l} × {d}"),
            });
        }
        if weights.iter().any(|w| !w.is_finite()) {
            return Err(ModelError::NonFinite {
                what: "diagonal-network weights",
            });
        }
        Ok(Self { weights })
    }

    /// The depth-1 network (the plain linear model) with weights `w_1 = β`.
    ///
    /// # Errors
    ///
    /// Returns an error if `β` is empty or not finite.
    pub fn from_beta_depth1(beta: Array1<f64>) -> Result<Self, ModelError> {
        let d = beta.len();
        let weights = beta
            .into_shape_with_order((1, d))
            .map_err(|_| ModelError::Shape {
                what: "coefficients `beta`",
                expected: "a vector".into(),
                found: format!("length {d}"),
            })?;
        Self::new(weights)
    }

    /// The depth `L`.
    pub fn depth(&self) -> usize {
        self.weights.nrows()
    }

    /// The number of features `D`.
    pub fn dim(&self) -> usize {
        self.weights.ncols()
    }

    /// The weights, `L × D`.
    pub fn weights(&self) -> ArrayView2<'_, f64> {
        self.weights.view()
    }

    /// Mutable weights, `L × D` (for optimizers updating in place).
    pub fn weights_mut(&mut self) -> ArrayViewMut2<'_, f64> {
        self.weights.view_mut()
    }

    /// The end-to-end coefficients `β = w_1 ⊙ … ⊙ w_L`.
    pub fn beta(&self) -> Array1<f64> {
        let mut out = Array1::zeros(self.dim());
        self.beta_into(out.view_mut());
        out
    }

    /// Writes `β` into `out` (length `D`) without allocating.
    pub fn beta_into(&self, mut out: ArrayViewMut1<'_, f64>) {
        out.assign(&self.weights.row(0));
        for w in self.weights.axis_iter(Axis(0)).skip(1) {
            out.zip_mut_with(&w, |b, &x| *b *= x);
        }
    }

    /// The cofactors `c_l = ∏_{k≠l} w_k`, as an `L × D` matrix (row `l` is `c_l`).
    pub fn cofactors(&self) -> Array2<f64> {
        let mut out = Array2::zeros(self.weights.raw_dim());
        cofactors_into(self.weights.view(), out.view_mut());
        out
    }

    /// The gradient pull-back `∇_{w_l} = c_l ⊙ ∇_β` into `out` (`L × D`).
    pub fn pull_back(&self, grad_beta: ArrayView1<'_, f64>, mut out: ArrayViewMut2<'_, f64>) {
        cofactors_into(self.weights.view(), out.view_mut());
        for mut row in out.axis_iter_mut(Axis(0)) {
            row.zip_mut_with(&grad_beta, |c, &g| *c *= g);
        }
    }

    /// The dense Jacobian `J = ∂β/∂w = [diag(c_1) … diag(c_L)]`, `D × LD`, with the weights
    /// stacked layer after layer. For brute-force reference computations on small problems.
    pub fn jacobian_dense(&self) -> Array2<f64> {
        let (l, d) = self.weights.dim();
        let c = self.cofactors();
        let mut j = Array2::zeros((d, l * d));
        for layer in 0..l {
            for i in 0..d {
                j[[i, layer * d + i]] = c[[layer, i]];
            }
        }
        j
    }
}

/// Writes the cofactors `c_l = ∏_{k≠l} w_k` of `weights` (`L × D`) into `out` (`L × D`).
///
/// Computed with prefix and suffix products (no division), so zero weights are handled exactly.
pub fn cofactors_into(weights: ArrayView2<'_, f64>, mut out: ArrayViewMut2<'_, f64>) {
    let l = weights.nrows();
    // Prefix products: out[l] = w_1 ⊙ … ⊙ w_{l−1}.
    out.row_mut(0).fill(1.0);
    for layer in 1..l {
        let (done, mut rest) = out.view_mut().split_at(Axis(0), layer);
        let mut row = rest.row_mut(0);
        row.assign(&done.row(layer - 1));
        row.zip_mut_with(&weights.row(layer - 1), |c, &w| *c *= w);
    }
    // Multiply by suffix products w_{l+1} ⊙ … ⊙ w_L, accumulated from the end.
    let mut suffix = Array1::<f64>::ones(weights.ncols());
    for layer in (0..l).rev() {
        out.row_mut(layer).zip_mut_with(&suffix, |c, &s| *c *= s);
        suffix.zip_mut_with(&weights.row(layer), |s, &w| *s *= w);
    }
}
