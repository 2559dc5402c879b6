//! Post-processing of `fig5`: tidy CSVs, the three panels, headline numbers, claims.

use super::{Fig5Config, Fig5Output, Fig5Params, Method};
use ngd_harness::convergence::Tally;
use ngd_harness::error::Error;
use ngd_harness::experiment::{ExperimentSummary, Figure, RunSpec, diverged_runs};
use ngd_harness::output::ExperimentDir;
use ngd_harness::plot::{LinePlot, Series, Style, line_plot};
use serde::Serialize;

mod claims;
mod near_trivial;
mod series;

pub(super) use series::{SeriesKey, expect_planned};

type Runs = ngd_harness::experiment::Runs<Fig5Params, Fig5Output>;
pub(super) type Done<'a> = Vec<(&'a RunSpec<Fig5Params>, &'a Fig5Output)>;

#[derive(Serialize)]
struct CurveRow<'a> {
    run_id: &'a str,
    method: &'static str,
    depth: usize,
    collapse: usize,
    observations: usize,
    seed: usize,
    step: u64,
    #[serde(rename = "train_mse (squared units)")]
    train_mse: f64,
    #[serde(rename = "reconstruction_error (relative)")]
    reconstruction_error: f64,
}

#[derive(Serialize)]
struct FinalRow<'a> {
    run_id: &'a str,
    method: &'static str,
    depth: usize,
    collapse: usize,
    observations: usize,
    seed: usize,
    #[serde(rename = "reconstruction_error (relative)")]
    reconstruction_error: f64,
    #[serde(rename = "trivial_error (relative)")]
    trivial_error: f64,
    #[serde(rename = "effective_rank (dimensionless)")]
    effective_rank: f64,
    nuclear_norm: f64,
    #[serde(rename = "train_mse (squared units)")]
    train_mse: f64,
    steps: u64,
    stop: &'a str,
    step_rule: &'a str,
    converged: bool,
    /// `Σ_Ω (β − M)² / Σ_Ω M²`, the quantity the convergence criterion judges.
    #[serde(rename = "relative_residual (relative)")]
    relative_residual: f64,
    #[serde(rename = "convergence_threshold (relative)")]
    convergence_threshold: f64,
}

/// The legend label of a run's curve.
pub(super) fn label(p: &Fig5Params) -> String {
    SeriesKey::of(p).label()
}

/// Per observation count (ascending), `reduce` of the outputs of series `key` there (counts
/// where the series has no completed run are skipped).
fn per_count<T>(
    done: &Done,
    key: &SeriesKey,
    reduce: impl Fn(&[&Fig5Output]) -> T,
) -> Vec<(usize, T)> {
    let mut ms: Vec<usize> = done.iter().map(|(s, _)| s.params.observations).collect();
    ms.sort_unstable();
    ms.dedup();
    ms.into_iter()
        .filter_map(|m| {
            let outs: Vec<&Fig5Output> = done
                .iter()
                .filter(|(s, _)| s.params.observations == m && SeriesKey::of(&s.params) == *key)
                .map(|(_, o)| *o)
                .collect();
            (!outs.is_empty()).then(|| (m, reduce(&outs)))
        })
        .collect()
}

/// Mean of `f` over seeds per observation count, for the runs of series `key`.
pub(super) fn curve(
    done: &Done,
    key: &SeriesKey,
    f: impl Fn(&Fig5Output) -> f64,
) -> Vec<(f64, f64)> {
    per_count(done, key, |outs| {
        outs.iter().map(|o| f(o)).sum::<f64>() / outs.len() as f64
    })
    .into_iter()
    .map(|(m, v)| (m as f64, v))
    .collect()
}

/// Per point of [`curve`]: did every run of series `key` at that observation count converge?
fn converged_curve(done: &Done, key: &SeriesKey) -> Vec<bool> {
    per_count(done, key, |outs| {
        outs.iter().all(|o| o.convergence.converged)
    })
    .into_iter()
    .map(|(_, c)| c)
    .collect()
}

/// Distinct series in plan order.
fn series(done: &Done, keep: impl Fn(&Fig5Params) -> bool) -> Vec<SeriesKey> {
    let mut out: Vec<SeriesKey> = Vec::new();
    for (s, _) in done {
        let l = SeriesKey::of(&s.params);
        if keep(&s.params) && !out.contains(&l) {
            out.push(l);
        }
    }
    out
}

pub(super) fn finish(
    c: &Fig5Config,
    runs: &Runs,
    out: &ExperimentDir,
) -> Result<ExperimentSummary, Error> {
    let done: Done = runs
        .iter()
        .filter_map(|(s, r)| r.output().map(|o| (s, o)))
        .collect();
    let mut curves = Vec::new();
    let mut finals = Vec::new();
    for (s, o) in &done {
        let p = &s.params;
        for q in &o.points {
            curves.push(CurveRow {
                run_id: &s.id,
                method: p.method.label(),
                depth: p.depth,
                collapse: p.collapse,
                observations: p.observations,
                seed: p.seed,
                step: q.step,
                train_mse: q.train_mse,
                reconstruction_error: q.reconstruction_error,
            });
        }
        finals.push(FinalRow {
            run_id: &s.id,
            method: p.method.label(),
            depth: p.depth,
            collapse: p.collapse,
            observations: p.observations,
            seed: p.seed,
            reconstruction_error: o.reconstruction_error,
            trivial_error: o.trivial_error,
            effective_rank: o.effective_rank,
            nuclear_norm: o.nuclear_norm,
            train_mse: o.train_mse,
            steps: o.steps,
            stop: &o.stop,
            step_rule: &o.step_rule,
            converged: o.convergence.converged,
            relative_residual: o.convergence.value,
            convergence_threshold: o.convergence.threshold,
        });
    }
    out.write_csv("curves.csv", &curves)?;
    out.write_csv("final.csv", &finals)?;
    super::arrays::write_arrays(c, &done, out)?;

    let mut summary = ExperimentSummary {
        title: "Fig. 5 — rank-5 matrix completion with deep factorizations".into(),
        diverged: diverged_runs(runs),
        ..Default::default()
    };
    let sub = format!("n = {}, rank {}, init_scale {}", c.n, c.rank, c.init_scale);
    let trivial = curve(&done, &SeriesKey::egd(1), |o| o.trivial_error);
    let trivial_label = "trivial level (observed fitted, rest at init)";
    let panels = [
        (
            "error",
            "reconstruction error ‖β − M‖²/‖M‖² (relative)",
            true,
            false,
        ),
        ("rank", "effective rank of β (dimensionless)", false, false),
        (
            "collapsed",
            "reconstruction error ‖β − M‖²/‖M‖² (relative)",
            true,
            true,
        ),
    ];
    for (name, y, y_log, collapsed) in panels {
        let mut plot = LinePlot::new(
            format!(
                "{}: {sub}",
                if collapsed {
                    "Collapsed vs plain init (EGD)"
                } else {
                    "EGD vs NGD"
                }
            ),
            "number of observed entries m",
            y,
        );
        plot.y_log = y_log;
        let keep = |p: &Fig5Params| {
            if collapsed {
                p.method == Method::Egd && c.collapsed.iter().any(|k| k[0] == p.depth)
            } else {
                p.collapse == 1
            }
        };
        for l in series(&done, keep) {
            let pts = if name == "rank" {
                curve(&done, &l, |o| o.effective_rank)
            } else {
                curve(&done, &l, |o| o.reconstruction_error)
            };
            plot.series.push(
                Series::new(l.label(), pts)
                    .with_style(l.style())
                    .with_converged(converged_curve(&done, &l)),
            );
        }
        if name == "rank" {
            plot.reference = Some((c.rank as f64, format!("rank of M = {}", c.rank)));
        } else if !trivial.is_empty() {
            plot.series
                .push(Series::new(trivial_label, trivial.clone()).with_style(Style::reference()));
        }
        if plot.series.iter().any(|s| !s.points.is_empty()) {
            line_plot(&out.path(name), &plot)?;
        }
    }
    let near_trivial = near_trivial::near_trivial_plot(&done, &sub, out)?;
    let seeds = format!("mean over {} draw(s)", c.seeds);
    let tally = Tally::of(done.iter().map(|(_, o)| &o.convergence));
    let grammar = format!(
        "EGD solid, NGD dashed (Moore–Penrose: downward triangles), the nuclear-norm baseline dotted black, colour by depth; a point is hollow when any of its runs did not converge. {}",
        tally.caption()
    );
    let mut figures = vec![
        Figure {
            name: "error".into(),
            caption: format!(
                "Final reconstruction error against the number of observations ({seeds}); EGD L ≥ 2 with Arora et al.'s normalized step (lr {}), EGD L = 1 plain GD (step {}), NGD with step {} capped at {}·‖W_i‖/‖G_i‖; the trivial level is the error of fitting the observed entries and keeping the rest at the initial values (grey long dashes). By design several curves coincide near the top: NGD (every depth and route except the layer split at even depth) and EGD at L = 1 end at the trivial level (they leave the unobserved entries at their initial values), the layer split at L = 2 and 4 at error 1 (β never leaves 0); the `near_trivial` panel separates them. {grammar}",
                c.egd_lr, c.egd_depth1_step, c.ngd_step, c.ngd_max_relative_step
            ),
        },
        Figure {
            name: "near_trivial".into(),
            caption: format!(
                "The curves that coincide with the trivial level in the error panel, separated: the relative distance |error − trivial| / trivial of NGD (dashed; Moore–Penrose with downward triangles) and EGD at L = 1 (solid) ({seeds}; distances below {:e} drawn at it). The layer split at L = 2 and L = 4 coincide by design (β stays 0, distance 1/trivial − 1). {}",
                near_trivial::FLOOR,
                tally.caption()
            ),
        },
        Figure {
            name: "rank".into(),
            caption: format!(
                "Effective rank exp(entropy(σ/Σσ)) of the final β ({seeds}); grey long dashes: the true rank. The runs that end at the trivial solution (EGD at L = 1 and NGD except the layer split at even depth; see the near_trivial panel) share its effective rank and coincide by design at the top. {grammar}"
            ),
        },
        Figure {
            name: "collapsed".into(),
            caption: format!(
                "EGD from collapsed initializations (dotted; each factor a product of k Gaussian matrices) against the same depth from a plain init (solid) ({seeds}). {}",
                tally.caption()
            ),
        },
    ];
    figures.retain(|f| near_trivial || f.name != "near_trivial");
    summary.figures = figures;
    for (s, o) in &done {
        let key = format!(
            "{} m={} s={}",
            label(&s.params),
            s.params.observations,
            s.params.seed
        );
        summary.headline.insert(
            format!("reconstruction_error {key}"),
            o.reconstruction_error,
        );
        summary
            .headline
            .insert(format!("effective_rank {key}"), o.effective_rank);
    }
    for (m, t) in &trivial {
        summary.headline.insert(format!("trivial_error m={m}"), *t);
    }
    expect_planned(c, &done).map_err(|e| Error::Results {
        path: out.path("summary.json"),
        source: Box::new(e),
    })?;
    claims::claims(c, &done, &mut summary);
    tally.mark_claims(&mut summary.claims);
    Ok(summary)
}
