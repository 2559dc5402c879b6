//! Test helpers: an experiment run end to end through the harness's runner into a temporary
//! directory (two workers, no checkpoints), as `ngd run` would; one run checkpointed every
//! few steps, then resumed from its last checkpoint.

use ngd_harness::context::{CheckpointEvery, RunContext};
use ngd_harness::experiment::{Experiment, RunSpec};
use ngd_harness::runner::{JobInfo, Outcome, RunnerOptions, execute};
use std::fmt::Debug;

/// Runs every planned run of `exp` with `config` and experiment seed `seed`; returns the
/// directory (results in `<dir>/<name>/`) and the runner's outcome.
pub(crate) fn run_in_tempdir<E: Experiment>(
    exp: &E,
    config: &E::Config,
    seed: u64,
) -> (tempfile::TempDir, Outcome) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let job = JobInfo {
        preset: "quick".into(),
        seed,
        out: dir.path().to_path_buf(),
        revision: crate::GIT_REVISION.into(),
    };
    let opts = RunnerOptions {
        jobs: 2,
        resume: false,
        checkpoint_every: CheckpointEvery::Never,
        cancel: None,
    };
    let outcome = execute(exp, config, &job, &opts, None).expect("the runs and finish succeed");
    (dir, outcome)
}

/// Runs `spec` once with a checkpoint every `every` steps, then again resumed from the last
/// checkpoint (written at step `last_checkpoint`); returns both outputs.
pub(crate) fn run_and_resume<E: Experiment>(
    exp: &E,
    config: &E::Config,
    spec: &RunSpec<E::Params>,
    every: u64,
    last_checkpoint: u64,
) -> (E::RunOutput, E::RunOutput)
where
    E::RunOutput: Debug,
{
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("ckpt.json");
    let ctx = |every, resume| {
        let progress = Box::new(|_| {});
        RunContext::new(
            &spec.id,
            3,
            "fp".into(),
            path.clone(),
            every,
            resume,
            progress,
        )
    };
    let full = exp.run(config, spec, &mut ctx(CheckpointEvery::Steps(every), false));
    let full = full.expect("the uninterrupted run succeeds");
    let text = std::fs::read_to_string(&path).expect("a checkpoint was written");
    let step = format!("\"step\": {last_checkpoint}");
    assert!(
        text.contains(&step),
        "no checkpoint at step {last_checkpoint}"
    );
    let resumed = exp.run(config, spec, &mut ctx(CheckpointEvery::Never, true));
    (full, resumed.expect("the resumed run succeeds"))
}
