//! One run of `egd-demo`: data from [`ngd_data::sparse_gaussian`] (or the config's data
//! files), the model from
//! [`ngd_models::init::constant_diagonal`], and the library's [`DiagonalEgd`] rule driven by
//! the [`Executor`] with a [`LogSchedule`] of observations.
//!
//! The executor runs in segments of [`SEGMENT`] steps; between segments the run reports
//! progress and writes a checkpoint when one is due (model, observations and the executor's
//! initial loss, so that a resumed run is bit-identical to an uninterrupted one).

use super::{DemoOutput, DemoParams, DemoPoint, EgdDemoConfig};
use crate::error::ExperimentError;
use ndarray::{Array1, Array2};
use ngd_data::{Classification, SparseGaussianSpec, sparse_gaussian};
use ngd_harness::checkpointed::{Segmented, run_checkpointed};
use ngd_harness::context::RunContext;
use ngd_harness::convergence::Loss;
use ngd_harness::error::RunError;
use ngd_models::DiagonalNet;
use ngd_models::init::constant_diagonal;
use ngd_models::logistic_loss::margins_into;
use ngd_optim::{
    ClassificationProblem, DiagonalEgd, DiagonalStep, Executor, LogSchedule, Observation, Resume,
    Stop,
};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};
use std::ops::ControlFlow;

/// Steps per executor segment (checkpoints and progress happen between segments).
pub(super) const SEGMENT: usize = 50;

/// Points per decade of the log schedule that gives about `record_points` observations over
/// `steps` steps (step 0 and the last step are always observed).
pub(crate) fn points_per_decade(steps: u64, record_points: usize) -> usize {
    let decades = (steps.max(10) as f64).log10();
    ((record_points.saturating_sub(1)) as f64 / decades)
        .ceil()
        .max(1.0) as usize
}

/// Resumable state.
#[derive(Serialize, Deserialize)]
struct State {
    step: u64,
    weights: Array2<f64>,
    points: Vec<DemoPoint>,
    initial_loss: Option<f64>,
}

/// The training of one run, advanced by the executor in segments of [`SEGMENT`] steps.
struct Training<'a> {
    problem: ClassificationProblem,
    test: Classification,
    net: DiagonalNet,
    rule: DiagonalEgd,
    schedule: LogSchedule,
    points: Vec<DemoPoint>,
    resume: Resume,
    total: usize,
    config: &'a EgdDemoConfig,
}

impl Segmented for Training<'_> {
    type State = State;

    fn step(&self) -> u64 {
        self.resume.step as u64
    }

    fn budget(&self) -> Option<u64> {
        Some(self.total as u64)
    }

    fn save(&self) -> State {
        State {
            step: self.resume.step as u64,
            weights: self.net.weights().to_owned(),
            points: self.points.clone(),
            initial_loss: self.resume.initial_loss,
        }
    }

    fn load(&mut self, state: State) -> Result<(), RunError> {
        self.net = DiagonalNet::new(state.weights).map_err(ExperimentError::from)?;
        self.resume = Resume {
            step: state.step as usize,
            initial_loss: state.initial_loss,
        };
        self.points = state.points;
        Ok(())
    }

    fn advance(&mut self, ctx: &mut RunContext) -> Result<ControlFlow<()>, RunError> {
        let total = self.total;
        if self.resume.step >= total {
            return Ok(ControlFlow::Break(()));
        }
        let end = (self.resume.step / SEGMENT + 1) * SEGMENT;
        let mut failure = None;
        let (problem, test, points, schedule) =
            (&self.problem, &self.test, &mut self.points, self.schedule);
        let mut observe = |o: &Observation<'_, DiagonalNet>| {
            let wanted = schedule.contains(o.step) || o.step == total;
            if !wanted || points.last().is_some_and(|q| q.step >= o.step as u64) {
                return ControlFlow::Continue(());
            }
            match observe_point(problem, test, o) {
                Ok(point) => {
                    points.push(point);
                    ControlFlow::Continue(())
                }
                Err(e) => {
                    failure = Some(e);
                    ControlFlow::Break(())
                }
            }
        };
        let outcome = Executor::new(end.min(total))
            .schedule(schedule)
            .run(
                &mut self.rule,
                &mut self.net,
                problem,
                self.resume,
                &mut observe,
            )
            .map_err(ExperimentError::from)?;
        match outcome.stop {
            Stop::Budget => {}
            Stop::Diverged { step, cause } => {
                return Err(RunError::Diverged {
                    step: step as u64,
                    cause: format!("{cause:?}"),
                });
            }
            Stop::Observer | Stop::LossBelow { .. } | Stop::Cancelled => {
                return Err(failure.unwrap_or_else(|| {
                    ExperimentError::UnexpectedStop {
                        reason: format!("{:?}", outcome.stop),
                    }
                    .into()
                }));
            }
        }
        self.resume = outcome.resume();
        ctx.progress(self.resume.step as u64, self.config.steps);
        Ok(if self.resume.step >= total {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        })
    }
}

/// The fraction of margins `u = X̃ β` that are `≤ 0` (misclassified or on the boundary).
fn train_error(problem: &ClassificationProblem, beta: &Array1<f64>) -> Result<f64, RunError> {
    let mut u = Array1::zeros(problem.samples());
    margins_into(problem.xt(), beta.view(), u.view_mut()).map_err(ExperimentError::from)?;
    Ok(u.iter().filter(|&&m| m <= 0.0).count() as f64 / u.len() as f64)
}

/// The recorded point of an observation: its loss, the training error and the test accuracy.
fn observe_point(
    problem: &ClassificationProblem,
    test: &Classification,
    o: &Observation<'_, DiagonalNet>,
) -> Result<DemoPoint, RunError> {
    let beta = o.model.beta();
    Ok(DemoPoint {
        step: o.step as u64,
        train_loss: o.loss,
        train_error: train_error(problem, &beta)?,
        test_accuracy: test.accuracy(beta.view()).map_err(ExperimentError::from)?,
    })
}

/// One EGD run (see the module docs of `egd_demo`).
pub(super) fn run(
    c: &EgdDemoConfig,
    p: &DemoParams,
    ctx: &mut RunContext,
) -> Result<DemoOutput, RunError> {
    let (train, test) = match c.data_files().map_err(ExperimentError::from)? {
        Some(files) => files,
        None => {
            let mut rng =
                Xoshiro256PlusPlus::seed_from_u64(ctx.shared_seed(&format!("data-r{}", p.repeat)));
            let spec = SparseGaussianSpec {
                dim: c.dim,
                sparsity: c.sparsity,
                n_train: c.n_train,
                n_test: c.n_test,
            };
            let task = sparse_gaussian(&spec, &mut rng).map_err(ExperimentError::from)?;
            (task.train, task.test)
        }
    };
    let problem = ClassificationProblem::new(train.signed()).map_err(ExperimentError::from)?;
    let loss = Loss::Logistic {
        samples: problem.xt().nrows(),
    };
    let (l, d) = (p.depth, c.dim);
    ctx.note_route("egd-diagonal-pullback");
    let mut training = Training {
        problem,
        test,
        net: constant_diagonal(l, d, c.init_scale).map_err(ExperimentError::from)?,
        rule: DiagonalEgd::new(DiagonalStep::Fixed(c.learning_rate), l, d)
            .map_err(ExperimentError::from)?,
        schedule: LogSchedule::new(points_per_decade(c.steps, c.record_points))
            .map_err(ExperimentError::from)?,
        points: Vec::new(),
        resume: Resume::fresh(),
        total: c.steps as usize,
        config: c,
    };
    run_checkpointed(ctx, &mut training)?;
    let final_loss = training.points.last().map_or(f64::NAN, |q| q.train_loss);
    Ok(DemoOutput {
        convergence: loss.judge(final_loss),
        beta: training.net.beta().to_vec(),
        points: training.points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// About `record_points` observations: 25 points over 3000 steps (3.5 decades) need 7 per
    /// decade; tiny budgets still get one per decade.
    #[test]
    fn points_per_decade_covers_the_requested_points() {
        assert_eq!(points_per_decade(3000, 25), 7);
        assert_eq!(points_per_decade(100_000, 60), 12);
        assert_eq!(points_per_decade(3, 2), 1);
        let schedule = LogSchedule::new(points_per_decade(3000, 25)).unwrap();
        let n = schedule.steps_through(3000).len();
        assert!((20..=30).contains(&n), "{n} observations");
    }
}
