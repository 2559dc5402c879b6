//! The open model abstraction: any differentiable parametrization, described by a few
//! one-method-style operations (after `argmin`'s small traits), so that exact natural gradients,
//! NTKs and EGD / NGD dynamics can be computed for it generically (`ngd-fisher`, `ngd-optim`).
//!
//! Models are *stateless descriptions* (an architecture: depth, widths, input dimension); the
//! parameters are one flat vector `w ∈ ℝ^P` passed to every call. Two kinds:
//!
//! - [`Parametrization`] — a model **linear in its input**: `w ↦ β = P(w) ∈ ℝ^D`, scored on
//!   data as `s = X β`. The linear model, diagonal networks, full-matrix deep linear networks and
//!   deep matrix factorizations (`β = vec(W_1 ⋯ W_L)`, the entries being "one-hot inputs") are
//!   of this kind. The Jacobian `J = ∂β/∂w` is `D × P`; on data the output Jacobian is `X J`,
//!   whose rank is at most `min(N, D, P)` — the structure the generic Fisher routes exploit.
//! - [`Network`] — a model **nonlinear in its input** with one scalar output per sample:
//!   `s_n = f(x_n; w)`, e.g. two-layer tanh / ReLU networks. The output Jacobian `∂s/∂w` is
//!   `N × P` and depends on the data.
//!
//! [`LinearInInput`] turns any parametrization into a network (`s = X P(w)`), so code written
//! for networks runs on every model.
//!
//! **Adding a model** is one file implementing [`Parametrization`] or [`Network`] plus its tests
//! (Jacobian–vector products against central finite differences, the dense Jacobian against the
//! products); see `ARCHITECTURE.md` and `examples/custom_model.rs`.
//!
//! Conventions: `jvp(w, v) = J v` (length `D`, resp. `N`), `vjp(w, u) = Jᵀ u` (length `P`);
//! [`Parametrization::layers`] / [`Network::layers`] partition `0..P` into the parameter
//! blocks (layers) that block-diagonal Fisher approximations use.

use crate::ModelError;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use std::ops::Range;

/// A model linear in its input: a differentiable map `w ∈ ℝ^P ↦ β = P(w) ∈ ℝ^D`.
pub trait Parametrization {
    /// The number of parameters `P`.
    fn param_count(&self) -> usize;

    /// The dimension `D` of `β` (the input dimension the model scores).
    fn beta_dim(&self) -> usize;

    /// The end-to-end coefficients `β = P(w)`.
    ///
    /// # Errors
    /// [`ModelError::Shape`] when `w.len() ≠ P`.
    fn beta(&self, w: ArrayView1<'_, f64>) -> Result<Array1<f64>, ModelError>;

    /// The Jacobian–vector product `J(w) v ∈ ℝ^D` with `J = ∂β/∂w`.
    ///
    /// # Errors
    /// [`ModelError::Shape`] when `w.len() ≠ P` or `v.len() ≠ P`.
    fn jvp(
        &self,
        w: ArrayView1<'_, f64>,
        v: ArrayView1<'_, f64>,
    ) -> Result<Array1<f64>, ModelError>;

    /// The vector–Jacobian product `J(w)ᵀ u ∈ ℝ^P` (the gradient pull-back `∇_w = Jᵀ ∇_β`).
    ///
    /// # Errors
    /// [`ModelError::Shape`] when `w.len() ≠ P` or `u.len() ≠ D`.
    fn vjp(
        &self,
        w: ArrayView1<'_, f64>,
        u: ArrayView1<'_, f64>,
    ) -> Result<Array1<f64>, ModelError>;

    /// The dense Jacobian `J(w)` (`D × P`), for small problems and brute-force references.
    /// The default forms it column by column from `P` calls of [`jvp`](Self::jvp).
    ///
    /// # Errors
    /// [`ModelError::Shape`] when `w.len() ≠ P`.
    fn jacobian(&self, w: ArrayView1<'_, f64>) -> Result<Array2<f64>, ModelError> {
        dense_from_jvp(self.param_count(), self.beta_dim(), |v| self.jvp(w, v))
    }

    /// The parameter blocks (layers), a partition of `0..P` in order. Default: one block.
    fn layers(&self) -> Vec<Range<usize>> {
        std::iter::once(0..self.param_count()).collect()
    }
}

/// A model nonlinear in its input with one scalar output per sample: `s_n = f(x_n; w)`.
pub trait Network {
    /// The number of parameters `P`.
    fn param_count(&self) -> usize;

    /// The input dimension `D` (columns of the data).
    fn input_dim(&self) -> usize;

    /// The outputs (logits or predictions) `s ∈ ℝ^N` on the rows of `x` (`N × D`).
    ///
    /// # Errors
    /// [`ModelError::Shape`] when `w.len() ≠ P` or `x` has not `D` columns.
    fn outputs(
        &self,
        w: ArrayView1<'_, f64>,
        x: ArrayView2<'_, f64>,
    ) -> Result<Array1<f64>, ModelError>;

    /// The Jacobian–vector product `(∂s/∂w) v ∈ ℝ^N`.
    ///
    /// # Errors
    /// [`ModelError::Shape`] on a length or column mismatch.
    fn jvp(
        &self,
        w: ArrayView1<'_, f64>,
        x: ArrayView2<'_, f64>,
        v: ArrayView1<'_, f64>,
    ) -> Result<Array1<f64>, ModelError>;

    /// The vector–Jacobian product `(∂s/∂w)ᵀ u ∈ ℝ^P`.
    ///
    /// # Errors
    /// [`ModelError::Shape`] on a length or column mismatch.
    fn vjp(
        &self,
        w: ArrayView1<'_, f64>,
        x: ArrayView2<'_, f64>,
        u: ArrayView1<'_, f64>,
    ) -> Result<Array1<f64>, ModelError>;

    /// The dense output Jacobian `∂s/∂w` (`N × P`). The default forms it from `P` calls of
    /// [`jvp`](Self::jvp).
    ///
    /// # Errors
    /// [`ModelError::Shape`] on a length or column mismatch.
    fn jacobian(
        &self,
        w: ArrayView1<'_, f64>,
        x: ArrayView2<'_, f64>,
    ) -> Result<Array2<f64>, ModelError> {
        dense_from_jvp(self.param_count(), x.nrows(), |v| self.jvp(w, x, v))
    }

    /// The parameter blocks (layers), a partition of `0..P` in order. Default: one block.
    fn layers(&self) -> Vec<Range<usize>> {
        std::iter::once(0..self.param_count()).collect()
    }
}

/// A parametrization scored on data: `s = X P(w)`, so every [`Parametrization`] is a
/// [`Network`] (`∂s/∂w = X J`).
#[derive(Debug, Clone, PartialEq)]
pub struct LinearInInput<P>(pub P);

impl<P: Parametrization> Network for LinearInInput<P> {
    fn param_count(&self) -> usize {
        self.0.param_count()
    }

    fn input_dim(&self) -> usize {
        self.0.beta_dim()
    }

    fn outputs(
        &self,
        w: ArrayView1<'_, f64>,
        x: ArrayView2<'_, f64>,
    ) -> Result<Array1<f64>, ModelError> {
        check_columns(x, self.0.beta_dim())?;
        Ok(x.dot(&self.0.beta(w)?))
    }

    fn jvp(
        &self,
        w: ArrayView1<'_, f64>,
        x: ArrayView2<'_, f64>,
        v: ArrayView1<'_, f64>,
    ) -> Result<Array1<f64>, ModelError> {
        check_columns(x, self.0.beta_dim())?;
        Ok(x.dot(&self.0.jvp(w, v)?))
    }

    fn vjp(
        &self,
        w: ArrayView1<'_, f64>,
        x: ArrayView2<'_, f64>,
        u: ArrayView1<'_, f64>,
    ) -> Result<Array1<f64>, ModelError> {
        check_columns(x, self.0.beta_dim())?;
        check_len("output cotangent u", x.nrows(), u.len())?;
        self.0.vjp(w, x.t().dot(&u).view())
    }

    fn jacobian(
        &self,
        w: ArrayView1<'_, f64>,
        x: ArrayView2<'_, f64>,
    ) -> Result<Array2<f64>, ModelError> {
        check_columns(x, self.0.beta_dim())?;
        Ok(x.dot(&self.0.jacobian(w)?))
    }

    fn layers(&self) -> Vec<Range<usize>> {
        self.0.layers()
    }
}

/// Errors unless a vector has the expected length (`what` names it in the message).
///
/// # Errors
/// [`ModelError::Shape`] naming `what`, the expected and the found length.
pub fn check_len(what: &'static str, expected: usize, found: usize) -> Result<(), ModelError> {
    if expected == found {
        Ok(())
    } else {
        Err(ModelError::Shape {
            what,
            expected: format!("length {expected}"),
            found: format!("length {found}"),
        })
    }
}

/// Errors unless a size of a model description (depth, width, dimension) is at least 1.
///
/// # Errors
/// [`ModelError::Invalid`] naming `what` when `value = 0`.
pub fn check_size(what: &'static str, value: usize) -> Result<(), ModelError> {
    if value == 0 {
        Err(ModelError::Invalid {
            what,
            value: "0".into(),
            allowed: "at least 1",
        })
    } else {
        Ok(())
    }
}

/// Errors unless the data has `d` columns.
///
/// # Errors
/// [`ModelError::Shape`] naming the data `X`, the expected and the found shape.
pub fn check_columns(x: ArrayView2<'_, f64>, d: usize) -> Result<(), ModelError> {
    if x.ncols() == d {
        Ok(())
    } else {
        Err(ModelError::Shape {
            what: "data X",
            expected: format!("N × {d}"),
            found: format!("{} × {}", x.nrows(), x.ncols()),
        })
    }
}

/// Forms a dense `rows × p` Jacobian from `p` Jacobian–vector products with unit vectors.
fn dense_from_jvp(
    p: usize,
    rows: usize,
    mut jvp: impl FnMut(ArrayView1<'_, f64>) -> Result<Array1<f64>, ModelError>,
) -> Result<Array2<f64>, ModelError> {
    let mut jacobian = Array2::zeros((rows, p));
    let mut unit = Array1::zeros(p);
    for k in 0..p {
        unit[k] = 1.0;
        let column = jvp(unit.view())?;
        check_len("Jacobian–vector product", rows, column.len())?;
        jacobian.column_mut(k).assign(&column);
        unit[k] = 0.0;
    }
    Ok(jacobian)
}
