//! `ngd.experiments`: the registered experiments of the `ngd` tool, run in-process.
//!
//! The `ngd` binary re-executes itself (`current_exe()`) to set `OPENBLAS_NUM_THREADS=1` for
//! its runs when the user did not set it; inside Python `current_exe()` is the interpreter, so
//! the bindings never go
//! through the command line: they call the experiments crate's library API
//! (the paper's registry, `ngd_harness::registry::find` → `resolve_config` → `execute_json`) in this process, with one worker
//! (`jobs = 1`) and the GIL released. The results are the same files as `ngd run` writes
//! (they do not depend on the number of workers) when OpenBLAS has the same thread count:
//! start Python with `OPENBLAS_NUM_THREADS=1` for the command line's default bits (OpenBLAS
//! reads it once, when the extension is loaded; otherwise it takes every core, and runs that
//! use LAPACK can differ at round-off). Ctrl-C (any exception of a signal handler)
//! sets the runner's cancellation flag: runs not started do not start, running ones stop at
//! their next checkpoint segment with a checkpoint written, and the exception is raised;
//! `resume=True` then continues from the finished runs and the checkpoints.

use crate::errors::{Kind, ToPyResult, raise};
use crate::runs::interrupt::run_interruptible;
use ngd_experiments::experiments::registry;
use ngd_harness::Preset;
use ngd_harness::registry::find;
use ngd_harness::runner::{JobInfo, RunnerOptions};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

fn preset(name: &str) -> PyResult<Preset> {
    Preset::ALL
        .into_iter()
        .find(|p| p.name() == name)
        .ok_or_else(|| {
            raise(
                Kind::Invalid,
                format!("preset: unknown preset {name:?} (allowed: quick, paper)"),
            )
        })
}

/// Runs the experiment `name` (e.g. `"fig4"`) with `preset` and `set` overrides
/// (`["key=value", …]`, the `--set` syntax of `ngd run`), writing `<out>/<name>/` exactly as
/// `ngd run` does. Returns a dict: `path`, `executed`, `reused`, `diverged`, `wall_seconds`.
#[pyfunction(name = "run")]
#[pyo3(signature = (
    name, *, preset = "quick", out, set = Vec::new(), seed = 0, resume = false,
    checkpoint_every = "300s"
))]
#[allow(clippy::too_many_arguments)]
fn py_run<'py>(
    py: Python<'py>,
    name: &str,
    preset: &str,
    out: PathBuf,
    set: Vec<String>,
    seed: u64,
    resume: bool,
    checkpoint_every: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let preset = self::preset(preset)?;
    let checkpoint_every = checkpoint_every.parse().map_err(|e| {
        raise(
            Kind::Invalid,
            format!("checkpoint_every: {e} (seconds as \"30s\", steps as \"1000\", or \"never\")"),
        )
    })?;
    let experiment = find(&registry(), name)
        .map_err(ngd_harness::Error::from)
        .py_err()?;
    let config = experiment
        .resolve_config(preset, None, &set)
        .map_err(ngd_harness::Error::from)
        .py_err()?;
    let job = JobInfo {
        preset: preset.name().into(),
        seed,
        out: out.clone(),
        revision: ngd_experiments::GIT_REVISION.into(),
    };
    let cancel = Arc::new(AtomicBool::new(false));
    let options = RunnerOptions {
        jobs: 1,
        resume,
        checkpoint_every,
        cancel: Some(Arc::clone(&cancel)),
    };
    let (outcome, interrupt) = run_interruptible(py, &cancel, || {
        experiment.execute_json(&config, &job, &options, None)
    });
    if let Some(interrupt) = interrupt {
        // The runs stopped at their next checkpoint segment; `resume=True` continues them.
        return Err(interrupt);
    }
    let outcome = outcome.py_err()?;
    let result = PyDict::new(py);
    result.set_item("path", out.join(name))?;
    result.set_item("executed", outcome.executed)?;
    result.set_item("reused", outcome.reused)?;
    result.set_item("diverged", outcome.diverged)?;
    result.set_item("wall_seconds", outcome.wall_seconds)?;
    Ok(result)
}

/// The registered experiments: `{name: description}`.
#[pyfunction(name = "list_experiments")]
fn py_list_experiments(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let out = PyDict::new(py);
    for experiment in registry() {
        out.set_item(experiment.name(), experiment.description())?;
    }
    Ok(out)
}

/// Adds this file's functions to the module.
///
/// # Errors
///
/// If a registration fails.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(py_run, m)?)?;
    m.add_function(wrap_pyfunction!(py_list_experiments, m)?)
}
