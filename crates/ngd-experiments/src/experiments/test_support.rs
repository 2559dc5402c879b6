//! Test helper: runs an experiment end to end through the harness's runner into a temporary
//! directory (two workers, no checkpoints), as `ngd run` would.

use ngd_harness::context::CheckpointEvery;
use ngd_harness::experiment::Experiment;
use ngd_harness::runner::{JobInfo, Outcome, RunnerOptions, execute};

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
