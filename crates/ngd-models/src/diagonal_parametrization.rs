//! The L-layer diagonal network `β = w_1 ⊙ … ⊙ w_L` as a [`Parametrization`] over a flat
//! parameter vector (the generic twin of [`DiagonalNet`](crate::DiagonalNet), whose fast
//! routes stay as they are).
//!
//! Layout: `w ∈ ℝ^{L·D}` is the `L × D` weight matrix row-major — layer `w_l` is the slice
//! `w[(l−1)D .. lD]` — so `net.weights().as_slice()` of a [`DiagonalNet`](crate::DiagonalNet)
//! is its flat `w`. The Jacobian is `J = [diag(c_1) … diag(c_L)]` with the cofactors
//! `c_l = ∏_{k≠l} w_k` (the paper's eq. 39): `J v = Σ_l c_l ⊙ v_l` and `(Jᵀu)_l = c_l ⊙ u`.
//! The products are computed exactly as `DiagonalNet`'s (same operations in the same order),
//! so both agree bit for bit.

use crate::ModelError;
use crate::diagonal::cofactors_into;
use crate::model::{Parametrization, check_len, check_size};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use std::ops::Range;

/// The shape (`L` layers of `D` weights) of a diagonal network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DiagonalParametrization {
    depth: usize,
    dim: usize,
}

impl DiagonalParametrization {
    /// A depth-`depth` diagonal network on `dim` features.
    ///
    /// # Errors
    /// [`ModelError::Invalid`] when `depth = 0` or `dim = 0`.
    pub fn new(depth: usize, dim: usize) -> Result<Self, ModelError> {
        check_size("diagonal depth L", depth)?;
        check_size("diagonal dimension D", dim)?;
        Ok(Self { depth, dim })
    }

    /// The depth `L`.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// The number of features `D`.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The flat parameters as the `L × D` weight matrix (row `l` is `w_l`).
    ///
    /// # Errors
    /// [`ModelError::Shape`] when `w.len() ≠ L·D`.
    pub fn weights<'a>(&self, w: ArrayView1<'a, f64>) -> Result<ArrayView2<'a, f64>, ModelError> {
        check_len("parameters w", self.depth * self.dim, w.len())?;
        w.into_shape_with_order((self.depth, self.dim))
            .map_err(|_| ModelError::Shape {
                what: "parameters w",
                expected: "a contiguous vector".into(),
                found: "a strided view".into(),
            })
    }

    /// The cofactors `c_l = ∏_{k≠l} w_k`, `L × D`.
    fn cofactors(&self, w: ArrayView1<'_, f64>) -> Result<Array2<f64>, ModelError> {
        let weights = self.weights(w)?;
        let mut c = Array2::zeros(weights.raw_dim());
        cofactors_into(weights, c.view_mut());
        Ok(c)
    }
}

impl Parametrization for DiagonalParametrization {
    fn param_count(&self) -> usize {
        self.depth * self.dim
    }

    fn beta_dim(&self) -> usize {
        self.dim
    }

    fn beta(&self, w: ArrayView1<'_, f64>) -> Result<Array1<f64>, ModelError> {
        let weights = self.weights(w)?;
        let mut beta = weights.row(0).to_owned();
        for layer in weights.axis_iter(Axis(0)).skip(1) {
            beta.zip_mut_with(&layer, |b, &x| *b *= x);
        }
        Ok(beta)
    }

    fn jvp(
        &self,
        w: ArrayView1<'_, f64>,
        v: ArrayView1<'_, f64>,
    ) -> Result<Array1<f64>, ModelError> {
        check_len("tangent v", self.param_count(), v.len())?;
        let c = self.cofactors(w)?;
        let mut out = Array1::zeros(self.dim);
        for (c_l, v_l) in c.rows().into_iter().zip(v.exact_chunks(self.dim)) {
            ndarray::Zip::from(&mut out)
                .and(&c_l)
                .and(&v_l)
                .for_each(|o, &c, &v| *o += c * v);
        }
        Ok(out)
    }

    fn vjp(
        &self,
        w: ArrayView1<'_, f64>,
        u: ArrayView1<'_, f64>,
    ) -> Result<Array1<f64>, ModelError> {
        check_len("cotangent u", self.dim, u.len())?;
        let mut c = self.cofactors(w)?;
        for mut row in c.axis_iter_mut(Axis(0)) {
            row.zip_mut_with(&u, |c, &g| *c *= g);
        }
        Ok(c.into_shape_with_order(self.param_count())
            .expect("an owned standard-layout matrix flattens"))
    }

    fn jacobian(&self, w: ArrayView1<'_, f64>) -> Result<Array2<f64>, ModelError> {
        let c = self.cofactors(w)?;
        let mut j = Array2::zeros((self.dim, self.param_count()));
        for (layer, c_l) in c.rows().into_iter().enumerate() {
            for (i, &c) in c_l.iter().enumerate() {
                j[[i, layer * self.dim + i]] = c;
            }
        }
        Ok(j)
    }

    fn layers(&self) -> Vec<Range<usize>> {
        (0..self.depth)
            .map(|l| l * self.dim..(l + 1) * self.dim)
            .collect()
    }
}
