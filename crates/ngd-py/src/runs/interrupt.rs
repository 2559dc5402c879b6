//! Ctrl-C during a run, through the executor's cancellation flag
//! (`ngd_optim::Executor::cancel_when`).
//!
//! Python runs signal handlers on the main thread only, and only when that thread asks
//! (`PyErr_CheckSignals`). So [`run_interruptible`] runs the executor on a worker thread with
//! the GIL released, while the calling thread waits for it and, every [`POLL_INTERVAL`], takes
//! the GIL for a moment to run `check_signals`. When a handler raises (`KeyboardInterrupt` from
//! Ctrl-C or `_thread.interrupt_main`, or any exception of a user's handler) it sets the
//! cancellation flag: the executor stops before its next step with `Stop::Cancelled`, the
//! worker returns, and the exception is handed back to be raised — the model state and the
//! process stay usable. The cost is one GIL round trip per interval, independent of the step
//! count (the executor reads the flag, a relaxed atomic load, between steps).

use pyo3::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

/// How often the waiting thread checks Python's signal handlers.
pub const POLL_INTERVAL: Duration = Duration::from_millis(20);

/// Runs `job` on a worker thread with the GIL released; sets `cancel` when a signal handler
/// raises meanwhile, and returns the job's value with that exception (if any).
pub fn run_interruptible<T: Send>(
    py: Python<'_>,
    cancel: &AtomicBool,
    job: impl FnOnce() -> T + Send,
) -> (T, Option<PyErr>) {
    py.detach(|| {
        std::thread::scope(|scope| {
            let (done, finished) = mpsc::channel();
            let worker = scope.spawn(move || {
                let value = job();
                // The receiver outlives the worker (it is joined below): sending cannot fail.
                done.send(()).ok();
                value
            });
            let mut interrupt = None;
            while let Err(RecvTimeoutError::Timeout) = finished.recv_timeout(POLL_INTERVAL) {
                if interrupt.is_none()
                    && let Err(e) = Python::attach(|py| py.check_signals())
                {
                    cancel.store(true, Ordering::Relaxed);
                    interrupt = Some(e);
                }
            }
            let value = worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (value, interrupt)
        })
    })
}
