//! The loop of [`super::train`]: a [`Trainer`] steps one model with one preconditioner and
//! step size, records [`Point`]s at log-spaced steps, stops at the budget, the loss floor or
//! (optionally) the loss threshold, and is checkpointed between segments of
//! [`SEGMENT`] steps through [`run_checkpointed`].

use super::tasks::TaskData;
use super::train::{Budget, Point, Preconditioner, SampleNorms, StepSize, Trajectory};
use crate::error::ExperimentError;
use ndarray::Array1;
use ngd_fisher::FisherError;
use ngd_fisher::generic::{
    Curvature, GenericOptions, KfacDamping, Samples, damped_natural_gradient_parametrization,
    natural_gradient_parametrization,
};
use ngd_harness::checkpointed::{Segmented, run_checkpointed};
use ngd_harness::context::RunContext;
use ngd_harness::convergence::Loss;
use ngd_harness::error::RunError;
use ngd_models::{LinearInInput, OutputLoss, logistic};
use ngd_optim::{
    GenericDirection, GenericNgd, LogSchedule, NetworkProblem, NgdStepSize, OptimError,
};
use serde::{Deserialize, Serialize};
use std::ops::ControlFlow;

/// Steps per checkpointable segment.
pub const SEGMENT: u64 = 200;

/// The checkpointed state.
#[derive(Serialize, Deserialize)]
pub struct State {
    w: Vec<f64>,
    step: u64,
    time: f64,
    points: Vec<Point>,
    threshold_step: Option<u64>,
    routes: Vec<String>,
    /// The last backtracking step (the next one starts from twice it).
    last_eta: Option<f64>,
}

/// A training run in progress.
pub struct Trainer<'a, M: SampleNorms> {
    problem: NetworkProblem<LinearInInput<M>>,
    data: &'a TaskData,
    precond: Preconditioner,
    generic: Option<GenericNgd>,
    step_size: StepSize,
    budget: Budget,
    schedule: LogSchedule,
    w: Array1<f64>,
    state: State,
    stop: Option<String>,
}

impl<'a, M: SampleNorms> Trainer<'a, M> {
    /// A run of `precond` with `step_size` from `w0`.
    ///
    /// # Errors
    /// Bad data, sizes or step sizes.
    pub fn new(
        model: M,
        data: &'a TaskData,
        w0: Array1<f64>,
        (precond, step_size): (Preconditioner, StepSize),
        budget: Budget,
    ) -> Result<Self, RunError> {
        let problem = NetworkProblem::new(
            LinearInInput(model),
            data.train.x.clone(),
            data.train.y.clone(),
            OutputLoss::Logistic,
        )
        .map_err(ExperimentError::from)?;
        let generic = match &precond {
            Preconditioner::Generic(direction) => Some(
                GenericNgd::new(direction.clone(), NgdStepSize::Fixed(1.0))
                    .map_err(ExperimentError::from)?,
            ),
            _ => None,
        };
        let schedule = LogSchedule::new(budget.points_per_decade).map_err(ExperimentError::from)?;
        Ok(Self {
            problem,
            data,
            precond,
            generic,
            step_size,
            budget,
            schedule,
            state: State {
                w: Vec::new(),
                step: 0,
                time: 0.0,
                points: Vec::new(),
                threshold_step: None,
                routes: Vec::new(),
                last_eta: None,
            },
            w: w0,
            stop: None,
        })
    }

    /// Trains to the end of the budget (checkpointed) and returns the trajectory.
    ///
    /// # Errors
    /// [`RunError::Diverged`] on a non-finite loss, iterate or direction; solver failures.
    pub fn run(mut self, ctx: &mut RunContext) -> Result<Trajectory, RunError> {
        run_checkpointed(ctx, &mut self)?;
        Ok(self.finish())
    }

    /// Trains to the end of the budget without checkpoints (for runs that train several
    /// models, whose states one checkpoint file cannot hold apart).
    ///
    /// # Errors
    /// As [`Trainer::run`].
    pub fn run_plain(mut self, ctx: &mut RunContext) -> Result<Trajectory, RunError> {
        while self.advance(ctx)?.is_continue() {}
        Ok(self.finish())
    }

    /// Trains until the budget ends or the run diverges (without checkpoints), for a run whose
    /// divergence is the measurement: returns the trajectory up to it and the step at which it
    /// was detected.
    ///
    /// # Errors
    /// Solver failures other than divergence.
    pub fn run_to_divergence(
        mut self,
        ctx: &mut RunContext,
    ) -> Result<(Trajectory, Option<u64>), RunError> {
        loop {
            match self.advance(ctx) {
                Ok(ControlFlow::Continue(())) => {}
                Ok(ControlFlow::Break(())) => return Ok((self.finish(), None)),
                Err(RunError::Diverged { step, cause }) => {
                    self.stop = Some(format!("diverged at step {step}: {cause}"));
                    return Ok((self.finish(), Some(step)));
                }
                Err(other) => return Err(other),
            }
        }
    }

    /// The trajectory of a finished run.
    fn finish(self) -> Trajectory {
        let samples = self.problem.samples();
        let end = self.state.points.last().map_or(f64::NAN, |p| p.loss);
        Trajectory {
            convergence: Loss::Logistic { samples }.judge(end),
            points: self.state.points,
            stop: self.stop.unwrap_or_default(),
            threshold_step: self.state.threshold_step,
            routes: self.state.routes,
        }
    }

    /// `tr(F)/P` at the current `w`.
    fn fisher_mean_eigenvalue(&self) -> Result<f64, ExperimentError> {
        let model = &self.problem.network().0;
        let margins = self.problem.outputs(self.w.view())? * &self.data.train.y;
        let norms = model.sample_sq_norms(self.w.view(), self.problem.x())?;
        let trace: f64 = margins
            .iter()
            .zip(&norms)
            .map(|(&u, &q)| logistic::fisher_weight(u) * q)
            .sum::<f64>()
            / margins.len() as f64;
        Ok(trace / model.param_count() as f64)
    }

    /// The recorded quantities at the current `w`.
    fn point(&self, loss: f64) -> Result<Point, RunError> {
        let model = &self.problem.network().0;
        let beta = model.beta(self.w.view()).map_err(ExperimentError::from)?;
        let margins = self
            .problem
            .outputs(self.w.view())
            .map_err(ExperimentError::from)?
            * &self.data.train.y;
        let n = margins.len() as f64;
        Ok(Point {
            step: self.state.step,
            time: self.state.time,
            loss,
            train_error: margins.iter().filter(|&&u| u <= 0.0).count() as f64 / n,
            fisher_mean_eigenvalue: self.fisher_mean_eigenvalue()?,
            test_accuracy: self.data.test_accuracy(beta.view())?,
            support_share: self.data.support_share(&beta),
            beta: beta.to_vec(),
        })
    }

    /// The direction and the damping it applied (0 undamped); `None` on an overflow.
    fn direction(&mut self) -> Result<Option<(Array1<f64>, f64)>, RunError> {
        let problem = &self.problem;
        let samples = Samples::new(problem.x(), problem.targets(), problem.output_loss())
            .map_err(ExperimentError::from)?;
        let model = &problem.network().0;
        let w = self.w.view();
        let result = match &self.precond {
            Preconditioner::Euclidean => {
                let (_, gradient) = problem
                    .loss_and_gradient(w)
                    .map_err(ExperimentError::from)?;
                return Ok(Some((gradient, 0.0)));
            }
            Preconditioner::Exact => {
                natural_gradient_parametrization(model, w, &samples, &GenericOptions::default())
                    .map_err(OptimError::from)
            }
            Preconditioner::Damped(damping) => damped_natural_gradient_parametrization(
                model,
                w,
                &samples,
                *damping,
                Curvature::Fisher,
            )
            .map_err(OptimError::from),
            Preconditioner::KfacRelative { widths, rho } => {
                let lambda = rho * self.fisher_mean_eigenvalue()?;
                let direction = GenericDirection::Kfac {
                    widths: widths.clone(),
                    damping: KfacDamping::Exact(lambda),
                };
                GenericNgd::new(direction, NgdStepSize::Fixed(1.0))
                    .and_then(|rule| rule.direction(problem, w))
            }
            Preconditioner::Generic(_) => match &self.generic {
                Some(rule) => rule.direction(problem, w),
                None => return Err(ExperimentError::Internal("generic rule missing".into()).into()),
            },
        };
        match result {
            Ok(natural) => {
                if !self.state.routes.iter().any(|r| r == natural.route) {
                    self.state.routes.push(natural.route.to_string());
                }
                Ok(Some((natural.direction, natural.damping)))
            }
            Err(OptimError::Fisher(FisherError::NonFinite { .. })) => Ok(None),
            Err(other) => Err(ExperimentError::from(other).into()),
        }
    }

    /// The Armijo step along `g` from `w` (see [`StepSize::Backtracking`]).
    fn backtrack(&mut self, max: f64, g: &Array1<f64>, loss: f64) -> Result<f64, RunError> {
        let (_, gradient) = self
            .problem
            .loss_and_gradient(self.w.view())
            .map_err(ExperimentError::from)?;
        let slope = gradient.dot(g);
        let mut eta = self.state.last_eta.map_or(max, |last| max.min(2.0 * last));
        for _ in 0..=60 {
            let trial = &self.w - &(g * eta);
            let trial_loss = self
                .problem
                .loss_value(trial.view())
                .map_err(ExperimentError::from)?;
            if trial_loss.is_finite() && trial_loss <= loss - 1e-4 * eta * slope {
                self.state.last_eta = Some(eta);
                return Ok(eta);
            }
            eta *= 0.5;
        }
        Err(RunError::Diverged {
            step: self.state.step,
            cause: format!("no sufficient decrease after 60 halvings (slope {slope:e})"),
        })
    }

    /// One step from `w` at loss `loss`.
    fn take_step(&mut self, loss: f64) -> Result<(), RunError> {
        let diverged = |step, cause: String| RunError::Diverged { step, cause };
        let step = self.state.step;
        let (g, lambda) = match (&self.precond, self.step_size) {
            (Preconditioner::Euclidean, StepSize::LossNormalized { .. }) => {
                let (_, g) = self
                    .problem
                    .loss_and_normalized_gradient(self.w.view())
                    .map_err(ExperimentError::from)?;
                // `∇/L` in rescaled form, so the step is `η·(∇/L)` even where `L` underflows.
                (g, f64::NAN)
            }
            _ => match self.direction()? {
                Some(found) => found,
                None => return Err(diverged(step, "the direction overflowed".into())),
            },
        };
        let norm = |v: &Array1<f64>| v.dot(v).sqrt();
        let eta = match self.step_size {
            StepSize::Fixed { eta } => eta,
            StepSize::Capped { eta, cap } => eta.min(cap * norm(&self.w) / norm(&g)),
            StepSize::LossNormalized { eta } if lambda.is_nan() => eta,
            StepSize::LossNormalized { eta } => eta / loss,
            StepSize::RescaledByLambda { eta } => eta * lambda / loss,
            StepSize::Backtracking { eta } => self.backtrack(eta, &g, loss)?,
        };
        self.w.scaled_add(-eta, &g);
        self.state.time += if lambda.is_nan() { eta / loss } else { eta };
        self.state.step += 1;
        if !eta.is_finite() || self.w.iter().any(|v| !v.is_finite()) {
            return Err(diverged(
                step + 1,
                format!("non-finite iterate (step size {eta:e})"),
            ));
        }
        Ok(())
    }
}

impl<M: SampleNorms> Segmented for Trainer<'_, M> {
    type State = State;

    fn step(&self) -> u64 {
        self.state.step
    }

    fn save(&self) -> State {
        State {
            w: self.w.to_vec(),
            step: self.state.step,
            time: self.state.time,
            points: self.state.points.clone(),
            threshold_step: self.state.threshold_step,
            routes: self.state.routes.clone(),
            last_eta: self.state.last_eta,
        }
    }

    fn load(&mut self, state: State) -> Result<(), RunError> {
        if state.w.len() != self.w.len() {
            return Err(ExperimentError::StateShape {
                what: "parameters w",
                expected: self.w.len().to_string(),
                found: state.w.len().to_string(),
            }
            .into());
        }
        self.w = Array1::from(state.w.clone());
        self.state = state;
        Ok(())
    }

    fn advance(&mut self, ctx: &mut RunContext) -> Result<ControlFlow<()>, RunError> {
        let b = self.budget;
        let end = (self.state.step + SEGMENT).min(b.steps);
        loop {
            let k = self.state.step;
            let loss = self
                .problem
                .loss_value(self.w.view())
                .map_err(ExperimentError::from)?;
            if !loss.is_finite() {
                return Err(RunError::Diverged {
                    step: k,
                    cause: format!("loss {loss}"),
                });
            }
            if loss < b.loss_threshold && self.state.threshold_step.is_none() {
                self.state.threshold_step = Some(k);
            }
            let stop = if loss < b.loss_floor {
                Some(format!(
                    "loss {loss:.3e} below the floor {:.0e} at step {k}",
                    b.loss_floor
                ))
            } else if b.stop_at_threshold && loss < b.loss_threshold {
                Some(format!("loss {loss:.3e} below the threshold at step {k}"))
            } else if k >= b.steps {
                Some(format!("step budget {k} used up (loss {loss:.3e})"))
            } else {
                None
            };
            if stop.is_some() || self.schedule.contains(k as usize) {
                let point = self.point(loss)?;
                self.state.points.push(point);
            }
            if let Some(reason) = stop {
                self.stop = Some(reason);
                ctx.progress(b.steps, b.steps);
                return Ok(ControlFlow::Break(()));
            }
            if k >= end {
                ctx.progress(k, b.steps);
                return Ok(ControlFlow::Continue(()));
            }
            self.take_step(loss)?;
        }
    }
}
