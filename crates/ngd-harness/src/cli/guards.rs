//! Checks the command line makes before any work: the memory a command will need
//! ([`crate::memory`]), a plan file that is still the plan of its configs, and a results
//! folder that holds results before a report is written over an old one.

use super::plan::PlanFile;
use crate::error::ConfigError;
use crate::memory::check_memory;
use crate::registry::{DynExperiment, find};
use std::path::Path;

/// Refuses (exit code 2) when `exp`'s estimated peak memory for `config`, times the runs that
/// `jobs` workers start at once, exceeds the limit.
///
/// # Errors
///
/// [`ConfigError::Usage`] with the estimate and the limit; a config error of `config`.
pub fn check_experiment_memory(
    exp: &dyn DynExperiment,
    config: &serde_json::Value,
    jobs: usize,
    max_memory: Option<u64>,
) -> Result<(), ConfigError> {
    let Some(per_run) = exp.peak_bytes_json(config)? else {
        return Ok(());
    };
    let runs = exp.plan_json(config)?.len();
    check_memory(exp.name(), per_run, jobs.clamp(1, runs.max(1)), max_memory)
}

/// Checks that `plan` (read from `path`) is exactly what its configs plan: every entry's
/// `index` is its position, and its experiment, run id, seed, cost and parameters are those
/// the experiment plans for the stored config and seed. A hand-edited entry is named.
///
/// # Errors
///
/// [`ConfigError::Usage`] naming the file, the index and the field that differs.
pub fn verify_plan(
    plan: &PlanFile,
    path: &Path,
    all: &[&'static dyn DynExperiment],
) -> Result<(), ConfigError> {
    let bad = |m: String| ConfigError::Usage(format!("plan file {}: {m}", path.display()));
    for (position, entry) in plan.runs.iter().enumerate() {
        if entry.index != position {
            return Err(bad(format!(
                "the run at position {position} has `index` {}; indices must be 0, 1, 2, … in \
                 order (`run-job --index` and `plan-status` both mean this index)",
                entry.index
            )));
        }
    }
    let mut fresh = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for entry in &plan.runs {
        if !names.contains(&entry.experiment.as_str()) {
            names.push(&entry.experiment);
        }
    }
    let mut configs = Vec::new();
    for name in names {
        let exp = find(all, name)?;
        let config = plan
            .configs
            .get(name)
            .ok_or_else(|| bad(format!("no config for `{name}`")))?;
        configs.push((exp, config.clone()));
    }
    let configs: Vec<(&dyn DynExperiment, serde_json::Value)> =
        configs.into_iter().map(|(e, c)| (e as _, c)).collect();
    fresh.extend(super::plan::build_plan(&plan.preset, plan.seed, &configs)?.runs);
    if fresh.len() != plan.runs.len() {
        return Err(bad(format!(
            "it lists {} runs, but its configs plan {}: the file was edited; write it again \
             with `reproduce --plan`",
            plan.runs.len(),
            fresh.len()
        )));
    }
    for (stored, planned) in plan.runs.iter().zip(&fresh) {
        let field = if stored.experiment != planned.experiment {
            "experiment"
        } else if stored.run_id != planned.run_id {
            "run_id"
        } else if stored.seed != planned.seed {
            "seed"
        } else if stored.cost != planned.cost {
            "cost"
        } else if stored.params != planned.params {
            "params"
        } else {
            continue;
        };
        return Err(bad(format!(
            "run {} (`{}`): its `{field}` differs from what its config plans; the file was \
             edited; write it again with `reproduce --plan`",
            stored.index,
            crate::error::clip(&stored.run_id, crate::error::CLIP_CHARS)
        )));
    }
    Ok(())
}

/// Refuses to write a report into `out` unless some experiment of `names` has results there
/// (`manifest.json` and `summary.json`), so that a mistyped `--out` never replaces a report.
///
/// # Errors
///
/// [`ConfigError::OutputFolder`] when `out` is not a folder; [`ConfigError::Usage`] when it
/// holds no results.
pub fn require_results(out: &Path, names: &[&str]) -> Result<(), ConfigError> {
    if !out.is_dir() {
        return Err(ConfigError::OutputFolder {
            path: out.to_path_buf(),
            message: "no such folder (nothing to report)".into(),
        });
    }
    let has = |n: &&str| {
        let dir = out.join(n);
        dir.join("manifest.json").is_file() && dir.join("summary.json").is_file()
    };
    if names.iter().any(has) {
        return Ok(());
    }
    Err(ConfigError::Usage(format!(
        "{} holds no results of any experiment ({}); nothing to report, and REPORT.md / \
         REPORT.html there are left as they are",
        out.display(),
        names.join(", ")
    )))
}
