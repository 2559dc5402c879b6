//! The `near_trivial` panel: the curves that coincide with the trivial level in the `error`
//! panel (every NGD series and EGD at L = 1), separated by their relative distance from it,
//! `|error − trivial| / trivial`, on a log axis.

use super::{Done, converged_curve, curve, series};
use crate::experiments::fig5::Method;
use ngd_harness::error::Error;
use ngd_harness::output::ExperimentDir;
use ngd_harness::plot::{LinePlot, Series, line_plot};

/// Distances below this are drawn at it (an exact coincidence is 0, off a log axis).
pub(super) const FLOOR: f64 = 1e-17;

/// Draws `near_trivial.svg` / `.png`; returns whether it had a curve to draw.
pub(super) fn near_trivial_plot(
    done: &Done,
    sub: &str,
    out: &ExperimentDir,
) -> Result<bool, Error> {
    let mut plot = LinePlot::new(
        format!("Distance from the trivial level: {sub}"),
        "number of observed entries m",
        "|error − trivial level| / trivial level (relative)",
    );
    plot.y_log = true;
    let near = |p: &crate::experiments::fig5::Fig5Params| {
        p.collapse == 1
            && (matches!(p.method, Method::NgdLayerSplit | Method::NgdMoorePenrose)
                || (p.method == Method::Egd && p.depth == 1))
    };
    for key in series(done, near) {
        let pts = curve(done, &key, |o| {
            ((o.reconstruction_error - o.trivial_error).abs() / o.trivial_error).max(FLOOR)
        });
        plot.series.push(
            Series::new(key.label(), pts)
                .with_style(key.style())
                .with_converged(converged_curve(done, &key)),
        );
    }
    let drawable = plot.series.iter().any(|s| !s.points.is_empty());
    if drawable {
        line_plot(&out.path("near_trivial"), &plot)?;
    }
    Ok(drawable)
}
