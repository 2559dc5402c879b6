//! One run of `fig5`: data, initialization, the EGD / NGD loop in resumable chunks, and the
//! minimum-nuclear-norm baseline.
//!
//! Shared seeds make runs comparable: the truth depends only on the draw (`truth-s{k}`), the
//! observed set on the draw and count (`obs-m{m}-s{k}`), the initial factors on the draw, depth
//! and collapse (`init-L{L}x{c}-s{k}`), so EGD and NGD of one depth start from the same factors.

use super::ngd_rule::{CappedNgd, NgdStats, method_label};
use super::{Fig5Config, Fig5Params};
use crate::context::RunContext;
use crate::error::RunError;
use ndarray::Array2;
use ngd_data::{CompletionTask, effective_rank, low_rank_truth, sample_observations};
use ngd_fisher::factorization::{FactorMethod, MpOptions, NaturalDirection};
use ngd_fisher::linalg::{Cutoff, thin_svd};
use ngd_models::MatrixFactorization;
use ngd_models::init::collapsed_factorization;
use ngd_optim::baselines::{NuclearOptions, min_nuclear_norm_completion};
use ngd_optim::{
    CompletionProblem, Executor, FactorizationEgd, FactorizationStep, LogSchedule, Observation,
    Resume, StepRule, Stop,
};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
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

/// The output of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fig5Output {
    /// The recorded trajectory (empty for the nuclear-norm baseline).
    pub points: Vec<Fig5Point>,
    /// Final reconstruction error.
    pub reconstruction_error: f64,
    /// Final mean squared error over observed entries.
    pub train_mse: f64,
    /// Effective rank of the final β.
    pub effective_rank: f64,
    /// Nuclear norm of the final β.
    pub nuclear_norm: f64,
    /// Error of the trivial solution from this run's initial β (observed entries fitted).
    pub trivial_error: f64,
    /// Steps (or baseline iterations) taken.
    pub steps: u64,
    /// Why the run ended.
    pub stop: String,
    /// The step rule, in words.
    pub step_rule: String,
    /// NGD solver statistics.
    pub ngd: Option<NgdStats>,
}

/// The task of a run (see the module docs for the seeds).
pub fn task(c: &Fig5Config, p: &Fig5Params, ctx: &RunContext) -> Result<CompletionTask, RunError> {
    let seeded = |label: String| Xoshiro256PlusPlus::seed_from_u64(ctx.shared_seed(&label));
    let truth = low_rank_truth(c.n, c.rank, &mut seeded(format!("truth-s{}", p.seed)))
        .map_err(RunError::failed)?;
    let label = format!("obs-m{}-s{}", p.observations, p.seed);
    let observed =
        sample_observations(c.n, p.observations, &mut seeded(label)).map_err(RunError::failed)?;
    CompletionTask::new(truth, observed).map_err(RunError::failed)
}

/// `(effective rank, nuclear norm)` of `beta`.
fn spectrum(beta: &Array2<f64>) -> Result<(f64, f64), RunError> {
    let svd = thin_svd(beta.view()).map_err(RunError::failed)?;
    let sigma = svd.sigma.to_vec();
    let rank = effective_rank(&sigma).map_err(RunError::failed)?;
    Ok((rank, sigma.iter().sum()))
}

/// Resumable state of a training run.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct State {
    step: u64,
    initial_loss: Option<f64>,
    factors: Vec<Vec<f64>>,
    second_moment: f64,
    decay_power: f64,
    points: Vec<Fig5Point>,
    ngd: NgdStats,
}

/// The two rules, with their resumable state.
enum Rule {
    Egd(FactorizationEgd),
    Ngd(CappedNgd),
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
        }
    }
}

fn nuclear(task: &CompletionTask, tol: f64) -> Result<Fig5Output, RunError> {
    let opts = NuclearOptions {
        tol,
        ..NuclearOptions::default()
    };
    let sol =
        min_nuclear_norm_completion(task.truth.view(), task.mask.view(), opts).map_err(|e| {
            RunError::Diverged {
                step: opts.max_iterations as u64,
                cause: format!("minimum nuclear norm solver stopped: {e}"),
            }
        })?;
    let (rank, nuclear_norm) = spectrum(&sol.estimate)?;
    let zero = Array2::zeros(task.truth.raw_dim());
    Ok(Fig5Output {
        points: Vec::new(),
        reconstruction_error: task
            .reconstruction_error(sol.estimate.view())
            .map_err(RunError::failed)?,
        train_mse: sol.constraint_residual,
        effective_rank: rank,
        nuclear_norm,
        trivial_error: task.trivial_error(zero.view()).map_err(RunError::failed)?,
        steps: sol.iterations as u64,
        stop: format!(
            "Douglas–Rachford converged (fixed-point residual {:.1e}, constraint residual {:.1e})",
            sol.fixed_point_residual, sol.constraint_residual
        ),
        step_rule: "minimum nuclear norm (Douglas–Rachford)".into(),
        ngd: None,
    })
}

/// Does one run.
pub fn run(c: &Fig5Config, p: &Fig5Params, ctx: &mut RunContext) -> Result<Fig5Output, RunError> {
    let task = task(c, p, ctx)?;
    if p.method == "NUC" {
        ctx.note_route("nuclear-norm-douglas-rachford");
        return nuclear(&task, c.nuclear_tol);
    }
    let label = format!("init-L{}x{}-s{}", p.depth, p.collapse, p.seed);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(ctx.shared_seed(&label));
    let mut model = collapsed_factorization(p.depth, c.n, p.collapse, c.init_scale, &mut rng)
        .map_err(RunError::failed)?;
    let trivial = task
        .trivial_error(model.product().view())
        .map_err(RunError::failed)?;
    let problem =
        CompletionProblem::new(task.truth.clone(), task.mask.clone()).map_err(RunError::failed)?;
    let (mut rule, max_steps, step_rule) = match p.method.as_str() {
        "EGD" => {
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
            let rule = FactorizationEgd::new(step).map_err(RunError::failed)?;
            (Rule::Egd(rule), c.egd_max_steps, text)
        }
        method => {
            let direction = if method == "NGD-LS" {
                NaturalDirection::LayerSplit(Cutoff::default())
            } else {
                NaturalDirection::MoorePenrose(MpOptions {
                    cutoff: Cutoff::default(),
                    cg_tolerance: c.cg_tolerance,
                    cg_max_iterations: Some(c.cg_max_iterations),
                })
            };
            let (eta, cap) = (c.ngd_step, c.ngd_max_relative_step);
            let rule = CappedNgd::new(eta, cap, direction, NgdStats::default());
            let text = format!("NGD, step η = {eta} capped at {cap}·‖W_i‖/‖G_i‖");
            (Rule::Ngd(rule), c.ngd_max_steps, text)
        }
    };
    let mut state = State {
        step: 0,
        initial_loss: None,
        factors: Vec::new(),
        second_moment: 0.0,
        decay_power: 1.0,
        points: Vec::new(),
        ngd: NgdStats::default(),
    };
    if let Some(saved) = ctx.restore::<State>() {
        let d = c.n;
        let factors = saved
            .factors
            .iter()
            .map(|f| Array2::from_shape_vec((d, d), f.clone()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(RunError::failed)?;
        model = MatrixFactorization::new(factors).map_err(RunError::failed)?;
        match &mut rule {
            Rule::Egd(r) => r.set_state(ngd_optim::egd::NormalizedState {
                second_moment: saved.second_moment,
                decay_power: saved.decay_power,
            }),
            Rule::Ngd(r) => r.stats = saved.ngd.clone(),
        }
        state = saved;
    }
    let m = p.observations as f64;
    let schedule = LogSchedule::new(c.points_per_decade).map_err(RunError::failed)?;
    let stop = loop {
        let end = (state.step + c.chunk_steps).min(max_steps);
        let executor = Executor::new(end as usize)
            .loss_below(c.train_mse_threshold * m / 2.0)
            .schedule(schedule);
        let points = &mut state.points;
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
            step: state.step as usize,
            initial_loss: state.initial_loss,
        };
        let outcome = executor
            .run(&mut rule, &mut model, &problem, resume, &mut observe)
            .map_err(|e| RunError::Diverged {
                step: failed_step(&rule, state.step),
                cause: format!("stopped: the step failed: {e}"),
            })?;
        state.step = outcome.step as u64;
        state.initial_loss = outcome.initial_loss;
        ctx.progress(state.step, max_steps);
        match outcome.stop {
            Stop::Diverged { step, cause } => {
                let detail = match &rule {
                    Rule::Ngd(r) => r.stats.failure.clone().unwrap_or_default(),
                    Rule::Egd(_) => String::new(),
                };
                return Err(RunError::Diverged {
                    step: step as u64,
                    cause: format!("{cause:?} {detail}").trim().to_string(),
                });
            }
            Stop::LossBelow { step, .. } => {
                break format!("train MSE ≤ {} at step {step}", c.train_mse_threshold);
            }
            Stop::Budget | Stop::Observer if state.step >= max_steps => {
                break format!("step budget {max_steps} used");
            }
            _ => {}
        }
        if ctx.checkpoint_due(state.step) {
            state.factors = model
                .factors()
                .iter()
                .map(|f| f.iter().copied().collect())
                .collect();
            match &rule {
                Rule::Egd(r) => {
                    state.second_moment = r.state().second_moment;
                    state.decay_power = r.state().decay_power;
                }
                Rule::Ngd(r) => state.ngd = r.stats.clone(),
            }
            ctx.checkpoint(state.step, &state)?;
        }
    };
    let beta = model.product();
    let (rank, nuclear_norm) = spectrum(&beta)?;
    let ngd = match &rule {
        Rule::Ngd(r) => {
            note_ngd_routes(ctx, p, &r.stats);
            Some(r.stats.clone())
        }
        Rule::Egd(_) => None,
    };
    let residual = (&beta - &task.truth) * &task.mask;
    let train_mse = residual.iter().map(|r| r * r).sum::<f64>() / m;
    Ok(Fig5Output {
        reconstruction_error: task
            .reconstruction_error(beta.view())
            .map_err(RunError::failed)?,
        train_mse,
        effective_rank: rank,
        nuclear_norm,
        trivial_error: trivial,
        steps: state.step,
        stop,
        step_rule,
        ngd,
        points: state.points,
    })
}

/// The step at which a step failed: NGD counts its steps; otherwise the chunk's start.
fn failed_step(rule: &Rule, chunk_start: u64) -> u64 {
    match rule {
        Rule::Ngd(r) => r.stats.steps,
        Rule::Egd(_) => chunk_start,
    }
}

fn note_ngd_routes(ctx: &mut RunContext, p: &Fig5Params, s: &NgdStats) {
    let method = match (p.method.as_str(), p.depth) {
        ("NGD-LS", _) => FactorMethod::LayerSplit,
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
