//! One run of `fig5-fisher`: fig5's task, initialization and training loop (shared seeds, so
//! every method of one draw, count and depth starts from the same truth, observed set and
//! factors), with the step rule of the method, stopped at the convergence criterion.

use super::Method;
use super::observed_rule::{ObservedNgd, ROUTE};
use super::{Fig5FisherConfig, Fig5FisherOutput, Fig5FisherParams};
use crate::error::ExperimentError;
use crate::experiments::fig5::ngd_rule::NgdStats;
use crate::experiments::fig5::train::{spectrum, task};
use crate::experiments::fig5::training::{Rule, train};
use crate::experiments::fig5::{Fig5Config, Fig5Output, Fig5Params, Method as Fig5Method, Seeds};
use ndarray::Array2;
use ngd_data::CompletionTask;
use ngd_fisher::Cutoff;
use ngd_fisher::factorization::{ObservedOptions, observed_natural_gradient};
use ngd_fisher::generic::Damping;
use ngd_harness::context::RunContext;
use ngd_harness::convergence::{Loss, SQUARED_RELATIVE_TOLERANCE};
use ngd_harness::error::RunError;
use ngd_models::MatrixFactorization;
use ngd_models::factorization::{prefix_products, suffix_products};
use ngd_models::init::collapsed_factorization;
use ngd_optim::{FactorizationEgd, FactorizationStep};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// fig5's config for this experiment's runs, stopping at the train MSE `threshold`.
fn fig5_config(c: &Fig5FisherConfig, threshold: f64) -> Fig5Config {
    Fig5Config {
        n: c.n,
        rank: c.rank,
        observations: c.observations.clone(),
        seeds: c.seeds,
        init_scale: c.init_scale,
        egd_depths: c.depths.clone(),
        egd_lr: c.egd_step,
        egd_decay: FactorizationStep::DEFAULT_DECAY,
        egd_depth1_step: c.egd_step,
        egd_max_steps: c.egd_max_steps,
        train_mse_threshold: threshold,
        ngd_layer_split_depths: Vec::new(),
        ngd_moore_penrose_depths: c.depths.clone(),
        ngd_step: c.ngd_step,
        ngd_max_relative_step: c.ngd_max_relative_step,
        ngd_max_steps: c.ngd_max_steps,
        cg_max_iterations: c.cg_max_iterations,
        cg_tolerance: c.cg_tolerance,
        collapsed: Vec::new(),
        nuclear_baseline: false,
        nuclear_tol: 1e-9,
        points_per_decade: c.points_per_decade,
        chunk_steps: c.chunk_steps,
    }
}

/// The observed-entry rule of `p` (damped when `p.rho` is set), its budget and description.
fn observed_rule(
    c: &Fig5FisherConfig,
    p: &Fig5FisherParams,
) -> Result<(Rule, u64, String), RunError> {
    let damping = p.rho.map(Damping::Relative);
    let options = ObservedOptions {
        cutoff: Cutoff::default(),
        damping,
    };
    let (eta, cap) = (c.ngd_step, c.ngd_max_relative_step);
    let rule =
        ObservedNgd::new(eta, cap, options, NgdStats::default()).map_err(ExperimentError::from)?;
    let (budget, text) = match p.rho {
        None => (
            c.ngd_max_steps,
            format!("observed-entry Moore–Penrose NGD, step η = {eta} capped at {cap}·‖W_i‖/‖G_i‖"),
        ),
        Some(rho) => (
            c.damped_max_steps,
            format!(
                "observed-entry NGD damped λ = {rho:e}·tr(F_Ω)/P, step η(λ_max + λ)/λ_max with η = {eta}, capped at {cap}·‖W_i‖/‖G_i‖"
            ),
        ),
    };
    Ok((Rule::Observed(Box::new(rule)), budget, text))
}

/// Does one run.
pub(super) fn run(
    c: &Fig5FisherConfig,
    p: &Fig5FisherParams,
    ctx: &mut RunContext,
) -> Result<Fig5FisherOutput, RunError> {
    let fig5_params = Fig5Params {
        // fig5's rule of the run's family: the observed-entry rules are built here, not by fig5.
        method: if p.method == Method::Egd {
            Fig5Method::Egd
        } else {
            Fig5Method::NgdMoorePenrose
        },
        depth: p.depth,
        collapse: 1,
        observations: p.observations,
        seed: p.seed,
    };
    let seeds = Seeds::of(&fig5_params, ctx);
    let task = task(&fig5_config(c, 0.0), &fig5_params, &seeds)?;
    let target_sq_norm = (&task.truth * &task.truth * &task.mask).sum();
    let m = p.observations as f64;
    let config = fig5_config(c, SQUARED_RELATIVE_TOLERANCE * target_sq_norm / m);
    let label = format!("init-L{}x1-s{}", p.depth, p.seed);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(ctx.shared_seed(&label));
    let mut model = collapsed_factorization(p.depth, c.n, 1, c.init_scale, &mut rng)
        .map_err(ExperimentError::from)?;
    let trivial_error = task
        .trivial_error(model.product().view())
        .map_err(ExperimentError::from)?;
    let unobserved_share = match p.rho {
        None if p.method == Method::ObservedNgd => Some(unobserved_share(&model, &task)?),
        _ => None,
    };
    let (mut rule, max_steps, step_rule) = match p.method {
        Method::Egd => {
            ctx.note_route("egd-fixed-step");
            let rule = FactorizationEgd::new(FactorizationStep::Fixed(c.egd_step))
                .map_err(ExperimentError::from)?;
            let text = format!("plain GD, fixed step {}", c.egd_step);
            (Rule::Egd(rule), c.egd_max_steps, text)
        }
        Method::PaperNgd => Rule::new(&config, &fig5_params, ctx)?,
        Method::ObservedNgd | Method::DampedObservedNgd => observed_rule(c, p)?,
    };
    let (state, stop) = train(
        &config,
        &fig5_params,
        ctx,
        &task,
        &mut model,
        &mut rule,
        max_steps,
    )?;
    if let Rule::Observed(observed) = &rule {
        ctx.note_route(ROUTE);
        if let Some(r) = observed.stats.min_operator_rank {
            ctx.note_route(&format!("observed-entry min rank of K_Ω: {r}"));
        }
    }
    let beta = model.product();
    let (effective_rank, nuclear_norm) = spectrum(&beta)?;
    let residual = (&beta - &task.truth) * &task.mask;
    let squared_residual = residual.iter().map(|r| r * r).sum::<f64>();
    let convergence = Loss::Squared { target_sq_norm }.judge(0.5 * squared_residual);
    Ok(Fig5FisherOutput {
        run: Fig5Output {
            reconstruction_error: task
                .reconstruction_error(beta.view())
                .map_err(ExperimentError::from)?,
            train_mse: squared_residual / m,
            effective_rank,
            nuclear_norm,
            trivial_error,
            steps: state.step,
            stop,
            step_rule,
            ngd: rule.ngd_stats().cloned(),
            points: state.points,
            convergence,
            final_beta: beta.clone(),
            seeds,
        },
        unobserved_share,
    })
}

/// `‖P_Ωᶜ J g‖ / ‖P_Ω J g‖` for the observed-entry Moore–Penrose direction `g` at `model`:
/// the first-order move `J g = Σ_i A_i G_i B_i` of the unobserved entries against the observed.
fn unobserved_share(model: &MatrixFactorization, task: &CompletionTask) -> Result<f64, RunError> {
    let factors = model.factors();
    let gradient = (model.product() - &task.truth) * &task.mask;
    let options = ObservedOptions::default();
    let natural = observed_natural_gradient(factors, task.mask.view(), gradient.view(), &options)
        .map_err(ExperimentError::from)?;
    let (prefixes, suffixes) = (prefix_products(factors), suffix_products(factors));
    let mut moved = Array2::<f64>::zeros(gradient.raw_dim());
    for ((a, b), g) in prefixes.iter().zip(&suffixes).zip(&natural.directions) {
        moved += &a.dot(g).dot(b);
    }
    let (mut observed, mut unobserved) = (0.0, 0.0);
    for (v, m) in moved.iter().zip(&task.mask) {
        if *m == 1.0 {
            observed += v * v;
        } else {
            unobserved += v * v;
        }
    }
    Ok((unobserved / observed).sqrt())
}
