//! Post-processing: tidy CSVs, the three panels (accuracy vs `N`, NGD logits vs time, learnt
//! `β`), the EGD accuracy-vs-step panel, headline numbers, claims and notes.

use super::claims::claims;
use super::csv_out::write_csvs;
use super::key::SeriesKey;
use super::key::{NGD, NGD_POP, egd};
use super::notes::notes;
use super::table::{Table, models};
use super::{Caption, Method, SweepConfig, SweepOutput, SweepParams};
use ngd_harness::convergence::Tally;
use ngd_harness::error::Error;
use ngd_harness::experiment::{ExperimentSummary, Figure, Runs, diverged_runs};
use ngd_harness::output::ExperimentDir;
use ngd_harness::plot::{LinePlot, Method as Look, Series, StemPlot, Style, line_plot, stem_plot};

type SweepRuns = Runs<SweepParams, SweepOutput>;

/// The figure style of a series: EGD solid, sample-Fisher NGD dashed, population-Fisher NGD
/// dotted (another method); colour and marker by depth.
fn style(key: SeriesKey) -> Style {
    match key {
        SeriesKey::Egd { depth } => Style::egd(depth),
        SeriesKey::NgdSample { depth } => Style::ngd(depth),
        SeriesKey::NgdPopulation => Style::method(Look::Other, 5),
    }
}

fn accuracy_plot(c: &SweepConfig, t: &Table, out: &ExperimentDir) -> Result<(), Error> {
    let mut plot = LinePlot::new(
        format!(
            "Test accuracy vs N (D = {}, {} non-zeros)",
            c.dim, c.sparsity
        ),
        "training samples N",
        "test accuracy (fraction)",
    );
    plot.reference = Some((0.5, "chance level".into()));
    for label in &t.labels {
        let cells: Vec<_> =
            t.ns.iter()
                .filter_map(|&n| t.get(*label, n).map(|c| (n as f64, c)))
                .collect();
        let pts = cells.iter().map(|(n, c)| (*n, c.mean)).collect();
        let band = cells
            .iter()
            .map(|(n, c)| (*n, c.mean - c.std, c.mean + c.std))
            .collect();
        let converged = cells.iter().map(|(_, c)| c.unconverged == 0).collect();
        plot.series.push(
            Series::new(label.to_string(), pts)
                .with_band(band)
                .with_style(style(*label))
                .with_converged(converged),
        );
    }
    plot.x_log = true;
    line_plot(&out.path("accuracy"), &plot)?;
    Ok(())
}

fn egd_steps_plot(c: &SweepConfig, runs: &SweepRuns, out: &ExperimentDir) -> Result<bool, Error> {
    let Some((_, o)) = runs
        .iter()
        .filter_map(|(s, r)| r.output().map(|o| (s, o)))
        .find(|(s, _)| {
            s.params.method == Method::Egd && s.params.n == c.logit_n && s.params.seed == 0
        })
    else {
        return Ok(false);
    };
    let mut plot = LinePlot::new(
        format!("EGD test accuracy vs step (N = {}, draw 0)", c.logit_n),
        "EGD step t",
        "test accuracy (fraction)",
    );
    plot.x_log = true;
    for (k, m) in o.models.iter().enumerate() {
        let pts: Vec<_> = o
            .trace
            .iter()
            .filter(|t| t.model == k)
            .map(|t| (t.step as f64, t.test_accuracy))
            .collect();
        // The end point carries the run's convergence.
        let mut converged = vec![true; pts.len()];
        if let Some(last) = converged.last_mut() {
            *last = m.convergence.converged;
        }
        plot.series.push(
            Series::new(m.label.to_string(), pts)
                .with_style(style(m.label))
                .with_converged(converged),
        );
    }
    line_plot(&out.path("egd_steps"), &plot)?;
    Ok(true)
}

fn logits_plot(c: &SweepConfig, runs: &SweepRuns, out: &ExperimentDir) -> Result<bool, Error> {
    let Some(l) = runs
        .iter()
        .filter_map(|(_, r)| r.output())
        .find_map(|o| o.logits.as_ref())
    else {
        return Ok(false);
    };
    let mut plot = LinePlot::new(
        format!(
            "NGD training logits x_nᵀβ_t (N = {}, D = {}, η = {})",
            c.logit_n, c.dim, l.learning_rate
        ),
        "NGD step t",
        "logit x_nᵀβ_t",
    );
    for (i, (&n, &y)) in l.samples.iter().zip(&l.labels).enumerate() {
        let pts = l
            .logits
            .iter()
            .enumerate()
            .map(|(t, v)| (t as f64, v[i]))
            .collect();
        plot.series.push(
            Series::new(format!("sample {n} (y = {y:+})"), pts)
                .with_style(Style::method(Look::Ngd, i)),
        );
    }
    plot.size = (900, 650);
    line_plot(&out.path("logits"), &plot)?;
    Ok(true)
}

fn beta_plot(c: &SweepConfig, runs: &SweepRuns, out: &ExperimentDir) -> Result<bool, Error> {
    let mut vectors = Vec::new();
    let mut styles = Vec::new();
    for (_, p, m) in models(runs) {
        let wanted = [egd(1), egd(2), NGD, NGD_POP].contains(&m.label);
        if p.n == c.beta_n && p.seed == 0 && wanted {
            let shown: Vec<f64> = m.beta.iter().take(c.beta_coords).copied().collect();
            let scale = m.beta.iter().fold(0.0_f64, |a, b| a.max(b.abs()));
            let scale = if scale > 0.0 { scale } else { 1.0 };
            let title = format!(
                "{} (β / max|β|; true-support share {:.2})",
                m.label, m.true_support_mass
            );
            vectors.push((title, shown.iter().map(|b| b / scale).collect()));
            styles.push(style(m.label));
        }
    }
    if vectors.is_empty() {
        return Ok(false);
    }
    let plot = StemPlot {
        title: format!(
            "Learnt β at N = {}, first {} of {} coordinates (β*_j = 1 for j < {})",
            c.beta_n,
            c.beta_coords.min(c.dim),
            c.dim,
            c.sparsity
        ),
        x_label: "coordinate j".into(),
        y_label: "β_j / max|β|".into(),
        vectors,
        width: 1000,
        styles,
    };
    stem_plot(&out.path("beta"), &plot)?;
    Ok(true)
}

pub(super) fn finish(
    title: &str,
    caption: Caption,
    c: &SweepConfig,
    runs: &SweepRuns,
    out: &ExperimentDir,
) -> Result<ExperimentSummary, Error> {
    write_csvs(c, runs, out)?;
    super::arrays::write_arrays(c, runs, out)?;
    let table = Table::from_runs(runs);
    let tally = Tally::of(models(runs).map(|(_, _, m)| &m.convergence));
    let mut summary = ExperimentSummary {
        title: title.into(),
        diverged: diverged_runs(runs),
        ..Default::default()
    };
    let fig = |name: &str, caption: String| Figure {
        name: name.into(),
        caption,
    };
    if !table.labels.is_empty() {
        accuracy_plot(c, &table, out)?;
        summary.figures.push(fig("accuracy", format!("Mean test accuracy against N over {} data draws (log N; band: ± one standard deviation) for EGD on diagonal nets (solid; {:?} step, {} steps at most), NGD with the sample Fisher (dashed) and the population Fisher (dotted); grey long dashes: chance. A point is hollow when any of its draws did not converge. {}", c.seeds, c.egd_step, c.egd_steps, tally.caption())));
    }
    if logits_plot(c, runs, out)? {
        summary.figures.push(fig("logits", "NGD (sample Fisher, L = 1) training logits against the step; Theorem 4 predicts x_nᵀβ_t ≈ η t y_n, so the curves of one label coincide by design (the shifted markers show each).".into()));
    }
    if beta_plot(c, runs, out)? {
        summary.figures.push(fig("beta", format!("The learnt β at N = {} (draw 0), scaled by max|β|; the first {} coordinates are the true support.", c.beta_n, c.sparsity)));
    }
    if egd_steps_plot(c, runs, out)? {
        summary.figures.push(fig(
            "egd_steps",
            format!(
                "EGD test accuracy against the step at N = {} (draw 0), per depth; the end point is hollow when that run did not converge. {}",
                c.logit_n,
                tally.caption()
            ),
        ));
    }
    let logits = runs
        .iter()
        .filter_map(|(_, r)| r.output())
        .find_map(|o| o.logits.as_ref());
    summary.claims = claims(c, &table, logits).map_err(|e| Error::Results {
        path: out.path("summary.json"),
        source: Box::new(e),
    })?;
    if let Some(inv) = super::notes::invariance(c, runs) {
        summary.claims.push(inv);
    }
    if caption == Caption::Fig6 {
        let fig4 = std::mem::take(&mut summary.claims);
        summary.claims = super::fig6_claims::caption_claims(c, &table);
        summary
            .claims
            .extend(fig4.into_iter().map(super::fig6_claims::as_question));
    }
    tally.mark_claims(&mut summary.claims);
    for label in &table.labels {
        for &n in &table.ns {
            if let Some(cell) = table.get(*label, n) {
                let key = format!("test_accuracy_mean {label} N={n} (fraction)");
                summary.headline.insert(key, cell.mean);
            }
        }
    }
    summary.notes = notes(c, &table, runs);
    let unconverged: Vec<String> = table
        .labels
        .iter()
        .flat_map(|&l| table.ns.iter().map(move |&n| (l, n)))
        .filter_map(|(l, n)| {
            table
                .get(l, n)
                .filter(|c| c.unconverged > 0)
                .map(|c| (l, n, c))
        })
        .map(|(l, n, c)| format!("{l} at N = {n}: {} of {}", c.unconverged, c.count))
        .collect();
    summary.notes.push(if unconverged.is_empty() {
        tally.caption()
    } else {
        format!(
            "{} Unconverged draws: {}.",
            tally.caption(),
            unconverged.join("; ")
        )
    });
    if caption == Caption::Fig6 {
        summary
            .notes
            .extend(super::fig6_claims::reading_note(c, &table, runs));
    }
    Ok(summary)
}
