//! The two-layer tanh network `s(x) = vᵀ tanh(W x)`: the shared model checks on random shapes
//! with `P` below and above `N`, and the outputs against the formula written out.

mod common;

use common::model_checks::{check_network, gaussian_mat, gaussian_vec};
use ngd_models::{Network, TwoLayerTanh};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

proptest! {
    #![proptest_config(ProptestConfig {
        rng_seed: proptest::test_runner::RngSeed::Fixed(20_261_129),
        ..ProptestConfig::with_cases(32)
    })]
    #[test]
    fn tanh_net_passes_the_model_checks(
        dim in 1..5usize, hidden in 1..5usize, samples in 1..30usize, seed: u64,
    ) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let net = TwoLayerTanh::new(dim, hidden).unwrap();
        let w = gaussian_vec(net.param_count(), &mut rng);
        check_network(&net, &w, samples, &mut rng);
    }
}

#[test]
fn tanh_net_outputs_follow_the_formula() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
    let net = TwoLayerTanh::new(3, 4).unwrap();
    let (input, output) = (gaussian_mat(4, 3, &mut rng), gaussian_vec(4, &mut rng));
    let w = TwoLayerTanh::flatten(input.view(), output.view());
    assert_eq!(net.param_count(), 16);
    assert_eq!(net.layers(), vec![0..12, 12..16]);
    let x = gaussian_mat(5, 3, &mut rng);
    let s = net.outputs(w.view(), x.view()).unwrap();
    for n in 0..5 {
        let mut expected = 0.0;
        for h in 0..4 {
            let z: f64 = (0..3).map(|j| input[[h, j]] * x[[n, j]]).sum();
            expected += output[h] * z.tanh();
        }
        assert!((s[n] - expected).abs() <= 32.0 * f64::EPSILON * expected.abs().max(1.0));
    }
    assert!(TwoLayerTanh::new(0, 4).is_err());
    assert!(TwoLayerTanh::new(3, 0).is_err());
}
