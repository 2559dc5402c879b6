//! One check of `theorems`: draws the data and dispatches to the check's computation.

use super::exact::{app_d, app_d_problem, ols_invariance};
use super::linear::{asymptotics, invariance};
use super::thm4::two_layer_asymptotics;
use super::{TheoremCheck, TheoremOutput, TheoremsConfig, Transform};
use crate::error::ExperimentError;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use ngd_data::{diagonal_rescaling, gaussian_matrix, well_conditioned_matrix};
use ngd_harness::context::RunContext;
use ngd_harness::error::RunError;
use ngd_models::TwoLayerTanh;
use ngd_optim::LogSchedule;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// `X` (`n × d`, standard Gaussian) and `y = sign(X β*)` (ties → +1), `β*` Gaussian, from the
/// shared seed `label`.
fn data(
    ctx: &RunContext,
    label: &str,
    n: usize,
    d: usize,
) -> Result<(Array2<f64>, Array1<f64>), RunError> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(ctx.shared_seed(label));
    let x = gaussian_matrix(n, d, 1.0, &mut rng).map_err(ExperimentError::from)?;
    let teacher = gaussian_matrix(d, 1, 1.0, &mut rng).map_err(ExperimentError::from)?;
    let y = x
        .dot(&teacher)
        .column(0)
        .mapv(|s| if s < 0.0 { -1.0 } else { 1.0 });
    Ok((x, y))
}

/// The transform `A` (`d × d`), from a seed shared by every run using this transform and size.
fn transform(ctx: &RunContext, t: Transform, d: usize) -> Result<Array2<f64>, RunError> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(
        ctx.shared_seed(&format!("transform-{}-D{d}", t.label())),
    );
    match t {
        Transform::WellConditioned => well_conditioned_matrix(d, &mut rng),
        Transform::DiagonalRescaling => diagonal_rescaling(d, &mut rng),
    }
    .map_err(|e| ExperimentError::from(e).into())
}

/// `β₀ ~ N(0, scale²)`, shared by the runs on the same data.
fn init(ctx: &RunContext, label: &str, d: usize, scale: f64) -> Result<Array1<f64>, RunError> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(ctx.shared_seed(&format!("init-{label}")));
    Ok(gaussian_matrix(d, 1, scale, &mut rng)
        .map_err(ExperimentError::from)?
        .column(0)
        .to_owned())
}

/// Runs the NGD invariance check on `(X, y, A)` from `β₀` ([`invariance`]), notes its solver
/// routes, and records its two maxima as `{prefix}max_logit_rel_diff` and
/// `{prefix}max_beta_rel_diff` and its trace in `out`.
fn record_invariance(
    c: &TheoremsConfig,
    ctx: &mut RunContext,
    schedule: LogSchedule,
    (x, y, a): (
        ArrayView2<'_, f64>,
        ArrayView1<'_, f64>,
        ArrayView2<'_, f64>,
    ),
    beta0: Array1<f64>,
    prefix: &str,
    out: &mut TheoremOutput,
) -> Result<(), RunError> {
    let inv = invariance(
        x,
        y,
        a,
        beta0,
        c.invariance_step,
        c.invariance_steps,
        schedule,
        &mut |done, total| ctx.progress(done, total),
    )?;
    inv.routes.iter().for_each(|r| ctx.note_route(r));
    out.scalars.insert(
        format!("{prefix}max_logit_rel_diff"),
        inv.max_logit_difference,
    );
    out.scalars.insert(
        format!("{prefix}max_beta_rel_diff"),
        inv.max_beta_difference,
    );
    out.trace = inv.trace;
    Ok(())
}

pub(super) fn run(
    c: &TheoremsConfig,
    check: &TheoremCheck,
    ctx: &mut RunContext,
) -> Result<TheoremOutput, RunError> {
    let schedule = LogSchedule::new(c.points_per_decade).map_err(ExperimentError::from)?;
    let mut out = TheoremOutput::default();
    match *check {
        TheoremCheck::Thm1 { transform: t } | TheoremCheck::Thm2 { transform: t } => {
            let wide = matches!(check, TheoremCheck::Thm1 { .. });
            let (label, n, d) = if wide {
                ("wide", c.wide_n, c.wide_d)
            } else {
                ("tall", c.tall_n, c.tall_d)
            };
            let (x, y) = data(ctx, label, n, d)?;
            let a = transform(ctx, t, d)?;
            let beta0 = init(ctx, label, d, c.init_scale)?;
            let problem = (x.view(), y.view(), a.view());
            record_invariance(c, ctx, schedule, problem, beta0, "", &mut out)?;
        }
        TheoremCheck::Thm3 => {
            let (x, y) = data(ctx, "wide", c.wide_n, c.wide_d)?;
            let beta0 = init(ctx, "wide", c.wide_d, c.init_scale)?;
            let (trace, routes) = asymptotics(
                x.view(),
                y.view(),
                beta0,
                c.asymptotic_step,
                c.asymptotic_steps,
                schedule,
                &mut |done, total| ctx.progress(done, total),
            )?;
            routes.iter().for_each(|r| ctx.note_route(r));
            out.trace = trace;
        }
        TheoremCheck::Thm4TwoLayer => {
            let (n, d, h) = (c.two_layer_n, c.two_layer_d, c.two_layer_hidden);
            let (x, y) = data(ctx, "two-layer", n, d)?;
            let mut rng = ctx.rng();
            let s = c.two_layer_init_scale;
            let w = gaussian_matrix(h, d, s / (d as f64).sqrt(), &mut rng)
                .map_err(ExperimentError::from)?;
            let v = gaussian_matrix(h, 1, s / (h as f64).sqrt(), &mut rng)
                .map_err(ExperimentError::from)?
                .column(0)
                .to_owned();
            let net = TwoLayerTanh::new(d, h).map_err(ExperimentError::from)?;
            // Flat parameters: `W` row-major, then `v` (the model's layout).
            let w0 = w.iter().chain(v.iter()).copied().collect();
            let (trace, routes) = two_layer_asymptotics(
                net,
                w0,
                x.view(),
                y.view(),
                c.two_layer_step,
                c.two_layer_steps,
                schedule,
                &mut |done, total| ctx.progress(done, total),
            )?;
            for route in routes {
                ctx.note_route(&format!("two-layer generic exact NGD ({route})"));
            }
            out.trace = trace;
        }
        TheoremCheck::AppD => {
            let sol = app_d()?;
            for (name, v) in [
                ("l2_x", &sol.l2_x),
                ("l2_xa", &sol.l2_xa),
                ("l2_pulled_back", &sol.l2_pulled_back),
                ("l1_x", &sol.l1_x),
                ("l1_xa", &sol.l1_xa),
                ("l1_pulled_back", &sol.l1_pulled_back),
            ] {
                out.scalars.insert(format!("{name}_1"), v[0]);
                out.scalars.insert(format!("{name}_2"), v[1]);
            }
            // NGD on the same toy data from β₀ = β'₀ = 0 (equivalent initial conditions).
            let (a, x, y) = app_d_problem();
            let problem = (x.view(), y.view(), a.view());
            record_invariance(
                c,
                ctx,
                schedule,
                problem,
                Array1::zeros(2),
                "ngd_",
                &mut out,
            )?;
        }
        TheoremCheck::AppG { transform: t } => {
            let (x, y) = data(ctx, "wide", c.wide_n, c.wide_d)?;
            let a = transform(ctx, t, c.wide_d)?;
            let (logit, beta) = ols_invariance(x.view(), y.view(), a.view())?;
            out.scalars.insert("wide_logit_rel_diff".into(), logit);
            out.scalars.insert("wide_beta_rel_diff".into(), beta);
            let (x, y) = data(ctx, "tall", c.tall_n, c.tall_d)?;
            let a = transform(ctx, t, c.tall_d)?;
            let (logit, beta) = ols_invariance(x.view(), y.view(), a.view())?;
            out.scalars.insert("tall_logit_rel_diff".into(), logit);
            out.scalars.insert("tall_beta_rel_diff".into(), beta);
            ctx.note_route("lstsq-min-norm (SVD)");
        }
    }
    ctx.progress(1, 1);
    Ok(out)
}
