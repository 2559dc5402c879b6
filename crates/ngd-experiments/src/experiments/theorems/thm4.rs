//! Theorem 4 beyond linear models: exact NGD on the two-layer network of [`super::two_layer`]
//! with `P = H·D + H ≥ N` and a full-row-rank Jacobian; the margins should grow like `t`.

use super::TracePoint;
use super::linear::{margin_stats, report_progress};
use super::two_layer::{TwoLayerNet, natural_gradient};
use ndarray::{ArrayView1, ArrayView2};
use ngd_harness::error::RunError;
use ngd_optim::LogSchedule;

/// `steps` NGD steps `w ← w − η g` from `net`; records the margin statistics of
/// [`margin_stats`] at the scheduled steps with `t = ηk`; `progress(k, steps)` is called every
/// few hundred steps.
pub fn two_layer_asymptotics(
    mut net: TwoLayerNet,
    x: ArrayView2<'_, f64>,
    y: ArrayView1<'_, f64>,
    eta: f64,
    steps: u64,
    schedule: LogSchedule,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Vec<TracePoint>, RunError> {
    let mut trace = Vec::new();
    for k in 1..=steps {
        let (g, _) = natural_gradient(&net, x, y)?;
        net.add_scaled(-eta, g.view());
        if net.flat().iter().any(|w| !w.is_finite()) {
            return Err(RunError::Diverged {
                step: k,
                cause: "non-finite weights".into(),
            });
        }
        if k == steps || schedule.contains(k as usize) {
            let t = eta * k as f64;
            let margins = &net.logits(x) * &y;
            trace.push(TracePoint {
                step: k,
                time: t,
                values: margin_stats(&margins, t),
            });
        }
        report_progress(progress, k, steps);
    }
    Ok(trace)
}
