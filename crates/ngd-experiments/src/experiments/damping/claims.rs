//! D1–D5 of `docs/hypotheses.md`, evaluated exactly as their rules are written. Results are
//! looked up by typed key ([`Lookup::get`] on task, depth and [`Method`]); a planned run
//! without a trajectory (diverged) makes the rule `NotJudged`, naming the run.

use super::train::{Point, Trajectory};
use super::{DampingConfig, DampingParams, Method, Task, run_id};
use ngd_harness::experiment::{Claim, RunRecord, Runs, Verdict};

/// The completed runs, by key.
pub struct Lookup<'a> {
    runs: &'a Runs<DampingParams, Trajectory>,
}

impl<'a> Lookup<'a> {
    /// Wraps the runs.
    pub fn new(runs: &'a Runs<DampingParams, Trajectory>) -> Self {
        Self { runs }
    }

    /// The trajectory of `(task, depth, method)`, or why there is none (the run id).
    pub fn get(&self, task: Task, depth: usize, method: Method) -> Result<&'a Trajectory, String> {
        let key = DampingParams {
            task,
            depth,
            method,
        };
        match self.runs.iter().find(|(spec, _)| spec.params == key) {
            Some((_, RunRecord::Completed { output })) => Ok(output),
            Some((_, RunRecord::Diverged { step, cause })) => Err(format!(
                "run {} diverged at step {step} ({cause})",
                run_id(&key)
            )),
            None => Err(format!("run {} is missing", run_id(&key))),
        }
    }

    /// The end point of a run that converged, or why not.
    pub fn converged_end(
        &self,
        task: Task,
        depth: usize,
        method: Method,
    ) -> Result<&'a Point, String> {
        let run = self.get(task, depth, method)?;
        let key = run_id(&DampingParams {
            task,
            depth,
            method,
        });
        match run.end() {
            Some(end) if run.convergence.converged => Ok(end),
            _ => Err(format!(
                "run {key} did not converge ({} = {:.3e}, threshold {:.3e}; {})",
                run.convergence.criterion,
                run.convergence.value,
                run.convergence.threshold,
                run.stop
            )),
        }
    }
}

/// The angle between two vectors, degrees.
pub fn angle_deg(a: &[f64], b: &[f64]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    let nb = b.iter().map(|x| x * x).sum::<f64>().sqrt();
    (dot / (na * nb)).clamp(-1.0, 1.0).acos().to_degrees()
}

/// The angle between two runs' `β` at the last step both recorded.
fn common_end_angle(a: &Trajectory, b: &Trajectory) -> f64 {
    a.points
        .iter()
        .rev()
        .find_map(|p| {
            b.points
                .iter()
                .find(|q| q.step == p.step)
                .map(|q| angle_deg(&p.beta, &q.beta))
        })
        .unwrap_or(f64::NAN)
}

/// A claim whose rule could not be evaluated.
pub(crate) fn not_judged(claim: &str, reason: String) -> Claim {
    Claim {
        claim: claim.into(),
        measured: "—".into(),
        verdict: Verdict::NotJudged,
        reason,
    }
}

/// A judged claim: supported when the rule `holds`.
pub(crate) fn judged(claim: &str, measured: String, holds: bool, reason: &str) -> Claim {
    Claim {
        claim: claim.into(),
        measured,
        verdict: if holds {
            Verdict::Supported
        } else {
            Verdict::NotSupported
        },
        reason: reason.into(),
    }
}

const D1: &str = "D1 (the two ends): as λ → 0⁺ damped NGD follows exact Moore–Penrose NGD; as λ → ∞ it follows EGD of the same parametrization with the step η/λ. Rule: at the smallest relative damping of the grid (ρ ≤ 1e-8) the end direction is within 1° of exact NGD's; at the largest (ρ ≥ 1e4, step rescaled by λ) within 1° of EGD's.";
const D2: &str = "D2 (a fixed λ drifts from NGD to EGD): on separable data F(w_t) → 0 as the margins grow, so a fixed absolute λ becomes dominant and the step turns into ∇/λ. Rule: for every absolute λ whose crossover t*(λ) (first recorded step with tr(F)/P < λ) lies inside the budget, the angle to EGD's end direction at the last recorded step is smaller than at t*(λ) by at least 5°; supported if this holds for at least 80 % of such λ.";
const D3: &str = "D3 (when the deep net's ℓ1-like bias appears): before t*(λ) the damped trajectory is NGD's, after it EGD's. Rule (sparse, L = 2, N < D): at recorded steps with tr(F)/P > 10λ the support share is within 0.05 of exact NGD's at the same step; at the end of the budget, for the λ whose end has tr(F)/P < λ/10, it is within 0.05 of EGD's end value. Supported if both hold.";
const D4: &str = "D4 (relative damping is scale-free and keeps the bias at large ρ). Rule: there is a ρ ≥ 1 in the grid whose test accuracy (sparse, L = 2, N < D) is within 0.03 of EGD's at L = 2 and which reaches the training-loss threshold in at most 1/10 of the steps fixed-step EGD (η of Fig. 4's paper preset) needs on the same run.";
const D5: &str = "D5 (small ρ loses the bias). Rule: every ρ ≤ 1e-3 gives test accuracy within 0.05 of exact NGD's at the same N (sparse, L = 2, N < D).";

/// Every claim, D1 to D5.
pub fn claims(c: &DampingConfig, runs: &Lookup<'_>) -> Vec<Claim> {
    vec![
        d1(c, runs).unwrap_or_else(|r| not_judged(D1, r)),
        d2(c, runs).unwrap_or_else(|r| not_judged(D2, r)),
        d3(c, runs).unwrap_or_else(|r| not_judged(D3, r)),
        d4(c, runs).unwrap_or_else(|r| not_judged(D4, r)),
        d5(c, runs).unwrap_or_else(|r| not_judged(D5, r)),
    ]
}

/// Every `(task, depth)` pair planned.
fn pairs(c: &DampingConfig) -> Vec<(Task, usize)> {
    c.tasks
        .tasks()
        .into_iter()
        .flat_map(|t| c.depths.iter().map(move |&d| (t, d)))
        .collect()
}

/// The sparse `N < D` tasks at `L = 2` (D3–D5), or why there are none.
fn wide_l2(c: &DampingConfig) -> Result<Vec<Task>, String> {
    let wide = c.tasks.wide();
    if wide.is_empty() || !c.depths.contains(&2) {
        return Err("the config plans no sparse N < D task at L = 2".into());
    }
    Ok(wide.into_iter().map(|n| Task::Sparse { n }).collect())
}

fn d1(c: &DampingConfig, runs: &Lookup<'_>) -> Result<Claim, String> {
    let (lo, hi) = (c.rhos[0], c.rhos[c.rhos.len() - 1]);
    if lo > 1e-8 || hi < 1e4 {
        return Err(format!(
            "the ρ grid spans [{lo:e}, {hi:e}], not ρ ≤ 1e-8 and ρ ≥ 1e4"
        ));
    }
    let (mut worst_ngd, mut worst_egd, mut parts) = (0.0_f64, 0.0_f64, Vec::new());
    for (task, depth) in pairs(c) {
        // The four runs must have converged; each pair is compared at the last step both
        // recorded (one may stop at the loss floor a step or two before the other).
        let pair = |m: Method, reference: Method| -> Result<f64, String> {
            runs.converged_end(task, depth, m)?;
            runs.converged_end(task, depth, reference)?;
            Ok(common_end_angle(
                runs.get(task, depth, m)?,
                runs.get(task, depth, reference)?,
            ))
        };
        let a = pair(Method::Relative { rho: lo }, Method::Ngd)?;
        let b = pair(Method::RelativeLimit { rho: hi }, Method::Egd)?;
        worst_ngd = worst_ngd.max(a);
        worst_egd = worst_egd.max(b);
        parts.push(format!("{task} L={depth}: {a:.2e}° / {b:.2e}°"));
    }
    Ok(judged(
        D1,
        format!(
            "largest angle (at the last step both runs recorded) ρ={lo:e} vs NGD {worst_ngd:.3e}°, ρ={hi:e} (step η·λ_t/L) vs EGD {worst_egd:.3e}° ({})",
            parts.join("; ")
        ),
        worst_ngd < 1.0 && worst_egd < 1.0 && worst_ngd.is_finite() && worst_egd.is_finite(),
        "both ends within 1° on every task and depth, or not",
    ))
}

fn d2(c: &DampingConfig, runs: &Lookup<'_>) -> Result<Claim, String> {
    let (mut held, mut total, mut failures) = (0, 0, Vec::new());
    for (task, depth) in pairs(c) {
        let egd = runs.converged_end(task, depth, Method::Egd)?;
        for &lambda in &c.lambdas {
            let run = runs.get(task, depth, Method::Absolute { lambda })?;
            let Some(cross) = run
                .points
                .iter()
                .find(|p| p.fisher_mean_eigenvalue < lambda)
            else {
                continue;
            };
            let end = run.end().ok_or("empty trajectory")?;
            total += 1;
            let drop = angle_deg(&cross.beta, &egd.beta) - angle_deg(&end.beta, &egd.beta);
            if drop >= 5.0 {
                held += 1;
            } else {
                failures.push(format!(
                    "{task} L={depth} λ={lambda:e}: t*={} drop {drop:.1}°",
                    cross.step
                ));
            }
        }
    }
    if total == 0 {
        return Err("no λ of the grid crosses over inside the budget".into());
    }
    let share = held as f64 / total as f64;
    Ok(judged(
        D2,
        format!(
            "{held}/{total} crossing λ ({:.0} %) move ≥ 5° towards EGD's end direction after t*(λ); failing: {}",
            100.0 * share,
            if failures.is_empty() {
                "none".into()
            } else {
                failures.join("; ")
            }
        ),
        share >= 0.8,
        "the share of crossing λ that hold, against 80 %",
    ))
}

fn d3(c: &DampingConfig, runs: &Lookup<'_>) -> Result<Claim, String> {
    let (mut early_worst, mut early_count, mut late_worst, mut late_count) =
        (0.0_f64, 0, 0.0_f64, 0);
    for task in wide_l2(c)? {
        let ngd = runs.get(task, 2, Method::Ngd)?;
        let egd = runs.converged_end(task, 2, Method::Egd)?;
        let egd_share = egd.support_share.ok_or("no support share")?;
        for &lambda in &c.lambdas {
            let run = runs.get(task, 2, Method::Absolute { lambda })?;
            for p in run
                .points
                .iter()
                .filter(|p| p.fisher_mean_eigenvalue > 10.0 * lambda)
            {
                // NGD's point at the same step; a run stopped at the loss floor keeps its end.
                let reference = ngd
                    .points
                    .iter()
                    .rev()
                    .find(|q| q.step <= p.step)
                    .ok_or("NGD has no points")?;
                let gap = (p.support_share.unwrap_or(f64::NAN)
                    - reference.support_share.unwrap_or(f64::NAN))
                .abs();
                early_worst = early_worst.max(gap);
                early_count += 1;
            }
            let end = run.end().ok_or("empty trajectory")?;
            if end.fisher_mean_eigenvalue < lambda / 10.0 {
                late_worst =
                    late_worst.max((end.support_share.unwrap_or(f64::NAN) - egd_share).abs());
                late_count += 1;
            }
        }
    }
    if early_count == 0 || late_count == 0 {
        return Err(format!(
            "{early_count} recorded steps with tr(F)/P > 10λ and {late_count} λ ending with tr(F)/P < λ/10: a part of the rule has nothing to test"
        ));
    }
    Ok(judged(
        D3,
        format!(
            "before the crossover: largest |share − NGD's| {early_worst:.3} over {early_count} steps; at the end: largest |share − EGD's| {late_worst:.3} over {late_count} λ"
        ),
        early_worst <= 0.05 && late_worst <= 0.05,
        "both gaps ≤ 0.05, or not",
    ))
}

fn d4(c: &DampingConfig, runs: &Lookup<'_>) -> Result<Claim, String> {
    let mut found = Vec::new();
    let mut measured = Vec::new();
    for task in wide_l2(c)? {
        let egd_acc = runs
            .converged_end(task, 2, Method::Egd)?
            .test_accuracy
            .ok_or("no test set")?;
        let fixed = runs.get(task, 2, Method::EgdFixed)?;
        let limit = fixed.threshold_step.ok_or_else(|| {
            format!(
                "fixed-step EGD on {task} did not reach the loss threshold {:e} in its budget ({})",
                c.loss_threshold, fixed.stop
            )
        })?;
        measured.push(format!("{task}: EGD L=2 accuracy {egd_acc:.3}, fixed-step EGD reaches the threshold at step {limit}"));
        for &rho in c.rhos.iter().filter(|&&r| r >= 1.0) {
            let run = runs.get(task, 2, Method::Relative { rho })?;
            let acc = run.end().and_then(|e| e.test_accuracy).unwrap_or(f64::NAN);
            let steps = run.threshold_step;
            measured.push(format!(
                "ρ={rho:e}: accuracy {acc:.3}, threshold at {steps:?}"
            ));
            if (acc - egd_acc).abs() <= 0.03 && steps.is_some_and(|s| 10 * s <= limit) {
                found.push(format!("{task} ρ={rho:e}"));
            }
        }
    }
    Ok(judged(
        D4,
        format!(
            "{}; qualifying: {}",
            measured.join("; "),
            if found.is_empty() {
                "none".into()
            } else {
                found.join(", ")
            }
        ),
        !found.is_empty(),
        "a ρ ≥ 1 within 0.03 of EGD's accuracy in ≤ 1/10 of fixed-step EGD's steps exists, or not",
    ))
}

fn d5(c: &DampingConfig, runs: &Lookup<'_>) -> Result<Claim, String> {
    let (mut worst, mut parts) = (0.0_f64, Vec::new());
    for task in wide_l2(c)? {
        let ngd_acc = runs
            .converged_end(task, 2, Method::Ngd)?
            .test_accuracy
            .ok_or("no test set")?;
        for &rho in c.rhos.iter().filter(|&&r| r <= 1e-3) {
            let acc = runs
                .converged_end(task, 2, Method::Relative { rho })?
                .test_accuracy
                .ok_or("no test set")?;
            worst = worst.max((acc - ngd_acc).abs());
            parts.push(format!("{task} ρ={rho:e}: {acc:.3} (NGD {ngd_acc:.3})"));
        }
    }
    if parts.is_empty() {
        return Err("the grid has no ρ ≤ 1e-3".into());
    }
    Ok(judged(
        D5,
        format!(
            "largest |accuracy − NGD's| {worst:.3} ({})",
            parts.join("; ")
        ),
        worst <= 0.05,
        "every gap ≤ 0.05, or not",
    ))
}
