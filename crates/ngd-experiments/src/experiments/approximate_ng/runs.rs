//! One run of `approximate-ng`: a training run, an invariance measurement, the undamped
//! empirical-Fisher blow-up, or a deep-linear run (see the module docs of the experiment).

use super::{
    Approx, ApproxOutput, ApproxParams, ApproximateConfig, DeepMethod, Invariant, LogitPoint,
    Transform,
};
use crate::error::ExperimentError;
use crate::experiments::damping::tasks::{self, Task, TaskData};
use crate::experiments::damping::train::{
    Budget, Preconditioner, SampleNorms, StepSize, Trainer, Trajectory,
};
use crate::experiments::theorems::{relative_difference, transformed_init};
use ndarray::{Array1, Array2, s};
use ndarray_linalg::{Inverse, QR};
use ngd_data::{diagonal_rescaling, gaussian_matrix, well_conditioned_matrix};
use ngd_fisher::Cutoff;
use ngd_fisher::generic::{Curvature, Damping, GenericOptions, Inversion};
use ngd_harness::context::RunContext;
use ngd_harness::error::RunError;
use ngd_models::{DeepLinearNet, DiagonalParametrization};
use ngd_optim::GenericDirection;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The first sparse task with `N < D` (`wide`) or `N > D`.
fn sparse_task(c: &ApproximateConfig, wide: bool) -> Result<Task, RunError> {
    let d = c.tasks.sparse_dim;
    c.tasks
        .sparse_n
        .iter()
        .find(|&&n| if wide { n < d } else { n > d })
        .map(|&n| Task::Sparse { n })
        .ok_or_else(|| ExperimentError::Internal("no sparse task of that shape".into()).into())
}

/// The transform `A` (`d × d`) from a shared seed.
fn transform(ctx: &RunContext, t: Transform, d: usize) -> Result<Array2<f64>, RunError> {
    let mut rng =
        Xoshiro256PlusPlus::seed_from_u64(ctx.shared_seed(&format!("transform-{t:?}-D{d}")));
    Ok(match t {
        Transform::Diagonal => diagonal_rescaling(d, &mut rng).map_err(ExperimentError::from)?,
        Transform::WellConditioned => {
            well_conditioned_matrix(d, &mut rng).map_err(ExperimentError::from)?
        }
        Transform::Rotation => {
            let g = gaussian_matrix(d, d, 1.0, &mut rng).map_err(ExperimentError::from)?;
            g.qr().map_err(ExperimentError::from)?.0
        }
    })
}

/// The deep linear net of the config and its Gaussian initial weights.
fn deep_net(
    c: &ApproximateConfig,
    d: usize,
    ctx: &RunContext,
) -> Result<(DeepLinearNet, Array1<f64>), RunError> {
    let net = DeepLinearNet::new(d, &c.deep_hidden).map_err(ExperimentError::from)?;
    let p = ngd_models::Parametrization::param_count(&net);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(ctx.shared_seed("deep-linear-init"));
    let w = gaussian_matrix(p, 1, c.deep_init_scale, &mut rng).map_err(ExperimentError::from)?;
    Ok((net, w.column(0).to_owned()))
}

/// The training budget of the config.
fn budget(c: &ApproximateConfig, steps: u64, loss_floor: f64) -> Budget {
    Budget {
        steps,
        loss_floor,
        loss_threshold: 0.0,
        stop_at_threshold: false,
        points_per_decade: c.points_per_decade,
    }
}

/// The generic direction with the default Moore–Penrose cut-off.
fn moore_penrose() -> Inversion {
    Inversion::MoorePenrose(Cutoff::default())
}

pub(super) fn run(
    c: &ApproximateConfig,
    p: &ApproxParams,
    ctx: &mut RunContext,
) -> Result<ApproxOutput, RunError> {
    let out = match *p {
        ApproxParams::Train {
            task,
            depth,
            method,
        } => {
            let data = tasks::draw(&c.tasks, task, ctx)?;
            let w0 = tasks::initial_weights(&c.tasks, task, depth, ctx)?;
            let model = DiagonalParametrization::new(depth, data.train.d())
                .map_err(ExperimentError::from)?;
            let eta = c.ngd_learning_rate;
            let approx = StepSize::Capped {
                eta: eta / depth as f64,
                cap: c.step_cap,
            };
            let generic = |d| (Preconditioner::Generic(d), approx);
            let diagonal_step = StepSize::Backtracking {
                eta: c.diagonal_learning_rate / depth as f64,
            };
            let rule = match method {
                Approx::Egd => (
                    Preconditioner::Euclidean,
                    StepSize::LossNormalized {
                        eta: c.egd_learning_rate,
                    },
                ),
                Approx::Ngd => (
                    Preconditioner::Exact,
                    StepSize::Capped {
                        eta,
                        cap: c.step_cap,
                    },
                ),
                Approx::Empirical => generic(GenericDirection::Damped {
                    damping: Damping::Relative(c.empirical_rho),
                    curvature: Curvature::Empirical,
                }),
                Approx::Diagonal => (
                    Preconditioner::Generic(GenericDirection::Diagonal {
                        curvature: Curvature::Fisher,
                        inversion: moore_penrose(),
                    }),
                    diagonal_step,
                ),
                Approx::Block => generic(GenericDirection::Block {
                    curvature: Curvature::Fisher,
                    inversion: moore_penrose(),
                }),
            };
            let trajectory =
                Trainer::new(model, &data, w0, rule, budget(c, c.steps, c.loss_floor))?.run(ctx)?;
            let train_logits = trajectory
                .points
                .iter()
                .map(|p| LogitPoint {
                    step: p.step,
                    logits: data.train.x.dot(&Array1::from(p.beta.clone())).to_vec(),
                })
                .collect();
            ApproxOutput {
                trajectory: Some(trajectory),
                train_logits,
                ..ApproxOutput::default()
            }
        }
        ApproxParams::Invariance {
            method,
            transform: t,
            theorem,
        } => invariance(c, method, t, theorem, ctx)?,
        ApproxParams::BlowUp => {
            let task = sparse_task(c, true)?;
            let data = tasks::draw(&c.tasks, task, ctx)?;
            let d = data.train.d();
            let model = DiagonalParametrization::new(1, d).map_err(ExperimentError::from)?;
            let options = GenericOptions {
                curvature: Curvature::Empirical,
                ..GenericOptions::default()
            };
            let rule = (
                Preconditioner::Generic(GenericDirection::Exact(options)),
                StepSize::Fixed {
                    eta: c.blow_up_learning_rate,
                },
            );
            // No loss floor: the run goes on until the step overflows (well before t = 2).
            let steps = (2.0 / c.blow_up_learning_rate).ceil() as u64;
            let trainer =
                Trainer::new(model, &data, Array1::zeros(d), rule, budget(c, steps, 0.0))?;
            let (trajectory, diverged_at) = trainer.run_to_divergence(ctx)?;
            ApproxOutput {
                trajectory: Some(trajectory),
                diverged_at,
                ..ApproxOutput::default()
            }
        }
        ApproxParams::DeepLinear { method } => {
            let task = sparse_task(c, false)?;
            let data = tasks::draw(&c.tasks, task, ctx)?;
            let (net, w0) = deep_net(c, data.train.d(), ctx)?;
            let capped = StepSize::Capped {
                eta: c.ngd_learning_rate,
                cap: c.step_cap,
            };
            let rule = match method {
                DeepMethod::Egd => (
                    Preconditioner::Euclidean,
                    StepSize::LossNormalized {
                        eta: c.egd_learning_rate,
                    },
                ),
                DeepMethod::Ngd => (Preconditioner::Exact, capped),
                DeepMethod::Kfac => (
                    Preconditioner::KfacRelative {
                        widths: widths(c, data.train.d()),
                        rho: c.kfac_rho,
                    },
                    capped,
                ),
            };
            let trajectory =
                Trainer::new(net, &data, w0, rule, budget(c, c.steps, c.loss_floor))?.run(ctx)?;
            ApproxOutput {
                trajectory: Some(trajectory),
                ..ApproxOutput::default()
            }
        }
    };
    if let Some(t) = &out.trajectory {
        t.routes.iter().for_each(|r| ctx.note_route(r));
    }
    Ok(out)
}

/// `[D, h_1, …, 1]`.
fn widths(c: &ApproximateConfig, d: usize) -> Vec<usize> {
    std::iter::once(d)
        .chain(c.deep_hidden.iter().copied())
        .chain(std::iter::once(1))
        .collect()
}

/// Trains on `X` and on `X Aᵀ` from equivalent initial weights with a fixed step and measures
/// the invariance error at every step both recorded (Theorem 1: training logits; Theorem 2:
/// `Aᵀβ'` against `β`), as `theorems` does.
fn invariance(
    c: &ApproximateConfig,
    method: Invariant,
    t: Transform,
    theorem: u8,
    ctx: &mut RunContext,
) -> Result<ApproxOutput, RunError> {
    let task = sparse_task(c, theorem == 1)?;
    let data = tasks::draw(&c.tasks, task, ctx)?;
    let d = data.train.d();
    let a = transform(ctx, t, d)?;
    let moved =
        |x: &ngd_data::Classification| x.transformed(a.view()).map_err(ExperimentError::from);
    let data_t = TaskData {
        train: moved(&data.train)?,
        test: data.test.as_ref().map(moved).transpose()?,
        sparsity: data.sparsity,
    };
    // The nearly undamped empirical Fisher blows up at t* = log(1 + e^{−u(0)}) (A4): its run
    // stops at 90 % of the smallest t* with the blow-up run's step.
    let (step, b) = if let Invariant::Empirical { .. } = method {
        let u0 = data
            .train
            .x
            .dot(&tasks::initial_weights(&c.tasks, task, 1, ctx)?)
            * &data.train.y;
        let u_max = u0.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let t_star = (-u_max).exp().ln_1p();
        let eta = c.blow_up_learning_rate;
        let steps = ((0.9 * t_star / eta).floor() as u64).max(1);
        (StepSize::Fixed { eta }, budget(c, steps, c.loss_floor))
    } else {
        (
            StepSize::Fixed {
                eta: c.invariance_learning_rate,
            },
            budget(c, c.invariance_steps, c.loss_floor),
        )
    };
    let (run, run_t) = if let Invariant::Kfac { rho } = method {
        let (net, w0) = deep_net(c, d, ctx)?;
        let first = c.deep_hidden[0] * d;
        let w1 = w0
            .slice(s![..first])
            .into_shape_with_order((c.deep_hidden[0], d))
            .map_err(ExperimentError::from)?;
        let inverse = a.inv().map_err(ExperimentError::from)?;
        let mut w0_t = w0.clone();
        w0_t.slice_mut(s![..first])
            .assign(&Array1::from_iter(w1.dot(&inverse)));
        let rule = (
            Preconditioner::KfacRelative {
                widths: widths(c, d),
                rho,
            },
            step,
        );
        pair(net, (&data, w0), (&data_t, w0_t), rule, b, ctx)?
    } else {
        let beta0 = tasks::initial_weights(&c.tasks, task, 1, ctx)?;
        let beta0_t = transformed_init(a.view(), beta0.view())?;
        let precond = match method {
            Invariant::Diagonal => Preconditioner::Generic(GenericDirection::Diagonal {
                curvature: Curvature::Fisher,
                inversion: moore_penrose(),
            }),
            Invariant::Empirical { rho } => Preconditioner::Generic(GenericDirection::Damped {
                damping: Damping::Relative(rho),
                curvature: Curvature::Empirical,
            }),
            Invariant::Damped { rho } | Invariant::Kfac { rho } => {
                Preconditioner::Damped(Damping::Relative(rho))
            }
        };
        let model = DiagonalParametrization::new(1, d).map_err(ExperimentError::from)?;
        pair(
            model,
            (&data, beta0),
            (&data_t, beta0_t),
            (precond, step),
            b,
            ctx,
        )?
    };
    let mut error = 0.0_f64;
    for p in &run.points {
        let Some(q) = run_t.points.iter().find(|q| q.step == p.step) else {
            continue;
        };
        let (beta, beta_t) = (Array1::from(p.beta.clone()), Array1::from(q.beta.clone()));
        let e = if theorem == 1 {
            relative_difference(
                data_t.train.x.dot(&beta_t).view(),
                data.train.x.dot(&beta).view(),
            )
        } else {
            relative_difference(a.t().dot(&beta_t).view(), beta.view())
        };
        error = error.max(e);
    }
    Ok(ApproxOutput {
        trajectory: Some(run),
        invariance_error: Some(error),
        ..ApproxOutput::default()
    })
}

/// The two runs of an invariance measurement (no checkpoints: one file cannot hold both).
fn pair<M: SampleNorms>(
    model: M,
    (data, w0): (&TaskData, Array1<f64>),
    (data_t, w0_t): (&TaskData, Array1<f64>),
    rule: (Preconditioner, StepSize),
    b: Budget,
    ctx: &mut RunContext,
) -> Result<(Trajectory, Trajectory), RunError> {
    let run = Trainer::new(model.clone(), data, w0, rule.clone(), b)?.run_plain(ctx)?;
    let run_t = Trainer::new(model, data_t, w0_t, rule, b)?.run_plain(ctx)?;
    Ok((run, run_t))
}
