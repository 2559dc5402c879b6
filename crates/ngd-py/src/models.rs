//! `ngd.models`: the shipped models — L-layer diagonal networks `β = w_1 ⊙ … ⊙ w_L` and deep
//! matrix factorizations `β = W_1 ⋯ W_L` — with their forward map and Jacobian.

use crate::convert::{factor_list, float_array};
use crate::errors::ToPyResult;
use ndarray::Ix2;
use ngd_models::{DiagonalNet, MatrixFactorization};
use numpy::{IntoPyArray, PyArray1, PyArray2};
use pyo3::prelude::*;
use pyo3::types::PyList;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// An L-layer diagonal network `β = w_1 ⊙ … ⊙ w_L` (depth 1 is the linear model).
///
/// `DiagonalNet(weights)` takes the `(L, D)` weights (row `l` is `w_l`); see also
/// `DiagonalNet.gaussian` and `DiagonalNet.constant`.
#[pyclass(name = "DiagonalNet", module = "ngd.models")]
#[derive(Debug, Clone)]
pub struct PyDiagonalNet {
    /// The Rust model.
    pub inner: DiagonalNet,
}

#[pymethods]
impl PyDiagonalNet {
    #[new]
    fn new(weights: &Bound<'_, PyAny>) -> PyResult<Self> {
        let w = float_array::<Ix2>(weights, "weights", "(L, D)")?;
        let inner = DiagonalNet::new(w.as_array().to_owned()).py_err()?;
        Ok(Self { inner })
    }

    /// A network with i.i.d. `N(0, scale²)` weights drawn from Xoshiro256++ seeded with `seed`
    /// (layer `w_1` first), bit-identical to the Rust crate's `gaussian_diagonal`.
    #[staticmethod]
    #[pyo3(signature = (depth, dim, scale, seed))]
    fn gaussian(depth: usize, dim: usize, scale: f64, seed: u64) -> PyResult<Self> {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let inner = ngd_models::gaussian_diagonal(depth, dim, scale, &mut rng).py_err()?;
        Ok(Self { inner })
    }

    /// A network with every weight equal to `value` (so `β = value^L` in every entry).
    #[staticmethod]
    fn constant(depth: usize, dim: usize, value: f64) -> PyResult<Self> {
        let inner = ngd_models::constant_diagonal(depth, dim, value).py_err()?;
        Ok(Self { inner })
    }

    /// The depth `L`.
    #[getter]
    fn depth(&self) -> usize {
        self.inner.depth()
    }

    /// The dimension `D`.
    #[getter]
    fn dim(&self) -> usize {
        self.inner.dim()
    }

    /// A copy of the weights, `(L, D)`.
    #[getter]
    fn weights<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<f64>> {
        self.inner.weights().to_owned().into_pyarray(py)
    }

    /// The end-to-end coefficients `β = w_1 ⊙ … ⊙ w_L`, `(D,)`.
    fn beta<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        self.inner.beta().into_pyarray(py)
    }

    /// The cofactors `c_l = ∏_{k≠l} w_k`, `(L, D)` (row `l` is `c_l`): the Jacobian pieces
    /// every diagonal-network natural gradient takes.
    fn cofactors<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<f64>> {
        self.inner.cofactors().into_pyarray(py)
    }

    /// The dense Jacobian `J = ∂β/∂w = [diag(c_1) … diag(c_L)]`, `(D, L·D)`, the weights
    /// stacked layer after layer (`w.reshape(-1)` of the `(L, D)` weights).
    fn jacobian<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<f64>> {
        self.inner.jacobian_dense().into_pyarray(py)
    }

    fn __repr__(&self) -> String {
        format!(
            "DiagonalNet(depth={}, dim={})",
            self.inner.depth(),
            self.inner.dim()
        )
    }
}

/// A deep matrix factorization `β = W_1 ⋯ W_L` of `D × D` factors.
///
/// `MatrixFactorization(factors)` takes a sequence of `(D, D)` arrays; see also
/// `MatrixFactorization.gaussian`.
#[pyclass(name = "MatrixFactorization", module = "ngd.models")]
#[derive(Debug, Clone)]
pub struct PyMatrixFactorization {
    /// The Rust model.
    pub inner: MatrixFactorization,
}

#[pymethods]
impl PyMatrixFactorization {
    #[new]
    fn new(factors: &Bound<'_, PyAny>) -> PyResult<Self> {
        let inner = MatrixFactorization::new(factor_list(factors, "factors")?).py_err()?;
        Ok(Self { inner })
    }

    /// Arora et al.'s Gaussian initialization (entries `N(0, (init_scale^{1/(L·collapse)} /
    /// √D)²)`), each factor the product of `collapse` such matrices (the paper's Fig. 5),
    /// drawn from Xoshiro256++ seeded with `seed`.
    #[staticmethod]
    #[pyo3(signature = (depth, dim, init_scale, seed, collapse = 1))]
    fn gaussian(
        depth: usize,
        dim: usize,
        init_scale: f64,
        seed: u64,
        collapse: usize,
    ) -> PyResult<Self> {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let inner = ngd_models::collapsed_factorization(depth, dim, collapse, init_scale, &mut rng)
            .py_err()?;
        Ok(Self { inner })
    }

    /// The depth `L`.
    #[getter]
    fn depth(&self) -> usize {
        self.inner.depth()
    }

    /// The dimension `D`.
    #[getter]
    fn dim(&self) -> usize {
        self.inner.dim()
    }

    /// Copies of the factors `[W_1, …, W_L]`, each `(D, D)`.
    #[getter]
    fn factors<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let arrays = self
            .inner
            .factors()
            .iter()
            .map(|w| w.clone().into_pyarray(py));
        PyList::new(py, arrays)
    }

    /// The end-to-end product `β = W_1 ⋯ W_L`, `(D, D)`.
    fn product<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<f64>> {
        self.inner.product().into_pyarray(py)
    }

    /// The dense Jacobian `∂ vec β / ∂ (vec W_1, …, vec W_L)`, `(D², L·D²)`, with `vec`
    /// column-major (`M.reshape(-1, order="F")`): block `i` is `B_iᵀ ⊗ A_i`. Small `D` only.
    fn jacobian<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<f64>> {
        ngd_fisher::factorization::jacobian_dense(self.inner.factors()).into_pyarray(py)
    }

    fn __repr__(&self) -> String {
        format!(
            "MatrixFactorization(depth={}, dim={})",
            self.inner.depth(),
            self.inner.dim()
        )
    }
}
