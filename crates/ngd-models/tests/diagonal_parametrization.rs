//! The flat-parameter diagonal network: the shared model checks, and bit-for-bit agreement
//! with [`DiagonalNet`]'s own `β`, pull-back and dense Jacobian.

mod common;

use common::model_checks::{check_parametrization, gaussian_mat, gaussian_vec};
use ndarray::Array2;
use ngd_models::{DiagonalNet, DiagonalParametrization, Parametrization};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

proptest! {
    #![proptest_config(ProptestConfig {
        rng_seed: proptest::test_runner::RngSeed::Fixed(20_261_129),
        ..ProptestConfig::with_cases(32)
    })]
    #[test]
    fn diagonal_passes_the_model_checks(
        depth in 1..5usize, dim in 1..7usize, samples in 1..6usize, seed: u64,
    ) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let model = DiagonalParametrization::new(depth, dim).unwrap();
        let w = gaussian_vec(depth * dim, &mut rng);
        check_parametrization(&model, &w, samples, &mut rng);
    }

    #[test]
    fn diagonal_agrees_bit_for_bit_with_diagonal_net(
        depth in 1..5usize, dim in 1..7usize, seed: u64,
    ) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let net = DiagonalNet::new(gaussian_mat(depth, dim, &mut rng)).unwrap();
        let model = DiagonalParametrization::new(depth, dim).unwrap();
        let w = net.weights().as_slice().unwrap().to_vec();
        let w = ndarray::Array1::from(w);
        let grad_beta = gaussian_vec(dim, &mut rng);
        let mut pulled = Array2::zeros((depth, dim));
        net.pull_back(grad_beta.view(), pulled.view_mut());
        prop_assert_eq!(model.beta(w.view()).unwrap(), net.beta());
        let vjp = model.vjp(w.view(), grad_beta.view()).unwrap();
        prop_assert_eq!(vjp.as_slice().unwrap(), pulled.as_slice().unwrap());
        prop_assert_eq!(model.jacobian(w.view()).unwrap(), net.jacobian_dense());
    }
}

#[test]
fn diagonal_layers_are_the_rows() {
    let model = DiagonalParametrization::new(3, 4).unwrap();
    assert_eq!(model.layers(), vec![0..4, 4..8, 8..12]);
    assert!(DiagonalParametrization::new(0, 4).is_err());
    assert!(DiagonalParametrization::new(2, 0).is_err());
}
