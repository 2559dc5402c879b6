//! The run loop: repeatedly applies a [`StepRule`], applies the stopping rules, and calls an
//! [`Observer`] at log-spaced steps.
//!
//! Step `t` of the loop takes `w_t` to `w_{t+1}`; its [`StepReport`] carries `L(w_t)`. The loop
//! stops, in this order of precedence:
//!
//! 1. [`Stop::Diverged`] — at step `t` the loss `L(w_t)` is not finite, or exceeds
//!    `divergence_factor × L(w_0)` (the rules then leave `w_t` unchanged); or after step `t`
//!    a parameter is not finite (reported as step `t + 1`); or the loss evaluated for an
//!    observation is not finite. The model is left as it is; restore a checkpoint to go on.
//! 2. [`Stop::LossBelow`] — at step `t` the loss `L(w_t) ≤ threshold`: the run ends after that
//!    step, at `w_{t+1}` (the test uses the loss the step computed anyway, so it costs nothing).
//! 3. [`Stop::Observer`] — an observer returned `ControlFlow::Break` at a scheduled step.
//! 4. [`Stop::Budget`] — the step count reached `max_steps` (an absolute count: a run resumed
//!    at step `k` with the same budget ends where the uninterrupted run would have).
//! 5. [`Stop::Cancelled`] — the cancellation flag ([`Executor::cancel_when`]) was set. It is
//!    read between steps, before step `t`'s observation and step (never at the budget's last
//!    step, which ends the run anyway): the model is `w_t`, unobserved at `t`, and a run resumed
//!    from [`Outcome::resume`] observes and steps from `t` exactly as the uninterrupted run.
//!
//! Resuming: pass the model and rule state saved at step `k` and
//! [`Resume`] `{ step: k, initial_loss }` (from [`Outcome::resume`]); every decision of the
//! loop depends only on these, so the continued run is bit-identical to an uninterrupted one.

use crate::{
    LogSchedule, Objective, Observation, Observer, OptimError, Parameters, StepReport, StepRule,
};
use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Where a run starts.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Resume {
    /// The step count of the model handed to the run.
    pub step: usize,
    /// The loss at step 0 of the original run, used by the divergence test (`None` for a fresh
    /// run: it is then taken from the first step).
    pub initial_loss: Option<f64>,
}

impl Resume {
    /// A fresh run starting at step 0.
    pub fn fresh() -> Self {
        Self::default()
    }
}

/// Why a run diverged.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DivergenceCause {
    /// The loss was NaN or infinite.
    NonFiniteLoss,
    /// A parameter became NaN or infinite.
    NonFiniteParameters,
    /// The loss grew past `factor × initial`.
    LossGrowth {
        /// The loss value.
        loss: f64,
        /// The loss at step 0.
        initial: f64,
        /// The configured factor.
        factor: f64,
    },
}

/// Why a run stopped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stop {
    /// The step budget was used up.
    Budget,
    /// The loss went below the threshold.
    LossBelow {
        /// The step `t` with `L(w_t) ≤ threshold`; the run ended at `t + 1`.
        step: usize,
        /// `L(w_t)`.
        loss: f64,
    },
    /// An observer asked to stop.
    Observer,
    /// The cancellation flag was set (see [`Executor::cancel_when`]).
    Cancelled,
    /// The run diverged.
    Diverged {
        /// The step at which the divergence was detected.
        step: usize,
        /// What was detected.
        cause: DivergenceCause,
    },
}

/// The result of a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    /// Why the run stopped.
    pub stop: Stop,
    /// The step count of the model at the end.
    pub step: usize,
    /// The loss of the final model (`None` when the run diverged).
    pub final_loss: Option<f64>,
    /// The loss at step 0 of the original run (`None` if no step was taken).
    pub initial_loss: Option<f64>,
}

impl Outcome {
    /// Where to resume from the final model of this run.
    pub fn resume(&self) -> Resume {
        Resume {
            step: self.step,
            initial_loss: self.initial_loss,
        }
    }
}

/// The run loop's configuration: budget, stopping thresholds, observation schedule and an
/// optional cancellation flag.
#[derive(Debug, Clone)]
pub struct Executor {
    max_steps: usize,
    loss_below: Option<f64>,
    divergence_factor: Option<f64>,
    schedule: LogSchedule,
    cancel: Option<Arc<AtomicBool>>,
}

impl PartialEq for Executor {
    /// Equal settings and the same cancellation flag (the same `Arc`, or none).
    fn eq(&self, other: &Self) -> bool {
        let same_flag = match (&self.cancel, &other.cancel) {
            (None, None) => true,
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        };
        same_flag
            && self.max_steps == other.max_steps
            && self.loss_below == other.loss_below
            && self.divergence_factor == other.divergence_factor
            && self.schedule == other.schedule
    }
}

impl Executor {
    /// Default divergence factor: a loss above `10⁴ × L(w_0)` counts as divergence.
    pub const DEFAULT_DIVERGENCE_FACTOR: f64 = 1e4;

    /// A run loop stopping at step `max_steps`, with no loss threshold, the default divergence
    /// factor and the default [`LogSchedule`] (10 points per decade).
    pub fn new(max_steps: usize) -> Self {
        Self {
            max_steps,
            loss_below: None,
            divergence_factor: Some(Self::DEFAULT_DIVERGENCE_FACTOR),
            schedule: LogSchedule::default(),
            cancel: None,
        }
    }

    /// Stop with [`Stop::Cancelled`] once `flag` is set (from another thread, a signal handler,
    /// a Python binding…); it is read (relaxed) between steps.
    pub fn cancel_when(mut self, flag: Arc<AtomicBool>) -> Self {
        self.cancel = Some(flag);
        self
    }

    fn cancelled(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(|flag| flag.load(Ordering::Relaxed))
    }

    /// Also stop once `L(w_t) ≤ threshold`.
    pub fn loss_below(mut self, threshold: f64) -> Self {
        self.loss_below = Some(threshold);
        self
    }

    /// Divergence when `L(w_t) > factor × L(w_0)` (`None`: only non-finite values count).
    pub fn divergence_factor(mut self, factor: Option<f64>) -> Self {
        self.divergence_factor = factor;
        self
    }

    /// The observation schedule.
    pub fn schedule(mut self, schedule: LogSchedule) -> Self {
        self.schedule = schedule;
        self
    }

    fn validate(&self, start: &Resume) -> Result<(), OptimError> {
        if start.step > self.max_steps {
            return Err(OptimError::Invalid {
                what: "resume step",
                value: start.step.to_string(),
                allowed: "at most the step budget max_steps",
            });
        }
        if let Some(t) = self.loss_below.filter(|t| t.is_nan()) {
            return Err(OptimError::Invalid {
                what: "loss threshold",
                value: t.to_string(),
                allowed: "a number",
            });
        }
        if let Some(f) = self
            .divergence_factor
            .filter(|f| !(f.is_finite() && *f > 0.0))
        {
            return Err(OptimError::Invalid {
                what: "divergence factor",
                value: f.to_string(),
                allowed: "finite and positive",
            });
        }
        Ok(())
    }

    /// Runs `rule` on `model` from `start` until a stopping rule fires.
    ///
    /// Errors from the rule or the objective (bad shapes, failed linear solves) end the run with
    /// that error; divergence is an [`Outcome`], not an error.
    ///
    /// # Errors
    ///
    /// [`OptimError::Invalid`] if `start.step` exceeds the budget, the loss threshold is NaN or
    /// the divergence factor is not finite and positive; otherwise any error of the rule or the
    /// objective (bad shapes, failed linear solves) ends the run with that error. Divergence is an
    /// [`Outcome`] ([`Stop::Diverged`]), not an error.
    pub fn run<M, P, R, O>(
        &self,
        rule: &mut R,
        model: &mut M,
        problem: &P,
        start: Resume,
        observer: &mut O,
    ) -> Result<Outcome, OptimError>
    where
        M: Parameters,
        P: Objective<M>,
        R: StepRule<M, P>,
        O: Observer<M>,
    {
        self.validate(&start)?;
        let mut step = start.step;
        let mut initial_loss = start.initial_loss;
        let mut last_report: Option<StepReport> = None;
        let outcome = |stop, step, final_loss, initial_loss| Outcome {
            stop,
            step,
            final_loss,
            initial_loss,
        };
        loop {
            let is_last = step == self.max_steps;
            if !is_last && self.cancelled() {
                let loss = problem.loss(model)?;
                let final_loss = loss.is_finite().then_some(loss);
                return Ok(outcome(Stop::Cancelled, step, final_loss, initial_loss));
            }
            if is_last || self.schedule.contains(step) {
                let loss = problem.loss(model)?;
                if !loss.is_finite() {
                    let stop = Stop::Diverged {
                        step,
                        cause: DivergenceCause::NonFiniteLoss,
                    };
                    return Ok(outcome(stop, step, None, initial_loss));
                }
                let observation = Observation {
                    step,
                    model,
                    loss,
                    last_report,
                };
                let flow = observer.observe(&observation);
                if is_last {
                    return Ok(outcome(Stop::Budget, step, Some(loss), initial_loss));
                }
                if flow == ControlFlow::Break(()) {
                    return Ok(outcome(Stop::Observer, step, Some(loss), initial_loss));
                }
            }
            let report = rule.step(model, problem)?;
            let initial = *initial_loss.get_or_insert(report.loss);
            if let Some(cause) = self.divergence(report.loss, initial) {
                let stop = Stop::Diverged { step, cause };
                return Ok(outcome(stop, step, None, initial_loss));
            }
            step += 1;
            last_report = Some(report);
            if !model.all_finite() {
                let cause = DivergenceCause::NonFiniteParameters;
                let stop = Stop::Diverged { step, cause };
                return Ok(outcome(stop, step, None, initial_loss));
            }
            if self.loss_below.is_some_and(|t| report.loss <= t) {
                let loss = problem.loss(model)?;
                if !loss.is_finite() {
                    let stop = Stop::Diverged {
                        step,
                        cause: DivergenceCause::NonFiniteLoss,
                    };
                    return Ok(outcome(stop, step, None, initial_loss));
                }
                // The run ends here whatever the observer answers.
                let _ = observer.observe(&Observation {
                    step,
                    model,
                    loss,
                    last_report,
                });
                let stop = Stop::LossBelow {
                    step: step - 1,
                    loss: report.loss,
                };
                return Ok(outcome(stop, step, Some(loss), initial_loss));
            }
        }
    }

    fn divergence(&self, loss: f64, initial: f64) -> Option<DivergenceCause> {
        if !loss.is_finite() {
            return Some(DivergenceCause::NonFiniteLoss);
        }
        let factor = self.divergence_factor?;
        (initial.is_finite() && loss > factor * initial.max(f64::MIN_POSITIVE)).then_some(
            DivergenceCause::LossGrowth {
                loss,
                initial,
                factor,
            },
        )
    }
}
