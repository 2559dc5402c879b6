//! Two-layer networks `s(x) = vᵀ σ(W x)` with hidden width `H` (a [`Network`]: nonlinear in
//! the input, one scalar output), for an activation `σ` chosen by a type:
//!
//! - [`TwoLayerTanh`] (`σ = tanh`) — the network of the paper's Theorem 4 beyond linear models;
//! - [`TwoLayerRelu`] (`σ = max(·, 0)`), with the derivative at the kink `z = 0` taken as **0**
//!   (the PyTorch convention: `relu'(z) = 1` for `z > 0`, else 0).
//!
//! `P = H·D + H` parameters, flattened as `W` (`H × D`) row-major, then `v`. Any `P` relative
//! to the sample count `N` is allowed (in particular `P ≥ N`).
//!
//! **Jacobian.** With `Z = X Wᵀ` (`N × H`), `A = σ(Z)` and `Σ' = σ'(Z)`:
//! `∂s_n/∂v_h = A_{nh}` and `∂s_n/∂W_{hj} = v_h Σ'_{nh} x_{nj}`; so
//! `J [V; dv] = A dv + (Σ' ⊙ (X Vᵀ)) v` and `Jᵀ u = [((u vᵀ) ⊙ Σ')ᵀ X; Aᵀ u]`.

use crate::ModelError;
use crate::model::{Network, check_columns, check_len, check_size};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, s};
use std::marker::PhantomData;
use std::ops::Range;

/// A scalar activation with its derivative.
pub trait Activation {
    /// `σ(z)`.
    fn value(z: f64) -> f64;
    /// `σ'(z)` (at a kink, the documented one-sided choice).
    fn derivative(z: f64) -> f64;
}

/// `σ = tanh`, `σ' = 1 − tanh²`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Tanh;

impl Activation for Tanh {
    fn value(z: f64) -> f64 {
        z.tanh()
    }

    fn derivative(z: f64) -> f64 {
        let a = z.tanh();
        1.0 - a * a
    }
}

/// `σ = max(z, 0)` with `σ'(z) = 1` for `z > 0` and `0` for `z ≤ 0` (the kink's derivative is
/// 0, as in PyTorch).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Relu;

impl Activation for Relu {
    fn value(z: f64) -> f64 {
        if z > 0.0 { z } else { 0.0 }
    }

    fn derivative(z: f64) -> f64 {
        if z > 0.0 { 1.0 } else { 0.0 }
    }
}

/// The two-layer tanh network `s(x) = vᵀ tanh(W x)`.
pub type TwoLayerTanh = TwoLayerNet<Tanh>;

/// The two-layer ReLU network `s(x) = vᵀ relu(W x)` (derivative 0 at the kink).
pub type TwoLayerRelu = TwoLayerNet<Relu>;

/// The architecture of a two-layer network: input dimension `D`, hidden width `H`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TwoLayerNet<A> {
    dim: usize,
    hidden: usize,
    activation: PhantomData<A>,
}

impl<A: Activation> TwoLayerNet<A> {
    /// A network on `dim` inputs with `hidden` units.
    ///
    /// # Errors
    /// [`ModelError::Invalid`] when `dim = 0` or `hidden = 0`.
    pub fn new(dim: usize, hidden: usize) -> Result<Self, ModelError> {
        check_size("two-layer input dimension D", dim)?;
        check_size("two-layer hidden width H", hidden)?;
        Ok(Self {
            dim,
            hidden,
            activation: PhantomData,
        })
    }

    /// The hidden width `H`.
    pub fn hidden(&self) -> usize {
        self.hidden
    }

    /// The input weights `W` (`H × D`) and output weights `v` (length `H`) of the flat `w`.
    ///
    /// # Errors
    /// [`ModelError::Shape`] when `w.len() ≠ H·D + H`.
    pub fn split<'a>(
        &self,
        w: ArrayView1<'a, f64>,
    ) -> Result<(ArrayView2<'a, f64>, ArrayView1<'a, f64>), ModelError> {
        check_len("parameters w", self.param_count(), w.len())?;
        let hd = self.hidden * self.dim;
        let (input, output) = w.split_at(ndarray::Axis(0), hd);
        let input = input
            .into_shape_with_order((self.hidden, self.dim))
            .map_err(|_| ModelError::Shape {
                what: "parameters w",
                expected: "a contiguous vector".into(),
                found: "a strided view".into(),
            })?;
        Ok((input, output))
    }

    /// The flat parameters of `W` (`H × D`) and `v` (length `H`).
    pub fn flatten(input: ArrayView2<'_, f64>, output: ArrayView1<'_, f64>) -> Array1<f64> {
        input.iter().chain(output.iter()).copied().collect()
    }

    /// `(σ(Z), σ'(Z))` with the pre-activations `Z = X Wᵀ` (`N × H`).
    fn activations(
        &self,
        input: ArrayView2<'_, f64>,
        x: ArrayView2<'_, f64>,
    ) -> Result<(Array2<f64>, Array2<f64>), ModelError> {
        check_columns(x, self.dim)?;
        let z = x.dot(&input.t());
        Ok((z.mapv(A::value), z.mapv(A::derivative)))
    }
}

impl<A: Activation> Network for TwoLayerNet<A> {
    fn param_count(&self) -> usize {
        self.hidden * self.dim + self.hidden
    }

    fn input_dim(&self) -> usize {
        self.dim
    }

    fn outputs(
        &self,
        w: ArrayView1<'_, f64>,
        x: ArrayView2<'_, f64>,
    ) -> Result<Array1<f64>, ModelError> {
        let (input, output) = self.split(w)?;
        check_columns(x, self.dim)?;
        Ok(x.dot(&input.t()).mapv(A::value).dot(&output))
    }

    fn jvp(
        &self,
        w: ArrayView1<'_, f64>,
        x: ArrayView2<'_, f64>,
        v: ArrayView1<'_, f64>,
    ) -> Result<Array1<f64>, ModelError> {
        let (input, output) = self.split(w)?;
        check_len("tangent v", self.param_count(), v.len())?;
        let (tangent_input, tangent_output) = self.split(v)?;
        let (a, da) = self.activations(input, x)?;
        let moved = x.dot(&tangent_input.t()) * &da;
        Ok(a.dot(&tangent_output) + moved.dot(&output))
    }

    fn vjp(
        &self,
        w: ArrayView1<'_, f64>,
        x: ArrayView2<'_, f64>,
        u: ArrayView1<'_, f64>,
    ) -> Result<Array1<f64>, ModelError> {
        let (input, output) = self.split(w)?;
        let (a, mut da) = self.activations(input, x)?;
        check_len("output cotangent u", x.nrows(), u.len())?;
        // da ← (u vᵀ) ⊙ σ'(Z), the cotangent of the pre-activations.
        for (mut row, &u_n) in da.rows_mut().into_iter().zip(&u) {
            row.zip_mut_with(&output, |d, &v_h| *d *= u_n * v_h);
        }
        let grad_input = da.t().dot(&x);
        let grad_output = a.t().dot(&u);
        Ok(Self::flatten(grad_input.view(), grad_output.view()))
    }

    fn jacobian(
        &self,
        w: ArrayView1<'_, f64>,
        x: ArrayView2<'_, f64>,
    ) -> Result<Array2<f64>, ModelError> {
        let (input, output) = self.split(w)?;
        let (a, da) = self.activations(input, x)?;
        let (n, d, h) = (x.nrows(), self.dim, self.hidden);
        let mut j = Array2::zeros((n, h * d + h));
        for i in 0..n {
            for k in 0..h {
                let scale = output[k] * da[[i, k]];
                j.slice_mut(s![i, k * d..(k + 1) * d])
                    .assign(&(&x.row(i) * scale));
                j[[i, h * d + k]] = a[[i, k]];
            }
        }
        Ok(j)
    }

    fn layers(&self) -> Vec<Range<usize>> {
        let hd = self.hidden * self.dim;
        vec![0..hd, hd..hd + self.hidden]
    }
}
