//! The `ngd` command line: argument parsing ([`args`]), the subcommands, plan files
//! ([`plan`]) and their status against a results tree ([`plan_status`]), and the process-level
//! setup.
//!
//! **BLAS threads.** OpenBLAS reads `OPENBLAS_NUM_THREADS` once, when the library is loaded
//! (before `main`), and changing the environment of a running process needs `unsafe` in
//! edition 2024. So when `--jobs N > 1` (or `bench --threads T`) asks for a thread count the
//! environment does not already have, [`main`] re-executes the same binary with the same
//! arguments and `OPENBLAS_NUM_THREADS` set (1 for parallel runs, `T` for benches), forwarding
//! its exit code. No BLAS call happens before that point.

pub mod args;
mod bench;
pub mod plan;
pub mod plan_status;

use crate::config::Preset;
use crate::error::{ConfigError, Error};
use crate::output::default_out_dir;
use crate::registry::{DynExperiment, find, registry};
use crate::report::write_report;
use crate::runner::{JobInfo, RunnerOptions};
use args::{Cli, Command, ExecArgs};
use clap::Parser;
use std::path::PathBuf;

/// Runs the tool; returns the process exit code (0, 1 run failure, 2 usage/config mistake).
pub fn main() -> i32 {
    let cli = Cli::parse();
    if let Some(code) = reexec_for_blas_threads(&cli) {
        return code;
    }
    match dispatch(cli) {
        Ok(()) => 0,
        Err(e) => {
            let prefix = if e.exit_code() == 2 { "error" } else { "ERROR" };
            eprintln!("ngd: {prefix}: {e}");
            e.exit_code()
        }
    }
}

fn reexec_for_blas_threads(cli: &Cli) -> Option<i32> {
    let wanted = match &cli.command {
        Command::Run(a) if a.exec.jobs() > 1 => "1".to_string(),
        Command::Reproduce(a) if a.exec.jobs() > 1 => "1".to_string(),
        Command::Bench(b) => b.threads?.to_string(),
        _ => return None,
    };
    if std::env::var("OPENBLAS_NUM_THREADS").ok().as_deref() == Some(wanted.as_str()) {
        return None;
    }
    let exe = std::env::current_exe().ok()?;
    let status = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env("OPENBLAS_NUM_THREADS", &wanted)
        .status()
        .ok()?;
    Some(status.code().unwrap_or(1))
}

fn out_dir(out: &Option<PathBuf>) -> PathBuf {
    out.clone().unwrap_or_else(default_out_dir)
}

fn options(e: &ExecArgs) -> RunnerOptions {
    RunnerOptions {
        jobs: e.jobs() as usize,
        resume: e.resume,
        checkpoint_every: e.checkpoint_every,
    }
}

fn dispatch(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::List => {
            print_list(&registry());
            Ok(())
        }
        Command::Run(a) => {
            let exp = find(&a.experiment)?;
            let config = exp.resolve_config(a.exec.preset, a.config.as_deref(), &a.sets)?;
            run_resolved(exp, &config, &a.exec).map(|_| ())
        }
        Command::Reproduce(a) => reproduce(a),
        Command::RunJob(a) => {
            let plan = plan::read_plan(&a.plan)?;
            let entry = plan.runs.get(a.index).ok_or_else(|| {
                ConfigError::Usage(format!(
                    "--index {} out of range: plan {} has {} runs (0..{})",
                    a.index,
                    a.plan.display(),
                    plan.runs.len(),
                    plan.runs.len()
                ))
            })?;
            let exp = find(&entry.experiment)?;
            let config = plan.configs.get(&entry.experiment).ok_or_else(|| {
                ConfigError::Usage(format!(
                    "plan {} has no config for `{}`",
                    a.plan.display(),
                    entry.experiment
                ))
            })?;
            let job = JobInfo {
                preset: plan.preset.clone(),
                seed: plan.seed,
                out: out_dir(&a.out),
            };
            let opts = RunnerOptions {
                jobs: 1,
                resume: true,
                checkpoint_every: a.checkpoint_every,
            };
            let outcome = exp.execute_json(config, &job, &opts, Some(&entry.run_id))?;
            println!(
                "{}: run {} {} → {}",
                entry.experiment,
                entry.run_id,
                if outcome.executed == 0 {
                    "already done"
                } else {
                    "done"
                },
                job.out
                    .join(&entry.experiment)
                    .join("runs")
                    .join(format!("{}.json", entry.run_id))
                    .display()
            );
            Ok(())
        }
        Command::PlanStatus(a) => {
            let plan = plan::read_plan(&a.plan)?;
            let status = plan_status::plan_status(&plan, &out_dir(&a.out));
            let json = serde_json::to_string(&status).map_err(|e| {
                ConfigError::Usage(format!("internal: status not serializable: {e}"))
            })?;
            println!("{json}");
            Ok(())
        }
        Command::Report(a) => {
            let out = out_dir(&a.out);
            let names: Vec<&str> = registry().iter().map(|e| e.name()).collect();
            let (md, html) = write_report(&out, &names)?;
            println!("report: {} and {}", md.display(), html.display());
            Ok(())
        }
        Command::Bench(b) => bench::bench(&b),
    }
}

fn print_list(exps: &[&dyn DynExperiment]) {
    for e in exps {
        println!("{:<14} {}", e.name(), e.description());
        for p in Preset::ALL {
            let (runs, cost) = e.preset_cost(p);
            println!(
                "{:<14}   --preset {:<6} {runs} runs, estimated cost {cost:.3e} work units",
                "",
                p.name(),
                cost = cost as f64
            );
        }
    }
}

fn run_resolved(
    exp: &dyn DynExperiment,
    config: &serde_json::Value,
    exec: &ExecArgs,
) -> Result<(), Error> {
    let job = JobInfo {
        preset: exec.preset.name().into(),
        seed: exec.seed,
        out: out_dir(&exec.out),
    };
    let outcome = exp.execute_json(config, &job, &options(exec), None)?;
    println!(
        "{}: {} runs executed, {} reused, {} diverged, {:.2} s → {}",
        exp.name(),
        outcome.executed,
        outcome.reused,
        outcome.diverged,
        outcome.wall_seconds,
        job.out.join(exp.name()).display()
    );
    Ok(())
}

fn reproduce(a: args::ReproduceArgs) -> Result<(), Error> {
    let all = registry();
    let selected: Vec<&dyn DynExperiment> = if a.only.is_empty() {
        all.clone()
    } else {
        a.only
            .iter()
            .map(|n| find(n.trim()))
            .collect::<Result<_, _>>()?
    };
    if a.list {
        print_list(&selected);
        return Ok(());
    }
    // Resolve and validate every config before any work starts.
    let configs: Vec<(&dyn DynExperiment, serde_json::Value)> = selected
        .iter()
        .map(|e| e.resolve_config(a.exec.preset, None, &[]).map(|c| (*e, c)))
        .collect::<Result<_, _>>()?;
    if let Some(path) = &a.plan {
        let plan = plan::build_plan(a.exec.preset.name(), a.exec.seed, &configs)?;
        plan::write_plan(path, &plan)?;
        println!("plan: {} runs → {}", plan.runs.len(), path.display());
        return Ok(());
    }
    let mut first_error = None;
    for (exp, config) in &configs {
        if let Err(e) = run_resolved(*exp, config, &a.exec) {
            if e.exit_code() == 2 {
                return Err(e);
            }
            eprintln!("ngd: ERROR: {e}");
            first_error.get_or_insert(e);
        }
    }
    let out = out_dir(&a.exec.out);
    let names: Vec<&str> = selected.iter().map(|e| e.name()).collect();
    let (md, html) = write_report(&out, &names)?;
    println!("report: {} and {}", md.display(), html.display());
    first_error.map_or(Ok(()), Err)
}
