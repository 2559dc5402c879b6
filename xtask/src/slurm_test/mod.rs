//! `cargo xtask slurm-test`: the cluster commands against a real Slurm (the last step of
//! `cargo xtask test`).
//!
//! As root it installs `slurmctld slurmd slurm-client munge` with apt-get when they are
//! missing, starts a private single-node cluster ([`cluster`]), and then, through the real
//! `cargo xtask slurm` commands:
//!
//! 1. `submit`s the quick preset's plan of the representative experiments (`--only`, default
//!    `egd-demo`) as an array with `%1`, and cancels its last task while it is still pending;
//! 2. waits for the queue to drain; `status` must show every index done but the cancelled one,
//!    which is missing;
//! 3. `resubmit`s (exactly the cancelled index), waits; `status` must show every index done;
//! 4. `collect`s: `ngd reproduce --resume` must execute 0 runs;
//! 5. runs the same plan locally (`ngd reproduce`) into another folder and compares every result
//!    file byte for byte ([`compare`]).
//!
//! Every daemon it started is stopped by PID, also on failure. Where it cannot run (not root; no
//! Slurm and no apt-get) it prints why and is skipped.

mod cluster;
mod compare;

use crate::cargo::{StudyBinary, build_study, step};
use cluster::{Cluster, output};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The programs the test needs.
const PROGRAMS: [&str; 7] = [
    "munged",
    "slurmctld",
    "slurmd",
    "sbatch",
    "squeue",
    "scancel",
    "sinfo",
];

fn has_program(name: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn is_root() -> bool {
    output(Command::new("id").arg("-u")).is_ok_and(|s| s.trim() == "0")
}

/// Installs Slurm and munge when needed; `Ok(Some(reason))` when the test must be skipped.
fn ensure_slurm() -> Result<Option<String>, String> {
    if !is_root() {
        return Ok(Some(
            "not running as root (the test installs Slurm and starts munged, slurmctld and \
             slurmd as root); run `sudo cargo xtask slurm-test` to run it"
                .into(),
        ));
    }
    if PROGRAMS.iter().all(|p| has_program(p)) {
        return Ok(None);
    }
    if !has_program("apt-get") {
        return Ok(Some(
            "Slurm is not installed and there is no apt-get to install it \
             (needs: slurmctld slurmd slurm-client munge)"
                .into(),
        ));
    }
    let mut update = Command::new("apt-get");
    update.arg("update").stdout(Stdio::null());
    step("apt-get update", update)?;
    let mut install = Command::new("apt-get");
    install
        .args(["install", "-y", "--no-install-recommends"])
        .args(["slurmctld", "slurmd", "slurm-client", "munge"])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .stdout(Stdio::null());
    step(
        "apt-get install slurmctld slurmd slurm-client munge",
        install,
    )?;
    match PROGRAMS.iter().find(|p| !has_program(p)) {
        Some(p) => Err(format!(
            "installed Slurm but `{p}` is still not on the PATH"
        )),
        None => Ok(None),
    }
}

/// Runs `cargo xtask slurm ARGS…` (this binary) against the cluster; returns its stdout.
fn xtask_slurm(cluster: &Cluster, args: &[&str]) -> Result<String, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let text = output(cluster.command(exe).arg("slurm").args(args))?;
    eprint!(
        "{}",
        text.lines()
            .map(|l| format!("  | {l}\n"))
            .collect::<String>()
    );
    Ok(text)
}

fn slurm_status(cluster: &Cluster, out: &str) -> Result<serde_json::Value, String> {
    let text = xtask_slurm(cluster, &["status", "--json", "--out", out])?;
    serde_json::from_str(text.trim()).map_err(|e| format!("unreadable status: {e}"))
}

fn indices(v: &serde_json::Value, key: &str) -> Vec<u64> {
    v[key]
        .as_array()
        .map(|a| a.iter().filter_map(|i| i.as_u64()).collect())
        .unwrap_or_default()
}

/// Polls `squeue` until none of this cluster's jobs is left.
fn wait_for_empty_queue(cluster: &Cluster, timeout: Duration) -> Result<(), String> {
    let start = Instant::now();
    loop {
        let q = output(cluster.command("squeue").args(["-h", "-r", "-o", "%i %T"]))?;
        if q.trim().is_empty() {
            return Ok(());
        }
        if start.elapsed() > timeout {
            return Err(format!("jobs still queued after {timeout:?}:\n{q}"));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `cargo xtask slurm-test`.
pub fn run(only: &str, study: &StudyBinary) -> Result<(), String> {
    let start = Instant::now();
    if let Some(reason) = ensure_slurm()? {
        eprintln!("xtask: slurm-test: SKIPPED — {reason}");
        return Ok(());
    }
    let ngd = build_study(study)?;
    let mut cluster = Cluster::start()?;
    eprintln!(
        "xtask: slurm-test: node `{}` idle after {:.1} s ({})",
        cluster.node,
        start.elapsed().as_secs_f64(),
        cluster.dir.display()
    );
    scenario(&cluster, &ngd, only)?;
    cluster.remove_dir = true;
    drop(cluster);
    eprintln!(
        "xtask: slurm-test: passed in {:.1} s (install check, cluster start, two arrays, \
         collect, local run and comparison, shutdown)",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

fn scenario(cluster: &Cluster, ngd: &Path, only: &str) -> Result<(), String> {
    let out = cluster.dir.join("cluster-results");
    let out_s = out.display().to_string();
    let ngd_s = ngd.display().to_string();
    // 1. Submit with at most one task at a time, and cancel the last task while it waits.
    xtask_slurm(
        cluster,
        &[
            "submit",
            "--preset",
            "quick",
            "--only",
            only,
            "--max-parallel",
            "1",
            "--ngd",
            &ngd_s,
            "--out",
            &out_s,
        ],
    )?;
    let before = slurm_status(cluster, &out_s)?;
    let runs = before["runs"].as_u64().unwrap_or(0);
    let job = before["jobs"][0].as_str().unwrap_or("").to_string();
    if runs < 2 || job.is_empty() {
        return Err(format!("unexpected status after submit: {before}"));
    }
    let last = runs - 1;
    output(cluster.command("scancel").arg(format!("{job}_{last}")))?;
    eprintln!("xtask: slurm-test: array {job} of {runs} tasks submitted; cancelled task {last}");
    wait_for_empty_queue(cluster, Duration::from_secs(120))?;

    // 2. Everything but the cancelled index is done.
    let s = slurm_status(cluster, &out_s)?;
    let expected_done: Vec<u64> = (0..last).collect();
    if indices(&s, "done") != expected_done || indices(&s, "missing") != vec![last] {
        return Err(format!(
            "after the first array expected done 0..{last} and missing [{last}]: {s}"
        ));
    }

    // 3. Resubmit exactly the missing index.
    xtask_slurm(cluster, &["resubmit", "--out", &out_s])?;
    wait_for_empty_queue(cluster, Duration::from_secs(60))?;
    let s = slurm_status(cluster, &out_s)?;
    if indices(&s, "done").len() as u64 != runs || s["jobs"].as_array().map(Vec::len) != Some(2) {
        return Err(format!(
            "after resubmit expected all {runs} runs done in 2 jobs: {s}"
        ));
    }

    // 4. Collect: draws figures and the report, runs nothing.
    let text = xtask_slurm(cluster, &["collect", "--out", &out_s])?;
    let experiments: Vec<&str> = only.split(',').map(str::trim).collect();
    for e in &experiments {
        if !text.contains(&format!("{e}: 0 runs executed")) {
            return Err(format!("collect reran work for `{e}`:\n{text}"));
        }
    }
    if !out.join("REPORT.md").is_file() {
        return Err("collect wrote no REPORT.md".into());
    }

    // 5. The same plan locally, compared byte for byte.
    let local = cluster.dir.join("local-results");
    output(Command::new(ngd).args([
        "reproduce",
        "--preset",
        "quick",
        "--only",
        only,
        "--out",
        &local.display().to_string(),
    ]))?;
    for e in &experiments {
        let n = compare::compare_experiment(&local, &out, e)?;
        eprintln!("xtask: slurm-test: {e}: {n} result files identical to the local run");
    }
    Ok(())
}
