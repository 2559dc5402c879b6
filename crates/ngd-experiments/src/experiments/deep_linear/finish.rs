//! Post-processing of `deep-linear`: tidy CSVs (`data.csv` per recorded step, `end.csv` per
//! run, `theorem4.csv` per NGD comparison), the plots (toy-set angle to the ℓ2 direction
//! against the step; test accuracy against `N`; the sparse task's angle to the ℓ2 separator
//! against `N`), headline numbers, the claims L1–L4 and notes.

use super::claims::{Results, claims, comparisons};
use super::{DeepLinearConfig, DeepLinearOutput, DeepLinearParams, Method};
use ngd_harness::error::Error;
use ngd_harness::experiment::{ExperimentSummary, Figure, Runs, diverged_runs};
use ngd_harness::output::ExperimentDir;
use ngd_harness::plot::{LinePlot, Series, Style, line_plot};
use serde::Serialize;

type DeepRuns = Runs<DeepLinearParams, DeepLinearOutput>;

/// A method's label in CSVs and legends.
/// The figures' visual grammar: EGD solid and NGD dashed, colour by depth; the diagonal net's
/// EGD solid in a colour of its own (index 5, not a depth's).
fn style(c: &DeepLinearConfig, m: Method) -> Style {
    match m {
        Method::ToyEgd { depth } | Method::Egd { depth } => Style::egd(depth),
        Method::DiagonalEgd => Style::indexed(5),
        Method::NgdDeep => Style::ngd(c.ngd_depth),
        Method::NgdLinear => Style::ngd(1),
    }
}

fn label(c: &DeepLinearConfig, m: Method) -> String {
    match m {
        Method::ToyEgd { depth } => format!("EGD deep linear L={depth} (toy)"),
        Method::Egd { depth } => format!("EGD deep linear L={depth}"),
        Method::DiagonalEgd => "EGD diagonal L=2".into(),
        Method::NgdDeep => format!("NGD deep linear L={}", c.ngd_depth),
        Method::NgdLinear => "NGD linear model".into(),
    }
}

/// One row of `data.csv`.
#[derive(Serialize)]
struct Row<'a> {
    run_id: &'a str,
    method: String,
    n: usize,
    seed: usize,
    step: u64,
    #[serde(rename = "train_loss (nats)")]
    train_loss: f64,
    #[serde(rename = "train_error (fraction)")]
    train_error: f64,
    #[serde(rename = "test_accuracy (fraction)")]
    test_accuracy: Option<f64>,
    #[serde(rename = "angle_to_l2_max_margin (degrees)")]
    angle: Option<f64>,
}

/// One row of `end.csv`.
#[derive(Serialize)]
struct EndRow<'a> {
    run_id: &'a str,
    method: String,
    n: usize,
    seed: usize,
    steps: u64,
    stop: &'a str,
    converged: bool,
    #[serde(rename = "train_loss (nats)")]
    train_loss: f64,
    #[serde(rename = "test_accuracy (fraction)")]
    test_accuracy: Option<f64>,
    #[serde(rename = "angle_to_l2_max_margin (degrees)")]
    l2_angle: f64,
    #[serde(rename = "support_share (fraction)")]
    support_share: f64,
}

/// One row of `theorem4.csv`.
#[derive(Serialize)]
struct Theorem4Row {
    n: usize,
    #[serde(rename = "train_logits_relative_difference")]
    train_logits: f64,
    #[serde(rename = "test_logits_relative_difference")]
    test_logits: f64,
    #[serde(rename = "beta_angle (degrees)")]
    beta_angle: f64,
    #[serde(rename = "test_prediction_disagreement (fraction)")]
    disagreement: f64,
    #[serde(rename = "test_accuracy_deep (fraction)")]
    accuracy_deep: f64,
    #[serde(rename = "test_accuracy_linear (fraction)")]
    accuracy_linear: f64,
}

fn write_csvs(c: &DeepLinearConfig, runs: &DeepRuns, out: &ExperimentDir) -> Result<(), Error> {
    let done = || runs.iter().filter_map(|(s, r)| r.output().map(|o| (s, o)));
    let rows: Vec<Row> = done()
        .flat_map(|(s, o)| {
            o.points.iter().map(move |p| Row {
                run_id: &s.id,
                method: label(c, s.params.method),
                n: s.params.n,
                seed: s.params.seed,
                step: p.step,
                train_loss: p.train_loss,
                train_error: p.train_error,
                test_accuracy: p.test_accuracy,
                angle: p.probe,
            })
        })
        .collect();
    out.write_csv("data.csv", &rows)?;
    let ends: Vec<EndRow> = done()
        .map(|(s, o)| EndRow {
            run_id: &s.id,
            method: label(c, s.params.method),
            n: s.params.n,
            seed: s.params.seed,
            steps: o.points.last().map_or(0, |p| p.step),
            stop: &o.stop,
            converged: o.convergence.converged,
            train_loss: o.convergence.value,
            test_accuracy: o.test_accuracy,
            l2_angle: o.l2_angle,
            support_share: o.support_share,
        })
        .collect();
    out.write_csv("end.csv", &ends)?;
    Ok(())
}

/// Mean of `f` over the completed runs of `(method, n)`, if any.
fn mean(r: &Results<'_>, m: Method, n: usize, f: impl Fn(&DeepLinearOutput) -> f64) -> Option<f64> {
    let outs = r.get(m, n).ok()?;
    Some(outs.iter().map(|o| f(o)).sum::<f64>() / outs.len() as f64)
}

/// A series of `f` against `N` for method `m`.
fn against_n(
    c: &DeepLinearConfig,
    r: &Results<'_>,
    m: Method,
    f: impl Fn(&DeepLinearOutput) -> f64 + Copy,
) -> Series {
    let pts = c
        .n_grid
        .iter()
        .filter_map(|&n| mean(r, m, n, f).map(|v| (n as f64, v)))
        .collect();
    Series::new(label(c, m), pts).with_style(style(c, m))
}

fn plots(c: &DeepLinearConfig, r: &Results<'_>, out: &ExperimentDir) -> Result<Vec<Figure>, Error> {
    let toy_n = ngd_data::TOY_2D_POINTS_PER_CLASS * 2;
    let mut toy = LinePlot::new(
        "Toy set: deep linear EGD, angle to the ℓ2 max-margin direction",
        "step t",
        "angle to ℓ2 max margin (degrees)",
    );
    (toy.x_log, toy.y_log) = (true, true);
    toy.reference = Some((1.0, "1° (rule L1)".into()));
    for &depth in &c.depths {
        let m = Method::ToyEgd { depth };
        if let Ok(outs) = r.get(m, toy_n) {
            let pts = outs[0]
                .points
                .iter()
                .filter_map(|p| p.probe.map(|a| (p.step as f64, a)));
            toy.series
                .push(Series::new(label(c, m), pts.collect()).with_style(style(c, m)));
        }
    }
    line_plot(&out.path("toy_angle"), &toy)?;
    let sparse_methods: Vec<Method> = c
        .depths
        .iter()
        .map(|&depth| Method::Egd { depth })
        .chain([Method::DiagonalEgd, Method::NgdDeep, Method::NgdLinear])
        .collect();
    let mut acc = LinePlot::new(
        format!(
            "Test accuracy vs N (D = {}, {} non-zeros)",
            c.dim, c.sparsity
        ),
        "training samples N",
        "test accuracy (fraction)",
    );
    acc.reference = Some((0.5, "chance level".into()));
    let mut angle = LinePlot::new(
        format!(
            "Angle of the end β to the ℓ2 max-margin separator (D = {})",
            c.dim
        ),
        "training samples N",
        "angle (degrees)",
    );
    angle.reference = Some((10.0, "10° (rule L1)".into()));
    for &m in &sparse_methods {
        acc.series
            .push(against_n(c, r, m, |o| o.test_accuracy.unwrap_or(f64::NAN)));
        if m != Method::NgdLinear && m != Method::NgdDeep {
            angle.series.push(against_n(c, r, m, |o| o.l2_angle));
        }
    }
    line_plot(&out.path("accuracy"), &acc)?;
    line_plot(&out.path("sparse_angle"), &angle)?;
    Ok(vec![
        Figure { name: "toy_angle".into(), caption: "Fig. 2's toy set: angle between β and the ℓ2 max-margin direction against the loss-normalized EGD step (log–log), per depth of the full-matrix deep linear net (hypothesis L1; the runs stop once every margin reaches toy_stop_margin).".into() },
        Figure { name: "accuracy".into(), caption: format!("Fig. 4's task: test accuracy against N (mean over draws) of loss-normalized EGD on deep linear nets per depth (solid), the diagonal net's EGD at L = 2, and exact NGD (dashed) on the deep net and on the linear model from equal initial logits (hypotheses L2, L4). NGD runs only at N ∈ {:?}: one marker per NGD series there, which may sit on an EGD marker of equal accuracy.", c.ngd_n) },
        Figure { name: "sparse_angle".into(), caption: "Fig. 4's task: angle between the end β and the ℓ2 max-margin separator of the training set against N (mean over draws; hypothesis L1 at N < D).".into() },
    ])
}

pub(super) fn finish(
    c: &DeepLinearConfig,
    runs: &DeepRuns,
    out: &ExperimentDir,
) -> Result<ExperimentSummary, Error> {
    write_csvs(c, runs, out)?;
    let mut results = Results::default();
    for (s, r) in runs {
        if let Some(o) = r.output() {
            results
                .by_key
                .entry((s.params.method, s.params.n))
                .or_default()
                .push(o);
        }
    }
    let bad = |e| Error::Results {
        path: out.path("summary.json"),
        source: Box::new(e),
    };
    let comparisons = comparisons(c, &results).map_err(bad)?;
    let rows: Vec<Theorem4Row> = comparisons
        .iter()
        .map(|(n, k)| Theorem4Row {
            n: *n,
            train_logits: k.train_logits,
            test_logits: k.test_logits,
            beta_angle: k.beta_angle,
            disagreement: k.disagreement,
            accuracy_deep: k.accuracies.0,
            accuracy_linear: k.accuracies.1,
        })
        .collect();
    out.write_csv("theorem4.csv", &rows)?;
    let mut summary = ExperimentSummary {
        title: "Deep linear networks — EGD's ℓ2 bias and NGD's invariance (hypotheses L1–L4)"
            .into(),
        figures: plots(c, &results, out)?,
        claims: claims(c, &results).map_err(bad)?,
        diverged: diverged_runs(runs),
        ..Default::default()
    };
    for (key, outs) in &results.by_key {
        let (m, n) = *key;
        let angle = outs.iter().map(|o| o.l2_angle).sum::<f64>() / outs.len() as f64;
        summary
            .headline
            .insert(format!("l2_angle {} N={n} (degrees)", label(c, m)), angle);
        if let Some(a) =
            mean(&results, m, n, |o| o.test_accuracy.unwrap_or(f64::NAN)).filter(|a| a.is_finite())
        {
            summary
                .headline
                .insert(format!("test_accuracy {} N={n} (fraction)", label(c, m)), a);
        }
    }
    let unconverged: Vec<String> = runs
        .iter()
        .filter(|(_, r)| r.output().is_some_and(|o| !o.convergence.converged))
        .map(|(s, _)| s.id.clone())
        .collect();
    if !unconverged.is_empty() {
        summary.notes.push(format!(
            "Not converged (mean loss ≥ ln 2 / N at the end of the budget): {}.",
            unconverged.join(", ")
        ));
    }
    summary.notes.push(format!(
        "Deep linear nets: hidden width {}, every entry of W_l drawn N(0, {}² / h_(l−1)); EGD with the loss-normalized step η / L(w) (a time reparametrization of the gradient flow); NGD: exact Moore–Penrose natural gradient by the generic routes, fixed step η = {} for {} steps, on the depth-{} net and on the linear model started at the deep net's initial β. The diagonal net's EGD is the fig4 sweep's EGD run (init N(0, {}²), η = {}) on the same data draws.",
        c.hidden_width, c.init_scale, c.ngd_learning_rate, c.ngd_steps, c.ngd_depth, c.diagonal_init_scale, c.diagonal_learning_rate
    ));
    summary.notes.push("Hypotheses stated before measuring in docs/hypotheses.md (L1–L4); the claims quote their rules.".into());
    Ok(summary)
}
