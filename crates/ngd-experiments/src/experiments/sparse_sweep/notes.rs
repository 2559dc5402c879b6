//! The summary notes (every choice where the paper is silent, the accuracy table, how runs
//! ended) and the NGD invariance check (sample-Fisher NGD at depth 2 against depth 1).

use super::table::{Table, models};
use super::{EgdStepKind, Method, SweepConfig, SweepOutput, SweepParams};
use ngd_harness::experiment::{Claim, Runs, Verdict};
use std::collections::BTreeSet;

type SweepRuns = Runs<SweepParams, SweepOutput>;

/// Cosine of two vectors (0 if one is zero).
fn cosine(a: &[f64], b: &[f64]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    let nb = b.iter().map(|x| x * x).sum::<f64>().sqrt();
    if na > 0.0 && nb > 0.0 {
        dot / (na * nb)
    } else {
        0.0
    }
}

/// NGD L = 2 against L = 1 on the same data: largest accuracy difference and smallest cosine
/// of the learnt β's (the natural gradient flow is invariant to the parametrization; discrete
/// steps and the different initial β make the runs differ slightly).
pub(super) fn invariance(c: &SweepConfig, runs: &SweepRuns) -> Option<Claim> {
    // Only with sample-Fisher NGD at depth 2.
    c.ngd_depth(2)?;
    let find = |depth: usize, n: usize, seed: usize| {
        runs.iter().find_map(|(s, r)| {
            let p = &s.params;
            (p.method == Method::NgdSample { depth } && p.n == n && p.seed == seed)
                .then(|| r.output())
                .flatten()
                .and_then(|o| o.models.first())
        })
    };
    let (mut worst_acc, mut worst_cos, mut pairs) = (0.0_f64, 1.0_f64, 0);
    for &n in &c.n_grid {
        for seed in 0..c.seeds {
            if let (Some(a), Some(b)) = (find(1, n, seed), find(2, n, seed)) {
                worst_acc = worst_acc.max((a.test_accuracy - b.test_accuracy).abs());
                worst_cos = worst_cos.min(cosine(&a.beta, &b.beta));
                pairs += 1;
            }
        }
    }
    (pairs > 0).then(|| Claim {
        claim: "NGD always follows the same trajectory and finds the same optimum whatever the parametrization".into(),
        measured: format!("NGD L=2 vs L=1 over {pairs} (N, draw) pairs: max |Δ test accuracy| {worst_acc:.3}, min cos(β_L1, β_L2) {worst_cos:.4}"),
        verdict: if worst_acc <= 0.02 && worst_cos >= 0.99 { Verdict::Reproduced } else if worst_acc <= 0.05 { Verdict::Partly } else { Verdict::NotReproduced },
        reason: "same = accuracies within 0.02 and β directions with cosine ≥ 0.99 (exact only for the flow from the same β_0; here L = 2 starts at a small Gaussian β_0 and takes finite steps)".into(),
    })
}

/// The EGD step sizes, in `egd_depths` order.
fn egd_rates(c: &SweepConfig) -> Vec<f64> {
    c.egd_depths.iter().map(|s| s.learning_rate).collect()
}

/// The notes of the summary.
pub(super) fn notes(c: &SweepConfig, table: &Table, runs: &SweepRuns) -> Vec<String> {
    let egd = match c.egd_step {
        EgdStepKind::Fixed => format!(
            "EGD: fixed step η = {:?} per depth {:?} (the paper's step size is not stated), at most {} steps",
            egd_rates(c),
            c.egd_depth_list(),
            c.egd_steps
        ),
        EgdStepKind::LossNormalized => format!(
            "EGD: LOSS-NORMALIZED step η_t = η / L(w_t) with η = {:?} per depth {:?}, at most {} steps — an acceleration device (a time reparametrization of the same gradient flow), NOT the paper's 2 million fixed-step EGD steps",
            egd_rates(c),
            c.egd_depth_list(),
            c.egd_steps
        ),
    };
    let mut notes = vec![
        format!(
            "Data: x ~ N(0, I_D), β* = first {} entries 1, y = sign(xᵀβ*) (ties → +1); D = {}; {} test samples per draw; {} independent draws per N; every method of one (N, draw) sees the same data.",
            c.sparsity, c.dim, c.n_test, c.seeds
        ),
        egd.clone()
            + &format!(
                "; stop when every depth's training loss ≤ {:e} (0 = never).",
                c.egd_loss_below
            ),
        format!(
            "Initialization (choice): diagonal-net weights i.i.d. N(0, {}²); L = 1 models start at {}. EGD and NGD of the same depth share the initial point.",
            c.init_scale,
            if c.linear_init_zero {
                "β = 0"
            } else {
                "the same Gaussian"
            }
        ),
        format!(
            "NGD: fixed step η = {:?} with at most {:?} steps for depths {:?} (choices; deeper nets need a smaller η because a natural-gradient step linearizes β(w) and overshoots when it is large relative to the small weights), Moore–Penrose natural gradient of the sample Fisher with the Auto route (kernel N×N system for N ≤ D, weighted least squares for N > D, min-norm fallback on rank deficiency), stopped when the training loss ≤ {:e}. NGD converges in direction within tens of steps, so the budgets are small.",
            c.ngd_depths
                .iter()
                .map(|s| s.learning_rate)
                .collect::<Vec<_>>(),
            c.ngd_depths.iter().map(|s| s.steps).collect::<Vec<_>>(),
            c.ngd_depth_list(),
            c.ngd_loss_below
        ),
        if c.population_size > 0 {
            format!(
                "Population Fisher (choice of size): M = {} fresh unlabelled N(0, I) inputs per (N, draw), F_pop(β) re-formed at every step (cost M·D²), linear model, fixed step η = {} (choice: η = 1 overshoots, the population Fisher shrinks as the margins grow), at most {} steps, same loss threshold.",
                c.population_size, c.population_learning_rate, c.population_steps
            )
        } else {
            "Population-Fisher NGD not run (population_size = 0).".into()
        },
        format!(
            "Logits figure: run ngd-L1-N{}-r0 re-run for {} steps without loss threshold, logits of {} training samples recorded at every step.",
            c.logit_n, c.logit_steps, c.logit_samples
        ),
        format!(
            "Accuracy table (mean ± std of test accuracy):\n{}",
            table.text()
        ),
    ];
    let stops: BTreeSet<String> = models(runs)
        .map(|(_, _, m)| {
            format!(
                "{}: {}",
                m.label,
                m.stop.split(" at step").next().unwrap_or(&m.stop)
            )
        })
        .collect();
    notes.push(format!(
        "How training ended (distinct reasons): {}",
        stops.into_iter().collect::<Vec<_>>().join("; ")
    ));
    let steps: Vec<String> = table
        .labels
        .iter()
        .filter_map(|l| {
            let s: Vec<u64> = models(runs)
                .filter(|m| &m.2.label == l)
                .map(|m| m.2.steps)
                .collect();
            (!s.is_empty()).then(|| {
                format!(
                    "{l}: {}–{}",
                    s.iter().min().unwrap_or(&0),
                    s.iter().max().unwrap_or(&0)
                )
            })
        })
        .collect();
    notes.push(format!(
        "Steps taken (min–max over runs): {}",
        steps.join("; ")
    ));
    notes
}
