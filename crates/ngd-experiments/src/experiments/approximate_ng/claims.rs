//! A1–A7 of `docs/hypotheses.md`, evaluated exactly as their rules are written. Runs are looked
//! up by their typed parameters ([`Lookup`]); a run without an output (diverged where it should
//! not) or without convergence where the rule reads its end makes the rule `NotJudged`.

use super::{
    Approx, ApproxOutput, ApproxParams, ApproximateConfig, DeepMethod, Invariant, LogitPoint,
    Transform, run_id,
};
use crate::experiments::damping::Task;
use crate::experiments::damping::claims::{angle_deg, judged, not_judged};
use crate::experiments::damping::train::{Point, Trajectory};
use crate::experiments::theorems::relative_difference;
use ndarray::ArrayView1;
use ngd_harness::experiment::{Claim, RunRecord, Runs};

/// The runs, by key.
pub struct Lookup<'a> {
    runs: &'a Runs<ApproxParams, ApproxOutput>,
}

impl<'a> Lookup<'a> {
    /// Wraps the runs.
    pub fn new(runs: &'a Runs<ApproxParams, ApproxOutput>) -> Self {
        Self { runs }
    }

    /// The record of `key`, or why there is none.
    pub fn record(&self, key: &ApproxParams) -> Result<&'a RunRecord<ApproxOutput>, String> {
        self.runs
            .iter()
            .find(|(spec, _)| spec.params == *key)
            .map(|(_, r)| r)
            .ok_or_else(|| format!("run {} is missing", run_id(key)))
    }

    /// The output of `key`, or why there is none.
    pub fn output(&self, key: &ApproxParams) -> Result<&'a ApproxOutput, String> {
        match self.record(key)? {
            RunRecord::Completed { output } => Ok(output),
            RunRecord::Diverged { step, cause } => Err(format!(
                "run {} diverged at step {step} ({cause})",
                run_id(key)
            )),
        }
    }

    /// The trajectory of `key`, which must have converged.
    pub fn converged(&self, key: &ApproxParams) -> Result<&'a Trajectory, String> {
        let t = self
            .output(key)?
            .trajectory
            .as_ref()
            .ok_or_else(|| format!("run {} has no trajectory", run_id(key)))?;
        if t.convergence.converged && !t.points.is_empty() {
            Ok(t)
        } else {
            Err(format!(
                "run {} did not converge ({} = {:.3e}, threshold {:.3e}; {})",
                run_id(key),
                t.convergence.criterion,
                t.convergence.value,
                t.convergence.threshold,
                t.stop
            ))
        }
    }

    /// The converged end point of a training run.
    fn end(&self, task: Task, depth: usize, method: Approx) -> Result<&'a Point, String> {
        let t = self.converged(&ApproxParams::Train {
            task,
            depth,
            method,
        })?;
        t.end().ok_or_else(|| "empty trajectory".into())
    }

    /// The invariance error of a run.
    fn invariance(
        &self,
        method: Invariant,
        transform: Transform,
        theorem: u8,
    ) -> Result<f64, String> {
        let key = ApproxParams::Invariance {
            method,
            transform,
            theorem,
        };
        self.output(&key)?
            .invariance_error
            .ok_or_else(|| format!("run {} has no invariance error", run_id(&key)))
    }
}

const A1: &str = "A1 (block Fisher of a diagonal net = the layer split = NGD up to speed): block l of F(w) is diag(c_l) F(β) diag(c_l), so the block step moves β by L·F(β)⁺∇_β to first order. Rule: training logits of block-Fisher NGD (step η) and exact NGD (step L·η) agree to 1e-2 relative on the N < D sizes and their test accuracies within 0.01.";
const A2: &str = "A2 (the diagonal Fisher removes depth): the diagonal-Fisher step moves β_i by L·∇_{β_i}/F(β)_ii to first order, whatever the weights. Rule: the end directions of diagonal-Fisher NGD at L = 2 and L = 1 (step L·η vs η) differ by less than 2°, while EGD's end directions at L = 2 and L = 1 differ by more than 10° on the same data (toy set and the N < D sparse sizes).";
const A3: &str = "A3 (the diagonal Fisher is invariant to feature scaling, not to rotations). Rule: with a diagonal A the invariance error is below 1e-8; with a random rotation above 1e-3.";
const A4: &str = "A4 (the empirical Fisher is invariant and blows up in finite time): undamped with N ≤ P its flow moves each margin by du/dt = 1 + e^u, which reaches ∞ at t* = log(1 + e^{−u(0)}). Rule: the invariance error of empirical-Fisher NGD (damped with ρ = 1e-8) is below 1e-6; the undamped discrete run with step η stops as diverged at a step k with |k·η − t*| ≤ 2η + 0.05·t*; supported if both hold.";
const A5: &str = "A5 (damping breaks invariance, in proportion to ρ). Rule: the Theorem 1 invariance error of relatively damped NGD is below 1e-4 at ρ = 1e-6 and above 1e-2 at ρ = 1.";
const A6: &str = "A6 (K-FAC behaves like NGD, not like EGD, on the deep linear net). Rule (Fig. 4's task, N > D size): the test accuracy of damped K-FAC (exact damping, ρ = 1e-4) is closer to exact NGD's than to EGD's on the same deep linear net, and its Theorem 2 invariance error is below 0.05.";
const A7: &str = "A7 (approximations on the bias): predicted none of the empirical, diagonal and block Fisher keeps the diagonal net's sparsity bias. Rule: at the N < D sparse sizes each of the three has test accuracy below EGD L = 2's by more than 0.05.";

/// Every claim, A1 to A7.
pub fn claims(c: &ApproximateConfig, runs: &Lookup<'_>) -> Vec<Claim> {
    vec![
        a1(c, runs).unwrap_or_else(|r| not_judged(A1, r)),
        a2(c, runs).unwrap_or_else(|r| not_judged(A2, r)),
        a3(runs).unwrap_or_else(|r| not_judged(A3, r)),
        a4(c, runs).unwrap_or_else(|r| not_judged(A4, r)),
        a5(c, runs).unwrap_or_else(|r| not_judged(A5, r)),
        a6(c, runs).unwrap_or_else(|r| not_judged(A6, r)),
        a7(c, runs).unwrap_or_else(|r| not_judged(A7, r)),
    ]
}

/// The sparse `N < D` tasks.
fn wide(c: &ApproximateConfig) -> Vec<Task> {
    c.tasks
        .wide()
        .into_iter()
        .map(|n| Task::Sparse { n })
        .collect()
}

/// The logits of two runs at the last step both recorded, relative difference.
fn common_logit_difference(a: &[LogitPoint], b: &[LogitPoint]) -> Option<(u64, f64)> {
    a.iter().rev().find_map(|p| {
        b.iter().find(|q| q.step == p.step).map(|q| {
            (
                p.step,
                relative_difference(
                    ArrayView1::from(&p.logits[..]),
                    ArrayView1::from(&q.logits[..]),
                ),
            )
        })
    })
}

fn a1(c: &ApproximateConfig, runs: &Lookup<'_>) -> Result<Claim, String> {
    let (mut worst_logit, mut worst_acc, mut parts) = (0.0_f64, 0.0_f64, Vec::new());
    for task in wide(c) {
        let block_key = ApproxParams::Train {
            task,
            depth: 2,
            method: Approx::Block,
        };
        let ngd_key = ApproxParams::Train {
            task,
            depth: 2,
            method: Approx::Ngd,
        };
        let (block, ngd) = (runs.converged(&block_key)?, runs.converged(&ngd_key)?);
        let (step, logit) = common_logit_difference(
            &runs.output(&block_key)?.train_logits,
            &runs.output(&ngd_key)?.train_logits,
        )
        .ok_or("no common recorded step")?;
        let acc = |t: &Trajectory| t.end().and_then(|e| e.test_accuracy).unwrap_or(f64::NAN);
        let gap = (acc(block) - acc(ngd)).abs();
        worst_logit = worst_logit.max(logit);
        worst_acc = worst_acc.max(gap);
        parts.push(format!(
            "{task}: logits {logit:.2e} at step {step}, accuracy {:.3} vs {:.3}",
            acc(block),
            acc(ngd)
        ));
    }
    if parts.is_empty() {
        return Err("no N < D task".into());
    }
    Ok(judged(
        A1,
        format!(
            "largest relative logit gap {worst_logit:.3e}, accuracy gap {worst_acc:.3} ({})",
            parts.join("; ")
        ),
        worst_logit <= 1e-2 && worst_acc <= 0.01,
        "logits within 1e-2 and accuracies within 0.01 on every N < D size, or not",
    ))
}

fn a2(c: &ApproximateConfig, runs: &Lookup<'_>) -> Result<Claim, String> {
    let mut tasks: Vec<Task> = c.tasks.toy.then_some(Task::Toy).into_iter().collect();
    tasks.extend(wide(c));
    let (mut worst_diag, mut least_egd, mut parts) = (0.0_f64, f64::INFINITY, Vec::new());
    for task in tasks {
        let diag = angle_deg(
            &runs.end(task, 2, Approx::Diagonal)?.beta,
            &runs.end(task, 1, Approx::Diagonal)?.beta,
        );
        let egd = angle_deg(
            &runs.end(task, 2, Approx::Egd)?.beta,
            &runs.end(task, 1, Approx::Egd)?.beta,
        );
        worst_diag = worst_diag.max(diag);
        least_egd = least_egd.min(egd);
        parts.push(format!("{task}: diagonal {diag:.2}°, EGD {egd:.2}°"));
    }
    Ok(judged(
        A2,
        format!(
            "largest diagonal-Fisher angle L=2 vs L=1 {worst_diag:.3}°, smallest EGD angle {least_egd:.2}° ({})",
            parts.join("; ")
        ),
        worst_diag < 2.0 && least_egd > 10.0,
        "diagonal below 2° and EGD above 10° on every task, or not",
    ))
}

fn a3(runs: &Lookup<'_>) -> Result<Claim, String> {
    let diag = runs.invariance(Invariant::Diagonal, Transform::Diagonal, 1)?;
    let rot = runs.invariance(Invariant::Diagonal, Transform::Rotation, 1)?;
    Ok(judged(
        A3,
        format!("Theorem 1 invariance error: diagonal A {diag:.3e}, rotation {rot:.3e}"),
        diag < 1e-8 && rot > 1e-3,
        "diagonal A below 1e-8 and rotation above 1e-3, or not",
    ))
}

fn a4(c: &ApproximateConfig, runs: &Lookup<'_>) -> Result<Claim, String> {
    let error = runs.invariance(
        Invariant::Empirical {
            rho: c.invariance_empirical_rho,
        },
        Transform::WellConditioned,
        1,
    )?;
    if c.invariance_empirical_rho > 1e-8 {
        return Err(format!(
            "the empirical invariance run is damped with ρ = {:e}, not 1e-8",
            c.invariance_empirical_rho
        ));
    }
    let eta = c.blow_up_learning_rate;
    // β₀ = 0: every initial margin is 0, t* = log(1 + e^0) = log 2.
    let t_star = std::f64::consts::LN_2;
    let blow_up = runs.output(&ApproxParams::BlowUp)?;
    let Some(step) = blow_up.diverged_at else {
        let stop = blow_up.trajectory.as_ref().map_or("", |t| t.stop.as_str());
        return Ok(judged(
            A4,
            format!("invariance error {error:.3e}; the undamped run did not diverge ({stop})"),
            false,
            "the undamped run must stop as diverged",
        ));
    };
    let gap = (step as f64 * eta - t_star).abs();
    let bound = 2.0 * eta + 0.05 * t_star;
    Ok(judged(
        A4,
        format!(
            "invariance error (ρ = 1e-8) {error:.3e}; undamped run (η = {eta}) diverged at step {step}: k·η = {:.4} vs t* = log 2 = {t_star:.4} (gap {gap:.4}, bound {bound:.4})",
            step as f64 * eta
        ),
        error < 1e-6 && gap <= bound,
        "invariance below 1e-6 and the blow-up time within the bound, or not",
    ))
}

fn a5(c: &ApproximateConfig, runs: &Lookup<'_>) -> Result<Claim, String> {
    let find = |target: f64| {
        c.invariance_damped_rhos
            .iter()
            .copied()
            .find(|&r| r == target)
            .ok_or(format!("invariance_damped_rhos has no ρ = {target:e}"))
    };
    let (small, large) = (find(1e-6)?, find(1.0)?);
    let e_small = runs.invariance(
        Invariant::Damped { rho: small },
        Transform::WellConditioned,
        1,
    )?;
    let e_large = runs.invariance(
        Invariant::Damped { rho: large },
        Transform::WellConditioned,
        1,
    )?;
    Ok(judged(
        A5,
        format!("Theorem 1 invariance error: ρ = 1e-6 {e_small:.3e}, ρ = 1 {e_large:.3e}"),
        e_small < 1e-4 && e_large > 1e-2,
        "below 1e-4 at ρ = 1e-6 and above 1e-2 at ρ = 1, or not",
    ))
}

fn a6(c: &ApproximateConfig, runs: &Lookup<'_>) -> Result<Claim, String> {
    let acc = |method| -> Result<f64, String> {
        runs.converged(&ApproxParams::DeepLinear { method })?
            .end()
            .and_then(|e| e.test_accuracy)
            .ok_or_else(|| "no test accuracy".to_string())
    };
    let (kfac, ngd, egd) = (
        acc(DeepMethod::Kfac)?,
        acc(DeepMethod::Ngd)?,
        acc(DeepMethod::Egd)?,
    );
    let error = runs.invariance(
        Invariant::Kfac { rho: c.kfac_rho },
        Transform::WellConditioned,
        2,
    )?;
    Ok(judged(
        A6,
        format!(
            "test accuracy K-FAC {kfac:.4}, NGD {ngd:.4}, EGD {egd:.4}; Theorem 2 invariance error of K-FAC {error:.3e}"
        ),
        (kfac - ngd).abs() < (kfac - egd).abs() && error < 0.05,
        "closer to NGD than to EGD and invariance below 0.05, or not",
    ))
}

fn a7(c: &ApproximateConfig, runs: &Lookup<'_>) -> Result<Claim, String> {
    let (mut holds, mut parts) = (true, Vec::new());
    for task in wide(c) {
        let egd = runs
            .end(task, 2, Approx::Egd)?
            .test_accuracy
            .ok_or("no test set")?;
        for method in [Approx::Empirical, Approx::Diagonal, Approx::Block] {
            let acc = runs
                .end(task, 2, method)?
                .test_accuracy
                .ok_or("no test set")?;
            holds &= acc < egd - 0.05;
            parts.push(format!("{task} {method:?} {acc:.3} (EGD L=2 {egd:.3})"));
        }
    }
    if parts.is_empty() {
        return Err("no N < D task".into());
    }
    Ok(judged(
        A7,
        parts.join("; "),
        holds,
        "each below EGD L = 2's accuracy by more than 0.05, or not",
    ))
}
