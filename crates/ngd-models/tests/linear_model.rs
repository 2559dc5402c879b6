//! The linear model `β = w` through the shared model checks.

mod common;

use common::model_checks::{check_parametrization, gaussian_vec};
use ndarray::Array2;
use ngd_models::{LinearModel, Parametrization};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

proptest! {
    #![proptest_config(ProptestConfig {
        rng_seed: proptest::test_runner::RngSeed::Fixed(20_261_129),
        ..ProptestConfig::with_cases(32)
    })]
    #[test]
    fn linear_model_passes_the_model_checks(dim in 1..8usize, samples in 1..6usize, seed: u64) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let model = LinearModel::new(dim).unwrap();
        let w = gaussian_vec(dim, &mut rng);
        check_parametrization(&model, &w, samples, &mut rng);
    }
}

#[test]
fn linear_model_is_the_identity() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    let model = LinearModel::new(4).unwrap();
    let w = gaussian_vec(4, &mut rng);
    assert_eq!(model.beta(w.view()).unwrap(), w);
    assert_eq!(model.jacobian(w.view()).unwrap(), Array2::eye(4));
    assert!(LinearModel::new(0).is_err());
}
