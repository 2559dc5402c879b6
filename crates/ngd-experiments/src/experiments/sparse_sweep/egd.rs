//! One EGD run: every depth of `egd_depths` trained on the same `(N, r)` data by one
//! [`BatchEgd`] (a single pass over `X̃` per step computes all losses and gradients), with
//! `w_l ← w_l − η_t c_l ⊙ ∇_β L` (the paper's eq. 39; `η_t = η` or `η / L(w_t)`).
//!
//! The loop is written out (rather than run by `ngd_optim::Executor`) so that it can checkpoint
//! at any step and stop per the loss-normalized step's floor. It is resumable bit-identically:
//! the checkpoint holds the step, every model's weights and the trace so far, and every
//! decision of the loop depends only on those.

use super::data::{Task, draw_task, evaluate, initial_net, model_result};
use super::key::SeriesKey;
use super::{EgdStepKind, SweepConfig, SweepOutput, SweepParams, TracePoint};
use crate::error::ExperimentError;
use ndarray::Array2;
use ngd_harness::context::RunContext;
use ngd_harness::error::RunError;
use ngd_models::DiagonalNet;
use ngd_optim::{BatchEgd, DiagonalStep, LogSchedule, Parameters, StepRule};
use serde::{Deserialize, Serialize};

/// Below this loss the loss-normalized run stops (the rule refuses losses under 1e-300).
const LOSS_NORMALIZED_FLOOR: f64 = 1e-250;

/// Resumable state of an EGD run.
#[derive(Serialize, Deserialize)]
struct State {
    step: u64,
    /// Every model's weights, in `egd_depths` order.
    weights: Vec<Vec<f64>>,
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
    let eta = c.egd_learning_rates[k];
    match c.egd_step {
        EgdStepKind::Fixed => DiagonalStep::Fixed(eta),
        EgdStepKind::LossNormalized => DiagonalStep::LossNormalized(eta),
    }
}

/// Runs EGD for every depth on `(N, r)`; a depth whose loss reaches `egd_loss_below` (or, with
/// the loss-normalized step, the floor) stops while the others go on.
pub(super) fn run(
    c: &SweepConfig,
    p: &SweepParams,
    ctx: &mut RunContext,
) -> Result<SweepOutput, RunError> {
    let task = draw_task(c, p.n, p.seed, ctx)?;
    let nets = c
        .egd_depths
        .iter()
        .map(|&depth| initial_net(c, depth, p.n, p.seed, ctx))
        .collect::<Result<Vec<_>, _>>()?;
    let mut models = Models {
        finished: vec![None; nets.len()],
        nets,
    };
    let schedule = LogSchedule::new(c.points_per_decade).map_err(ExperimentError::from)?;
    let mut trace = Vec::new();
    let mut step = 0;
    if let Some(state) = ctx.restore::<State>() {
        for (net, w) in models.nets.iter_mut().zip(state.weights) {
            let shape = (net.depth(), net.dim());
            let w = Array2::from_shape_vec(shape, w).map_err(ExperimentError::from)?;
            *net = DiagonalNet::new(w).map_err(ExperimentError::from)?;
        }
        models.finished = state.finished;
        step = state.step;
        trace = state.trace;
    }
    ctx.note_route(match c.egd_step {
        EgdStepKind::Fixed => "egd-batch-fixed-step",
        EgdStepKind::LossNormalized => "egd-batch-loss-normalized-step",
    });
    let progress_every = (c.egd_steps / 200).max(1);
    let mut active = models.active();
    let mut batch: Vec<DiagonalNet> = active.iter().map(|&k| models.nets[k].clone()).collect();
    let mut rule = BatchEgd::new(active.iter().map(|&k| step_rule(c, k)).collect())
        .map_err(ExperimentError::from)?;
    loop {
        let sync = |models: &mut Models, batch: &[DiagonalNet], active: &[usize]| {
            for (net, &k) in batch.iter().zip(active) {
                models.nets[k] = net.clone();
            }
        };
        let scheduled = schedule.contains(step as usize) && !recorded(&trace, &active, step);
        let due = ctx.checkpoint_due(step);
        if scheduled || due {
            sync(&mut models, &batch, &active);
        }
        if scheduled {
            record(&task, &models, &active, step, &mut trace)?;
        }
        if due {
            let state = State {
                step,
                weights: models
                    .nets
                    .iter()
                    .map(|m| m.weights().iter().copied().collect())
                    .collect(),
                finished: models.finished.clone(),
                trace: trace.clone(),
            };
            ctx.checkpoint(step, &state)?;
        }
        if step >= c.egd_steps || active.is_empty() {
            sync(&mut models, &batch, &active);
            break;
        }
        let report = match rule.step(&mut batch, &task.problem) {
            Ok(report) => report,
            // A loss-normalized step can take a loss from above the floor to an underflowed 0
            // in one step; the rule then refuses the next step. Finish those depths and go on.
            Err(e) if c.egd_step == EgdStepKind::LossNormalized => {
                sync(&mut models, &batch, &active);
                let mut any = false;
                for &k in &active {
                    let loss = evaluate(&task, models.nets[k].beta().view())?.train_loss;
                    if loss < LOSS_NORMALIZED_FLOOR {
                        let reason = "loss underflow (loss-normalized floor)".to_string();
                        models.finished[k] = Some((step, reason));
                        any = true;
                    }
                }
                if !any {
                    return Err(ExperimentError::from(e).into());
                }
                active = models.active();
                batch = active.iter().map(|&k| models.nets[k].clone()).collect();
                rule = BatchEgd::new(active.iter().map(|&k| step_rule(c, k)).collect())
                    .map_err(ExperimentError::from)?;
                continue;
            }
            Err(e) => return Err(ExperimentError::from(e).into()),
        };
        if !report.loss.is_finite() || !batch.all_finite() {
            return Err(RunError::Diverged {
                step,
                cause: format!("training loss {} (max over depths)", report.loss),
            });
        }
        step += 1;
        if step % progress_every == 0 {
            ctx.progress(step, c.egd_steps);
        }
        let mut done = Vec::new();
        for (i, &loss) in rule.losses().iter().enumerate() {
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
        if !done.is_empty() {
            sync(&mut models, &batch, &active);
            for (i, reason) in done {
                models.finished[active[i]] = Some((step, reason));
            }
            let ended: Vec<usize> = active
                .iter()
                .copied()
                .filter(|&k| models.finished[k].is_some())
                .collect();
            record(&task, &models, &ended, step, &mut trace)?;
            active = models.active();
            batch = active.iter().map(|&k| models.nets[k].clone()).collect();
            rule = BatchEgd::new(active.iter().map(|&k| step_rule(c, k)).collect())
                .map_err(ExperimentError::from)?;
        }
    }
    let unfinished = models.active();
    if !unfinished.is_empty() && !recorded(&trace, &unfinished, step) {
        record(&task, &models, &unfinished, step, &mut trace)?;
    }
    let results = models
        .nets
        .iter()
        .zip(&models.finished)
        .map(|(net, fin)| {
            let (steps, stop) = fin
                .clone()
                .unwrap_or((step, format!("step budget {}", c.egd_steps)));
            model_result(
                c,
                &task,
                SeriesKey::Egd { depth: net.depth() },
                net,
                steps,
                stop,
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(SweepOutput {
        models: results,
        trace,
        logits: None,
    })
}
