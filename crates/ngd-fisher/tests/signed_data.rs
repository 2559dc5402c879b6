//! The labelled entry point: `SignedData::from_labels` + `diag_natural_gradient_of` give the
//! dense brute-force natural gradient `pinv(F(w)) ∇_w` built by hand from `X̃ = diag(y) X`, for
//! N < D, N = D and N > D; and the raw inputs `X` (labels not folded in) give a different
//! direction whenever a label is −1 — the mistake the type makes visible.

mod common;

use common::{rel_err, rng, weights, well_conditioned};
use ndarray::{Array1, Axis};
use ngd_fisher::diagonal::dense_natural_gradient;
use ngd_fisher::{Cutoff, DiagOptions, SignedData, diag_natural_gradient_of};
use ngd_models::DiagonalNet;
use rand::RngExt;

#[test]
fn labelled_entry_point_matches_dense_brute_force_from_hand_built_inputs() {
    for (case, &(n, d)) in [(4, 7), (6, 6), (11, 5)].iter().enumerate() {
        for l in 1..=3 {
            let mut r = rng(700 + 10 * case as u64 + l as u64);
            let x = well_conditioned(&mut r, n, d) * 0.5;
            let mut y: Array1<f64> =
                Array1::from_shape_simple_fn(n, || if r.random::<bool>() { 1.0 } else { -1.0 });
            y[0] = -1.0;
            let w = weights(&mut r, l, d);
            let net = DiagonalNet::new(w.clone()).unwrap();

            let data = SignedData::from_labels(x.view(), y.view()).unwrap();
            let g = diag_natural_gradient_of(&net, &data, &DiagOptions::default()).unwrap();

            let x_signed = &x * &y.view().insert_axis(Axis(1));
            let margins = x_signed.dot(&net.beta());
            let (dense, rank) = dense_natural_gradient(
                x_signed.view(),
                margins.view(),
                net.cofactors().view(),
                Cutoff::default(),
            )
            .unwrap();
            assert_eq!(rank, n.min(d), "rank of F(w), N = {n}, D = {d}, L = {l}");
            let err = rel_err(g.direction.view(), dense.view());
            // The references square the data's condition number (≤ 3) twice; 1e4·ε leaves room
            // for that and for the weights' spread.
            let tol = 1e4 * f64::EPSILON;
            assert!(
                err < tol,
                "N={n} D={d} L={l}: rel. error {err:.2e} ≥ {tol:.1e}"
            );

            let unsigned = SignedData::from_signed(x.clone()).unwrap();
            let wrong = diag_natural_gradient_of(&net, &unsigned, &DiagOptions::default()).unwrap();
            let gap = rel_err(wrong.direction.view(), dense.view());
            assert!(
                gap > 1e3 * tol,
                "N={n} D={d} L={l}: X for X̃ went unnoticed ({gap:.2e})"
            );
        }
    }
}
