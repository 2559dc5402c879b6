//! Training any [`Network`] on a labelled logistic problem with EGD or a generic natural
//! gradient ([`NetworkRule`]), observed at log-spaced steps and checkpointed through the
//! harness's one loop; shared by `deep-linear` and `own-data`.
//!
//! The [`Executor`] advances the flat parameters `w` in segments of [`SEGMENT`] steps; between
//! segments the run reports progress and writes a checkpoint when one is due (`w`, the points
//! so far and the executor's initial loss; the rules keep no state between steps except the
//! backtracking step size, which a resumed run restarts from its maximum). At every recorded
//! step the point holds the mean training loss, the training error (margins `y_n s_n ≤ 0`) and
//! the test accuracy (`y s > 0` on the test set). A run ends at its step budget, once every
//! training margin reaches `stop_margin` (when set), or when a natural-gradient solve fails
//! (e.g. Fisher weights underflowing at large margins; the last iterate is kept and the reason
//! recorded). Whether it converged is judged by [`ngd_harness::convergence`].

use crate::error::ExperimentError;
use ndarray::{Array1, ArrayView1};
use ngd_data::Classification;
use ngd_harness::checkpointed::{Segmented, run_checkpointed};
use ngd_harness::context::RunContext;
use ngd_harness::convergence::{Convergence, Loss};
use ngd_harness::error::RunError;
use ngd_models::Network;
use ngd_optim::{
    Executor, GenericNgd, LogSchedule, NetworkEgd, NetworkProblem, Observation, OptimError, Resume,
    StepReport, StepRule, Stop,
};
use serde::{Deserialize, Serialize};
use std::ops::ControlFlow;

/// Steps per executor segment (checkpoints, progress and the margin check happen between
/// segments, and at every recorded step).
pub(crate) const SEGMENT: usize = 50;

/// Points per decade of a schedule that observes every step up to `≈ 4·10⁵`.
const EVERY_STEP: usize = 1_000_000;

/// The step rule of a run: EGD or a generic natural gradient.
#[derive(Debug, Clone)]
pub(crate) enum NetworkRule {
    /// Euclidean gradient descent (fixed or loss-normalized step).
    Egd(NetworkEgd),
    /// Natural gradient descent with any [`ngd_optim::GenericDirection`].
    Ngd(GenericNgd),
}

impl<N: Network> StepRule<Array1<f64>, NetworkProblem<N>> for NetworkRule {
    fn step(
        &mut self,
        w: &mut Array1<f64>,
        problem: &NetworkProblem<N>,
    ) -> Result<StepReport, OptimError> {
        match self {
            NetworkRule::Egd(rule) => rule.step(w, problem),
            NetworkRule::Ngd(rule) => rule.step(w, problem),
        }
    }
}

/// A rule that counts the steps it completed (so a failed solve mid-segment knows its step).
struct Counted<'r> {
    rule: &'r mut NetworkRule,
    taken: usize,
    routes: Vec<&'static str>,
}

impl<N: Network> StepRule<Array1<f64>, NetworkProblem<N>> for Counted<'_> {
    fn step(
        &mut self,
        w: &mut Array1<f64>,
        problem: &NetworkProblem<N>,
    ) -> Result<StepReport, OptimError> {
        let report = self.rule.step(w, problem)?;
        self.taken += 1;
        if let Some(route) = report.info.filter(|r| !self.routes.contains(r)) {
            self.routes.push(route);
        }
        Ok(report)
    }
}

/// One recorded step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkPoint {
    /// Step `t`.
    pub step: u64,
    /// Mean logistic training loss (nats).
    pub train_loss: f64,
    /// Fraction of training margins `≤ 0`.
    pub train_error: f64,
    /// Fraction of test samples classified correctly (`None` without a test set).
    pub test_accuracy: Option<f64>,
    /// The run's [`Probe`] of `w` (`None` without one).
    pub probe: Option<f64>,
}

/// A scalar an experiment records of `w` at every recorded step (deep-linear: the angle of `β`
/// to the ℓ2 max-margin direction).
pub(crate) type Probe<'a> = &'a dyn Fn(ArrayView1<'_, f64>) -> Result<f64, ExperimentError>;

/// How long a run goes and what it records.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Budget {
    /// Step budget.
    pub steps: u64,
    /// Recording schedule (step 0 and the last step are always recorded).
    pub schedule: LogSchedule,
    /// Stop once every training margin is at least this.
    pub stop_margin: Option<f64>,
    /// Stop once the training loss is at most this.
    pub loss_below: Option<f64>,
}

/// The end of a run.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Trained {
    /// The final flat parameters.
    pub w: Array1<f64>,
    /// The recorded points (the last one is the end).
    pub points: Vec<NetworkPoint>,
    /// Why training stopped, in words.
    pub stop: String,
    /// The harness's convergence verdict on the final loss.
    pub convergence: Convergence,
}

/// Resumable state.
#[derive(Serialize, Deserialize)]
struct State {
    step: u64,
    w: Array1<f64>,
    points: Vec<NetworkPoint>,
    initial_loss: Option<f64>,
}

/// The fraction of entries `≤ 0`.
fn non_positive_share(margins: &Array1<f64>) -> f64 {
    margins.iter().filter(|&&u| u <= 0.0).count() as f64 / margins.len() as f64
}

/// The fraction of test samples with `y s(x) > 0`.
pub(crate) fn network_accuracy<N: Network>(
    net: &N,
    w: ArrayView1<'_, f64>,
    test: &Classification,
) -> Result<f64, ExperimentError> {
    let margins = net.outputs(w, test.x.view())? * &test.y;
    Ok(1.0 - non_positive_share(&margins))
}

/// The smallest training margin `min_n y_n s_n`.
fn smallest_margin<N: Network>(
    problem: &NetworkProblem<N>,
    w: ArrayView1<'_, f64>,
) -> Result<f64, ExperimentError> {
    let margins = problem.outputs(w)? * problem.targets();
    Ok(margins.iter().fold(f64::INFINITY, |m, &u| m.min(u)))
}

/// The recorded point of `w` with loss `loss` at `step`.
fn point<N: Network>(
    problem: &NetworkProblem<N>,
    test: Option<&Classification>,
    probe: Option<Probe<'_>>,
    step: u64,
    loss: f64,
    w: ArrayView1<'_, f64>,
) -> Result<NetworkPoint, ExperimentError> {
    let margins = problem.outputs(w)? * problem.targets();
    Ok(NetworkPoint {
        step,
        train_loss: loss,
        train_error: non_positive_share(&margins),
        test_accuracy: match test {
            Some(t) => Some(network_accuracy(problem.network(), w, t)?),
            None => None,
        },
        probe: probe.map(|f| f(w)).transpose()?,
    })
}

/// The training of one run, advanced by the executor in segments.
struct Training<'a, N> {
    problem: &'a NetworkProblem<N>,
    test: Option<&'a Classification>,
    probe: Option<Probe<'a>>,
    rule: NetworkRule,
    budget: Budget,
    w: Array1<f64>,
    points: Vec<NetworkPoint>,
    resume: Resume,
    stop: Option<String>,
}

impl<N: Network> Segmented for Training<'_, N> {
    type State = State;

    fn step(&self) -> u64 {
        self.resume.step as u64
    }

    fn save(&self) -> State {
        State {
            step: self.resume.step as u64,
            w: self.w.clone(),
            points: self.points.clone(),
            initial_loss: self.resume.initial_loss,
        }
    }

    fn load(&mut self, state: State) -> Result<(), RunError> {
        if state.w.len() != self.w.len() {
            return Err(ExperimentError::StateShape {
                what: "flat parameters",
                expected: self.w.len().to_string(),
                found: state.w.len().to_string(),
            }
            .into());
        }
        self.w = state.w;
        self.points = state.points;
        self.resume = Resume {
            step: state.step as usize,
            initial_loss: state.initial_loss,
        };
        Ok(())
    }

    fn advance(&mut self, ctx: &mut RunContext) -> Result<ControlFlow<()>, RunError> {
        let total = self.budget.steps as usize;
        if self.stop.is_some() || self.resume.step >= total {
            return Ok(ControlFlow::Break(()));
        }
        let end = ((self.resume.step / SEGMENT + 1) * SEGMENT).min(total);
        let (problem, test, probe) = (self.problem, self.test, self.probe);
        let budget = self.budget;
        let points = &mut self.points;
        let mut failure = None;
        let mut reached = false;
        let mut observe = |o: &Observation<'_, Array1<f64>>| {
            let step = o.step as u64;
            let recorded = points.last().is_some_and(|q| q.step >= step);
            let result = (|| {
                let wanted = budget.schedule.contains(o.step) || o.step == total;
                let margin = match budget.stop_margin {
                    Some(target) => smallest_margin(problem, o.model.view())? >= target,
                    None => false,
                };
                if (wanted || margin) && !recorded {
                    points.push(point(problem, test, probe, step, o.loss, o.model.view())?);
                }
                Ok::<bool, ExperimentError>(margin)
            })();
            match result {
                Ok(true) => {
                    reached = true;
                    ControlFlow::Break(())
                }
                Ok(false) => ControlFlow::Continue(()),
                Err(e) => {
                    failure = Some(e);
                    ControlFlow::Break(())
                }
            }
        };
        // With a margin target every step is observed (the margins of a deep net can jump from
        // 10³ to overflow within a few loss-normalized steps); points keep `budget.schedule`.
        let observed = match budget.stop_margin {
            Some(_) => LogSchedule::new(EVERY_STEP).map_err(ExperimentError::from)?,
            None => budget.schedule,
        };
        let mut executor = Executor::new(end).schedule(observed);
        if let Some(threshold) = budget.loss_below {
            executor = executor.loss_below(threshold);
        }
        let mut counted = Counted {
            rule: &mut self.rule,
            taken: 0,
            routes: Vec::new(),
        };
        let run = executor.run(
            &mut counted,
            &mut self.w,
            problem,
            self.resume,
            &mut observe,
        );
        for route in &counted.routes {
            ctx.note_route(route);
        }
        let outcome = match run {
            Ok(outcome) => outcome,
            Err(
                e @ (OptimError::Fisher(_)
                | OptimError::Solver { .. }
                | OptimError::NotConverged { .. }),
            ) => {
                // A failed solve ends training at the last iterate (recorded by the caller).
                let step = self.resume.step + counted.taken;
                self.resume.step = step;
                self.stop = Some(format!("natural-gradient step {step} failed: {e}"));
                ctx.note_route("solve failure (training stopped)");
                return Ok(ControlFlow::Break(()));
            }
            Err(e) => return Err(ExperimentError::from(e).into()),
        };
        if let Some(e) = failure {
            return Err(e.into());
        }
        match outcome.stop {
            Stop::Budget => {}
            Stop::Observer if reached => {
                let target = budget.stop_margin.unwrap_or(f64::NAN);
                self.stop = Some(format!("every training margin ≥ {target:e}"));
            }
            Stop::LossBelow { .. } => {
                let threshold = budget.loss_below.unwrap_or(f64::NAN);
                self.stop = Some(format!("training loss ≤ {threshold:e}"));
            }
            Stop::Diverged { step, cause } => {
                return Err(RunError::Diverged {
                    step: step as u64,
                    cause: format!("{cause:?}"),
                });
            }
            other => {
                return Err(ExperimentError::UnexpectedStop {
                    reason: format!("{other:?}"),
                }
                .into());
            }
        }
        self.resume = outcome.resume();
        ctx.progress(self.resume.step as u64, budget.steps);
        let done = self.stop.is_some() || self.resume.step >= total;
        Ok(if done {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        })
    }
}

/// Trains `problem`'s network from `w0` with `rule` within `budget` (see the module docs),
/// recording `probe` of `w` with every point; the final point is always recorded.
///
/// # Errors
/// [`RunError::Diverged`] on a non-finite loss or iterate; the model's and the rule's errors
/// other than a failed natural-gradient solve; checkpoint failures.
pub(crate) fn train_network<N: Network>(
    problem: &NetworkProblem<N>,
    test: Option<&Classification>,
    probe: Option<Probe<'_>>,
    rule: NetworkRule,
    w0: Array1<f64>,
    budget: Budget,
    ctx: &mut RunContext,
) -> Result<Trained, RunError> {
    let mut training = Training {
        problem,
        test,
        probe,
        rule,
        budget,
        w: w0,
        points: Vec::new(),
        resume: Resume::fresh(),
        stop: None,
    };
    run_checkpointed(ctx, &mut training)?;
    let step = training.resume.step as u64;
    let loss = problem
        .loss_value(training.w.view())
        .map_err(ExperimentError::from)?;
    if training.points.last().is_none_or(|p| p.step < step) {
        let end = point(problem, test, probe, step, loss, training.w.view())?;
        training.points.push(end);
    }
    let stop = training
        .stop
        .unwrap_or_else(|| format!("step budget {}", budget.steps));
    let samples = problem.samples();
    Ok(Trained {
        w: training.w,
        points: training.points,
        stop,
        convergence: Loss::Logistic { samples }.judge(loss),
    })
}
