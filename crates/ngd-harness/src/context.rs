//! [`RunContext`]: everything a run may touch — its seed, a progress handle, checkpoints, and a
//! record of the solver routes it used. Nothing else of the world is visible to a run.
//!
//! **Run seeds.** A run's seed is derived from the experiment seed and the run's stable id:
//! `run_seed = splitmix64(splitmix64(seed) XOR fnv1a64(run_id))`, where `fnv1a64` is the 64-bit
//! FNV-1a hash of the id's UTF-8 bytes and `splitmix64` is the SplitMix64 output function. The
//! seed therefore does not depend on the order of planning, on `--jobs`, or on which other runs
//! exist.
//!
//! **Checkpoints.** `ctx.checkpoint(step, &state)` writes the run's checkpoint file
//! (`checkpoints/<run-id>.<key>.json`, keyed by the run's fingerprint, see the runner)
//! atomically when the configured interval (seconds or steps) has elapsed; with `--resume`,
//! `ctx.restore::<S>()` returns the last state if it was written for the same experiment,
//! config, seed and run (a fingerprint is stored alongside). The file records its format
//! ([`CHECKPOINT_FORMAT`]); a checkpoint of this run in another format, or whose state does not
//! parse as this run's state, is refused with an error naming the file (never misread).
//! Experiments checkpoint through [`crate::checkpointed::run_checkpointed`].

use crate::error::RunError;
use crate::output::write_json_atomic;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The SplitMix64 output function (Steele, Lea & Flood 2014).
pub fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The 64-bit FNV-1a hash of `bytes`.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3)
    })
}

/// The seed of run `run_id` of an experiment seeded with `seed` (see the module docs).
pub fn derive_run_seed(seed: u64, run_id: &str) -> u64 {
    splitmix64(splitmix64(seed) ^ fnv1a64(run_id.as_bytes()))
}

/// How often checkpoints are written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CheckpointEvery {
    /// Never.
    Never,
    /// At most once per this many seconds of wall time.
    Seconds(f64),
    /// Whenever at least this many steps passed since the last checkpoint.
    Steps(u64),
}

impl std::str::FromStr for CheckpointEvery {
    type Err = String;

    /// `never`, `30s` (seconds) or `1000` (steps).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let bad =
            || format!("`{s}`: expected `never`, seconds like `30s`, or a step count like `1000`");
        if s == "never" {
            return Ok(Self::Never);
        }
        if let Some(sec) = s.strip_suffix('s') {
            let v: f64 = sec.trim().parse().map_err(|_| bad())?;
            return if v.is_finite() && v > 0.0 {
                Ok(Self::Seconds(v))
            } else {
                Err(bad())
            };
        }
        match s.parse::<u64>() {
            Ok(n) if n >= 1 => Ok(Self::Steps(n)),
            _ => Err(bad()),
        }
    }
}

/// The format of checkpoint files this build writes and reads. Format 1 (no `format` field)
/// stored arrays flattened by hand; format 2 stores them through ndarray's `serde` feature.
pub const CHECKPOINT_FORMAT: u32 = 2;

fn format_one() -> u32 {
    1
}

#[derive(Serialize, serde::Deserialize)]
struct CheckpointFile<S> {
    #[serde(default = "format_one")]
    format: u32,
    fingerprint: String,
    step: u64,
    state: S,
}

/// A run's window on the world (see the module docs).
pub struct RunContext<'a> {
    run_id: String,
    seed: u64,
    experiment_seed: u64,
    fingerprint: String,
    checkpoint_path: PathBuf,
    every: CheckpointEvery,
    resume: bool,
    last_time: Instant,
    last_step: Option<u64>,
    routes: BTreeSet<String>,
    on_progress: Box<dyn FnMut(f64) + Send + 'a>,
    cancel: Option<Arc<AtomicBool>>,
}

impl<'a> RunContext<'a> {
    /// Creates a context (used by the runner; tests may build one directly).
    ///
    /// `on_progress` receives the run's completed fraction in `[0, 1]`.
    pub fn new(
        run_id: &str,
        experiment_seed: u64,
        fingerprint: String,
        checkpoint_path: PathBuf,
        every: CheckpointEvery,
        resume: bool,
        on_progress: Box<dyn FnMut(f64) + Send + 'a>,
    ) -> Self {
        Self {
            run_id: run_id.to_string(),
            seed: derive_run_seed(experiment_seed, run_id),
            experiment_seed,
            fingerprint,
            checkpoint_path,
            every,
            resume,
            last_time: Instant::now(),
            last_step: None,
            routes: BTreeSet::new(),
            on_progress,
            cancel: None,
        }
    }

    /// Lets the run be cancelled: once `flag` is set, [`Self::cancelled`] is true and a
    /// checkpoint is due at the next chance (so the run resumes from there), and
    /// [`run_checkpointed`](crate::checkpointed::run_checkpointed) stops with
    /// [`RunError::Cancelled`].
    #[must_use]
    pub fn cancel_when(mut self, flag: Arc<AtomicBool>) -> Self {
        self.cancel = Some(flag);
        self
    }

    /// Whether the run was asked to stop.
    pub fn cancelled(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(|flag| flag.load(Ordering::Relaxed))
    }

    /// The run's id.
    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    /// The run's seed (derived, see [`derive_run_seed`]).
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// A seed shared by every run that asks for the same `label` (derived like a run seed, with
    /// `label` in place of the run id). Use it for data that several runs must share, e.g.
    /// `ctx.shared_seed("data-r0")` so that depths 1 and 2 of repeat 0 see the same samples.
    pub fn shared_seed(&self, label: &str) -> u64 {
        derive_run_seed(self.experiment_seed, label)
    }

    /// A fresh generator seeded with [`Self::seed`]. Each call returns the same stream.
    pub fn rng(&self) -> Xoshiro256PlusPlus {
        Xoshiro256PlusPlus::seed_from_u64(self.seed)
    }

    /// Reports progress: `done` of `total` units of this run.
    pub fn progress(&mut self, done: u64, total: u64) {
        let f = if total == 0 {
            1.0
        } else {
            (done as f64 / total as f64).clamp(0.0, 1.0)
        };
        (self.on_progress)(f);
    }

    /// Records that a solver route (e.g. `"woodbury"`, `"dense-cholesky"`) was used; the
    /// manifest lists them.
    pub fn note_route(&mut self, route: &str) {
        self.routes.insert(route.to_string());
    }

    /// The routes recorded so far.
    pub fn routes(&self) -> &BTreeSet<String> {
        &self.routes
    }

    /// Whether a checkpoint at `step` is due (cheap; lets a run avoid building its state).
    pub fn checkpoint_due(&self, step: u64) -> bool {
        if self.cancelled() && self.every != CheckpointEvery::Never {
            return true;
        }
        match self.every {
            CheckpointEvery::Never => false,
            CheckpointEvery::Seconds(s) => self.last_time.elapsed() >= Duration::from_secs_f64(s),
            CheckpointEvery::Steps(n) => step >= self.last_step.unwrap_or(0).saturating_add(n),
        }
    }

    /// Writes a checkpoint of `state` at `step` if the interval has elapsed. Returns whether one
    /// was written.
    pub fn checkpoint<S: Serialize>(&mut self, step: u64, state: &S) -> Result<bool, RunError> {
        if !self.checkpoint_due(step) {
            return Ok(false);
        }
        let file = CheckpointFile {
            format: CHECKPOINT_FORMAT,
            fingerprint: self.fingerprint.clone(),
            step,
            state,
        };
        write_json_atomic(&self.checkpoint_path, &file).map_err(|e| RunError::Checkpoint {
            path: self.checkpoint_path.clone(),
            message: e.to_string(),
        })?;
        self.last_time = Instant::now();
        self.last_step = Some(step);
        Ok(true)
    }

    /// The file this run checkpoints to.
    pub fn checkpoint_path(&self) -> &std::path::Path {
        &self.checkpoint_path
    }

    /// With `--resume`: the last checkpointed state of this very run (same fingerprint) and its
    /// step, checked against `reference` (the state of a fresh run: every array stored through
    /// ndarray must have the same shape) and against `budget` (the step must not be past it).
    ///
    /// # Errors
    ///
    /// [`RunError::Checkpoint`] naming the file: another format, a state that does not parse,
    /// an array of another shape (naming its key), or a step past the budget.
    pub fn restore_checked<S: Serialize + DeserializeOwned>(
        &mut self,
        reference: &S,
        budget: Option<u64>,
    ) -> Result<Option<(u64, S)>, RunError> {
        let Some((step, value)) = self.restore_value()? else {
            return Ok(None);
        };
        let refuse = |message: String| RunError::Checkpoint {
            path: self.checkpoint_path.clone(),
            message: format!("{message}; delete the file to restart this run from step 0"),
        };
        if let Some(budget) = budget.filter(|&b| step > b) {
            return Err(refuse(format!(
                "its step {step} is past this run's budget of {budget} steps"
            )));
        }
        let fresh = serde_json::to_value(reference).unwrap_or(serde_json::Value::Null);
        if let Some(problem) = crate::checkpointed::shape_mismatch(&fresh, &value, "state") {
            return Err(refuse(format!("it does not fit this run: {problem}")));
        }
        let state = serde_json::from_value(value)
            .map_err(|e| refuse(format!("its state does not fit this run: {e}")))?;
        self.last_step = Some(step);
        Ok(Some((step, state)))
    }

    /// With `--resume`: the last checkpointed state of this very run (same fingerprint), if any.
    /// A missing, unreadable or truncated file, or one of another run (other fingerprint),
    /// yields `None` (the run starts afresh).
    ///
    /// # Errors
    ///
    /// [`RunError::Checkpoint`] when the file belongs to this run but was written in another
    /// format (by another version) or its state does not parse as `S`.
    pub fn restore<S: DeserializeOwned>(&mut self) -> Result<Option<S>, RunError> {
        let Some((step, value)) = self.restore_value()? else {
            return Ok(None);
        };
        let state = serde_json::from_value(value).map_err(|e| RunError::Checkpoint {
            path: self.checkpoint_path.clone(),
            message: format!(
                "its state does not fit this run: {e}; delete the file to restart this run \
                 from step 0"
            ),
        })?;
        self.last_step = Some(step);
        Ok(Some(state))
    }

    /// The step and raw state of this run's checkpoint (see [`Self::restore`]).
    fn restore_value(&mut self) -> Result<Option<(u64, serde_json::Value)>, RunError> {
        if !self.resume {
            return Ok(None);
        }
        let Ok(bytes) = std::fs::read(&self.checkpoint_path) else {
            return Ok(None);
        };
        let Ok(file) = serde_json::from_slice::<CheckpointFile<serde_json::Value>>(&bytes) else {
            return Ok(None);
        };
        if file.fingerprint != self.fingerprint {
            return Ok(None);
        }
        let refuse = |message: String| RunError::Checkpoint {
            path: self.checkpoint_path.clone(),
            message: format!("{message}; delete the file to restart this run from step 0"),
        };
        if file.format != CHECKPOINT_FORMAT {
            return Err(refuse(format!(
                "written in checkpoint format {}, this build reads format {CHECKPOINT_FORMAT}",
                file.format
            )));
        }
        Ok(Some((file.step, file.state)))
    }
}

#[cfg(test)]
impl RunContext<'static> {
    /// A context for tests: run `r` of experiment seed 1, no progress sink.
    pub(crate) fn for_test(
        path: &std::path::Path,
        fingerprint: &str,
        every: CheckpointEvery,
        resume: bool,
    ) -> Self {
        let noop = Box::new(|_| {});
        RunContext::new("r", 1, fingerprint.into(), path.into(), every, resume, noop)
    }
}

#[cfg(test)]
#[path = "context_tests.rs"]
mod tests;
