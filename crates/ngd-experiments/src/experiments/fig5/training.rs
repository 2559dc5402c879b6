//! The EGD / NGD training loop of `fig5`, in resumable chunks: the step rule of a method, the
//! checkpointed state, and the solver routes it reports.

use super::Fig5Config;
use super::ngd_rule::{CappedNgd, NgdStats, method_label};
use super::{Fig5Params, Method};
use crate::error::ExperimentError;
use crate::experiments::fig5_fisher::observed_rule::ObservedNgd;
use ndarray::Array2;
use ngd_data::CompletionTask;
use ngd_fisher::factorization::{FactorMethod, MpOptions, NaturalDirection};
use ngd_fisher::linalg::Cutoff;
use ngd_harness::checkpointed::{Segmented, run_checkpointed};
use ngd_harness::context::RunContext;
use ngd_harness::error::RunError;
use ngd_models::MatrixFactorization;
use ngd_optim::{
    CompletionProblem, Executor, FactorizationEgd, FactorizationStep, LogSchedule, Observation,
    Resume, StepRule, Stop,
};
use serde::{Deserialize, Serialize};
use std::ops::ControlFlow;

/// One recorded step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fig5Point {
    /// Step `t`.
    pub step: u64,
    /// Mean squared error over the observed entries.
    pub train_mse: f64,
    /// `‖β − M‖²_F / ‖M‖²_F`.
    pub reconstruction_error: f64,
}

/// Resumable state of a training run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct State {
    /// Steps taken.
    pub step: u64,
    initial_loss: Option<f64>,
    factors: Vec<Array2<f64>>,
    second_moment: f64,
    decay_power: f64,
    /// The recorded trajectory.
    pub points: Vec<Fig5Point>,
    ngd: NgdStats,
}

/// The two rules, with their resumable state (NGD boxed: it is much larger).
pub(crate) enum Rule {
    Egd(FactorizationEgd),
    Ngd(Box<CappedNgd>),
    /// NGD under the observed-entry Fisher (experiment `fig5-fisher`).
    Observed(Box<ObservedNgd>),
}

impl StepRule<MatrixFactorization, CompletionProblem> for Rule {
    fn step(
        &mut self,
        model: &mut MatrixFactorization,
        problem: &CompletionProblem,
    ) -> Result<ngd_optim::StepReport, ngd_optim::OptimError> {
        match self {
            Rule::Egd(r) => r.step(model, problem),
            Rule::Ngd(r) => r.step(model, problem),
            Rule::Observed(r) => r.step(model, problem),
        }
    }
}

impl Rule {
    /// The rule of `p.method` (EGD or an NGD), its step budget and its description in words.
    pub(crate) fn new(
        c: &Fig5Config,
        p: &Fig5Params,
        ctx: &mut RunContext,
    ) -> Result<(Self, u64, String), RunError> {
        Ok(match p.method {
            Method::Egd => {
                let (step, text) = if p.depth == 1 {
                    let s = c.egd_depth1_step;
                    (
                        FactorizationStep::Fixed(s),
                        format!("plain GD, fixed step {s}"),
                    )
                } else {
                    let step = FactorizationStep::Normalized {
                        lr: c.egd_lr,
                        decay: c.egd_decay,
                    };
                    (
                        step,
                        format!("normalized step, lr {}, decay {}", c.egd_lr, c.egd_decay),
                    )
                };
                ctx.note_route(if p.depth == 1 {
                    "egd-fixed-step"
                } else {
                    "egd-normalized-step"
                });
                let rule = FactorizationEgd::new(step).map_err(ExperimentError::from)?;
                (Rule::Egd(rule), c.egd_max_steps, text)
            }
            method => {
                let direction = if method == Method::NgdLayerSplit {
                    NaturalDirection::LayerSplit(Cutoff::default())
                } else {
                    NaturalDirection::MoorePenrose(MpOptions {
                        cutoff: Cutoff::default(),
                        cg_tolerance: c.cg_tolerance,
                        cg_max_iterations: Some(c.cg_max_iterations),
                    })
                };
                let (eta, cap) = (c.ngd_step, c.ngd_max_relative_step);
                let rule = CappedNgd::new(eta, cap, direction, NgdStats::default())
                    .map_err(ExperimentError::from)?;
                let text = format!("NGD, step η = {eta} capped at {cap}·‖W_i‖/‖G_i‖");
                (Rule::Ngd(Box::new(rule)), c.ngd_max_steps, text)
            }
        })
    }

    /// The NGD solver statistics (`None` for EGD).
    pub(crate) fn ngd_stats(&self) -> Option<&NgdStats> {
        match self {
            Rule::Ngd(r) => Some(&r.stats),
            Rule::Observed(r) => Some(&r.stats),
            Rule::Egd(_) => None,
        }
    }
}

/// The training of one run between checkpoints: chunks of `c.chunk_steps` executor steps.
struct Training<'a> {
    config: &'a Fig5Config,
    problem: CompletionProblem,
    task: &'a CompletionTask,
    model: &'a mut MatrixFactorization,
    rule: &'a mut Rule,
    state: State,
    max_steps: u64,
    /// The number of observed entries `m` (the loss is `½ Σ_Ω`, the MSE `2·loss/m`).
    observations: f64,
    schedule: LogSchedule,
    stop: Option<String>,
}

impl Segmented for Training<'_> {
    type State = State;

    fn step(&self) -> u64 {
        self.state.step
    }

    fn budget(&self) -> Option<u64> {
        Some(self.max_steps)
    }

    fn save(&self) -> State {
        let mut state = self.state.clone();
        state.factors = self.model.factors().to_vec();
        match &*self.rule {
            Rule::Egd(r) => {
                state.second_moment = r.state().second_moment;
                state.decay_power = r.state().decay_power;
            }
            Rule::Ngd(r) => state.ngd = r.stats.clone(),
            Rule::Observed(r) => state.ngd = r.stats.clone(),
        }
        state
    }

    fn load(&mut self, saved: State) -> Result<(), RunError> {
        let d = self.config.n;
        if let Some(f) = saved.factors.iter().find(|f| f.dim() != (d, d)) {
            return Err(ExperimentError::StateShape {
                what: "factor",
                expected: format!("{d} × {d}"),
                found: format!("{} × {}", f.nrows(), f.ncols()),
            }
            .into());
        }
        *self.model =
            MatrixFactorization::new(saved.factors.clone()).map_err(ExperimentError::from)?;
        match &mut *self.rule {
            Rule::Egd(r) => r.set_state(ngd_optim::egd::NormalizedState {
                second_moment: saved.second_moment,
                decay_power: saved.decay_power,
            }),
            Rule::Ngd(r) => r.stats = saved.ngd.clone(),
            Rule::Observed(r) => r.stats = saved.ngd.clone(),
        }
        self.state = saved;
        Ok(())
    }

    fn advance(&mut self, ctx: &mut RunContext) -> Result<ControlFlow<()>, RunError> {
        let (c, task, max_steps) = (self.config, self.task, self.max_steps);
        let m = self.observations;
        let end = (self.state.step + c.chunk_steps).min(max_steps);
        let executor = Executor::new(end as usize)
            .loss_below(c.train_mse_threshold * m / 2.0)
            .schedule(self.schedule);
        let points = &mut self.state.points;
        let mut observe = |o: &Observation<'_, MatrixFactorization>| {
            if points.last().is_none_or(|q| q.step < o.step as u64) {
                let beta = o.model.product();
                points.push(Fig5Point {
                    step: o.step as u64,
                    train_mse: 2.0 * o.loss / m,
                    reconstruction_error: task
                        .reconstruction_error(beta.view())
                        .unwrap_or(f64::NAN),
                });
            }
            ControlFlow::Continue(())
        };
        let resume = Resume {
            step: self.state.step as usize,
            initial_loss: self.state.initial_loss,
        };
        let outcome = executor
            .run(self.rule, self.model, &self.problem, resume, &mut observe)
            .map_err(|e| RunError::Diverged {
                step: failed_step(self.rule, self.state.step),
                cause: format!("stopped: the step failed: {e}"),
            })?;
        self.state.step = outcome.step as u64;
        self.state.initial_loss = outcome.initial_loss;
        ctx.progress(self.state.step, max_steps);
        let stop = match outcome.stop {
            Stop::Diverged { step, cause } => {
                let detail = self
                    .rule
                    .ngd_stats()
                    .and_then(|s| s.failure.clone())
                    .unwrap_or_default();
                return Err(RunError::Diverged {
                    step: step as u64,
                    cause: format!("{cause:?} {detail}").trim().to_string(),
                });
            }
            Stop::LossBelow { step, .. } => {
                format!("train MSE ≤ {} at step {step}", c.train_mse_threshold)
            }
            Stop::Budget | Stop::Observer if self.state.step >= max_steps => {
                format!("step budget {max_steps} used")
            }
            _ => return Ok(ControlFlow::Continue(())),
        };
        self.stop = Some(stop);
        Ok(ControlFlow::Break(()))
    }
}

/// Trains `model` with `rule` for at most `max_steps` steps in chunks of `c.chunk_steps`
/// (resuming from and writing checkpoints through the harness's checkpointed-run loop), until
/// the train MSE falls below the threshold; returns the final state and why the run ended.
pub(crate) fn train(
    c: &Fig5Config,
    p: &Fig5Params,
    ctx: &mut RunContext,
    task: &CompletionTask,
    model: &mut MatrixFactorization,
    rule: &mut Rule,
    max_steps: u64,
) -> Result<(State, String), RunError> {
    let problem = CompletionProblem::new(task.truth.clone(), task.mask.clone())
        .map_err(ExperimentError::from)?;
    let mut training = Training {
        config: c,
        problem,
        task,
        model,
        rule,
        state: State {
            step: 0,
            initial_loss: None,
            factors: Vec::new(),
            second_moment: 0.0,
            decay_power: 1.0,
            points: Vec::new(),
            ngd: NgdStats::default(),
        },
        max_steps,
        observations: p.observations as f64,
        schedule: LogSchedule::new(c.points_per_decade).map_err(ExperimentError::from)?,
        stop: None,
    };
    run_checkpointed(ctx, &mut training)?;
    let stop = training.stop.take().unwrap_or_default();
    if let Rule::Ngd(rule) = &*training.rule {
        note_ngd_routes(ctx, p, &rule.stats);
    }
    Ok((training.state, stop))
}

/// The step at which a step failed: NGD counts its steps; otherwise the chunk's start.
fn failed_step(rule: &Rule, chunk_start: u64) -> u64 {
    rule.ngd_stats().map_or(chunk_start, |s| s.steps)
}

fn note_ngd_routes(ctx: &mut RunContext, p: &Fig5Params, s: &NgdStats) {
    let method = match (p.method, p.depth) {
        (Method::NgdLayerSplit, _) => FactorMethod::LayerSplit,
        (_, 1) => FactorMethod::Direct,
        (_, 2) => FactorMethod::Sylvester,
        _ => FactorMethod::ConjugateGradient,
    };
    ctx.note_route(method_label(method));
    if let Some(r) = s.min_factor_rank {
        ctx.note_route(&format!("layer-split min rank of A_i/B_i: {r}"));
    }
    if let Some(r) = s.min_operator_rank {
        ctx.note_route(&format!("moore-penrose min rank of JJᵀ: {r}"));
    }
    if s.max_cg_iterations > 0 {
        ctx.note_route(&format!(
            "moore-penrose max CG iterations: {}",
            s.max_cg_iterations
        ));
    }
}
