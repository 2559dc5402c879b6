//! `ngd.runs`: EGD / NGD runs through `ngd_optim::Executor`, returning trajectories as NumPy
//! arrays — of diagonal networks on the logistic loss (this file) and of any model of the open
//! engine ([`generic`]) — and the 2-D toy set.
//!
//! **GIL, callback and Ctrl-C.** A run executes on a worker thread with the GIL released
//! ([`interrupt::run_interruptible`]); the calling thread checks Python's signal handlers every
//! [`interrupt::POLL_INTERVAL`] and, when one raises (Ctrl-C), sets the executor's cancellation
//! flag, so the run stops between two steps and the exception is raised once the executor has
//! returned — the process stays usable. [`RecordingObserver`] records the trajectory at the
//! user's log-spaced schedule and calls the optional Python callback there; a callback that
//! raises stops the run the same way, one that returns `False` stops it quietly.

pub mod generic;
pub mod interrupt;
mod observer;
mod runner;

pub use observer::RecordingObserver;
pub use runner::{RunOptions, Runner, egd_step, stop_fields};

use crate::convert::{check_shape, float_array};
use crate::errors::{Kind, ToPyResult, raise};
use crate::models::PyDiagonalNet;
use crate::natural::cutoff;
use crate::natural::diagonal::route_name;
use ndarray::{Array1, Array2, Array3, Axis, Ix1, Ix2};
use ngd_fisher::DiagOptions;
use ngd_models::DiagonalNet;
use ngd_optim::{
    ClassificationProblem, DiagonalEgd, DiagonalNgd, Executor, FisherChoice, StepRule,
};
use numpy::{IntoPyArray, PyArray1, PyArray2, PyArray3, PyUntypedArrayMethods};
use pyo3::prelude::*;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The recorded trajectory of a run.
#[pyclass(name = "Trajectory", module = "ngd.runs", frozen, get_all)]
pub struct PyTrajectory {
    /// Recorded step counts `t`, `(T,)` (int64).
    steps: Py<PyArray1<i64>>,
    /// `L(w_t)` at the recorded steps, `(T,)`.
    losses: Py<PyArray1<f64>>,
    /// The weights `w_t`, `(T, L, D)`.
    weights: Py<PyArray3<f64>>,
    /// `β_t = w_1 ⊙ … ⊙ w_L`, `(T, D)`.
    betas: Py<PyArray2<f64>>,
    /// Why the run stopped: `"budget"`, `"loss_below"`, `"callback"` or `"diverged"`.
    stop: &'static str,
    /// Details of the stop (divergence cause, threshold step), or `None`.
    stop_detail: Option<String>,
    /// The step count of the final model.
    final_step: usize,
    /// The loss of the final model (`None` if the run diverged).
    final_loss: Option<f64>,
    /// The trained model (a copy; the model passed in is unchanged).
    model: Py<PyDiagonalNet>,
    /// NGD only: the route of the last step's solve (`"kernel"`, `"min_norm"`, …).
    last_route: Option<&'static str>,
}

#[pymethods]
impl PyTrajectory {
    fn __repr__(&self) -> String {
        let loss = self
            .final_loss
            .map_or_else(|| "None".to_string(), |l| format!("{l:e}"));
        format!(
            "Trajectory(stop={:?}, final_step={}, final_loss={loss})",
            self.stop, self.final_step
        )
    }
}

/// Everything a diagonal-network run needs besides its step rule.
pub struct RunSetup {
    model: DiagonalNet,
    problem: ClassificationProblem,
    runner: Runner<Ix2>,
}

/// Runs `rule` and assembles the trajectory.
fn execute<R>(py: Python<'_>, mut setup: RunSetup, rule: &mut R) -> PyResult<PyTrajectory>
where
    R: StepRule<DiagonalNet, ClassificationProblem> + Send,
{
    let outcome = setup.runner.run(
        py,
        rule,
        &mut setup.model,
        &setup.problem,
        |m: &DiagonalNet| m.weights().to_owned(),
    )?;
    let observer = &setup.runner.observer;
    let (l, d) = (setup.model.depth(), setup.model.dim());
    let mut weights = Array3::zeros((observer.states.len(), l, d));
    let mut betas = Array2::zeros((observer.states.len(), d));
    for (t, w) in observer.states.iter().enumerate() {
        weights.index_axis_mut(Axis(0), t).assign(w);
        betas
            .row_mut(t)
            .assign(&w.map_axis(Axis(0), |col| col.product()));
    }
    let steps: Array1<i64> = observer.steps.iter().map(|&s| s as i64).collect();
    let (stop, stop_detail) = stop_fields(&outcome.stop);
    let trajectory = PyTrajectory {
        steps: steps.into_pyarray(py).unbind(),
        losses: Array1::from(observer.losses.clone())
            .into_pyarray(py)
            .unbind(),
        weights: weights.into_pyarray(py).unbind(),
        betas: betas.into_pyarray(py).unbind(),
        stop,
        stop_detail,
        final_step: outcome.step,
        final_loss: outcome.final_loss,
        model: Py::new(py, PyDiagonalNet { inner: setup.model })?,
        last_route: None,
    };
    Ok(trajectory)
}

impl RunSetup {
    /// Reads the data (`x` with labels `y`, or signed data `X̃ = x` when `y` is `None`),
    /// copies the model and builds the runner.
    fn new(
        model: &PyDiagonalNet,
        x: &Bound<'_, PyAny>,
        y: Option<&Bound<'_, PyAny>>,
        options: RunOptions,
    ) -> PyResult<Self> {
        let d = model.inner.dim();
        let expected = format!("(N, D) = (N, {d})");
        let x_name = if y.is_some() { "x" } else { "x_signed" };
        let x = float_array::<Ix2>(x, x_name, &expected)?;
        check_shape(x_name, x.shape(), &[None, Some(d)], &expected)?;
        let problem = match y {
            None => ClassificationProblem::new(x.as_array().to_owned()).py_err()?,
            Some(y) => {
                let n = x.shape()[0];
                let expected = format!("(N,) = ({n},)");
                let y = float_array::<Ix1>(y, "y", &expected)?;
                check_shape("y", y.shape(), &[Some(n)], &expected)?;
                ClassificationProblem::from_labels(x.as_array(), y.as_array()).py_err()?
            }
        };
        Ok(Self {
            model: model.inner.clone(),
            problem,
            runner: Runner::new(options)?,
        })
    }
}

/// Full-batch EGD on the mean logistic loss from a copy of `model`: `w ← w − η_t ∇_w L`,
/// `η_t = lr` (`step="fixed"`) or `lr / L(w_t)` (`"loss_normalized"`, a time reparametrization
/// of the same flow). Data: `x` `(N, D)` with labels `y` in {−1, +1}, or signed data
/// `X̃ = diag(y) X` as `x` when `y` is `None`. Records log-spaced steps (`points_per_decade`)
/// and the last; calls `callback(step, loss, weights)` at each (return `False` to stop).
#[pyfunction(name = "egd")]
#[pyo3(signature = (
    model, x, y = None, *, lr, steps, step = "fixed", loss_below = None,
    divergence_factor = Some(Executor::DEFAULT_DIVERGENCE_FACTOR), points_per_decade = 10,
    callback = None
))]
#[allow(clippy::too_many_arguments)]
fn py_egd(
    py: Python<'_>,
    model: PyRef<'_, PyDiagonalNet>,
    x: &Bound<'_, PyAny>,
    y: Option<&Bound<'_, PyAny>>,
    lr: f64,
    steps: usize,
    step: &str,
    loss_below: Option<f64>,
    divergence_factor: Option<f64>,
    points_per_decade: usize,
    callback: Option<Py<PyAny>>,
) -> PyResult<PyTrajectory> {
    let step = egd_step(step, lr)?;
    let options = RunOptions {
        steps,
        loss_below,
        divergence_factor,
        points_per_decade,
        callback,
    };
    let setup = RunSetup::new(&model, x, y, options)?;
    let mut rule = DiagonalEgd::new(step, model.inner.depth(), model.inner.dim()).py_err()?;
    execute(py, setup, &mut rule)
}

/// Full-batch NGD with a fixed step `lr` from a copy of `model`: `w ← w − lr · g` with the
/// natural gradient of `diag_natural_gradient` (`route`, `rcond`), or of
/// `population_natural_gradient` when `x_population` `(M, D)` is given. Data, recording and
/// callback as in `egd`.
#[pyfunction(name = "ngd")]
#[pyo3(signature = (
    model, x, y = None, *, lr, steps, route = "auto", rcond = None, x_population = None,
    loss_below = None, divergence_factor = Some(Executor::DEFAULT_DIVERGENCE_FACTOR),
    points_per_decade = 10, callback = None
))]
#[allow(clippy::too_many_arguments)]
fn py_ngd(
    py: Python<'_>,
    model: PyRef<'_, PyDiagonalNet>,
    x: &Bound<'_, PyAny>,
    y: Option<&Bound<'_, PyAny>>,
    lr: f64,
    steps: usize,
    route: &str,
    rcond: Option<f64>,
    x_population: Option<&Bound<'_, PyAny>>,
    loss_below: Option<f64>,
    divergence_factor: Option<f64>,
    points_per_decade: usize,
    callback: Option<Py<PyAny>>,
) -> PyResult<PyTrajectory> {
    let cutoff = cutoff(rcond)?;
    let fisher = match x_population {
        None => FisherChoice::Sample(DiagOptions {
            cutoff,
            route: crate::natural::diagonal::route_choice(route)?,
        }),
        Some(xp) => {
            let d = model.inner.dim();
            let expected = format!("(M, D) = (M, {d})");
            let xp = float_array::<Ix2>(xp, "x_population", &expected)?;
            check_shape("x_population", xp.shape(), &[None, Some(d)], &expected)?;
            if route != "auto" {
                return Err(raise(
                    Kind::Invalid,
                    "route: the population Fisher has one route; leave route=\"auto\"",
                ));
            }
            FisherChoice::Population {
                inputs: xp.as_array().to_owned(),
                cutoff,
            }
        }
    };
    let options = RunOptions {
        steps,
        loss_below,
        divergence_factor,
        points_per_decade,
        callback,
    };
    let setup = RunSetup::new(&model, x, y, options)?;
    let mut rule = DiagonalNgd::new(lr, fisher).py_err()?;
    let mut trajectory = execute(py, setup, &mut rule)?;
    trajectory.last_route = rule.last_route().map(|(r, _, _)| route_name(r));
    Ok(trajectory)
}

/// The 2-D toy set of the paper's Fig. 2 (10 points per class, drawn from Xoshiro256++ seeded
/// with `seed`): returns `(x, y)`, `x` `(20, 2)`, `y` `(20,)` in {−1, +1}.
#[pyfunction(name = "toy_2d")]
fn py_toy_2d<'py>(
    py: Python<'py>,
    seed: u64,
) -> (Bound<'py, PyArray2<f64>>, Bound<'py, PyArray1<f64>>) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let data = ngd_data::toy_2d(&mut rng);
    (data.x.into_pyarray(py), data.y.into_pyarray(py))
}

/// Adds this file's functions and classes to the module.
///
/// # Errors
///
/// If a registration fails.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyTrajectory>()?;
    m.add_function(wrap_pyfunction!(py_egd, m)?)?;
    m.add_function(wrap_pyfunction!(py_ngd, m)?)?;
    m.add_function(wrap_pyfunction!(py_toy_2d, m)?)?;
    generic::register(m)
}
