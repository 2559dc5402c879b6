//! Progress display for the runner: one `indicatif` bar per running experiment when stderr is
//! a terminal; otherwise one plain line per finished run, so CI logs stay readable.
//!
//! The bar counts finished runs (`12/96 runs`); its ETA in seconds weighs the runs by their
//! estimated costs (elapsed × remaining cost / done cost, counting the partial progress of
//! running runs), so a few long runs do not make it jump. The line fits 80 columns:
//! [`bar_width_budget`] adds up its widest fields.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Shared progress state of one experiment's execution.
pub struct ExperimentProgress {
    name: String,
    bar: Option<ProgressBar>,
    costs: Vec<u64>,
    done_units: Vec<AtomicU64>,
    total_done: AtomicU64,
    finished: AtomicU64,
    run_count: usize,
    start: Instant,
}

/// Width of the experiment name column (longer names are cut).
const PREFIX: usize = 14;
/// Width of the bar itself.
const BAR: usize = 24;
/// The bar's template: name, bar, `done/total runs`, ETA (in the message).
const TEMPLATE: &str = "{prefix:14!} [{bar:24}] {pos}/{len} runs {msg}";

/// The widest ETA message, e.g. `ETA 1234567 s`.
fn eta_message(seconds: Option<f64>) -> String {
    match seconds {
        Some(s) => format!("ETA {:.0} s", s.min(9_999_999.0)),
        None => "ETA …".into(),
    }
}

/// The estimated seconds left after `elapsed` seconds with `done` of `total` cost units done;
/// `None` before any progress.
pub fn eta_seconds(elapsed: f64, done: u64, total: u64) -> Option<f64> {
    (done > 0).then(|| elapsed * total.saturating_sub(done) as f64 / done as f64)
}

/// The widest line the bar can draw, in columns: name, ` [`, bar, `] `, `9999/9999 runs `,
/// the widest ETA message.
pub fn bar_width_budget() -> usize {
    PREFIX + 2 + BAR + 2 + "9999/9999 runs ".len() + eta_message(Some(1e12)).chars().count()
}

impl ExperimentProgress {
    /// Starts the display for `name` with runs of the given costs (only the pending ones).
    pub fn new(name: &str, costs: Vec<u64>) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(costs.len() as u64);
            let style = ProgressStyle::with_template(TEMPLATE)
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
            bar.set_style(style);
            bar.set_prefix(name.to_string());
            bar.set_message(eta_message(None));
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
            start: Instant::now(),
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
            let all: u64 = self.costs.iter().map(|&c| c.max(1)).sum();
            let elapsed = self.start.elapsed().as_secs_f64();
            bar.set_message(eta_message(eta_seconds(elapsed, total, all)));
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
            Some(bar) => bar.set_position(n),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_fits_80_columns() {
        assert!(bar_width_budget() <= 80, "{}", bar_width_budget());
        assert!(ProgressStyle::with_template(TEMPLATE).is_ok());
        let template_fields = format!("{{prefix:{PREFIX}!}} [{{bar:{BAR}}}]");
        assert!(TEMPLATE.starts_with(&template_fields), "widths out of sync");
    }

    #[test]
    fn eta_weighs_remaining_cost() {
        assert_eq!(eta_seconds(10.0, 0, 100), None);
        assert_eq!(eta_seconds(10.0, 25, 100), Some(30.0));
        assert_eq!(eta_seconds(10.0, 100, 100), Some(0.0));
        assert_eq!(eta_message(Some(29.6)), "ETA 30 s");
    }
}
