//! `ngd.runs.egd_generic` / `ngd.runs.ngd_generic`: EGD (`ngd_optim::NetworkEgd`) and NGD
//! (`ngd_optim::GenericNgd`, every direction) of any model of the open engine on a
//! `NetworkProblem`, through the same runner as the diagonal runs (recording, callback,
//! Ctrl-C through the executor's cancellation flag).

use super::{RunOptions, Runner, egd_step, stop_fields};
use crate::errors::{Kind, ToPyResult, raise};
use crate::generic::direction::{DirectionArgs, output_loss, route_label};
use crate::generic::models::{PyModel, read_vector};
use crate::generic::shared::SharedNetwork;
use ndarray::{Array1, Array2, Ix1};
use ngd_optim::{Executor, GenericNgd, NetworkEgd, NetworkProblem, NgdStepSize, StepRule};
use numpy::{IntoPyArray, PyArray1, PyArray2, PyUntypedArrayMethods};
use pyo3::prelude::*;

/// The recorded trajectory of a run of any model.
#[pyclass(name = "GenericTrajectory", module = "ngd.runs", frozen, get_all)]
pub struct PyGenericTrajectory {
    /// Recorded step counts `t`, `(T,)` (int64).
    steps: Py<PyArray1<i64>>,
    /// `L(w_t)` at the recorded steps, `(T,)`.
    losses: Py<PyArray1<f64>>,
    /// The parameters `w_t`, `(T, P)`.
    params: Py<PyArray2<f64>>,
    /// Why the run stopped: `"budget"`, `"loss_below"`, `"callback"`, `"cancelled"` or
    /// `"diverged"`.
    stop: &'static str,
    /// Details of the stop, or `None`.
    stop_detail: Option<String>,
    /// The step count of the final parameters.
    final_step: usize,
    /// The loss of the final parameters (`None` if the run diverged).
    final_loss: Option<f64>,
    /// The final parameters `(P,)`.
    final_params: Py<PyArray1<f64>>,
    /// NGD only: the route of the last step's direction.
    last_route: Option<String>,
    /// NGD only: the last step's effective rank.
    last_rank: Option<usize>,
    /// NGD only: the last step's condition number.
    last_condition: Option<f64>,
}

#[pymethods]
impl PyGenericTrajectory {
    fn __repr__(&self) -> String {
        let loss = self
            .final_loss
            .map_or_else(|| "None".to_string(), |l| format!("{l:e}"));
        format!(
            "GenericTrajectory(stop={:?}, final_step={}, final_loss={loss})",
            self.stop, self.final_step
        )
    }
}

/// Reads the problem and the initial parameters, runs `rule`, assembles the trajectory.
#[allow(clippy::too_many_arguments)]
fn run_generic<R>(
    py: Python<'_>,
    model: &PyModel,
    w0: &Bound<'_, PyAny>,
    x: &Bound<'_, PyAny>,
    y: &Bound<'_, PyAny>,
    loss: &str,
    options: RunOptions,
    rule: &mut R,
) -> PyResult<PyGenericTrajectory>
where
    R: StepRule<Array1<f64>, NetworkProblem<SharedNetwork>> + Send,
{
    let loss = output_loss(loss)?;
    let mut w = model.read_params(w0, "w0")?.as_array().to_owned();
    let x = model.read_inputs(x)?;
    let y = read_vector(y, "y", x.shape()[0], "N")?;
    let network = model.network.clone();
    let problem = NetworkProblem::new(
        network,
        x.as_array().to_owned(),
        y.as_array().to_owned(),
        loss,
    )
    .py_err()?;
    let mut runner = Runner::<Ix1>::new(options)?;
    let outcome = runner.run(py, rule, &mut w, &problem, Array1::clone)?;
    let observer = &runner.observer;
    let mut params = Array2::zeros((observer.states.len(), w.len()));
    for (mut row, state) in params.rows_mut().into_iter().zip(&observer.states) {
        row.assign(state);
    }
    let steps: Array1<i64> = observer.steps.iter().map(|&s| s as i64).collect();
    let (stop, stop_detail) = stop_fields(&outcome.stop);
    Ok(PyGenericTrajectory {
        steps: steps.into_pyarray(py).unbind(),
        losses: Array1::from(observer.losses.clone())
            .into_pyarray(py)
            .unbind(),
        params: params.into_pyarray(py).unbind(),
        stop,
        stop_detail,
        final_step: outcome.step,
        final_loss: outcome.final_loss,
        final_params: w.into_pyarray(py).unbind(),
        last_route: None,
        last_rank: None,
        last_condition: None,
    })
}

/// Full-batch EGD of any model from `w0`: `w ← w − η_t ∇_w L`, `η_t = lr` (`step="fixed"`) or
/// `lr / L(w_t)` (`"loss_normalized"`). Records log-spaced steps and the last; calls
/// `callback(step, loss, w)` there (return `False` to stop).
#[pyfunction(name = "egd_generic")]
#[pyo3(signature = (
    model, w0, x, y, *, lr, steps, loss = "logistic", step = "fixed", loss_below = None,
    divergence_factor = Some(Executor::DEFAULT_DIVERGENCE_FACTOR), points_per_decade = 10,
    callback = None
))]
#[allow(clippy::too_many_arguments)]
fn py_egd_generic(
    py: Python<'_>,
    model: PyRef<'_, PyModel>,
    w0: &Bound<'_, PyAny>,
    x: &Bound<'_, PyAny>,
    y: &Bound<'_, PyAny>,
    lr: f64,
    steps: usize,
    loss: &str,
    step: &str,
    loss_below: Option<f64>,
    divergence_factor: Option<f64>,
    points_per_decade: usize,
    callback: Option<Py<PyAny>>,
) -> PyResult<PyGenericTrajectory> {
    let step = egd_step(step, lr)?;
    let mut rule = NetworkEgd::new(step).py_err()?;
    let options = RunOptions {
        steps,
        loss_below,
        divergence_factor,
        points_per_decade,
        callback,
    };
    run_generic(py, &model, w0, x, y, loss, options, &mut rule)
}

/// Full-batch NGD of any model from `w0` with the direction of `natural_gradient_generic`
/// (same arguments) and the step size `step_size`: `"fixed"` (`η = lr`), `"backtracking"`
/// (Armijo, at most `lr`) or `"relative_cap"` (`η = min(lr, cap ‖w‖/‖g‖)`).
#[pyfunction(name = "ngd_generic")]
#[pyo3(signature = (
    model, w0, x, y, *, lr, steps, loss = "logistic", step_size = "fixed", cap = None,
    route = "auto", rcond = None, damping = None, relative_damping = None, curvature = "fisher",
    approximation = None, kfac_damping = "heuristic", loss_below = None,
    divergence_factor = Some(Executor::DEFAULT_DIVERGENCE_FACTOR), points_per_decade = 10,
    callback = None
))]
#[allow(clippy::too_many_arguments)]
fn py_ngd_generic(
    py: Python<'_>,
    model: PyRef<'_, PyModel>,
    w0: &Bound<'_, PyAny>,
    x: &Bound<'_, PyAny>,
    y: &Bound<'_, PyAny>,
    lr: f64,
    steps: usize,
    loss: &str,
    step_size: &str,
    cap: Option<f64>,
    route: &str,
    rcond: Option<f64>,
    damping: Option<f64>,
    relative_damping: Option<f64>,
    curvature: &str,
    approximation: Option<&str>,
    kfac_damping: &str,
    loss_below: Option<f64>,
    divergence_factor: Option<f64>,
    points_per_decade: usize,
    callback: Option<Py<PyAny>>,
) -> PyResult<PyGenericTrajectory> {
    let step = match (step_size, cap) {
        ("fixed", None) => NgdStepSize::Fixed(lr),
        ("backtracking", None) => NgdStepSize::Backtracking { max: lr },
        ("relative_cap", Some(cap)) => NgdStepSize::RelativeCap { max: lr, cap },
        ("relative_cap", None) => {
            return Err(raise(
                Kind::Invalid,
                "cap: step_size=\"relative_cap\" needs cap",
            ));
        }
        ("fixed" | "backtracking", Some(_)) => {
            return Err(raise(
                Kind::Invalid,
                "cap: only for step_size=\"relative_cap\"",
            ));
        }
        (other, _) => {
            return Err(raise(
                Kind::Invalid,
                format!(
                    "step_size: unknown step size {other:?} (allowed: fixed, backtracking, \
                     relative_cap)"
                ),
            ));
        }
    };
    let args = DirectionArgs {
        route,
        rcond,
        damping,
        relative_damping,
        curvature,
        approximation,
        kfac_damping,
    };
    let mut rule = GenericNgd::new(args.direction(&model)?, step).py_err()?;
    let options = RunOptions {
        steps,
        loss_below,
        divergence_factor,
        points_per_decade,
        callback,
    };
    let mut trajectory = run_generic(py, &model, w0, x, y, loss, options, &mut rule)?;
    if let Some(last) = rule.last_step() {
        trajectory.last_route = Some(route_label(last.route));
        trajectory.last_rank = Some(last.rank);
        trajectory.last_condition = Some(last.condition);
    }
    Ok(trajectory)
}

/// Adds this file's functions and classes to the module.
///
/// # Errors
/// If a registration fails.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyGenericTrajectory>()?;
    m.add_function(wrap_pyfunction!(py_egd_generic, m)?)?;
    m.add_function(wrap_pyfunction!(py_ngd_generic, m)?)
}
