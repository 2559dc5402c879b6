//! Deep matrix factorizations: the squared-loss gradient through the factors against finite
//! differences, partial products, and initializations.

mod common;

use common::completion_problem;
use ndarray::{Array2, Zip};
use ngd_models::factorization::{prefix_products, product, pull_back, suffix_products};
use ngd_models::init::{collapsed_factorization, gaussian_factorization};
use ngd_models::squared_loss::{observed_mse, value_and_gradient};
use ngd_models::{MatrixFactorization, ModelError};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

fn loss_of(factors: &[Array2<f64>], target: &Array2<f64>, mask: &Array2<f64>) -> f64 {
    let beta = product(factors);
    let mut g = Array2::zeros(beta.raw_dim());
    value_and_gradient(beta.view(), target.view(), mask.view(), g.view_mut()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig {
        rng_seed: proptest::test_runner::RngSeed::Fixed(20_261_129),
        ..ProptestConfig::with_cases(32)
    })]

    /// ∇_{W_i} L = A_iᵀ G B_iᵀ with G = mask ⊙ (β − M), against central differences (step 1e-5).
    #[test]
    fn factor_gradients_match_finite_differences((factors, target, mask) in completion_problem(5)) {
        let beta = product(&factors);
        let mut g = Array2::zeros(beta.raw_dim());
        value_and_gradient(beta.view(), target.view(), mask.view(), g.view_mut()).unwrap();
        let expected_g = &mask * &(&beta - &target);
        prop_assert_eq!(&g, &expected_g);
        let grads = pull_back(&factors, g.view());
        let h = 1e-5;
        for (layer, grad) in grads.iter().enumerate() {
            for ((i, j), &exact) in grad.indexed_iter() {
                let mut plus = factors.clone();
                plus[layer][[i, j]] += h;
                let mut minus = factors.clone();
                minus[layer][[i, j]] -= h;
                let fd = (loss_of(&plus, &target, &mask) - loss_of(&minus, &target, &mask)) / (2.0 * h);
                prop_assert!((fd - exact).abs() <= 1e-7 * (1.0 + exact.abs()), "W_{layer}[{i},{j}]: {fd} vs {exact}");
            }
        }
    }

    /// A_i W_i B_i = β for every layer i.
    #[test]
    fn partial_products_rebuild_the_product((factors, _target, _mask) in completion_problem(5)) {
        let beta = product(&factors);
        let a = prefix_products(&factors);
        let b = suffix_products(&factors);
        let scale = 1.0 + beta.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        for i in 0..factors.len() {
            let rebuilt = a[i].dot(&factors[i]).dot(&b[i]);
            Zip::from(&rebuilt).and(&beta).for_each(|r, t| {
                assert!((r - t).abs() <= 1e-14 * scale * factors.len() as f64, "layer {i}: {r} vs {t}");
            });
        }
    }
}

#[test]
fn observed_mse_is_twice_the_loss_per_observation() {
    let beta = ndarray::array![[1.0, 2.0], [3.0, 4.0]];
    let target = ndarray::array![[0.0, 2.0], [5.0, 0.0]];
    let mask = ndarray::array![[1.0, 1.0], [1.0, 0.0]];
    let mut g = Array2::zeros((2, 2));
    // L = ½ (1 + 0 + 4) = 2.5 by hand; MSE over 3 observed entries = 5/3.
    let value = value_and_gradient(beta.view(), target.view(), mask.view(), g.view_mut()).unwrap();
    assert_eq!(value, 2.5);
    assert_eq!(g, ndarray::array![[1.0, 0.0], [-2.0, 0.0]]);
    assert_eq!(
        observed_mse(beta.view(), target.view(), mask.view()).unwrap(),
        5.0 / 3.0
    );
    assert!(observed_mse(beta.view(), target.view(), Array2::zeros((2, 2)).view()).is_err());
    assert!(matches!(
        value_and_gradient(
            beta.view(),
            target.view(),
            Array2::zeros((3, 2)).view(),
            g.view_mut()
        ),
        Err(ModelError::Shape { .. })
    ));
}

#[test]
fn gaussian_factorization_scale_and_determinism() {
    let (depth, dim, scale) = (3, 80, 1e-3);
    let draw = |seed| {
        gaussian_factorization(
            depth,
            dim,
            scale,
            &mut Xoshiro256PlusPlus::seed_from_u64(seed),
        )
        .unwrap()
    };
    let model = draw(5);
    assert_eq!(model, draw(5));
    assert_ne!(model, draw(6));
    // Per-entry std init_scale^{1/L} / √D = 0.1 / √80; 19200 draws: relative error ≈ 0.5%.
    let expected = scale.powf(1.0 / depth as f64) / (dim as f64).sqrt();
    let all: Vec<f64> = model
        .factors()
        .iter()
        .flat_map(|w| w.iter().copied())
        .collect();
    let std = (all.iter().map(|v| v * v).sum::<f64>() / all.len() as f64).sqrt();
    assert!((std / expected - 1.0).abs() < 0.03, "{std} vs {expected}");
}

#[test]
fn collapsed_factorization_draw_order_and_scale() {
    // collapse = 1 is the plain Gaussian initialization, bit for bit.
    let plain =
        gaussian_factorization(2, 6, 0.5, &mut Xoshiro256PlusPlus::seed_from_u64(3)).unwrap();
    let collapsed1 =
        collapsed_factorization(2, 6, 1, 0.5, &mut Xoshiro256PlusPlus::seed_from_u64(3)).unwrap();
    assert_eq!(plain, collapsed1);
    // collapse = 3, depth 2: each factor is the product of three consecutive depth-6 draws.
    let deep =
        gaussian_factorization(6, 6, 0.5, &mut Xoshiro256PlusPlus::seed_from_u64(3)).unwrap();
    let collapsed =
        collapsed_factorization(2, 6, 3, 0.5, &mut Xoshiro256PlusPlus::seed_from_u64(3)).unwrap();
    for (k, w) in collapsed.factors().iter().enumerate() {
        assert_eq!(w, &product(&deep.factors()[3 * k..3 * k + 3]));
    }
    // E‖β‖²_F = D · init_scale² for a product of L·c Gaussian factors with variance
    // init_scale^{2/(Lc)}/D each; averaged over 8 seeds the ratio is within 25% of 1.
    let (dim, scale) = (60, 1e-2);
    let mean_ratio: f64 = (0..8)
        .map(|seed| {
            let m: MatrixFactorization = collapsed_factorization(
                2,
                dim,
                3,
                scale,
                &mut Xoshiro256PlusPlus::seed_from_u64(seed),
            )
            .unwrap();
            m.product().iter().map(|v| v * v).sum::<f64>() / (dim as f64 * scale * scale)
        })
        .sum::<f64>()
        / 8.0;
    assert!((mean_ratio - 1.0).abs() < 0.25, "{mean_ratio}");
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(0);
    assert!(collapsed_factorization(2, 3, 0, 1.0, &mut rng).is_err());
    assert!(gaussian_factorization(0, 3, 1.0, &mut rng).is_err());
    assert!(gaussian_factorization(2, 3, -1.0, &mut rng).is_err());
}
