//! Exact theorem checks on small random problems (Theorems 1 and 2, App. D, App. G) and
//! end-to-end runs of the `fig2` and `theorems` experiments on tiny configs.

use ndarray::{Array1, Array2, array};
use ngd_data::{diagonal_rescaling, gaussian_matrix, well_conditioned_matrix};
use ngd_experiments::experiments::theorems::{Invariance, app_d, invariance, ols_invariance};
use ngd_optim::LogSchedule;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use std::process::Command;

/// `(X, y, A, diagonal rescaling, β₀)` of a random problem.
type Problem = (
    Array2<f64>,
    Array1<f64>,
    Array2<f64>,
    Array2<f64>,
    Array1<f64>,
);

fn problem(n: usize, d: usize, seed: u64) -> Problem {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let x = gaussian_matrix(n, d, 1.0, &mut rng).unwrap();
    let y = Array1::from_iter((0..n).map(|i| if i % 3 == 0 { -1.0 } else { 1.0 }));
    let a = well_conditioned_matrix(d, &mut rng).unwrap();
    let r = diagonal_rescaling(d, &mut rng).unwrap();
    let beta0 = gaussian_matrix(d, 1, 0.1, &mut rng)
        .unwrap()
        .column(0)
        .to_owned();
    (x, y, a, r, beta0)
}

/// NGD (step 0.7, 60 steps) on `X` and `X Aᵀ` for three random `N × D` problems, with both
/// transforms (well conditioned and diagonal rescaling): `(seed, result)` per run.
fn invariance_runs(n: usize, d: usize) -> Vec<(u64, Invariance)> {
    let mut runs = Vec::new();
    for seed in 0..3 {
        let (x, y, a, r, beta0) = problem(n, d, seed);
        for t in [&a, &r] {
            let inv = invariance(
                x.view(),
                y.view(),
                t.view(),
                beta0.clone(),
                0.7,
                60,
                LogSchedule::default(),
                &mut |_, _| {},
            )
            .unwrap();
            runs.push((seed, inv));
        }
    }
    runs
}

/// Theorem 1: N < D, NGD logits on X and X Aᵀ agree at every step (exact margin recursion).
#[test]
fn theorem1_logits_are_invariant() {
    for (seed, inv) in invariance_runs(5, 12) {
        assert!(
            inv.max_logit_difference < 1e-10,
            "seed {seed}: {:e}",
            inv.max_logit_difference
        );
    }
}

/// Theorem 2: N ≥ D, Aᵀβ'_t = β_t at every step.
#[test]
fn theorem2_parameters_are_invariant() {
    for (seed, inv) in invariance_runs(30, 6) {
        assert!(
            inv.max_beta_difference < 1e-10,
            "seed {seed}: {:e}",
            inv.max_beta_difference
        );
    }
}

/// App. D: the ℓ2 max-margin solutions are x/‖x‖² (closed form of argmin ‖β‖ s.t. xᵀβ ≥ 1):
/// (2, −3)/13 and (−4, −2)/20; the paper's printed (0, −1/3) and (−1/4, 0) are the ℓ1 ones.
#[test]
fn app_d_counterexample() {
    let s = app_d().unwrap();
    let close = |a: &Array1<f64>, b: Array1<f64>| (a - &b).iter().all(|v| v.abs() < 1e-6);
    assert!(
        close(&s.l2_x, array![2.0 / 13.0, -3.0 / 13.0]),
        "{:?}",
        s.l2_x
    );
    assert!(close(&s.l2_xa, array![-0.2, -0.1]), "{:?}", s.l2_xa);
    assert!(
        close(&s.l2_pulled_back, array![-0.1, -0.4]),
        "{:?}",
        s.l2_pulled_back
    );
    assert!(close(&s.l1_x, array![0.0, -1.0 / 3.0]), "{:?}", s.l1_x);
    assert!(close(&s.l1_xa, array![-0.25, 0.0]), "{:?}", s.l1_xa);
    assert!(
        close(&s.l1_pulled_back, array![-0.25, -0.5]),
        "{:?}",
        s.l1_pulled_back
    );
    assert!(!close(&s.l2_pulled_back, s.l2_x.clone()));
}

/// App. G: minimum-norm OLS: logits invariant for N < D, Aᵀβ' = β for N ≥ D.
#[test]
fn app_g_ols_invariance() {
    let (x, y, a, _, _) = problem(5, 12, 7);
    let (logit, beta) = ols_invariance(x.view(), y.view(), a.view()).unwrap();
    assert!(logit < 1e-10 && beta > 1e-3, "{logit:e} {beta:e}");
    let (x, y, a, _, _) = problem(30, 6, 7);
    let (_, beta) = ols_invariance(x.view(), y.view(), a.view()).unwrap();
    assert!(beta < 1e-10, "{beta:e}");
}

fn summary(out: &std::path::Path, exp: &str, sets: &[&str]) -> serde_json::Value {
    let mut args = vec!["run", exp, "--out", out.to_str().unwrap()];
    for s in sets {
        args.extend(["--set", s]);
    }
    let o = Command::new(env!("CARGO_BIN_EXE_ngd"))
        .args(&args)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&std::fs::read(out.join(exp).join("summary.json")).unwrap()).unwrap()
}

#[test]
fn fig2_end_to_end() {
    let tmp = tempfile::tempdir().unwrap();
    let s = summary(
        tmp.path(),
        "fig2",
        &[
            "depths=[1,2]",
            "egd_step=0.05",
            "egd_max_steps=20000",
            "ngd_steps=2000",
        ],
    );
    for f in [
        "trajectories.csv",
        "data.csv",
        "fig2a_egd.svg",
        "fig2b_ngd.png",
        "fig2c_angle.svg",
        "parameters.csv",
        "README.md",
    ] {
        assert!(tmp.path().join("fig2").join(f).is_file(), "{f}");
    }
    // The README explains every file and column; the parameters hold each run's layers.
    let readme = std::fs::read_to_string(tmp.path().join("fig2/README.md")).unwrap();
    assert!(readme.contains("| `stage` |") && !readme.contains("Not documented"));
    let params = std::fs::read_to_string(tmp.path().join("fig2/parameters.csv")).unwrap();
    // 2 methods × (L = 1 + L = 2 layers) × (initial, final).
    assert_eq!(params.lines().count(), 1 + 2 * 3 * 2);
    let h = &s["headline"];
    // Known directions of the toy set (ngd_data::toy2d docs): ℓ2 26.565°, ℓ1 0°.
    assert!((h["l2_max_margin_angle (deg)"].as_f64().unwrap() - 26.565).abs() < 1e-2);
    assert!(h["egd_L1_gap_to_l2 (deg)"].as_f64().unwrap() < 2.0);
    assert!(h["egd_deep_max_gap_to_l1 (deg)"].as_f64().unwrap() < 1.0);
    assert!(h["ngd_max_pairwise_angle (deg)"].as_f64().unwrap() < 0.1);
    assert!(h["ngd_min_gap_to_any_egd (deg)"].as_f64().unwrap() > 5.0);
}

#[test]
fn theorems_end_to_end() {
    let tmp = tempfile::tempdir().unwrap();
    let s = summary(
        tmp.path(),
        "theorems",
        &[
            "invariance_steps=50",
            "asymptotic_steps=500",
            "two_layer_steps=400",
        ],
    );
    for f in [
        "traces.csv",
        "scalars.csv",
        "invariance.svg",
        "logits_over_t.png",
        "cosine_to_min_norm.svg",
    ] {
        assert!(tmp.path().join("theorems").join(f).is_file(), "{f}");
    }
    let claims = s["claims"].as_array().unwrap();
    assert!(claims.len() >= 10);
    for c in claims.iter().filter(|c| {
        c["claim"].as_str().unwrap().starts_with("Thm 1")
            || c["claim"].as_str().unwrap().starts_with("Thm 2")
    }) {
        assert_eq!(c["verdict"], "reproduced", "{c}");
    }
    let dev = s["headline"]["thm4-two-layer: end max|s/t − y|"]
        .as_f64()
        .unwrap();
    assert!(dev < 0.05, "{dev}");
}

/// A quantity a claim reads that is missing from a run's output is an error naming it (not a
/// claim silently left out of the report).
#[test]
fn theorems_claims_need_their_quantities() {
    use ngd_experiments::experiments::theorems::{
        TheoremCheck, TheoremOutput, Theorems, Transform,
    };
    use ngd_harness::experiment::{Experiment, RunRecord, RunSpec};
    let exp = Theorems;
    let c = exp.config(ngd_harness::Preset::Quick);
    let spec = RunSpec {
        id: "thm1-wellcond".to_string(),
        cost: 1,
        params: TheoremCheck::Thm1 {
            transform: Transform::WellConditioned,
        },
    };
    let output = TheoremOutput {
        trace: Vec::new(),
        scalars: [("max_beta_rel_diff".to_string(), 0.0)]
            .into_iter()
            .collect(),
    };
    let dir = tempfile::tempdir().unwrap();
    let out = ngd_harness::output::ExperimentDir::create(dir.path(), "theorems").unwrap();
    let e = exp
        .finish(&c, &[(spec, RunRecord::Completed { output })], &out)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("thm1-wellcond") && e.contains("max_logit_rel_diff"),
        "{e}"
    );
}
