//! The linear model `β = w` (`P = D`, `J = I`) as a [`Parametrization`]: the reference every
//! deep parametrization is compared with (the paper's depth-1 case).

use crate::ModelError;
use crate::model::{Parametrization, check_len, check_size};
use ndarray::{Array1, Array2, ArrayView1};

/// The linear model `β = w ∈ ℝ^D`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LinearModel {
    dim: usize,
}

impl LinearModel {
    /// The linear model on `dim ≥ 1` features.
    ///
    /// # Errors
    /// [`ModelError::Invalid`] when `dim = 0`.
    pub fn new(dim: usize) -> Result<Self, ModelError> {
        check_size("linear-model dimension D", dim)?;
        Ok(Self { dim })
    }

    /// The number of features `D`.
    pub fn dim(&self) -> usize {
        self.dim
    }
}

impl Parametrization for LinearModel {
    fn param_count(&self) -> usize {
        self.dim
    }

    fn beta_dim(&self) -> usize {
        self.dim
    }

    fn beta(&self, w: ArrayView1<'_, f64>) -> Result<Array1<f64>, ModelError> {
        check_len("parameters w", self.dim, w.len())?;
        Ok(w.to_owned())
    }

    fn jvp(
        &self,
        w: ArrayView1<'_, f64>,
        v: ArrayView1<'_, f64>,
    ) -> Result<Array1<f64>, ModelError> {
        check_len("parameters w", self.dim, w.len())?;
        check_len("tangent v", self.dim, v.len())?;
        Ok(v.to_owned())
    }

    fn vjp(
        &self,
        w: ArrayView1<'_, f64>,
        u: ArrayView1<'_, f64>,
    ) -> Result<Array1<f64>, ModelError> {
        check_len("parameters w", self.dim, w.len())?;
        check_len("cotangent u", self.dim, u.len())?;
        Ok(u.to_owned())
    }

    fn jacobian(&self, w: ArrayView1<'_, f64>) -> Result<Array2<f64>, ModelError> {
        check_len("parameters w", self.dim, w.len())?;
        Ok(Array2::eye(self.dim))
    }
}
