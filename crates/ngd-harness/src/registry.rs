//! The type-erased experiment registry used by the command line.
//!
//! [`DynExperiment`] is implemented for every [`Experiment`]; configs cross the erased boundary
//! as JSON values (validated on the way in). A study lists its experiments in its
//! [`crate::cli::Study`].

use crate::config::KeyDocs;
use crate::config::describe::{ConfigText, describe};
use crate::config::{Preset, layered_config};
use crate::error::{ConfigError, Error};
use crate::experiment::Experiment;
use crate::runner::{JobInfo, Outcome, RunnerOptions, execute};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// One run of a plan, type-erased (one entry of a `--plan` file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedRun {
    /// Stable run id.
    pub run_id: String,
    /// Estimated cost.
    pub cost: u64,
    /// The run's parameters.
    pub params: serde_json::Value,
}

/// An experiment seen through its name and JSON configs.
pub trait DynExperiment: Sync {
    /// Name (command line, folder).
    fn name(&self) -> &'static str;
    /// One-line description.
    fn description(&self) -> &'static str;
    /// Number of runs and total estimated cost of the preset's config.
    fn preset_cost(&self, preset: Preset) -> (usize, u64);
    /// Builds the effective config (preset ← file ← `--set`) and validates it.
    fn resolve_config(
        &self,
        preset: Preset,
        file: Option<&Path>,
        sets: &[String],
    ) -> Result<serde_json::Value, ConfigError>;
    /// The preset's config as a commented TOML file that `--config` accepts (see
    /// [`crate::config::describe`]).
    ///
    /// # Errors
    ///
    /// [`ConfigError::Usage`] if the config cannot be rendered as TOML (a bug of the config type).
    fn describe_config(&self, preset: Preset) -> Result<String, ConfigError>;
    /// One run's estimated peak memory (bytes) for a (JSON) config, if the experiment gives one.
    fn peak_bytes_json(&self, config: &serde_json::Value) -> Result<Option<u64>, ConfigError>;
    /// The plan of a (JSON) config.
    fn plan_json(&self, config: &serde_json::Value) -> Result<Vec<PlannedRun>, ConfigError>;
    /// Runs all runs (or only run `only`, without `finish`) of a (JSON) config.
    fn execute_json(
        &self,
        config: &serde_json::Value,
        job: &JobInfo,
        opts: &RunnerOptions,
        only: Option<&str>,
    ) -> Result<Outcome, Error>;
}

/// The typed config of `exp` from its JSON form (as stored in a plan file), validated; a bad
/// value names its key path (`depths[1]`).
fn typed<E: Experiment>(exp: &E, config: &serde_json::Value) -> Result<E::Config, ConfigError> {
    let c: E::Config = serde_path_to_error::deserialize(config).map_err(|e| {
        let path = e.path().to_string();
        let message = crate::config::plain_message(&e.inner().to_string());
        let key = match crate::config::unknown_field_name(&message) {
            Some(k) if path == "." => k,
            Some(k) => format!("{path}.{k}"),
            None if path == "." => "(the whole config)".into(),
            None => path,
        };
        ConfigError::BadValue {
            key: crate::error::clip(&key, crate::error::CLIP_CHARS),
            source_name: format!(
                "the config of `{}` (resolved or from a plan file)",
                exp.name()
            ),
            message,
        }
    })?;
    exp.validate(&c)?;
    Ok(c)
}

impl<E: Experiment> DynExperiment for E {
    fn name(&self) -> &'static str {
        Experiment::name(self)
    }

    fn description(&self) -> &'static str {
        Experiment::description(self)
    }

    fn preset_cost(&self, preset: Preset) -> (usize, u64) {
        let plan = self.plan(&self.config(preset));
        (plan.len(), plan.iter().map(|s| s.cost).sum())
    }

    fn resolve_config(
        &self,
        preset: Preset,
        file: Option<&Path>,
        sets: &[String],
    ) -> Result<serde_json::Value, ConfigError> {
        let config = layered_config(&self.config(preset), file, sets)?;
        self.validate(&config)?;
        serde_json::to_value(&config)
            .map_err(|e| ConfigError::Usage(format!("internal: config not serializable: {e}")))
    }

    fn describe_config(&self, preset: Preset) -> Result<String, ConfigError> {
        let table = |p: Preset| {
            toml::Table::try_from(self.config(p)).map_err(|e| {
                ConfigError::Usage(format!("internal: config not representable in TOML: {e}"))
            })
        };
        let others = Preset::ALL
            .into_iter()
            .filter(|&p| p != preset)
            .map(|p| Ok((p.name(), table(p)?)))
            .collect::<Result<Vec<_>, ConfigError>>()?;
        let defaults = self.config(preset);
        let check = |key: &str, value: &toml::Value| {
            let c = layered_config(&defaults, None, &[format!("{key}={value}")])?;
            self.validate(&c)
        };
        Ok(describe(&ConfigText {
            experiment: self.name(),
            preset: preset.name(),
            defaults: &table(preset)?,
            others: &others,
            docs: &KeyDocs::of::<E::Config>(),
            check: &check,
        }))
    }

    fn peak_bytes_json(&self, config: &serde_json::Value) -> Result<Option<u64>, ConfigError> {
        Ok(self.peak_bytes(&typed(self, config)?))
    }

    fn plan_json(&self, config: &serde_json::Value) -> Result<Vec<PlannedRun>, ConfigError> {
        let c = typed(self, config)?;
        self.plan(&c)
            .into_iter()
            .map(|s| {
                Ok(PlannedRun {
                    params: serde_json::to_value(&s.params).map_err(|e| {
                        ConfigError::Usage(format!("internal: params not serializable: {e}"))
                    })?,
                    run_id: s.id,
                    cost: s.cost,
                })
            })
            .collect()
    }

    fn execute_json(
        &self,
        config: &serde_json::Value,
        job: &JobInfo,
        opts: &RunnerOptions,
        only: Option<&str>,
    ) -> Result<Outcome, Error> {
        let c = typed(self, config)?;
        execute(self, &c, job, opts, only)
    }
}

/// Looks an experiment up by name among `all`.
///
/// # Errors
///
/// [`ConfigError::UnknownExperiment`] naming the available experiments.
pub fn find(
    all: &[&'static dyn DynExperiment],
    name: &str,
) -> Result<&'static dyn DynExperiment, ConfigError> {
    all.iter()
        .copied()
        .find(|e| e.name() == name)
        .ok_or_else(|| ConfigError::UnknownExperiment {
            name: name.into(),
            available: all.iter().map(|e| e.name()).collect::<Vec<_>>().join(", "),
        })
}
