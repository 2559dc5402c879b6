//! Post-processing of `fig5-fisher`: tidy CSVs, the error / rank / damping panels, headline
//! numbers and the claims M1–M3. Only converged runs enter curves and claims; a point with an
//! unconverged or failed run is left out of the plot (its series label counts them) and makes
//! a rule that needs it `not judged`.

use super::{Fig5FisherConfig, Fig5FisherOutput, Fig5FisherParams, Method, claims};
use ngd_harness::error::Error;
use ngd_harness::experiment::{ExperimentSummary, Figure, RunRecord, diverged_runs};
use ngd_harness::output::ExperimentDir;
use ngd_harness::plot::{LinePlot, Marker, Series, Style, line_plot};
use serde::Serialize;

pub(super) type Runs = ngd_harness::experiment::Runs<Fig5FisherParams, Fig5FisherOutput>;

#[derive(Serialize)]
struct CurveRow<'a> {
    run_id: &'a str,
    method: &'a str,
    depth: usize,
    rho: Option<f64>,
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
    method: &'a str,
    depth: usize,
    rho: Option<f64>,
    observations: usize,
    seed: usize,
    converged: bool,
    #[serde(rename = "relative_residual (relative)")]
    relative_residual: f64,
    #[serde(rename = "reconstruction_error (relative)")]
    reconstruction_error: f64,
    #[serde(rename = "trivial_error (relative)")]
    trivial_error: f64,
    #[serde(rename = "effective_rank (dimensionless)")]
    effective_rank: f64,
    nuclear_norm: f64,
    steps: u64,
    stop: &'a str,
    step_rule: &'a str,
}

/// The typed id of a series: method, depth and (damped) `ρ`. Claims and curves look runs up by
/// it, never by a display label.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Key {
    pub method: Method,
    pub depth: usize,
    pub rho: Option<f64>,
}

impl Key {
    pub fn egd(depth: usize) -> Self {
        Self {
            method: Method::Egd,
            depth,
            rho: None,
        }
    }
    pub fn paper(depth: usize) -> Self {
        Self {
            method: Method::PaperNgd,
            ..Self::egd(depth)
        }
    }
    pub fn observed(depth: usize) -> Self {
        Self {
            method: Method::ObservedNgd,
            ..Self::egd(depth)
        }
    }
    pub fn damped(depth: usize, rho: f64) -> Self {
        Self {
            method: Method::DampedObservedNgd,
            depth,
            rho: Some(rho),
        }
    }
    fn matches(&self, p: &Fig5FisherParams) -> bool {
        self.method == p.method && self.depth == p.depth && self.rho == p.rho
    }
    /// The figures' visual grammar: EGD solid; NGD dashed, the paper's `F = I` with a downward
    /// triangle (as in fig5) and the observed-entry Fisher with the depth's marker; damped
    /// observed-entry NGD dotted; colour by depth.
    pub fn style(&self) -> Style {
        match self.method {
            Method::Egd => Style::egd(self.depth),
            Method::PaperNgd => Style {
                marker: Marker::TriangleDown,
                ..Style::ngd(self.depth)
            },
            Method::ObservedNgd => Style::ngd(self.depth),
            Method::DampedObservedNgd => Style::other(self.depth),
        }
    }
    pub fn label(&self) -> String {
        let d = self.depth;
        match (self.method, self.rho) {
            (Method::PaperNgd, _) => format!("NGD, paper F(β) = I, L = {d}"),
            (Method::ObservedNgd, _) => format!("NGD, observed-entry F_Ω, L = {d}"),
            (_, Some(rho)) => format!("damped F_Ω, ρ = {rho:e}, L = {d}"),
            _ => format!("EGD, L = {d}"),
        }
    }
}

/// The mean over seeds of `f` for the runs of `key` at `m`: `Err` (saying why) when a run is
/// missing, failed or did not converge.
pub(super) fn value(
    runs: &Runs,
    key: Key,
    m: usize,
    f: impl Fn(&Fig5FisherOutput) -> f64,
) -> Result<f64, String> {
    let at: Vec<_> = runs
        .iter()
        .filter(|(s, _)| key.matches(&s.params) && s.params.observations == m)
        .collect();
    if at.is_empty() {
        return Err(format!("series '{}' has no run at m = {m}", key.label()));
    }
    let mut values = Vec::new();
    for (spec, record) in at {
        match record {
            RunRecord::Completed { output, .. } if output.run.convergence.converged => {
                values.push(f(output));
            }
            RunRecord::Completed { output, .. } => {
                return Err(format!(
                    "run {} did not converge (relative residual {:.1e}; {})",
                    spec.id, output.run.convergence.value, output.run.stop
                ));
            }
            RunRecord::Diverged { cause, .. } => {
                return Err(format!("run {} failed: {cause}", spec.id));
            }
        }
    }
    Ok(values.iter().sum::<f64>() / values.len() as f64)
}

/// The distinct series keys of the plan, in plan order.
fn keys(runs: &Runs) -> Vec<Key> {
    let mut out: Vec<Key> = Vec::new();
    for (s, _) in runs {
        let key = Key {
            method: s.params.method,
            depth: s.params.depth,
            rho: s.params.rho,
        };
        if !out.contains(&key) {
            out.push(key);
        }
    }
    out
}

/// A series over `xs` of `f`, skipping points that cannot be judged; the label counts them.
fn series(
    runs: &Runs,
    key: Key,
    label: String,
    xs: &[(f64, usize)],
    f: impl Fn(&Fig5FisherOutput) -> f64 + Copy,
) -> Series {
    let mut skipped = 0;
    let mut points = Vec::new();
    for &(x, m) in xs {
        match value(runs, key, m, f) {
            Ok(v) => points.push((x, v)),
            Err(_) => skipped += 1,
        }
    }
    let label = if skipped > 0 {
        format!("{label} ({skipped} unconverged point(s) left out)")
    } else {
        label
    };
    Series::new(label, points).with_style(key.style())
}

/// Draws `plot` as `name` when some series has points; returns `Some(name)` if it drew.
fn draw(
    out: &ExperimentDir,
    name: &'static str,
    plot: &LinePlot,
) -> Result<Option<&'static str>, Error> {
    if plot.series.iter().all(|s| s.points.is_empty()) {
        return Ok(None);
    }
    line_plot(&out.path(name), plot)?;
    Ok(Some(name))
}

fn write_tables(runs: &Runs, out: &ExperimentDir) -> Result<(), Error> {
    let mut curves = Vec::new();
    let mut finals = Vec::new();
    for (s, record) in runs {
        let RunRecord::Completed { output: o, .. } = record else {
            continue;
        };
        let p = &s.params;
        for q in &o.run.points {
            curves.push(CurveRow {
                run_id: &s.id,
                method: p.method.label(),
                depth: p.depth,
                rho: p.rho,
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
            rho: p.rho,
            observations: p.observations,
            seed: p.seed,
            converged: o.run.convergence.converged,
            relative_residual: o.run.convergence.value,
            reconstruction_error: o.run.reconstruction_error,
            trivial_error: o.run.trivial_error,
            effective_rank: o.run.effective_rank,
            nuclear_norm: o.run.nuclear_norm,
            steps: o.run.steps,
            stop: &o.run.stop,
            step_rule: &o.run.step_rule,
        });
    }
    out.write_csv("curves.csv", &curves)?;
    out.write_csv("final.csv", &finals)?;
    Ok(())
}

pub(super) fn finish(
    c: &Fig5FisherConfig,
    runs: &Runs,
    out: &ExperimentDir,
) -> Result<ExperimentSummary, Error> {
    write_tables(runs, out)?;
    let sub = format!("n = {}, rank {}, init_scale {}", c.n, c.rank, c.init_scale);
    let xs: Vec<(f64, usize)> = c.observations.iter().map(|&m| (m as f64, m)).collect();
    let undamped: Vec<Key> = keys(runs).into_iter().filter(|k| k.rho.is_none()).collect();
    let error = |o: &Fig5FisherOutput| o.run.reconstruction_error;
    let rank = |o: &Fig5FisherOutput| o.run.effective_rank;
    let mut plot = LinePlot::new(
        format!("Which Fisher: {sub}"),
        "number of observed entries m",
        "reconstruction error ‖β − M‖²/‖M‖² (relative)",
    );
    plot.y_log = true;
    // The trivial level first, so that the paper's NGD (on it) is drawn on top.
    plot.series.push(
        series(
            runs,
            Key::paper(c.depths[0]),
            "trivial level (observed fitted, rest at init)".into(),
            &xs,
            |o| o.run.trivial_error,
        )
        .with_style(Style::reference()),
    );
    for &key in &undamped {
        plot.series.push(series(runs, key, key.label(), &xs, error));
    }
    let mut drawn = vec![draw(out, "error", &plot)?];
    let mut plot = LinePlot::new(
        format!("Effective rank: {sub}"),
        "number of observed entries m",
        "effective rank of β (dimensionless)",
    );
    for &key in &undamped {
        plot.series.push(series(runs, key, key.label(), &xs, rank));
    }
    plot.reference = Some((c.rank as f64, format!("rank of M = {}", c.rank)));
    drawn.push(draw(out, "rank", &plot)?);
    let mut plot = LinePlot::new(
        format!("Damped observed-entry NGD: {sub}"),
        "relative damping ρ (λ = ρ·tr(F_Ω)/P, dimensionless)",
        "share of the gap to EGD closed (dimensionless)",
    );
    plot.x_log = true;
    plot.reference = Some((1.0, "EGD's error (0: undamped observed-entry NGD's)".into()));
    for &d in &c.damped_depths {
        for &m in &c.observations {
            let ends = value(runs, Key::observed(d), m, error)
                .and_then(|start| Ok((start, value(runs, Key::egd(d), m, error)?)));
            let Ok((start, egd)) = ends else { continue };
            let mut pts = Vec::new();
            for &rho in &c.relative_damping {
                if let Ok(v) = value(runs, Key::damped(d, rho), m, error) {
                    pts.push((rho, (start - v) / (start - egd)));
                }
            }
            let gap = (start - egd) / start;
            plot.series.push(Series::new(
                format!(
                    "L = {d}, m = {m} (gap {:.0} % of NGD-OBS's error)",
                    100.0 * gap
                ),
                pts,
            ));
        }
    }
    drawn.push(draw(out, "damping", &plot)?);
    let mut summary = ExperimentSummary {
        title: "Which Fisher in matrix completion — F(β) = I vs the observed-entry Fisher".into(),
        diverged: diverged_runs(runs),
        ..Default::default()
    };
    let seeds = format!("mean over {} draw(s), converged runs only", c.seeds);
    summary.figures = vec![
        Figure {
            name: "error".into(),
            caption: format!(
                "Final reconstruction error against the number of observations ({seeds}): EGD (plain GD, fixed step {}), the paper's NGD (Moore–Penrose under F(β) = I on all n² entries) and NGD under the observed-entry Fisher F_Ω = Jᵀ P_Ωᵀ P_Ω J (Moore–Penrose by the m × m kernel), NGD step {} capped at {}·‖W_i‖/‖G_i‖; the trivial level fits the observed entries and keeps the rest at the initial values.",
                c.egd_step, c.ngd_step, c.ngd_max_relative_step
            ),
        },
        Figure {
            name: "rank".into(),
            caption: format!(
                "Effective rank exp(entropy(σ/Σσ)) of the final β ({seeds}); dashed: the true rank."
            ),
        },
        Figure {
            name: "damping".into(),
            caption: format!(
                "Damped observed-entry NGD, (F_Ω + λI)⁻¹∇ with λ = ρ·tr(F_Ω)/P, against ρ ({seeds}): the share (e_OBS − e(ρ))/(e_OBS − e_EGD) of the gap between undamped observed-entry NGD's reconstruction error e_OBS and EGD's e_EGD that damping closes (0: NGD-OBS, 1: EGD; the errors themselves are in final.csv and the claim M3). Step η(λ_max + λ)/λ_max (λ_max of F_Ω), so ρ → 0 is observed-entry NGD and ρ → ∞ EGD with step η/λ_max. A small gap (the label gives it) makes its share noisy."
            ),
        },
    ];
    summary
        .figures
        .retain(|f| drawn.contains(&Some(f.name.as_str())));
    for key in keys(runs) {
        for &m in &c.observations {
            if let Ok(v) = value(runs, key, m, error) {
                summary
                    .headline
                    .insert(format!("reconstruction_error {} m={m}", key.label()), v);
            }
        }
    }
    for (s, record) in runs {
        if let Some(share) = record.output().and_then(|o| o.unobserved_share) {
            let p = &s.params;
            let key = format!(
                "first-order unobserved/observed move at init (relative) L={} m={} s={}",
                p.depth, p.observations, p.seed
            );
            summary.headline.insert(key, share);
        }
    }
    summary.notes.push(format!(
        "Every run stops when Σ_Ω (β − M)² / Σ_Ω M² ≤ {:e} (the harness's convergence criterion) or at its budget (EGD {}, NGD {}, damped {} steps); runs stopped by the budget are marked unconverged in final.csv and left out of curves and claims.",
        ngd_harness::convergence::SQUARED_RELATIVE_TOLERANCE,
        c.egd_max_steps,
        c.ngd_max_steps,
        c.damped_max_steps
    ));
    claims::claims(c, runs, &mut summary);
    Ok(summary)
}
