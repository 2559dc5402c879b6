//! The re-executed child process (see the module docs of [`super`]), supervised: the parent
//! forwards SIGTERM, SIGINT and SIGHUP to it, waits for it, and reports how it ended; the
//! child stops by itself when its parent disappears (killed with SIGKILL, which cannot be
//! forwarded). Neither is ever left running alone.
//!
//! Forwarding: the parent catches the three signals with `signal-hook` (a handler, not a
//! signal mask: a linked library such as OpenBLAS starts threads before `main`, and a
//! process-directed signal may land in any of them), and one thread sends each to the child
//! with `nix`'s `kill`.

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use std::os::unix::process::ExitStatusExt;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::Duration;

/// Set in the child's environment to the parent's process id.
pub const SUPERVISOR_ENV: &str = "NGD_SUPERVISOR_PID";

/// How often the child checks that its parent still exists.
const WATCH_INTERVAL: Duration = Duration::from_millis(200);

/// Runs `binary` again with the same arguments and `var=value`, forwarding signals, and returns
/// the exit code to use: the child's own, `128 + signal` when it ended by a signal that was
/// forwarded to it, else 1 with a message (killed from outside, e.g. by the out-of-memory
/// killer). `None` if the child could not be started (the caller then runs in-process).
pub fn run_supervised(binary: &str, var: &str, value: &str) -> Option<i32> {
    let exe = std::env::current_exe().ok()?;
    let mut signals = Signals::new([SIGTERM, SIGINT, SIGHUP]).ok()?;
    let spawned = Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env(var, value)
        .env(SUPERVISOR_ENV, std::process::id().to_string())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(_) => {
            // Dropping the iterator unregisters its handlers: default actions again.
            drop(signals);
            return None;
        }
    };
    let pid = Pid::from_raw(i32::try_from(child.id()).ok()?);
    let forwarded = Arc::new(AtomicI32::new(0));
    let seen = Arc::clone(&forwarded);
    let started = std::thread::Builder::new()
        .name("ngd-signal-forwarder".into())
        .spawn(move || {
            for raw in signals.forever() {
                if let Ok(signal) = Signal::try_from(raw) {
                    seen.store(raw, Ordering::SeqCst);
                    let _ = kill(pid, signal);
                }
            }
        });
    // If the forwarder could not start, its closure (and with it the handlers) was dropped:
    // the signals keep their default action, and the child stops by itself when it sees its
    // parent gone.
    let _ = started;
    let status = match child.wait() {
        Ok(status) => status,
        Err(e) => {
            eprintln!("{binary}: ERROR: lost the worker process {pid}: {e}");
            let _ = child.kill();
            return Some(1);
        }
    };
    if let Some(code) = status.code() {
        return Some(code);
    }
    let signal = status.signal().unwrap_or(0);
    let name = Signal::try_from(signal).map_or("unknown", |s| s.as_str());
    if forwarded.load(Ordering::SeqCst) == signal {
        eprintln!(
            "{binary}: stopped by {name}: forwarded to the worker process {pid}, which has \
             ended; finished runs and checkpoints are kept (continue with --resume)"
        );
        return Some(128 + signal);
    }
    let hint = if signal == Signal::SIGKILL as i32 {
        " (the out-of-memory killer sends SIGKILL: see --max-memory)"
    } else {
        ""
    };
    eprintln!(
        "{binary}: ERROR: the worker process {pid} (this command re-executed with {var}={value}) \
         was killed by signal {signal} ({name}){hint}; finished runs and checkpoints are kept \
         (continue with --resume)"
    );
    Some(1)
}

/// In a supervised child: stops the process (exit code 1, with a message) as soon as the
/// supervising parent is gone, so that a child never goes on writing results alone.
pub fn watch_parent(binary: &'static str) {
    let Some(expected) = std::env::var(SUPERVISOR_ENV)
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
    else {
        return;
    };
    let _ = std::thread::Builder::new()
        .name("ngd-parent-watch".into())
        .spawn(move || {
            loop {
                if std::os::unix::process::parent_id() != expected {
                    eprintln!(
                        "{binary}: ERROR: the supervising process {expected} is gone; stopping \
                         (finished runs and checkpoints are kept, continue with --resume)"
                    );
                    std::process::exit(1);
                }
                std::thread::sleep(WATCH_INTERVAL);
            }
        });
}
