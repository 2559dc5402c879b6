//! Plan files (`ngd reproduce --plan FILE`) and `ngd run-job`.
//!
//! Format (`"format": "ngd-plan-v1"`): the preset, the experiment seed, the full config of each
//! experiment, and the runs in a stable order (experiments in registry/`--only` order, runs in
//! plan order) with `index`, `experiment`, `run_id`, derived `seed`, `cost` and `params`.
//! `ngd run-job --plan FILE --index I` runs run `I` and writes `runs/<run-id>.json` into the
//! same results tree a local run uses (it skips a run whose result exists and resumes from a
//! checkpoint); `ngd reproduce --resume` with the same preset and seed then only runs `finish`.

use crate::error::{ConfigError, Error};
use crate::output::write_json_atomic;
use crate::registry::DynExperiment;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The plan file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanFile {
    /// `ngd-plan-v1`.
    pub format: String,
    /// Preset name.
    pub preset: String,
    /// Experiment seed.
    pub seed: u64,
    /// Full config per experiment.
    pub configs: BTreeMap<String, serde_json::Value>,
    /// The runs.
    pub runs: Vec<PlanEntry>,
}

/// One run of a plan file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanEntry {
    /// Stable index.
    pub index: usize,
    /// Experiment name.
    pub experiment: String,
    /// Run id.
    pub run_id: String,
    /// The run's derived seed (informational).
    pub seed: u64,
    /// Estimated cost.
    pub cost: u64,
    /// Run parameters (the config slice of this run).
    pub params: serde_json::Value,
}

/// The plan format tag.
pub const PLAN_FORMAT: &str = "ngd-plan-v1";

/// Builds the plan of `experiments` with their resolved configs.
pub fn build_plan(
    preset: &str,
    seed: u64,
    experiments: &[(&dyn DynExperiment, serde_json::Value)],
) -> Result<PlanFile, ConfigError> {
    let mut plan = PlanFile {
        format: PLAN_FORMAT.into(),
        preset: preset.into(),
        seed,
        configs: BTreeMap::new(),
        runs: Vec::new(),
    };
    for (exp, config) in experiments {
        for r in exp.plan_json(config)? {
            plan.runs.push(PlanEntry {
                index: plan.runs.len(),
                experiment: exp.name().into(),
                seed: crate::context::derive_run_seed(seed, &r.run_id),
                run_id: r.run_id,
                cost: r.cost,
                params: r.params,
            });
        }
        plan.configs.insert(exp.name().into(), config.clone());
    }
    Ok(plan)
}

/// Writes the plan atomically.
pub fn write_plan(path: &Path, plan: &PlanFile) -> Result<(), Error> {
    write_json_atomic(path, plan).map_err(|e| match e {
        Error::Io { path, source } => ConfigError::OutputFolder {
            path,
            message: source.to_string(),
        }
        .into(),
        other => other,
    })
}

/// Reads and checks a plan file (all problems are usage errors, exit code 2).
pub fn read_plan(path: &Path) -> Result<PlanFile, ConfigError> {
    // Read once (a FIFO works), like every input.
    let input = crate::inputs::read_input(path, "plan file")?;
    let plan: PlanFile = serde_json::from_slice(&input.bytes)
        .map_err(|e| ConfigError::Usage(format!("plan file {}: {e}", path.display())))?;
    if plan.format != PLAN_FORMAT {
        return Err(ConfigError::Usage(format!(
            "plan file {}: format `{}` (expected `{PLAN_FORMAT}`)",
            path.display(),
            plan.format
        )));
    }
    Ok(plan)
}
