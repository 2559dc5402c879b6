//! One run of `fig2`: EGD (loss-normalized step) or NGD (capped fixed step) on the toy set.

use super::{Fig2Config, Fig2Output, Fig2Params, Fig2Point, Method};
use crate::error::ExperimentError;
use ndarray::{Array1, Array2, ArrayView2};
use ngd_fisher::{DiagOptions, diag_natural_gradient};
use ngd_harness::context::RunContext;
use ngd_harness::convergence::Loss;
use ngd_harness::error::RunError;
use ngd_models::{DiagonalNet, init::constant_diagonal, logistic_loss};
use ngd_optim::ngd::route_label;
use ngd_optim::{ClassificationProblem, DiagonalEgd, DiagonalStep, LogSchedule, StepRule};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// Direction angle `atan2(β₂, β₁)` in degrees.
pub fn angle_deg(beta1: f64, beta2: f64) -> f64 {
    beta2.atan2(beta1).to_degrees()
}

/// The recorded quantities of `β` on signed data `x̃` (rows).
fn point(xt: ArrayView2<'_, f64>, beta: &Array1<f64>, step: u64, flow_time: f64) -> Fig2Point {
    let margins = xt.dot(beta);
    let min_margin = margins.iter().copied().fold(f64::INFINITY, f64::min);
    let norm = beta.dot(beta).sqrt();
    Fig2Point {
        step,
        flow_time,
        angle_deg: angle_deg(beta[0], beta[1]),
        beta1: beta[0],
        beta2: beta[1],
        min_margin,
        normalized_margin: min_margin / norm,
        loss: logistic_loss::mean_loss(margins.view()),
    }
}

/// The NGD step `η_t = min(η, min_{i: g_i ≠ 0} ρ |w_i| / |g_i|)`: the smallest per-coordinate
/// ratio, so that `|η_t g_i| ≤ ρ |w_i|` for every weight (see the module docs of `fig2`).
fn capped_step(eta: f64, rho: f64, weights: ArrayView2<'_, f64>, g: &Array2<f64>) -> f64 {
    weights
        .iter()
        .zip(g.iter())
        .filter(|(_, gi)| gi.abs() > 0.0)
        .fold(eta, |h, (wi, gi)| h.min(rho * wi.abs() / gi.abs()))
}

/// Runs one configuration (see the module docs).
pub(super) fn run(
    c: &Fig2Config,
    p: &Fig2Params,
    ctx: &mut RunContext,
) -> Result<Fig2Output, RunError> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(ctx.shared_seed("toy-data"));
    let data = ngd_data::toy_2d(&mut rng);
    let xt = data.signed();
    let problem = ClassificationProblem::new(xt.clone()).map_err(ExperimentError::from)?;
    let mut net = constant_diagonal(p.depth, 2, c.init_value).map_err(ExperimentError::from)?;
    let initial_weights = layer_rows(&net);
    let schedule = LogSchedule::new(c.points_per_decade).map_err(ExperimentError::from)?;
    let mut points = Vec::new();
    let mut flow_time = 0.0;
    let stop = match p.method {
        Method::Egd => {
            ctx.note_route("egd-loss-normalized");
            let step = DiagonalStep::LossNormalized(c.egd_step);
            let mut rule = DiagonalEgd::new(step, p.depth, 2).map_err(ExperimentError::from)?;
            let mut k = 0;
            loop {
                let beta = net.beta();
                let now = point(xt.view(), &beta, k, flow_time);
                let loss = now.loss;
                if !loss.is_finite() || !now.min_margin.is_finite() {
                    return Err(RunError::Diverged {
                        step: k,
                        cause: format!("loss {loss}"),
                    });
                }
                let done = if loss <= c.egd_loss_stop {
                    Some(format!("loss {loss:.3e} ≤ egd_loss_stop at step {k}"))
                } else if k == c.egd_max_steps {
                    Some(format!("step budget {k} used up (loss {loss:.3e})"))
                } else {
                    None
                };
                if done.is_some() || schedule.contains(k as usize) {
                    points.push(now);
                    ctx.progress(k, c.egd_max_steps);
                }
                if let Some(reason) = done {
                    break reason;
                }
                let report = rule
                    .step(&mut net, &problem)
                    .map_err(ExperimentError::from)?;
                flow_time += report.step_size;
                k += 1;
            }
        }
        Method::Ngd => {
            let options = DiagOptions::default();
            let mut margins = Array1::zeros(problem.samples());
            for k in 0..=c.ngd_steps {
                let beta = net.beta();
                if k == c.ngd_steps || schedule.contains(k as usize) {
                    points.push(point(xt.view(), &beta, k, flow_time));
                    ctx.progress(k, c.ngd_steps);
                }
                if k == c.ngd_steps {
                    break;
                }
                logistic_loss::margins_into(xt.view(), beta.view(), margins.view_mut())
                    .map_err(ExperimentError::from)?;
                let g = diag_natural_gradient(
                    xt.view(),
                    margins.view(),
                    net.cofactors().view(),
                    &options,
                )
                .map_err(|e| RunError::Diverged {
                    step: k,
                    cause: e.to_string(),
                })?;
                ctx.note_route(route_label(g.route, g.fallback_from));
                let h = capped_step(
                    c.ngd_step,
                    c.ngd_max_relative_change,
                    net.weights(),
                    &g.direction,
                );
                net.weights_mut().scaled_add(-h, &g.direction);
                flow_time += h;
                check_finite(&net, k + 1)?;
            }
            format!("{} NGD steps", c.ngd_steps)
        }
    };
    let convergence = Loss::Logistic {
        samples: data.y.len(),
    }
    .judge(points.last().map_or(f64::NAN, |q| q.loss));
    Ok(Fig2Output {
        convergence,
        points,
        stop,
        signed_data: xt.rows().into_iter().map(|r| [r[0], r[1]]).collect(),
        labels: data.y.to_vec(),
        initial_weights,
        final_weights: layer_rows(&net),
    })
}

/// The weights as one `[w_{l,1}, w_{l,2}]` row per layer.
fn layer_rows(net: &DiagonalNet) -> Vec<[f64; 2]> {
    net.weights()
        .rows()
        .into_iter()
        .map(|r| [r[0], r[1]])
        .collect()
}

fn check_finite(net: &DiagonalNet, step: u64) -> Result<(), RunError> {
    if net.weights().iter().all(|w| w.is_finite()) {
        Ok(())
    } else {
        Err(RunError::Diverged {
            step,
            cause: "non-finite weights".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capped_step_limits_relative_change() {
        let w = Array2::from_shape_vec((1, 2), vec![0.1, 2.0]).unwrap();
        let g = Array2::from_shape_vec((1, 2), vec![1.0, -1.0]).unwrap();
        // ρ |w_1| / |g_1| = 0.5 · 0.1 = 0.05 < η = 1.
        assert_eq!(capped_step(1.0, 0.5, w.view(), &g), 0.05);
        // A small η is not capped.
        assert_eq!(capped_step(0.01, 0.5, w.view(), &g), 0.01);
        // Per coordinate, not a global minimum: min|w| / max|g| would give 0.5 · 0.1 / 8 =
        // 0.00625; the per-coordinate ratios are 0.5 · 0.1 / 0.1 = 0.5 and 0.5 · 2 / 8 = 0.125.
        let g = Array2::from_shape_vec((1, 2), vec![0.1, 8.0]).unwrap();
        let h = capped_step(1.0, 0.5, w.view(), &g);
        assert_eq!(h, 0.125);
        for (wi, gi) in w.iter().zip(g.iter()) {
            assert!((h * gi).abs() <= 0.5 * wi.abs());
        }
        assert!((angle_deg(1.0, 1.0) - 45.0).abs() < 1e-12);
    }
}
