//! `ngd plan-status --plan FILE [--out DIR]`: which runs of a plan already have their result.
//!
//! A run counts as **done** when `<out>/<experiment>/runs/<run-id>.json` exists, parses, and
//! carries the fingerprint `ngd run-job` would write for it (experiment, the plan's config, the
//! plan's seed and the run id — see [`crate::runner::fingerprint`]); a stale result from another
//! config or seed is not done. Every other run is **missing**. The answer is one JSON object on
//! stdout (format `ngd-plan-status-v1`), read by `cargo xtask slurm status` and `resubmit`.

use super::plan::PlanFile;
use crate::runner::fingerprint;
use serde::Serialize;
use std::path::Path;

/// The format tag of [`PlanStatus`].
pub const PLAN_STATUS_FORMAT: &str = "ngd-plan-status-v1";

/// The done/missing split of a plan's runs against a results tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanStatus {
    /// `ngd-plan-status-v1`.
    pub format: &'static str,
    /// The plan's preset.
    pub preset: String,
    /// The plan's experiment seed.
    pub seed: u64,
    /// The plan's experiments, in plan order (for `ngd reproduce --only`).
    pub experiments: Vec<String>,
    /// Number of runs in the plan.
    pub runs: usize,
    /// Indices of runs whose result file is present and current, ascending.
    pub done: Vec<usize>,
    /// Indices of the other runs, ascending.
    pub missing: Vec<usize>,
}

/// Whether the result file at `path` exists and carries `expected` as its fingerprint.
fn result_is_current(path: &Path, expected: &str) -> bool {
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v.get("fingerprint")?.as_str().map(|f| f == expected))
        .unwrap_or(false)
}

/// Splits the runs of `plan` into done and missing against the results root `out`.
pub fn plan_status(plan: &PlanFile, out: &Path) -> PlanStatus {
    let mut experiments: Vec<String> = Vec::new();
    let mut done = Vec::new();
    let mut missing = Vec::new();
    for entry in &plan.runs {
        if experiments.last() != Some(&entry.experiment) {
            experiments.push(entry.experiment.clone());
        }
        let current = plan.configs.get(&entry.experiment).is_some_and(|config| {
            let expected = fingerprint(
                &entry.experiment,
                &config.to_string(),
                plan.seed,
                &entry.run_id,
            );
            let path = out
                .join(&entry.experiment)
                .join("runs")
                .join(format!("{}.json", entry.run_id));
            result_is_current(&path, &expected)
        });
        if current {
            done.push(entry.index);
        } else {
            missing.push(entry.index);
        }
    }
    PlanStatus {
        format: PLAN_STATUS_FORMAT,
        preset: plan.preset.clone(),
        seed: plan.seed,
        experiments,
        runs: plan.runs.len(),
        done,
        missing,
    }
}
