//! One run of `fig5`: data, initialization, the EGD / NGD training (in [`super::training`])
//! and the minimum-nuclear-norm baseline.
//!
//! Shared seeds make runs comparable: the truth depends only on the draw (`truth-s{k}`), the
//! observed set on the draw and count (`obs-m{m}-s{k}`), the initial factors on the draw, depth
//! and collapse (`init-L{L}x{c}-s{k}`), so EGD and NGD of one depth start from the same factors.

use super::ngd_rule::NgdStats;
use super::training::{Fig5Point, Rule, train};
use super::{Fig5Config, Fig5Params, Method};
use crate::error::ExperimentError;
use ndarray::Array2;
use ngd_data::{CompletionTask, effective_rank, low_rank_truth, sample_observations};
use ngd_fisher::linalg::thin_svd;
use ngd_harness::context::RunContext;
use ngd_harness::convergence::{Convergence, Loss};
use ngd_harness::error::RunError;
use ngd_models::MatrixFactorization;
use ngd_models::init::collapsed_factorization;
use ngd_optim::baselines::{NuclearOptions, min_nuclear_norm_completion};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

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
    /// Whether the final `β` fits the observed entries (the harness's one definition for the
    /// squared loss `½ Σ_Ω (β − M)²`).
    pub convergence: Convergence,
    /// The final β (`n × n`; the estimate for the nuclear-norm baseline).
    pub final_beta: Array2<f64>,
    /// The seeds of this run's truth, observed set and initial factors (see [`Seeds`]).
    pub seeds: Seeds,
}

/// The harness's convergence verdict of `β` on the observed entries of `task`.
fn convergence(task: &CompletionTask, beta: &Array2<f64>) -> Convergence {
    let residual = (beta - &task.truth) * &task.mask;
    let targets = &task.truth * &task.mask;
    Loss::Squared {
        target_sq_norm: targets.iter().map(|t| t * t).sum(),
    }
    .judge(0.5 * residual.iter().map(|r| r * r).sum::<f64>())
}

/// The shared seeds a run drew its task and initial factors from (`finish` redraws the
/// truth, the masks and the initial factors from them for the folder's arrays).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Seeds {
    /// Seed of the truth `M` (label `truth-s{k}`).
    pub truth: u64,
    /// Seed of the observed set (label `obs-m{m}-s{k}`).
    pub observed: u64,
    /// Seed of the initial factors (label `init-L{L}x{c}-s{k}`; `None` for the baseline).
    pub init: Option<u64>,
}

impl Seeds {
    /// The seeds of run `p`.
    pub fn of(p: &Fig5Params, ctx: &RunContext) -> Self {
        Self {
            truth: ctx.shared_seed(&format!("truth-s{}", p.seed)),
            observed: ctx.shared_seed(&format!("obs-m{}-s{}", p.observations, p.seed)),
            init: (p.method != Method::Nuclear)
                .then(|| ctx.shared_seed(&format!("init-L{}x{}-s{}", p.depth, p.collapse, p.seed))),
        }
    }
}

/// The truth `M` of `c` drawn from `seed`.
pub fn draw_truth(c: &Fig5Config, seed: u64) -> Result<Array2<f64>, ExperimentError> {
    Ok(low_rank_truth(
        c.n,
        c.rank,
        &mut Xoshiro256PlusPlus::seed_from_u64(seed),
    )?)
}

/// The completion task of `m` observed entries of `truth`, drawn from `seed`.
pub fn draw_task(
    c: &Fig5Config,
    truth: Array2<f64>,
    m: usize,
    seed: u64,
) -> Result<CompletionTask, ExperimentError> {
    let observed = sample_observations(c.n, m, &mut Xoshiro256PlusPlus::seed_from_u64(seed))?;
    Ok(CompletionTask::new(truth, observed)?)
}

/// The initial model of depth `depth` and collapse `collapse` drawn from `seed`.
pub fn draw_init(
    c: &Fig5Config,
    depth: usize,
    collapse: usize,
    seed: u64,
) -> Result<MatrixFactorization, ExperimentError> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    Ok(collapsed_factorization(
        depth,
        c.n,
        collapse,
        c.init_scale,
        &mut rng,
    )?)
}

/// The task of a run drawn from its seeds (see the module docs).
pub fn task(c: &Fig5Config, p: &Fig5Params, seeds: &Seeds) -> Result<CompletionTask, RunError> {
    let truth = draw_truth(c, seeds.truth)?;
    Ok(draw_task(c, truth, p.observations, seeds.observed)?)
}

/// `(effective rank, nuclear norm)` of `beta`.
pub(crate) fn spectrum(beta: &Array2<f64>) -> Result<(f64, f64), RunError> {
    let svd = thin_svd(beta.view()).map_err(ExperimentError::from)?;
    let sigma = svd.sigma.to_vec();
    let rank = effective_rank(&sigma).map_err(ExperimentError::from)?;
    Ok((rank, sigma.iter().sum()))
}

fn nuclear(task: &CompletionTask, tol: f64, seeds: Seeds) -> Result<Fig5Output, RunError> {
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
        convergence: convergence(task, &sol.estimate),
        points: Vec::new(),
        reconstruction_error: task
            .reconstruction_error(sol.estimate.view())
            .map_err(ExperimentError::from)?,
        train_mse: sol.constraint_residual,
        effective_rank: rank,
        nuclear_norm,
        trivial_error: task
            .trivial_error(zero.view())
            .map_err(ExperimentError::from)?,
        steps: sol.iterations as u64,
        stop: format!(
            "Douglas–Rachford converged (fixed-point residual {:.1e}, constraint residual {:.1e})",
            sol.fixed_point_residual, sol.constraint_residual
        ),
        step_rule: "minimum nuclear norm (Douglas–Rachford)".into(),
        ngd: None,
        final_beta: sol.estimate,
        seeds,
    })
}

/// Does one run.
pub fn run(c: &Fig5Config, p: &Fig5Params, ctx: &mut RunContext) -> Result<Fig5Output, RunError> {
    let seeds = Seeds::of(p, ctx);
    let task = task(c, p, &seeds)?;
    let Some(init_seed) = seeds.init else {
        ctx.note_route("nuclear-norm-douglas-rachford");
        return nuclear(&task, c.nuclear_tol, seeds);
    };
    let mut model = draw_init(c, p.depth, p.collapse, init_seed)?;
    let trivial = task
        .trivial_error(model.product().view())
        .map_err(ExperimentError::from)?;
    let (mut rule, max_steps, step_rule) = Rule::new(c, p, ctx)?;
    let (state, stop) = train(c, p, ctx, &task, &mut model, &mut rule, max_steps)?;
    let beta = model.product();
    let (rank, nuclear_norm) = spectrum(&beta)?;
    let residual = (&beta - &task.truth) * &task.mask;
    let train_mse = residual.iter().map(|r| r * r).sum::<f64>() / p.observations as f64;
    Ok(Fig5Output {
        convergence: convergence(&task, &beta),
        reconstruction_error: task
            .reconstruction_error(beta.view())
            .map_err(ExperimentError::from)?,
        train_mse,
        effective_rank: rank,
        nuclear_norm,
        trivial_error: trivial,
        steps: state.step,
        stop,
        step_rule,
        ngd: rule.ngd_stats().cloned(),
        points: state.points,
        final_beta: beta,
        seeds,
    })
}
