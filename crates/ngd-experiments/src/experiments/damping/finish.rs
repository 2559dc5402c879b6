//! `finish` of `damping`: the tidy CSVs, the ρ-path plots and the summary (the λ × time maps:
//! [`super::maps`]).
//!
//! CSVs (one row per run × recorded step, and one per run):
//! - `damping_trace.csv`: `task, depth, method, lambda, rho, step, time, loss, train_error,
//!   fisher_mean_eigenvalue (tr F / P), test_accuracy, support_share, angle_to_egd_end_deg,
//!   angle_to_ngd_end_deg` (angles to the end `β` of the same task and depth's EGD / NGD run;
//!   empty where not defined);
//! - `damping_runs.csv`: `run, task, depth, method, lambda, rho, steps, stop, converged, loss,
//!   test_accuracy, support_share, angle_to_egd_end_deg, angle_to_ngd_end_deg,
//!   threshold_step`.

use super::claims::{Lookup, angle_deg, claims};
use super::maps::{MapValue, map};
use super::train::{Point, Trajectory};
use super::{DampingConfig, DampingParams, Method, Task, run_id};
use ngd_harness::error::Error;
use ngd_harness::experiment::{ExperimentSummary, Figure, RunRecord, Runs, diverged_runs};
use ngd_harness::output::ExperimentDir;
use ngd_harness::plot::{LinePlot, Method as Look, Series, Style, line_plot};
use serde::Serialize;

/// One row of `damping_trace.csv`.
#[derive(Serialize)]
struct TraceRow {
    task: String,
    depth: usize,
    method: &'static str,
    lambda: Option<f64>,
    rho: Option<f64>,
    step: u64,
    time: f64,
    loss: f64,
    train_error: f64,
    fisher_mean_eigenvalue: f64,
    test_accuracy: Option<f64>,
    support_share: Option<f64>,
    angle_to_egd_end_deg: Option<f64>,
    angle_to_ngd_end_deg: Option<f64>,
}

/// One row of `damping_runs.csv`.
#[derive(Serialize)]
struct RunRow {
    run: String,
    task: String,
    depth: usize,
    method: &'static str,
    lambda: Option<f64>,
    rho: Option<f64>,
    steps: Option<u64>,
    stop: String,
    converged: bool,
    loss: Option<f64>,
    test_accuracy: Option<f64>,
    support_share: Option<f64>,
    angle_to_egd_end_deg: Option<f64>,
    angle_to_ngd_end_deg: Option<f64>,
    threshold_step: Option<u64>,
}

/// `(method name, λ, ρ)` of a method.
fn method_columns(m: Method) -> (&'static str, Option<f64>, Option<f64>) {
    match m {
        Method::Egd => ("egd_loss_normalized", None, None),
        Method::EgdFixed => ("egd_fixed", None, None),
        Method::Ngd => ("ngd_exact", None, None),
        Method::Absolute { lambda } => ("damped_absolute", Some(lambda), None),
        Method::Relative { rho } => ("damped_relative", None, Some(rho)),
        Method::RelativeLimit { rho } => ("damped_relative_rescaled_step", None, Some(rho)),
    }
}

/// The end `β` of a task and depth's run, if it completed.
pub(super) fn end_beta(runs: &Lookup<'_>, task: Task, depth: usize, m: Method) -> Option<Vec<f64>> {
    runs.get(task, depth, m)
        .ok()
        .and_then(|r| r.end())
        .map(|p| p.beta.clone())
}

/// The angles of a point to the EGD and NGD end directions.
fn angles(p: &Point, refs: &(Option<Vec<f64>>, Option<Vec<f64>>)) -> (Option<f64>, Option<f64>) {
    (
        refs.0.as_ref().map(|b| angle_deg(&p.beta, b)),
        refs.1.as_ref().map(|b| angle_deg(&p.beta, b)),
    )
}

/// Writes both CSVs.
fn write_csvs(
    runs: &Runs<DampingParams, Trajectory>,
    lookup: &Lookup<'_>,
    out: &ExperimentDir,
) -> Result<(), Error> {
    let (mut trace, mut ends) = (Vec::new(), Vec::new());
    for (spec, record) in runs {
        let p = &spec.params;
        let (method, lambda, rho) = method_columns(p.method);
        let refs = (
            end_beta(lookup, p.task, p.depth, Method::Egd),
            end_beta(lookup, p.task, p.depth, Method::Ngd),
        );
        let output = record.output();
        for point in output.map_or(&[][..], |t| &t.points[..]) {
            let (to_egd, to_ngd) = angles(point, &refs);
            trace.push(TraceRow {
                task: p.task.to_string(),
                depth: p.depth,
                method,
                lambda,
                rho,
                step: point.step,
                time: point.time,
                loss: point.loss,
                train_error: point.train_error,
                fisher_mean_eigenvalue: point.fisher_mean_eigenvalue,
                test_accuracy: point.test_accuracy,
                support_share: point.support_share,
                angle_to_egd_end_deg: to_egd,
                angle_to_ngd_end_deg: to_ngd,
            });
        }
        let end = output.and_then(|t| t.end());
        let (to_egd, to_ngd) = end.map_or((None, None), |e| angles(e, &refs));
        ends.push(RunRow {
            run: spec.id.clone(),
            task: p.task.to_string(),
            depth: p.depth,
            method,
            lambda,
            rho,
            steps: end.map(|e| e.step),
            stop: match record {
                RunRecord::Completed { output } => output.stop.clone(),
                RunRecord::Diverged { step, cause } => format!("diverged at step {step}: {cause}"),
            },
            converged: output.is_some_and(|t| t.convergence.converged),
            loss: end.map(|e| e.loss),
            test_accuracy: end.and_then(|e| e.test_accuracy),
            support_share: end.and_then(|e| e.support_share),
            angle_to_egd_end_deg: to_egd,
            angle_to_ngd_end_deg: to_ngd,
            threshold_step: output.and_then(|t| t.threshold_step),
        });
    }
    out.write_csv("damping_trace.csv", &trace)?;
    out.write_csv("damping_runs.csv", &ends)?;
    Ok(())
}

/// End accuracy (sparse tasks) or angle to NGD's end (every task) against ρ, with the NGD and
/// EGD ends as flat series.
fn rho_plot(
    c: &DampingConfig,
    lookup: &Lookup<'_>,
    accuracy: bool,
    out: &ExperimentDir,
) -> Result<Figure, Error> {
    let value = |p: &Point, ngd: &Option<Vec<f64>>| {
        if accuracy {
            p.test_accuracy
        } else {
            ngd.as_ref().map(|b| angle_deg(&p.beta, b))
        }
    };
    let (lo, hi) = (c.rhos[0], c.rhos[c.rhos.len() - 1]);
    let (name, y_label) = if accuracy {
        ("damping_rho_accuracy", "test accuracy")
    } else {
        (
            "damping_rho_angle_ngd",
            "angle to exact NGD's end direction (°)",
        )
    };
    let mut plot = LinePlot::new(
        format!("Relative damping λ = ρ·tr(F)/P: {y_label} against ρ"),
        "ρ",
        y_label,
    );
    plot.x_log = true;
    let tasks = c.tasks.tasks().into_iter();
    let tasks = tasks.filter(|t| !accuracy || *t != Task::Toy);
    let cells: Vec<(Task, usize)> = tasks
        .flat_map(|t| c.depths.iter().map(move |&d| (t, d)))
        .collect();
    // One colour per (task, depth); damped NGD dotted, exact NGD dashed, EGD solid.
    for (colour, &(task, depth)) in cells.iter().enumerate() {
        let ngd = end_beta(lookup, task, depth, Method::Ngd);
        let (points, converged): (Vec<(f64, f64)>, Vec<bool>) = c
            .rhos
            .iter()
            .filter_map(|&rho| {
                let run = lookup.get(task, depth, Method::Relative { rho }).ok()?;
                let end = run.end()?;
                Some(((rho, value(end, &ngd)?), run.convergence.converged))
            })
            .unzip();
        plot.series.push(
            Series::new(format!("damped NGD {task} L={depth}"), points)
                .with_converged(converged)
                .with_style(Style::method(Look::Other, colour)),
        );
        if accuracy {
            for (m, label, look) in [
                (Method::Ngd, "NGD", Look::Ngd),
                (Method::Egd, "EGD", Look::Egd),
            ] {
                let end = lookup.get(task, depth, m).ok().and_then(|r| r.end());
                if let Some(v) = end.and_then(|e| e.test_accuracy) {
                    plot.series.push(
                        Series::new(format!("{label} {task} L={depth}"), vec![(lo, v), (hi, v)])
                            .with_style(Style::method(look, colour)),
                    );
                }
            }
        }
    }
    line_plot(&out.path(name), &plot)?;
    Ok(Figure {
        name: name.into(),
        caption: format!(
            "End of the relative-damping runs (NGD's step rule, {} steps at most) against ρ; runs that did not converge are drawn hollow (and listed in the notes){}.",
            c.ngd_steps,
            if accuracy {
                "; flat lines: exact NGD (λ → 0, dashed) and loss-normalized EGD (λ → ∞, solid) of the same task and depth, in its colour; damped NGD dotted"
            } else {
                ""
            }
        ),
    })
}

pub(super) fn finish(
    c: &DampingConfig,
    runs: &Runs<DampingParams, Trajectory>,
    out: &ExperimentDir,
) -> Result<ExperimentSummary, Error> {
    let lookup = Lookup::new(runs);
    write_csvs(runs, &lookup, out)?;
    let mut figures = Vec::new();
    for what in [MapValue::AngleToEgd, MapValue::Accuracy, MapValue::Support] {
        if c.tasks.sparse_n.is_empty() && !matches!(what, MapValue::AngleToEgd) {
            continue;
        }
        figures.push(map(c, &lookup, what, out)?);
    }
    if !c.tasks.sparse_n.is_empty() {
        figures.push(rho_plot(c, &lookup, true, out)?);
    }
    figures.push(rho_plot(c, &lookup, false, out)?);
    let not_converged: Vec<String> = runs
        .iter()
        .filter_map(|(spec, rec)| {
            rec.output()
                .filter(|t| !t.convergence.converged)
                .map(|t| format!("{} ({})", spec.id, t.stop))
        })
        .collect();
    let mut notes = vec![
        "Hypotheses and rules: docs/hypotheses.md (stated before this code). Time is the step index; the NGD family (exact, absolute, relative) uses the capped step min(η, cap·‖w‖/‖g‖); EGD the loss-normalized step η/L(w); the λ → ∞ run the step η_E·λ_t/L(w).".to_string(),
        format!(
            "Runs not converged (mean logistic loss ≥ ln 2 / N at the end; their ends are not used by any verdict that requires convergence): {}",
            if not_converged.is_empty() { "none".into() } else { not_converged.join(", ") }
        ),
    ];
    notes.push(format!(
        "Run ids: e.g. {}.",
        run_id(&runs.first().map_or(
            DampingParams {
                task: Task::Toy,
                depth: 1,
                method: Method::Egd
            },
            |(s, _)| s.params.clone(),
        ))
    ));
    let claims = claims(c, &lookup);
    Ok(ExperimentSummary {
        title: "Damping — Tikhonov-damped NGD between NGD and EGD (beyond the paper)".into(),
        headline: headline(c, &lookup),
        claims,
        figures,
        diverged: diverged_runs(runs),
        notes,
    })
}

/// Headline numbers: test accuracy of NGD, EGD and the relative-damping ends at L = 2 on the
/// first sparse `N < D` task.
fn headline(c: &DampingConfig, lookup: &Lookup<'_>) -> std::collections::BTreeMap<String, f64> {
    let mut h = std::collections::BTreeMap::new();
    if let Some(&n) = c.tasks.wide().first() {
        let task = Task::Sparse { n };
        let mut put = |name: String, m: Method| {
            if let Some(v) = lookup
                .get(task, 2, m)
                .ok()
                .and_then(|r| r.end())
                .and_then(|e| e.test_accuracy)
            {
                h.insert(name, v);
            }
        };
        put(format!("test accuracy N={n} L=2 EGD"), Method::Egd);
        put(format!("test accuracy N={n} L=2 NGD"), Method::Ngd);
        for &rho in &c.rhos {
            put(
                format!("test accuracy N={n} L=2 rho={rho:e}"),
                Method::Relative { rho },
            );
        }
    }
    h
}
