//! The one checkpointed-run loop: a computation that advances in segments, is restored from
//! its last checkpoint on `--resume`, and is checkpointed between segments whenever the
//! interval of `--checkpoint-every` has elapsed.
//!
//! An experiment wraps its training (for example an optimizer's executor run for a bounded
//! number of steps, then resumed) in a [`Segmented`] and calls [`run_checkpointed`]; the
//! restore, the due check and the write happen here only.
//!
//! **A checkpoint is validated on read**, naming its file: its step must not be past the
//! run's budget ([`Segmented::budget`]), every array stored through ndarray (`{"v", "dim",
//! "data"}`) must have the shape the fresh run's state has ([`shape_mismatch`]), the state
//! must load ([`Segmented::load`]), and the loaded computation must stand at the recorded step.

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

    /// The most steps this computation takes (a restored checkpoint past it is refused);
    /// `None` when there is no fixed budget.
    fn budget(&self) -> Option<u64> {
        None
    }

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
    let reference = work.save();
    if let Some((step, state)) = ctx.restore_checked::<W::State>(&reference, work.budget())? {
        let refuse = |message: String| RunError::Checkpoint {
            path: ctx.checkpoint_path().to_path_buf(),
            message: format!("{message}; delete the file to restart this run from step 0"),
        };
        work.load(state)
            .map_err(|e| refuse(format!("its state does not fit this run: {e}")))?;
        if work.step() != step {
            return Err(refuse(format!(
                "it records step {step}, but its state stands at step {}",
                work.step()
            )));
        }
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

/// Where `stored` (a checkpoint's state as JSON) does not have the shape of `fresh` (the same
/// state of a fresh run): an ndarray (`{"v", "dim", "data"}`) of other dimensions, named by its
/// key path under `path`. Objects are compared key by key, lists element by element as far as
/// both reach (lists may grow, e.g. recorded trajectories).
pub fn shape_mismatch(
    fresh: &serde_json::Value,
    stored: &serde_json::Value,
    path: &str,
) -> Option<String> {
    use serde_json::Value;
    match (fresh, stored) {
        (Value::Object(f), Value::Object(s)) => {
            if let (Some(fd), Some(sd), true) = (f.get("dim"), s.get("dim"), f.contains_key("v")) {
                return (fd != sd)
                    .then(|| format!("`{path}` has shape {sd}, this run's has shape {fd}"));
            }
            f.iter().find_map(|(k, fv)| {
                s.get(k)
                    .and_then(|sv| shape_mismatch(fv, sv, &format!("{path}.{k}")))
            })
        }
        (Value::Array(f), Value::Array(s)) => f
            .iter()
            .zip(s)
            .enumerate()
            .find_map(|(i, (fv, sv))| shape_mismatch(fv, sv, &format!("{path}[{i}]"))),
        _ => None,
    }
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
    fn arrays_of_another_shape_are_named_by_their_key() {
        use serde_json::json;
        let array =
            |r: u64, c: u64| json!({"v": 1, "dim": [r, c], "data": vec![0.0; (r * c) as usize]});
        let fresh = json!({"step": 0, "weights": array(2, 12), "points": [{"step": 0}]});
        let same =
            json!({"step": 9, "weights": array(2, 12), "points": [{"step": 0}, {"step": 5}]});
        assert_eq!(shape_mismatch(&fresh, &same, "state"), None);
        let other = json!({"step": 9, "weights": array(3, 10), "points": []});
        let m = shape_mismatch(&fresh, &other, "state").unwrap();
        assert!(m.contains("`state.weights`") && m.contains("[3,10]"), "{m}");
        // Lists of arrays of different shapes (one per model) are compared element-wise.
        let nested = json!([array(1, 4), array(2, 4)]);
        assert_eq!(
            shape_mismatch(&nested, &json!([array(1, 4), array(2, 4)]), "s"),
            None
        );
        let m = shape_mismatch(&nested, &json!([array(1, 4), array(1, 4)]), "s").unwrap();
        assert!(m.contains("`s[1]`"), "{m}");
    }

    #[test]
    fn a_checkpoint_past_the_budget_or_at_another_step_is_refused_naming_the_file() {
        struct Budgeted(Sum);
        impl Segmented for Budgeted {
            type State = (u64, u64);
            fn step(&self) -> u64 {
                self.0.step()
            }
            fn budget(&self) -> Option<u64> {
                Some(self.0.n)
            }
            fn save(&self) -> (u64, u64) {
                self.0.save()
            }
            fn load(&mut self, s: (u64, u64)) -> Result<(), RunError> {
                self.0.load(s)
            }
            fn advance(&mut self, ctx: &mut RunContext) -> Result<ControlFlow<()>, RunError> {
                self.0.advance(ctx)
            }
        }
        let fresh = || {
            Budgeted(Sum {
                n: 20,
                step: 0,
                total: 0,
                stop_after: None,
                segments: 0,
            })
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.json");
        for (text, needle) in [
            (
                r#"{"format":2,"fingerprint":"fp","step":500,"state":[500,1]}"#,
                "past this run's budget of 20",
            ),
            (
                r#"{"format":2,"fingerprint":"fp","step":9,"state":[12,78]}"#,
                "records step 9, but its state stands at step 12",
            ),
        ] {
            std::fs::write(&path, text).unwrap();
            let e = run_checkpointed(&mut ctx(&path, true), &mut fresh())
                .unwrap_err()
                .to_string();
            assert!(e.contains(needle) && e.contains("c.json"), "{e}");
        }
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
