//! One EGD run: every depth of `egd_depths` trained on the same `(N, r)` data by one
//! [`BatchEgd`] (a single pass over `X̃` per step computes all losses and gradients), with
//! `w_l ← w_l − η_t c_l ⊙ ∇_β L` (the paper's eq. 39; `η_t = η` or `η / L(w_t)`).
//!
//! The loop is written out (rather than run by `ngd_optim::Executor`) so that it can checkpoint
//! at any step and stop per the loss-normalized step's floor. It is resumable bit-identically:
//! the checkpoint holds the step, every model's weights and the trace so far, and every
//! decision of the loop depends only on those.

use super::data::{Task, draw_task, evaluate, initial_net, model_result};
use super::{EgdStepKind, SweepConfig, SweepOutput, SweepParams, TracePoint};
use crate::context::RunContext;
use crate::error::RunError;
use ndarray::Array2;
use ngd_models::DiagonalNet;
use ngd_optim::{BatchEgd, DiagonalStep, LogSchedule, Parameters, StepRule};
use serde::{Deserialize, Serialize};

/// Below this loss the loss-normalized run stops (the rule refuses losses under 1e-300).
const LOSS_NORMALIZED_FLOOR: f64 = 1e-250;

/// Resumable state of an EGD run.
#[derive(Serialize, Deserialize)]
struct State {
    step: u64,
    weights: Vec<Vec<f64>>,
    trace: Vec<TracePoint>,
}

/// Records every model at `step`.
fn record(
    task: &Task,
    models: &[DiagonalNet],
    step: u64,
    trace: &mut Vec<TracePoint>,
) -> Result<(), RunError> {
    for (model, net) in models.iter().enumerate() {
        let eval = evaluate(task, net.beta().view())?;
        trace.push(TracePoint {
            step,
            model,
            train_loss: eval.train_loss,
            test_accuracy: eval.test_accuracy,
        });
    }
    Ok(())
}

/// Runs EGD for every depth on `(N, r)`.
pub(super) fn run(
    c: &SweepConfig,
    p: &SweepParams,
    ctx: &mut RunContext,
) -> Result<SweepOutput, RunError> {
    let task = draw_task(c, p.n, p.seed, ctx)?;
    let mut models = c
        .egd_depths
        .iter()
        .map(|&depth| initial_net(c, depth, p.n, p.seed, ctx))
        .collect::<Result<Vec<_>, _>>()?;
    let steps = c
        .egd_learning_rates
        .iter()
        .map(|&eta| match c.egd_step {
            EgdStepKind::Fixed => DiagonalStep::Fixed(eta),
            EgdStepKind::LossNormalized => DiagonalStep::LossNormalized(eta),
        })
        .collect();
    let mut rule = BatchEgd::new(steps).map_err(RunError::failed)?;
    let schedule = LogSchedule::new(c.points_per_decade).map_err(RunError::failed)?;
    let mut trace = Vec::new();
    let mut step = 0;
    if let Some(state) = ctx.restore::<State>() {
        for (net, w) in models.iter_mut().zip(state.weights) {
            let shape = (net.depth(), net.dim());
            let w = Array2::from_shape_vec(shape, w).map_err(RunError::failed)?;
            *net = DiagonalNet::new(w).map_err(RunError::failed)?;
        }
        step = state.step;
        trace = state.trace;
    }
    ctx.note_route(match c.egd_step {
        EgdStepKind::Fixed => "egd-batch-fixed-step",
        EgdStepKind::LossNormalized => "egd-batch-loss-normalized-step",
    });
    let mut stop = format!("step budget {}", c.egd_steps);
    let progress_every = (c.egd_steps / 200).max(1);
    loop {
        if schedule.contains(step as usize) && trace.last().is_none_or(|t| t.step < step) {
            record(&task, &models, step, &mut trace)?;
        }
        if ctx.checkpoint_due(step) {
            let state = State {
                step,
                weights: models.iter().map(|m| m.weights().iter().copied().collect()).collect(),
                trace: trace.clone(),
            };
            ctx.checkpoint(step, &state)?;
        }
        if step >= c.egd_steps {
            break;
        }
        let report = rule.step(&mut models, &task.problem).map_err(RunError::failed)?;
        if !report.loss.is_finite() || !models.all_finite() {
            return Err(RunError::Diverged {
                step,
                cause: format!("training loss {} (max over depths)", report.loss),
            });
        }
        step += 1;
        if step % progress_every == 0 {
            ctx.progress(step, c.egd_steps);
        }
        if c.egd_loss_below > 0.0 && report.loss <= c.egd_loss_below {
            stop = format!("every depth's loss ≤ {:e}", c.egd_loss_below);
            break;
        }
        let least = rule.losses().iter().copied().fold(f64::INFINITY, f64::min);
        if c.egd_step == EgdStepKind::LossNormalized && least < LOSS_NORMALIZED_FLOOR {
            stop = format!("a depth's loss < {LOSS_NORMALIZED_FLOOR:e} (loss-normalized floor)");
            break;
        }
    }
    if trace.last().is_none_or(|t| t.step < step) {
        record(&task, &models, step, &mut trace)?;
    }
    let models = models
        .iter()
        .map(|net| {
            let label = format!("EGD L={}", net.depth());
            model_result(c, &task, label, net, step, stop.clone())
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(SweepOutput {
        models,
        trace,
        logits: None,
    })
}
