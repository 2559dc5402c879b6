//! The claims table of `fig5`, with thresholds, and the reference values of Arora et al.

use super::{Done, SeriesKey, curve, label};
use crate::experiments::fig5::{Fig5Config, Method};
use ngd_harness::experiment::{Claim, ExperimentSummary, Verdict};

/// Arora et al. (2019), 2000 observations, n = 100, rank 5 (minimum test error of their
/// dynamics runs, as collected in the project's notes/reference-setups.md): depth → error.
pub const ARORA_2000: [(usize, f64); 3] = [(1, 0.82), (2, 0.099), (3, 0.0017)];

fn at(points: &[(f64, f64)], m: f64) -> Option<f64> {
    points.iter().find(|p| p.0 == m).map(|p| p.1)
}

fn grade(passed: usize, total: usize) -> Verdict {
    match passed {
        _ if total == 0 => Verdict::NotReproduced,
        p if p == total => Verdict::Reproduced,
        0 => Verdict::NotReproduced,
        _ => Verdict::Partly,
    }
}

pub(super) fn claims(c: &Fig5Config, done: &Done, summary: &mut ExperimentSummary) {
    let trivial = curve(done, &SeriesKey::egd(1), |o| o.trivial_error);
    let err = |key: &SeriesKey| curve(done, key, |o| o.reconstruction_error);
    // 1. Few observations: the grid point nearest 2000.
    let m0 = c
        .observations
        .iter()
        .copied()
        .min_by_key(|m| m.abs_diff(2000))
        .unwrap_or(0) as f64;
    let mut text = Vec::new();
    let (mut pass, mut total) = (0, 0);
    for d in [2, 3, 4] {
        if let (Some(e), Some(t)) = (at(&err(&SeriesKey::egd(d)), m0), at(&trivial, m0)) {
            total += 1;
            pass += usize::from(e <= 0.5 * t);
            text.push(format!("L = {d}: {e:.4} (trivial {t:.3})"));
        }
    }
    let arora = ARORA_2000
        .iter()
        .map(|(d, e)| format!("L = {d}: {e}"))
        .collect::<Vec<_>>()
        .join(", ");
    summary.claims.push(Claim {
        claim: "Using deep matrix product parametrizations with L ≥ 2 layers, EGD can reach low training error and identify low-rank solutions even when the number of observations is small".into(),
        measured: format!("EGD error at m = {m0}: {}; Arora et al. (2019) at m = 2000: {arora}", text.join("; ")),
        verdict: grade(pass, total),
        reason: "pass per depth: error ≤ half the trivial level".into(),
    });
    // 2. NGD (and EGD L = 1) at the trivial level.
    let mut worst: Vec<(String, f64)> = Vec::new();
    for (s, o) in done {
        let p = &s.params;
        if p.method.is_ngd() || (p.method == Method::Egd && p.depth == 1) {
            let dev = (o.reconstruction_error - o.trivial_error).abs() / o.trivial_error;
            let name = label(p);
            match worst.iter_mut().find(|w| w.0 == name) {
                Some(w) => w.1 = w.1.max(dev),
                None => worst.push((name, dev)),
            }
        }
    }
    let ok = worst.iter().filter(|w| w.1 <= 0.05).count();
    summary.claims.push(Claim {
        claim: "NGD in the same problem works similarly to EGD in the naive parametrization and fails to generalize completely".into(),
        measured: format!(
            "max over m of |error − trivial| / trivial — {}",
            worst.iter().map(|(n, d)| format!("{n}: {d:.2e}")).collect::<Vec<_>>().join("; ")
        ),
        verdict: grade(ok, worst.len()),
        reason: "pass per curve: within 5% of the trivial level at every m (deviations come from the \
                 finite NGD steps; NGF would sit on it exactly). A curve far *above* the trivial level \
                 (error ≈ 1) is NGD that never left β ≈ 0 — the layer split at even depth: with 1 × 1 \
                 factors a layer-split step multiplies every factor by the same 1 − u \
                 (u = ηg/(Lw)), so the product becomes w(1 − u)^L, whose sign cannot change when L is \
                 even (an exact check in ngd-optim's tests/layer_split_scalar.rs); a product of the \
                 wrong sign can only shrink towards 0, and the relative step cap (needed to keep the \
                 higher-order terms of a finite step small) shrinks the steps with it. Odd L can cross \
                 0, and the matrix runs show the same split: L = 1, 3 reach the trivial level, \
                 L = 2, 4 stay near β ≈ 0. No NGD curve generalizes below the trivial level."
            .into(),
    });
    // 3. Collapsed initialization.
    let mut text = Vec::new();
    let (mut pass, mut total) = (0, 0);
    for &[d, k] in &c.collapsed {
        let plain = err(&SeriesKey::egd(d));
        let coll = err(&SeriesKey::egd_collapsed(d, k));
        for (m, e) in &coll {
            if let (Some(p), Some(t)) = (at(&plain, *m), at(&trivial, *m)) {
                total += 1;
                let diff = (e - p).abs();
                pass += usize::from(diff <= (0.2 * (t - p)).max(0.01));
                text.push(format!("L = {d} ×{k}, m = {m}: {e:.4} vs plain {p:.4}"));
            }
        }
    }
    summary.claims.push(Claim {
        claim: "Initialization plays a negligible role in the inductive bias of EGD in deep matrix factorization".into(),
        measured: text.join("; "),
        verdict: grade(pass, total),
        reason: "pass per point: |collapsed − plain| ≤ max(0.01, 20% of the depth effect trivial − plain)".into(),
    });
    // 4. Effective rank.
    let m_max = c.observations.iter().copied().max().unwrap_or(0) as f64;
    let mut text = Vec::new();
    let (mut pass, mut total) = (0, 0);
    for d in [2, 3, 4] {
        if let Some(r) = at(
            &curve(done, &SeriesKey::egd(d), |o| o.effective_rank),
            m_max,
        ) {
            total += 1;
            pass += usize::from((r - c.rank as f64).abs() <= 1.0);
            text.push(format!("L = {d}: {r:.2}"));
        }
    }
    if let Some(r) = at(
        &curve(done, &SeriesKey::egd(1), |o| o.effective_rank),
        m_max,
    ) {
        text.push(format!("(EGD L = 1: {r:.1})"));
    }
    summary.claims.push(Claim {
        claim: "EGD with L ≥ 2 identifies low-rank solutions (effective rank ≈ 5)".into(),
        measured: format!("effective rank at m = {m_max}: {}", text.join("; ")),
        verdict: grade(pass, total),
        reason: format!(
            "pass per depth: |effective rank − {}| ≤ 1 (the truth's own effective rank is ≈ 4.9)",
            c.rank
        ),
    });
    summary.notes.push(format!("Reference values, Arora et al. (2019) at m = 2000 (their public code's dynamics runs, collected in notes/reference-setups.md): {arora}; the trivial level there is ≈ 1 − m/n² = 0.80."));
    summary.notes.push("Choices where the paper is silent: NGD step size and its relative cap (fixed η would be dominated by the higher-order terms of the product from a tiny init), plain GD for EGD L = 1, shared truth per draw and shared initial factors per depth so that EGD and NGD start from the same point.".into());
}
