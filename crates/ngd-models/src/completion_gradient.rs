//! The squared completion loss `L = ½ Σ_Ω w (β − M)²` of a deep factorization
//! `β = W_1 ⋯ W_L` and its Euclidean gradient `∇_{W_i} L = A_iᵀ G B_iᵀ`, `G = P_Ω(β − M)`,
//! from the observed entries only, in reusable buffers.
//!
//! The loss needs `β` only on `Ω`: `β_rc = A_L[r, :] · W_L[:, c]`, `m·D` multiply-adds for `m`
//! observed entries instead of the `D³` of the last product. `G` has `m` non-zeros, so (0-based
//! layer `i`, see [`crate::partial_products`]):
//!
//! - `i = L − 1` (`L ≥ 2`): `∇ = A(L−1)ᵀ G`, computed as `Gᵀ A(L−1)` (`m·D`) and kept transposed;
//! - `i < L − 1`: `H = G B(i)ᵀ` (`m·D`), then `∇ = A(i)ᵀ H` (one `D³` product, none for `i = 0`);
//! - `L = 1`: `∇ = G`.
//!
//! With the `2(L−2)` partial products, a step costs `3(L−2)` dense `D × D` products plus
//! `O(L m D)`, against `2(L−1) + 2L` products (`β`, the partial products and two per layer) for
//! the dense formulation: for `L = 3` three products instead of ten, for `L ≤ 2` none. The
//! values equal the dense ones up to round-off (different summation orders). Nothing is
//! allocated once the buffers have their shapes.

use crate::ModelError;
use crate::factorization::check_factor_shapes;
use crate::kernels::dot;
use crate::observed::ObservedEntries;
use crate::partial_products::PartialProducts;
use ndarray::linalg::general_mat_mul;
use ndarray::{Array2, ArrayView2, Zip};

/// Buffers and results of one evaluation of the completion loss and gradient (see the module
/// docs). Call [`CompletionGradient::evaluate`], then [`CompletionGradient::compute_gradients`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CompletionGradient {
    observed: ObservedEntries,
    products: PartialProducts,
    beta_observed: Vec<f64>,
    /// `∇_{W_i}`; for `L ≥ 2` the last one is stored transposed.
    gradients: Vec<Array2<f64>>,
    share: Array2<f64>,
}

impl CompletionGradient {
    /// Empty buffers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Loads the observed entries of `target` / `mask` (both `D × D`, mask non-zero on `Ω`,
    /// its values the weights), computes the partial products of `factors` and `β` on `Ω`, sets
    /// the residuals `g_k = w_k (β_k − M_k)` and returns `L = ½ Σ_k w_k (β_k − M_k)²`.
    ///
    /// # Errors
    ///
    /// Returns an error on empty or non-square factors, mismatched shapes, or a non-finite loss
    /// ([`ModelError::NonFinite`]).
    pub fn evaluate(
        &mut self,
        factors: &[Array2<f64>],
        target: ArrayView2<'_, f64>,
        mask: ArrayView2<'_, f64>,
    ) -> Result<f64, ModelError> {
        let d = check_factor_shapes(factors)?;
        if target.dim() != (d, d) {
            return Err(ModelError::Shape {
                what: "target `target`",
                expected: format!("{d} × {d} (the shape of β)"),
                found: format!("{} × {}", target.nrows(), target.ncols()),
            });
        }
        self.observed.load(target, mask)?;
        self.products.update(factors);
        self.beta_observed.resize(self.observed.len(), 0.0);
        let l = factors.len();
        if l == 1 {
            let w = &factors[0];
            for ((b, &r), &c) in self
                .beta_observed
                .iter_mut()
                .zip(self.observed.rows())
                .zip(self.observed.cols())
            {
                *b = w[[r, c]];
            }
        } else {
            let left = self.products.prefix(factors, l - 1).expect("L ≥ 2");
            let right = self.products.suffix_t(l - 2).expect("L ≥ 2");
            self.observed
                .sample_product(left, right, &mut self.beta_observed)?;
        }
        self.observed.set_residuals(&self.beta_observed)
    }

    /// Computes every `∇_{W_i} L` at the factors of the last [`CompletionGradient::evaluate`]
    /// (the same `factors` must be passed).
    ///
    /// # Errors
    ///
    /// [`ModelError::Shape`] on empty or non-square factors, or factors of another size than
    /// those of the last [`CompletionGradient::evaluate`].
    pub fn compute_gradients(&mut self, factors: &[Array2<f64>]) -> Result<(), ModelError> {
        let l = factors.len();
        let d = check_factor_shapes(factors)?;
        if self.observed.shape() != (d, d) {
            return Err(ModelError::Shape {
                what: "factors passed to compute_gradients",
                expected: format!("{0} × {0} (as in evaluate)", self.observed.shape().0),
                found: format!("{d} × {d}"),
            });
        }
        self.gradients.resize_with(l, || Array2::zeros((d, d)));
        for g in self.gradients.iter_mut().filter(|g| g.dim() != (d, d)) {
            *g = Array2::zeros((d, d));
        }
        let g = self.observed.residuals();
        if l == 1 {
            return self
                .observed
                .residual_dense_into(self.gradients[0].view_mut());
        }
        for i in 0..l - 1 {
            let bt = self.products.suffix_t(i).expect("i < L − 1");
            match self.products.prefix(factors, i) {
                None => self.observed.times(g, bt, &mut self.gradients[i])?,
                Some(a) => {
                    self.observed.times(g, bt, &mut self.share)?;
                    general_mat_mul(1.0, &a.t(), &self.share, 0.0, &mut self.gradients[i]);
                }
            }
        }
        let a = self.products.prefix(factors, l - 1).expect("L ≥ 2");
        self.observed
            .transpose_times(g, a, &mut self.gradients[l - 1])
    }

    /// `∇_{W_i} L` (`D × D`, a transposed view for the last layer when `L ≥ 2`), as computed by
    /// the last [`CompletionGradient::compute_gradients`].
    pub fn gradient(&self, i: usize) -> ArrayView2<'_, f64> {
        if i + 1 == self.gradients.len() && i > 0 {
            self.gradients[i].t()
        } else {
            self.gradients[i].view()
        }
    }

    /// The number of layers of the last [`CompletionGradient::compute_gradients`].
    pub fn depth(&self) -> usize {
        self.gradients.len()
    }

    /// `‖∇_w L‖ = (Σ_i ‖∇_{W_i} L‖_F²)^{1/2}` of the last computed gradients.
    pub fn gradient_norm(&self) -> f64 {
        self.gradients
            .iter()
            .map(|g| match g.as_slice() {
                Some(x) => dot(x, x),
                None => g.iter().map(|x| x * x).sum::<f64>(),
            })
            .sum::<f64>()
            .sqrt()
    }

    /// `Σ_i ⟨∇_{W_i} L, V_i⟩` for per-layer directions `V_i` given as (oriented) views.
    pub fn inner_product<'a>(&self, directions: impl Fn(usize) -> ArrayView2<'a, f64>) -> f64 {
        (0..self.depth())
            .map(|i| {
                let mut s = 0.0;
                Zip::from(self.gradient(i))
                    .and(directions(i))
                    .for_each(|&a, &b| s += a * b);
                s
            })
            .sum()
    }

    /// The observed entries with the residuals `G` of the last evaluation.
    pub fn observed(&self) -> &ObservedEntries {
        &self.observed
    }

    /// The partial products of the last evaluation.
    pub fn products(&self) -> &PartialProducts {
        &self.products
    }
}
