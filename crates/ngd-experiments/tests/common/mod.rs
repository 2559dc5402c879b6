//! Shared helpers for the integration tests.
#![allow(dead_code)]

use ngd_harness::context::{CheckpointEvery, RunContext};

/// A run context for run `id` that never checkpoints, with its checkpoint path in `dir`.
pub fn ctx(dir: &std::path::Path, id: &str) -> RunContext<'static> {
    RunContext::new(
        id,
        1,
        "fp".into(),
        dir.join(format!("{id}.json")),
        CheckpointEvery::Never,
        false,
        Box::new(|_| {}),
    )
}
