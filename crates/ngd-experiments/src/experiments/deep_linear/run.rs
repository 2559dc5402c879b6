//! One run of `deep-linear`: its data (the toy set, or the sparse sweep's draw of `(N, r)`),
//! its model and rule, trained by [`train_network`]; the diagonal net's EGD is the sparse
//! sweep's own EGD run on the same draw.

use super::{DeepLinearConfig, DeepLinearOutput, DeepLinearParams, Method};
use crate::error::ExperimentError;
use crate::experiments::network_training::{
    Budget, NetworkPoint, NetworkRule, Trained, network_accuracy, train_network,
};
use crate::experiments::sparse_sweep::data::{draw_task, true_support_mass};
use crate::experiments::sparse_sweep::{self, EgdDepth, EgdStepKind, SweepConfig, SweepParams};
use ndarray::{Array1, ArrayView1, ArrayView2};
use ngd_data::Classification;
use ngd_fisher::generic::GenericOptions;
use ngd_harness::context::RunContext;
use ngd_harness::convergence::Loss;
use ngd_harness::error::RunError;
use ngd_models::{DeepLinearNet, LinearInInput, LinearModel, OutputLoss, Parametrization};
use ngd_optim::baselines::l2_max_margin;
use ngd_optim::{
    EgdStep, GenericDirection, GenericNgd, LogSchedule, NetworkEgd, NetworkProblem, NgdStepSize,
};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;

/// The angle between `a` and `b` in degrees.
pub(crate) fn angle_degrees(a: ArrayView1<'_, f64>, b: ArrayView1<'_, f64>) -> f64 {
    let cosine = a.dot(&b) / (a.dot(&a).sqrt() * b.dot(&b).sqrt());
    cosine.clamp(-1.0, 1.0).acos().to_degrees()
}

/// The sparse sweep's config for the same task: its data draws and the diagonal net's EGD
/// (`L = 2`, loss-normalized step, the same initialization scale).
pub(super) fn sweep_config(c: &DeepLinearConfig) -> SweepConfig {
    let base = SweepConfig::fig4(false);
    SweepConfig {
        dim: c.dim,
        sparsity: c.sparsity,
        n_grid: c.n_grid.clone(),
        n_test: c.n_test,
        seeds: c.seeds,
        egd_depths: vec![EgdDepth {
            depth: 2,
            learning_rate: c.diagonal_learning_rate,
        }],
        egd_step: EgdStepKind::LossNormalized,
        egd_steps: c.diagonal_steps,
        egd_loss_below: c.egd_loss_below,
        init_scale: c.diagonal_init_scale,
        points_per_decade: c.points_per_decade,
        ..base
    }
}

/// Relative cost (multiply–adds) of a run.
pub(super) fn cost(c: &DeepLinearConfig, p: &DeepLinearParams) -> u64 {
    let (n, d) = (p.n as u64, c.dim as u64);
    let params = |depth: usize| {
        let net = DeepLinearNet::new(c.dim, &c.hidden(depth));
        net.map_or(d, |net| net.param_count() as u64)
    };
    match p.method {
        Method::ToyEgd { .. } => c.toy_steps * n * 4,
        Method::Egd { .. } => c.egd_steps * n * d * 2,
        Method::DiagonalEgd => c.diagonal_steps * n * d * 2,
        Method::NgdDeep => c.ngd_steps * n * n * params(c.ngd_depth),
        Method::NgdLinear => c.ngd_steps * n * n * d,
    }
}

/// Fan-in-scaled Gaussian weights of `net`: every entry of `W_l` is `N(0, σ² / h_{l−1})`.
fn initial_weights(net: &DeepLinearNet, scale: f64, ctx: &RunContext, label: &str) -> Array1<f64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(ctx.shared_seed(label));
    let mut w = Vec::with_capacity(net.param_count());
    for (rows, cols) in net.layer_shapes() {
        let std = scale / (cols as f64).sqrt();
        for _ in 0..rows * cols {
            let z: f64 = StandardNormal.sample(&mut rng);
            w.push(std * z);
        }
    }
    Array1::from(w)
}

/// `X̃ = diag(y) X`'s ℓ2 max-margin direction.
fn l2_direction(train: &Classification) -> Result<Array1<f64>, RunError> {
    let svm = l2_max_margin(train.signed().view()).map_err(ExperimentError::from)?;
    Ok(svm.direction())
}

/// What the run's model and data are.
struct Setup<'a> {
    train: &'a Classification,
    test: Option<&'a Classification>,
    reference: Array1<f64>,
    sparsity: usize,
}

/// Trains `net` (any parametrization through [`LinearInInput`]) from `w0` and collects the
/// output; `logits` keeps the final training and test logits.
fn train_parametrization<P: Parametrization>(
    net: P,
    setup: &Setup<'_>,
    rule: NetworkRule,
    w0: Array1<f64>,
    budget: Budget,
    logits: bool,
    ctx: &mut RunContext,
) -> Result<DeepLinearOutput, RunError> {
    let problem = NetworkProblem::new(
        LinearInInput(net),
        setup.train.x.clone(),
        setup.train.y.clone(),
        OutputLoss::Logistic,
    )
    .map_err(ExperimentError::from)?;
    let net = &problem.network().0;
    let probe = |w: ArrayView1<'_, f64>| {
        Ok::<f64, ExperimentError>(angle_degrees(net.beta(w)?.view(), setup.reference.view()))
    };
    let Trained {
        w,
        points,
        stop,
        convergence,
    } = train_network(&problem, setup.test, Some(&probe), rule, w0, budget, ctx)?;
    let beta = net.beta(w.view()).map_err(ExperimentError::from)?;
    let test_accuracy = match setup.test {
        Some(test) => Some(network_accuracy(problem.network(), w.view(), test)?),
        None => None,
    };
    let logits_of = |x: ArrayView2<'_, f64>| {
        if logits {
            x.dot(&beta).to_vec()
        } else {
            Vec::new()
        }
    };
    Ok(DeepLinearOutput {
        points,
        stop,
        convergence,
        l2_angle: angle_degrees(beta.view(), setup.reference.view()),
        test_accuracy,
        support_share: true_support_mass(&beta, setup.sparsity),
        train_logits: logits_of(setup.train.x.view()),
        test_logits: setup.test.map_or(Vec::new(), |t| logits_of(t.x.view())),
        beta: beta.to_vec(),
    })
}

/// The diagonal net's EGD (the sparse sweep's run) as a `deep-linear` output.
fn diagonal_egd(
    c: &DeepLinearConfig,
    p: &DeepLinearParams,
    reference: &Array1<f64>,
    ctx: &mut RunContext,
) -> Result<DeepLinearOutput, RunError> {
    let sweep = SweepParams {
        method: sparse_sweep::Method::Egd,
        n: p.n,
        seed: p.seed,
    };
    let output = sparse_sweep::egd::run(&sweep_config(c), &sweep, ctx)?;
    let model = output.models.into_iter().next().ok_or_else(|| {
        ExperimentError::Internal("the diagonal EGD run returned no model".into())
    })?;
    let beta = Array1::from(model.beta);
    let l2_angle = angle_degrees(beta.view(), reference.view());
    Ok(DeepLinearOutput {
        points: vec![NetworkPoint {
            step: model.steps,
            train_loss: model.train_loss,
            train_error: model.train_error,
            test_accuracy: Some(model.test_accuracy),
            probe: Some(l2_angle),
        }],
        stop: model.stop,
        convergence: Loss::Logistic { samples: p.n }.judge(model.train_loss),
        l2_angle,
        test_accuracy: Some(model.test_accuracy),
        support_share: model.true_support_mass,
        train_logits: Vec::new(),
        test_logits: Vec::new(),
        beta: beta.to_vec(),
    })
}

/// Runs one method (see the module docs of `deep_linear`).
pub(super) fn run(
    c: &DeepLinearConfig,
    p: &DeepLinearParams,
    ctx: &mut RunContext,
) -> Result<DeepLinearOutput, RunError> {
    let schedule = LogSchedule::new(c.points_per_decade).map_err(ExperimentError::from)?;
    let egd = |eta: f64| -> Result<NetworkRule, RunError> {
        let rule = NetworkEgd::new(EgdStep::LossNormalized(eta)).map_err(ExperimentError::from)?;
        Ok(NetworkRule::Egd(rule))
    };
    if let Method::ToyEgd { depth } = p.method {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(ctx.shared_seed("toy"));
        let train = ngd_data::toy_2d(&mut rng);
        let setup = Setup {
            reference: l2_direction(&train)?,
            train: &train,
            test: None,
            sparsity: 0,
        };
        let net = DeepLinearNet::new(2, &c.hidden(depth)).map_err(ExperimentError::from)?;
        let w0 = initial_weights(&net, c.init_scale, ctx, &format!("init-L{depth}-toy"));
        let budget = Budget {
            steps: c.toy_steps,
            schedule,
            stop_margin: Some(c.toy_stop_margin),
            loss_below: None,
        };
        ctx.note_route("egd-generic-loss-normalized");
        return train_parametrization(
            net,
            &setup,
            egd(c.toy_learning_rate)?,
            w0,
            budget,
            false,
            ctx,
        );
    }
    let task = draw_task(&sweep_config(c), p.n, p.seed, ctx)?;
    let setup = Setup {
        reference: l2_direction(&task.train)?,
        train: &task.train,
        test: Some(&task.test),
        sparsity: c.sparsity,
    };
    let depth = match p.method {
        Method::Egd { depth } => depth,
        Method::DiagonalEgd => return diagonal_egd(c, p, &setup.reference, ctx),
        _ => c.ngd_depth,
    };
    let net = DeepLinearNet::new(c.dim, &c.hidden(depth)).map_err(ExperimentError::from)?;
    let label = format!("init-L{depth}-N{}-r{}", p.n, p.seed);
    let w0 = initial_weights(&net, c.init_scale, ctx, &label);
    let budget = |steps, loss_below: f64| Budget {
        steps,
        schedule,
        stop_margin: None,
        loss_below: (loss_below > 0.0).then_some(loss_below),
    };
    let ngd = || -> Result<NetworkRule, RunError> {
        let exact = GenericDirection::Exact(GenericOptions::default());
        let step = NgdStepSize::Fixed(c.ngd_learning_rate);
        let rule = GenericNgd::new(exact, step).map_err(ExperimentError::from)?;
        Ok(NetworkRule::Ngd(rule))
    };
    match p.method {
        Method::Egd { .. } => {
            ctx.note_route("egd-generic-loss-normalized");
            let rule = egd(c.egd_learning_rate(depth))?;
            train_parametrization(
                net,
                &setup,
                rule,
                w0,
                budget(c.egd_steps, c.egd_loss_below),
                false,
                ctx,
            )
        }
        Method::NgdDeep => {
            train_parametrization(net, &setup, ngd()?, w0, budget(c.ngd_steps, 0.0), true, ctx)
        }
        _ => {
            // The linear model from the deep net's initial β: equal initial logits.
            let beta0 = net.beta(w0.view()).map_err(ExperimentError::from)?;
            let linear = LinearModel::new(c.dim).map_err(ExperimentError::from)?;
            train_parametrization(
                linear,
                &setup,
                ngd()?,
                beta0,
                budget(c.ngd_steps, 0.0),
                true,
                ctx,
            )
        }
    }
}
