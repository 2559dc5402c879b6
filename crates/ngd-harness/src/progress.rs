//! Progress display for the runner: one `indicatif` bar per running experiment (in cost units,
//! with rate and ETA) when stderr is a terminal; otherwise one plain line per finished run, so
//! CI logs stay readable.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};

/// Shared progress state of one experiment's execution.
pub struct ExperimentProgress {
    name: String,
    bar: Option<ProgressBar>,
    costs: Vec<u64>,
    done_units: Vec<AtomicU64>,
    total_done: AtomicU64,
    finished: AtomicU64,
    run_count: usize,
}

impl ExperimentProgress {
    /// Starts the display for `name` with runs of the given costs (only the pending ones).
    pub fn new(name: &str, costs: Vec<u64>) -> Self {
        let total: u64 = costs.iter().map(|&c| c.max(1)).sum();
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total);
            let style = ProgressStyle::with_template(
                "{prefix:>12} [{bar:30}] {percent:>3}% {msg} ({per_sec}, ETA {eta})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
            bar.set_style(style);
            bar.set_prefix(name.to_string());
            bar
        });
        let run_count = costs.len();
        Self {
            name: name.to_string(),
            bar,
            done_units: costs.iter().map(|_| AtomicU64::new(0)).collect(),
            costs,
            total_done: AtomicU64::new(0),
            finished: AtomicU64::new(0),
            run_count,
        }
    }

    /// Records that pending run `slot` has completed `fraction` of its work.
    pub fn update(&self, slot: usize, fraction: f64) {
        let cost = self.costs[slot].max(1) as f64;
        let units = (fraction.clamp(0.0, 1.0) * cost).round() as u64;
        let old = self.done_units[slot].swap(units, Ordering::Relaxed);
        let total = if units >= old {
            self.total_done.fetch_add(units - old, Ordering::Relaxed) + (units - old)
        } else {
            self.total_done.fetch_sub(old - units, Ordering::Relaxed) - (old - units)
        };
        if let Some(bar) = &self.bar {
            bar.set_position(total);
        }
    }

    /// Records that pending run `slot` (id `run_id`) ended with `status` after `seconds`.
    pub fn run_finished(&self, slot: usize, run_id: &str, status: &str, seconds: f64) {
        self.update(slot, 1.0);
        let n = self.finished.fetch_add(1, Ordering::Relaxed) + 1;
        let line = format!(
            "{}: run {run_id} {status} in {seconds:.2} s [{n}/{}]",
            self.name, self.run_count
        );
        match &self.bar {
            Some(bar) => bar.set_message(format!("{n}/{} runs", self.run_count)),
            None => eprintln!("{line}"),
        }
    }

    /// Clears the bar.
    pub fn done(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
