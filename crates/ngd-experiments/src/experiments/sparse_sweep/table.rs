//! The accuracy table: mean ± standard deviation over data draws per method label and `N`.

use super::key::{MissingSeries, SeriesKey};
use super::{ModelResult, SweepOutput, SweepParams};
use ngd_harness::experiment::Runs;
use std::collections::BTreeMap;

/// Statistics of one (method, `N`) cell over data draws.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Cell {
    /// Mean test accuracy.
    pub mean: f64,
    /// Sample standard deviation of the test accuracy (0 for one draw).
    pub std: f64,
    /// Number of completed draws.
    pub count: usize,
    /// Mean share of `|β|` on the true support.
    pub mass: f64,
    /// Draws whose training did not converge (the harness's one definition).
    pub unconverged: usize,
}

/// Every cell, with the method labels in plan order.
#[derive(Debug, Clone, Default)]
pub(super) struct Table {
    /// Series in order of first appearance.
    pub labels: Vec<SeriesKey>,
    /// The `N` grid values that have at least one completed run.
    pub ns: Vec<usize>,
    cells: BTreeMap<(SeriesKey, usize), Cell>,
}

/// Mean and sample standard deviation.
pub(super) fn mean_std(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = if values.len() > 1 {
        values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)
    } else {
        0.0
    };
    (mean, var.sqrt())
}

/// Completed models with their run parameters.
pub(super) fn models(
    runs: &Runs<SweepParams, SweepOutput>,
) -> impl Iterator<Item = (&str, &SweepParams, &ModelResult)> {
    runs.iter()
        .filter_map(|(s, r)| r.output().map(|o| (s, o)))
        .flat_map(|(s, o)| o.models.iter().map(move |m| (s.id.as_str(), &s.params, m)))
}

impl Table {
    /// Builds the table from the stored runs.
    pub fn from_runs(runs: &Runs<SweepParams, SweepOutput>) -> Self {
        let mut groups: BTreeMap<(SeriesKey, usize), Vec<&ModelResult>> = BTreeMap::new();
        let mut table = Table::default();
        for (_, p, m) in models(runs) {
            if !table.labels.contains(&m.label) {
                table.labels.push(m.label);
            }
            if !table.ns.contains(&p.n) {
                table.ns.push(p.n);
            }
            groups.entry((m.label, p.n)).or_default().push(m);
        }
        table.ns.sort_unstable();
        for (key, ms) in groups {
            let accs: Vec<f64> = ms.iter().map(|m| m.test_accuracy).collect();
            let (mean, std) = mean_std(&accs);
            let mass = ms.iter().map(|m| m.true_support_mass).sum::<f64>() / ms.len() as f64;
            table.cells.insert(
                key,
                Cell {
                    mean,
                    std,
                    count: ms.len(),
                    mass,
                    unconverged: ms.iter().filter(|m| !m.convergence.converged).count(),
                },
            );
        }
        table
    }

    /// The cell of `key` at `n` (`None` where its runs diverged or were not planned).
    pub fn get(&self, key: SeriesKey, n: usize) -> Option<Cell> {
        self.cells.get(&(key, n)).copied()
    }

    /// Mean accuracy of `key` at `n`.
    pub fn mean(&self, key: SeriesKey, n: usize) -> Option<f64> {
        self.get(key, n).map(|c| c.mean)
    }

    /// Checks that a planned series has results.
    ///
    /// # Errors
    ///
    /// [`MissingSeries`] if no run of `key` completed.
    pub fn expect(&self, key: SeriesKey) -> Result<(), MissingSeries> {
        if self.labels.contains(&key) {
            Ok(())
        } else {
            Err(MissingSeries { key })
        }
    }

    /// The best mean accuracy of the EGD series at `n`, with its key.
    pub fn best_egd(&self, n: usize) -> Option<(SeriesKey, f64)> {
        self.labels
            .iter()
            .filter(|l| l.is_egd())
            .filter_map(|&l| self.mean(l, n).map(|a| (l, a)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// A markdown-like text table of mean ± std per label (rows) and `N` (columns).
    pub fn text(&self) -> String {
        let mut s = format!(
            "method \\ N | {}",
            self.ns
                .iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(" | ")
        );
        for label in &self.labels {
            s.push_str(&format!("\n{label} |"));
            for &n in &self.ns {
                match self.get(*label, n) {
                    Some(c) => s.push_str(&format!(" {:.3}±{:.3} |", c.mean, c.std)),
                    None => s.push_str(" – |"),
                }
            }
        }
        s
    }
}
