//! The one checkpointed-run loop: a computation that advances in segments, is restored from
//! its last checkpoint on `--resume`, and is checkpointed between segments whenever the
//! interval of `--checkpoint-every` has elapsed.
//!
//! An experiment wraps its training (for example an optimizer's executor run for a bounded
//! number of steps, then resumed) in a [`Segmented`] and calls [`run_checkpointed`]; the
//! restore, the due check and the write happen here only.

use crate::context::RunContext;
use crate::error::RunError;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::ops::ControlFlow;

/// A computation that advances in segments and can be saved and restored between them.
pub trait Segmented {
    /// What a checkpoint holds (arrays through ndarray's `serde` feature, say).
    type State: Serialize + DeserializeOwned;

    /// Steps taken so far (the checkpoint's step).
    fn step(&self) -> u64;

    /// The state to checkpoint now.
    fn save(&self) -> Self::State;

    /// Continues from a restored state.
    ///
    /// # Errors
    ///
    /// When the state does not fit the computation (for example arrays of the wrong shape).
    fn load(&mut self, state: Self::State) -> Result<(), RunError>;

    /// Runs one segment; `Break` when the computation has ended.
    ///
    /// # Errors
    ///
    /// The computation's failure, or [`RunError::Diverged`].
    fn advance(&mut self, ctx: &mut RunContext) -> Result<ControlFlow<()>, RunError>;
}

/// Runs `work` to its end: restores it from its checkpoint (with `--resume`), then advances it
/// segment by segment, writing a checkpoint after a segment whenever one is due.
///
/// # Errors
///
/// A failure of the computation, a checkpoint that cannot be written, or one that belongs to
/// this run but cannot be read as its state (see [`RunContext::restore`]).
pub fn run_checkpointed<W: Segmented>(ctx: &mut RunContext, work: &mut W) -> Result<(), RunError> {
    if let Some(state) = ctx.restore::<W::State>()? {
        work.load(state)?;
    }
    while work.advance(ctx)?.is_continue() {
        let step = work.step();
        if ctx.checkpoint_due(step) {
            ctx.checkpoint(step, &work.save())?;
        }
        if ctx.cancelled() {
            return Err(RunError::Cancelled);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::CheckpointEvery;

    /// Sums 1..=n in segments of 3 terms, so that interrupting and resuming must give the
    /// same sum as one uninterrupted run.
    struct Sum {
        n: u64,
        step: u64,
        total: u64,
        stop_after: Option<u64>,
        segments: u32,
    }

    impl Segmented for Sum {
        type State = (u64, u64);
        fn step(&self) -> u64 {
            self.step
        }
        fn save(&self) -> (u64, u64) {
            (self.step, self.total)
        }
        fn load(&mut self, (step, total): (u64, u64)) -> Result<(), RunError> {
            self.step = step;
            self.total = total;
            Ok(())
        }
        fn advance(&mut self, _ctx: &mut RunContext) -> Result<ControlFlow<()>, RunError> {
            if self.stop_after.is_some_and(|s| self.step >= s) {
                return Err(RunError::failed("interrupted"));
            }
            self.segments += 1;
            let end = (self.step + 3).min(self.n);
            self.total += (self.step + 1..=end).sum::<u64>();
            self.step = end;
            Ok(if end == self.n {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            })
        }
    }

    fn ctx(path: &std::path::Path, resume: bool) -> RunContext<'static> {
        RunContext::for_test(path, "fp", CheckpointEvery::Steps(1), resume)
    }

    #[test]
    fn an_interrupted_run_resumes_from_its_checkpoint_to_the_same_end() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.json");
        let mut first = Sum {
            n: 20,
            step: 0,
            total: 0,
            stop_after: Some(9),
            segments: 0,
        };
        assert!(run_checkpointed(&mut ctx(&path, false), &mut first).is_err());
        let mut resumed = Sum {
            n: 20,
            step: 0,
            total: 0,
            stop_after: None,
            segments: 0,
        };
        run_checkpointed(&mut ctx(&path, true), &mut resumed).unwrap();
        assert_eq!(resumed.total, 210);
        // It started from the checkpoint at step 9 (segments to 12, 15, 18, 20), not from 0.
        assert_eq!(resumed.segments, 4);
    }

    #[test]
    fn a_cancelled_run_stops_with_a_checkpoint_and_resumes_to_the_same_end() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, Ordering};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.json");
        let flag = Arc::new(AtomicBool::new(false));
        // Checkpoints only every 1000 steps: the one written on cancellation is forced.
        let every = CheckpointEvery::Steps(1000);
        let mut cancelled =
            RunContext::for_test(&path, "fp", every, false).cancel_when(flag.clone());
        let mut first = Sum {
            n: 20,
            step: 0,
            total: 0,
            stop_after: None,
            segments: 0,
        };
        flag.store(true, Ordering::Relaxed);
        let result = run_checkpointed(&mut cancelled, &mut first);
        assert!(matches!(result, Err(RunError::Cancelled)), "{result:?}");
        assert_eq!(
            (first.step, first.segments),
            (3, 1),
            "stops after one segment"
        );
        let mut resumed = Sum {
            n: 20,
            step: 0,
            total: 0,
            stop_after: None,
            segments: 0,
        };
        run_checkpointed(
            &mut RunContext::for_test(&path, "fp", every, true),
            &mut resumed,
        )
        .unwrap();
        assert_eq!(resumed.total, 210);
        assert_eq!(resumed.segments, 6, "resumed from step 3: 6, 9, …, 20");
    }
}
