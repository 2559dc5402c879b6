//! The observer of the bindings' runs: records the trajectory at the user's schedule, calls
//! the Python callback there, and checks for signals (Ctrl-C) at every observation (see the
//! parent module's docs).

use crate::errors::ToPyResult;
use ndarray::Array2;
use ngd_models::DiagonalNet;
use ngd_optim::{LogSchedule, Observation, Observer};
use numpy::IntoPyArray;
use pyo3::prelude::*;
use std::ops::ControlFlow;

/// The least density of the observation grid on which Ctrl-C is checked.
pub const SIGNAL_POINTS_PER_DECADE: usize = 100;

/// Records a run at the user's schedule, calls the Python callback, and checks for signals.
pub struct RecordingObserver {
    record: LogSchedule,
    max_steps: usize,
    callback: Option<Py<PyAny>>,
    /// The recorded step counts.
    pub steps: Vec<usize>,
    /// The recorded losses.
    pub losses: Vec<f64>,
    /// The recorded weights.
    pub weights: Vec<Array2<f64>>,
    /// The exception (KeyboardInterrupt, or raised by the callback) that stopped the run.
    pub error: Option<PyErr>,
}

impl RecordingObserver {
    /// An observer recording at `record` and at `max_steps`, calling `callback` there.
    pub fn new(record: LogSchedule, max_steps: usize, callback: Option<Py<PyAny>>) -> Self {
        Self {
            record,
            max_steps,
            callback,
            steps: Vec::new(),
            losses: Vec::new(),
            weights: Vec::new(),
            error: None,
        }
    }

    /// The observation grid: a multiple of the recording density, at least
    /// [`SIGNAL_POINTS_PER_DECADE`], so that every recorded step is observed.
    ///
    /// # Errors
    ///
    /// Never in practice (the density is at least 1).
    pub fn observation_schedule(&self) -> PyResult<LogSchedule> {
        let k = self.record.points_per_decade();
        LogSchedule::new(k * SIGNAL_POINTS_PER_DECADE.div_ceil(k)).py_err()
    }

    /// Records one step and calls the callback; `false` when the run should stop (the
    /// callback returned `False` or raised, its exception then in [`Self::error`]).
    pub fn push(&mut self, py: Python<'_>, step: usize, loss: f64, weights: Array2<f64>) -> bool {
        let flow = match &self.callback {
            None => true,
            Some(callback) => {
                let w = weights.clone().into_pyarray(py);
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
        self.weights.push(weights);
        flow
    }
}

impl Observer<DiagonalNet> for RecordingObserver {
    fn observe(&mut self, observation: &Observation<'_, DiagonalNet>) -> ControlFlow<()> {
        Python::attach(|py| {
            if let Err(e) = py.check_signals() {
                self.error = Some(e);
                return ControlFlow::Break(());
            }
            let step = observation.step;
            if step == self.max_steps || self.record.contains(step) {
                let weights = observation.model.weights().to_owned();
                if !self.push(py, step, observation.loss, weights) {
                    return ControlFlow::Break(());
                }
            }
            ControlFlow::Continue(())
        })
    }
}
