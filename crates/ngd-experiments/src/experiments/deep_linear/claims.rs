//! Hypotheses L1–L4 of `docs/hypotheses.md`, quoted, judged by their stated rules from the
//! runs looked up by typed key ([`Method`], `N`); a planned series without a completed run is an
//! error ([`MissingSeries`]); a rule that cannot be evaluated (a run that did not converge by
//! the harness's definition, a failed solve) gives `not judged` with the reason.

use super::{DeepLinearConfig, DeepLinearOutput, Method};
use ngd_harness::experiment::{Claim, Verdict};
use std::collections::BTreeMap;

const L1: &str = "L1 (EGD → ℓ2 max margin, Ji & Telgarsky 2019). Rule: on the toy set, EGD with \
the loss-normalized step reaches the ℓ2 max-margin direction within 1° at depths 1–4 (also a unit \
test); on Fig. 4's task (N < D sizes) the end direction is within 10° of the ℓ2 max-margin \
separator at every depth (asymptotic: the budget is finite).";
const L2: &str = "L2 (no sparsity bias from full-matrix depth). Rule: at every N < D of Fig. 4's \
grid the test accuracy of deep-linear EGD at depths 2–4 is within 0.03 of EGD at L = 1, and below \
the diagonal net's EGD at L = 2 by more than 0.05.";
const L3: &str = "L3 (Theorem 4: NGD's training logits do not depend on the parametrization). \
Rule: the training logits of exact NGD on the deep linear net and on the linear model from equal \
initial logits agree to 1e-3 relative at the end of the budget.";
const L4: &str = "L4 (but β does, when N < D). Rule: at N < D the angle between the two end β is \
above 1°, and their test accuracies are within 0.05 of each other.";

/// A series the config plans has no completed run at some `N`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("series {method:?} at N = {n} is planned but has no completed run")]
pub struct MissingSeries {
    /// The method.
    pub method: Method,
    /// The training-set size.
    pub n: usize,
}

/// The completed outputs by `(method, N)`, over the data draws.
#[derive(Default)]
pub(super) struct Results<'a> {
    pub by_key: BTreeMap<(Method, usize), Vec<&'a DeepLinearOutput>>,
}

impl<'a> Results<'a> {
    /// The outputs of `(method, n)`; none is an error.
    pub fn get(&self, method: Method, n: usize) -> Result<&[&'a DeepLinearOutput], MissingSeries> {
        match self.by_key.get(&(method, n)) {
            Some(outs) if !outs.is_empty() => Ok(outs),
            _ => Err(MissingSeries { method, n }),
        }
    }

    /// The mean test accuracy of `(method, n)` over the draws.
    pub fn mean_accuracy(&self, method: Method, n: usize) -> Result<f64, MissingSeries> {
        let outs = self.get(method, n)?;
        let sum: f64 = outs.iter().filter_map(|o| o.test_accuracy).sum();
        Ok(sum / outs.len() as f64)
    }
}

/// The Theorem 4 comparison of one data draw: NGD on the deep net vs on the linear model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Comparison {
    /// `‖s_deep − s_lin‖ / ‖s_lin‖` on the training set.
    pub train_logits: f64,
    /// The same on the test set.
    pub test_logits: f64,
    /// The angle between the end `β` (degrees).
    pub beta_angle: f64,
    /// The share of test samples whose predicted labels differ.
    pub disagreement: f64,
    /// Test accuracies (deep, linear).
    pub accuracies: (f64, f64),
    /// Both runs took their whole budget and converged (mean loss < ln 2 / N).
    pub judgeable: bool,
}

fn relative(a: &[f64], b: &[f64]) -> f64 {
    let diff: f64 = a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum();
    let norm: f64 = b.iter().map(|y| y * y).sum();
    (diff / norm).sqrt()
}

/// Compares the NGD runs of one draw.
pub(super) fn compare(deep: &DeepLinearOutput, linear: &DeepLinearOutput) -> Comparison {
    let a = ndarray::ArrayView1::from(&deep.beta[..]);
    let b = ndarray::ArrayView1::from(&linear.beta[..]);
    let pairs = deep.test_logits.iter().zip(&linear.test_logits);
    let disagree = pairs.filter(|(x, y)| (**x > 0.0) != (**y > 0.0)).count();
    let same_steps = deep.points.last().map(|p| p.step) == linear.points.last().map(|p| p.step);
    Comparison {
        train_logits: relative(&deep.train_logits, &linear.train_logits),
        test_logits: relative(&deep.test_logits, &linear.test_logits),
        beta_angle: super::run::angle_degrees(a, b),
        disagreement: disagree as f64 / deep.test_logits.len().max(1) as f64,
        accuracies: (
            deep.test_accuracy.unwrap_or(f64::NAN),
            linear.test_accuracy.unwrap_or(f64::NAN),
        ),
        judgeable: same_steps
            && [deep, linear]
                .iter()
                .all(|o| o.stop.starts_with("step budget") && o.convergence.converged),
    }
}

fn claim(text: &str, measured: String, verdict: Verdict, reason: String) -> Claim {
    Claim {
        claim: text.into(),
        measured,
        verdict,
        reason,
    }
}

fn rule(holds: bool, yes: &str, no: &str) -> (Verdict, String) {
    if holds {
        (Verdict::Supported, yes.into())
    } else {
        (Verdict::NotSupported, no.into())
    }
}

/// Runs of `outs` that did not converge, for the `not judged` reason.
fn unconverged(outs: &[&DeepLinearOutput]) -> usize {
    outs.iter().filter(|o| !o.convergence.converged).count()
}

/// L1: the end directions' angles to the ℓ2 max-margin separator.
fn l1(c: &DeepLinearConfig, r: &Results<'_>) -> Result<Claim, MissingSeries> {
    let toy_n = ngd_data::TOY_2D_POINTS_PER_CLASS * 2;
    let (mut measured, mut toy_ok, mut sparse_ok, mut open) = (Vec::new(), true, true, 0);
    for &depth in &c.depths {
        let toy = r.get(Method::ToyEgd { depth }, toy_n)?;
        let angle = toy.iter().map(|o| o.l2_angle).fold(0.0, f64::max);
        toy_ok &= angle < 1.0;
        open += unconverged(toy);
        let mut worst = 0.0_f64;
        for &n in c.n_grid.iter().filter(|&&n| n < c.dim) {
            let outs = r.get(Method::Egd { depth }, n)?;
            worst = outs.iter().map(|o| o.l2_angle).fold(worst, f64::max);
            open += unconverged(outs);
        }
        sparse_ok &= worst < 10.0;
        measured.push(format!(
            "L = {depth}: toy {angle:.3}°, sparse N < D max {worst:.2}°"
        ));
    }
    let (verdict, reason) = if open > 0 {
        (
            Verdict::NotJudged,
            format!("{open} run(s) did not converge (mean loss ≥ ln 2 / N)"),
        )
    } else {
        rule(
            toy_ok && sparse_ok,
            "every depth within 1° (toy) and 10° (sparse task)",
            &format!("toy within 1°: {toy_ok}; sparse within 10°: {sparse_ok}"),
        )
    };
    Ok(claim(L1, measured.join("; "), verdict, reason))
}

/// L2: deep-linear EGD against EGD at `L = 1` and the diagonal net at `L = 2`.
fn l2(c: &DeepLinearConfig, r: &Results<'_>) -> Result<Claim, MissingSeries> {
    let (mut measured, mut near_linear, mut below_diagonal) = (Vec::new(), true, true);
    let deep: Vec<usize> = c
        .depths
        .iter()
        .copied()
        .filter(|&d| (2..=4).contains(&d))
        .collect();
    let ns: Vec<usize> = c.n_grid.iter().copied().filter(|&n| n < c.dim).collect();
    if deep.is_empty() || !c.depths.contains(&1) || ns.is_empty() {
        let reason = "the config plans no depth 2–4, no L = 1 or no N < D".to_string();
        return Ok(claim(L2, String::new(), Verdict::NotJudged, reason));
    }
    for &n in &ns {
        let linear = r.mean_accuracy(Method::Egd { depth: 1 }, n)?;
        let diagonal = r.mean_accuracy(Method::DiagonalEgd, n)?;
        let mut cells = vec![format!("L=1 {linear:.3}")];
        for &depth in &deep {
            let acc = r.mean_accuracy(Method::Egd { depth }, n)?;
            near_linear &= (acc - linear).abs() <= 0.03;
            below_diagonal &= diagonal - acc > 0.05;
            cells.push(format!("L={depth} {acc:.3}"));
        }
        measured.push(format!(
            "N = {n}: {}, diagonal L=2 {diagonal:.3}",
            cells.join(", ")
        ));
    }
    let (verdict, reason) = rule(
        near_linear && below_diagonal,
        "within 0.03 of L = 1 and more than 0.05 below the diagonal net at every N < D",
        &format!(
            "within 0.03 of L = 1: {near_linear}; > 0.05 below diagonal L = 2: {below_diagonal}"
        ),
    );
    Ok(claim(L2, measured.join("; "), verdict, reason))
}

/// The NGD comparisons of every planned `(N, draw)`.
pub(super) fn comparisons(
    c: &DeepLinearConfig,
    r: &Results<'_>,
) -> Result<Vec<(usize, Comparison)>, MissingSeries> {
    let mut out = Vec::new();
    for &n in &c.ngd_n {
        let deep = r.get(Method::NgdDeep, n)?;
        let linear = r.get(Method::NgdLinear, n)?;
        for (d, l) in deep.iter().zip(linear) {
            out.push((n, compare(d, l)));
        }
    }
    Ok(out)
}

/// L3 and L4 from the NGD comparisons.
fn l3_l4(comparisons: &[(usize, Comparison)]) -> Vec<Claim> {
    let judgeable = comparisons.iter().all(|(_, k)| k.judgeable);
    let fmt = |f: &dyn Fn(&Comparison) -> String| {
        let cells = comparisons
            .iter()
            .map(|(n, k)| format!("N = {n}: {}", f(k)));
        cells.collect::<Vec<_>>().join("; ")
    };
    let not_judged = || {
        let reason = "an NGD run stopped before its budget (failed solve) or did not converge (mean loss ≥ ln 2 / N)".to_string();
        (Verdict::NotJudged, reason)
    };
    let m3 = fmt(&|k| {
        format!(
            "training logits differ by {:.2e} (relative)",
            k.train_logits
        )
    });
    let (v3, r3) = if judgeable {
        let ok = comparisons.iter().all(|(_, k)| k.train_logits <= 1e-3);
        rule(
            ok,
            "every draw within 1e-3",
            "some draw differs by more than 1e-3",
        )
    } else {
        not_judged()
    };
    let m4 = fmt(&|k| {
        format!(
            "β differ by {:.2}°, test logits by {:.2e}, predictions disagree on {:.1} %, test accuracy deep {:.3} vs linear {:.3}",
            k.beta_angle,
            k.test_logits,
            100.0 * k.disagreement,
            k.accuracies.0,
            k.accuracies.1
        )
    });
    let (v4, r4) = if judgeable {
        let angle = comparisons.iter().all(|(_, k)| k.beta_angle > 1.0);
        let close = comparisons
            .iter()
            .all(|(_, k)| (k.accuracies.0 - k.accuracies.1).abs() <= 0.05);
        rule(
            angle && close,
            "β apart by more than 1° with test accuracies within 0.05",
            &format!("angle > 1°: {angle}; accuracies within 0.05: {close}"),
        )
    } else {
        not_judged()
    };
    vec![claim(L3, m3, v3, r3), claim(L4, m4, v4, r4)]
}

/// Every hypothesis L1–L4 (L3–L4 only when the config plans NGD runs).
pub(super) fn claims(c: &DeepLinearConfig, r: &Results<'_>) -> Result<Vec<Claim>, MissingSeries> {
    let mut out = vec![l1(c, r)?, l2(c, r)?];
    let comparisons = comparisons(c, r)?;
    if !comparisons.is_empty() {
        out.extend(l3_l4(&comparisons));
    }
    Ok(out)
}
