//! Natural gradients of diagonal networks (`ngd_fisher::diagonal`) on NumPy arrays.
//!
//! Inputs as in the Rust crate: signed data `X̃ = diag(y) X` `(N, D)`, margins `u = X̃ β` `(N,)`,
//! cofactors `c_l = ∏_{k≠l} w_k` `(L, D)`. The result `g` `(L, D)` is an ascent direction:
//! step `w ← w − η g`.

use super::cutoff;
use crate::convert::{check_shape, float_array};
use crate::errors::{Kind, ToPyResult, raise};
use ndarray::{ArrayView1, ArrayView2, Ix1, Ix2};
use ngd_fisher::diagonal::{dense_natural_gradient, population_natural_gradient};
use ngd_fisher::{DiagNaturalGradient, DiagOptions, Route, RouteChoice, diag_natural_gradient};
use numpy::{IntoPyArray, PyArray2, PyReadonlyArray1, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::prelude::*;

/// The route names of the Python API, in the order of [`Route`]'s variants.
const ROUTES: [(&str, Route); 6] = [
    ("kernel", Route::Kernel),
    ("weighted", Route::Weighted),
    ("min_norm", Route::MinNorm),
    ("paper_layerwise", Route::PaperLayerwise),
    ("dense_beta", Route::DenseBeta),
    ("population", Route::Population),
];

/// The Python name of a route.
pub fn route_name(route: Route) -> &'static str {
    ROUTES
        .iter()
        .find(|(_, r)| *r == route)
        .map_or("unknown", |(name, _)| name)
}

/// The route choice from its Python name (`"auto"` or a route name other than `population`).
///
/// # Errors
///
/// `ngd.InvalidArgumentError` for an unknown name.
pub fn route_choice(name: &str) -> PyResult<RouteChoice> {
    if name == "auto" {
        return Ok(RouteChoice::Auto);
    }
    ROUTES
        .iter()
        .find(|(n, r)| *n == name && *r != Route::Population)
        .map(|(_, r)| RouteChoice::Force(*r))
        .ok_or_else(|| {
            raise(
                Kind::Invalid,
                format!(
                    "route: unknown route {name:?} (allowed: auto, kernel, weighted, min_norm, \
                     paper_layerwise, dense_beta; the population Fisher has its own function, \
                     population_natural_gradient)"
                ),
            )
        })
}

/// A natural gradient of a diagonal network and how it was computed.
#[pyclass(name = "DiagNaturalGradient", module = "ngd.fisher", frozen, get_all)]
pub struct PyDiagNaturalGradient {
    /// The direction `g`, `(L, D)`; step `w ← w − η g`.
    direction: Py<PyArray2<f64>>,
    /// The route that ran (`"kernel"`, `"weighted"`, `"min_norm"`, …).
    route: &'static str,
    /// The effective rank of the system solved.
    rank: usize,
    /// The route `"auto"` tried first when it fell back to `"min_norm"`, else `None`.
    fallback_from: Option<&'static str>,
    /// The condition estimate of the matrix the route factored (`κ(K)` for the kernel route,
    /// …); the error bound below is proportional to it.
    condition: f64,
    /// The estimated relative error of the direction (`≈ κ ε` and the residual check of
    /// `ngd_fisher::diagonal`); a solve above the library's bound is an error instead.
    accuracy: f64,
}

#[pymethods]
impl PyDiagNaturalGradient {
    fn __repr__(&self) -> String {
        format!(
            "DiagNaturalGradient(route={:?}, rank={}, condition={:e}, accuracy={:e}, \
             fallback_from={})",
            self.route,
            self.rank,
            self.condition,
            self.accuracy,
            self.fallback_from
                .map_or_else(|| "None".to_string(), |r| format!("{r:?}"))
        )
    }
}

impl PyDiagNaturalGradient {
    fn new(py: Python<'_>, g: DiagNaturalGradient) -> Self {
        Self {
            direction: g.direction.into_pyarray(py).unbind(),
            route: route_name(g.route),
            rank: g.rank,
            fallback_from: g.fallback_from.map(route_name),
            condition: g.condition,
            accuracy: g.accuracy,
        }
    }
}

/// The training inputs of every diagonal-network natural gradient, shape-checked against each
/// other with errors naming the Python arguments.
pub struct DiagInputs<'py> {
    /// `X̃`, `(N, D)`.
    pub x_signed: PyReadonlyArray2<'py, f64>,
    /// `u`, `(N,)`.
    pub margins: PyReadonlyArray1<'py, f64>,
    /// `c`, `(L, D)`.
    pub cofactors: PyReadonlyArray2<'py, f64>,
}

impl<'py> DiagInputs<'py> {
    /// Reads and checks the three arrays.
    ///
    /// # Errors
    ///
    /// `TypeError` / `ngd.ShapeError` as in [`float_array`] and [`check_shape`].
    pub fn read(
        x_signed: &Bound<'py, PyAny>,
        margins: &Bound<'py, PyAny>,
        cofactors: &Bound<'py, PyAny>,
    ) -> PyResult<Self> {
        let (x_signed, margins) = read_data(x_signed, margins)?;
        let cofactors = read_cofactors(cofactors, x_signed.as_array().ncols())?;
        Ok(Self {
            x_signed,
            margins,
            cofactors,
        })
    }

    /// The three views.
    pub fn views(
        &self,
    ) -> (
        ArrayView2<'_, f64>,
        ArrayView1<'_, f64>,
        ArrayView2<'_, f64>,
    ) {
        (
            self.x_signed.as_array(),
            self.margins.as_array(),
            self.cofactors.as_array(),
        )
    }
}

/// Reads `x_signed` `(N, D)` and `margins` `(N,)`.
///
/// # Errors
///
/// `TypeError` / `ngd.ShapeError` as in [`float_array`] and [`check_shape`].
pub fn read_data<'py>(
    x_signed: &Bound<'py, PyAny>,
    margins: &Bound<'py, PyAny>,
) -> PyResult<(PyReadonlyArray2<'py, f64>, PyReadonlyArray1<'py, f64>)> {
    let x_signed = float_array::<Ix2>(x_signed, "x_signed", "(N, D)")?;
    let n = x_signed.as_array().nrows();
    let expected = format!("(N,) = ({n},)");
    let margins = float_array::<Ix1>(margins, "margins", &expected)?;
    check_shape("margins", margins.shape(), &[Some(n)], &expected)?;
    Ok((x_signed, margins))
}

/// Reads `cofactors` `(L, D)` for data of dimension `d`.
///
/// # Errors
///
/// `TypeError` / `ngd.ShapeError` as in [`float_array`] and [`check_shape`].
pub fn read_cofactors<'py>(
    cofactors: &Bound<'py, PyAny>,
    d: usize,
) -> PyResult<PyReadonlyArray2<'py, f64>> {
    let expected = format!("(L, D) = (L, {d})");
    let cofactors = float_array::<Ix2>(cofactors, "cofactors", &expected)?;
    check_shape("cofactors", cofactors.shape(), &[None, Some(d)], &expected)?;
    Ok(cofactors)
}

/// The natural gradient `g = F(w)⁺ ∇_w L` of the mean logistic loss of a diagonal network
/// (Moore–Penrose for the `kernel` / `weighted` / `min_norm` routes; see the stub for each
/// route's cost and validity). `route="auto"` runs `kernel` (N ≤ D) or `weighted` (N > D) and
/// falls back to `min_norm` on rank deficiency; a forced route errors instead. `rcond` is the
/// relative singular-value cut-off (`None`: `max(rows, cols) · ε`).
#[pyfunction(name = "diag_natural_gradient")]
#[pyo3(signature = (x_signed, margins, cofactors, *, route = "auto", rcond = None))]
fn py_diag_natural_gradient(
    py: Python<'_>,
    x_signed: &Bound<'_, PyAny>,
    margins: &Bound<'_, PyAny>,
    cofactors: &Bound<'_, PyAny>,
    route: &str,
    rcond: Option<f64>,
) -> PyResult<PyDiagNaturalGradient> {
    let options = DiagOptions {
        cutoff: cutoff(rcond)?,
        route: route_choice(route)?,
    };
    let inputs = DiagInputs::read(x_signed, margins, cofactors)?;
    let (x, u, c) = inputs.views();
    let g = py
        .detach(|| diag_natural_gradient(x, u, c, &options))
        .py_err()?;
    Ok(PyDiagNaturalGradient::new(py, g))
}

/// The population-Fisher natural gradient `g_l = c_l ⊙ F_pop(β)⁻¹ ∇_β L / s` with the Fisher
/// estimated on the unlabelled inputs `x_population` `(M, D)`, `M ≥ D`, at `beta` `(D,)`.
#[pyfunction(name = "population_natural_gradient")]
#[pyo3(signature = (x_signed, margins, cofactors, x_population, beta, *, rcond = None))]
fn py_population_natural_gradient(
    py: Python<'_>,
    x_signed: &Bound<'_, PyAny>,
    margins: &Bound<'_, PyAny>,
    cofactors: &Bound<'_, PyAny>,
    x_population: &Bound<'_, PyAny>,
    beta: &Bound<'_, PyAny>,
    rcond: Option<f64>,
) -> PyResult<PyDiagNaturalGradient> {
    let cutoff = cutoff(rcond)?;
    let inputs = DiagInputs::read(x_signed, margins, cofactors)?;
    let d = inputs.x_signed.shape()[1];
    let expected = format!("(M, D) = (M, {d})");
    let xp = float_array::<Ix2>(x_population, "x_population", &expected)?;
    check_shape("x_population", xp.shape(), &[None, Some(d)], &expected)?;
    let expected = format!("(D,) = ({d},)");
    let beta = float_array::<Ix1>(beta, "beta", &expected)?;
    check_shape("beta", beta.shape(), &[Some(d)], &expected)?;
    let (x, u, c) = inputs.views();
    let (xp, beta) = (xp.as_array(), beta.as_array());
    let g = py
        .detach(|| population_natural_gradient(x, u, c, xp, beta, cutoff))
        .py_err()?;
    Ok(PyDiagNaturalGradient::new(py, g))
}

/// The brute-force reference `pinv(F(w)) ∇_w L` with `F(w) = Jᵀ F(β) J` formed densely
/// (`(L·D)²` memory); returns `(g, rank F(w))`. Small problems only.
#[pyfunction(name = "dense_natural_gradient")]
#[pyo3(signature = (x_signed, margins, cofactors, *, rcond = None))]
fn py_dense_natural_gradient<'py>(
    py: Python<'py>,
    x_signed: &Bound<'py, PyAny>,
    margins: &Bound<'py, PyAny>,
    cofactors: &Bound<'py, PyAny>,
    rcond: Option<f64>,
) -> PyResult<(Bound<'py, PyArray2<f64>>, usize)> {
    let cutoff = cutoff(rcond)?;
    let inputs = DiagInputs::read(x_signed, margins, cofactors)?;
    let (x, u, c) = inputs.views();
    let (g, rank) = py
        .detach(|| dense_natural_gradient(x, u, c, cutoff))
        .py_err()?;
    Ok((g.into_pyarray(py), rank))
}

/// Adds this file's functions and classes to the module.
///
/// # Errors
///
/// If a registration fails.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyDiagNaturalGradient>()?;
    m.add_function(wrap_pyfunction!(py_diag_natural_gradient, m)?)?;
    m.add_function(wrap_pyfunction!(py_population_natural_gradient, m)?)?;
    m.add_function(wrap_pyfunction!(py_dense_natural_gradient, m)?)
}
