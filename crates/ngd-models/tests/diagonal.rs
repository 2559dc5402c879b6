//! Diagonal networks: cofactors against direct products, the dense Jacobian against finite
//! differences, depth-1 construction and initializations.

use ndarray::{Array1, Array2, array};
use ngd_models::diagonal::cofactors_into;
use ngd_models::init::{constant_diagonal, gaussian_diagonal};
use ngd_models::{DiagonalNet, ModelError};
use proptest::collection::vec;
use proptest::prelude::*;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// Weights with sizes 1–4 × 1–6 whose entries are often exactly zero.
fn weights_with_zeros() -> impl Strategy<Value = Array2<f64>> {
    (1..=4usize, 1..=6usize).prop_flat_map(|(l, d)| {
        vec(prop_oneof![Just(0.0), -2.0..2.0f64], l * d)
            .prop_map(move |w| Array2::from_shape_vec((l, d), w).unwrap())
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        rng_seed: proptest::test_runner::RngSeed::Fixed(20_261_129),
        ..ProptestConfig::with_cases(32)
    })]

    /// c_l = ∏_{k≠l} w_k, multiplied in layer order: equal to the direct product up to
    /// rounding (and exactly zero whenever another layer's weight is zero).
    #[test]
    fn cofactors_equal_direct_products(w in weights_with_zeros()) {
        let (l, d) = w.dim();
        let mut c = Array2::zeros((l, d));
        cofactors_into(w.view(), c.view_mut());
        for layer in 0..l {
            for i in 0..d {
                let direct: f64 = (0..l).filter(|&k| k != layer).map(|k| w[[k, i]]).product();
                prop_assert!((c[[layer, i]] - direct).abs() <= 4.0 * f64::EPSILON * direct.abs());
                if direct == 0.0 {
                    prop_assert_eq!(c[[layer, i]], 0.0);
                }
            }
        }
        let net = DiagonalNet::new(w.clone()).unwrap();
        prop_assert_eq!(net.cofactors(), c);
    }

    /// J = ∂β/∂w against central differences of β(w) (β is multilinear, so the only error is
    /// rounding).
    #[test]
    fn jacobian_matches_finite_differences(w in weights_with_zeros()) {
        let (l, d) = w.dim();
        let j = DiagonalNet::new(w.clone()).unwrap().jacobian_dense();
        prop_assert_eq!(j.dim(), (d, l * d));
        let h = 1e-6;
        for layer in 0..l {
            for i in 0..d {
                let mut plus = w.clone();
                plus[[layer, i]] += h;
                let mut minus = w.clone();
                minus[[layer, i]] -= h;
                let fd = (DiagonalNet::new(plus).unwrap().beta() - DiagonalNet::new(minus).unwrap().beta()) / (2.0 * h);
                for row in 0..d {
                    let exact = j[[row, layer * d + i]];
                    prop_assert!((fd[row] - exact).abs() <= 1e-8, "{} vs {}", fd[row], exact);
                }
            }
        }
    }
}

#[test]
fn depth_one_from_beta() {
    let net = DiagonalNet::from_beta_depth1(array![1.0, -2.0, 0.5]).unwrap();
    assert_eq!((net.depth(), net.dim()), (1, 3));
    assert_eq!(net.beta(), array![1.0, -2.0, 0.5]);
    assert_eq!(net.cofactors(), Array2::ones((1, 3)));
    assert!(DiagonalNet::from_beta_depth1(Array1::zeros(0)).is_err());
    assert!(DiagonalNet::from_beta_depth1(array![f64::NAN]).is_err());
}

#[test]
fn gaussian_init_is_deterministic_with_the_right_scale() {
    let draw = |seed| {
        gaussian_diagonal(3, 2000, 0.1, &mut Xoshiro256PlusPlus::seed_from_u64(seed)).unwrap()
    };
    let net = draw(1);
    assert_eq!(net, draw(1));
    assert_ne!(net, draw(2));
    // 6000 draws of N(0, 0.01): sample std 0.1 ± 0.1/√12000 ≈ ±0.0009; allow 5 sigma.
    let w = net.weights();
    let std = (w.iter().map(|v| v * v).sum::<f64>() / w.len() as f64).sqrt();
    assert!((std - 0.1).abs() < 0.005, "{std}");
}

#[test]
fn init_validation_names_the_argument() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(0);
    let what = |r: Result<DiagonalNet, ModelError>| match r {
        Err(ModelError::Invalid { what, .. }) => what,
        other => panic!("expected an Invalid error, got {other:?}"),
    };
    assert_eq!(what(gaussian_diagonal(0, 3, 1.0, &mut rng)), "depth");
    assert_eq!(what(gaussian_diagonal(2, 0, 1.0, &mut rng)), "dim");
    assert_eq!(what(gaussian_diagonal(2, 3, 0.0, &mut rng)), "scale");
    assert_eq!(
        what(gaussian_diagonal(2, 3, f64::INFINITY, &mut rng)),
        "scale"
    );
    assert_eq!(what(constant_diagonal(2, 3, f64::NAN)), "value");
    let net = constant_diagonal(3, 4, 0.5).unwrap();
    assert_eq!(net.beta(), Array1::from_elem(4, 0.125));
}
