//! The observer of the bindings' runs: records the model state (diagonal weights `(L, D)`, or
//! flat parameters `(P,)`) at the user's log-spaced schedule and at the last step, and calls the
//! Python callback there. Ctrl-C is not its job: see [`super::interrupt`].

use ndarray::{Array, Array1, Dimension, Ix1, Ix2};
use ngd_models::DiagonalNet;
use ngd_optim::{LogSchedule, Observation, Observer};
use numpy::IntoPyArray;
use pyo3::prelude::*;
use std::ops::ControlFlow;

/// Records a run at the user's schedule and calls the Python callback there.
pub struct RecordingObserver<A: Dimension> {
    record: LogSchedule,
    max_steps: usize,
    callback: Option<Py<PyAny>>,
    /// The recorded step counts.
    pub steps: Vec<usize>,
    /// The recorded losses.
    pub losses: Vec<f64>,
    /// The recorded model states.
    pub states: Vec<Array<f64, A>>,
    /// The exception raised by the callback, which stopped the run.
    pub error: Option<PyErr>,
}

impl<A: Dimension> RecordingObserver<A> {
    /// An observer recording at `record` and at `max_steps`, calling `callback` there.
    pub fn new(record: LogSchedule, max_steps: usize, callback: Option<Py<PyAny>>) -> Self {
        Self {
            record,
            max_steps,
            callback,
            steps: Vec::new(),
            losses: Vec::new(),
            states: Vec::new(),
            error: None,
        }
    }

    /// The recording schedule (the executor observes exactly there).
    pub fn schedule(&self) -> LogSchedule {
        self.record
    }

    /// Records one step and calls the callback; `false` when the run should stop (the
    /// callback returned `False` or raised, its exception then in [`Self::error`]).
    pub fn push(&mut self, py: Python<'_>, step: usize, loss: f64, state: Array<f64, A>) -> bool {
        let flow = match &self.callback {
            None => true,
            Some(callback) => {
                let w = state.clone().into_pyarray(py);
                match callback.call1(py, (step, loss, w)) {
                    Ok(answer) => !answer.bind(py).is(pyo3::types::PyBool::new(py, false)),
                    Err(e) => {
                        self.error = Some(e);
                        false
                    }
                }
            }
        };
        self.steps.push(step);
        self.losses.push(loss);
        self.states.push(state);
        flow
    }

    /// Records `state()` when `step` is on the schedule (taking the GIL only then).
    fn observe_state(
        &mut self,
        step: usize,
        loss: f64,
        state: impl FnOnce() -> Array<f64, A>,
    ) -> ControlFlow<()> {
        if step != self.max_steps && !self.record.contains(step) {
            return ControlFlow::Continue(());
        }
        let state = state();
        Python::attach(|py| {
            if self.push(py, step, loss, state) {
                ControlFlow::Continue(())
            } else {
                ControlFlow::Break(())
            }
        })
    }
}

impl Observer<DiagonalNet> for RecordingObserver<Ix2> {
    fn observe(&mut self, observation: &Observation<'_, DiagonalNet>) -> ControlFlow<()> {
        let weights = || observation.model.weights().to_owned();
        self.observe_state(observation.step, observation.loss, weights)
    }
}

impl Observer<Array1<f64>> for RecordingObserver<Ix1> {
    fn observe(&mut self, observation: &Observation<'_, Array1<f64>>) -> ControlFlow<()> {
        let params = || observation.model.clone();
        self.observe_state(observation.step, observation.loss, params)
    }
}
