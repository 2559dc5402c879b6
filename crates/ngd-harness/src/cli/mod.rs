//! The command line of a study: argument parsing ([`args`]), the subcommands (`list` with
//! calibrated times: [`list`]; `report --open`: [`open`]), plan files
//! ([`plan`]) and their status against a results tree ([`plan_status`]), and the process-level
//! setup. A study describes itself with a [`Study`] and may add subcommands of its own through
//! an [`Extension`]; its `main` is one call of [`main`].
//!
//! **Thread-count environment.** Some libraries (OpenBLAS) read their thread count from the
//! environment once, when they are loaded (before `main`), and changing the environment of a
//! running process needs `unsafe` in edition 2024. A threaded BLAS / LAPACK sums in an order
//! that depends on its thread count, so the commands that run experiments (`run`,
//! `reproduce`, `run-job`) fix it independently of `--jobs`: the value of
//! [`Study::thread_env`] in the environment if the user set one, otherwise 1. When it is unset,
//! [`main`] re-executes the same binary with the same arguments and the variable set to 1
//! (likewise for an extension's own thread option), forwarding its exit code; nothing runs
//! before that point. (Until 2026-11-29 only `--jobs > 1` set it, so fig5's ill-conditioned
//! layer-split NGD runs ended differently under `--jobs 1` and `--jobs 2`.) The child is
//! supervised ([`supervise`]): signals to the parent reach it, and how it ended is reported.

pub mod args;
pub mod guards;
pub mod list;
pub mod open;
pub mod plan;
pub mod plan_status;
pub mod supervise;

use crate::error::{ConfigError, Error};
use crate::output::default_out_dir;
use crate::registry::{DynExperiment, find};
use crate::report::{ReportTitle, write_report};
use crate::runner::{JobInfo, RunnerOptions};
use args::{Cli, Command, ExecArgs};
use clap::{CommandFactory, FromArgMatches};
use std::path::PathBuf;

/// What the harness needs to know of a study to give it a command line.
#[derive(Clone, Copy)]
pub struct Study {
    /// The binary's name (`--help`, error messages), e.g. `ngd`.
    pub binary: &'static str,
    /// One paragraph for `--help`: what the study does.
    pub about: &'static str,
    /// The report's title and generator line.
    pub report: ReportTitle,
    /// Every experiment of the study, in report order.
    pub experiments: fn() -> Vec<&'static dyn DynExperiment>,
    /// Environment variable holding a linked library's thread count (e.g.
    /// `OPENBLAS_NUM_THREADS`), set to 1 for the commands that run experiments unless the user
    /// set it (see the module docs); `None` if there is none.
    pub thread_env: Option<&'static str>,
    /// The code revision the binary was built from (`git rev-parse HEAD` recorded by the
    /// study's build script, or `"unknown"`), written as every manifest's `git_revision`
    /// ([`JobInfo::revision`]). Recorded at build time: the folder the binary is started in
    /// says nothing about the code it runs.
    pub revision: &'static str,
}

/// A study's own subcommands, added beside the harness's.
pub trait Extension: clap::Subcommand + std::fmt::Debug {
    /// The value [`Study::thread_env`] must have for this subcommand, if it sets one.
    fn thread_count(&self) -> Option<String> {
        None
    }
    /// Runs the subcommand.
    ///
    /// # Errors
    ///
    /// Whatever the subcommand reports ([`Error::exit_code`] gives the exit code).
    fn run(self, study: &Study) -> Result<(), Error>;
}

/// The extension of a study without subcommands of its own.
#[derive(Debug, clap::Subcommand)]
pub enum NoExtension {}

impl Extension for NoExtension {
    fn run(self, _study: &Study) -> Result<(), Error> {
        match self {}
    }
}

/// Runs the study's command line; returns the process exit code (0, 1 run failure, 2 usage or
/// config mistake).
pub fn main<X: Extension>(study: &Study) -> i32 {
    let command = Cli::<X>::command()
        .name(study.binary)
        .bin_name(study.binary)
        .about(study.about)
        .long_about(format!("{}\n\n{}", study.about, args::RESULTS_HELP));
    let cli = match Cli::<X>::from_arg_matches(&command.get_matches()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    if let Some(code) = reexec_for_thread_env(study, &cli) {
        return code;
    }
    supervise::watch_parent(study.binary);
    match dispatch(study, cli) {
        Ok(()) => 0,
        Err(e) => {
            let prefix = if e.exit_code() == 2 { "error" } else { "ERROR" };
            // One line, never a huge one (every value in it is clipped already).
            let text = crate::error::clip(&e.to_string().replace(['\n', '\r'], " "), 4000);
            eprintln!("{}: {prefix}: {text}", study.binary);
            e.exit_code()
        }
    }
}

fn reexec_for_thread_env<X: Extension>(study: &Study, cli: &Cli<X>) -> Option<i32> {
    let var = study.thread_env?;
    let wanted = match &cli.command {
        // Runs take the user's thread count if set, else one thread, whatever `--jobs`.
        Command::Run(_) | Command::Reproduce(_) | Command::RunJob(_) => {
            if std::env::var_os(var).is_some() {
                return None;
            }
            "1".to_string()
        }
        Command::Extra(x) => x.thread_count()?,
        _ => return None,
    };
    if std::env::var(var).ok().as_deref() == Some(wanted.as_str()) {
        return None;
    }
    supervise::run_supervised(study.binary, var, &wanted)
}

fn out_dir(out: &Option<PathBuf>) -> PathBuf {
    out.clone().unwrap_or_else(default_out_dir)
}

fn options(e: &ExecArgs) -> RunnerOptions {
    RunnerOptions {
        jobs: e.jobs() as usize,
        resume: e.resume,
        checkpoint_every: e.checkpoint_every,
        cancel: None,
    }
}

fn dispatch<X: Extension>(study: &Study, cli: Cli<X>) -> Result<(), Error> {
    // Every input is read once for the whole command (`crate::inputs`).
    let _inputs = crate::inputs::input_scope();
    let all = (study.experiments)();
    match cli.command {
        Command::List(a) => {
            print_list(&all, &out_dir(&a.out));
            Ok(())
        }
        Command::Config(a) => {
            let exp = find(&all, &a.experiment)?;
            print!("{}", exp.describe_config(a.preset)?);
            Ok(())
        }
        Command::Run(a) => {
            let exp = find(&all, &a.experiment)?;
            let config = exp.resolve_config(a.exec.preset, a.config.as_deref(), &a.sets)?;
            let jobs = a.exec.jobs() as usize;
            guards::check_experiment_memory(exp, &config, jobs, a.exec.max_memory)?;
            run_resolved(study, exp, &config, &a.exec).map(|_| ())
        }
        Command::Reproduce(a) => reproduce(study, &all, a),
        Command::RunJob(a) => {
            let plan = plan::read_plan(&a.plan)?;
            guards::verify_plan(&plan, &a.plan, &all)?;
            let entry = plan.runs.get(a.index).ok_or_else(|| {
                ConfigError::Usage(format!(
                    "--index {} out of range: plan {} has {} runs (0..{})",
                    a.index,
                    a.plan.display(),
                    plan.runs.len(),
                    plan.runs.len()
                ))
            })?;
            let exp = find(&all, &entry.experiment)?;
            let config = plan.configs.get(&entry.experiment).ok_or_else(|| {
                ConfigError::Usage(format!(
                    "plan {} has no config for `{}`",
                    a.plan.display(),
                    entry.experiment
                ))
            })?;
            guards::check_experiment_memory(exp, config, 1, a.max_memory)?;
            let job = JobInfo {
                preset: plan.preset.clone(),
                seed: plan.seed,
                out: out_dir(&a.out),
                revision: study.revision.into(),
            };
            let opts = RunnerOptions {
                jobs: 1,
                resume: true,
                checkpoint_every: a.checkpoint_every,
                cancel: None,
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
            guards::verify_plan(&plan, &a.plan, &all)?;
            let status = plan_status::plan_status(&plan, &out_dir(&a.out));
            let json = serde_json::to_string(&status).map_err(|e| {
                ConfigError::Usage(format!("internal: status not serializable: {e}"))
            })?;
            println!("{json}");
            Ok(())
        }
        Command::Report(a) => {
            let out = out_dir(&a.out);
            let names: Vec<&str> = all.iter().map(|e| e.name()).collect();
            guards::require_results(&out, &names)?;
            let (md, html) = write_report(&out, &study.report, &names)?;
            println!("report: {} and {}", md.display(), html.display());
            if a.open {
                open::open_report(&html);
            }
            Ok(())
        }
        Command::Extra(x) => x.run(study),
    }
}

fn print_list(exps: &[&dyn DynExperiment], out: &std::path::Path) {
    for line in list::list_lines(exps, out) {
        println!("{line}");
    }
}

fn run_resolved(
    study: &Study,
    exp: &dyn DynExperiment,
    config: &serde_json::Value,
    exec: &ExecArgs,
) -> Result<(), Error> {
    let job = JobInfo {
        preset: exec.preset.name().into(),
        seed: exec.seed,
        out: out_dir(&exec.out),
        revision: study.revision.into(),
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
    if !outcome.undocumented.is_empty() {
        eprintln!(
            "{}: warning: README.md does not document {}",
            exp.name(),
            outcome.undocumented.join(", ")
        );
    }
    Ok(())
}

fn reproduce(
    study: &Study,
    all: &[&'static dyn DynExperiment],
    a: args::ReproduceArgs,
) -> Result<(), Error> {
    let selected: Vec<&dyn DynExperiment> = if a.only.is_empty() {
        all.to_vec()
    } else {
        a.only
            .iter()
            .map(|n| find(all, n.trim()))
            .collect::<Result<_, _>>()?
    };
    if a.list {
        print_list(&selected, &out_dir(&a.exec.out));
        return Ok(());
    }
    // Resolve and validate every config before any work starts.
    let configs: Vec<(&dyn DynExperiment, serde_json::Value)> = selected
        .iter()
        .map(|e| e.resolve_config(a.exec.preset, None, &[]).map(|c| (*e, c)))
        .collect::<Result<_, _>>()?;
    for (exp, config) in &configs {
        let jobs = a.exec.jobs() as usize;
        guards::check_experiment_memory(*exp, config, jobs, a.exec.max_memory)?;
    }
    if let Some(path) = &a.plan {
        let plan = plan::build_plan(a.exec.preset.name(), a.exec.seed, &configs)?;
        plan::write_plan(path, &plan)?;
        println!("plan: {} runs → {}", plan.runs.len(), path.display());
        return Ok(());
    }
    let mut first_error = None;
    for (exp, config) in &configs {
        if let Err(e) = run_resolved(study, *exp, config, &a.exec) {
            if e.exit_code() == 2 {
                return Err(e);
            }
            eprintln!("{}: ERROR: {e}", study.binary);
            first_error.get_or_insert(e);
        }
    }
    let out = out_dir(&a.exec.out);
    let names: Vec<&str> = selected.iter().map(|e| e.name()).collect();
    let (md, html) = write_report(&out, &study.report, &names)?;
    println!("report: {} and {}", md.display(), html.display());
    if a.open {
        open::open_report(&html);
    }
    first_error.map_or(Ok(()), Err)
}
