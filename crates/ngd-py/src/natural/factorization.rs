//! Natural gradients of deep matrix factorizations (`ngd_fisher::factorization`) on NumPy
//! arrays: factors `[W_1, …, W_L]` (each `(D, D)`) and the gradient `G = ∇_β L` `(D, D)`;
//! the result `[G_1, …, G_L]` solves `Σ_i A_i G_i B_i = G` (step `W_i ← W_i − η G_i`).

use super::cutoff;
use crate::convert::{check_shape, factor_list, float_array};
use crate::errors::{Kind, ToPyResult, raise};
use ndarray::{Array2, Ix2};
use ngd_fisher::factorization::{
    FactorMethod, FactorNaturalGradient, MpOptions, NaturalDirection, natural_direction,
};
use numpy::{IntoPyArray, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyList;

/// The natural direction selected by the Python `method` and its options.
///
/// # Errors
///
/// `ngd.InvalidArgumentError` for an unknown method or a bad `rcond`.
pub fn natural_direction_choice(
    method: &str,
    rcond: Option<f64>,
    cg_tolerance: f64,
    cg_max_iterations: Option<usize>,
) -> PyResult<NaturalDirection> {
    let cutoff = cutoff(rcond)?;
    match method {
        "layer_split" => Ok(NaturalDirection::LayerSplit(cutoff)),
        "moore_penrose" => Ok(NaturalDirection::MoorePenrose(MpOptions {
            cutoff,
            cg_tolerance,
            cg_max_iterations,
        })),
        other => Err(raise(
            Kind::Invalid,
            format!("method: unknown method {other:?} (allowed: layer_split, moore_penrose)"),
        )),
    }
}

/// Reads the factors and a `(D, D)` matrix argument of the same size.
///
/// # Errors
///
/// As [`factor_list`] and [`float_array`]; `ngd.ShapeError` naming `argument`.
pub fn factors_and_matrix<'py>(
    factors: &Bound<'py, PyAny>,
    matrix: &Bound<'py, PyAny>,
    argument: &str,
) -> PyResult<(Vec<Array2<f64>>, PyReadonlyArray2<'py, f64>)> {
    let factors = factor_list(factors, "factors")?;
    let d = factors[0].nrows();
    let expected = format!("(D, D) = ({d}, {d})");
    let m = float_array::<Ix2>(matrix, argument, &expected)?;
    check_shape(argument, m.shape(), &[Some(d), Some(d)], &expected)?;
    Ok((factors, m))
}

fn method_name(method: FactorMethod) -> &'static str {
    match method {
        FactorMethod::LayerSplit => "layer_split",
        FactorMethod::Direct => "direct",
        FactorMethod::Sylvester => "sylvester",
        FactorMethod::ConjugateGradient => "conjugate_gradient",
    }
}

/// A natural gradient of a factorization and how it was computed.
#[pyclass(name = "FactorNaturalGradient", module = "ngd.fisher", frozen, get_all)]
pub struct PyFactorNaturalGradient {
    /// The directions `[G_1, …, G_L]`, each `(D, D)`.
    directions: Py<PyList>,
    /// `"layer_split"`, or for Moore–Penrose `"direct"` (L = 1), `"sylvester"` (L = 2),
    /// `"conjugate_gradient"` (L ≥ 3).
    method: &'static str,
    /// Layer split: `(rank A_i, rank B_i)` per layer; empty otherwise.
    factor_ranks: Vec<(usize, usize)>,
    /// Direct and Sylvester: the effective rank of `J Jᵀ`; `None` otherwise.
    operator_rank: Option<usize>,
    /// Conjugate gradients: iterations performed; 0 otherwise.
    iterations: usize,
}

#[pymethods]
impl PyFactorNaturalGradient {
    fn __repr__(&self) -> String {
        format!(
            "FactorNaturalGradient(method={:?}, operator_rank={}, iterations={})",
            self.method,
            self.operator_rank
                .map_or_else(|| "None".to_string(), |r| r.to_string()),
            self.iterations
        )
    }
}

impl PyFactorNaturalGradient {
    fn new(py: Python<'_>, g: FactorNaturalGradient) -> PyResult<Self> {
        let arrays = g.directions.into_iter().map(|m| m.into_pyarray(py));
        Ok(Self {
            directions: PyList::new(py, arrays)?.unbind(),
            method: method_name(g.method),
            factor_ranks: g.factor_ranks.iter().map(|[a, b]| (*a, *b)).collect(),
            operator_rank: g.operator_rank,
            iterations: g.iterations,
        })
    }
}

/// A natural gradient of `β = W_1 ⋯ W_L` under the squared loss (`F(β) = I`):
/// `method="moore_penrose"` (minimum norm: direct, Sylvester for L = 2, CG for L ≥ 3, with
/// `cg_tolerance` / `cg_max_iterations`) or `"layer_split"` (`G_i = (1/L) A_i⁺ G B_i⁺`).
#[pyfunction(name = "factorization_natural_gradient")]
#[pyo3(signature = (
    factors, grad, *, method = "moore_penrose", rcond = None, cg_tolerance = 1e-10,
    cg_max_iterations = None
))]
fn py_factorization_natural_gradient(
    py: Python<'_>,
    factors: &Bound<'_, PyAny>,
    grad: &Bound<'_, PyAny>,
    method: &str,
    rcond: Option<f64>,
    cg_tolerance: f64,
    cg_max_iterations: Option<usize>,
) -> PyResult<PyFactorNaturalGradient> {
    let which = natural_direction_choice(method, rcond, cg_tolerance, cg_max_iterations)?;
    let (factors, grad) = factors_and_matrix(factors, grad, "grad")?;
    let grad = grad.as_array();
    let g = py
        .detach(|| natural_direction(&factors, grad, &which))
        .py_err()?;
    PyFactorNaturalGradient::new(py, g)
}

/// The brute-force reference `pinv(JᵀJ) Jᵀ vec G` (dense `(L·D²)²`); returns
/// `([G_1, …, G_L], rank)`. Small `D` only.
#[pyfunction(name = "dense_factorization_natural_gradient")]
#[pyo3(signature = (factors, grad, *, rcond = None))]
fn py_dense_factorization_natural_gradient<'py>(
    py: Python<'py>,
    factors: &Bound<'py, PyAny>,
    grad: &Bound<'py, PyAny>,
    rcond: Option<f64>,
) -> PyResult<(Bound<'py, PyList>, usize)> {
    let cutoff = cutoff(rcond)?;
    let (factors, grad) = factors_and_matrix(factors, grad, "grad")?;
    let grad = grad.as_array();
    let (directions, rank) = py
        .detach(|| ngd_fisher::factorization::dense_natural_gradient(&factors, grad, cutoff))
        .py_err()?;
    let arrays = directions.into_iter().map(|m| m.into_pyarray(py));
    Ok((PyList::new(py, arrays)?, rank))
}

/// Adds this file's functions and classes to the module.
///
/// # Errors
///
/// If a registration fails.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyFactorNaturalGradient>()?;
    m.add_function(wrap_pyfunction!(py_factorization_natural_gradient, m)?)?;
    m.add_function(wrap_pyfunction!(
        py_dense_factorization_natural_gradient,
        m
    )?)
}
