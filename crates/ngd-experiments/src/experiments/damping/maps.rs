//! The λ × time maps of `damping` (`damping_map_*`): rows the absolute damping λ of
//! `lambdas` (top: the smallest), columns the recorded steps of the log schedule, one panel per
//! task and depth, both axes labelled.

use super::claims::{Lookup, angle_deg};
use super::finish::end_beta;
use super::{DampingConfig, Method, Task};
use ngd_harness::error::Error;
use ngd_harness::experiment::Figure;
use ngd_harness::output::ExperimentDir;
use ngd_harness::plot::{HeatmapAxis, HeatmapGrid, HeatmapPanel, heatmap_grid};
use ngd_optim::LogSchedule;

/// What a map shows.
#[derive(Clone, Copy)]
pub(super) enum MapValue {
    AngleToEgd,
    Accuracy,
    Support,
}

/// One λ × time map (rows λ, columns the recorded steps), one panel per task and depth.
pub(super) fn map(
    c: &DampingConfig,
    lookup: &Lookup<'_>,
    what: MapValue,
    out: &ExperimentDir,
) -> Result<Figure, Error> {
    let steps = LogSchedule::new(c.points_per_decade)
        .map_err(|e| Error::Plot {
            path: out.path("damping_map"),
            message: e.to_string(),
        })?
        .steps_through(c.ngd_steps as usize);
    let mut panels = Vec::new();
    for task in c.tasks.tasks() {
        if task == Task::Toy && !matches!(what, MapValue::AngleToEgd) {
            continue;
        }
        for &depth in &c.depths {
            let egd = end_beta(lookup, task, depth, Method::Egd);
            let values = c
                .lambdas
                .iter()
                .map(|&lambda| {
                    let run = lookup.get(task, depth, Method::Absolute { lambda }).ok();
                    steps
                        .iter()
                        .map(|&k| {
                            let p = run.and_then(|r| r.points.iter().find(|p| p.step == k as u64));
                            p.and_then(|p| match what {
                                MapValue::AngleToEgd => egd.as_ref().map(|b| angle_deg(&p.beta, b)),
                                MapValue::Accuracy => p.test_accuracy,
                                MapValue::Support => p.support_share,
                            })
                            .unwrap_or(f64::NAN)
                        })
                        .collect()
                })
                .collect();
            panels.push(HeatmapPanel {
                title: format!("{task}, L = {depth}"),
                values,
            });
        }
    }
    let (name, label) = match what {
        MapValue::AngleToEgd => ("damping_map_angle_egd", "angle to EGD's end direction (°)"),
        MapValue::Accuracy => ("damping_map_accuracy", "test accuracy"),
        MapValue::Support => ("damping_map_support", "share of |β| on the true support"),
    };
    let cols = c.depths.len();
    let step_values: Vec<f64> = steps.iter().map(|&k| k as f64).collect();
    heatmap_grid(
        &out.path(name),
        &HeatmapGrid {
            title: format!("Absolute damping λ × steps: {label}"),
            rows: panels.len().div_ceil(cols),
            cols,
            panels,
            color_label: label.into(),
            range: None,
            diverging: false,
            panel_px: 260,
            x_axis: Some(HeatmapAxis::log_spaced("step t", &step_values)),
            y_axis: Some(HeatmapAxis::log_spaced("absolute damping λ", &c.lambdas)),
        },
    )?;
    Ok(Figure {
        name: name.into(),
        caption: format!(
            "λ × time map of {label}: rows λ = {:e} (top) … {:e} (bottom), columns the recorded steps 0 … {} (log-spaced, {} per decade); grey: the run had stopped (loss floor) or the value is undefined.",
            c.lambdas[0],
            c.lambdas[c.lambdas.len() - 1],
            c.ngd_steps,
            c.points_per_decade
        ),
    })
}
