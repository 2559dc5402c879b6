//! Layer-split NGD on scalar (1 × 1) factors: an exact identity, and why even depths cannot
//! change the sign of the product.
//!
//! With factors `w_1, …, w_L` (1 × 1), product `w = Π_i w_i`, squared loss `½ (w − m)²` and
//! `g = ∂L/∂w = w − m`, the layer split (corrected eq. 51, `(1/L) A_i⁺ G B_i⁺`) moves factor `i`
//! by `Δw_i = (1/L) g / Π_{j≠i} w_j = w_i · g / (L w)`. A step of size `η` therefore multiplies
//! *every* factor by the same `1 − u`, `u = η g / (L w)`, and
//!
//! ```text
//! w' = w (1 − u)^L.
//! ```
//!
//! For even `L`, `(1 − u)^L ≥ 0`: no step, of any size, changes the sign of the product (it can
//! at most reach 0, at `u = 1`). From a product of the wrong sign (`w m < 0`), even-depth
//! layer-split NGD can only approach 0 — whereas the natural gradient *flow* moves the product
//! by exactly `dw/dt = −g` and crosses 0 — and a step capped relative to the factors' norms (as
//! fig5 uses) shrinks with `|w|` on the way. Odd `L` can cross (`u > 1`). This is the scalar
//! form of what fig5 measures for layer-split NGD at `L = 2, 4` from a tiny Gaussian
//! initialization (the product stays near 0 while `L = 1, 3` fit the observations).
//!
//! Tolerance of the identity: the step is a handful of products and quotients of values of
//! order 1, so `1e-13` relative.

use ndarray::Array2;
use ngd_fisher::Cutoff;
use ngd_fisher::factorization::NaturalDirection;
use ngd_models::MatrixFactorization;
use ngd_optim::*;

/// One layer-split NGD step of size `eta` on scalar factors `w` towards target `m`; returns
/// the new factors.
fn layer_split_step(w: &[f64], m: f64, eta: f64) -> Vec<f64> {
    let factors: Vec<Array2<f64>> = w.iter().map(|&x| Array2::from_elem((1, 1), x)).collect();
    let problem =
        CompletionProblem::new(Array2::from_elem((1, 1), m), Array2::from_elem((1, 1), 1.0))
            .unwrap();
    let mut rule = FactorizationNgd::new(eta, NaturalDirection::LayerSplit(Cutoff::default()))
        .expect("valid rule");
    let mut model = MatrixFactorization::new(factors).unwrap();
    rule.step(&mut model, &problem).expect("step");
    model.factors().iter().map(|f| f[[0, 0]]).collect()
}

const FACTORS: [f64; 4] = [0.7, -1.3, 0.45, 2.1];

#[test]
fn every_factor_is_scaled_by_the_same_one_minus_u() {
    for l in 1..=4 {
        let w0 = &FACTORS[..l];
        let w: f64 = w0.iter().product();
        for m in [1.5, -0.8, 3.0] {
            for eta in [0.01, 0.3, 1.0, 2.5] {
                let u = eta * (w - m) / (l as f64 * w);
                let moved = layer_split_step(w0, m, eta);
                for (before, after) in w0.iter().zip(&moved) {
                    let expected = before * (1.0 - u);
                    assert!(
                        (after - expected).abs() <= 1e-13 * expected.abs().max(1.0),
                        "L = {l}, m = {m}, η = {eta}: {after} vs {expected}"
                    );
                }
                let product: f64 = moved.iter().product();
                let expected = w * (1.0 - u).powi(l as i32);
                assert!(
                    (product - expected).abs() <= 1e-13 * expected.abs().max(1.0),
                    "L = {l}: product {product} vs w (1 − u)^L = {expected}"
                );
            }
        }
    }
}

#[test]
fn even_depth_never_changes_the_sign_of_the_product_odd_depth_can() {
    // Products of the wrong sign for the target: m > 0 with w < 0.
    let m = 1.0;
    for l in 1..=4 {
        let w0 = [-0.7, 1.3, 0.45, 2.1];
        let w0 = &w0[..l];
        let w: f64 = w0.iter().product();
        assert!(w < 0.0);
        let g = w - m;
        let crossed = (1..=400).any(|k| {
            let eta = 0.01 * k as f64 * (l as f64 * w / g); // u = 0.01 k, up to 4
            let product: f64 = layer_split_step(w0, m, eta).iter().product();
            if l % 2 == 0 {
                assert!(
                    product <= 0.0,
                    "L = {l}: the sign changed at u = {}",
                    0.01 * k as f64
                );
            }
            product > 0.0
        });
        assert_eq!(
            crossed,
            l % 2 == 1,
            "L = {l}: crossing 0 possible only for odd L"
        );
    }
}
