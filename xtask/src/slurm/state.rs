//! The state folder of a cluster run (`<out>/slurm/`) and the questions put to `ngd` and Slurm.
//!
//! | file | content |
//! |---|---|
//! | `plan.json` | the plan (`ngd reproduce --plan`), format `ngd-plan-v1` |
//! | `array.sbatch` | the batch script of every array of this plan |
//! | `submissions.json` | the `ngd` binary, the `%K` limit, and every submitted array (job id, offset, plan indices) |
//! | `logs/<job>_<task>.out` | each task's output |
//!
//! Which runs are done is answered by `ngd plan-status` (result files with the right
//! fingerprint); which are queued or running by `squeue`; everything else is missing.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The format tag of `submissions.json`.
pub const RECORD_FORMAT: &str = "ngd-slurm-submissions-v1";

/// The paths of a state folder.
#[derive(Debug, Clone)]
pub struct StateDir {
    /// The results root (absolute).
    pub out: PathBuf,
    /// `<out>/slurm`.
    pub dir: PathBuf,
}

impl StateDir {
    /// The state folder of results root `out` (made absolute against the current folder).
    pub fn new(out: &Path) -> Result<Self, String> {
        let out = std::path::absolute(out)
            .map_err(|e| format!("cannot resolve {}: {e}", out.display()))?;
        Ok(Self {
            dir: out.join("slurm"),
            out,
        })
    }
    /// `plan.json`.
    pub fn plan(&self) -> PathBuf {
        self.dir.join("plan.json")
    }
    /// `array.sbatch`.
    pub fn script(&self) -> PathBuf {
        self.dir.join("array.sbatch")
    }
    /// `submissions.json`.
    pub fn record(&self) -> PathBuf {
        self.dir.join("submissions.json")
    }
    /// `logs/`.
    pub fn logs(&self) -> PathBuf {
        self.dir.join("logs")
    }
}

/// One submitted array.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Submission {
    /// Slurm job id of the array.
    pub job_id: String,
    /// `NGD_INDEX_OFFSET` of the array.
    pub offset: usize,
    /// The plan indices it runs.
    pub indices: Vec<usize>,
}

/// `submissions.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Record {
    /// [`RECORD_FORMAT`].
    pub format: String,
    /// The `ngd` binary the script runs.
    pub ngd: PathBuf,
    /// The `%K` limit of each array (None: no limit).
    pub max_parallel: Option<u32>,
    /// The cluster's MaxArraySize when first submitted.
    pub max_array_size: usize,
    /// Every array submitted, oldest first.
    pub submissions: Vec<Submission>,
}

impl Record {
    /// Reads `submissions.json` of `state`.
    pub fn read(state: &StateDir) -> Result<Self, String> {
        let path = state.record();
        let bytes = std::fs::read(&path).map_err(|e| {
            format!(
                "no submission recorded in {} ({e}); run `cargo xtask slurm submit` first",
                state.dir.display()
            )
        })?;
        let record: Record = serde_json::from_slice(&bytes)
            .map_err(|e| format!("{} is damaged: {e}", path.display()))?;
        if record.format != RECORD_FORMAT {
            return Err(format!(
                "{}: format `{}` (expected `{RECORD_FORMAT}`)",
                path.display(),
                record.format
            ));
        }
        Ok(record)
    }
    /// Writes `submissions.json` of `state` (through a temporary file and a rename).
    pub fn write(&self, state: &StateDir) -> Result<(), String> {
        let text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        write_atomic(&state.record(), text.as_bytes())
    }
}

/// Writes `bytes` to `path` via a temporary sibling and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The answer of `ngd plan-status` (format `ngd-plan-status-v1`).
#[derive(Debug, Clone, Deserialize)]
pub struct PlanStatus {
    /// The plan's preset.
    pub preset: String,
    /// The plan's experiment seed.
    pub seed: u64,
    /// The plan's experiments.
    pub experiments: Vec<String>,
    /// Number of runs.
    pub runs: usize,
    /// Indices with a current result file.
    pub done: Vec<usize>,
    /// The other indices.
    pub missing: Vec<usize>,
}

/// Runs `ngd ARGS…` and returns its stdout; fails with its stderr.
pub fn ngd_output(ngd: &Path, args: &[&str]) -> Result<String, String> {
    let o = Command::new(ngd)
        .args(args)
        .output()
        .map_err(|e| format!("could not start {}: {e}", ngd.display()))?;
    if !o.status.success() {
        return Err(format!(
            "`ngd {}` failed ({}): {}",
            args.join(" "),
            o.status,
            String::from_utf8_lossy(&o.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&o.stdout).into_owned())
}

/// Asks `ngd plan-status` which runs of the state's plan are done.
pub fn plan_status(ngd: &Path, state: &StateDir) -> Result<PlanStatus, String> {
    let plan = state.plan().display().to_string();
    let out = state.out.display().to_string();
    let text = ngd_output(ngd, &["plan-status", "--plan", &plan, "--out", &out])?;
    serde_json::from_str(text.trim()).map_err(|e| format!("unreadable `ngd plan-status`: {e}"))
}

/// Plan indices of this record's arrays that Slurm still lists (pending or running).
pub fn queued_indices(record: &Record) -> Result<BTreeSet<usize>, String> {
    let o = Command::new("squeue")
        .args(["--me", "--noheader", "--array", "--format=%F %K"])
        .output()
        .map_err(|e| format!("could not start squeue (is Slurm's client installed?): {e}"))?;
    if !o.status.success() {
        return Err(format!(
            "squeue failed ({}): {}",
            o.status,
            String::from_utf8_lossy(&o.stderr).trim()
        ));
    }
    Ok(parse_queue(&String::from_utf8_lossy(&o.stdout), record))
}

/// Maps `squeue -r -o "%F %K"` lines (array job id, task id) of our arrays to plan indices.
pub fn parse_queue(text: &str, record: &Record) -> BTreeSet<usize> {
    let mut queued = BTreeSet::new();
    for line in text.lines() {
        let mut fields = line.split_whitespace();
        let (Some(job), Some(task)) = (fields.next(), fields.next()) else {
            continue;
        };
        let Some(sub) = record.submissions.iter().find(|s| s.job_id == job) else {
            continue;
        };
        if let Ok(t) = task.parse::<usize>() {
            queued.insert(sub.offset + t);
        }
    }
    queued
}

/// The cluster's `MaxArraySize` (from `scontrol show config`; 1001, Slurm's default, if unknown).
pub fn max_array_size() -> usize {
    Command::new("scontrol")
        .args(["show", "config"])
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout).lines().find_map(|l| {
                let (key, value) = l.split_once('=')?;
                (key.trim() == "MaxArraySize").then(|| value.trim().parse().ok())?
            })
        })
        .unwrap_or(1001)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_lines_map_to_plan_indices_of_our_arrays_only() {
        let record = Record {
            format: RECORD_FORMAT.into(),
            ngd: PathBuf::from("/x/ngd"),
            max_parallel: None,
            max_array_size: 1001,
            submissions: vec![
                Submission {
                    job_id: "41".into(),
                    offset: 0,
                    indices: vec![0, 1, 2],
                },
                Submission {
                    job_id: "42".into(),
                    offset: 1001,
                    indices: vec![1001, 1003],
                },
            ],
        };
        let text = "41 1\n41 2\n42 2\n99 0\n77 N/A\n";
        let q = parse_queue(text, &record);
        assert_eq!(q.into_iter().collect::<Vec<_>>(), vec![1, 2, 1003]);
    }
}
