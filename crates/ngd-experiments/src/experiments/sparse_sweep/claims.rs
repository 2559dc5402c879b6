//! The claims of the paper's Fig. 4 caption and §3.1, judged from the measurements with the
//! thresholds stated in each row.

use super::key::{MissingSeries, NGD, NGD_POP, SeriesKey, egd};
use super::table::Table;
use super::{LogitTrace, SweepConfig};
use ngd_harness::experiment::{Claim, Verdict};

/// The series the claims read that `c` plans: each must have results.
fn planned_series(c: &SweepConfig) -> Vec<SeriesKey> {
    let mut keys: Vec<SeriesKey> = c.egd_depths.iter().map(|s| egd(s.depth)).collect();
    keys.extend(
        c.ngd_depths
            .iter()
            .map(|s| SeriesKey::NgdSample { depth: s.depth }),
    );
    if c.population_size > 0 {
        keys.push(NGD_POP);
    }
    keys
}

fn claim(claim: &str, measured: String, verdict: Verdict, reason: String) -> Claim {
    Claim {
        claim: claim.into(),
        measured,
        verdict,
        reason,
    }
}

fn list(t: &Table, label: SeriesKey, ns: &[usize]) -> String {
    ns.iter()
        .filter_map(|&n| t.mean(label, n).map(|a| format!("N={n}: {a:.3}")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every claim the measurements allow judging (claims about series the config does not plan
/// are left out).
///
/// # Errors
///
/// [`MissingSeries`] when a series the config plans has no completed run.
pub(super) fn claims(
    c: &SweepConfig,
    t: &Table,
    logits: Option<&LogitTrace>,
) -> Result<Vec<Claim>, MissingSeries> {
    for key in planned_series(c) {
        t.expect(key)?;
    }
    let below: Vec<usize> = t.ns.iter().copied().filter(|&n| n < c.dim).collect();
    let above: Vec<usize> = t.ns.iter().copied().filter(|&n| n >= c.dim).collect();
    let mut out = Vec::new();

    // 1. Deep diagonal EGD generalizes when N < D.
    let best = [egd(2), egd(3)]
        .into_iter()
        .flat_map(|l| {
            below
                .iter()
                .filter_map(move |&n| t.mean(l, n).map(|a| (l, n, a)))
        })
        .max_by(|a, b| a.2.total_cmp(&b.2));
    if let Some((l, n, a)) = best {
        let l1 = t.mean(egd(1), n).unwrap_or(f64::NAN);
        let verdict = if a >= 0.85 {
            Verdict::Reproduced
        } else if a >= 0.75 && a > l1 + 0.03 {
            Verdict::Partly
        } else {
            Verdict::NotReproduced
        };
        out.push(claim(
            "EGD with 2 or 3-layer diagonal parametrization can reach up to 90% accuracy when N < D",
            format!("best mean test accuracy with N < D: {l} at N={n}: {a:.3} (EGD L=1 there: {l1:.3})"),
            verdict,
            "reproduced if ≥ 0.85; partly if ≥ 0.75 and ahead of L = 1 by > 0.03".into(),
        ));
    }

    // 2. Sample-Fisher NGD at chance when N < D.
    let near: Vec<(usize, f64)> =
        t.ns.iter()
            .filter(|&&n| n <= c.dim)
            .filter_map(|&n| t.mean(NGD, n).map(|a| (n, a)))
            .collect();
    if !near.is_empty() {
        let at_chance: Vec<usize> = near
            .iter()
            .filter(|x| (x.1 - 0.5).abs() <= 0.05)
            .map(|x| x.0)
            .collect();
        let verdict = match at_chance.len() {
            0 => Verdict::NotReproduced,
            k if k == near.len() => Verdict::Reproduced,
            _ => Verdict::Partly,
        };
        out.push(claim(
            "NGD with the sample Fisher performs at chance level when N < D",
            format!("NGD (sample Fisher, L=1) mean test accuracy for N ≤ D: {}; within 0.5 ± 0.05 at N ∈ {at_chance:?}", list(t, NGD, &near.iter().map(|x| x.0).collect::<Vec<_>>())),
            verdict,
            "chance = |acc − 0.5| ≤ 0.05. For N < D NGD converges in direction to the minimum-norm interpolant X⁺y (Theorem 4), whose accuracy is ~0.5 only near the interpolation threshold N ≈ D and above chance for N ≪ D (reference-setups: 0.57 at N=100, 0.66 at N=500, 0.49 at N=1000 for D=1000)".into(),
        ));
    }

    // 3. NGD worse than EGD even when N ≥ D.
    let gaps: Vec<(usize, f64, String)> = above
        .iter()
        .filter_map(|&n| Some((n, t.mean(NGD, n)?, t.best_egd(n)?)))
        .map(|(n, a, (l, e))| (n, e - a, format!("N={n}: NGD {a:.3} vs {l} {e:.3}")))
        .collect();
    if !gaps.is_empty() {
        let worse = gaps.iter().filter(|g| g.1 > 0.02).count();
        out.push(claim(
            "NGD performs worse than EGD even when N ≥ D",
            gaps.iter()
                .map(|g| g.2.clone())
                .collect::<Vec<_>>()
                .join("; "),
            if worse == gaps.len() {
                Verdict::Reproduced
            } else if worse > 0 {
                Verdict::Partly
            } else {
                Verdict::NotReproduced
            },
            "worse = best EGD depth ahead by > 0.02 in mean test accuracy".into(),
        ));
    }

    // 4. Population Fisher helps but trails EGD.
    let rows: Vec<(usize, f64, f64, f64)> =
        t.ns.iter()
            .filter_map(|&n| Some((n, t.mean(NGD_POP, n)?, t.mean(NGD, n)?, t.best_egd(n)?.1)))
            .collect();
    if !rows.is_empty() {
        let helps = rows.iter().filter(|r| r.1 > r.2 + 0.02).count();
        let trails = rows.iter().filter(|r| r.1 < r.3 - 0.02).count();
        let all = rows.len();
        let verdict = match (helps, trails) {
            (h, t) if h == all && t == all => Verdict::Reproduced,
            (0, _) | (_, 0) => Verdict::NotReproduced,
            _ => Verdict::Partly,
        };
        out.push(claim(
            "NGD with the population Fisher improves on the sample Fisher but still fails to match EGD",
            format!(
                "{}; population ahead of sample Fisher (> 0.02) at {helps}/{all} N, behind the best EGD depth (> 0.02) at {trails}/{all} N",
                rows.iter().map(|r| format!("N={}: pop {:.3}, sample {:.3}, best EGD {:.3}", r.0, r.1, r.2, r.3)).collect::<Vec<_>>().join("; ")
            ),
            verdict,
            "thresholds 0.02 in mean test accuracy, per N".into(),
        ));
    }

    // 5. L = 4 on par with L = 1.
    let diffs: Vec<f64> =
        t.ns.iter()
            .filter_map(|&n| Some(t.mean(egd(4), n)? - t.mean(egd(1), n)?))
            .collect();
    if !diffs.is_empty() {
        let worst = diffs.iter().copied().fold(0.0_f64, |a, d| a.max(d.abs()));
        let mean = diffs.iter().sum::<f64>() / diffs.len() as f64;
        out.push(claim(
            "The deeper diagonal model (L = 4) was on par with the shallow solution (too few EGD steps)",
            format!("acc(L=4) − acc(L=1): mean {mean:+.3}, max |·| {worst:.3} over N"),
            if worst <= 0.03 { Verdict::Reproduced } else if mean.abs() <= 0.03 { Verdict::Partly } else { Verdict::NotReproduced },
            format!("on par = max |difference| ≤ 0.03; EGD ran {} steps ({:?} step)", c.egd_steps, c.egd_step),
        ));
    }

    // 6. Logits grow like η t y.
    if let Some(tr) = logits {
        let last = tr.logits.len().saturating_sub(1);
        let half = last / 2;
        let eta = tr.learning_rate;
        let mut worst_slope = 0.0_f64;
        let mut worst_ratio = 0.0_f64;
        for (i, &y) in tr.labels.iter().enumerate() {
            if last > half {
                let slope =
                    (tr.logits[last][i] - tr.logits[half][i]) / ((last - half) as f64 * eta);
                worst_slope = worst_slope.max((slope - y).abs());
            }
            if last > 0 {
                worst_ratio = worst_ratio.max((tr.logits[last][i] / (eta * last as f64) - y).abs());
            }
        }
        out.push(claim(
            "Under NGD, when N < D, logits of the model grow linearly, proportional to the binary label",
            format!("N={}, {} samples, t ≤ {last}: max |slope/η − y| over the second half = {worst_slope:.2e}; max |s(t)/(ηt) − y| at t = {last}: {worst_ratio:.3}", c.logit_n, tr.labels.len()),
            if worst_slope <= 0.05 { Verdict::Reproduced } else { Verdict::NotReproduced },
            "linear ∝ y = the late slope of every logit is η·y within 0.05; s/(ηt) − y → 0 like log(t)/t (the offset log-like term of u ← u + η(1+e^{−u}))".into(),
        ));
    }

    // 7. Sparse structure (right panel).
    let n = c.beta_n;
    if let (Some(ngd), Some(l1), Some(l2)) = (t.get(NGD, n), t.get(egd(1), n), t.get(egd(2), n)) {
        let ok = ngd.mass <= l1.mass + 0.05 && ngd.mass < l2.mass - 0.1 && l2.mass > l1.mass;
        out.push(claim(
            "In the 2-layer diagonal network β becomes sparse; the 1-layer solution is less sparse; NGD fails to learn the sparse structure",
            format!("share of |β| on the {} true coordinates at N={n} (truth 1, uniform {:.3}): EGD L=2 {:.3}, EGD L=1 {:.3}, NGD {:.3}", c.sparsity, c.sparsity as f64 / c.dim as f64, l2.mass, l1.mass, ngd.mass),
            if ok { Verdict::Reproduced } else { Verdict::NotReproduced },
            "reproduced if NGD's share is at most EGD L=1's + 0.05 and below EGD L=2's − 0.1, and L=2's share exceeds L=1's".into(),
        ));
    }
    Ok(out)
}
