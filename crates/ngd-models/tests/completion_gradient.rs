//! The observed-entry loss and gradient of a deep factorization ([`CompletionGradient`])
//! against the dense formulation (`β = W_1 ⋯ W_L`, `G = mask ⊙ (β − M)`, `∇_{W_i} = A_iᵀ G B_iᵀ`).
//!
//! Tolerances are `n·ε`-scaled: an entry of `A_iᵀ G B_iᵀ` is a sum of products whose
//! magnitudes add up to at most `Π_{j≠i} ‖W_j‖_F ‖G‖_F`, computed in two different orders with
//! at most `(L + 1) D` roundings each; the loss differs through `β` on `Ω`, whose entries have
//! the same kind of bound with `Π_j ‖W_j‖_F`.

mod common;

use common::completion_problem;
use ndarray::{Array2, ShapeBuilder};
use ngd_models::CompletionGradient;
use ngd_models::factorization::{product, pull_back};
use ngd_models::squared_loss::value_and_gradient;
use proptest::prelude::*;

fn frobenius(a: &Array2<f64>) -> f64 {
    a.iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// Checks loss and gradients against the dense path; returns the worst error relative to the
/// bound (≤ 1 passes).
fn check(factors: &[Array2<f64>], target: &Array2<f64>, mask: &Array2<f64>) -> f64 {
    let (l, d) = (factors.len(), factors[0].nrows());
    let beta = product(factors);
    let mut g = Array2::zeros(beta.raw_dim());
    let dense_loss =
        value_and_gradient(beta.view(), target.view(), mask.view(), g.view_mut()).unwrap();
    let dense = pull_back(factors, g.view());
    let mut ws = CompletionGradient::new();
    let loss = ws.evaluate(factors, target.view(), mask.view()).unwrap();
    ws.compute_gradients(factors).unwrap();
    let eps = f64::EPSILON;
    let norms: Vec<f64> = factors.iter().map(frobenius).collect();
    let all: f64 = norms.iter().product();
    let rounding = 4.0 * (l + 1) as f64 * d as f64 * eps;
    let g_abs: f64 = g.iter().map(|x| x.abs()).sum();
    let loss_bound = rounding * all * (g_abs + 1.0) + 4.0 * eps * dense_loss;
    let mut worst = (loss - dense_loss).abs() / loss_bound;
    // Π_{j≠i} ‖W_j‖_F, the scale of layer i's gradient per unit ‖G‖_F.
    let others: Vec<f64> = (0..l)
        .map(|i| (0..l).filter(|&j| j != i).map(|j| norms[j]).product())
        .collect();
    for (i, reference) in dense.iter().enumerate() {
        let bound = rounding * others[i] * frobenius(&g) + f64::MIN_POSITIVE;
        let err = (&ws.gradient(i) - reference)
            .iter()
            .fold(0.0_f64, |m, x| m.max(x.abs()));
        worst = worst.max(err / bound);
    }
    let norm: f64 = dense
        .iter()
        .map(|x| frobenius(x).powi(2))
        .sum::<f64>()
        .sqrt();
    let scale: f64 = others.iter().sum::<f64>() * frobenius(&g) * d as f64;
    let norm_bound = rounding * scale + f64::MIN_POSITIVE;
    worst.max((ws.gradient_norm() - norm).abs() / norm_bound)
}

proptest! {
    #[test]
    fn observed_path_matches_dense((factors, target, mask) in completion_problem(6)) {
        let worst = check(&factors, &target, &mask);
        prop_assert!(worst <= 1.0, "error / bound = {worst:e}");
    }
}

#[test]
fn fortran_order_factors_and_reuse() {
    // The same buffers reused over shapes and depths, and factors in column-major order.
    let mut ws = CompletionGradient::new();
    for (l, d) in [(3, 5), (2, 4), (4, 5), (1, 3)] {
        let factors: Vec<Array2<f64>> = (0..l)
            .map(|k| {
                let values: Vec<f64> = (0..d * d).map(|i| ((k * 31 + i) as f64).sin()).collect();
                Array2::from_shape_vec((d, d).f(), values).unwrap()
            })
            .collect();
        let target = Array2::from_shape_fn((d, d), |(i, j)| (i as f64 - j as f64) * 0.3);
        let mask = Array2::from_shape_fn((d, d), |(i, j)| ((i * 7 + j * 3) % 3 != 0) as u8 as f64);
        let worst = check(&factors, &target, &mask);
        assert!(worst <= 1.0, "L = {l}, D = {d}: {worst:e}");
        let loss = ws.evaluate(&factors, target.view(), mask.view()).unwrap();
        ws.compute_gradients(&factors).unwrap();
        let mut fresh = CompletionGradient::new();
        assert_eq!(
            fresh
                .evaluate(&factors, target.view(), mask.view())
                .unwrap(),
            loss
        );
        fresh.compute_gradients(&factors).unwrap();
        for i in 0..l {
            assert_eq!(ws.gradient(i), fresh.gradient(i));
        }
    }
}

#[test]
fn bad_shapes_are_errors() {
    let factors = vec![Array2::<f64>::eye(3); 2];
    let mut ws = CompletionGradient::new();
    let m = Array2::<f64>::zeros((3, 4));
    assert!(ws.evaluate(&factors, m.view(), m.view()).is_err());
    assert!(ws.evaluate(&[], m.view(), m.view()).is_err());
    let t = Array2::<f64>::zeros((3, 3));
    assert!(ws.evaluate(&factors, t.view(), m.view()).is_err());
}
