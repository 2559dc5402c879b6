//! Executes an experiment's plan: worker threads, resume, checkpoints, result files, `finish`.
//!
//! - Up to `jobs` worker threads ([`crate::workers::for_each_parallel`]) take runs from a shared
//!   queue. Each run's result depends only on the config, the experiment seed and
//!   the run id, so results are identical for any `jobs`.
//! - Inputs by content: the inputs `validate` reads ([`crate::inputs`]) are read once for the
//!   whole execution and their SHA-256 go into the manifest and every run record.
//! - With `resume`, a run whose `runs/<run-id>.json` exists and was produced for the same
//!   experiment, config, seed and run (fingerprint) is not run again; if it was computed from
//!   inputs of other content, the execution is refused before any work (exit code 2, naming
//!   the input and both hashes): results of two contents are never mixed. An interrupted run
//!   restarts from its checkpoint (`checkpoints/<run-id>.<fingerprint prefix>.json`, so that
//!   runs of two configs never share one) if the experiment uses `ctx.restore`.
//! - Each run's record is written atomically to `runs/<run-id>.json` as soon as it ends; its
//!   checkpoint is then removed. A diverged run is recorded as such; a failed run writes
//!   nothing (so `--resume` retries it), the other runs go on, and the experiment then fails
//!   without calling `finish`.
//! - `finish` receives every record in plan order and writes into a staging folder; the
//!   runner adds `summary.json` and the folder's `README.md` (from [`Experiment::outputs`]),
//!   moves the files into place and writes `manifest.json` last, listing every file with its
//!   SHA-256 (`output/staging.rs`).
//!
//! BLAS threads: `main` sets `OPENBLAS_NUM_THREADS=1` before any BLAS call when `jobs > 1`
//! (see [`crate::cli`]), so worker threads do not oversubscribe the cores. The workers run
//! on large stacks ([`crate::workers`]).

use crate::context::{CheckpointEvery, RunContext, derive_run_seed};
use crate::error::{ConfigError, Error, RunError};
use crate::experiment::{Experiment, RunRecord, RunSpec, diverged_runs};
use crate::inputs::{check_same_inputs, input_hashes, input_scope, recording, sha256_hex};
use crate::output::{
    ExperimentDir, InputRecord, Manifest, RESULTS_FORMAT_VERSION, RunStatusEntry, commit_staged,
    crate_versions, stage, write_json_atomic,
};
use crate::progress::ExperimentProgress;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// How to execute a plan.
#[derive(Debug, Clone)]
pub struct RunnerOptions {
    /// Worker threads (≥ 1).
    pub jobs: usize,
    /// Skip runs whose result exists; restart interrupted runs from checkpoints.
    pub resume: bool,
    /// Checkpoint interval.
    pub checkpoint_every: CheckpointEvery,
    /// Cancels the runs when set: runs not yet started do not start, running ones stop at their
    /// next checkpoint segment (with a checkpoint) with [`RunError::Cancelled`]. `None`: the
    /// runs cannot be cancelled (the command line stops with the process's signals).
    pub cancel: Option<Arc<AtomicBool>>,
}

/// What the experiment is run with.
#[derive(Debug, Clone)]
pub struct JobInfo {
    /// Preset the config started from (recorded in the manifest).
    pub preset: String,
    /// Experiment seed.
    pub seed: u64,
    /// Results root `<out>`.
    pub out: std::path::PathBuf,
    /// The code revision the runs execute (the manifest's `git_revision`): given by the study,
    /// which records it when it is built ([`crate::cli::Study::revision`]); `"unknown"` when
    /// the build had none.
    pub revision: String,
}

/// The content of `runs/<run-id>.json`.
#[derive(Debug, Serialize, Deserialize)]
pub struct StoredRun<O> {
    /// Experiment name.
    pub experiment: String,
    /// Run id.
    pub run_id: String,
    /// Derived run seed.
    pub seed: u64,
    /// Fingerprint of (experiment, config, seed, run id).
    pub fingerprint: String,
    /// The run's wall time, seconds.
    pub wall_seconds: f64,
    /// Solver routes used.
    pub solver_routes: Vec<String>,
    /// The SHA-256 of every input the run was computed from, by path (empty for runs of
    /// experiments without inputs, and in files written before inputs were recorded).
    #[serde(default)]
    pub inputs: BTreeMap<String, String>,
    /// How it ended.
    pub record: RunRecord<O>,
}

/// A finished pending run: its plan index and result.
type Finished<O> = (usize, Result<StoredRun<O>, Error>);

/// What one execution did.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Runs executed now.
    pub executed: usize,
    /// Runs taken from existing result files.
    pub reused: usize,
    /// Runs recorded as diverged (executed or reused).
    pub diverged: usize,
    /// Wall time of this invocation, seconds.
    pub wall_seconds: f64,
    /// Files and CSV columns of the folder its `README.md` does not explain (see
    /// [`crate::output::readme::undocumented`]); empty without `finish`.
    pub undocumented: Vec<String>,
}

/// The fingerprint of one run: the SHA-256 (hex) of experiment name, canonical config JSON,
/// seed and run id, one per line.
pub fn fingerprint(experiment: &str, config_json: &str, seed: u64, run_id: &str) -> String {
    sha256_hex(format!("{experiment}\n{config_json}\n{seed}\n{run_id}").as_bytes())
}

fn check_ids<P>(name: &str, plan: &[RunSpec<P>]) -> Result<(), ConfigError> {
    let mut seen = std::collections::BTreeSet::new();
    for spec in plan {
        let ok = !spec.id.is_empty()
            && spec
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
            && !spec.id.starts_with('.');
        if !ok || !seen.insert(spec.id.as_str()) {
            return Err(ConfigError::Usage(format!(
                "experiment `{name}` planned an invalid or duplicate run id `{}`",
                spec.id
            )));
        }
    }
    Ok(())
}

/// Runs the plan of `exp` (all runs, or only `only`), then — unless `only` is given — calls
/// `finish` and writes `summary.json` and `manifest.json`.
pub fn execute<E: Experiment>(
    exp: &E,
    config: &E::Config,
    job: &JobInfo,
    opts: &RunnerOptions,
    only: Option<&str>,
) -> Result<Outcome, Error> {
    let start = Instant::now();
    let _scope = input_scope();
    let (valid, inputs) = recording(|| exp.validate(config));
    valid?;
    let hashes = input_hashes(&inputs);
    let name = exp.name();
    let config_value = serde_json::to_value(config).map_err(|e| Error::format(&job.out, e))?;
    let config_json = config_value.to_string();
    let plan = exp.plan(config);
    check_ids(name, &plan)?;
    if let Some(id) = only
        && !plan.iter().any(|s| s.id == id)
    {
        return Err(ConfigError::Usage(format!("experiment `{name}` has no run `{id}`")).into());
    }
    let dir = ExperimentDir::create(&job.out, name)?;
    let fps: Vec<String> = plan
        .iter()
        .map(|s| fingerprint(name, &config_json, job.seed, &s.id))
        .collect();

    // Existing results (with --resume).
    let mut stored: Vec<Option<StoredRun<E::RunOutput>>> = Vec::with_capacity(plan.len());
    for (spec, fp) in plan.iter().zip(&fps) {
        let path = dir.run_path(&spec.id);
        let reuse = if opts.resume {
            crate::output::read_json_file::<StoredRun<E::RunOutput>>(&path)
                .ok()
                .filter(|r| &r.fingerprint == fp)
        } else {
            None
        };
        if let Some(run) = &reuse {
            check_same_inputs(&path, &run.inputs, &hashes)?;
        }
        stored.push(reuse);
    }
    let pending: Vec<usize> = (0..plan.len())
        .filter(|&i| stored[i].is_none() && only.is_none_or(|id| plan[i].id == id))
        .collect();
    let reused = plan.len() - pending.len();

    let progress = ExperimentProgress::new(name, pending.iter().map(|&i| plan[i].cost).collect());
    let finished = crate::workers::for_each_parallel(opts.jobs, &pending, |slot, i| {
        let spec = &plan[i];
        let keys = RunKeys {
            fingerprint: &fps[i],
            inputs: &hashes,
        };
        let result = run_one(exp, config, spec, &keys, job, opts, &dir, &progress, slot);
        let status = match &result {
            Ok(r) => match r.record {
                RunRecord::Completed { .. } => "completed".to_string(),
                RunRecord::Diverged { step, .. } => format!("diverged at step {step}"),
            },
            Err(e) => format!("FAILED ({e})"),
        };
        let secs = result.as_ref().map_or(0.0, |r| r.wall_seconds);
        progress.run_finished(slot, &spec.id, &status, secs);
        result
    });
    progress.done();
    let finished: Vec<Finished<E::RunOutput>> = finished.map_err(Error::Thread)?;

    let mut failures = Vec::new();
    for (i, result) in finished {
        match result {
            Ok(run) => stored[i] = Some(run),
            Err(e) => failures.push((plan[i].id.clone(), e)),
        }
    }
    if !failures.is_empty() {
        failures.sort_by(|a, b| a.0.cmp(&b.0));
        let count = failures.len();
        let (run_id, err) = failures.swap_remove(0);
        return Err(match err {
            Error::Run { source, .. } => Error::Run {
                experiment: name.into(),
                count,
                run_id,
                source,
            },
            other => other,
        });
    }
    let executed = pending.len();
    if only.is_some() {
        return Ok(Outcome {
            executed,
            reused,
            diverged: 0,
            wall_seconds: start.elapsed().as_secs_f64(),
            undocumented: Vec::new(),
        });
    }

    // Every run now has a record, in plan order.
    let mut routes: BTreeMap<String, u64> = BTreeMap::new();
    let mut statuses = Vec::new();
    let mut records = Vec::with_capacity(plan.len());
    for (spec, run) in plan.into_iter().zip(stored) {
        let run =
            run.ok_or_else(|| Error::format(&dir.run_path(&spec.id), "missing run result"))?;
        for r in &run.solver_routes {
            *routes.entry(r.clone()).or_default() += 1;
        }
        let (status, detail) = match &run.record {
            RunRecord::Completed { .. } => ("completed", None),
            RunRecord::Diverged { step, cause } => {
                ("diverged", Some(format!("step {step}: {cause}")))
            }
        };
        statuses.push(RunStatusEntry {
            run_id: spec.id.clone(),
            seed: run.seed,
            status: status.into(),
            detail,
            wall_seconds: run.wall_seconds,
        });
        records.push((spec, run.record));
    }
    // `finish` writes into a staging folder, moved into place with the manifest last.
    let staged = stage(&dir)?;
    let staged_dir = ExperimentDir::at(staged.path());
    let mut summary = exp.finish(config, &records, &staged_dir)?;
    summary.diverged = diverged_runs(&records);
    let diverged = summary.diverged.len();
    staged_dir.write_json("summary.json", &summary)?;
    let manifest = Manifest {
        format_version: RESULTS_FORMAT_VERSION,
        experiment: name.into(),
        description: exp.description().into(),
        preset: job.preset.clone(),
        seed: job.seed,
        config_sha256: sha256_hex(config_json.as_bytes()),
        config: config_value,
        inputs: inputs
            .iter()
            .map(|f| InputRecord {
                path: f.path.display().to_string(),
                sha256: f.sha256.clone(),
                bytes: f.bytes.len() as u64,
            })
            .collect(),
        git_revision: job.revision.clone(),
        crate_versions: crate_versions(),
        jobs: opts.jobs,
        wall_seconds: start.elapsed().as_secs_f64(),
        solver_routes: routes,
        runs: statuses,
        files: BTreeMap::new(),
    };
    let undocumented =
        crate::output::readme::write_readme(staged.path(), name, &summary, &exp.outputs(config))?;
    let wall_seconds = manifest.wall_seconds;
    commit_staged(&dir, staged, manifest)?;
    Ok(Outcome {
        executed,
        reused,
        diverged,
        wall_seconds,
        undocumented,
    })
}

/// What identifies a run's results: its fingerprint and its inputs' hashes.
struct RunKeys<'a> {
    fingerprint: &'a str,
    inputs: &'a BTreeMap<String, String>,
}

#[allow(clippy::too_many_arguments)]
fn run_one<E: Experiment>(
    exp: &E,
    config: &E::Config,
    spec: &RunSpec<E::Params>,
    keys: &RunKeys<'_>,
    job: &JobInfo,
    opts: &RunnerOptions,
    dir: &ExperimentDir,
    progress: &ExperimentProgress,
    slot: usize,
) -> Result<StoredRun<E::RunOutput>, Error> {
    let start = Instant::now();
    let seed = derive_run_seed(job.seed, &spec.id);
    let ckpt = dir.checkpoint_path(&spec.id, keys.fingerprint);
    // A checkpoint belongs to this config and these inputs' content.
    let ckpt_key = sha256_hex(
        format!(
            "{}\n{}",
            keys.fingerprint,
            serde_json::to_string(keys.inputs).unwrap_or_default()
        )
        .as_bytes(),
    );
    if opts
        .cancel
        .as_ref()
        .is_some_and(|flag| flag.load(Ordering::Relaxed))
    {
        return Err(Error::Run {
            experiment: exp.name().into(),
            count: 1,
            run_id: spec.id.clone(),
            source: RunError::Cancelled,
        });
    }
    let mut ctx = RunContext::new(
        &spec.id,
        job.seed,
        ckpt_key,
        ckpt.clone(),
        opts.checkpoint_every,
        opts.resume,
        Box::new(move |f| progress.update(slot, f)),
    );
    if let Some(flag) = &opts.cancel {
        ctx = ctx.cancel_when(Arc::clone(flag));
    }
    let record = match exp.run(config, spec, &mut ctx) {
        Ok(output) => RunRecord::Completed { output },
        Err(RunError::Diverged { step, cause }) => RunRecord::Diverged { step, cause },
        Err(source) => {
            return Err(Error::Run {
                experiment: exp.name().into(),
                count: 1,
                run_id: spec.id.clone(),
                source,
            });
        }
    };
    let run = StoredRun {
        experiment: exp.name().into(),
        run_id: spec.id.clone(),
        seed,
        fingerprint: keys.fingerprint.to_string(),
        wall_seconds: start.elapsed().as_secs_f64(),
        solver_routes: ctx.routes().iter().cloned().collect(),
        inputs: keys.inputs.clone(),
        record,
    };
    write_json_atomic(&dir.run_path(&spec.id), &run)?;
    let _ = std::fs::remove_file(&ckpt);
    Ok(run)
}
