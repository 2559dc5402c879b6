//! The run loop shared by every binding run: [`RunOptions`] (the Python arguments of every
//! run), [`Runner`] (the executor with its cancellation flag, the recording observer, the
//! interruptible run on a worker thread) and the Python names of the stops.

use super::interrupt::run_interruptible;
use super::observer::RecordingObserver;
use crate::errors::{Kind, ToPyResult, raise};
use ndarray::{Array, Dimension};
use ngd_optim::{
    DiagonalStep, Executor, LogSchedule, Objective, Observer, Outcome, Parameters, Resume,
    StepRule, Stop,
};
use pyo3::prelude::*;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// The Python names of a stop: `"budget"`, `"loss_below"`, `"callback"`, `"cancelled"` or
/// `"diverged"`, with details.
pub fn stop_fields(stop: &Stop) -> (&'static str, Option<String>) {
    match stop {
        Stop::Budget => ("budget", None),
        Stop::LossBelow { step, loss } => (
            "loss_below",
            Some(format!("L(w_{step}) = {loss:e} ≤ threshold")),
        ),
        Stop::Observer => ("callback", None),
        Stop::Cancelled => ("cancelled", None),
        Stop::Diverged { step, cause } => ("diverged", Some(format!("step {step}: {cause:?}"))),
    }
}

/// The options every run takes from Python besides its model, data and rule.
pub struct RunOptions {
    /// The step budget.
    pub steps: usize,
    /// Stop once `L(w_t)` is at most this.
    pub loss_below: Option<f64>,
    /// Divergence when `L(w_t) > factor · L(w_0)`.
    pub divergence_factor: Option<f64>,
    /// The recording density (log-spaced steps).
    pub points_per_decade: usize,
    /// `callback(step, loss, state)` at each recorded step.
    pub callback: Option<Py<PyAny>>,
}

/// The executor, its cancellation flag and the observer of one run.
pub struct Runner<A: Dimension> {
    executor: Executor,
    cancel: Arc<AtomicBool>,
    /// The recorder (read the trajectory from it after [`Runner::run`]).
    pub observer: RecordingObserver<A>,
}

impl<A: Dimension> Runner<A> {
    /// Builds the executor (budget, thresholds, the recording schedule, the cancellation
    /// flag) and the observer.
    ///
    /// # Errors
    /// `ngd.InvalidArgumentError` for `points_per_decade = 0`.
    pub fn new(options: RunOptions) -> PyResult<Self> {
        let record = LogSchedule::new(options.points_per_decade).py_err()?;
        let observer = RecordingObserver::new(record, options.steps, options.callback);
        let cancel = Arc::new(AtomicBool::new(false));
        let mut executor = Executor::new(options.steps)
            .schedule(observer.schedule())
            .divergence_factor(options.divergence_factor)
            .cancel_when(Arc::clone(&cancel));
        if let Some(threshold) = options.loss_below {
            executor = executor.loss_below(threshold);
        }
        Ok(Self {
            executor,
            cancel,
            observer,
        })
    }

    /// Runs `rule` from `model` (updated in place) on a worker thread with the GIL released
    /// (see [`super::interrupt`]), then records the final state (`snapshot`) if not recorded yet.
    ///
    /// # Errors
    /// The exception of a signal handler (`KeyboardInterrupt`) or of the callback; the rule's
    /// errors.
    pub fn run<M, P, R>(
        &mut self,
        py: Python<'_>,
        rule: &mut R,
        model: &mut M,
        problem: &P,
        snapshot: impl Fn(&M) -> Array<f64, A>,
    ) -> PyResult<Outcome>
    where
        M: Parameters + Send,
        P: Objective<M> + Sync,
        R: StepRule<M, P> + Send,
        RecordingObserver<A>: Observer<M> + Send,
    {
        let Self {
            executor,
            cancel,
            observer,
        } = self;
        let (outcome, interrupt) = run_interruptible(py, cancel, || {
            executor.run(rule, model, problem, Resume::fresh(), observer)
        });
        if let Some(error) = interrupt.or_else(|| observer.error.take()) {
            return Err(error);
        }
        let outcome = outcome.py_err()?;
        if let (Some(loss), true) = (
            outcome.final_loss,
            observer.steps.last() != Some(&outcome.step),
        ) {
            observer.push(py, outcome.step, loss, snapshot(model));
            if let Some(error) = observer.error.take() {
                return Err(error);
            }
        }
        Ok(outcome)
    }
}

/// The EGD step-size rule from its Python name: `"fixed"` (`η_t = lr`) or `"loss_normalized"`
/// (`η_t = lr / L(w_t)`).
///
/// # Errors
/// `ngd.InvalidArgumentError` naming `step`.
pub fn egd_step(step: &str, lr: f64) -> PyResult<DiagonalStep> {
    match step {
        "fixed" => Ok(DiagonalStep::Fixed(lr)),
        "loss_normalized" => Ok(DiagonalStep::LossNormalized(lr)),
        other => Err(raise(
            Kind::Invalid,
            format!("step: unknown step rule {other:?} (allowed: fixed, loss_normalized)"),
        )),
    }
}
