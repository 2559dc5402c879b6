//! One NGD run: a fixed step `w ← w − η g` with the Moore–Penrose natural gradient `g` of the
//! sample Fisher (route `Auto`: the `N × N` kernel system for `N ≤ D`, weighted least squares
//! for `N > D`) or of a population Fisher on `M` fresh inputs (`g = F_pop(β)⁻¹ ∇_β L` for
//! `L = 1`). NGD converges in direction within tens of steps (for `L = 1`, `N ≤ D` every
//! margin moves exactly as `u ← u + η(1 + e^{−u})`), so the step budgets are small.
//!
//! Run `ngd-L1-N{logit_n}-r0` additionally traces the logits `x_nᵀβ_t` of a few training
//! samples over `logit_steps` steps from the same start (Theorem 4: `x_nᵀβ_t ≈ η t y_n`).

use super::data::{Task, draw_task, evaluate, initial_net, model_result, population_inputs};
use super::key::SeriesKey;
use super::{LogitTrace, Method, SweepConfig, SweepOutput, SweepParams, TracePoint};
use crate::error::ExperimentError;
use ngd_fisher::{Cutoff, DiagOptions};
use ngd_harness::context::RunContext;
use ngd_harness::error::RunError;
use ngd_models::DiagonalNet;
use ngd_optim::{DiagonalNgd, FisherChoice, LogSchedule, StepRule};

/// How an NGD loop ended.
struct Ended {
    steps: u64,
    stop: String,
}

/// Runs `budget` NGD steps (fewer if the loss drops below `loss_below > 0` or the solver
/// fails), calling `visit(step, net)` before each step and at the end. A step measures
/// `L(w_t)` while it moves the net to `w_{t+1}`: when `L(w_t) ≤ loss_below` the net is put back
/// to `w_t` and the run ends at step `t`, so the stop reason holds for the net returned.
fn train(
    rule: &mut DiagonalNgd,
    net: &mut DiagonalNet,
    task: &Task,
    budget: u64,
    loss_below: f64,
    ctx: &mut RunContext,
    mut visit: impl FnMut(u64, &DiagonalNet) -> Result<(), RunError>,
) -> Result<Ended, RunError> {
    for step in 0..budget {
        visit(step, net)?;
        let before_step = net.clone();
        let report = match rule.step(net, &task.problem) {
            Ok(report) => report,
            Err(e) => {
                // A failed solve at large margins (Fisher weights underflowing) ends training;
                // the model keeps its last iterate and the reason is recorded.
                ctx.note_route("solver-failure (training stopped)");
                return Ok(Ended {
                    steps: step,
                    stop: format!("natural-gradient solve failed at step {step}: {e}"),
                });
            }
        };
        if !report.loss.is_finite() || !net.weights().iter().all(|w| w.is_finite()) {
            return Err(RunError::Diverged {
                step,
                cause: format!("training loss {}", report.loss),
            });
        }
        if let Some(route) = report.info {
            ctx.note_route(route);
        }
        ctx.progress(step + 1, budget);
        if loss_below > 0.0 && report.loss <= loss_below {
            *net = before_step;
            return Ok(Ended {
                steps: step,
                stop: format!("training loss ≤ {loss_below:e}"),
            });
        }
    }
    visit(budget, net)?;
    Ok(Ended {
        steps: budget,
        stop: format!("step budget {budget}"),
    })
}

/// Runs NGD (sample Fisher at some depth, or population Fisher) on `(N, r)`.
pub(super) fn run(
    c: &SweepConfig,
    p: &SweepParams,
    ctx: &mut RunContext,
) -> Result<SweepOutput, RunError> {
    let task = draw_task(c, p.n, p.seed, ctx)?;
    let (depth, fisher, (eta, budget), label) = match p.method {
        Method::NgdSample { depth } => (
            depth,
            FisherChoice::Sample(DiagOptions::default()),
            {
                let s = c.ngd_depth(depth).ok_or_else(|| {
                    ExperimentError::Internal(format!("NGD run of depth {depth} not in ngd_depths"))
                })?;
                (s.learning_rate, s.steps)
            },
            SeriesKey::NgdSample { depth },
        ),
        Method::NgdPopulation => (
            1,
            FisherChoice::Population {
                inputs: population_inputs(c, p.n, p.seed, ctx)?,
                cutoff: Cutoff::default(),
            },
            (c.population_learning_rate, c.population_steps),
            SeriesKey::NgdPopulation,
        ),
        Method::Egd => {
            return Err(ExperimentError::Internal("EGD run sent to the NGD loop".into()).into());
        }
    };
    let start = initial_net(c, depth, p.n, p.seed, ctx)?;
    let mut net = start.clone();
    let mut rule = DiagonalNgd::new(eta, fisher.clone()).map_err(ExperimentError::from)?;
    let schedule = LogSchedule::new(c.points_per_decade).map_err(ExperimentError::from)?;
    let mut trace = Vec::new();
    let ended = train(
        &mut rule,
        &mut net,
        &task,
        budget,
        c.ngd_loss_below,
        ctx,
        |step, net| {
            if schedule.contains(step as usize) {
                trace.push(trace_point(&task, step, net)?);
            }
            Ok(())
        },
    )?;
    // The end of the run (it may repeat a scheduled step).
    trace.push(trace_point(&task, ended.steps, &net)?);
    trace.dedup_by_key(|t| t.step);
    let models = vec![model_result(
        c,
        &task,
        label,
        (&start, &net),
        ended.steps,
        ended.stop,
    )?];
    let traced = p.method == (Method::NgdSample { depth: 1 }) && p.n == c.logit_n && p.seed == 0;
    let logits = if traced {
        Some(trace_logits(c, &task, start, fisher, ctx)?)
    } else {
        None
    };
    Ok(SweepOutput {
        models,
        trace,
        logits,
        data_seed: task.seed,
    })
}

/// The trace point of `net` at `step`.
fn trace_point(task: &Task, step: u64, net: &DiagonalNet) -> Result<TracePoint, RunError> {
    let eval = evaluate(task, net.beta().view())?;
    Ok(TracePoint {
        step,
        model: 0,
        train_loss: eval.train_loss,
        test_accuracy: eval.test_accuracy,
    })
}

/// Traces the logits of `logit_samples` training samples (half of each label) over
/// `logit_steps` NGD steps without a loss threshold.
fn trace_logits(
    c: &SweepConfig,
    task: &Task,
    start: DiagonalNet,
    fisher: FisherChoice,
    ctx: &mut RunContext,
) -> Result<LogitTrace, RunError> {
    let y = &task.train.y;
    let half = c.logit_samples / 2;
    let pick = |label: f64, count: usize| (0..y.len()).filter(move |&i| y[i] == label).take(count);
    let samples: Vec<usize> = pick(1.0, c.logit_samples - half)
        .chain(pick(-1.0, half))
        .collect();
    let labels = samples.iter().map(|&i| y[i]).collect();
    let mut net = start;
    let eta = c
        .ngd_depth(1)
        .ok_or_else(|| ExperimentError::Internal("ngd_depths has no depth 1".into()))?
        .learning_rate;
    let mut rule = DiagonalNgd::new(eta, fisher).map_err(ExperimentError::from)?;
    let mut logits = Vec::new();
    train(
        &mut rule,
        &mut net,
        task,
        c.logit_steps,
        0.0,
        ctx,
        |_, net| {
            let beta = net.beta();
            logits.push(
                samples
                    .iter()
                    .map(|&i| task.train.x.row(i).dot(&beta))
                    .collect(),
            );
            Ok(())
        },
    )?;
    Ok(LogitTrace {
        samples,
        labels,
        learning_rate: eta,
        logits,
    })
}
