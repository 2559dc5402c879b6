//! Linear-model NGD checks: the invariance Theorems 1 and 2 (NGD on `X` and on `X Aᵀ`) and the
//! asymptotics of Theorem 3 (logits / t → y, direction → `X⁺ y`).
//!
//! NGD here is the linear model (`L = 1`) with the sample Fisher and the Moore–Penrose natural
//! gradient: for `N ≤ D` (kernel route) every margin obeys `u ← u + η (1 + e^{−u})` exactly,
//! whatever `X`, so NGD on `X` and on `X Aᵀ` (with `X Aᵀ β'₀ = X β₀`) have identical training
//! logits at every step (Theorem 1). For `N ≥ D` (weighted route) the β-space step solves a
//! weighted least-squares problem whose solution on `X Aᵀ` is `A⁻ᵀ` times that on `X`, so
//! `Aᵀ β'_t = β_t` at every step when `β'₀ = A⁻ᵀ β₀` (Theorem 2).

use super::TracePoint;
use crate::error::ExperimentError;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use ndarray_linalg::Solve;
use ngd_fisher::DiagOptions;
use ngd_harness::error::RunError;
use ngd_models::DiagonalNet;
use ngd_optim::{ClassificationProblem, DiagonalNgd, FisherChoice, LogSchedule, StepRule};
use std::collections::BTreeMap;

/// How many steps pass between two progress reports of the long loops.
pub const PROGRESS_EVERY: u64 = 250;

/// Calls `progress(k, steps)` every [`PROGRESS_EVERY`] steps and at the last one.
pub fn report_progress(progress: &mut dyn FnMut(u64, u64), k: u64, steps: u64) {
    if k.is_multiple_of(PROGRESS_EVERY) || k == steps {
        progress(k, steps);
    }
}

/// `‖a − b‖_∞ / ‖b‖_∞` (0 when both vanish).
pub fn relative_difference(a: ArrayView1<'_, f64>, b: ArrayView1<'_, f64>) -> f64 {
    let num = a
        .iter()
        .zip(b)
        .fold(0.0_f64, |m, (x, y)| m.max((x - y).abs()));
    let den = b.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
    if num == 0.0 { 0.0 } else { num / den }
}

/// The equivalent initial condition on transformed data: `β'₀ = A⁻ᵀ β₀` (so `Aᵀβ'₀ = β₀` and
/// `X Aᵀ β'₀ = X β₀`).
pub fn transformed_init(
    a: ArrayView2<'_, f64>,
    beta0: ArrayView1<'_, f64>,
) -> Result<Array1<f64>, RunError> {
    a.t()
        .to_owned()
        .solve(&beta0.to_owned())
        .map_err(|e| ExperimentError::from(e).into())
}

/// A linear-model NGD run (sample Fisher, Moore–Penrose, fixed step `η`).
pub struct LinearNgd {
    net: DiagonalNet,
    rule: DiagonalNgd,
    problem: ClassificationProblem,
}

impl LinearNgd {
    /// NGD on data `x` (`N × D`), labels `y`, from `β₀`, with step `η`.
    pub fn new(
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, f64>,
        beta0: Array1<f64>,
        eta: f64,
    ) -> Result<Self, RunError> {
        Ok(Self {
            net: DiagonalNet::from_beta_depth1(beta0).map_err(ExperimentError::from)?,
            rule: DiagonalNgd::new(eta, FisherChoice::Sample(DiagOptions::default()))
                .map_err(ExperimentError::from)?,
            problem: ClassificationProblem::from_labels(x, y).map_err(ExperimentError::from)?,
        })
    }

    /// The current `β`.
    pub fn beta(&self) -> Array1<f64> {
        self.net.beta()
    }

    /// One NGD step; returns the solver route's label.
    pub fn step(&mut self) -> Result<&'static str, RunError> {
        let report = self
            .rule
            .step(&mut self.net, &self.problem)
            .map_err(ExperimentError::from)?;
        if !report.loss.is_finite() || self.net.weights().iter().any(|w| !w.is_finite()) {
            return Err(ExperimentError::NonFinite { method: "NGD" }.into());
        }
        Ok(report.info.unwrap_or("unknown"))
    }
}

/// The largest relative differences of an invariance run, and its trace.
pub struct Invariance {
    /// `max_t ‖X β_t − X Aᵀ β'_t‖_∞ / ‖X β_t‖_∞`.
    pub max_logit_difference: f64,
    /// `max_t ‖Aᵀ β'_t − β_t‖_∞ / ‖β_t‖_∞`.
    pub max_beta_difference: f64,
    /// Both differences at the scheduled steps.
    pub trace: Vec<TracePoint>,
    /// Solver routes used.
    pub routes: Vec<&'static str>,
}

/// NGD on `(X, y)` from `β₀` and on `(X Aᵀ, y)` from `A⁻ᵀ β₀`, `steps` steps of size `η`; the
/// differences are evaluated after every step. `progress(k, steps)` is called every few hundred
/// steps.
#[allow(clippy::too_many_arguments)]
pub fn invariance(
    x: ArrayView2<'_, f64>,
    y: ArrayView1<'_, f64>,
    a: ArrayView2<'_, f64>,
    beta0: Array1<f64>,
    eta: f64,
    steps: u64,
    schedule: LogSchedule,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Invariance, RunError> {
    let xa: Array2<f64> = x.dot(&a.t());
    let mut run = LinearNgd::new(x, y, beta0.clone(), eta)?;
    let mut run_t = LinearNgd::new(xa.view(), y, transformed_init(a, beta0.view())?, eta)?;
    let mut out = Invariance {
        max_logit_difference: 0.0,
        max_beta_difference: 0.0,
        trace: Vec::new(),
        routes: Vec::new(),
    };
    for k in 0..=steps {
        let (b, bt) = (run.beta(), run_t.beta());
        let logit = relative_difference(xa.dot(&bt).view(), x.dot(&b).view());
        let beta = relative_difference(a.t().dot(&bt).view(), b.view());
        out.max_logit_difference = out.max_logit_difference.max(logit);
        out.max_beta_difference = out.max_beta_difference.max(beta);
        if k == steps || schedule.contains(k as usize) {
            let values = BTreeMap::from([
                ("logit_rel_diff".to_string(), logit),
                ("beta_rel_diff".to_string(), beta),
            ]);
            out.trace.push(TracePoint {
                step: k,
                time: eta * k as f64,
                values,
            });
        }
        if k < steps {
            for r in [run.step()?, run_t.step()?] {
                if !out.routes.contains(&r) {
                    out.routes.push(r);
                }
            }
        }
        report_progress(progress, k, steps);
    }
    Ok(out)
}

/// Theorem 3 (and the linear case of Theorem 4): NGD for `steps` steps of size `η` from `β₀`
/// on `N < D` data; records `max_n |s_n(t)/t − y_n|` (t = ηk), `1 − cos(β_t, X⁺y)` and the
/// smallest / mean / largest `y_n s_n / t`. `progress(k, steps)` is called every few hundred
/// steps.
pub fn asymptotics(
    x: ArrayView2<'_, f64>,
    y: ArrayView1<'_, f64>,
    beta0: Array1<f64>,
    eta: f64,
    steps: u64,
    schedule: LogSchedule,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<(Vec<TracePoint>, Vec<&'static str>), RunError> {
    let min_norm = ngd_fisher::linalg::lstsq_min_norm(x, y, ngd_fisher::Cutoff::default())
        .map_err(ExperimentError::from)?
        .x;
    let mut run = LinearNgd::new(x, y, beta0, eta)?;
    let mut trace = Vec::new();
    let mut routes = Vec::new();
    for k in 1..=steps {
        let r = run.step()?;
        if !routes.contains(&r) {
            routes.push(r);
        }
        if k == steps || schedule.contains(k as usize) {
            let beta = run.beta();
            let t = eta * k as f64;
            let cos =
                beta.dot(&min_norm) / (beta.dot(&beta).sqrt() * min_norm.dot(&min_norm).sqrt());
            let mut values = margin_stats(&(&x.dot(&beta) * &y), t);
            values.insert("one_minus_cos_to_min_norm".into(), 1.0 - cos);
            trace.push(TracePoint {
                step: k,
                time: t,
                values,
            });
        }
        report_progress(progress, k, steps);
    }
    Ok((trace, routes))
}

/// `max_n |u_n/t − 1|` (= `max_n |s_n/t − y_n|`) and the min / mean / max of `u_n / t`.
pub fn margin_stats(margins: &Array1<f64>, t: f64) -> BTreeMap<String, f64> {
    let ratios = margins.mapv(|u| u / t);
    let dev = ratios.iter().fold(0.0_f64, |m, r| m.max((r - 1.0).abs()));
    BTreeMap::from([
        ("max_abs_logit_over_t_minus_y".to_string(), dev),
        (
            "min_margin_over_t".to_string(),
            ratios.iter().copied().fold(f64::INFINITY, f64::min),
        ),
        (
            "mean_margin_over_t".to_string(),
            ratios.mean().unwrap_or(f64::NAN),
        ),
        (
            "max_margin_over_t".to_string(),
            ratios.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        ),
    ])
}
