//! `manifest.json`: everything needed to know how a result was produced.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The version of the results folder's format (files, columns, JSON layouts), written as
/// `format_version` in every `manifest.json`; readers (the Python package's `ngd.results`) check
/// it. Raise it whenever a file or column of an experiment's output changes meaning or shape.
/// A manifest without the field is version 0 (written before the field existed).
pub const RESULTS_FORMAT_VERSION: u32 = 1;

/// The provenance record of one experiment's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// The results format version ([`RESULTS_FORMAT_VERSION`]; 0 when absent).
    #[serde(default)]
    pub format_version: u32,
    /// Experiment name.
    pub experiment: String,
    /// One-line description.
    pub description: String,
    /// The preset the config started from.
    pub preset: String,
    /// The experiment seed (run seeds derive from it, see [`crate::derive_run_seed`]).
    pub seed: u64,
    /// The SHA-256 of the canonical JSON of [`Self::config`] (empty in older manifests).
    #[serde(default)]
    pub config_sha256: String,
    /// The full effective config.
    pub config: serde_json::Value,
    /// Every input the results were computed from, with its SHA-256 ([`crate::inputs`]).
    #[serde(default)]
    pub inputs: Vec<InputRecord>,
    /// The revision (`git rev-parse HEAD`) of the code the binary was built from, recorded at
    /// build time by the study, or `"unknown"` (see [`crate::runner::JobInfo::revision`]).
    pub git_revision: String,
    /// Versions of this crate, the workspace crates, main dependencies and `rustc`.
    pub crate_versions: BTreeMap<String, String>,
    /// Worker threads used.
    pub jobs: usize,
    /// Wall time of the whole experiment (runs executed in this invocation plus `finish`), seconds.
    pub wall_seconds: f64,
    /// Solver routes used by the runs, with how many runs used each.
    pub solver_routes: BTreeMap<String, u64>,
    /// Per-run status.
    pub runs: Vec<RunStatusEntry>,
    /// Every output file of the finished folder (relative path → SHA-256), written last (see
    /// `staging.rs`); empty in older manifests.
    #[serde(default)]
    pub files: BTreeMap<String, String>,
}

/// One input of [`Manifest::inputs`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputRecord {
    /// The path as given in the config.
    pub path: String,
    /// SHA-256 of its content (hex).
    pub sha256: String,
    /// Its size, bytes.
    pub bytes: u64,
}

/// One line of [`Manifest::runs`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunStatusEntry {
    /// Stable run id.
    pub run_id: String,
    /// The run's derived seed.
    pub seed: u64,
    /// `completed` or `diverged`.
    pub status: String,
    /// For diverged runs: step and cause.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub detail: Option<String>,
    /// The run's own wall time, seconds (from when it was executed, possibly an earlier invocation).
    pub wall_seconds: f64,
}

/// The build information written by the `built` crate (`build.rs`): every locked dependency
/// with its version, the `rustc` version, the profile.
#[allow(dead_code, missing_docs, clippy::all)]
mod built_info {
    include!(concat!(env!("OUT_DIR"), "/built.rs"));
}

/// The dependencies whose versions a manifest records (the numerics, the formats, the plots).
const TRACKED: &[&str] = &[
    "ndarray",
    "ndarray-linalg",
    "rand",
    "rand_xoshiro",
    "rand_distr",
    "serde_json",
    "toml",
    "csv",
    "plotters",
];

/// Versions of this harness, of the main dependencies (ndarray, rand, serde_json, toml, csv,
/// plotters, …) as locked in `Cargo.lock`
/// at build time (all of them, comma-separated, when the lock holds several), of `rustc`, and
/// the build profile (`profile`).
pub fn crate_versions() -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    map.insert(
        env!("CARGO_PKG_NAME").to_string(),
        env!("CARGO_PKG_VERSION").to_string(),
    );
    for (name, version) in built_info::DEPENDENCIES.iter() {
        if TRACKED.contains(name) {
            // A crate locked at several versions (a dependency's older major) lists them all.
            map.entry(name.to_string())
                .and_modify(|v: &mut String| *v = format!("{v}, {version}"))
                .or_insert_with(|| version.to_string());
        }
    }
    map.insert("rustc".into(), built_info::RUSTC_VERSION.to_string());
    map.insert("profile".into(), built_info::PROFILE.to_string());
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_include_workspace_and_rustc() {
        let v = crate_versions();
        assert_eq!(v["ngd-harness"], env!("CARGO_PKG_VERSION"));
        assert!(v["rustc"].starts_with("rustc "), "{v:?}");
        for name in TRACKED {
            for version in v[*name].split(", ") {
                let core = version.split(['+', '-']).next().unwrap_or_default();
                let parts: Vec<&str> = core.split('.').collect();
                assert!(
                    parts.len() == 3 && parts.iter().all(|p| p.parse::<u64>().is_ok()),
                    "{name} {version}"
                );
            }
        }
    }
}
