//! The bodies of `cargo xtask slurm submit | status | resubmit | collect`.

use super::indices::{array_spec, chunks, ranges};
use super::script::{Resources, ScriptPaths, render};
use super::state::{
    PlanStatus, RECORD_FORMAT, Record, StateDir, Submission, max_array_size, ngd_output,
    plan_status, queued_indices, write_atomic,
};
use super::{OutArg, ResubmitArgs, StatusArgs, SubmitArgs};
use crate::cargo::{build_study, workspace_root};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

fn state_of(out: &OutArg) -> Result<StateDir, String> {
    let root = out
        .out
        .clone()
        .unwrap_or_else(|| workspace_root().join("experiments").join("results"));
    StateDir::new(&root)
}

/// Submits one array per chunk of `indices`; returns the submissions (nothing with `dry_run`).
fn submit_indices(
    state: &StateDir,
    indices: &[usize],
    max_parallel: Option<u32>,
    max_array_size: usize,
    dry_run: bool,
) -> Result<Vec<Submission>, String> {
    let mut subs = Vec::new();
    for chunk in chunks(indices, max_array_size) {
        let array = array_spec(&chunk.tasks, max_parallel);
        let args = [
            "--parsable".to_string(),
            format!("--array={array}"),
            format!("--export=ALL,NGD_INDEX_OFFSET={}", chunk.offset),
            state.script().display().to_string(),
        ];
        if dry_run {
            println!("sbatch {}", args.join(" "));
            continue;
        }
        let o = Command::new("sbatch")
            .args(&args)
            .output()
            .map_err(|e| format!("could not start sbatch (is Slurm's client installed?): {e}"))?;
        if !o.status.success() {
            return Err(format!(
                "sbatch {} failed ({}): {}",
                args.join(" "),
                o.status,
                String::from_utf8_lossy(&o.stderr).trim()
            ));
        }
        // `--parsable` prints `jobid` or `jobid;cluster`.
        let text = String::from_utf8_lossy(&o.stdout);
        let job_id = text.trim().split(';').next().unwrap_or("").to_string();
        if job_id.is_empty() || !job_id.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!("sbatch printed no job id: `{}`", text.trim()));
        }
        println!(
            "submitted array job {job_id}: plan indices {} ({} tasks)",
            ranges(&chunk.plan_indices()),
            chunk.tasks.len()
        );
        subs.push(Submission {
            job_id,
            offset: chunk.offset,
            indices: chunk.plan_indices(),
        });
    }
    Ok(subs)
}

/// `cargo xtask slurm submit`.
pub fn submit(a: &SubmitArgs) -> Result<(), String> {
    let state = state_of(&a.out)?;
    if !a.dry_run && state.record().exists() {
        return Err(format!(
            "{} already records a submission: use `cargo xtask slurm status` / `resubmit`, \
             or remove {} to start a new plan (results under {} stay and are reused)",
            state.record().display(),
            state.dir.display(),
            state.out.display()
        ));
    }
    let ngd = match &a.ngd {
        Some(p) => std::path::absolute(p).map_err(|e| format!("{}: {e}", p.display()))?,
        None => build_study(&a.study)?,
    };
    std::fs::create_dir_all(state.logs())
        .map_err(|e| format!("cannot create {}: {e}", state.logs().display()))?;
    let plan = state.plan().display().to_string();
    let seed = a.seed.to_string();
    let mut args = vec![
        "reproduce",
        "--preset",
        &a.preset,
        "--seed",
        &seed,
        "--plan",
        &plan,
    ];
    if let Some(only) = &a.only {
        args.extend(["--only", only]);
    }
    ngd_output(&ngd, &args)?;
    let st = plan_status(&ngd, &state)?;
    let res = Resources {
        partition: a.partition.clone(),
        time: a.time.clone(),
        mem: a.mem.clone(),
        cpus_per_task: a.cpus_per_task,
        account: a.account.clone(),
        modules: a.modules.clone(),
    };
    let paths = ScriptPaths {
        ngd: &ngd,
        plan: &state.plan(),
        out: &state.out,
        logs: &state.logs(),
    };
    let text = render(
        &format!("{}-{}", a.study.bin, a.preset),
        st.runs,
        &paths,
        &res,
        &a.checkpoint_every,
    );
    write_atomic(&state.script(), text.as_bytes())?;
    let size = max_array_size();
    println!(
        "plan: {} runs ({} already done) → {}\nscript: {}",
        st.runs,
        st.done.len(),
        state.plan().display(),
        state.script().display()
    );
    if a.dry_run {
        println!("--- {} ---\n{text}---", state.script().display());
    }
    if st.missing.is_empty() {
        println!("every run is already done: `cargo xtask slurm collect` draws the figures");
    }
    let subs = submit_indices(&state, &st.missing, a.max_parallel, size, a.dry_run)?;
    if !a.dry_run {
        Record {
            format: RECORD_FORMAT.into(),
            ngd,
            max_parallel: a.max_parallel,
            max_array_size: size,
            submissions: subs,
        }
        .write(&state)?;
        println!("state: {}", state.dir.display());
    }
    Ok(())
}

/// Done / queued-or-running / missing indices of the state's plan.
struct Split {
    status: PlanStatus,
    running: Vec<usize>,
    missing: Vec<usize>,
}

fn split(state: &StateDir, record: &Record) -> Result<Split, String> {
    let status = plan_status(&record.ngd, state)?;
    let queued: BTreeSet<usize> = queued_indices(record)?;
    let (running, missing) = status.missing.iter().partition(|i| queued.contains(i));
    Ok(Split {
        status,
        running,
        missing,
    })
}

/// `cargo xtask slurm status`.
pub fn status(a: &StatusArgs) -> Result<(), String> {
    let state = state_of(&a.out)?;
    let record = Record::read(&state)?;
    let s = split(&state, &record)?;
    if a.json {
        let v = serde_json::json!({
            "runs": s.status.runs,
            "done": s.status.done,
            "running": s.running,
            "missing": s.missing,
            "jobs": record.submissions.iter().map(|j| j.job_id.as_str()).collect::<Vec<_>>(),
        });
        println!("{v}");
        return Ok(());
    }
    let jobs: Vec<&str> = record
        .submissions
        .iter()
        .map(|j| j.job_id.as_str())
        .collect();
    println!(
        "plan: {} runs (preset {}, seed {}, {}); jobs {}",
        s.status.runs,
        s.status.preset,
        s.status.seed,
        s.status.experiments.join(","),
        jobs.join(",")
    );
    for (label, list) in [
        ("done", &s.status.done),
        ("queued or running", &s.running),
        ("missing", &s.missing),
    ] {
        println!("{label:>18}: {:>5}  {}", list.len(), ranges(list));
    }
    if !s.missing.is_empty() {
        println!(
            "missing runs have no result and no queued task: see {} for their logs, then \
             `cargo xtask slurm resubmit`",
            state.logs().display()
        );
    } else if s.running.is_empty() {
        println!("every run is done: `cargo xtask slurm collect` draws the figures and the report");
    }
    Ok(())
}

/// `cargo xtask slurm resubmit`.
pub fn resubmit(a: &ResubmitArgs) -> Result<(), String> {
    let state = state_of(&a.out)?;
    let mut record = Record::read(&state)?;
    let s = split(&state, &record)?;
    if s.missing.is_empty() {
        println!(
            "nothing to resubmit: {} done, {} queued or running",
            s.status.done.len(),
            s.running.len()
        );
        return Ok(());
    }
    let limit = a.max_parallel.or(record.max_parallel);
    let subs = submit_indices(&state, &s.missing, limit, record.max_array_size, a.dry_run)?;
    if !a.dry_run {
        record.submissions.extend(subs);
        record.write(&state)?;
    }
    Ok(())
}

/// `cargo xtask slurm collect`.
pub fn collect(a: &OutArg) -> Result<(), String> {
    let state = state_of(a)?;
    let record = Record::read(&state)?;
    let s = split(&state, &record)?;
    if !s.missing.is_empty() || !s.running.is_empty() {
        return Err(format!(
            "not every run is done ({} of {}; queued or running {}, missing {}): wait, or \
             `cargo xtask slurm resubmit`",
            s.status.done.len(),
            s.status.runs,
            ranges(&s.running),
            ranges(&s.missing)
        ));
    }
    reproduce_resume(&record.ngd, &s.status, &state.out)
}

/// `ngd reproduce --resume` with the plan's preset, seed and experiments (prints its output).
fn reproduce_resume(ngd: &Path, st: &PlanStatus, out: &Path) -> Result<(), String> {
    let seed = st.seed.to_string();
    let only = st.experiments.join(",");
    let out = out.display().to_string();
    let args = [
        "reproduce",
        "--resume",
        "--preset",
        &st.preset,
        "--seed",
        &seed,
        "--only",
        &only,
        "--out",
        &out,
    ];
    let status = Command::new(ngd)
        .args(args)
        .status()
        .map_err(|e| format!("could not start {}: {e}", ngd.display()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`ngd {}` failed ({status})", args.join(" ")))
    }
}
