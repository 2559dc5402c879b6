//! The tidy CSVs of the sweep: `accuracy.csv` (one row per trained model), `trace.csv` (one
//! row per model × recorded step), `logits.csv` (middle panel) and `beta.csv` (every
//! coordinate of the learnt β at `beta_n`).

use super::table::models;
use super::{SweepConfig, SweepOutput, SweepParams};
use ngd_harness::error::Error;
use ngd_harness::experiment::Runs;
use ngd_harness::output::ExperimentDir;
use serde::Serialize;

type SweepRuns = Runs<SweepParams, SweepOutput>;

#[derive(Serialize)]
struct AccRow<'a> {
    run_id: &'a str,
    method: String,
    depth: usize,
    n_train: usize,
    seed: usize,
    steps: u64,
    stop: &'a str,
    #[serde(rename = "train_loss (nats)")]
    train_loss: f64,
    #[serde(rename = "train_error (fraction)")]
    train_error: f64,
    #[serde(rename = "test_accuracy (fraction)")]
    test_accuracy: f64,
    #[serde(rename = "true_support_mass (fraction of |beta|_1)")]
    mass: f64,
    converged: bool,
    #[serde(rename = "convergence_threshold (nats)")]
    convergence_threshold: f64,
}

#[derive(Serialize)]
struct TraceRow<'a> {
    run_id: &'a str,
    method: String,
    n_train: usize,
    seed: usize,
    step: u64,
    #[serde(rename = "train_loss (nats)")]
    train_loss: f64,
    #[serde(rename = "test_accuracy (fraction)")]
    test_accuracy: f64,
}

#[derive(Serialize)]
struct LogitRow {
    step: usize,
    sample: usize,
    label: f64,
    logit: f64,
}

#[derive(Serialize)]
struct BetaRow {
    method: String,
    n_train: usize,
    seed: usize,
    coordinate: usize,
    beta: f64,
    beta_star: f64,
}

/// Writes every CSV of the sweep.
pub(super) fn write_csvs(
    c: &SweepConfig,
    runs: &SweepRuns,
    out: &ExperimentDir,
) -> Result<(), Error> {
    let acc: Vec<AccRow> = models(runs)
        .map(|(id, p, m)| AccRow {
            run_id: id,
            method: m.label.to_string(),
            depth: m.depth,
            n_train: p.n,
            seed: p.seed,
            steps: m.steps,
            stop: &m.stop,
            train_loss: m.train_loss,
            train_error: m.train_error,
            test_accuracy: m.test_accuracy,
            mass: m.true_support_mass,
            converged: m.convergence.converged,
            convergence_threshold: m.convergence.threshold,
        })
        .collect();
    out.write_csv("accuracy.csv", &acc)?;
    let mut trace = Vec::new();
    let mut betas = Vec::new();
    for (s, o) in runs.iter().filter_map(|(s, r)| r.output().map(|o| (s, o))) {
        for t in &o.trace {
            trace.push(TraceRow {
                run_id: &s.id,
                method: o.models[t.model].label.to_string(),
                n_train: s.params.n,
                seed: s.params.seed,
                step: t.step,
                train_loss: t.train_loss,
                test_accuracy: t.test_accuracy,
            });
        }
        if s.params.n == c.beta_n {
            for m in &o.models {
                betas.extend(m.beta.iter().enumerate().map(|(j, &b)| BetaRow {
                    method: m.label.to_string(),
                    n_train: s.params.n,
                    seed: s.params.seed,
                    coordinate: j,
                    beta: b,
                    beta_star: if j < c.sparsity { 1.0 } else { 0.0 },
                }));
            }
        }
        if let Some(l) = &o.logits {
            let rows: Vec<LogitRow> = (l.logits.iter().enumerate())
                .flat_map(|(t, v)| {
                    v.iter().enumerate().map(move |(i, &logit)| LogitRow {
                        step: t,
                        sample: l.samples[i],
                        label: l.labels[i],
                        logit,
                    })
                })
                .collect();
            out.write_csv("logits.csv", &rows)?;
        }
    }
    out.write_csv("trace.csv", &trace)?;
    out.write_csv("beta.csv", &betas)?;
    Ok(())
}
