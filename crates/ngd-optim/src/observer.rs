//! Observers: called by the executor at scheduled steps (see [`LogSchedule`](crate::LogSchedule))
//! and at the last step; they record whatever they like and may stop the run early.

use crate::StepReport;
use std::ops::ControlFlow;

/// What an observer sees at step `t`: the model `w_t` and its loss.
#[derive(Debug)]
pub struct Observation<'a, M> {
    /// The step count `t` (number of steps taken since the very start, resumed runs included).
    pub step: usize,
    /// The model `w_t`.
    pub model: &'a M,
    /// The loss `L(w_t)`, evaluated by the problem's [`Objective`](crate::Objective).
    pub loss: f64,
    /// The report of the step that produced `w_t` (`None` at the first step of a run).
    pub last_report: Option<StepReport>,
}

/// Watches a run. Return [`ControlFlow::Break`] to stop it (the outcome is then
/// [`Stop::Observer`](crate::Stop::Observer)).
pub trait Observer<M> {
    /// Called at every scheduled step and at the last step.
    fn observe(&mut self, observation: &Observation<'_, M>) -> ControlFlow<()>;
}

/// The observer that records nothing and never stops the run.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoObserver;

impl<M> Observer<M> for NoObserver {
    fn observe(&mut self, _: &Observation<'_, M>) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }
}

impl<M, F> Observer<M> for F
where
    F: FnMut(&Observation<'_, M>) -> ControlFlow<()>,
{
    fn observe(&mut self, observation: &Observation<'_, M>) -> ControlFlow<()> {
        self(observation)
    }
}
