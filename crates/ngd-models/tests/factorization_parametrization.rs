//! The flat-parameter deep matrix factorization: the shared model checks, and agreement with
//! [`MatrixFactorization`]'s product and its gradient pull-back `∇_{W_i} = A_iᵀ G B_iᵀ`.

mod common;

use common::model_checks::{check_parametrization, gaussian_mat, gaussian_vec};
use ndarray::{Array1, Array2, ShapeBuilder};
use ngd_models::{
    FactorizationParametrization, MatrixFactorization, Parametrization, factorization,
};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The column-major `vec` of a matrix.
fn vec_col(m: &Array2<f64>) -> Array1<f64> {
    m.t().iter().copied().collect()
}

proptest! {
    #![proptest_config(ProptestConfig {
        rng_seed: proptest::test_runner::RngSeed::Fixed(20_261_129),
        ..ProptestConfig::with_cases(24)
    })]
    #[test]
    fn factorization_passes_the_model_checks(
        depth in 1..4usize, dim in 1..4usize, samples in 1..5usize, seed: u64,
    ) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let model = FactorizationParametrization::new(depth, dim).unwrap();
        let w = gaussian_vec(depth * dim * dim, &mut rng);
        check_parametrization(&model, &w, samples, &mut rng);
    }

    #[test]
    fn factorization_agrees_with_matrix_factorization(
        depth in 1..5usize, dim in 1..5usize, seed: u64,
    ) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let factors: Vec<_> = (0..depth).map(|_| gaussian_mat(dim, dim, &mut rng)).collect();
        let net = MatrixFactorization::new(factors.clone()).unwrap();
        let model = FactorizationParametrization::new(depth, dim).unwrap();
        let w = FactorizationParametrization::flatten(&factors);
        prop_assert_eq!(model.factors(w.view()).unwrap(), factors.clone());
        prop_assert_eq!(model.beta(w.view()).unwrap(), vec_col(&net.product()));
        let g = gaussian_vec(dim * dim, &mut rng);
        let g_matrix = Array2::from_shape_vec((dim, dim).f(), g.to_vec()).unwrap();
        let pulled = factorization::pull_back(net.factors(), g_matrix.view());
        prop_assert_eq!(
            model.vjp(w.view(), g.view()).unwrap(),
            FactorizationParametrization::flatten(&pulled)
        );
    }
}

#[test]
fn factorization_layers_are_the_factors() {
    let model = FactorizationParametrization::new(3, 2).unwrap();
    assert_eq!(model.layers(), vec![0..4, 4..8, 8..12]);
    assert!(FactorizationParametrization::new(0, 2).is_err());
}
