//! Theorem 4 beyond linear models: exact NGD on the two-layer network `s(x) = vᵀ tanh(W x)`
//! (`ngd_models::TwoLayerTanh`, parameters `W` row-major then `v`, `P = H·D + H ≥ N`) through the
//! generic Moore–Penrose natural gradient of `ngd-fisher` (`GenericNgd`, kernel route
//! `g = J̃ᵀ (J̃ J̃ᵀ)⁻¹ t` when the Jacobian has full row rank); the margins should grow like `t`.

use super::TracePoint;
use super::linear::{margin_stats, report_progress};
use crate::error::ExperimentError;
use ndarray::{Array1, ArrayView1, ArrayView2};
use ngd_fisher::generic::GenericOptions;
use ngd_harness::error::RunError;
use ngd_models::{OutputLoss, TwoLayerTanh};
use ngd_optim::{GenericDirection, GenericNgd, LogSchedule, NetworkProblem, NgdStepSize, StepRule};

/// `steps` exact-NGD steps `w ← w − η g` of `net` from the flat parameters `w0`; records the
/// margin statistics of [`margin_stats`] at the scheduled steps with `t = ηk`;
/// `progress(k, steps)` is called every few hundred steps. Returns the trace and the routes the
/// natural-gradient solves took.
#[allow(clippy::too_many_arguments)]
pub fn two_layer_asymptotics(
    net: TwoLayerTanh,
    w0: Array1<f64>,
    x: ArrayView2<'_, f64>,
    y: ArrayView1<'_, f64>,
    eta: f64,
    steps: u64,
    schedule: LogSchedule,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<(Vec<TracePoint>, Vec<&'static str>), RunError> {
    let problem = NetworkProblem::new(net, x.to_owned(), y.to_owned(), OutputLoss::Logistic)
        .map_err(ExperimentError::from)?;
    let exact = GenericDirection::Exact(GenericOptions::default());
    let mut rule =
        GenericNgd::new(exact, NgdStepSize::Fixed(eta)).map_err(ExperimentError::from)?;
    let mut w = w0;
    let mut trace = Vec::new();
    let mut routes: Vec<&'static str> = Vec::new();
    for k in 1..=steps {
        let report = rule.step(&mut w, &problem).map_err(ExperimentError::from)?;
        if report.loss.is_nan() || w.iter().any(|v| !v.is_finite()) {
            return Err(RunError::Diverged {
                step: k,
                cause: "non-finite loss or weights".into(),
            });
        }
        if let Some(route) = report.info.filter(|r| !routes.contains(r)) {
            routes.push(route);
        }
        if k == steps || schedule.contains(k as usize) {
            let t = eta * k as f64;
            let margins = &problem.outputs(w.view()).map_err(ExperimentError::from)? * &y;
            trace.push(TracePoint {
                step: k,
                time: t,
                values: margin_stats(&margins, t),
            });
        }
        report_progress(progress, k, steps);
    }
    Ok((trace, routes))
}
