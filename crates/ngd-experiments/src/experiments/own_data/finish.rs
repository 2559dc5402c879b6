//! Post-processing of `own-data`: `data.csv` (per method × recorded step), `methods.csv` (one
//! row of end numbers per method: the report's table), `directions.csv`
//! (the end `β/‖β‖` of the models linear in the input), plots of the loss, the accuracy and the
//! directions, and a summary with each method's numbers and no verdict.

use super::{MethodKind, MethodSpec, OwnDataConfig, OwnDataOutput, OwnDataParams};
use ngd_harness::convergence::Loss;
use ngd_harness::error::Error;
use ngd_harness::experiment::{ExperimentSummary, Figure, Runs, diverged_runs};
use ngd_harness::output::ExperimentDir;
use ngd_harness::plot::{LinePlot, Series, StemPlot, Style, line_plot, stem_plot};
use serde::Serialize;

/// Losses below this are not drawn (they underflow to 0 under loss-normalized steps, and
/// a log axis over hundreds of decades hides everything else); `data.csv` has them all.
const LOSS_FLOOR: f64 = 1e-30;

/// One row of `data.csv`.
#[derive(Serialize)]
struct Row<'a> {
    method: &'a str,
    model: String,
    rule: String,
    step: u64,
    #[serde(rename = "train_loss (nats)")]
    train_loss: f64,
    #[serde(rename = "train_error (fraction)")]
    train_error: f64,
    #[serde(rename = "test_accuracy (fraction)")]
    test_accuracy: Option<f64>,
    #[serde(rename = "angle_to_l2_max_margin (degrees)")]
    angle: Option<f64>,
    converged: bool,
}

/// One row of `methods.csv`: a method's end numbers (the report's table).
#[derive(Serialize)]
struct MethodRow<'a> {
    method: &'a str,
    model: String,
    rule: String,
    learning_rate: f64,
    steps: u64,
    stop: &'a str,
    converged: bool,
    #[serde(rename = "train_loss (nats)")]
    train_loss: f64,
    #[serde(rename = "train_error (fraction)")]
    train_error: f64,
    #[serde(rename = "test_accuracy (fraction)")]
    test_accuracy: Option<f64>,
    #[serde(rename = "angle_to_l2_max_margin (degrees)")]
    angle: Option<f64>,
}

/// The `methods.csv` row of a finished method.
fn method_row<'a>(m: &'a MethodSpec, o: &'a OwnDataOutput) -> Option<MethodRow<'a>> {
    let end = o.points.last()?;
    Some(MethodRow {
        method: &m.label,
        model: format!("{:?}", m.model),
        rule: format!("{:?}", m.method),
        learning_rate: m.learning_rate,
        steps: end.step,
        stop: &o.stop,
        converged: o.convergence.converged,
        train_loss: end.train_loss,
        train_error: end.train_error,
        test_accuracy: end.test_accuracy,
        angle: end.probe,
    })
}

/// One row of `directions.csv`.
#[derive(Serialize)]
struct DirectionRow<'a> {
    method: &'a str,
    coordinate: usize,
    #[serde(rename = "beta_over_norm")]
    value: f64,
}

pub(super) fn finish(
    c: &OwnDataConfig,
    runs: &Runs<OwnDataParams, OwnDataOutput>,
    out: &ExperimentDir,
) -> Result<ExperimentSummary, Error> {
    let done: Vec<_> = runs
        .iter()
        .filter_map(|(s, r)| r.output().map(|o| (&c.methods[s.params.method], o)))
        .collect();
    let mut rows = Vec::new();
    let mut directions = Vec::new();
    for (m, o) in &done {
        let judge = Loss::Logistic {
            samples: o.train_samples,
        };
        for p in &o.points {
            rows.push(Row {
                method: &m.label,
                model: format!("{:?}", m.model),
                rule: format!("{:?}", m.method),
                step: p.step,
                train_loss: p.train_loss,
                train_error: p.train_error,
                test_accuracy: p.test_accuracy,
                angle: p.probe,
                converged: judge.judge(p.train_loss).converged,
            });
        }
        for (coordinate, &value) in o.direction.iter().enumerate() {
            directions.push(DirectionRow {
                method: &m.label,
                coordinate,
                value,
            });
        }
    }
    out.write_csv("data.csv", &rows)?;
    out.write_csv("directions.csv", &directions)?;
    let table: Vec<MethodRow> = done.iter().filter_map(|(m, o)| method_row(m, o)).collect();
    out.write_csv("methods.csv", &table)?;

    let data_name = c
        .train_file
        .file_name()
        .unwrap_or_default()
        .to_string_lossy();
    let mut loss = LinePlot::new(
        format!("Training loss on {data_name}"),
        "step t",
        "mean training loss (nats)",
    );
    (loss.x_log, loss.y_log) = (true, true);
    let has_test = c.test_file.is_some();
    let acc_name = match &c.test_file {
        Some(t) => t.file_name().unwrap_or_default().to_string_lossy(),
        None => data_name.clone(),
    };
    let mut acc = LinePlot::new(
        format!(
            "{} on {acc_name}",
            if has_test {
                "Test accuracy"
            } else {
                "Training error"
            }
        ),
        "step t",
        if has_test {
            "test accuracy (fraction)"
        } else {
            "training error (fraction)"
        },
    );
    acc.x_log = true;
    let mut stems = Vec::new();
    let mut summary = ExperimentSummary {
        title: format!("Your own data — {data_name}"),
        diverged: diverged_runs(runs),
        ..Default::default()
    };
    let mut styles = Vec::new();
    for (i, (m, o)) in done.iter().enumerate() {
        let style = method_style(&m.method, i + 1);
        // Step 0 has no place on a log axis; losses below LOSS_FLOOR are not drawn.
        let curve = |f: &dyn Fn(&crate::experiments::network_training::NetworkPoint) -> f64| {
            let after_start = o.points.iter().filter(|p| p.step > 0);
            after_start
                .map(|p| (p.step as f64, f(p)))
                .collect::<Vec<_>>()
        };
        let mut losses = curve(&|p| p.train_loss);
        losses.retain(|&(_, l)| l >= LOSS_FLOOR);
        loss.series
            .push(Series::new(m.label.clone(), losses).with_style(style));
        acc.series.push(
            Series::new(
                m.label.clone(),
                curve(&|p| p.test_accuracy.unwrap_or(p.train_error)),
            )
            .with_style(style),
        );
        if !o.direction.is_empty() {
            stems.push((m.label.clone(), o.direction.clone()));
            styles.push(method_style(&m.method, i + 1));
        }
        let Some(end) = o.points.last() else { continue };
        let key = |what: &str| format!("{} — {what}", m.label);
        summary.headline.insert(key("steps"), end.step as f64);
        summary
            .headline
            .insert(key("final train loss (nats)"), end.train_loss);
        summary
            .headline
            .insert(key("final train error (fraction)"), end.train_error);
        if let Some(a) = end.test_accuracy {
            summary
                .headline
                .insert(key("final test accuracy (fraction)"), a);
        }
        if let Some(a) = end.probe {
            summary
                .headline
                .insert(key("angle to ℓ2 max margin (degrees)"), a);
        }
        summary.headline.insert(
            key("converged (1 = yes)"),
            f64::from(u8::from(o.convergence.converged)),
        );
        summary.notes.push(format!(
            "{}: {:?}, {:?}, η = {}, {} — {} ({}: {:.3e} vs {:.3e}).",
            m.label,
            m.model,
            m.method,
            m.learning_rate,
            o.stop,
            if o.convergence.converged {
                "converged"
            } else {
                "not converged"
            },
            o.convergence.criterion,
            o.convergence.value,
            o.convergence.threshold,
        ));
    }
    line_plot(&out.path("loss"), &loss)?;
    line_plot(&out.path("accuracy"), &acc)?;
    summary.figures.push(Figure {
        name: "loss".into(),
        caption: "Mean training logistic loss against the step from step 1, per configured method (log–log; losses below 1e-30 are not drawn, data.csv has them).".into(),
    });
    summary.figures.push(Figure {
        name: "accuracy".into(),
        caption: "Test accuracy (training error without a test file) against the step from step 1, per configured method.".into(),
    });
    if !stems.is_empty() {
        let stem = StemPlot {
            title: format!("End directions β/‖β‖ on {data_name}"),
            x_label: "coordinate j".into(),
            y_label: "β_j / ‖β‖".into(),
            vectors: stems,
            width: 900,
            styles,
        };
        stem_plot(&out.path("directions"), &stem)?;
        summary.figures.push(Figure {
            name: "directions".into(),
            caption: "The end direction of every method whose model is linear in the input.".into(),
        });
    }
    summary.notes.insert(0, "A tool, not a hypothesis: each configured method's numbers on the user's data; no claim and no verdict; methods.csv tabulates every method's end numbers. Convergence is the harness's one definition (mean logistic loss < ln 2 / N).".into());
    Ok(summary)
}

/// The figures' visual grammar for a configured method: EGD solid, exact NGD dashed, every
/// other natural gradient dotted; the colour is the method's position in the config.
fn method_style(method: &MethodKind, position: usize) -> Style {
    match method {
        MethodKind::Egd { .. } => Style::egd(position),
        MethodKind::NgdExact => Style::ngd(position),
        _ => Style::other(position),
    }
}
