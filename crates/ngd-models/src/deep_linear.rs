//! The full-matrix deep linear network for classification, `s(x) = W_L ⋯ W_1 x`, i.e. the
//! [`Parametrization`] `β = W_1ᵀ W_2ᵀ ⋯ W_Lᵀ ∈ ℝ^D` with configurable widths (the classic
//! "deep linear network"; its EGD converges in direction to the ℓ2 max-margin separator, Ji &
//! Telgarsky 2019).
//!
//! **Shapes.** Widths `h_0 = D, h_1, …, h_{L−1}, h_L = 1`; layer `l` is `W_l ∈ ℝ^{h_l × h_{l−1}}`
//! (`W_1` is `h_1 × D`, `W_L` is `1 × h_{L−1}`); `L = 1` is the linear model. The flat parameters
//! are the layers in order, each row-major: `P = Σ_l h_l h_{l−1}`.
//!
//! **Jacobian products** (`docs/math.md`, "Deep linear network"). With the *forward maps*
//! `A_{l−1} = W_{l−1} ⋯ W_1` (`h_{l−1} × D`, `A_0 = I`) and the *output-gradient vectors*
//! `b_l = (W_L ⋯ W_{l+1})ᵀ ∈ ℝ^{h_l}` (`b_L = 1`), `βᵀ = b_lᵀ W_l A_{l−1}` for every `l`, so
//!
//! - `J v = Σ_l A_{l−1}ᵀ V_lᵀ b_l`, evaluated by Horner's scheme
//!   `r_L = V_Lᵀ b_L`, `r_l = V_lᵀ b_l + W_lᵀ r_{l+1}`, `J v = r_1` (only matrix–vector products);
//! - `(Jᵀ u)_l = b_l (A_{l−1} u)ᵀ` (an outer product), with `A_{l−1} u` pushed forward;
//! - `β = b_0 = W_1ᵀ b_1`.
//!
//! **K-FAC pieces.** On a sample `x` the layer input is `a_{l−1}(x) = A_{l−1} x`
//! ([`DeepLinearNet::input_activations`]) and the gradient of the scalar output with respect to
//! the layer output `W_l a_{l−1}` is `b_l` ([`DeepLinearNet::output_gradients`]), the same for
//! every sample; so `∂s/∂W_l = b_l a_{l−1}(x)ᵀ`, whose row-major `vec` is `b_l ⊗ a_{l−1}(x)`, and
//! the per-layer Fisher block is exactly `(b_l b_lᵀ) ⊗ (Σ_n S_n a_{l−1}(x_n) a_{l−1}(x_n)ᵀ)` (`S_n`
//! the output Fisher weights) — a Kronecker product whose output-side factor has rank one.

use crate::ModelError;
use crate::model::{Parametrization, check_columns, check_len, check_size};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use std::ops::Range;

/// The architecture of a deep linear network: the widths `h_0 = D, h_1, …, h_{L−1}, h_L = 1`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeepLinearNet {
    widths: Vec<usize>,
}

impl DeepLinearNet {
    /// A network on `dim` features with hidden widths `hidden = [h_1, …, h_{L−1}]` (empty for
    /// the linear model, `L = 1`) and a scalar output.
    ///
    /// # Errors
    /// [`ModelError::Invalid`] when `dim = 0` or a hidden width is 0.
    pub fn new(dim: usize, hidden: &[usize]) -> Result<Self, ModelError> {
        check_size("deep-linear input dimension D", dim)?;
        for &width in hidden {
            check_size("deep-linear hidden width", width)?;
        }
        let widths = std::iter::once(dim)
            .chain(hidden.iter().copied())
            .chain(std::iter::once(1))
            .collect();
        Ok(Self { widths })
    }

    /// The depth `L` (number of weight matrices).
    pub fn depth(&self) -> usize {
        self.widths.len() - 1
    }

    /// The input dimension `D`.
    pub fn dim(&self) -> usize {
        self.widths[0]
    }

    /// The widths `h_0 = D, h_1, …, h_L = 1`.
    pub fn widths(&self) -> &[usize] {
        &self.widths
    }

    /// The shapes `(h_l, h_{l−1})` of `W_1, …, W_L`.
    pub fn layer_shapes(&self) -> Vec<(usize, usize)> {
        self.widths.windows(2).map(|w| (w[1], w[0])).collect()
    }

    /// The weight matrices `W_1, …, W_L` as views into the flat parameters.
    ///
    /// # Errors
    /// [`ModelError::Shape`] when `w.len() ≠ P`.
    pub fn layer_matrices<'a>(
        &self,
        w: ArrayView1<'a, f64>,
    ) -> Result<Vec<ArrayView2<'a, f64>>, ModelError> {
        check_len("parameters w", self.param_count(), w.len())?;
        let shapes = self.layer_shapes();
        Ok(self
            .layers()
            .into_iter()
            .zip(shapes)
            .map(|(range, shape)| {
                w.slice_move(ndarray::s![range])
                    .into_shape_with_order(shape)
                    .expect("a contiguous slice of length h_l·h_{l−1}")
            })
            .collect())
    }

    /// The flat parameters of the matrices `W_1, …, W_L` (layers in order, row-major).
    pub fn flatten(layers: &[Array2<f64>]) -> Array1<f64> {
        layers.iter().flat_map(|m| m.iter().copied()).collect()
    }

    /// The output-gradient vectors `b_l = (W_L ⋯ W_{l+1})ᵀ` for `l = 0, …, L` (`b_L = 1`;
    /// `b_0 = β`): `b_l` is the gradient of the scalar output with respect to the output of
    /// layer `l`, the same for every sample.
    ///
    /// # Errors
    /// [`ModelError::Shape`] when `w.len() ≠ P`.
    pub fn output_gradients(&self, w: ArrayView1<'_, f64>) -> Result<Vec<Array1<f64>>, ModelError> {
        let layers = self.layer_matrices(w)?;
        let mut b = vec![Array1::ones(1)];
        for layer in layers.iter().rev() {
            let next = layer.t().dot(b.last().expect("non-empty"));
            b.push(next);
        }
        b.reverse();
        Ok(b)
    }

    /// The forward maps `A_{l−1} = W_{l−1} ⋯ W_1` (`h_{l−1} × D`) for `l = 1, …, L` (`A_0 = I`).
    ///
    /// # Errors
    /// [`ModelError::Shape`] when `w.len() ≠ P`.
    pub fn forward_maps(&self, w: ArrayView1<'_, f64>) -> Result<Vec<Array2<f64>>, ModelError> {
        let layers = self.layer_matrices(w)?;
        let mut maps = vec![Array2::eye(self.dim())];
        for layer in &layers[..layers.len() - 1] {
            let next = layer.dot(maps.last().expect("non-empty"));
            maps.push(next);
        }
        Ok(maps)
    }

    /// The per-layer input activations on the rows of `x` (`N × D`): for `l = 1, …, L` the
    /// `N × h_{l−1}` matrix whose row `n` is `a_{l−1}(x_n) = A_{l−1} x_n` (the first is `x`).
    ///
    /// # Errors
    /// [`ModelError::Shape`] when `w.len() ≠ P` or `x` has not `D` columns.
    pub fn input_activations(
        &self,
        w: ArrayView1<'_, f64>,
        x: ArrayView2<'_, f64>,
    ) -> Result<Vec<Array2<f64>>, ModelError> {
        check_columns(x, self.dim())?;
        let layers = self.layer_matrices(w)?;
        let mut activations = vec![x.to_owned()];
        for layer in &layers[..layers.len() - 1] {
            let next = activations.last().expect("non-empty").dot(&layer.t());
            activations.push(next);
        }
        Ok(activations)
    }
}

impl Parametrization for DeepLinearNet {
    fn param_count(&self) -> usize {
        self.widths.windows(2).map(|w| w[0] * w[1]).sum()
    }

    fn beta_dim(&self) -> usize {
        self.dim()
    }

    fn beta(&self, w: ArrayView1<'_, f64>) -> Result<Array1<f64>, ModelError> {
        Ok(self.output_gradients(w)?.swap_remove(0))
    }

    fn jvp(
        &self,
        w: ArrayView1<'_, f64>,
        v: ArrayView1<'_, f64>,
    ) -> Result<Array1<f64>, ModelError> {
        check_len("tangent v", self.param_count(), v.len())?;
        let layers = self.layer_matrices(w)?;
        let tangents = self.layer_matrices(v)?; // its length is checked above
        let b = self.output_gradients(w)?;
        // Horner: r_L = V_Lᵀ b_L, r_l = V_lᵀ b_l + W_lᵀ r_{l+1}.
        let depth = self.depth();
        let mut r = tangents[depth - 1].t().dot(&b[depth]);
        for l in (0..depth - 1).rev() {
            r = tangents[l].t().dot(&b[l + 1]) + layers[l].t().dot(&r);
        }
        Ok(r)
    }

    fn vjp(
        &self,
        w: ArrayView1<'_, f64>,
        u: ArrayView1<'_, f64>,
    ) -> Result<Array1<f64>, ModelError> {
        check_len("cotangent u", self.dim(), u.len())?;
        let layers = self.layer_matrices(w)?;
        let b = self.output_gradients(w)?;
        let mut out = Vec::with_capacity(self.param_count());
        let mut pushed = u.to_owned(); // A_{l−1} u
        for (l, layer) in layers.iter().enumerate() {
            for &b_i in &b[l + 1] {
                out.extend(pushed.iter().map(|&z| b_i * z));
            }
            pushed = layer.dot(&pushed);
        }
        Ok(Array1::from(out))
    }

    /// The dense Jacobian: the column of `W_l[i, j]` is `b_l[i] · (row j of A_{l−1})ᵀ`.
    fn jacobian(&self, w: ArrayView1<'_, f64>) -> Result<Array2<f64>, ModelError> {
        let maps = self.forward_maps(w)?;
        let b = self.output_gradients(w)?;
        let mut j = Array2::zeros((self.dim(), self.param_count()));
        let mut column = 0;
        for (l, a) in maps.iter().enumerate() {
            for &b_i in &b[l + 1] {
                for row in a.rows() {
                    j.column_mut(column).scaled_add(b_i, &row);
                    column += 1;
                }
            }
        }
        Ok(j)
    }

    fn layers(&self) -> Vec<Range<usize>> {
        let mut start = 0;
        self.widths
            .windows(2)
            .map(|w| {
                let range = start..start + w[0] * w[1];
                start = range.end;
                range
            })
            .collect()
    }
}
