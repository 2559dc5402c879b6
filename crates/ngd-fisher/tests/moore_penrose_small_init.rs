//! The Moore–Penrose direction at depth 3 and 4 in the small-initialization regime of Fig. 5
//! (Arora et al.'s Gaussian init, `init_scale = 1e-3`), against the dense brute force
//! `pinv(JᵀJ) Jᵀ vec G`: from the initialization, after NGD steps, on singular (rank-deficient)
//! factors, and the typed error when the accuracy cannot be met.
//!
//! Tolerances from the problem: CG stops at a relative residual `tol`, so the directions are
//! within `√κ · tol` of `J⁺ G` (`κ = κ(J Jᵀ)` on its range), and the dense reference, which
//! squares `J`, carries `≈ κ · n · ε` (`n = L D²`).

mod common;

use common::{randn, rel_err, rng};
use ndarray::{Array2, Axis};
use ngd_fisher::factorization::{
    FactorMethod, MpOptions, dense_natural_gradient, jacobian_dense, moore_penrose, unvec, vec,
};
use ngd_fisher::linalg::thin_svd;
use ngd_fisher::{Cutoff, FisherError};
use ngd_models::factorization::product;
use ngd_models::init::gaussian_factorization;
use rand::RngExt;

/// CG tolerance of these tests (attainable: `ε √κ ≈ 1e-13` here).
const TOLERANCE: f64 = 1e-12;

/// Arora's factors and the completion gradient `P_Ω(β − M)` (rank-2 `M`, ≈ half observed).
fn arora(seed: u64, d: usize, l: usize) -> (Vec<Array2<f64>>, Array2<f64>, Array2<bool>) {
    let mut r = rng(seed);
    let model = gaussian_factorization(l, d, 1e-3, &mut r).expect("valid init");
    let truth = randn(&mut r, d, 2).dot(&randn(&mut r, d, 2).t());
    let mask = Array2::from_shape_simple_fn((d, d), || r.random::<bool>());
    (model.factors().to_vec(), truth, mask)
}

fn completion_gradient(
    ws: &[Array2<f64>],
    truth: &Array2<f64>,
    mask: &Array2<bool>,
) -> Array2<f64> {
    let mut g = product(ws) - truth;
    g.zip_mut_with(mask, |x, &m| *x = if m { *x } else { 0.0 });
    g
}

/// `κ(J Jᵀ)` over the singular values of `J` kept by the default cut-off, and that rank.
fn kappa(ws: &[Array2<f64>]) -> (f64, usize) {
    let svd = thin_svd(jacobian_dense(ws).view()).expect("svd");
    let max = svd.sigma[0];
    let n = ws.len() * ws[0].len();
    let kept: Vec<f64> = svd
        .sigma
        .iter()
        .copied()
        .filter(|&s| Cutoff::default().keeps(s * s, n, n, max * max))
        .collect();
    let min = kept.last().copied().expect("non-zero J");
    ((max / min).powi(2), kept.len())
}

fn options() -> MpOptions {
    MpOptions {
        cg_tolerance: TOLERANCE,
        ..MpOptions::default()
    }
}

/// Checks the CG route against the dense pseudo-inverse with the tolerance from `κ`; returns
/// the worst relative error.
fn check_against_dense(ws: &[Array2<f64>], g: &Array2<f64>, label: &str) -> f64 {
    let (kappa, rank) = kappa(ws);
    let n = ws.len() * ws[0].len();
    let tolerance = kappa.sqrt() * TOLERANCE + kappa * n as f64 * f64::EPSILON;
    let mp = moore_penrose(ws, g.view(), &options()).unwrap_or_else(|e| panic!("{label}: {e}"));
    assert_eq!(mp.method, FactorMethod::ConjugateGradient);
    let (dense, dense_rank) = dense_natural_gradient(ws, g.view(), Cutoff::default()).unwrap();
    assert_eq!(dense_rank, rank, "{label}: rank of JᵀJ");
    let stack = |gs: &[Array2<f64>]| {
        ndarray::concatenate(Axis(0), &gs.iter().map(|g| g.view()).collect::<Vec<_>>()).unwrap()
    };
    let err = rel_err(stack(&mp.directions).view(), stack(&dense).view());
    eprintln!(
        "{label}: κ(JJᵀ) {kappa:.1e}, rank {rank}, {} iterations, error {err:.1e} (tolerance {tolerance:.1e})",
        mp.iterations
    );
    assert!(err <= tolerance, "{label}: {err:e} > {tolerance:e}");
    err
}

#[test]
fn matches_dense_pinv_from_arora_initialization() {
    for (d, l) in [(6, 3), (6, 4), (10, 3), (10, 4)] {
        for seed in [1, 2] {
            let (ws, truth, mask) = arora(seed, d, l);
            let g = completion_gradient(&ws, &truth, &mask);
            check_against_dense(&ws, &g, &format!("init D = {d}, L = {l}, seed {seed}"));
        }
    }
}

#[test]
fn matches_dense_pinv_along_an_ngd_trajectory() {
    // 25 NGD-MP steps at fig5's relative cap 0.1 from Arora's init, checked every 5 steps.
    for l in [3, 4] {
        let (mut ws, truth, mask) = arora(3, 8, l);
        for step in 0..=25 {
            let g = completion_gradient(&ws, &truth, &mask);
            if step % 5 == 0 {
                check_against_dense(&ws, &g, &format!("NGD step {step}, D = 8, L = {l}"));
            }
            let mp = moore_penrose(&ws, g.view(), &options()).unwrap();
            let norm = |m: &Array2<f64>| m.iter().map(|x| x * x).sum::<f64>().sqrt();
            let eta = ws
                .iter()
                .zip(&mp.directions)
                .map(|(w, gi)| 0.1 * norm(w) / norm(gi))
                .fold(0.5, f64::min);
            for (w, gi) in ws.iter_mut().zip(&mp.directions) {
                w.scaled_add(-eta, gi);
            }
        }
    }
}

/// Small-init factors with `W_2 = 0` and `W_1` of rank `D − 2`: `J` is rank-deficient
/// (only the `W_2` block `B_2ᵀ ⊗ W_1` survives).
fn singular_factors(d: usize, l: usize) -> Vec<Array2<f64>> {
    let (mut ws, _, _) = arora(4, d, l);
    ws[1].fill(0.0);
    ws[0].row_mut(d - 1).fill(0.0);
    ws[0].row_mut(d - 2).fill(0.0);
    ws
}

#[test]
fn minimum_norm_solution_on_rank_deficient_factors() {
    for l in [3, 4] {
        let d = 6;
        let ws = singular_factors(d, l);
        // A consistent G = J x: the solution set is x + null J; the minimum-norm one is unique.
        let x = randn(&mut rng(5), l * d * d, 1);
        let g = unvec(jacobian_dense(&ws).dot(&x).column(0), d, d).unwrap();
        check_against_dense(&ws, &g, &format!("rank-deficient, L = {l}"));
        let mp = moore_penrose(&ws, g.view(), &options()).unwrap();
        let squared: f64 = mp.directions.iter().flatten().map(|v| v * v).sum();
        let generating: f64 = x.iter().map(|v| v * v).sum();
        assert!(squared < generating, "{squared} ≥ {generating}");
    }
}

#[test]
fn unmet_accuracy_is_a_typed_error_with_the_residual() {
    // G outside the range of a rank-deficient J: no direction solves Σ A_i G_i B_i = G, and the
    // reported residual is at least the distance of G from that range.
    let (d, l) = (6, 3);
    let ws = singular_factors(d, l);
    let g = randn(&mut rng(6), d, d);
    let j = jacobian_dense(&ws);
    let (reachable, _) = dense_natural_gradient(&ws, g.view(), Cutoff::default()).unwrap();
    let stacked: Vec<f64> = reachable
        .iter()
        .flat_map(|m| vec(m.view()).to_vec())
        .collect();
    let projection = j.dot(&ndarray::Array1::from(stacked));
    let distance = rel_err(unvec(projection.view(), d, d).unwrap().view(), g.view());
    assert!(
        distance > 0.1,
        "G must be far from the range of J: {distance}"
    );
    match moore_penrose(&ws, g.view(), &options()) {
        Err(FisherError::NotConverged {
            residual,
            tolerance,
            ..
        }) => {
            assert_eq!(tolerance, TOLERANCE);
            assert!(
                residual >= distance * (1.0 - 1e-6),
                "{residual} < {distance}"
            );
        }
        other => panic!("expected NotConverged, got {other:?}"),
    }
    // A budget too small for the small-init problem: an error after exactly that many steps.
    let (ws, truth, mask) = arora(7, 10, 4);
    let g = completion_gradient(&ws, &truth, &mask);
    let tight = MpOptions {
        cg_max_iterations: Some(3),
        ..options()
    };
    match moore_penrose(&ws, g.view(), &tight) {
        Err(FisherError::NotConverged {
            iterations,
            residual,
            ..
        }) => {
            assert_eq!(iterations, 3);
            assert!(residual > TOLERANCE && residual.is_finite());
        }
        other => panic!("expected NotConverged, got {other:?}"),
    }
}
