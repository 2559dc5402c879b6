//! `ngd.fisher.natural_gradient_generic` and the tangent kernels of any model
//! (`ngd_fisher::generic`), on NumPy arrays, with the GIL released.
//!
//! With the output Jacobian `J = ∂s/∂w` (`N × P`) and the output Fisher weights `S`, the exact
//! natural gradient is `g = C⁺ ∇_w L` with `C = Jᵀ S J` (the Fisher, the paper's Eq. (3)) or the
//! empirical Fisher; damped, `(C + λI)⁻¹ ∇_w L`; approximations replace `C` by its diagonal,
//! its per-layer blocks, or K-FAC's Kronecker factors (deep linear net). A model linear in its
//! input goes through the parametrization routes (rank bound `min(D, P)`, QR when `D < N`).

use super::direction::{DirectionArgs, output_loss, route_label};
use super::models::{PyModel, read_vector};
use crate::errors::ToPyResult;
use crate::natural::cutoff;
use ngd_fisher::generic::{
    GenericNaturalGradient, Samples, damped_natural_gradient_parametrization,
    natural_gradient_parametrization, natural_tangent_kernel, tangent_kernel,
};
use ngd_optim::{GenericDirection, GenericNgd, NetworkProblem, NgdStepSize};
use numpy::{IntoPyArray, PyArray1, PyArray2, PyUntypedArrayMethods};
use pyo3::prelude::*;

/// A generic natural gradient and how it was computed.
#[pyclass(
    name = "GenericNaturalGradient",
    module = "ngd.fisher",
    frozen,
    get_all
)]
pub struct PyGenericNaturalGradient {
    /// The direction `g`, `(P,)`; step `w ← w − η g`.
    direction: Py<PyArray1<f64>>,
    /// The route that ran (`"kernel"`, `"least_squares"`, `"min_norm"`,
    /// `"damped_output_space"`, `"diagonal"`, `"block"`, `"kfac"`, …).
    route: String,
    /// The number of eigenvalues of the curvature kept (damped: `P`).
    rank: usize,
    /// `κ = λ_max / λ_min` over the kept spectrum (damped: `(λ_max + λ)/(λ_min + λ)`; K-FAC:
    /// NaN); expect about `κ ε` relative accuracy.
    condition: f64,
    /// The largest eigenvalue of the curvature (NaN for K-FAC).
    largest_eigenvalue: f64,
    /// The absolute damping λ applied (0 for Moore–Penrose).
    damping: f64,
    /// The route tried first when the automatic choice fell back, else `None`.
    fallback_from: Option<String>,
}

impl PyGenericNaturalGradient {
    /// Converts the Rust result.
    pub fn new(py: Python<'_>, g: GenericNaturalGradient) -> Self {
        Self {
            direction: g.direction.into_pyarray(py).unbind(),
            route: route_label(g.route),
            rank: g.rank,
            condition: g.condition,
            largest_eigenvalue: g.largest_eigenvalue,
            damping: g.damping,
            fallback_from: g.fallback_from.map(|r| route_label(r.label())),
        }
    }
}

#[pymethods]
impl PyGenericNaturalGradient {
    fn __repr__(&self) -> String {
        format!(
            "GenericNaturalGradient(route={:?}, rank={}, condition={:e})",
            self.route, self.rank, self.condition
        )
    }
}

/// The natural gradient of `model` at `w` on data `x` `(N, D)` with targets `y` `(N,)`.
#[pyfunction(name = "natural_gradient_generic")]
#[pyo3(signature = (
    model, w, x, y, *, loss = "logistic", route = "auto", rcond = None, damping = None,
    relative_damping = None, curvature = "fisher", approximation = None,
    kfac_damping = "heuristic"
))]
#[allow(clippy::too_many_arguments)]
fn py_natural_gradient_generic(
    py: Python<'_>,
    model: PyRef<'_, PyModel>,
    w: &Bound<'_, PyAny>,
    x: &Bound<'_, PyAny>,
    y: &Bound<'_, PyAny>,
    loss: &str,
    route: &str,
    rcond: Option<f64>,
    damping: Option<f64>,
    relative_damping: Option<f64>,
    curvature: &str,
    approximation: Option<&str>,
    kfac_damping: &str,
) -> PyResult<PyGenericNaturalGradient> {
    let loss = output_loss(loss)?;
    let args = DirectionArgs {
        route,
        rcond,
        damping,
        relative_damping,
        curvature,
        approximation,
        kfac_damping,
    };
    let direction = args.direction(&model)?;
    let w = model.read_params(w, "w")?;
    let x = model.read_inputs(x)?;
    let y = read_vector(y, "y", x.shape()[0], "N")?;
    let (w, x, y) = (w.as_array(), x.as_array(), y.as_array());
    let model = &*model;
    let result = py.detach(|| -> PyResult<GenericNaturalGradient> {
        let samples = Samples::new(x, y, loss).py_err()?;
        match (&direction, &model.parametrization) {
            (GenericDirection::Exact(options), Some(p)) => {
                natural_gradient_parametrization(p, w, &samples, options).py_err()
            }
            (GenericDirection::Damped { damping, curvature }, Some(p)) => {
                damped_natural_gradient_parametrization(p, w, &samples, *damping, *curvature)
                    .py_err()
            }
            _ => {
                let problem =
                    NetworkProblem::new(model.network.clone(), x.to_owned(), y.to_owned(), loss)
                        .py_err()?;
                let rule = GenericNgd::new(direction.clone(), NgdStepSize::Fixed(1.0)).py_err()?;
                rule.direction(&problem, w).py_err()
            }
        }
    })?;
    Ok(PyGenericNaturalGradient::new(py, result))
}

/// The empirical NTK `Θ = J Jᵀ` `(N, N)` of `model` at `w` on `x`.
#[pyfunction(name = "tangent_kernel")]
fn py_tangent_kernel<'py>(
    py: Python<'py>,
    model: PyRef<'py, PyModel>,
    w: &Bound<'py, PyAny>,
    x: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyArray2<f64>>> {
    let w = model.read_params(w, "w")?;
    let x = model.read_inputs(x)?;
    let (w, x) = (w.as_array(), x.as_array());
    let network = &model.network;
    let theta = py.detach(|| tangent_kernel(network, w, x)).py_err()?;
    Ok(theta.into_pyarray(py))
}

/// The natural NTK `Θ_nat = S^{−1/2} P S^{1/2}` `(N, N)` of the Fisher at `w` (`J g = Θ_nat r`).
#[pyfunction(name = "natural_tangent_kernel")]
#[pyo3(signature = (model, w, x, y, *, loss = "logistic", rcond = None))]
fn py_natural_tangent_kernel<'py>(
    py: Python<'py>,
    model: PyRef<'py, PyModel>,
    w: &Bound<'py, PyAny>,
    x: &Bound<'py, PyAny>,
    y: &Bound<'py, PyAny>,
    loss: &str,
    rcond: Option<f64>,
) -> PyResult<Bound<'py, PyArray2<f64>>> {
    let (loss, cutoff) = (output_loss(loss)?, cutoff(rcond)?);
    let w = model.read_params(w, "w")?;
    let x = model.read_inputs(x)?;
    let y = read_vector(y, "y", x.shape()[0], "N")?;
    let (w, x, y) = (w.as_array(), x.as_array(), y.as_array());
    let network = &model.network;
    let theta = py.detach(|| {
        let samples = Samples::new(x, y, loss)?;
        natural_tangent_kernel(network, w, &samples, cutoff)
    });
    Ok(theta.py_err()?.into_pyarray(py))
}

/// Adds this file's functions and classes to the module.
///
/// # Errors
/// If a registration fails.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyGenericNaturalGradient>()?;
    m.add_function(wrap_pyfunction!(py_natural_gradient_generic, m)?)?;
    m.add_function(wrap_pyfunction!(py_tangent_kernel, m)?)?;
    m.add_function(wrap_pyfunction!(py_natural_tangent_kernel, m)?)
}
