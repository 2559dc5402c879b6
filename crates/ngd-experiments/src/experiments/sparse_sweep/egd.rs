//! One EGD run: every depth of `egd_depths` trained on the same `(N, r)` data by one
//! [`BatchEgd`] (a single pass over `X̃` per step computes all losses and gradients), with
//! `w_l ← w_l − η_t c_l ⊙ ∇_β L` (the paper's eq. 39; `η_t = η` or `η / L(w_t)`).
//!
//! The loop is written out (rather than run by `ngd_optim::Executor`) so that it can stop
//! each depth separately and per the loss-normalized step's floor. A batch step measures
//! `L(w_t)` while it moves every model to `w_{t+1}`; a depth whose `L(w_t)` met a threshold is
//! put back to `w_t` (kept from before the step) and stops at step `t`, so its result is the
//! iterate that met the threshold — with the loss-normalized step `η / L(w_t)` the step taken
//! from a loss of `1e-30` is `10³⁰ η` long and can throw the margins far negative. It advances one step per
//! segment of the harness's checkpointed-run loop, so it can checkpoint at any step. It is
//! resumable bit-identically: the checkpoint holds the step, every model's weights and the trace
//! so far, and every decision of the loop depends only on those.

use super::data::{Task, draw_task, evaluate, initial_net, model_result};
use super::key::SeriesKey;
use super::{EgdStepKind, SweepConfig, SweepOutput, SweepParams, TracePoint};
use crate::error::ExperimentError;
use ndarray::Array2;
use ngd_harness::checkpointed::{Segmented, run_checkpointed};
use ngd_harness::context::RunContext;
use ngd_harness::error::RunError;
use ngd_models::DiagonalNet;
use ngd_optim::{BatchEgd, DiagonalStep, LogSchedule, Parameters, StepRule};
use serde::{Deserialize, Serialize};
use std::ops::ControlFlow;

/// Below this loss the loss-normalized run stops (the rule refuses losses under 1e-300).
const LOSS_NORMALIZED_FLOOR: f64 = 1e-250;

/// Resumable state of an EGD run.
#[derive(Serialize, Deserialize)]
struct State {
    step: u64,
    /// Every model's weights, in `egd_depths` order.
    weights: Vec<Array2<f64>>,
    /// `(steps, reason)` of the models that stopped training.
    finished: Vec<Option<(u64, String)>>,
    trace: Vec<TracePoint>,
}

/// The models of a run: the ones still training (stepped as one batch) and the finished ones.
struct Models {
    nets: Vec<DiagonalNet>,
    finished: Vec<Option<(u64, String)>>,
}

impl Models {
    /// Indices (in `egd_depths` order) of the models still training.
    fn active(&self) -> Vec<usize> {
        (0..self.nets.len())
            .filter(|&k| self.finished[k].is_none())
            .collect()
    }
}

/// Records the models `which` at `step`.
fn record(
    task: &Task,
    models: &Models,
    which: &[usize],
    step: u64,
    trace: &mut Vec<TracePoint>,
) -> Result<(), RunError> {
    for &model in which {
        let eval = evaluate(task, models.nets[model].beta().view())?;
        trace.push(TracePoint {
            step,
            model,
            train_loss: eval.train_loss,
            test_accuracy: eval.test_accuracy,
        });
    }
    Ok(())
}

/// Whether one of the models `which` was already recorded at `step`.
fn recorded(trace: &[TracePoint], which: &[usize], step: u64) -> bool {
    trace
        .iter()
        .rev()
        .take_while(|t| t.step == step)
        .any(|t| which.contains(&t.model))
}

/// The step rule of model `k`.
fn step_rule(c: &SweepConfig, k: usize) -> DiagonalStep {
    let eta = c.egd_depths[k].learning_rate;
    match c.egd_step {
        EgdStepKind::Fixed => DiagonalStep::Fixed(eta),
        EgdStepKind::LossNormalized => DiagonalStep::LossNormalized(eta),
    }
}

/// The EGD training of one `(N, r)`: the models, the batch of those still training and its
/// rule, the trace, the step.
struct Training<'a> {
    config: &'a SweepConfig,
    task: &'a Task,
    models: Models,
    active: Vec<usize>,
    batch: Vec<DiagonalNet>,
    /// The batch before its last step (`w_t` while `batch` holds `w_{t+1}`).
    before_step: Vec<DiagonalNet>,
    rule: BatchEgd,
    schedule: LogSchedule,
    trace: Vec<TracePoint>,
    step: u64,
    progress_every: u64,
}

impl Training<'_> {
    /// Copies the batch's weights into the models.
    fn sync(&mut self) {
        for (net, &k) in self.batch.iter().zip(&self.active) {
            self.models.nets[k] = net.clone();
        }
    }

    /// Re-forms the batch and its rule from the models still training.
    fn rebatch(&mut self) -> Result<(), RunError> {
        self.active = self.models.active();
        self.batch = self
            .active
            .iter()
            .map(|&k| self.models.nets[k].clone())
            .collect();
        let steps = self.active.iter().map(|&k| step_rule(self.config, k));
        self.rule = BatchEgd::new(steps.collect()).map_err(ExperimentError::from)?;
        Ok(())
    }

    /// Takes the models whose loss `L(w_t)` (measured by the step just taken) reached a
    /// threshold out of the batch, put back to `w_t`: they stop at step `t = self.step − 1`.
    fn finish_converged(&mut self) -> Result<(), RunError> {
        let c = self.config;
        let mut done = Vec::new();
        for (i, &loss) in self.rule.losses().iter().enumerate() {
            let normalized = c.egd_step == EgdStepKind::LossNormalized;
            if c.egd_loss_below > 0.0 && loss <= c.egd_loss_below {
                done.push((i, format!("training loss ≤ {:e}", c.egd_loss_below)));
            } else if normalized && loss < LOSS_NORMALIZED_FLOOR {
                done.push((
                    i,
                    format!("loss < {LOSS_NORMALIZED_FLOOR:e} (loss-normalized floor)"),
                ));
            }
        }
        if done.is_empty() {
            return Ok(());
        }
        let stopped_at = self.step - 1;
        for &(i, _) in &done {
            self.batch[i].clone_from(&self.before_step[i]);
        }
        self.sync();
        for (i, reason) in done {
            self.models.finished[self.active[i]] = Some((stopped_at, reason));
        }
        self.record_ended(stopped_at)?;
        self.rebatch()
    }

    /// Records the models of the batch that just finished, at `step`.
    fn record_ended(&mut self, step: u64) -> Result<(), RunError> {
        let ended: Vec<usize> = (self.active.iter().copied())
            .filter(|&k| self.models.finished[k].is_some())
            .filter(|&k| !recorded(&self.trace, &[k], step))
            .collect();
        record(self.task, &self.models, &ended, step, &mut self.trace)
    }
}

impl Segmented for Training<'_> {
    type State = State;

    fn step(&self) -> u64 {
        self.step
    }

    fn budget(&self) -> Option<u64> {
        Some(self.config.egd_steps)
    }

    fn save(&self) -> State {
        let mut nets = self.models.nets.clone();
        for (net, &k) in self.batch.iter().zip(&self.active) {
            nets[k] = net.clone();
        }
        State {
            step: self.step,
            weights: nets.iter().map(|m| m.weights().to_owned()).collect(),
            finished: self.models.finished.clone(),
            trace: self.trace.clone(),
        }
    }

    fn load(&mut self, state: State) -> Result<(), RunError> {
        for (net, w) in self.models.nets.iter_mut().zip(state.weights) {
            let expected = (net.depth(), net.dim());
            if w.dim() != expected {
                return Err(ExperimentError::StateShape {
                    what: "diagonal-net weights",
                    expected: format!("{} × {}", expected.0, expected.1),
                    found: format!("{} × {}", w.nrows(), w.ncols()),
                }
                .into());
            }
            *net = DiagonalNet::new(w).map_err(ExperimentError::from)?;
        }
        self.models.finished = state.finished;
        self.step = state.step;
        self.trace = state.trace;
        self.rebatch()
    }

    fn advance(&mut self, ctx: &mut RunContext) -> Result<ControlFlow<()>, RunError> {
        let (c, task, step) = (self.config, self.task, self.step);
        if self.schedule.contains(step as usize) && !recorded(&self.trace, &self.active, step) {
            self.sync();
            record(task, &self.models, &self.active, step, &mut self.trace)?;
        }
        if step >= c.egd_steps || self.active.is_empty() {
            self.sync();
            return Ok(ControlFlow::Break(()));
        }
        self.before_step.clone_from(&self.batch);
        let report = match self.rule.step(&mut self.batch, &task.problem) {
            Ok(report) => report,
            // A loss-normalized step can take a loss from above the floor to an underflowed 0
            // in one step; the rule then refuses the next step (after stepping the models
            // before the refused one). Put the batch back to `w_t`, finish the depths whose
            // loss underflowed there and go on.
            Err(e) if c.egd_step == EgdStepKind::LossNormalized => {
                self.batch.clone_from(&self.before_step);
                self.sync();
                let mut any = false;
                for &k in &self.active {
                    let loss = evaluate(task, self.models.nets[k].beta().view())?.train_loss;
                    if loss < LOSS_NORMALIZED_FLOOR {
                        let reason = "loss underflow (loss-normalized floor)".to_string();
                        self.models.finished[k] = Some((step, reason));
                        any = true;
                    }
                }
                if !any {
                    return Err(ExperimentError::from(e).into());
                }
                self.record_ended(step)?;
                self.rebatch()?;
                return Ok(ControlFlow::Continue(()));
            }
            Err(e) => return Err(ExperimentError::from(e).into()),
        };
        if !report.loss.is_finite() || !self.batch.all_finite() {
            return Err(RunError::Diverged {
                step,
                cause: format!("training loss {} (max over depths)", report.loss),
            });
        }
        self.step += 1;
        if self.step.is_multiple_of(self.progress_every) {
            ctx.progress(self.step, c.egd_steps);
        }
        self.finish_converged()?;
        Ok(ControlFlow::Continue(()))
    }
}

/// Runs EGD for every depth on `(N, r)`; a depth whose loss reaches `egd_loss_below` (or, with
/// the loss-normalized step, the floor) stops while the others go on.
pub(crate) fn run(
    c: &SweepConfig,
    p: &SweepParams,
    ctx: &mut RunContext,
) -> Result<SweepOutput, RunError> {
    let task = draw_task(c, p.n, p.seed, ctx)?;
    let nets = c
        .egd_depths
        .iter()
        .map(|s| initial_net(c, s.depth, p.n, p.seed, ctx))
        .collect::<Result<Vec<_>, _>>()?;
    let starts = nets.clone();
    ctx.note_route(match c.egd_step {
        EgdStepKind::Fixed => "egd-batch-fixed-step",
        EgdStepKind::LossNormalized => "egd-batch-loss-normalized-step",
    });
    let mut training = Training {
        config: c,
        task: &task,
        models: Models {
            finished: vec![None; nets.len()],
            nets,
        },
        active: Vec::new(),
        batch: Vec::new(),
        before_step: Vec::new(),
        rule: BatchEgd::new(Vec::new()).map_err(ExperimentError::from)?,
        schedule: LogSchedule::new(c.points_per_decade).map_err(ExperimentError::from)?,
        trace: Vec::new(),
        step: 0,
        progress_every: (c.egd_steps / 200).max(1),
    };
    training.rebatch()?;
    run_checkpointed(ctx, &mut training)?;
    let Training {
        models,
        trace,
        step,
        ..
    } = training;
    let mut trace = trace;
    let unfinished = models.active();
    if !unfinished.is_empty() && !recorded(&trace, &unfinished, step) {
        record(&task, &models, &unfinished, step, &mut trace)?;
    }
    let results = models
        .nets
        .iter()
        .zip(&starts)
        .zip(&models.finished)
        .map(|((net, start), fin)| {
            let (steps, stop) = fin
                .clone()
                .unwrap_or((step, format!("step budget {}", c.egd_steps)));
            model_result(
                c,
                &task,
                SeriesKey::Egd { depth: net.depth() },
                (start, net),
                steps,
                stop,
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(SweepOutput {
        models: results,
        trace,
        logits: None,
        data_seed: task.seed,
    })
}
