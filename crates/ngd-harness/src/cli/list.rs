//! `list` (and `reproduce --list`): the experiments with their runs and estimated time per
//! preset.
//!
//! **Calibration.** Each run's plan carries an estimated cost in work units whose scale is the
//! experiment's own. Where `<out>/<experiment>/manifest.json` exists, the stored runs' measured
//! wall seconds divided by their planned costs give this machine's seconds per unit for that
//! experiment; each preset's estimate is that rate times the preset's total cost (one worker;
//! `--jobs N` divides it by up to N). Without stored results the cost is shown in work units,
//! labelled as such.

use crate::config::Preset;
use crate::output::{ExperimentDir, Manifest};
use crate::registry::DynExperiment;
use crate::report::text::count;
use std::path::Path;

/// Seconds per work unit measured from the stored results of `exp` under `out`, with the
/// preset they were measured on; `None` without usable results.
pub fn calibrate(exp: &dyn DynExperiment, out: &Path) -> Option<(f64, String)> {
    let manifest: Manifest = ExperimentDir::open(out, exp.name())
        .read_json("manifest.json")
        .ok()?;
    let plan = exp.plan_json(&manifest.config).ok()?;
    let (mut seconds, mut cost) = (0.0, 0.0);
    for run in manifest.runs.iter().filter(|r| r.status == "completed") {
        if let Some(planned) = plan.iter().find(|p| p.run_id == run.run_id) {
            seconds += run.wall_seconds;
            cost += planned.cost.max(1) as f64;
        }
    }
    (seconds > 0.0 && cost > 0.0).then(|| (seconds / cost, manifest.preset))
}

/// A duration in seconds for people: `0.4 s`, `75 s`, `12 min`, `3.1 h`.
pub fn human_seconds(s: f64) -> String {
    if s < 10.0 {
        format!("{s:.1} s")
    } else if s < 120.0 {
        format!("{s:.0} s")
    } else if s < 7200.0 {
        format!("{:.0} min", s / 60.0)
    } else {
        format!("{:.1} h", s / 3600.0)
    }
}

/// The lines `list` prints for `exps`, calibrated from the results under `out`.
pub fn list_lines(exps: &[&dyn DynExperiment], out: &Path) -> Vec<String> {
    let mut lines = Vec::new();
    for e in exps {
        lines.push(format!("{:<14} {}", e.name(), e.description()));
        let rate = calibrate(*e, out);
        for p in Preset::ALL {
            let (runs, cost) = e.preset_cost(p);
            let estimate = match &rate {
                Some((per_unit, measured_on)) => format!(
                    "≈ {} on one worker (calibrated on this machine from stored {measured_on} runs)",
                    human_seconds(per_unit * cost as f64)
                ),
                None => format!(
                    "estimated cost {:.2e} work units (no stored results to calibrate seconds)",
                    cost as f64
                ),
            };
            lines.push(format!(
                "{:<14}   --preset {:<6} {}, {estimate}",
                "",
                p.name(),
                count(runs, "run")
            ));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::human_seconds;

    #[test]
    fn durations_read_well() {
        assert_eq!(human_seconds(0.42), "0.4 s");
        assert_eq!(human_seconds(75.2), "75 s");
        assert_eq!(human_seconds(720.0), "12 min");
        assert_eq!(human_seconds(11_160.0), "3.1 h");
    }
}
