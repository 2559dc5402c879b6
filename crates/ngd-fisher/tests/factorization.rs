//! Deep matrix factorization natural gradients: Moore–Penrose against the dense brute force
//! `pinv(JᵀJ) Jᵀ vec G`, the natural-gradient equation `Σ_i A_i G_i B_i = G`, and an executable
//! check of the eq. 51 correction.

mod common;

use common::{beta_change, factors, randn, rel_err, rng};
use ndarray::Array2;
use ngd_fisher::Cutoff;
use ngd_fisher::factorization::{
    FactorMethod, MpOptions, dense_natural_gradient, layer_split, moore_penrose,
};
use ngd_fisher::linalg::pinv;
use ngd_models::factorization::{prefix_products, suffix_products};

#[test]
fn moore_penrose_matches_dense_brute_force() {
    let mut worst = 0.0_f64;
    for (l, method) in [
        (1, FactorMethod::Direct),
        (2, FactorMethod::Sylvester),
        (3, FactorMethod::ConjugateGradient),
        (4, FactorMethod::ConjugateGradient),
    ] {
        for (seed, d, scale) in [(1, 3, 0.5), (2, 4, 0.8), (3, 5, 1.0)] {
            let ws = factors(seed * 10 + l as u64, d, l, scale);
            let g = randn(&mut rng(seed + 100), d, d);
            // A tolerance tighter than the default 1e-10, reachable on these small problems.
            let options = MpOptions {
                cg_tolerance: 1e-13,
                ..MpOptions::default()
            };
            let mp = moore_penrose(&ws, g.view(), &options).unwrap();
            assert_eq!(mp.method, method);
            let (dense, rank) = dense_natural_gradient(&ws, g.view(), Cutoff::default()).unwrap();
            assert_eq!(rank, d * d, "rank of JᵀJ");
            for (i, (s, r)) in mp.directions.iter().zip(&dense).enumerate() {
                let err = rel_err(s.view(), r.view());
                assert!(err <= 1e-9, "L = {l}, D = {d}, layer {i}: {err:e}");
                worst = worst.max(err);
            }
            let res = rel_err(beta_change(&ws, &mp.directions).view(), g.view());
            assert!(res <= 1e-9, "L = {l}, D = {d}: residual {res:e}");
            eprintln!(
                "L={l} D={d} {:?}: iterations {}, residual {res:.2e}",
                mp.method, mp.iterations
            );
        }
    }
    eprintln!("worst relative error, Moore–Penrose vs dense (factorization): {worst:.2e}");
}

#[test]
fn layer_split_solves_each_share() {
    let mut worst = 0.0_f64;
    for l in 1..=4 {
        let ws = factors(40 + l as u64, 5, l, 1.0);
        let g = randn(&mut rng(41), 5, 5);
        let split = layer_split(&ws, g.view(), Cutoff::default()).unwrap();
        assert!(split.factor_ranks.iter().all(|r| *r == [5, 5]));
        let a = prefix_products(&ws);
        let b = suffix_products(&ws);
        for (i, gi) in split.directions.iter().enumerate() {
            let share = a[i].dot(gi).dot(&b[i]);
            let err = rel_err(share.view(), (&g / l as f64).view());
            assert!(err <= 1e-9, "L = {l}, layer {i}: {err:e}");
            worst = worst.max(err);
        }
        let res = rel_err(beta_change(&ws, &split.directions).view(), g.view());
        assert!(res <= 1e-9);
        worst = worst.max(res);
    }
    eprintln!("worst relative residual of the layer split: {worst:.2e}");
}

#[test]
fn printed_eq_51_fails_and_corrected_one_holds() {
    // Random non-symmetric factors, L = 3, middle layer i = 2 (A_2 = W_1, B_2 = W_3).
    let ws = factors(77, 4, 3, 1.0);
    let g = randn(&mut rng(78), 4, 4);
    let a = prefix_products(&ws);
    let b = suffix_products(&ws);
    let cutoff = Cutoff::default();
    let a_pinv = pinv(a[1].view(), cutoff).unwrap().matrix;
    let b_pinv = pinv(b[1].view(), cutoff).unwrap().matrix;
    let bt_pinv = pinv(b[1].t(), cutoff).unwrap().matrix;
    let target = &g / 3.0;
    // The paper's printed eq. 51: (1/L) B_iᵀ⁺ G A_i⁺.
    let printed = bt_pinv.dot(&g).dot(&a_pinv) / 3.0;
    let printed_err = rel_err(a[1].dot(&printed).dot(&b[1]).view(), target.view());
    // The corrected order: (1/L) A_i⁺ G B_i⁺.
    let corrected = a_pinv.dot(&g).dot(&b_pinv) / 3.0;
    let corrected_err = rel_err(a[1].dot(&corrected).dot(&b[1]).view(), target.view());
    eprintln!("eq. 51 printed: {printed_err:.2e}, corrected: {corrected_err:.2e}");
    assert!(printed_err > 0.1, "{printed_err}");
    assert!(corrected_err <= 1e-12, "{corrected_err}");
}

#[test]
fn layer_split_is_not_moore_penrose_but_both_move_beta_by_g() {
    let ws = factors(90, 4, 2, 1.0);
    let g = randn(&mut rng(91), 4, 4);
    let split = layer_split(&ws, g.view(), Cutoff::default()).unwrap();
    let mp = moore_penrose(&ws, g.view(), &MpOptions::default()).unwrap();
    let sq = |gs: &[Array2<f64>]| gs.iter().flatten().map(|x| x * x).sum::<f64>();
    // The Moore–Penrose direction has the smaller norm among all solutions.
    assert!(sq(&mp.directions) < sq(&split.directions));
}

#[test]
fn singular_factors_are_handled() {
    // W_1 = 0 (rank 0): β = 0 and J has rank D² (the W_1 block is B_1ᵀ ⊗ I = W_2ᵀ ⊗ I).
    let mut ws = factors(95, 3, 2, 1.0);
    ws[0].fill(0.0);
    let g = randn(&mut rng(96), 3, 3);
    let mp = moore_penrose(&ws, g.view(), &MpOptions::default()).unwrap();
    let (dense, _) = dense_natural_gradient(&ws, g.view(), Cutoff::default()).unwrap();
    for (s, r) in mp.directions.iter().zip(&dense) {
        assert!(rel_err(s.view(), r.view()) <= 1e-9);
    }
    let split = layer_split(&ws, g.view(), Cutoff::default()).unwrap();
    assert_eq!(split.factor_ranks[1], [0, 3]);
    assert!(split.directions.iter().flatten().all(|x| x.is_finite()));
    // All factors zero: J = 0, the operator is zero; the Sylvester route returns rank 0 and zeros.
    let zeros = vec![Array2::<f64>::zeros((3, 3)); 2];
    let mp = moore_penrose(&zeros, g.view(), &MpOptions::default()).unwrap();
    assert_eq!(mp.operator_rank, Some(0));
    assert!(mp.directions.iter().flatten().all(|&x| x == 0.0));
    // L = 3 with all factors zero: G is not in the range of J, CG reports non-convergence.
    let zeros = vec![Array2::<f64>::zeros((3, 3)); 3];
    assert!(moore_penrose(&zeros, g.view(), &MpOptions::default()).is_err());
}
